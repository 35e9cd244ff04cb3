from django.urls import path

from jindu.common.views import model_urls

from . import views
from .models import Case, Eradication, Fugitive, Identity, Interception, Operation, Seizure, Suspect

app_name = "cases"


def record_urls(model, prefix=None):
    """The pages of a voidable record type: list, detail, add/edit, void, voided list, restore."""
    name = model.__name__
    voided_view, restore_view = views.voided_views(model)
    return model_urls(
        model, prefix=prefix, list_view=getattr(views, f"{name}ListView"),
        detail_view=getattr(views, f"{name}DetailView"), edit_view=getattr(views, f"{name}EditView"),
        delete_view=getattr(views, f"{name}DeleteView"), voided_view=voided_view, restore_view=restore_view,
    )


urlpatterns = [
    *record_urls(Case),
    path("cases/<int:pk>/status/", views.CaseStatusView.as_view(), name="case_status"),
    *record_urls(Suspect),
    *model_urls(Identity, list_view=views.IdentityListView, detail_view=views.IdentityDetailView,
                prefix="identities/"),
    *record_urls(Seizure),
    *record_urls(Fugitive),
    *record_urls(Eradication),
    *record_urls(Interception),
    *record_urls(Operation),
]
