from django.urls import path

from jindu.common.views import model_urls

from . import views
from .models import Case, Eradication, Fugitive, Identity, Interception, Operation, Seizure, Suspect

app_name = "cases"

urlpatterns = [
    *model_urls(Case, list_view=views.CaseListView, detail_view=views.CaseDetailView, edit_view=views.CaseEditView,
                delete_view=views.CaseDeleteView),
    path("cases/<int:pk>/status/", views.CaseStatusView.as_view(), name="case_status"),
    *model_urls(Suspect, list_view=views.SuspectListView, detail_view=views.SuspectDetailView,
                edit_view=views.SuspectEditView, delete_view=views.SuspectDeleteView),
    *model_urls(Identity, list_view=views.IdentityListView, detail_view=views.IdentityDetailView,
                prefix="identities/"),
    *model_urls(Seizure, list_view=views.SeizureListView, detail_view=views.SeizureDetailView,
                edit_view=views.SeizureEditView, delete_view=views.SeizureDeleteView),
    *model_urls(Fugitive, list_view=views.FugitiveListView, detail_view=views.FugitiveDetailView,
                edit_view=views.FugitiveEditView, delete_view=views.FugitiveDeleteView),
    *model_urls(Eradication, list_view=views.EradicationListView, detail_view=views.EradicationDetailView,
                edit_view=views.EradicationEditView, delete_view=views.EradicationDeleteView),
    *model_urls(Interception, list_view=views.InterceptionListView, detail_view=views.InterceptionDetailView,
                edit_view=views.InterceptionEditView, delete_view=views.InterceptionDeleteView),
    *model_urls(Operation, list_view=views.OperationListView, detail_view=views.OperationDetailView,
                edit_view=views.OperationEditView),
]
