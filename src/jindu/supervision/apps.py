from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Coordination of the member units: work plans, tasks, supervision visits, assessment, notifications."""

    name = "jindu.supervision"
    label = "supervision"
    verbose_name = _("Coordination")

    def ready(self):
        from jindu.common.navigation import MenuItem, register_menu

        from . import importers  # noqa: F401  (registers the "tasks" dataset)

        register_menu("coordinate", _("Coordination"), "checklist", [
            MenuItem(_("Tasks"), "supervision:task_list", "supervision.view_task"),
            MenuItem(_("Work plans"), "supervision:workplan_list", "supervision.view_workplan"),
            MenuItem(_("Supervision visits"), "supervision:visit_list", "supervision.view_visit"),
            MenuItem(_("Assessment"), "supervision:assessmentscheme_list", "supervision.view_assessmentscheme"),
        ])
