"""The member-unit reporter role (core.RoleCode.MEMBER_UNIT) end to end: its own unit's tasks only, progress
reports with evidence, no acceptance of its own report, and nothing of any other app (menus, pages, API)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jindu.common.navigation import menu_for
from jindu.common.testing import create_user
from jindu.supervision.choices import TaskStatus
from jindu.supervision.models import Attachment, ProgressReport

from .helpers import pdf_file, png_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(orgs):
    """An education department's reporter: the member-unit role and nothing else."""
    return create_user("edu_reporter", ["member_unit"], "540000", organisation=orgs["education"])


@pytest.fixture
def tasks(make_task):
    return {"own": make_task("education", title="开学第一课"), "other": make_task("health", title="麻精药品检查")}


def test_sees_only_its_units_tasks_on_the_list_the_page_and_the_api(client, reporter, tasks):
    client.force_login(reporter)
    listing = client.get(reverse("supervision:task_list"))
    assert listing.status_code == 200
    assert "开学第一课".encode() in listing.content and "麻精药品检查".encode() not in listing.content
    assert b"/supervision/tasks/voided/" not in listing.content and b"/supervision/tasks/add/" not in listing.content
    assert client.get(reverse("supervision:task", args=[tasks["own"].pk])).status_code == 200
    assert client.get(reverse("supervision:task", args=[tasks["other"].pk])).status_code == 404
    api = client.get("/api/v1/supervision/tasks").json()["items"]
    assert [item["id"] for item in api] == [tasks["own"].pk]
    assert client.get(f"/api/v1/supervision/tasks/{tasks['other'].pk}").status_code == 404
    # No report on the other unit's task, by page or API: it does not exist for this user.
    assert client.post(reverse("supervision:task_report", args=[tasks["other"].pk]), {"text": "x"}).status_code == 404
    assert (
        client.post(
            f"/api/v1/supervision/tasks/{tasks['other'].pk}/reports",
            data={"text": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_reports_progress_with_evidence(client, reporter, tasks):
    client.force_login(reporter)
    task = tasks["own"]
    evidence = [pdf_file("总结.pdf"), png_file("照片.png")]
    response = client.post(
        reverse("supervision:task_report", args=[task.pk]),
        {"text": "已在全区中小学开展", "final": "on", "files": evidence},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED
    report = ProgressReport.objects.get(task=task)
    assert report.author == reporter and not report.on_behalf
    assert sorted(Attachment.objects.filter(report=report).values_list("name", flat=True)) == ["总结.pdf", "照片.png"]
    attachment = Attachment.objects.get(report=report, name="总结.pdf")
    download = client.get(reverse("supervision:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_cannot_accept_its_own_report(client, reporter, people, tasks):
    client.force_login(reporter)
    task = tasks["own"]
    client.post(reverse("supervision:task_report", args=[task.pk]), {"text": "完成", "final": "on"})
    page = client.get(reverse("supervision:task", args=[task.pk]))
    assert b'name="decision"' not in page.content
    client.post(reverse("supervision:task_review", args=[task.pk]), {"decision": "accepted"})
    assert (
        client.post(
            f"/api/v1/supervision/tasks/{task.pk}/review",
            data={"decision": "accepted"},
            content_type="application/json",
        ).status_code
        == 403
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED and task.accepted_at is None
    # The assigning office can.
    client.force_login(people["office"])
    client.post(reverse("supervision:task_review", args=[task.pk]), {"decision": "accepted"})
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED


def test_cannot_create_or_change_tasks_plans_visits_or_assessments(client, reporter, orgs, tasks):
    client.force_login(reporter)
    for name in ("task_add", "workplan_add", "visit_list", "visit_add", "assessmentscheme_list"):
        assert client.get(reverse(f"supervision:{name}")).status_code == 403, name
    for name in ("task_edit", "task_delete"):
        assert client.get(reverse(f"supervision:{name}", args=[tasks["own"].pk])).status_code == 403, name
    assert (
        client.post(
            "/api/v1/supervision/tasks",
            data={
                "title": "x",
                "issuer_id": orgs["office"].pk,
                "assignee_id": orgs["education"].pk,
                "region_code": "540000",
                "deadline": "2024-06-30",
            },
            content_type="application/json",
        ).status_code
        == 403
    )


def test_menu_holds_only_coordination_tasks_and_plans(reporter):
    groups = menu_for(reporter)
    assert [group.key for group, _items in groups] == ["coordinate"]
    assert [item.url_name for item in groups[0][1]] == ["supervision:task_list", "supervision:workplan_list"]


def _plain_urls(resolver=None, prefix="", namespace=""):
    """(name, path) of every URL pattern that takes no argument."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _plain_urls(pattern, prefix + route, inner)
        elif isinstance(pattern, URLPattern) and "<" not in route and not route.startswith("^"):
            yield f"{namespace}:{pattern.name}".strip(":"), "/" + prefix + route


# Pages a member-unit account may open: its own work, its account, the language switch, the public pages.
OWN = (
    "supervision:",
    "home",
    "logout",
    "password_change",
    "set_language",
    "healthz",
    "robots",
    "login",
    "core:otp",
    "core:account",
    "api:openapi",
    "api:plan_",
    "api:task_",
    "api:notification_",
    "persons:certificate_verify",
)


# Fragments of the page header that every page loads by htmx; they must answer empty.
LAYOUT_FRAGMENTS = ("precursors:overdue_alert",)


def test_no_page_or_api_of_another_app_answers(client, reporter, tasks):
    """Every page of another app answers 403 or 404; every API list of another app is empty (the API reads
    through restrict(): no permission, no rows)."""
    client.force_login(reporter)
    opened = []
    for name, url in _plain_urls():
        if name.startswith(OWN) or "quiz" in url:
            continue
        response = client.get(url)
        if name in LAYOUT_FRAGMENTS and response.status_code == 200 and not response.content.strip():
            continue  # a header fragment every page loads: empty without the permission
        if response.status_code in (403, 404, 405, 422):  # 422: refused before the permission check, no data
            continue
        body = response.json() if name.startswith("api:") and response.status_code == 200 else None
        if body is not None and isinstance(body, dict) and body.get("items") == [] and body.get("count") == 0:
            continue
        opened.append((name, url, response.status_code))
    assert opened == []
    assert client.get("/api/v1/stats?from=2024-01-01&to=2024-06-30").status_code in (403, 404)
    home = client.get("/")
    assert home.status_code == 200 and b"/supervision/tasks/" in home.content
