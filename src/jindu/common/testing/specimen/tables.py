import django_tables2 as tables

from jindu.common.tables import BaseTable

from .models import Specimen


class SpecimenTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Specimen
        fields = ("name", "region", "id_number", "phone", "history")
