from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jindu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from jindu.common.navigation import MenuItem, register_menu

        from . import checks, importers, signals  # noqa: F401  (deploy checks, datasets, audit receivers)

        register_menu("reference", _("Reference data"), "database", [
            MenuItem(_("Organisations"), "core:organisation_list", "core.view_organisation"),
            MenuItem(_("Regions"), "core:region_list", "core.view_region"),
        ])
        register_menu("administration", _("Administration"), "settings", [
            MenuItem(_("Users"), "core:user_list", "core.view_user"),
            MenuItem(_("Audit log"), "core:auditlog_list", "core.view_auditlog"),
            MenuItem(_("Security settings"), "core:security_settings", "core.view_security_settings"),
        ])
