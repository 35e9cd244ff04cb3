from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Statistics (one engine), dashboards and bulletins. Owns no domain data."""

    name = "jindu.reports"
    label = "reports"
    verbose_name = _("Reports")
