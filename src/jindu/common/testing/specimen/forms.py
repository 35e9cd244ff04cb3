from jindu.common.forms import JinduModelForm

from .models import Specimen


class SpecimenForm(JinduModelForm):
    class Meta:
        model = Specimen
        fields = ["name", "region", "id_number", "phone", "history", "narrative"]
