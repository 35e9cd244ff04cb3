"""In-app notifications about tasks, and the e-mail hook.

Who is told what:
- a new task: the users of the responsible unit;
- due soon (within ``DUE_SOON_DAYS``) and overdue: the unit's users; overdue also the assigning office's users;
- a final report: the assigning office's users; acceptance or return: the unit's users.

"Users of" an organisation are the active accounts whose ``organisation`` it is. Due and overdue alerts come
from :func:`send_alerts`, run daily by ``jindu supervision_alerts`` (cron or a timer); each alert is created
once per user and task whatever the number of runs.

E-mail: when ``settings.JINDU_NOTIFY_EMAIL`` is true, each new notification is also sent with Django's
``send_mail`` through the configured ``EMAIL_BACKEND`` to recipients with an e-mail address, after the
transaction commits (a mail server that is down never undoes a task change).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import NotificationKind
from .models import DUE_SOON_DAYS, Notification, Task

logger = logging.getLogger(__name__)

ONCE_ONLY = {NotificationKind.TASK_ASSIGNED, NotificationKind.TASK_DUE, NotificationKind.TASK_OVERDUE}


def users_of(organisation):
    if organisation is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(organisation=organisation, is_active=True)


def message(notification):
    """The text of a notification, in the active language."""
    task = notification.task
    texts = {
        NotificationKind.TASK_ASSIGNED: _("New task from {issuer}: {task} (deadline {deadline})"),
        NotificationKind.TASK_DUE: _("Task due on {deadline}: {task}"),
        NotificationKind.TASK_OVERDUE: _("Task overdue since {deadline}: {task} ({unit})"),
        NotificationKind.TASK_REPORTED: _("{unit} reported on: {task}"),
        NotificationKind.TASK_ACCEPTED: _("Task accepted: {task}"),
        NotificationKind.TASK_RETURNED: _("Task returned for more work: {task}"),
    }
    return texts[notification.kind].format(
        task=task.title, issuer=task.issuer, unit=task.assignee, deadline=task.deadline.isoformat())


def notify(kind, task, recipients):
    """Create notifications of ``kind`` about ``task`` for ``recipients`` (users); returns the new ones."""
    recipients = {user.pk: user for user in recipients}
    if kind in ONCE_ONLY and recipients:
        already = set(Notification.objects.filter(kind=kind, task=task, recipient_id__in=list(recipients))
                      .values_list("recipient_id", flat=True))
        recipients = {pk: user for pk, user in recipients.items() if pk not in already}
    created = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, task=task) for user in recipients.values()]
    )
    if created and getattr(settings, "JINDU_NOTIFY_EMAIL", False):
        ids = [n.pk for n in created if n.pk] or list(
            Notification.objects.filter(kind=kind, task=task, recipient_id__in=list(recipients))
            .values_list("pk", flat=True))
        transaction.on_commit(lambda: send_emails(ids))
    return created


def task_assigned(task):
    return notify(NotificationKind.TASK_ASSIGNED, task, users_of(task.assignee))


def task_reported(task):
    return notify(NotificationKind.TASK_REPORTED, task, users_of(task.issuer))


def task_reviewed(task, accepted):
    kind = NotificationKind.TASK_ACCEPTED if accepted else NotificationKind.TASK_RETURNED
    return notify(kind, task, users_of(task.assignee))


def send_alerts(today=None):
    """Due-soon and overdue alerts for every open task; idempotent. Returns {kind: notifications created}."""
    today = today or timezone.localdate()
    counts = {NotificationKind.TASK_DUE: 0, NotificationKind.TASK_OVERDUE: 0}
    tasks = Task.objects.select_related("assignee", "issuer")
    with transaction.atomic():
        for task in tasks.due_soon(today, DUE_SOON_DAYS):
            counts[NotificationKind.TASK_DUE] += len(notify(NotificationKind.TASK_DUE, task, users_of(task.assignee)))
        for task in tasks.overdue(today):
            recipients = list(users_of(task.assignee)) + list(users_of(task.issuer))
            counts[NotificationKind.TASK_OVERDUE] += len(notify(NotificationKind.TASK_OVERDUE, task, recipients))
    return counts


def send_emails(ids):
    """Send the notifications ``ids`` by e-mail (the hook); failures are logged, never raised."""
    pending = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "recipient", "task__issuer", "task__assignee")
    for notification in pending:
        recipient = notification.recipient
        if not recipient.email:
            continue
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            subject = "[{}] {}".format(_("Jindu"), notification.get_kind_display())
            body = f"{message(notification)}\n\n{notification.task.get_absolute_url()}"
        try:
            send_mail(subject, body, None, [recipient.email])
        except Exception:  # the mail server is not ours to fix: log and carry on
            logger.exception("notification %s: e-mail to user %s failed", notification.pk, recipient.pk)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def mark_read(*, user, pk=None):
    """Mark one (or every) notification of ``user`` read. Personal UI state: not audited."""
    queryset = Notification.objects.restrict(user).unread()
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    return queryset.update(read_at=timezone.now())
