"""Audit receivers for authentication events (login, logout, failure, lockout).

These only record what happened (STYLE rule 6): the audit row, and the session bookkeeping a
login needs (its start time for the absolute lifetime, its key so that all of a user's sessions
can be ended together).
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jindu.common import audit
from jindu.common.context import actor_context
from jindu.common.middleware import client_ip


def _addr(request):
    return client_ip(request) if request is not None else ""


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    from .services import user_session_started

    if request is not None:
        user_session_started(request, user)
    with actor_context(user=user, remote_addr=_addr(request)):
        audit.log("auth.login", obj=user, user=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        with actor_context(user=user, remote_addr=_addr(request)):
            audit.log("auth.logout", obj=user, user=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    with actor_context(remote_addr=_addr(request)):
        audit.log("auth.login_failed", object_type="core.user", object_repr=username, extra={"username": username})


@receiver(user_locked_out)
def audit_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    with actor_context(remote_addr=_addr(request)):
        audit.log("auth.locked_out", object_type="core.user", object_repr=str(username or "")[:150],
                  extra={"username": str(username or "")[:150]})
