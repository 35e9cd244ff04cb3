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
    ),
    *model_urls(User, list_view=views.UserListView, detail_view=views.UserDetailView, edit_view=views.UserEditView),
    path("users/<int:pk>/roles/", views.UserRolesView.as_view(), name="user_roles"),
    path("users/<int:pk>/reset-password/", views.UserResetPasswordView.as_view(), name="user_reset_password"),
    *model_urls(AuditLog, list_view=views.AuditLogListView, detail_view=views.AuditLogDetailView, prefix="audit/"),
]
