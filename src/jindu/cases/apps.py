from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Enforcement records (打): cases, suspects, seizures, fugitives, eradication, checkpoint interceptions."""

    name = "jindu.cases"
    label = "cases"
    verbose_name = _("Enforcement")

    def ready(self):
        from jindu.common.navigation import MenuItem, register_menu

        from . import importers  # noqa: F401  (register the import/export datasets)

        register_menu("strike", _("Enforcement"), "shield", [
            MenuItem(_("Cases"), "cases:case_list", "cases.view_case"),
            MenuItem(_("Suspects"), "cases:suspect_list", "cases.view_suspect"),
            MenuItem(_("Seizures"), "cases:seizure_list", "cases.view_seizure"),
            MenuItem(_("Fugitives"), "cases:fugitive_list", "cases.view_fugitive"),
            MenuItem(_("Eradication"), "cases:eradication_list", "cases.view_eradication"),
            MenuItem(_("Checkpoint interceptions"), "cases:interception_list", "cases.view_interception"),
            MenuItem(_("Operations"), "cases:operation_list", "cases.view_operation"),
        ])
