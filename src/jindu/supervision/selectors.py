"""Reads of coordination work (STYLE: selectors). Every one starts from ``restrict()``."""

from dataclasses import dataclass

from django.utils import timezone

from . import access, metrics
from .models import Notification, Task


def task_list(user, action="view"):
    return Task.objects.restrict(user, action).select_related("assignee", "issuer", "region")


def overdue_tasks(user, today=None):
    return task_list(user).overdue(today)


def unread_count(user):
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.restrict(user).unread().count()


@dataclass
class LiveFigure:
    """The statistics engine's figure for a task's region beside its target."""

    metric: str
    label: str
    target: str
    value: object
    display: str
    met: bool | None
    date_from: object
    date_to: object
    region_code: str


def task_figure(task, today=None):
    """The live figure of a task linked to a statistics figure, or None (no metric, or not started yet).

    Period: from the task's start to its deadline (to today while the deadline lies ahead); region: the
    task's region and everything under it, as ``jindu stats`` counts."""
    if not task.metric:
        return None
    period = metrics.figure_period(task.start_on, task.deadline, today or timezone.localdate())
    if period is None:
        return None
    value = metrics.figure(task.metric, task.region.code, *period)
    return LiveFigure(
        metric=task.metric, label=task.get_metric_display(), target=metrics.describe_target(task.metric,
                                                                                             task.target_value),
        value=value, display=metrics.format_value(task.metric, value),
        met=metrics.target_met(task.metric, value, task.target_value),
        date_from=period[0], date_to=period[1], region_code=task.region.code,
    )


def pending_report(task):
    """The final report awaiting the office's decision, if any."""
    return task.reports.filter(final=True, decision="").order_by("-submitted_at", "-id").first()


def task_permissions(user, task):
    """What the task page offers ``user``: report, start, review (with the pending report), edit."""
    pending = pending_report(task) if task.status == "reported" else None
    return {
        "can_report": task.is_open and access.report_refusal(user, task) is None,
        "can_review": pending is not None and access.review_refusal(user, task, pending) is None,
        "review_refusal": access.review_refusal(user, task, pending) if pending is not None else None,
        "pending_report": pending,
        "can_edit": access.is_office_staff(user) and user.has_perm("supervision.change_task")
        and task.status != "accepted",
    }
