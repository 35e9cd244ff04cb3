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
    "import_refused": _("import refused"),
    "downloaded": _("downloaded"),
    "searched": _("searched"),
    "unmasked": _("full identity number shown"),
    "roles_changed": _("roles changed"),
    "status_changed": _("status changed"),
    "voided": _("voided"),
    "restored": _("restored"),
    "purged": _("purged"),
    "sealed": _("sealed"),
    "unsealed": _("unsealed"),
    "opened": _("opened"),
    "sealed_opened": _("sealed record opened"),
    "published": _("published"),
    "accepted": _("accepted"),
    "returned": _("returned for more work"),
    "reported": _("reported"),
    "decided": _("decided"),
    "closed": _("closed"),
    "tasks_generated": _("tasks generated"),
    "checklist_saved": _("checklist saved"),
    "judging_started": _("judging started"),
    "computed": _("computed"),
    "recomputed": _("recomputed"),
    "checked": _("checked"),
    "driving_checked": _("drug-driving look-up"),
    "certificate_checked": _("certificate checked"),
    "agreement_viewed": _("agreement viewed"),
    "login": _("logged in"),
    "logout": _("logged out"),
    "login_failed": _("login failed"),
    "locked_out": _("account locked"),
    "session_expired": _("session expired"),
    "sessions_ended": _("sessions ended"),
    "password_changed": _("password changed"),
    "password_reset": _("password reset"),
    "disabled_dormant": _("dormant account disabled"),
    "2fa_enrolled": _("two-factor login set up"),
    "2fa_verified": _("two-factor code accepted"),
    "2fa_failed": _("two-factor code refused"),
    "2fa_locked": _("two-factor login locked"),
    "2fa_reset": _("two-factor login reset"),
    "2fa_recovery_codes_renewed": _("recovery codes renewed"),
    "keys_rotated": _("encryption keys rotated"),
    "management_network_refused": _("refused outside the management network"),
    "verified": _("verified"),
    "passed": _("passed"),
    "failed": _("failed"),
    "loaded": _("loaded"),
}


@register.filter
def action_label(code):
    """``core.organisation.updated`` -> "organisation changed" in the UI language; unknown codes as they are."""
    parts = str(code).split(".")
    verb = VERBS.get(parts[-1])
    if verb is None:
        return str(code)
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
