"""Assessment (考核): worked examples with deductions and ties, publishing freezes, audit, Excel export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog
from jindu.supervision import scoring, services
from jindu.supervision.choices import Metric, ScoringMethod, SubjectKind
from jindu.supervision.models import AssessmentResult

from .helpers import pdf_file

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def scheme(orgs, people):
    office = people["office"]
    scheme = services.scheme_create(actor=office, data={
        "year": 2024, "title": "2024年上半年禁毒工作考核（地市）", "issuer": orgs["office"],
        "subject_kind": SubjectKind.REGION, "period_start": datetime.date(2024, 1, 1),
        "period_end": datetime.date(2024, 6, 30)})
    items = [
        (1, "吸毒检测率", "20", ScoringMethod.STATISTIC, Metric.TEST_RATE, "1", "0.01", "1"),
        (2, "任务按期完成", "6", ScoringMethod.TASKS, "", None, None, "2"),
        (3, "宣传教育", "10", ScoringMethod.MANUAL, "", None, None, "0"),
        (4, "对账异常", "4", ScoringMethod.STATISTIC, Metric.FLAGGED, "0", "1", "2"),
    ]
    for position, title, points, method, metric, target, step, deduction in items:
        services.item_create(actor=office, data={
            "scheme": scheme, "position": position, "title": title, "max_points": D(points), "method": method,
            "metric": metric, "target_value": D(target) if target else None, "step": D(step) if step else None,
            "deduction": D(deduction)})
    return scheme


def figures(rate=None, flags=0):
    return {"persons": {"registered": 1, "in_community": 1, "tested": 1, "test_rate": rate},
            "precursors": {"units": 1, "transactions": 1, "flagged_discrepancies": flags}}


@pytest.fixture
def worked_example(scheme, stats, orgs, people, make_task):
    """The figures, tasks and entries of the worked example (see test_worked_example_with_deductions_and_ties)."""
    office, office2 = people["office"], people["office2"]
    stats["540100"] = figures(rate=0.95)            # 5 points short -> -5
    stats["540200"] = figures(rate=1.0, flags=3)    # flags 3 x -2 = -6, capped at the item's 4
    stats["540300"] = figures(rate=0.985, flags=1)  # 1.5 points short: a part step counts -> -2; flags -2
    # Lhasa: one task on time, one overdue -> -2.
    on_time = make_task("lhasa", "540100", deadline=datetime.date(2024, 3, 31))
    with freeze_time("2024-03-20"):
        services.task_report(actor=people["lhasa"], task=on_time, text="完成", final=True)
    with freeze_time("2024-03-25"):
        services.task_review(actor=office, task=on_time, decision="accepted")
    make_task("lhasa", "540100", deadline=datetime.date(2024, 5, 31))
    # Shigatse: one reported in time and awaiting review (not the unit's fault), one accepted late -> -2.
    waiting = make_task("shigatse", "540200", deadline=datetime.date(2024, 6, 30))
    with freeze_time("2024-06-28"):
        services.task_report(actor=office, task=waiting, text="完成", final=True)
    late = make_task("shigatse", "540200", deadline=datetime.date(2024, 4, 30))
    with freeze_time("2024-05-10"):
        services.task_report(actor=office, task=late, text="完成", final=True)
        services.task_review(actor=office2, task=late, decision="accepted")
    # Chamdo: four overdue tasks -> -8, capped at 6; a task due after the period does not count.
    for month in (2, 3, 4, 5):
        make_task("education", "540300", deadline=datetime.date(2024, month, 15))
    make_task("education", "540300", deadline=datetime.date(2024, 7, 5))
    # Assessors' deductions on the manual item.
    manual = scheme.items.get(position=3)
    for code, points in (("540100", "1.5"), ("540100", "1.5"), ("540400", "3")):
        services.entry_create(actor=office, item=manual, subject=region(code), points=D(points),
                              reason="“八进”活动记录不完整", uploads=[pdf_file("记录.pdf")])
    return scheme


EXPECTED = {  # code: (test rate, tasks, manual, flags, total)
    "540100": ("15.00", "4.00", "7.00", "4.00", "30.00"),
    "540200": ("20.00", "4.00", "10.00", "0.00", "34.00"),
    "540300": ("18.00", "0.00", "10.00", "2.00", "30.00"),
    "540400": ("20.00", "6.00", "7.00", "4.00", "37.00"),
    "540500": ("20.00", "6.00", "10.00", "4.00", "40.00"),
    "540600": ("20.00", "6.00", "10.00", "4.00", "40.00"),
    "542500": ("20.00", "6.00", "10.00", "4.00", "40.00"),
}


def by_code(rows):
    return {row.subject.code: row for row in rows}


def test_worked_example_with_deductions_and_ties(worked_example):
    with freeze_time("2024-07-10"), translation.override("en"):
        rows = scoring.table(worked_example)
    table = by_code(rows)
    for code, expected in EXPECTED.items():
        row = table[code]
        assert tuple(str(item.score) for item in row.items) + (str(row.total),) == expected, code
    # Ties share a rank and the next rank is skipped; codes order the rows inside a tie.
    assert [(row.rank, row.subject.code) for row in rows] == [
        (1, "540500"), (1, "540600"), (1, "542500"), (4, "540400"), (5, "540200"), (6, "540100"), (6, "540300")]
    detail = table["540300"].items
    assert "2" in detail[0].detail and "4 of 4" in detail[1].detail
    assert table["540500"].items[0].detail  # no data for the period: no deduction, said so


def test_statistics_are_taken_over_the_period_up_to_the_evaluation_day(worked_example, stats):
    from . import fakes

    with freeze_time("2024-05-01"):
        scoring.table(worked_example)
    assert (datetime.date(2024, 1, 1), datetime.date(2024, 5, 1), "540100") in fakes.CALLS
    fakes.CALLS.clear()
    with freeze_time("2025-01-01"):
        scoring.table(worked_example)
    assert (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), "540100") in fakes.CALLS


def test_entries_are_audited_and_only_on_manual_items_of_assessed_subjects(worked_example, people, orgs):
    rows = AuditLog.objects.filter(action="supervision.scoreentry.created")
    assert rows.count() == 3 and {row.actor_id for row in rows} == {people["office"].pk}
    assert {D(row.after["points"]) for row in rows} == {D("1.5"), D("3")}
    computed = worked_example.items.get(position=1)
    with pytest.raises(ValidationError):
        services.entry_create(actor=people["office"], item=computed, subject=region("540100"), points=D(1),
                              reason="x")
    with pytest.raises(ValidationError):  # a county is not a subject of the regional scheme
        services.entry_create(actor=people["office"], item=worked_example.items.get(position=3),
                              subject=region("540102"), points=D(1), reason="x")
    with pytest.raises(PermissionDenied):  # assessors are the assessing office
        services.entry_create(actor=people["lhasa"], item=worked_example.items.get(position=3),
                              subject=region("540100"), points=D(1), reason="x")


def test_publishing_freezes_the_results(worked_example, stats, people):
    office = people["office"]
    with freeze_time("2024-07-10"):
        services.scheme_publish(actor=office, scheme=worked_example)
        before = [(row.rank, row.name, row.total) for row in scoring.table(worked_example)]
    assert AssessmentResult.objects.filter(scheme=worked_example).count() == 7
    worked_example.refresh_from_db()
    assert worked_example.is_published and worked_example.published_by == office
    assert AuditLog.objects.filter(action="supervision.assessmentscheme.published").exists()

    # The world changes: better figures, a task delivered. The published table does not.
    stats["540100"] = figures(rate=1.0)
    with freeze_time("2025-01-01"):
        assert [(row.rank, row.name, row.total) for row in scoring.table(worked_example)] == before

    manual = worked_example.items.get(position=3)
    entry = manual.entries.first()
    for attempt in (
        lambda: services.entry_create(actor=office, item=manual, subject=region("540200"), points=D(1), reason="x"),
        lambda: services.entry_update(actor=office, instance=entry, points=D("0.5"), reason="改"),
        lambda: services.entry_delete(actor=office, instance=entry),
        lambda: services.item_update(actor=office, instance=manual, data={"max_points": D(30)}),
        lambda: services.item_create(actor=office, data={"scheme": worked_example, "position": 9, "title": "新",
                                                         "max_points": D(5), "method": ScoringMethod.MANUAL}),
        lambda: services.scheme_update(actor=office, instance=worked_example, data={"title": "改名"}),
        lambda: services.scheme_publish(actor=office, scheme=worked_example),
        lambda: services.office_delete(actor=office, instance=worked_example, reason="作废"),
    ):
        with pytest.raises(ValidationError):
            attempt()
    entry.refresh_from_db()
    assert entry.points == D("1.5")


def test_member_unit_scheme_scores_units_by_their_tasks(orgs, people, make_task):
    office = people["office"]
    scheme = services.scheme_create(actor=office, data={
        "year": 2024, "title": "成员单位履职考核", "issuer": orgs["office"], "subject_kind": SubjectKind.MEMBER_UNIT,
        "units": [orgs["education"], orgs["health"]], "period_start": datetime.date(2024, 1, 1),
        "period_end": datetime.date(2024, 12, 31)})
    services.item_create(actor=office, data={"scheme": scheme, "position": 1, "title": "任务", "max_points": D(60),
                                             "method": ScoringMethod.TASKS, "deduction": D(5)})
    services.item_create(actor=office, data={"scheme": scheme, "position": 2, "title": "履职", "max_points": D(40),
                                             "method": ScoringMethod.MANUAL})
    make_task("education", deadline=datetime.date(2024, 3, 1))
    make_task("education", deadline=datetime.date(2024, 4, 1))
    services.entry_create(actor=office, item=scheme.items.get(position=2), subject=orgs["health"], points=D(10),
                          reason="专项检查未按期完成")
    with freeze_time("2024-07-01"):
        rows = scoring.table(scheme)
    assert [(row.rank, row.name, str(row.total)) for row in rows] == [
        (1, "自治区教育厅", "90.00"), (1, "自治区卫生健康委员会", "90.00")]
    # A member unit's staff see their own unit's entries only.
    assert not scheme.items.get(position=2).entries.model.objects.restrict(people["education"]).exists()


def test_draft_results_are_for_the_assessing_office(worked_example, people, client):
    county = create_user("cg_plain", ["county_officer"], "540102")
    client.force_login(county)
    page = client.get(reverse("supervision:assessmentscheme", args=[worked_example.pk]))
    assert page.status_code == 200 and page.context["rows"] == []
    assert client.get(f"/api/v1/supervision/assessments/{worked_example.pk}/results").status_code == 404
    with freeze_time("2024-07-10"):
        services.scheme_publish(actor=people["office"], scheme=worked_example)
    assert len(client.get(reverse("supervision:assessmentscheme", args=[worked_example.pk])).context["rows"]) == 7
    results = client.get(f"/api/v1/supervision/assessments/{worked_example.pk}/results").json()
    assert [row["rank"] for row in results] == [1, 1, 1, 4, 5, 6, 6]


def test_pages_entry_form_and_excel_export(worked_example, people, client):
    from openpyxl import load_workbook

    client.force_login(people["office"])
    with freeze_time("2024-07-10"):
        page = client.get(reverse("supervision:assessmentscheme", args=[worked_example.pk]))
        assert page.status_code == 200 and b'id="ranking"' in page.content
        url = reverse("supervision:assessment_subject", args=[worked_example.pk, "region-540200"])
        response = client.post(url, {"item": worked_example.items.get(position=3).pk, "points": "2",
                                     "reason": "=HYPERLINK(\"http://x\")"})
        assert response.status_code == 302
        detail = client.get(url)
        assert detail.status_code == 200 and str(detail.context["row"].total) == "32.00"
        export = client.get(reverse("supervision:assessment_export", args=[worked_example.pk]))
        missing = client.get(reverse("supervision:assessment_subject", args=[worked_example.pk, "region-540102"]))
    assert missing.status_code == 404
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.content))
    ranking = workbook.worksheets[0]
    values = [[cell.value for cell in row] for row in ranking.iter_rows(min_row=4)]
    assert values[0][:3] == [1, "山南市", 40]
    assert [row[1] for row in values if row[1] == "日喀则市"] and values[-1][0] == 6
    assert all(cell.data_type != "f" for row in workbook.worksheets[1].iter_rows() for cell in row)
    assert AuditLog.objects.filter(action="supervision.assessmentscheme.exported").count() == 1


def test_an_assessor_corrects_an_entry_and_the_correction_is_audited(worked_example, people, client):
    entry = worked_example.items.get(position=3).entries.filter(subject_region__code="540400").get()
    client.force_login(people["office"])
    url = reverse("supervision:scoreentry_edit", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"points": "2.5", "reason": "复核后调整"})
    assert response.status_code == 302 and response["Location"].endswith("/subjects/region-540400/")
    entry.refresh_from_db()
    assert entry.points == D("2.5")
    row = AuditLog.objects.get(action="supervision.scoreentry.updated", object_id=str(entry.pk))
    assert row.actor_id == people["office"].pk and row.before["points"] == "3.00" and row.after["points"] == "2.5"
    client.force_login(people["education"])  # a member unit's staff: not their entry, not found
    assert client.get(url).status_code == 404
