"""Account security on every request: session lifetimes, the second factor, password changes.

Order of the checks (``AccountSecurityMiddleware``):

1. A session older than ``JINDU_SESSION_MAX_AGE`` (default 12 hours from login, whatever the
   activity) is ended: audited, logged out, sent to the login page. The idle timeout (30
   minutes) is Django's ``SESSION_COOKIE_AGE`` renewed on every request.
2. A session that passed only the password reaches nothing but the two-factor pages, logout and
   the language switch: enrolment when the account has no authenticator app yet, else the code.
3. A password that must change (first login, reset, expiry after ``JINDU_PASSWORD_MAX_AGE_DAYS``)
   leads to the change form first.

The API is public to this middleware (it answers 401 itself, see ``common.api``), and so are the
reviewed public pages.
"""

import time
from functools import partial

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from jindu.common import audit

SESSION_AUTH_TIME = "jindu_auth_time"

# Views a password-only session may open (besides the two-factor pages of the core app).
TWO_FACTOR_EXEMPT = {"logout", "set_language"}
PASSWORD_CHANGE_EXEMPT = {"password_change", "logout", "set_language"}


def two_factor_view(view_name):
    return view_name.startswith("core:otp_")


def session_expired(request):
    started = request.session.get(SESSION_AUTH_TIME)
    if started is None:
        return False
    return time.time() - float(started) > settings.JINDU_SESSION_MAX_AGE


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_expired(request):
            audit.log("auth.session_expired", obj=user, user=user,
                      extra={"max_age_seconds": settings.JINDU_SESSION_MAX_AGE})
            from .services import user_session_ended

            user_session_ended(request.session.session_key)
            logout(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None  # public pages and the API (which authenticates each request itself)
        user = request.user
        if not user.is_authenticated:
            return None  # LoginRequiredMiddleware sends the visitor to the login page
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if settings.JINDU_2FA_REQUIRED and not user.is_verified():
            if view_name in TWO_FACTOR_EXEMPT or two_factor_view(view_name):
                return None
            from .models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            if getattr(request, "htmx", False):
                return HttpResponse(status=204)  # a fragment loaded by the page: nothing, not the set-up page
            target = reverse("core:otp_verify" if has_device else "core:otp_setup")
            if request.method == "GET" and request.get_full_path() != "/":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        if user.password_change_needed() and view_name not in PASSWORD_CHANGE_EXEMPT \
                and not two_factor_view(view_name):
            if getattr(request, "htmx", False):
                return HttpResponse(status=204)  # htmx would follow the redirect and swap the form into the page
            return redirect("password_change")
        return None


# Kept for settings written before the merge into AccountSecurityMiddleware.
PasswordChangeRequiredMiddleware = AccountSecurityMiddleware


class OTPSessionMiddleware:
    """django-otp's OTPMiddleware without a database query per request.

    A session that passed the second factor carries the device's id (set by ``django_otp.login`` in the
    two-factor views, which verified that the device is the user's and confirmed). The session is
    server-side, and every event that revokes a device (reset by the security administrator,
    deactivation, dormancy) ends all of the user's sessions, so the id in the session is trusted as
    it is; ``user.otp_device`` loads the device only when something reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(partial(self._install, request, user))
        return self.get_response(request)

    @staticmethod
    def _install(request, user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.models import Device

        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        user.is_verified = partial(_has_device, user)
        user.otp_device = SimpleLazyObject(partial(Device.from_persistent_id, persistent_id)) if persistent_id \
            else None
        return user


def _has_device(user):
    return user.otp_device is not None
