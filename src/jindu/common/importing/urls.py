from django.urls import path

from . import views

app_name = "importing"

urlpatterns = [
    path("", views.DataExchangeView.as_view(), name="index"),
    path("<slug:dataset>/import/", views.UploadView.as_view(), name="upload"),
    path("<slug:dataset>/import/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("<slug:dataset>/template/", views.TemplateDownloadView.as_view(), name="template"),
    path("<slug:dataset>/export/", views.ExportView.as_view(), name="export"),
]
