"""List tables of the enforcement records. Identity and passport numbers are shown masked."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jindu.common.masking import mask_id_number
from jindu.common.tables import BaseTable

from .models import Case, Eradication, Fugitive, Identity, Interception, Operation, Seizure, Suspect


def format_quantity(value):
    """12.500000 -> "12.5", 10.000000 -> "10" (never in exponent form)."""
    return format(value.normalize(), "f") if value is not None else ""


class MaskedColumn(tables.Column):
    """An identity or passport number, masked (540***********043X). Not sortable: identity numbers are
    stored encrypted, and an order of masked numbers would tell nothing."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return mask_id_number(value)


class CaseTable(BaseTable):
    case_no = tables.Column(verbose_name=_("case number"), linkify=True)
    region = tables.Column(verbose_name=_("region"), order_by=("region__code",))
    operation = tables.Column(verbose_name=_("operation"), order_by=("operation__name",))
    notable = tables.BooleanColumn(verbose_name=_("notable"))

    class Meta(BaseTable.Meta):
        model = Case
        fields = ("case_no", "filed_on", "region", "case_type", "offence", "channel", "operation", "status", "notable")


class SuspectTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)
    id_number = MaskedColumn(verbose_name=_("identity number"))
    case = tables.Column(verbose_name=_("case"), linkify=True, order_by=("case__case_no",))
    region = tables.Column(verbose_name=_("region"), order_by=("region__code",))

    class Meta(BaseTable.Meta):
        model = Suspect
        fields = ("name", "id_number", "nationality", "sex", "case", "region", "role", "arrested_on", "measure")


class SeizureTable(BaseTable):
    evidence_no = tables.Column(verbose_name=_("evidence number"), linkify=True)
    case = tables.Column(verbose_name=_("case"), linkify=True, order_by=("case__case_no",))
    drug = tables.Column(verbose_name=_("drug"), order_by=("drug__code",))
    region = tables.Column(verbose_name=_("region"), order_by=("region__code",))

    class Meta(BaseTable.Meta):
        model = Seizure
        fields = ("evidence_no", "seized_on", "case", "region", "drug", "quantity", "unit", "place")

    def render_quantity(self, value):
        return format_quantity(value)


class FugitiveTable(BaseTable):
    fugitive_no = tables.Column(verbose_name=_("fugitive number"), linkify=True)
    id_number = MaskedColumn(verbose_name=_("identity number"))
    region = tables.Column(verbose_name=_("region"), order_by=("region__code",))

    class Meta(BaseTable.Meta):
        model = Fugitive
        fields = ("fugitive_no", "name", "id_number", "region", "wanted_since", "captured_on", "capturing_unit")


class EradicationTable(BaseTable):
    ref = tables.Column(verbose_name=_("reference"), linkify=True)
    region = tables.Column(verbose_name=_("region"), order_by=("region__code",))
    case = tables.Column(verbose_name=_("case"), linkify=True, order_by=("case__case_no",))

    class Meta(BaseTable.Meta):
        model = Eradication
        fields = ("ref", "found_on", "region", "species", "wild", "plants", "area_m2", "case")


class InterceptionTable(BaseTable):
    ref = tables.Column(verbose_name=_("reference"), linkify=True)
    id_number = MaskedColumn(verbose_name=_("identity number"))
    region = tables.Column(verbose_name=_("region"), order_by=("region__code",))
    checkpoint = tables.Column(verbose_name=_("checkpoint"), order_by=("checkpoint__name",))

    class Meta(BaseTable.Meta):
        model = Interception
        fields = ("ref", "intercepted_on", "checkpoint", "region", "finding", "id_number")


class IdentityTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)
    id_number = MaskedColumn(verbose_name=_("identity number"))
    passport_no = MaskedColumn(verbose_name=_("passport number"))

    class Meta(BaseTable.Meta):
        model = Identity
        fields = ("name", "id_number", "nationality", "passport_no", "sex", "birth_date")


class OperationTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Operation
        fields = ("name", "started_on", "ended_on")
