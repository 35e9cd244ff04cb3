from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from jindu.common.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    add_validation_errors,
)

from . import filtersets, forms, services, tables
from .choices import RoleCode
from .models import AuditLog, Organisation, Region, User

# --- Authentication ---------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


def lockout_response(request, credentials, *args, **kwargs):
    """What django-axes answers while an account is locked: the login page with a clear message."""
    message = _("Too many failed logins: this account is locked for {minutes} minutes.").format(
        minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"form": forms.LoginForm(request), "lockout_message": message}
    return TemplateResponse(request, "registration/login.html", context, status=403).render()


class PasswordChangeView(View):
    template_name = "registration/password_change.html"

    def get(self, request):
        return TemplateResponse(request, self.template_name, {"form": forms.PasswordChangeForm(user=request.user)})

    def post(self, request):
        form = forms.PasswordChangeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.user_set_password(
                    actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
                )
            except ValidationError as error:
                form.add_error("new_password1", error)
            else:
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Your password was changed."))
                return redirect("home")
        return TemplateResponse(request, self.template_name, {"form": form})


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


# --- Users (system administrator; roles by the security administrator) ---------------------------


class UserListView(ObjectListView):
    model = User
    queryset = User.objects.select_related("organisation", "region").prefetch_related("roles")
    table_class = tables.UserTable
    filterset_class = filtersets.UserFilterSet


class UserDetailView(ObjectDetailView):
    model = User
    template_name = "core/user.html"

    def get_extra_context(self, request, instance):
        return {
            "can_assign_roles": request.user.has_perm("core.assign_roles") and request.user.pk != instance.pk,
            "can_edit": request.user.has_perm("core.change_user"),
            "role_labels": [RoleCode(code).label for code in sorted(instance.role_codes)],
        }


class UserEditView(ObjectEditView):
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
    model = AuditLog
    table_class = tables.AuditLogTable
    filterset_class = filtersets.AuditLogFilterSet
    template_name = "core/auditlog_list.html"
    per_page = 50


class AuditLogDetailView(ObjectDetailView):
    model = AuditLog
    template_name = "core/auditlog.html"

    def get(self, request, pk):
        entry = get_object_or_404(self.get_queryset(request), pk=pk)
        before, after = entry.before or {}, entry.after or {}
        keys = sorted(set(before) | set(after))
        rows = [(key, before.get(key), after.get(key), before.get(key) != after.get(key)) for key in keys]
        return TemplateResponse(request, self.template_name, {"object": entry, "rows": rows})
