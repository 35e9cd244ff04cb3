from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Statistics (one engine), dashboards and bulletins. Owns no domain data."""

    name = "jindu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from jindu.common.navigation import MenuItem, register_menu

        register_menu("reports", _("Statistics and reports"), "chart-bar", [
            MenuItem(_("Dashboard"), "home", "reports.view_statistics"),
            MenuItem(_("Bulletins"), "reports:bulletin_list", "reports.view_bulletin"),
            MenuItem(_("UNODC seizure export"), "reports:unodc_export", "core.export_data"),
        ])
