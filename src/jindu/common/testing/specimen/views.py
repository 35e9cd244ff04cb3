from jindu.common import views as generic

from .forms import SpecimenForm
from .models import Specimen
from .tables import SpecimenTable


class SpecimenListView(generic.ObjectListView):
    model = Specimen
    table_class = SpecimenTable


class SpecimenDetailView(generic.ObjectDetailView):
    model = Specimen


class SpecimenEditView(generic.ObjectEditView):
    model = Specimen
    form_class = SpecimenForm


class SpecimenDeleteView(generic.ObjectDeleteView):
    model = Specimen


class SpecimenVoidedView(generic.ObjectVoidedListView):
    model = Specimen


class SpecimenRestoreView(generic.ObjectRestoreView):
    model = Specimen


class SpecimenSealedView(generic.SealedRecordOpenView):
    model = Specimen
