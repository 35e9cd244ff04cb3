"""Pages and API: region scope (other county -> 404), uploads checked by content, list query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jindu.common.testing import ScopedModelViewTests, create_user, region
from jindu.core.models import Organisation
from jindu.supervision.models import AssessmentScheme, Task, Visit, WorkPlan

from .helpers import docm_as_docx, docx_file, exe_as, pdf_file

pytestmark = pytest.mark.django_db


def office(code):
    return Organisation.objects.get_or_create(name=f"禁毒办{code}", defaults={"kind": "ncc_office",
                                                                              "region": region(code)})[0]


class TestTaskAccess(ScopedModelViewTests):
    model = Task
    api_url = "/api/v1/supervision/tasks"

    def make_object(self, region_code):
        return Task.objects.create(title="任务" + region_code, issuer=office(region_code), assignee=office(region_code),
                                   region=region(region_code), start_on=datetime.date(2024, 1, 1),
                                   deadline=datetime.date(2024, 6, 30))


class TestWorkPlanAccess(ScopedModelViewTests):
    model = WorkPlan
    api_url = "/api/v1/supervision/plans"

    def make_object(self, region_code):
        return WorkPlan.objects.create(title="方案" + region_code, issuer=office(region_code),
                                       period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31))


class TestVisitAccess(ScopedModelViewTests):
    model = Visit
    api_url = "/api/v1/supervision/visits"

    def make_object(self, region_code):
        return Visit.objects.create(title="督导" + region_code, issuer=office(region_code), region=region(region_code),
                                    start_on=datetime.date(2024, 5, 6), end_on=datetime.date(2024, 5, 7))


class TestAssessmentSchemeAccess(ScopedModelViewTests):
    model = AssessmentScheme
    api_url = "/api/v1/supervision/assessments"

    def make_object(self, region_code):
        return AssessmentScheme.objects.create(year=2024, title="考核" + region_code, issuer=office(region_code),
                                               period_start=datetime.date(2024, 1, 1),
                                               period_end=datetime.date(2024, 12, 31))


def test_other_county_task_actions_and_docx_are_404(client):
    own = TestTaskAccess().make_object("540102")
    other = TestTaskAccess().make_object("542523")
    other_visit = TestVisitAccess().make_object("542523")
    client.force_login(create_user("cg_plain", ["county_officer"], "540102"))
    for name in ("task_report", "task_review", "task_start"):
        assert client.post(reverse(f"supervision:{name}", args=[other.pk]), {"text": "x"}).status_code == 404
    assert client.post(f"/api/v1/supervision/tasks/{other.pk}/reports", data={"text": "x"},
                       content_type="application/json").status_code == 404
    assert client.get(reverse("supervision:visit_report", args=[other_visit.pk])).status_code == 404
    assert client.get(reverse("supervision:task", args=[own.pk])).status_code == 200


def test_plan_document_upload_is_checked_by_content(client, orgs, people, media):
    client.force_login(people["office"])
    data = {"title": "工作方案", "issuer": orgs["office"].pk, "period_start": "2024-01-01",
            "period_end": "2024-12-31", "summary": ""}
    for bad in (exe_as("方案.pdf"), docm_as_docx("方案.docx"), pdf_file("方案.docx")):
        response = client.post(reverse("supervision:workplan_add"), {**data, "document": bad})
        assert response.status_code == 200 and response.context["form"].errors.get("document"), bad.name
    assert not WorkPlan.objects.exists()
    response = client.post(reverse("supervision:workplan_add"), {**data, "document": docx_file("方案.docx")})
    assert response.status_code == 302
    plan = WorkPlan.objects.get()
    assert plan.document_kind == "docx" and plan.document_name == "方案.docx" and len(plan.document_sha256) == 64
    stored = media / plan.document
    assert stored.exists() and stored.name != "方案.docx" and plan.document.startswith("supervision/")
    download = client.get(reverse("supervision:workplan_document", args=[plan.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == stored.read_bytes()
    # A county officer reads the regional plan, and its document.
    client.force_login(create_user("cg_plain", ["county_officer"], "540102"))
    assert client.get(reverse("supervision:workplan_document", args=[plan.pk])).status_code == 200
    client.force_login(create_user("gar_plain", ["county_officer"], "542523"))
    assert client.get(reverse("supervision:workplan_document", args=[plan.pk])).status_code == 200
    own = WorkPlan.objects.create(title="城关方案", issuer=orgs["chengguan"], period_start=datetime.date(2024, 1, 1),
                                  period_end=datetime.date(2024, 12, 31))
    assert client.get(reverse("supervision:workplan_document", args=[own.pk])).status_code == 404


def test_report_form_with_evidence_on_the_task_page(client, people, make_task):
    task = make_task("education")
    client.force_login(people["education"])
    response = client.post(reverse("supervision:task_report", args=[task.pk]),
                           {"text": "全部完成", "final": "on", "files": [pdf_file("名单.pdf"), pdf_file("照片.pdf")]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "reported" and task.reports.get().attachments.count() == 2
    client.force_login(people["office"])
    page = client.get(reverse("supervision:task", args=[task.pk]))
    assert page.context["can_review"] and "名单.pdf".encode() in page.content
    client.post(reverse("supervision:task_review", args=[task.pk]), {"decision": "accepted", "comment": ""})
    task.refresh_from_db()
    assert task.status == "accepted"


def test_api_creates_an_ad_hoc_task_and_validates(client, orgs, people):
    client.force_login(people["office"])
    payload = {"title": "春运宣传", "issuer_id": orgs["office"].pk, "assignee_id": orgs["education"].pk,
               "region_code": "540000", "start_on": "2024-01-20", "deadline": "2024-03-01"}
    response = client.post("/api/v1/supervision/tasks", data=payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "assigned"
    bad = client.post("/api/v1/supervision/tasks", data={**payload, "deadline": "2024-01-01"},
                      content_type="application/json")
    assert bad.status_code == 422
    unknown = client.post("/api/v1/supervision/tasks", data={**payload, "region_code": "999999"},
                          content_type="application/json")
    assert unknown.status_code == 422
    client.force_login(people["education"])
    refused = client.post("/api/v1/supervision/tasks", data=payload, content_type="application/json")
    assert refused.status_code == 403


def test_api_report_and_review(client, people, make_task):
    task = make_task("education")
    client.force_login(people["education"])
    response = client.post(f"/api/v1/supervision/tasks/{task.pk}/reports", data={"text": "完成", "final": True},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["final"] is True
    client.force_login(people["office"])
    response = client.post(f"/api/v1/supervision/tasks/{task.pk}/review",
                           data={"decision": "returned", "comment": ""}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(f"/api/v1/supervision/tasks/{task.pk}/review",
                           data={"decision": "returned", "comment": "缺照片"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    detail = client.get(f"/api/v1/supervision/tasks/{task.pk}").json()
    assert [r["decision"] for r in detail["reports"]] == ["returned"]


def test_api_uploads_evidence_for_a_report(client, people, make_task):
    task = make_task("education")
    client.force_login(people["education"])
    report = client.post(f"/api/v1/supervision/tasks/{task.pk}/reports", data={"text": "完成", "final": True},
                         content_type="application/json").json()
    url = f"/api/v1/supervision/tasks/{task.pk}/reports/{report['id']}/files"
    response = client.post(url, {"files": [pdf_file("名单.pdf"), pdf_file("照片.pdf")]})
    assert response.status_code == 201, response.content
    assert sorted(item["name"] for item in response.json()) == ["名单.pdf", "照片.pdf"]
    assert client.post(url, {"files": [exe_as("x.pdf")]}).status_code == 422
    client.force_login(people["office"])
    client.post(f"/api/v1/supervision/tasks/{task.pk}/review", data={"decision": "accepted"},
                content_type="application/json")
    client.force_login(people["education"])
    assert client.post(url, {"files": [pdf_file("晚了.pdf")]}).status_code == 422


def test_task_list_query_count_does_not_grow_with_rows(client, people, make_task):
    client.force_login(people["office"])
    make_task("education")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("supervision:task_list")).status_code == 200
        return len(queries)

    few = count()
    for number in range(20):
        make_task("health", title=f"任务{number}")
    assert count() == few


def test_every_page_renders_for_the_office(client, orgs, people, make_task):
    from jindu.supervision import services

    client.force_login(people["office"])
    plan = services.workplan_create(actor=people["office"], data={
        "title": "方案", "issuer": orgs["office"], "period_start": datetime.date(2024, 1, 1),
        "period_end": datetime.date(2024, 12, 31)})
    item = services.planitem_create(actor=people["office"], data={
        "plan": plan, "position": 1, "duty": "职责", "units": [orgs["education"]],
        "deadline": datetime.date(2024, 6, 1)})
    assert client.post(reverse("supervision:planitem_generate", args=[item.pk])).status_code == 302
    task = Task.objects.get(plan_item=item)
    urls = [
        reverse("supervision:workplan_list"), reverse("supervision:workplan", args=[plan.pk]),
        reverse("supervision:workplan_add"), reverse("supervision:workplan_edit", args=[plan.pk]),
        reverse("supervision:planitem", args=[item.pk]), reverse("supervision:planitem_add") + f"?plan={plan.pk}",
        reverse("supervision:planitem_edit", args=[item.pk]), reverse("supervision:task_list"),
        reverse("supervision:task", args=[task.pk]), reverse("supervision:task_add"),
        reverse("supervision:task_edit", args=[task.pk]), reverse("supervision:task_delete", args=[task.pk]),
        reverse("supervision:visit_list"), reverse("supervision:visit_add"),
        reverse("supervision:assessmentscheme_list"), reverse("supervision:assessmentscheme_add"),
        reverse("supervision:assessmentitem_add"), reverse("supervision:notification_list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"style=" not in response.content.split(b"<body")[1].replace(b'stroke-width', b''), url
    response = client.post(reverse("supervision:task_add"), {
        "title": "临时任务", "issuer": orgs["office"].pk, "assignee": orgs["health"].pk,
        "region": region("540000").pk, "start_on": "2024-07-01", "deadline": "2024-07-31"})
    assert response.status_code == 302 and Task.objects.filter(title="临时任务").exists()
