from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/data/", views.dashboard_data, name="dashboard_data"),
    path("bulletins/", views.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletins/new/", views.BulletinCreateView.as_view(), name="bulletin_add"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/download/", views.bulletin_download, name="bulletin_download"),
    path("unodc/seizures/", views.unodc_export, name="unodc_export"),
]
