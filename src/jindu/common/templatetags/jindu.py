"""Template filters shared by every app."""

from django import template
from django.apps import apps
from django.utils.translation import gettext_lazy as _

register = template.Library()

VERBS = {
    "created": _("created"),
    "updated": _("changed"),
    "deleted": _("deleted"),
    "viewed": _("viewed"),
    "exported": _("exported"),
    "imported": _("imported"),
    "roles_changed": _("roles changed"),
    "login": _("logged in"),
    "logout": _("logged out"),
    "login_failed": _("login failed"),
    "locked_out": _("account locked"),
    "password_changed": _("password changed"),
    "password_reset": _("password reset"),
}


@register.filter
def action_label(code):
    """``core.organisation.updated`` -> "organisation changed" in the UI language; unknown codes as they are."""
    parts = str(code).split(".")
    verb = VERBS.get(parts[-1])
    if verb is None:
        return code
    if len(parts) == 3:
        try:
            model = apps.get_model(parts[0], parts[1])
        except LookupError:
            return code
        return f"{model._meta.verbose_name} · {verb}"
    return verb


@register.filter
def source_label(code):
    """The audit row's source (web, api, import, cli, system) in the UI language."""
    from jindu.common.context import Source

    return dict(Source.CHOICES).get(code, code)
