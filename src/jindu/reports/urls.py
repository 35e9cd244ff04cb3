from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/data/", views.dashboard_data, name="dashboard_data"),
]
