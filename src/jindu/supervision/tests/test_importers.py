"""The ``tasks`` import dataset: English and Chinese headers, every bad row reported, idempotent upsert through the
services, scope checked per row, export and re-import."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jindu.common.importing import SYSTEM, export_dataset, get, run_import
from jindu.common.testing import create_user
from jindu.core.models import AuditLog
from jindu.supervision import services
from jindu.supervision.choices import TaskKind, TaskStatus
from jindu.supervision.models import Notification, Task

pytestmark = pytest.mark.django_db

HEADER = ["ref", "title", "issuer", "assignee", "region_code", "start_on", "deadline", "description"]
CHINESE = ["任务编号", "任务名称", "交办单位", "责任单位", "行政区划代码", "开始日期", "完成时限", "任务内容"]
OFFICE = "西藏自治区禁毒委员会办公室"
ROWS = [
    ["DB-001", "开学第一课", OFFICE, "自治区教育厅", "540000", "2024-02-01", "2024-03-31", "全区中小学"],
    ["DB-002", "麻精药品专项检查", OFFICE, "自治区卫生健康委员会", "540000", "2024-03-01", "2024-05-31", ""],
    ["DB-003", "城关区社区戒毒检测", OFFICE, "城关区禁毒委员会办公室", "540102", "", "2024-06-30", ""],
]


def write_csv(tmp_path, rows, name="tasks.csv"):
    path = tmp_path / name
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def do_import(path, actor=SYSTEM):
    return run_import(get("tasks"), path, filename=path.name, actor=actor)


def snapshot():
    return sorted(
        Task.objects.values_list(
            "ref", "title", "issuer__name", "assignee__name", "region__code", "deadline", "version", "last_updated"
        )
    )


def test_import_creates_tasks_through_the_service_and_tells_the_units(tmp_path, orgs, people):
    with_bom = write_csv(tmp_path, [HEADER, *ROWS])
    result = do_import(with_bom, actor=people["office"])
    assert result.committed, result.errors
    assert result.counts() == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    task = Task.objects.get(ref="DB-001")
    assert (task.kind, task.status, task.assignee, task.issuer) == (
        TaskKind.AD_HOC,
        TaskStatus.ASSIGNED,
        orgs["education"],
        orgs["office"],
    )
    assert task.description == "全区中小学" and task.deadline == datetime.date(2024, 3, 31)
    # No start date: today as on the form, or the deadline of a task of the past.
    assert Task.objects.get(ref="DB-003").start_on == datetime.date(2024, 6, 30)
    assert Notification.objects.filter(task=task, recipient=people["education"], kind="task_assigned").exists()
    entry = AuditLog.objects.filter(action="supervision.task.created", object_id=str(task.pk)).get()
    assert entry.source == "import" and entry.extra["file"] == "tasks.csv" and entry.actor == people["office"]


def test_chinese_headers_are_accepted(tmp_path, orgs):
    result = do_import(write_csv(tmp_path, [CHINESE, ROWS[0]]))
    assert result.committed and Task.objects.get(ref="DB-001").title == "开学第一课"


def test_reimport_changes_nothing_and_a_changed_row_updates(tmp_path, orgs):
    path = write_csv(tmp_path, [HEADER, *ROWS])
    do_import(path)
    before = snapshot()
    again = do_import(path)
    assert again.counts() == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert snapshot() == before
    changed = [HEADER, ROWS[0][:6] + ["2024-04-15", "全区中小学"]]
    result = do_import(write_csv(tmp_path, changed, "changed.csv"))
    assert result.counts()["updated"] == 1
    task = Task.objects.get(ref="DB-001")
    assert task.deadline == datetime.date(2024, 4, 15) and task.version == 2


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path, orgs):
    rows = [
        HEADER,
        ROWS[0],
        ["DB-010", "x", OFFICE, "不存在的单位", "540000", "", "2024-03-31", ""],  # unknown unit
        ["DB-011", "x", "自治区教育厅", "自治区卫生健康委员会", "540000", "", "2024-03-31", ""],  # issuer not an office
        ["DB-012", "x", OFFICE, "自治区教育厅", "540000", "2024-05-01", "2024-04-01", ""],  # deadline before start
        ["DB-013", "x", OFFICE, "自治区教育厅", "999999", "", "2024-13-01", ""],  # bad region and date
        ["DB-001", "重复", OFFICE, "自治区教育厅", "540000", "", "2024-03-31", ""],  # same key twice
    ]
    result = do_import(write_csv(tmp_path, rows))
    assert not result.committed and Task.objects.count() == 0
    bad = sorted({(error.row, error.column) for error in result.errors})
    assert bad == [(3, "assignee"), (4, "issuer"), (5, "deadline"), (6, "deadline"), (6, "region_code"), (7, "ref")]
    with pytest.raises(CommandError):
        call_command("import", "tasks", str(write_csv(tmp_path, rows, "bad.csv")), stdout=io.StringIO())


def test_scope_is_checked_per_row(tmp_path, orgs):
    county = create_user("cg_importer", ["county_officer"], "540102", organisation=orgs["chengguan"])
    rows = [
        HEADER,
        ["CG-001", "社区检测", "城关区禁毒委员会办公室", "城关区禁毒委员会办公室", "540102", "", "2024-06-30", ""],
        ["CG-002", "越权", "城关区禁毒委员会办公室", "城关区禁毒委员会办公室", "542523", "", "2024-06-30", ""],
    ]
    result = do_import(write_csv(tmp_path, rows), actor=county)
    assert not result.committed
    assert [(error.row, error.column) for error in result.errors] == [(3, "region_code")]
    # A task of the region above, imported by the system, is out of the county's reach: its key is refused.
    do_import(write_csv(tmp_path, [HEADER, ROWS[0]], "region.csv"))
    other = do_import(write_csv(tmp_path, [HEADER, ["DB-001", "改", *ROWS[0][2:]]], "change.csv"), actor=county)
    assert [error.column for error in other.errors] == ["ref"]
    assert Task.objects.get(ref="DB-001").title == "开学第一课"


def test_member_units_and_accepted_tasks_are_refused(tmp_path, orgs, people):
    reporter = create_user("edu_rep", ["member_unit"], "540000", organisation=orgs["education"])
    with pytest.raises(Exception, match="tasks"):
        do_import(write_csv(tmp_path, [HEADER, ROWS[0]]), actor=reporter)
    do_import(write_csv(tmp_path, [HEADER, ROWS[0]]))
    task = Task.objects.get(ref="DB-001")
    services.task_report(actor=people["education"], task=task, text="完成", final=True)
    services.task_review(actor=people["office"], task=task, decision="accepted")
    changed = do_import(write_csv(tmp_path, [HEADER, ["DB-001", "改名", *ROWS[0][2:]]], "c.csv"))
    assert [error.column for error in changed.errors] == ["ref"]


def test_export_has_the_same_columns_and_reimports_unchanged(tmp_path, orgs, people):
    do_import(write_csv(tmp_path, [HEADER, *ROWS]))
    out = tmp_path / "export.xlsx"
    with open(out, "wb") as handle:
        export_dataset(get("tasks"), people["office"], handle, "xlsx")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert list(rows[0])[: len(HEADER)] == HEADER
    assert sorted(row[0] for row in rows[1:]) == ["DB-001", "DB-002", "DB-003"]
    assert do_import(out).counts()["unchanged"] == 3
