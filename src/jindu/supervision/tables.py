import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jindu.common.tables import BaseTable

from .choices import TaskStatus
from .models import AssessmentScheme, Task, Visit, WorkPlan

STATUS_BADGES = {
    TaskStatus.ASSIGNED: "bg-blue-lt",
    TaskStatus.IN_PROGRESS: "bg-azure-lt",
    TaskStatus.REPORTED: "bg-yellow-lt",
    TaskStatus.ACCEPTED: "bg-green-lt",
    TaskStatus.RETURNED: "bg-orange-lt",
}


def status_badge(task, today=None):
    badge = format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(task.status, ""),
                        task.get_status_display())
    if task.is_overdue(today):
        badge += format_html(' <span class="badge bg-red text-red-fg">{}</span>', _("overdue"))
    elif task.is_due_soon(today):
        badge += format_html(' <span class="badge bg-yellow text-yellow-fg">{}</span>', _("due soon"))
    return badge


class WorkPlanTable(BaseTable):
    title = tables.Column(verbose_name=_("title"), linkify=True)
    items = tables.Column(verbose_name=_("items"), accessor="item_count", orderable=False)

    class Meta(BaseTable.Meta):
        model = WorkPlan
        fields = ("title", "document_no", "issuer", "period_start", "period_end", "items")


class TaskTable(BaseTable):
    title = tables.Column(verbose_name=_("title"), linkify=True)
    status = tables.Column(verbose_name=_("status"))

    class Meta(BaseTable.Meta):
        model = Task
        fields = ("title", "assignee", "region", "deadline", "status", "kind", "issuer")

    def render_status(self, record):
        return status_badge(record, getattr(self, "today", None) or timezone.localdate())


class VisitTable(BaseTable):
    title = tables.Column(verbose_name=_("title"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Visit
        fields = ("title", "region", "site", "start_on", "end_on", "leader", "status")


class AssessmentSchemeTable(BaseTable):
    title = tables.Column(verbose_name=_("title"), linkify=True)

    class Meta(BaseTable.Meta):
        model = AssessmentScheme
        fields = ("title", "year", "issuer", "subject_kind", "period_start", "period_end", "status")
