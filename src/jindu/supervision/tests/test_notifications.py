"""In-app notifications for new, due, overdue, reported and reviewed tasks; the e-mail hook; the bell."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from jindu.common.testing import region
from jindu.supervision import notifications, services
from jindu.supervision.choices import NotificationKind
from jindu.supervision.models import Notification

pytestmark = pytest.mark.django_db


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_new_task_notifies_the_units_users(orgs, people):
    task = services.task_create(actor=people["office"], data={
        "title": "开学第一课", "issuer": orgs["office"], "assignee": orgs["education"], "region": region("540000"),
        "start_on": datetime.date(2024, 2, 1), "deadline": datetime.date(2024, 3, 31)})
    assert kinds(people["education"]) == [NotificationKind.TASK_ASSIGNED]
    assert kinds(people["office"]) == []
    note = Notification.objects.get(recipient=people["education"])
    assert note.task == task and "开学第一课" in notifications.message(note)


def test_report_and_review_notify_the_other_side(people, make_task):
    task = make_task("education")
    services.task_report(actor=people["education"], task=task, text="完成", final=True)
    assert kinds(people["office"]) == [NotificationKind.TASK_REPORTED]
    assert kinds(people["office2"]) == [NotificationKind.TASK_REPORTED]
    services.task_review(actor=people["office"], task=task, decision="returned", comment="不全")
    assert kinds(people["education"]) == [NotificationKind.TASK_RETURNED]


def test_due_and_overdue_alerts_are_created_once(people, make_task):
    soon = make_task("education", deadline=datetime.date(2024, 7, 3))
    late = make_task("education", deadline=datetime.date(2024, 6, 28), title="逾期任务")
    make_task("education", deadline=datetime.date(2024, 8, 1))
    with freeze_time("2024-07-01"):
        counts = notifications.send_alerts()
        assert counts == {NotificationKind.TASK_DUE: 1, NotificationKind.TASK_OVERDUE: 3}  # unit + 2 office users
        assert notifications.send_alerts() == {NotificationKind.TASK_DUE: 0, NotificationKind.TASK_OVERDUE: 0}
    assert set(Notification.objects.filter(recipient=people["education"]).values_list("task", "kind")) == {
        (soon.pk, NotificationKind.TASK_DUE), (late.pk, NotificationKind.TASK_OVERDUE)}
    assert kinds(people["office"]) == [NotificationKind.TASK_OVERDUE]


def test_alerts_command_with_a_date(people, make_task):
    make_task("education", deadline=datetime.date(2024, 6, 28))
    out = io.StringIO()
    call_command("supervision_alerts", "--date", "2024-07-01", stdout=out)
    assert "overdue: 3" in out.getvalue()


def test_email_hook_uses_the_configured_backend(settings, people, make_task, mailoutbox,
                                                django_capture_on_commit_callbacks):
    settings.JINDU_NOTIFY_EMAIL = True
    task = make_task("education")
    with django_capture_on_commit_callbacks(execute=True):
        services.task_report(actor=people["education"], task=task, text="完成", final=True)
    # office1 has an address, office2 has none.
    assert [message.to for message in mailoutbox] == [["office1@example.org"]]
    assert task.title in mailoutbox[0].body
    assert Notification.objects.get(recipient=people["office"]).emailed_at is not None


def test_no_email_unless_enabled(people, make_task, mailoutbox, django_capture_on_commit_callbacks):
    task = make_task("education")
    with django_capture_on_commit_callbacks(execute=True):
        services.task_report(actor=people["education"], task=task, text="完成", final=True)
    assert mailoutbox == []


def test_bell_count_list_and_mark_read(client, people, make_task):
    task = make_task("education")
    services.task_report(actor=people["education"], task=task, text="完成", final=True)
    services.task_review(actor=people["office"], task=task, decision="returned", comment="补充")
    client.force_login(people["education"])
    page = client.get(reverse("supervision:task_list"))
    assert b'id="notification-bell"' in page.content and b"badge-notification" in page.content
    listing = client.get(reverse("supervision:notification_list"))
    assert listing.status_code == 200 and task.title.encode() in listing.content
    note = Notification.objects.get(recipient=people["education"])
    response = client.post(reverse("supervision:notification_read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == task.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert b"badge-notification" not in client.get(reverse("supervision:task_list")).content


def test_notifications_are_personal(client, people, make_task):
    task = make_task("education")
    services.task_report(actor=people["education"], task=task, text="完成", final=True)
    theirs = Notification.objects.filter(recipient=people["office"]).first()
    client.force_login(people["education"])
    assert client.post(reverse("supervision:notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(f"/api/v1/supervision/notifications/{theirs.pk}/read").status_code == 404
    assert client.get("/api/v1/supervision/notifications").json()["items"] == []
    client.force_login(people["office"])
    items = client.get("/api/v1/supervision/notifications?unread=true").json()["items"]
    assert [item["id"] for item in items] == [theirs.pk] and items[0]["kind"] == "task_reported"
    assert client.post(f"/api/v1/supervision/notifications/{theirs.pk}/read").status_code == 204
    assert client.get("/api/v1/supervision/notifications?unread=true").json()["items"] == []


def test_email_settings_come_from_the_environment(tmp_path):
    """settings.py reads the mail server from the environment (README "Configuration")."""
    import json
    import os
    import subprocess
    import sys

    env = {
        **os.environ, "JINDU_NOTIFY_EMAIL": "1", "EMAIL_HOST": "smtp.example.gov.cn", "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "jindu", "EMAIL_HOST_PASSWORD": "secret", "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "jindu@example.gov.cn", "JINDU_DATA_DIR": str(tmp_path),
    }  # fmt: skip
    code = (
        "import json, jindu.settings as s; print(json.dumps([s.JINDU_NOTIFY_EMAIL, s.EMAIL_HOST, s.EMAIL_PORT, "
        "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [
        True, "smtp.example.gov.cn", 587, "jindu", "secret", True, "jindu@example.gov.cn"
    ]  # fmt: skip
    env = {key: value for key, value in env.items() if not key.startswith(("EMAIL_", "JINDU_NOTIFY", "DEFAULT_FROM"))}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1])[0] is False  # off unless asked for


def test_daily_alerts_mail_once_however_often_they_run(settings, people, make_task, mailoutbox,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    """`jindu supervision_alerts` twice on one day (a retry, a second timer): every alert and its e-mail once."""
    settings.JINDU_NOTIFY_EMAIL = True
    settings.DEFAULT_FROM_EMAIL = "jindu@example.gov.cn"
    make_task("education", deadline=datetime.date(2024, 7, 2), title="即将到期")
    make_task("education", deadline=datetime.date(2024, 6, 28), title="已经逾期")
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("supervision_alerts", "--date", "2024-07-01", stdout=io.StringIO())
    # edu1 (due + overdue) and office1 (overdue) have addresses; office2 has none.
    sent = sorted((m.to[0], "即将到期" in m.body, "已经逾期" in m.body) for m in mailoutbox)
    assert sent == [("edu1@example.org", False, True), ("edu1@example.org", True, False),
                    ("office1@example.org", False, True)]  # fmt: skip
    assert {m.from_email for m in mailoutbox} == {"jindu@example.gov.cn"}
    assert Notification.objects.filter(emailed_at__isnull=True, recipient__email__gt="").count() == 0
