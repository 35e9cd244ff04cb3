from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """Framework code shared by every app: no concrete models live here."""

    name = "jindu.common"
    label = "common"

    def ready(self):
        from .navigation import MenuItem, register_menu

        register_menu("data", _("Data exchange"), "transfer", [
            MenuItem(_("Data exchange"), "importing:index", "core.import_data"),
        ])
