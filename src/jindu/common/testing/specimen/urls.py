"""The project's URLs plus the specimen's (tests mark themselves ``pytest.mark.urls`` with this module)."""

from django.urls import include, path

from jindu.common.views import model_urls
from jindu.urls import urlpatterns as project_urlpatterns

from . import views
from .models import Specimen

specimen_patterns = model_urls(
    Specimen, list_view=views.SpecimenListView, detail_view=views.SpecimenDetailView,
    edit_view=views.SpecimenEditView, delete_view=views.SpecimenDeleteView, voided_view=views.SpecimenVoidedView,
    restore_view=views.SpecimenRestoreView, sealed_view=views.SpecimenSealedView,
)

urlpatterns = [*project_urlpatterns, path("specimen/", include((specimen_patterns, "specimen")))]
