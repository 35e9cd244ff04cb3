"""Record views of every supervision model: other county 404 on every page, action and API endpoint; soft delete
(void with a reason, hidden, restorable, children first); versions (a stale edit is refused with 409);
Idempotency-Key on the API's creating endpoints; no orphaned upload when a transaction rolls back."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from jindu.common.testing import ScopedModelViewTests, create_user, region
from jindu.core.models import AuditLog, Organisation
from jindu.supervision import services
from jindu.supervision.models import (
    AssessmentItem,
    AssessmentScheme,
    Attachment,
    PlanItem,
    ScoreEntry,
    Task,
    Visit,
    WorkPlan,
)

from .helpers import pdf_file

pytestmark = pytest.mark.django_db

D = datetime.date


def office(code):
    return Organisation.objects.get_or_create(
        name=f"禁毒办{code}", defaults={"kind": "ncc_office", "region": region(code)}
    )[0]


def plan_of(code):
    return WorkPlan.objects.get_or_create(
        title="方案" + code,
        issuer=office(code),
        defaults={"period_start": D(2024, 1, 1), "period_end": D(2024, 12, 31)},
    )[0]


def scheme_of(code):
    return AssessmentScheme.objects.get_or_create(
        year=2024,
        issuer=office(code),
        subject_kind="region",
        defaults={"title": "考核" + code, "period_start": D(2024, 1, 1), "period_end": D(2024, 12, 31)},
    )[0]


class TestPlanItemAccess(ScopedModelViewTests):
    model = PlanItem

    def list_url(self):
        return reverse("supervision:workplan_list")

    def make_object(self, region_code):
        item = PlanItem.objects.create(plan=plan_of(region_code), duty="职责" + region_code, deadline=D(2024, 6, 30))
        item.units.set([office(region_code)])
        return item


class TestAssessmentItemAccess(ScopedModelViewTests):
    """Items have no page of their own (the detail redirects to the scheme): their edit page is the record view."""

    model = AssessmentItem

    def list_url(self):
        return reverse("supervision:assessmentscheme_list")

    def detail_url(self, obj):
        return reverse("supervision:assessmentitem_edit", args=[obj.pk])

    def make_object(self, region_code):
        return AssessmentItem.objects.create(scheme=scheme_of(region_code), title="项目", max_points=Decimal(10))


@pytest.fixture
def gar_records(orgs):
    """One record of every kind in Gar county (542523), with an evidence file."""
    gar = region("542523")
    plan = plan_of("542523")
    item = TestPlanItemAccess().make_object("542523")
    task = Task.objects.create(
        title="噶尔任务", issuer=office("542523"), assignee=orgs["gar"], region=gar,
        start_on=D(2024, 1, 1), deadline=D(2024, 6, 30),
    )  # fmt: skip
    services.task_report(actor=services.SYSTEM, task=task, text="完成", final=True, uploads=[pdf_file()])
    visit = Visit.objects.create(
        title="噶尔督导", issuer=office("542523"), region=gar, start_on=D(2024, 5, 6), end_on=D(2024, 5, 7)
    )
    scheme = scheme_of("542523")
    assessment_item = AssessmentItem.objects.create(scheme=scheme, title="项目", max_points=Decimal(10))
    entry = ScoreEntry.objects.create(
        item=assessment_item, subject_region=gar, region=gar, points=Decimal(1), reason="扣分"
    )
    return {
        "plan": plan, "item": item, "task": task, "visit": visit, "scheme": scheme,
        "assessment_item": assessment_item, "entry": entry, "attachment": Attachment.objects.get(report__task=task),
    }  # fmt: skip


def test_every_record_page_action_and_endpoint_of_another_county_is_404(client, gar_records):
    r = gar_records
    pages = {
        "workplan": r["plan"], "workplan_edit": r["plan"], "workplan_delete": r["plan"], "workplan_document": r["plan"],
        "workplan_restore": r["plan"], "planitem": r["item"], "planitem_edit": r["item"],
        "planitem_delete": r["item"], "planitem_generate": r["item"], "planitem_restore": r["item"],
        "task": r["task"], "task_edit": r["task"], "task_delete": r["task"], "task_start": r["task"],
        "task_report": r["task"], "task_review": r["task"], "task_restore": r["task"],
        "visit": r["visit"], "visit_edit": r["visit"], "visit_delete": r["visit"], "visit_checklist": r["visit"],
        "visit_rectification_add": r["visit"], "visit_attach": r["visit"], "visit_close": r["visit"],
        "visit_report": r["visit"], "visit_restore": r["visit"],
        "assessmentscheme": r["scheme"], "assessmentscheme_edit": r["scheme"], "assessmentscheme_delete": r["scheme"],
        "assessment_publish": r["scheme"], "assessment_export": r["scheme"], "assessmentscheme_restore": r["scheme"],
        "assessmentitem": r["assessment_item"], "assessmentitem_edit": r["assessment_item"],
        "assessmentitem_delete": r["assessment_item"], "assessmentitem_restore": r["assessment_item"],
        "scoreentry_edit": r["entry"], "scoreentry_delete": r["entry"], "attachment": r["attachment"],
    }  # fmt: skip
    client.force_login(create_user("cg_plain", ["county_officer"], "540102"))
    for name, obj in pages.items():
        url = reverse(f"supervision:{name}", args=[obj.pk])
        response = client.get(url)
        if response.status_code == 405:  # an action: POST only
            response = client.post(url)
        assert response.status_code == 404, name
    subject = reverse("supervision:assessment_subject", args=[r["scheme"].pk, "region-542523"])
    assert client.get(subject).status_code == 404
    task = r["task"]
    api = [
        ("get", f"/api/v1/supervision/plans/{r['plan'].pk}"), ("get", f"/api/v1/supervision/tasks/{task.pk}"),
        ("post", f"/api/v1/supervision/tasks/{task.pk}/reports"),
        ("post", f"/api/v1/supervision/tasks/{task.pk}/review"),
        ("delete", f"/api/v1/supervision/tasks/{task.pk}"), ("get", f"/api/v1/supervision/visits/{r['visit'].pk}"),
        ("get", f"/api/v1/supervision/assessments/{r['scheme'].pk}"),
        ("get", f"/api/v1/supervision/assessments/{r['scheme'].pk}/results"),
    ]  # fmt: skip
    for method, url in api:
        body = {"text": "x", "decision": "accepted", "reason": "x"}
        response = getattr(client, method)(url, data=body, content_type="application/json")
        assert response.status_code == 404, url


# --- Soft delete ------------------------------------------------------------------------------------------------


def test_voiding_needs_a_reason_hides_the_record_and_restores_it(orgs, people):
    office_user = people["office"]
    plan = services.workplan_create(
        actor=office_user,
        data={
            "title": "年度方案",
            "issuer": orgs["office"],
            "period_start": D(2024, 1, 1),
            "period_end": D(2024, 12, 31),
        },
    )
    with pytest.raises(ValidationError) as error:
        services.office_delete(actor=office_user, instance=plan, reason=" ")
    assert "reason" in error.value.message_dict
    services.office_delete(actor=office_user, instance=plan, reason="方案作废重发")
    assert not WorkPlan.objects.filter(pk=plan.pk).exists()
    voided = WorkPlan.all_objects.get(pk=plan.pk)
    assert voided.voided and voided.voided_by == office_user and voided.void_reason == "方案作废重发"
    assert AuditLog.objects.filter(action="supervision.workplan.voided", object_id=str(plan.pk)).exists()
    restored = services.office_restore(actor=office_user, instance=voided, reason="误操作")
    assert not restored.voided and WorkPlan.objects.filter(pk=plan.pk).exists()


def test_children_are_voided_first_and_restored_after_their_parent(orgs, people):
    office_user = people["office"]
    plan = plan_of("540000")
    item = services.planitem_create(
        actor=office_user,
        data={"plan": plan, "position": 1, "duty": "职责", "units": [orgs["education"]], "deadline": D(2024, 6, 1)},
    )
    (task,) = services.planitem_generate_tasks(actor=office_user, item=item)
    with pytest.raises(ValidationError):
        services.office_delete(actor=office_user, instance=plan, reason="x")
    with pytest.raises(ValidationError):
        services.office_delete(actor=office_user, instance=item, reason="x")
    services.task_delete(actor=office_user, task=task, reason="重复")
    services.office_delete(actor=office_user, instance=item, reason="重复")
    services.office_delete(actor=office_user, instance=plan, reason="重复")
    # A voided task is not generated again; its item and plan are restored first.
    with pytest.raises(ValidationError):
        services.office_restore(actor=office_user, instance=PlanItem.all_objects.get(pk=item.pk))
    services.office_restore(actor=office_user, instance=WorkPlan.all_objects.get(pk=plan.pk))
    item = services.office_restore(actor=office_user, instance=PlanItem.all_objects.get(pk=item.pk))
    assert services.planitem_generate_tasks(actor=office_user, item=item) == []
    services.office_restore(actor=office_user, instance=Task.all_objects.get(pk=task.pk))
    assert list(Task.objects.filter(plan_item=item)) == [task]


def test_voided_tasks_leave_lists_scores_and_alerts(people, make_task, client):
    task = make_task("education", deadline=D(2024, 6, 1))
    services.task_delete(actor=people["office"], task=task, reason="下发错误")
    from jindu.supervision import notifications

    assert notifications.send_alerts(D(2024, 7, 1)) == {"task_due": 0, "task_overdue": 0}
    client.force_login(people["office"])
    listing = client.get(reverse("supervision:task_list")).content
    assert task.title.encode() not in listing
    assert reverse("supervision:task_voided").encode() in listing and b"/data/tasks/import/" in listing
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 404
    voided_page = client.get(reverse("supervision:task_voided"))
    assert voided_page.status_code == 200 and task.title.encode() in voided_page.content
    response = client.post(reverse("supervision:task_restore", args=[task.pk]), {"reason": "恢复"})
    assert response.status_code == 302 and Task.objects.filter(pk=task.pk).exists()


def test_void_page_asks_for_the_reason_and_member_units_cannot_void(people, make_task, client):
    task = make_task("health")
    client.force_login(people["office"])
    url = reverse("supervision:task_delete", args=[task.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "", "version": task.version}).status_code == 400
    assert Task.objects.filter(pk=task.pk).exists()
    assert client.post(url, {"reason": "下发错误", "version": task.version}).status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()
    other = make_task("education")
    client.force_login(people["education"])  # a member unit's staff with an officer role: still not office staff
    assert client.post(reverse("supervision:task_delete", args=[other.pk]), {"reason": "x"}).status_code == 403
    assert Task.objects.filter(pk=other.pk).exists()


def test_api_voids_a_task_with_a_reason(people, make_task, client):
    task = make_task("health")
    client.force_login(people["office"])
    url = f"/api/v1/supervision/tasks/{task.pk}"
    assert client.delete(url, data={"reason": ""}, content_type="application/json").status_code == 422
    assert client.delete(url, data={"reason": "重复", "version": 7}, content_type="application/json").status_code == 409
    assert client.delete(url, data={"reason": "重复"}, content_type="application/json").status_code == 204
    assert client.get(url).status_code == 404


# --- Versions ---------------------------------------------------------------------------------------------------


def test_two_edits_from_the_same_version_one_wins(people, orgs, make_task, client):
    task = make_task("health")
    form = {
        "title": "改名一", "issuer": orgs["office"].pk, "assignee": orgs["health"].pk, "region": region("540000").pk,
        "start_on": "2024-01-01", "deadline": "2024-06-30", "version": task.version,
    }  # fmt: skip
    client.force_login(people["office"])
    url = reverse("supervision:task_edit", args=[task.pk])
    assert client.post(url, form).status_code == 302
    second = client.post(url, {**form, "title": "改名二"})
    assert second.status_code == 409
    task.refresh_from_db()
    assert task.title == "改名一" and task.version == 2


# --- Idempotency ------------------------------------------------------------------------------------------------


def test_a_retried_api_creation_creates_nothing_twice(people, orgs, make_task, client):
    client.force_login(people["office"])
    payload = {"title": "春运宣传", "issuer_id": orgs["office"].pk, "assignee_id": orgs["education"].pk,
               "region_code": "540000", "start_on": "2024-01-20", "deadline": "2024-03-01"}  # fmt: skip
    headers = {"HTTP_IDEMPOTENCY_KEY": "task-create-0001"}
    first = client.post("/api/v1/supervision/tasks", data=payload, content_type="application/json", **headers)
    again = client.post("/api/v1/supervision/tasks", data=payload, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Task.objects.filter(title="春运宣传").count() == 1
    task = make_task("education")
    client.force_login(people["education"])
    url = f"/api/v1/supervision/tasks/{task.pk}/reports"
    for _attempt in range(2):
        client.post(url, data={"text": "完成"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="report-1")
    assert task.reports.count() == 1


# --- Uploads and rollbacks ----------------------------------------------------------------------------------------


def stored_files(media):
    return sorted(path for path in media.rglob("*") if path.is_file())


def test_the_file_of_a_rolled_back_report_is_removed(people, make_task, media):
    task = make_task("education")
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            report = services.task_report(actor=people["education"], task=task, text="完成", uploads=[pdf_file()])
            name = report.attachments.get().file
            assert default_storage.exists(name)
            raise RuntimeError("the request fails after the report was written")
    assert not default_storage.exists(name)
    assert stored_files(media) == []


def test_a_service_that_fails_after_storing_leaves_no_file(orgs, people, media):
    from .helpers import docx_file

    data = {"title": "同名方案", "issuer": orgs["office"], "period_start": D(2024, 1, 1), "period_end": D(2024, 12, 31)}
    services.workplan_create(actor=people["office"], data=data)
    with pytest.raises(ValidationError):  # the title is taken: the document was stored before the check failed
        services.workplan_create(actor=people["office"], data={**data, "document": docx_file()})
    assert stored_files(media) == []


def test_committed_files_stay(people, make_task, media, django_capture_on_commit_callbacks):
    task = make_task("education")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.task_report(actor=people["education"], task=task, text="完成", uploads=[pdf_file()])
    name = report.attachments.get().file
    import gc

    gc.collect()
    assert default_storage.exists(name) and len(stored_files(media)) == 1
