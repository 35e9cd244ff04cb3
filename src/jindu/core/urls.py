from django.urls import path

from jindu.common.views import model_urls

from . import views
from .models import AuditLog, Organisation, Region, User

app_name = "core"

urlpatterns = [
    *model_urls(Region, list_view=views.RegionListView, detail_view=views.RegionDetailView),
    *model_urls(
        Organisation,
        list_view=views.OrganisationListView,
        detail_view=views.OrganisationDetailView,
        edit_view=views.OrganisationEditView,
        delete_view=views.OrganisationDeleteView,
        voided_view=views.OrganisationVoidedListView,
        restore_view=views.OrganisationRestoreView,
    ),
    *model_urls(User, list_view=views.UserListView, detail_view=views.UserDetailView, edit_view=views.UserEditView),
    path("users/<int:pk>/roles/", views.UserRolesView.as_view(), name="user_roles"),
    path("users/<int:pk>/reset-password/", views.UserResetPasswordView.as_view(), name="user_reset_password"),
    path("users/<int:pk>/reset-2fa/", views.UserResetTwoFactorView.as_view(), name="user_reset_2fa"),
    path("security/", views.SecuritySettingsView.as_view(), name="security_settings"),
    # Two-factor pages: the only pages a session that passed the password alone may open.
    path("2fa/", views.OTPManageView.as_view(), name="otp_manage"),
    path("2fa/verify/", views.OTPVerifyView.as_view(), name="otp_verify"),
    path("2fa/setup/", views.OTPSetupView.as_view(), name="otp_setup"),
    path("2fa/setup/qr.svg", views.otp_qr, name="otp_qr"),
    path("2fa/recovery-codes/", views.OTPRecoveryCodesView.as_view(), name="otp_recovery_codes"),
    *model_urls(AuditLog, list_view=views.AuditLogListView, detail_view=views.AuditLogDetailView, prefix="audit/"),
]
