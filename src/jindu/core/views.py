import io

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from jindu.common import ratelimit
from jindu.common.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectRestoreView,
    ObjectViewMixin,
    ObjectVoidedListView,
    add_validation_errors,
)

from . import filtersets, forms, services, tables
from .choices import RoleCode
from .models import AuditLog, Organisation, Region, RestoreDrill, User

# --- Authentication ---------------------------------------------------------------------------


@method_decorator(ratelimit.ratelimit("login"), name="dispatch")
class LoginView(auth_views.LoginView):
    """The password step. Axes locks an account after 5 failures; the "login" rate limits each address."""

    template_name = "registration/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log out: every session of the user ends, on every device (not only this one)."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.user_end_sessions(request.user)
        return super().post(request, *args, **kwargs)


def lockout_response(request, credentials, *args, **kwargs):
    """What django-axes answers while an account is locked: the login page with a clear message."""
    message = _("Too many failed logins: this account is locked for {minutes} minutes.").format(
        minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"form": forms.LoginForm(request), "lockout_message": message}
    return TemplateResponse(request, "registration/login.html", context, status=403).render()


class PasswordChangeView(View):
    template_name = "registration/password_change.html"

    def get_context(self, form):
        return {"form": form, "expired": self.request.user.password_expired(),
                "max_age_days": settings.JINDU_PASSWORD_MAX_AGE_DAYS}

    def get(self, request):
        return TemplateResponse(request, self.template_name, self.get_context(forms.PasswordChangeForm(
            user=request.user)))

    def post(self, request):
        form = forms.PasswordChangeForm(request.POST, user=request.user)
        if form.is_valid():
            old_key = request.session.session_key
            try:
                services.user_set_password(actor=request.user, user=request.user,
                                           password=form.cleaned_data["new_password1"], keep_session=old_key)
            except ValidationError as error:
                form.add_error("new_password1", error)
            else:
                update_session_auth_hash(request, request.user)  # a new session key; other sessions ended
                services.user_session_rekeyed(old_key, request.session.session_key)
                messages.success(request, _("Your password was changed. Your other sessions were ended."))
                return redirect("home")
        return TemplateResponse(request, self.template_name, self.get_context(form))


@login_not_required
@require_POST
def set_language(request):
    """Switch the UI language; remembered in a cookie and, when logged in, on the account."""
    form = forms.LanguageForm(request.POST)
    codes = {code for code, _ in settings.LANGUAGES}
    target = request.POST.get("next") or request.headers.get("referer") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if form.is_valid() and form.cleaned_data["language"] in codes:
        code = form.cleaned_data["language"]
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        if request.user.is_authenticated and request.user.language != code:
            request.user.language = code
            request.user.save(update_fields=["language"])
    return response


@login_not_required
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    user = request.user
    context = {
        "scope": user.scope_region,
        "role_labels": [RoleCode(code).label for code in sorted(user.role_codes)],
        "counts": [
            (_("Regions"), Region.objects.restrict(user).count(), "core:region_list"),
            (_("Organisations"), Organisation.objects.restrict(user).count(), "core:organisation_list"),
        ],
    }
    return TemplateResponse(request, "core/home.html", context)


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


# --- Regions and organisations --------------------------------------------------------------


class RegionListView(ObjectListView):
    model = Region
    queryset = Region.objects.select_related("parent")
    table_class = tables.RegionTable
    filterset_class = filtersets.RegionFilterSet
    per_page = 100


class RegionDetailView(ObjectDetailView):
    model = Region

    def get_extra_context(self, request, instance):
        return {"children": instance.children.all()}


class OrganisationListView(ObjectListView):
    model = Organisation
    queryset = Organisation.objects.select_related("region", "parent")
    table_class = tables.OrganisationTable
    filterset_class = filtersets.OrganisationFilterSet
    export_dataset = "organisations"


class OrganisationDetailView(ObjectDetailView):
    model = Organisation


class OrganisationEditView(ObjectEditView):
    model = Organisation
    form_class = forms.OrganisationForm

    def create(self, actor, data):
        return services.organisation_create(actor=actor, data=data)

    def update(self, actor, instance, data):
        return services.organisation_update(actor=actor, instance=instance, data=data)


class OrganisationDeleteView(ObjectDeleteView):
    model = Organisation

    def delete(self, actor, instance, reason, version):
        return services.organisation_delete(actor=actor, instance=instance, reason=reason, version=version)


class OrganisationVoidedListView(ObjectVoidedListView):
    model = Organisation


class OrganisationRestoreView(ObjectRestoreView):
    model = Organisation

    def restore(self, actor, instance, reason):
        return services.organisation_restore(actor=actor, instance=instance, reason=reason)


# --- Users (system administrator; roles by the security administrator) ---------------------------


class UserListView(ObjectListView):
    management_view = True
    model = User
    queryset = User.objects.select_related("organisation", "region").prefetch_related("roles")
    table_class = tables.UserTable
    filterset_class = filtersets.UserFilterSet


class UserDetailView(ObjectDetailView):
    management_view = True
    model = User
    template_name = "core/user.html"

    def get_extra_context(self, request, instance):
        return {
            "can_assign_roles": request.user.has_perm("core.assign_roles") and request.user.pk != instance.pk,
            "can_edit": request.user.has_perm("core.change_user"),
            "can_reset_2fa": request.user.has_perm("core.unlock_user") and request.user.pk != instance.pk,
            "has_second_factor": services.totp_device(instance) is not None,
            "role_labels": [RoleCode(code).label for code in sorted(instance.role_codes)],
        }


class UserEditView(ObjectEditView):
    management_view = True
    model = User
    form_class = forms.UserForm
    template_name = "core/user_edit.html"

    def create(self, actor, data):
        data = dict(data)
        data.pop("is_active", None)
        user, password = services.user_create(actor=actor, data=data)
        self.new_password = password
        return user

    def update(self, actor, instance, data):
        return services.user_update(actor=actor, instance=instance, data=data)

    def post(self, request, pk=None):
        response = super().post(request, pk)
        if getattr(self, "new_password", None):
            messages.warning(
                request,
                _("One-time password for the new account: {password} — hand it over in person; it must be changed "
                  "at first login.").format(password=self.new_password),
            )
        return response


class UserRolesView(ObjectViewMixin, View):
    """The security administrator assigns roles and the region scope."""

    management_view = True
    model = User
    action = "view"
    template_name = "core/user_roles.html"

    def check_permission(self, request):
        if not request.user.has_perm("core.assign_roles"):
            raise PermissionDenied

    def get(self, request, pk):
        user = self.get_object(request, pk)
        form = forms.UserRolesForm(initial={"region": user.region, "roles": sorted(user.role_codes)})
        return TemplateResponse(request, self.template_name, {"object": user, "form": form})

    def post(self, request, pk):
        user = self.get_object(request, pk)
        form = forms.UserRolesForm(request.POST)
        if form.is_valid():
            try:
                services.user_set_roles(actor=request.user, user=user, role_codes=form.cleaned_data["roles"],
                                        region=form.cleaned_data["region"])
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or _("Not allowed."))
            else:
                messages.success(request, _("Roles of {user} saved.").format(user=user))
                return redirect(user.get_absolute_url())
        return TemplateResponse(request, self.template_name, {"object": user, "form": form})


class UserResetPasswordView(ObjectViewMixin, View):
    model = User
    action = "change"
    management_view = True

    def post(self, request, pk):
        user = self.get_object(request, pk)
        password = services.generate_password()
        services.user_set_password(actor=request.user, user=user, password=password, must_change=True)
        services.user_end_sessions(user)
        messages.warning(request, _("New one-time password for {user}: {password} — it must be changed at the next "
                                    "login.").format(user=user, password=password))
        return redirect(user.get_absolute_url())


# --- Audit log (audit administrator only) ------------------------------------------------------


class AuditLogListView(ObjectListView):
    management_view = True
    model = AuditLog
    table_class = tables.AuditLogTable
    filterset_class = filtersets.AuditLogFilterSet
    template_name = "core/auditlog_list.html"
    per_page = 50


class AuditLogDetailView(ObjectDetailView):
    management_view = True
    model = AuditLog
    template_name = "core/auditlog.html"

    def get(self, request, pk):
        entry = get_object_or_404(self.get_queryset(request), pk=pk)
        before, after = entry.before or {}, entry.after or {}
        keys = sorted(set(before) | set(after))
        rows = [(key, before.get(key), after.get(key), before.get(key) != after.get(key)) for key in keys]
        return TemplateResponse(request, self.template_name, {"object": entry, "rows": rows})


class UserResetTwoFactorView(ObjectViewMixin, View):
    """Lost phone: the security administrator resets the user's second factor (they enrol again)."""

    model = User
    action = "view"
    management_view = True

    def check_permission(self, request):
        if not request.user.has_perm("core.unlock_user"):
            raise PermissionDenied

    def post(self, request, pk):
        user = self.get_object(request, pk)
        try:
            services.user_reset_two_factor(actor=request.user, user=user)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Not allowed."))
        else:
            messages.warning(request, _("The second factor of {user} was reset: they set up an authenticator app "
                                        "again at their next login.").format(user=user))
        return redirect(user.get_absolute_url())


# --- Security settings (security administrator) ------------------------------------------------------


class SecuritySettingsView(View):
    """The security parameters in force (they come from the environment) and the last restore drills."""

    management_view = True

    def get(self, request):
        if not request.user.has_perm("core.view_security_settings"):
            raise PermissionDenied
        from jindu.common import crypto

        minutes = lambda seconds: int(seconds // 60)  # noqa: E731
        rows = [
            (_("Two-factor login (password and authenticator app)"), _("required") if settings.JINDU_2FA_REQUIRED
             else _("OFF")),
            (_("Wrong codes before the second factor locks"), settings.JINDU_2FA_FAILURE_LIMIT),
            (_("Second-factor lock (minutes)"), minutes(settings.JINDU_2FA_LOCK_SECONDS)),
            (_("Failed logins before the account locks"), settings.AXES_FAILURE_LIMIT),
            (_("Account lock (minutes)"), minutes(settings.AXES_COOLOFF_TIME.total_seconds())),
            (_("Idle session timeout (minutes)"), minutes(settings.SESSION_COOKIE_AGE)),
            (_("Absolute session lifetime (hours)"), settings.JINDU_SESSION_MAX_AGE // 3600),
            (_("Minimum password length"), settings.PASSWORD_MIN_LENGTH),
            (_("Password expiry (days, 0 = none)"), settings.JINDU_PASSWORD_MAX_AGE_DAYS),
            (_("Dormant accounts disabled after (days)"), settings.JINDU_DORMANT_DAYS),
            (_("Management pages limited to"), ", ".join(settings.JINDU_ADMIN_ALLOWED_NETWORKS) or _("any address")),
            (_("Field encryption keys"), _("from JINDU_FIELD_KEYS, current key {key}").format(
                key=crypto.current_key().id) if crypto.keys_configured() else _("derived from SECRET_KEY")),
            (_("Rate limits"), "; ".join("{}: {}".format(scope, ", ".join(f"{k} {v}" for k, v in rule.items()))
                                         for scope, rule in sorted(settings.JINDU_RATE_LIMITS.items()))),
        ]
        drills = RestoreDrill.objects.all()[:10]
        return TemplateResponse(request, "core/security_settings.html", {"rows": rows, "drills": drills})


# --- Two-factor pages (reachable by a session that passed only the password) -----------------------


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _locked_response(request, seconds, template="registration/otp_verify.html", context=None):
    minutes = max(1, int((seconds + 59) // 60))
    message = _("Too many wrong codes: the second factor of this account is locked for {minutes} more minute(s).")
    context = {**(context or {}), "form": forms.OTPTokenForm(), "locked_message": message.format(minutes=minutes)}
    response = TemplateResponse(request, template, context, status=429)
    response["Retry-After"] = str(int(seconds) or 1)
    return response


def _complete_second_factor(request, device):
    """Mark the session as having passed both factors, with a new session key."""
    old_key = request.session.session_key
    django_otp.login(request, device)
    request.session.cycle_key()
    services.user_session_rekeyed(old_key, request.session.session_key)


@method_decorator(ratelimit.ratelimit("otp"), name="dispatch")
class OTPVerifyView(View):
    """The second step of the login: a code from the authenticator app, or a recovery code."""

    template_name = "registration/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified():
            return HttpResponseRedirect(_next_url(request))
        if services.totp_device(request.user) is None:
            return redirect("core:otp_setup")
        return super().dispatch(request, *args, **kwargs)

    def context(self, request, form):
        return {"form": form, "next": request.GET.get("next") or request.POST.get("next") or ""}

    def get(self, request):
        return TemplateResponse(request, self.template_name, self.context(request, forms.OTPTokenForm()))

    def post(self, request):
        user = request.user
        form = forms.OTPTokenForm(request.POST)
        try:
            services.otp_check_lock(user)
            if not form.is_valid():
                return TemplateResponse(request, self.template_name, self.context(request, form), status=400)
            device = services.otp_verify(user=user, token=form.cleaned_data["token"])
            if device is None:
                services.otp_check_lock(user)  # this failure may have locked it
                form.add_error("token", _("This code is wrong, expired or used already."))
                return TemplateResponse(request, self.template_name, self.context(request, form), status=400)
        except services.SecondFactorLocked as locked:
            return _locked_response(request, locked.seconds, context=self.context(request, form))
        _complete_second_factor(request, device)
        if getattr(device, "remaining", None) is not None:
            messages.warning(request, _("You logged in with a recovery code; {n} remain. Create new ones on the "
                                        "two-factor page if you are running out.").format(n=device.remaining))
        return HttpResponseRedirect(_next_url(request))


@method_decorator(ratelimit.ratelimit("otp"), name="dispatch")
class OTPSetupView(View):
    """First login: set up the authenticator app (QR code), confirmed by a first code."""

    template_name = "registration/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if services.totp_device(request.user) is not None:
            return redirect("core:otp_verify" if not request.user.is_verified() else "core:otp_manage")
        return super().dispatch(request, *args, **kwargs)

    def context(self, request, device, form):
        secret = device.base32_key
        return {"form": form, "device": device, "secret_groups": " ".join(secret[i:i + 4]
                                                                         for i in range(0, len(secret), 4)),
                "next": request.GET.get("next") or request.POST.get("next") or ""}

    def get(self, request):
        device = services.otp_pending_device(request.user)
        return TemplateResponse(request, self.template_name, self.context(request, device, forms.OTPTokenForm()))

    def post(self, request):
        device = services.otp_pending_device(request.user)
        form = forms.OTPTokenForm(request.POST)
        try:
            services.otp_check_lock(request.user)
            if not form.is_valid():
                return TemplateResponse(request, self.template_name, self.context(request, device, form), status=400)
            result = services.otp_enrol(user=request.user, device=device, token=form.cleaned_data["token"])
            if result is None:
                services.otp_check_lock(request.user)
                form.add_error("token", _("This code is wrong or expired. Check the time on your phone and enter "
                                          "the current code."))
                return TemplateResponse(request, self.template_name, self.context(request, device, form), status=400)
        except services.SecondFactorLocked as locked:
            return _locked_response(request, locked.seconds, template=self.template_name,
                                    context=self.context(request, device, form))
        device, codes = result
        _complete_second_factor(request, device)
        request.session["jindu_new_recovery_codes"] = codes
        return redirect(reverse("core:otp_recovery_codes") + "?" + _query_next(request))


def _query_next(request):
    from django.utils.http import urlencode

    return urlencode({"next": _next_url(request)})


def otp_qr(request):
    """The QR code of the enrolment in progress (SVG, rendered on the server; no script)."""
    import segno

    if services.totp_device(request.user) is not None:
        raise Http404
    device = services.otp_pending_device(request.user)
    qr = segno.make(device.config_url(settings.OTP_TOTP_ISSUER), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=5, dark="#182433", xmldecl=False, svgclass=None, lineclass=None)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


class OTPRecoveryCodesView(View):
    """The recovery codes, shown once after enrolment or renewal; POST makes new ones (old ones stop working)."""

    template_name = "registration/otp_recovery_codes.html"

    def get(self, request):
        if not request.user.is_verified():
            return redirect("core:otp_verify")
        codes = request.session.pop("jindu_new_recovery_codes", None)
        if not codes:
            return redirect("core:otp_manage")
        return TemplateResponse(request, self.template_name, {"codes": codes, "next": _next_url(request)})

    def post(self, request):
        if not request.user.is_verified():
            return redirect("core:otp_verify")
        request.session["jindu_new_recovery_codes"] = services.otp_new_recovery_codes(user=request.user)
        return redirect("core:otp_recovery_codes")


class OTPManageView(View):
    """The user's own two-factor page: the app in use, recovery codes left, new recovery codes."""

    def get(self, request):
        if not request.user.is_verified():
            return redirect("core:otp_verify")
        from .models import RecoveryCodeDevice

        codes = RecoveryCodeDevice.objects.filter(user=request.user).first()
        return TemplateResponse(request, "registration/otp_manage.html", {
            "device": services.totp_device(request.user), "codes_left": codes.remaining if codes else 0})

