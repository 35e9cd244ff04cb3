"""Import and export of events, schools and school activities (DESIGN.md columns, Chinese headers)."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jindu.common.importing import SYSTEM, export_dataset, get, run_import
from jindu.core.models import AuditLog

from ..models import Campaign, Event, School, SchoolActivity
from . import factories as f

pytestmark = pytest.mark.django_db

HEADER = ["ref", "region_code", "on", "campaign", "kind", "venue", "reached"]
CHINESE = ["编号", "行政区划代码", "日期", "所属宣传活动", "场所类别", "场所名称", "受众人数"]
ROWS = [
    ["CY-001", "540102", "2024-01-28", "2024年春运禁毒宣传", "transport_hub", "拉萨火车站", "1200"],
    ["CY-002", "540102", "2024-02-03", "2024年春运禁毒宣传", "transport_hub", "拉萨贡嘎国际机场", "800"],
    ["BJ-001", "540302", "2024-03-12", "", "village", "卡若区某村", "60"],
]


def write_csv(tmp_path, rows, name="events.csv", bom=True):
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def do_import(path, actor=SYSTEM, dataset="events", **kwargs):
    return run_import(get(dataset), path, filename=path.name, actor=actor, **kwargs)


def snapshot():
    return sorted(Event.objects.values_list("ref", "region__code", "held_on", "campaign__name", "kind", "venue",
                                            "reached", "last_updated"))


def test_events_with_english_headers_create_the_campaign(tmp_path):
    result = do_import(write_csv(tmp_path, [HEADER, *ROWS]))
    assert result.committed and result.counts() == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert list(result.created_by_name.values()) == [["2024年春运禁毒宣传"]]
    campaign = Campaign.objects.get()
    assert (campaign.start_on, campaign.end_on) == (f.D(2024, 1, 28), f.D(2024, 2, 3))
    assert Event.objects.get(ref="BJ-001").campaign is None
    assert Event.objects.get(ref="CY-002").reached == 800
    entry = AuditLog.objects.filter(action="outreach.event.created").first()
    assert entry.source == "import" and entry.extra["file"] == "events.csv"


def test_chinese_headers_and_labels(tmp_path, officer):
    from django.utils import translation

    with translation.override("zh-hans"):
        hub = "交通枢纽"
    rows = [CHINESE, ["CY-009", "540102", "2024-01-30", "", hub, "拉萨汽车站", "300"]]
    result = do_import(write_csv(tmp_path, rows), officer)
    assert result.committed, result.errors
    assert Event.objects.get().kind == "transport_hub"


def test_reimport_changes_nothing(tmp_path):
    path = write_csv(tmp_path, [HEADER, *ROWS])
    do_import(path)
    before, audit_rows = snapshot(), AuditLog.objects.count()
    campaign = Campaign.objects.values().get()
    result = do_import(path)
    assert result.counts() == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert snapshot() == before and Campaign.objects.values().get() == campaign
    assert AuditLog.objects.count() == audit_rows + 1  # only the "imported" action record
    # A changed row updates its record and widens the campaign.
    changed = [HEADER, ROWS[0], ["CY-002", "540102", "2024-03-05", "2024年春运禁毒宣传", "market", "八廓街", "900"]]
    result = do_import(write_csv(tmp_path, changed, name="changed.csv"))
    assert result.counts()["updated"] == 1 and Event.objects.get(ref="CY-002").venue == "八廓街"
    assert Campaign.objects.get().end_on == f.D(2024, 3, 5)


def test_a_bad_row_writes_nothing_and_every_bad_row_is_reported(tmp_path):
    rows = [HEADER, *ROWS,
            ["X-1", "999999", "2024-01-01", "", "village", "某村", "10"],
            ["X-2", "540102", "2024-02-30", "", "village", "某村", "10"],
            ["X-3", "540102", "2024-02-01", "", "castle", "某村", "10"],
            ["X-4", "540102", "2024-02-01", "", "village", "某村", "-5"],
            ["X-5", "540102", "2024-02-01", "", "village", "", "5"],
            ["CY-001", "540102", "2024-02-01", "", "village", "某村", "5"]]
    result = do_import(write_csv(tmp_path, rows))
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [
        (5, "region_code"), (6, "on"), (7, "kind"), (8, "reached"), (9, "venue"), (10, "ref")]
    assert not Event.objects.exists() and not Campaign.objects.exists()


def test_cli_import_exit_status(tmp_path):
    good = write_csv(tmp_path, [HEADER, *ROWS])
    call_command("import", "events", str(good), stdout=io.StringIO(), stderr=io.StringIO())
    assert Event.objects.count() == 3
    bad = write_csv(tmp_path, [HEADER, ["Y-1", "540102", "2024-01-01", "", "nowhere", "x", "1"]], name="bad.csv")
    with pytest.raises(CommandError) as error:
        call_command("import", "events", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 2


def test_county_officer_cannot_import_another_county(tmp_path, county_officer):
    rows = [HEADER, ["G-1", "542523", "2024-02-01", "", "village", "噶尔县某村", "30"]]
    result = do_import(write_csv(tmp_path, rows), county_officer)
    assert not result.committed and result.errors[0].column == "region_code"


def test_county_officer_may_use_the_regions_campaign_but_not_widen_it(tmp_path, county_officer):
    campaign = f.campaign("540000", name="2024年春运禁毒宣传")
    rows = [HEADER, ["CG-1", "540102", "2024-03-20", "2024年春运禁毒宣传", "market", "冲赛康市场", "40"]]
    result = do_import(write_csv(tmp_path, rows), county_officer)
    assert result.committed, result.errors
    assert Event.objects.get().campaign == campaign
    campaign.refresh_from_db()
    assert campaign.end_on == f.D(2024, 3, 5)  # the county cannot change the region's campaign


def test_export_has_the_same_columns_and_reimports(tmp_path, officer):
    do_import(write_csv(tmp_path, [HEADER, *ROWS]))
    out = tmp_path / "export.xlsx"
    with open(out, "wb") as handle:
        export_dataset(get("events"), officer, handle, "xlsx")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert sorted(r[0] for r in rows[1:]) == ["BJ-001", "CY-001", "CY-002"]
    result = do_import(out)
    assert result.counts()["unchanged"] == 3


def test_schools_and_activities(tmp_path, officer):
    schools = [["学校名称", "行政区划代码", "学段", "在校学生数", "地址"],
               ["拉萨市第一中学", "540102", "middle", "2400", "拉萨市城关区"],
               ["卡若区第一小学", "540302", "primary", "900", ""]]
    result = do_import(write_csv(tmp_path, schools, name="schools.csv"), officer, dataset="schools")
    assert result.committed, result.errors
    assert School.objects.get(organisation__name="拉萨市第一中学").students == 2400
    assert do_import(write_csv(tmp_path, schools, name="schools.csv"), officer,
                     dataset="schools").counts()["unchanged"] == 2
    schools[1][3] = "2500"
    assert do_import(write_csv(tmp_path, schools, name="s2.csv"), officer, dataset="schools").counts()["updated"] == 1
    activities = [["school", "term", "activity", "on", "students"],
                  ["拉萨市第一中学", "2024-spring", "flag_speech", "2024-03-04", "2500"],
                  ["拉萨市第一中学", "2024-spring", "lecture", "2024-03-05", "1200"],
                  ["卡若区第一小学", "2024-spring", "film", "2024-03-06", "900"]]
    result = do_import(write_csv(tmp_path, activities, name="acts.csv"), officer, dataset="school_activities")
    assert result.committed, result.errors
    assert SchoolActivity.objects.count() == 3
    assert do_import(write_csv(tmp_path, activities, name="acts.csv"), officer,
                     dataset="school_activities").counts()["unchanged"] == 3
    bad = [activities[0], ["不存在的学校", "2024-spring", "film", "2024-03-06", "10"],
           ["卡若区第一小学", "2024-summer", "film", "2024-03-06", "10"]]
    result = do_import(write_csv(tmp_path, bad, name="bad.csv"), officer, dataset="school_activities")
    assert [(e.row, e.column) for e in result.errors] == [(2, "school"), (3, "term")]
