"""Task life cycle, the member-unit scope rule and who may accept what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog
from jindu.supervision import access, services
from jindu.supervision.choices import Metric, TaskKind, TaskStatus
from jindu.supervision.models import PlanItem, ProgressReport, Task, WorkPlan

from .helpers import exe_as, pdf_file, png_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(orgs, people):
    plan = services.workplan_create(actor=people["office"], data={
        "title": "全区“禁吸戒毒基础年”活动工作方案", "issuer": orgs["office"],
        "period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 12, 31)})
    return plan


def test_tasks_are_generated_per_unit_and_region_once(plan, orgs, people):
    item = services.planitem_create(actor=people["office"], data={
        "plan": plan, "position": 1, "duty": "组织全区学校开展“禁毒开学第一课”\n落实“五个一”活动",
        "units": [orgs["education"]], "regions": [region("540100"), region("540200")],
        "target_text": "每所学校完成“五个一”", "deadline": datetime.date(2024, 3, 31)})
    created = services.planitem_generate_tasks(actor=people["office"], item=item)
    assert sorted(task.region.code for task in created) == ["540100", "540200"]
    task = created[0]
    assert task.kind == TaskKind.PLAN and task.status == TaskStatus.ASSIGNED
    assert task.title == "组织全区学校开展“禁毒开学第一课”" and task.issuer == orgs["office"]
    assert task.start_on == datetime.date(2024, 1, 1) and task.deadline == datetime.date(2024, 3, 31)
    # Again: nothing new. A unit added later gets its tasks.
    assert services.planitem_generate_tasks(actor=people["office"], item=item) == []
    item.units.add(orgs["health"])
    assert len(services.planitem_generate_tasks(actor=people["office"], item=item)) == 2
    assert Task.objects.filter(plan_item=item).count() == 4
    assert AuditLog.objects.filter(action="supervision.planitem.tasks_generated").count() == 2


def test_without_regions_each_unit_works_in_its_own_region(plan, orgs, people):
    item = services.planitem_create(actor=people["office"], data={
        "plan": plan, "position": 2, "duty": "全员吸毒检测", "units": [orgs["lhasa"], orgs["shigatse"]],
        "metric": Metric.TEST_RATE, "target_value": 1, "deadline": datetime.date(2024, 6, 30)})
    tasks = services.planitem_generate_tasks(actor=people["office"], item=item)
    assert {(t.assignee.name, t.region.code) for t in tasks} == {
        ("拉萨市禁毒委员会办公室", "540100"), ("日喀则市禁毒委员会办公室", "540200")}
    assert all(t.metric == Metric.TEST_RATE and t.target_value == 1 for t in tasks)


def test_item_deadline_must_lie_in_the_plan_period(plan, orgs, people):
    with pytest.raises(ValidationError) as error:
        services.planitem_create(actor=people["office"], data={
            "plan": plan, "position": 1, "duty": "x", "units": [orgs["education"]],
            "deadline": datetime.date(2025, 1, 31)})
    assert "deadline" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.planitem_create(actor=people["office"], data={
            "plan": plan, "position": 1, "duty": "x", "units": [], "deadline": datetime.date(2024, 3, 1)})
    assert "units" in error.value.message_dict


def test_full_life_cycle_with_return_and_acceptance(orgs, people, make_task, mailoutbox):
    office, unit = people["office"], people["education"]
    task = services.task_create(actor=office, data={
        "title": "开学第一课", "issuer": orgs["office"], "assignee": orgs["education"], "region": region("540000"),
        "start_on": datetime.date(2024, 2, 1), "deadline": datetime.date(2024, 3, 31)})
    assert task.kind == TaskKind.AD_HOC and task.status == TaskStatus.ASSIGNED

    task = services.task_start(actor=unit, task=task)
    assert task.status == TaskStatus.IN_PROGRESS
    services.task_report(actor=unit, task=task, text="已部署", final=False)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS

    report = services.task_report(actor=unit, task=task, text="全部学校已完成", final=True,
                                  uploads=[pdf_file("名单.pdf"), png_file()])
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED and task.reported_at is not None
    assert report.author == unit and report.author_unit == orgs["education"] and not report.on_behalf
    assert sorted(a.name for a in report.attachments.all()) == ["photo.png", "名单.pdf"]

    with pytest.raises(ValidationError):  # a reported task waits for the office
        services.task_report(actor=unit, task=task, text="补充", final=False)

    with pytest.raises(ValidationError) as error:  # returning needs a reason
        services.task_review(actor=office, task=task, decision="returned", comment=" ")
    assert "comment" in error.value.message_dict
    services.task_review(actor=office, task=task, decision="returned", comment="缺少活动照片")
    task.refresh_from_db()
    report.refresh_from_db()
    assert task.status == TaskStatus.RETURNED
    assert report.decision == "returned" and report.reviewer == office and report.review_comment == "缺少活动照片"

    services.task_report(actor=unit, task=task, text="已补充照片", final=True, uploads=[png_file("p2.png")])
    services.task_review(actor=office, task=task, decision="accepted")
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED and task.accepted_at is not None
    assert task.completed_on == task.reports.get(decision="accepted").submitted_at.astimezone().date()

    with pytest.raises(ValidationError):  # accepted is final
        services.task_update(actor=office, instance=task, data={"title": "改"})
    with pytest.raises(ValidationError):
        services.task_report(actor=unit, task=task, text="再报", final=True)

    actions = set(AuditLog.objects.filter(object_type="supervision.task", object_id=str(task.pk))
                  .values_list("action", flat=True))
    assert {"supervision.task.created", "supervision.task.updated", "supervision.task.returned",
            "supervision.task.accepted"} <= actions


def test_a_unit_cannot_accept_its_own_report(orgs, people, make_task, client):
    unit = people["education"]
    task = make_task("education")
    services.task_report(actor=unit, task=task, text="完成", final=True)
    with pytest.raises(PermissionDenied) as error:
        services.task_review(actor=unit, task=task, decision="accepted")
    with translation.override("en"):
        assert "own report" in str(error.value)
    # Not through the page or the API either.
    client.force_login(unit)
    page = client.get(reverse("supervision:task", args=[task.pk]))
    assert page.status_code == 200 and page.context["can_review"] is False
    assert b'id="review-form"' not in page.content
    client.post(reverse("supervision:task_review", args=[task.pk]), {"decision": "accepted"})
    response = client.post(f"/api/v1/supervision/tasks/{task.pk}/review", data={"decision": "accepted"},
                           content_type="application/json")
    refusal = access.review_refusal(unit, task, task.reports.get())
    assert response.status_code == 403 and response.json()["detail"] == str(refusal)
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED


def test_an_office_reporting_on_its_own_task_cannot_accept_it(orgs, people, make_task):
    """Lhasa's office is an office, but here it is the responsible unit."""
    task = make_task("lhasa", "540100")
    services.task_report(actor=people["lhasa"], task=task, text="完成", final=True)
    with pytest.raises(PermissionDenied):
        services.task_review(actor=people["lhasa"], task=task, decision="accepted")
    services.task_review(actor=people["office"], task=task, decision="accepted")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACCEPTED


def test_a_report_recorded_by_the_office_is_reviewed_by_a_colleague(orgs, people, make_task):
    task = make_task("health")  # the health commission has no account: the office records its report
    report = services.task_report(actor=people["office"], task=task, text="电话报告：检查已完成", final=True)
    assert report.on_behalf
    with pytest.raises(PermissionDenied) as error:
        services.task_review(actor=people["office"], task=task, decision="accepted")
    with translation.override("en"):
        assert "another member" in str(error.value)
    services.task_review(actor=people["office2"], task=task, decision="accepted")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACCEPTED


def test_only_the_assigning_office_or_above_reviews(orgs, people, make_task):
    task = make_task("education", "540100")  # the regional office's task for education in Lhasa
    services.task_report(actor=people["education"], task=task, text="完成", final=True)
    with translation.override("en"), pytest.raises(PermissionDenied) as error:
        services.task_review(actor=people["lhasa"], task=task, decision="accepted")  # sees it, did not assign it
    assert "assigning office" in str(error.value)


def test_member_unit_staff_see_only_their_units_tasks(orgs, people, make_task, client):
    own = make_task("education")
    other = make_task("health")
    lhasa = make_task("lhasa", "540100")
    unit = people["education"]
    assert set(Task.objects.restrict(unit)) == {own}
    assert set(Task.objects.restrict(people["office"])) == {own, other, lhasa}
    assert set(Task.objects.restrict(people["lhasa"])) == {lhasa}
    client.force_login(unit)
    assert client.get(reverse("supervision:task", args=[other.pk])).status_code == 404
    assert client.get(f"/api/v1/supervision/tasks/{other.pk}").status_code == 404
    ids = {item["id"] for item in client.get("/api/v1/supervision/tasks").json()["items"]}
    assert ids == {own.pk}
    # A member unit does not write tasks, plans or visits.
    with pytest.raises(PermissionDenied):
        services.task_create(actor=unit, data={"title": "x", "issuer": orgs["office"], "assignee": orgs["health"],
                                               "region": region("540000"), "deadline": datetime.date(2024, 6, 1)})
    with pytest.raises(PermissionDenied):
        services.workplan_create(actor=unit, data={"title": "x", "issuer": orgs["office"],
                                                   "period_start": datetime.date(2024, 1, 1),
                                                   "period_end": datetime.date(2024, 1, 2)})


def test_member_units_get_no_add_button_and_a_new_assignee_is_told(orgs, people, make_task, client):
    client.force_login(people["education"])
    assert client.get(reverse("supervision:task_list")).context["add_url"] is None
    client.force_login(people["office"])
    assert client.get(reverse("supervision:task_list")).context["add_url"]
    task = make_task("health")
    services.task_update(actor=people["office"], instance=task, data={"assignee": orgs["education"]})
    assert task.notifications.filter(recipient=people["education"], kind="task_assigned").count() == 1


def test_reports_and_their_files_follow_the_task_scope(orgs, people, make_task, client):
    task = make_task("health")
    report = services.task_report(actor=people["office"], task=task, text="x", final=False, uploads=[pdf_file()])
    attachment = report.attachments.get()
    assert set(ProgressReport.objects.restrict(people["education"])) == set()
    client.force_login(people["education"])
    assert client.get(reverse("supervision:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(people["office"])
    response = client.get(reverse("supervision:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_evidence_is_checked_by_content_and_nothing_is_saved_on_a_bad_file(people, make_task):
    task = make_task("education")
    with pytest.raises(ValidationError) as error:
        services.task_report(actor=people["education"], task=task, text="完成", final=True,
                             uploads=[pdf_file(), exe_as("证明.pdf")])
    assert "files" in error.value.message_dict
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and not task.reports.exists()


def test_task_cannot_be_created_outside_the_scope_or_by_a_non_office(orgs, people):
    with pytest.raises(PermissionDenied):
        services.task_create(actor=people["chengguan"], data={
            "title": "越权", "issuer": orgs["chengguan"], "assignee": orgs["gar"], "region": region("542523"),
            "deadline": datetime.date(2024, 6, 1), "start_on": datetime.date(2024, 1, 1)})
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=people["office"], data={
            "title": "x", "issuer": orgs["education"], "assignee": orgs["health"], "region": region("540000"),
            "deadline": datetime.date(2024, 6, 1), "start_on": datetime.date(2024, 1, 1)})
    assert "issuer" in error.value.message_dict


def test_deadline_before_start_is_refused_by_the_database_rule(orgs, people):
    with pytest.raises(ValidationError):
        services.task_create(actor=people["office"], data={
            "title": "x", "issuer": orgs["office"], "assignee": orgs["health"], "region": region("540000"),
            "start_on": datetime.date(2024, 6, 2), "deadline": datetime.date(2024, 6, 1)})


def test_a_task_with_reports_cannot_be_deleted(people, make_task):
    task = make_task("health")
    services.task_report(actor=people["office"], task=task, text="x", final=False)
    with pytest.raises(ValidationError):
        services.task_delete(actor=people["office"], task=task, reason="重复")
    empty = make_task("education")
    services.task_delete(actor=people["office"], task=empty, reason="重复下发")
    assert not Task.objects.filter(pk=empty.pk).exists()
    assert Task.all_objects.get(pk=empty.pk).void_reason == "重复下发"


@pytest.mark.parametrize(("today", "overdue", "due_soon"), [
    ("2024-06-26", False, False),
    ("2024-06-27", False, True),   # 3 days ahead
    ("2024-06-30", False, True),   # the deadline itself is not late
    ("2024-07-01", True, False),
])
def test_overdue_and_due_soon_with_a_frozen_clock(make_task, today, overdue, due_soon):
    task = make_task("education", deadline=datetime.date(2024, 6, 30))
    with freeze_time(today):
        assert task.is_overdue() is overdue and task.is_due_soon() is due_soon
        assert Task.objects.overdue().filter(pk=task.pk).exists() is overdue
        assert Task.objects.due_soon().filter(pk=task.pk).exists() is due_soon


def test_reported_and_accepted_tasks_are_not_overdue(people, make_task):
    reported = make_task("education", deadline=datetime.date(2024, 6, 30))
    returned = make_task("health", deadline=datetime.date(2024, 6, 30))
    with freeze_time("2024-06-29"):
        services.task_report(actor=people["education"], task=reported, text="完成", final=True)
        services.task_report(actor=people["office"], task=returned, text="完成", final=True)
        services.task_review(actor=people["office2"], task=returned, decision="returned", comment="不全")
    with freeze_time("2024-07-02"):
        overdue = set(Task.objects.overdue())
        assert reported not in overdue and Task.objects.get(pk=returned.pk) in overdue


def test_overdue_filter_on_the_list_page_and_api(people, make_task, client):
    late = make_task("education", deadline=datetime.date(2024, 6, 30))
    make_task("health", deadline=datetime.date(2024, 7, 30))
    client.force_login(people["office"])
    with freeze_time("2024-07-10"):
        page = client.get(reverse("supervision:task_list"), {"overdue": "true"})
        rows = list(page.context["table"].data)
        assert [t.pk for t in rows] == [late.pk]
        items = client.get("/api/v1/supervision/tasks", {"overdue": "true"}).json()["items"]
        assert [item["id"] for item in items] == [late.pk] and items[0]["overdue"] is True


def test_plan_is_readable_below_but_written_only_by_its_office(plan, orgs, people, client):
    county = create_user("cg_plain", ["county_officer"], "540102")
    assert plan in WorkPlan.objects.restrict(county)
    assert plan not in WorkPlan.objects.restrict(county, "change")
    client.force_login(county)
    assert client.get(reverse("supervision:workplan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("supervision:workplan_edit", args=[plan.pk])).status_code == 404
    assert not PlanItem.objects.restrict(county, "change").exists()


def test_list_filters_by_unit_and_plan_within_scope(plan, orgs, people, make_task, client):
    item = services.planitem_create(actor=people["office"], data={
        "plan": plan, "position": 1, "duty": "职责", "units": [orgs["education"]],
        "deadline": datetime.date(2024, 6, 1)})
    [planned] = services.planitem_generate_tasks(actor=people["office"], item=item)
    other = make_task("health")
    client.force_login(people["office"])
    rows = client.get(reverse("supervision:task_list"), {"assignee": orgs["education"].pk}).context["table"].data
    assert [t.pk for t in rows] == [planned.pk]
    rows = client.get(reverse("supervision:task_list"), {"plan": plan.pk}).context["table"].data
    assert [t.pk for t in rows] == [planned.pk]
    items = client.get("/api/v1/supervision/tasks", {"assignee": orgs["health"].pk}).json()["items"]
    assert [item["id"] for item in items] == [other.pk]
