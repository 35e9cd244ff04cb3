"""One FilterSet per model (STYLE rule 10): the list page, the API and exports filter the same way."""

import datetime

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.common.filtersets import BaseFilterSet, RegionCodeFilter
from jindu.common.identifiers import ID_RE

from .choices import (
    CylinderStatus,
    Direction,
    EquipmentStatus,
    FlagRule,
    FlagStatus,
    FoundBy,
    InspectionKind,
    LicenceKind,
    SubstanceKind,
    UnitKind,
    UnitStatus,
)
from .models import (
    LICENCE_EXPIRING_DAYS,
    Cylinder,
    Equipment,
    Inspection,
    Licence,
    ReconciliationFlag,
    Substance,
    Transaction,
    Unit,
)


class SubstanceFilterSet(BaseFilterSet):
    search_fields = ("name_zh__icontains", "name_en__icontains", "cas__startswith")
    kind = django_filters.ChoiceFilter(choices=SubstanceKind.choices, label=_("kind"))

    class Meta:
        model = Substance
        fields = ["q", "kind", "category", "base_unit", "is_active"]


class UnitFilterSet(BaseFilterSet):
    search_fields = ("name__icontains", "credit_code__iexact", "address__icontains", "grid__icontains")
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=UnitStatus.choices, label=_("status"))
    found_by = django_filters.ChoiceFilter(choices=FoundBy.choices, label=_("found by"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    substance = django_filters.NumberFilter(method="holding", label=_("substance (id)"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "status", "found_by", "region"]

    def holding(self, queryset, name, value):
        return queryset.filter(transactions__substance_id=value).distinct()


class BuyerSearchMixin:
    """A buyer's resident ID number typed in the search box is found through its keyed hash (the numbers are
    encrypted); ``id_hash_lookup`` is the path to the hash field."""

    id_hash_lookup = ""

    def search(self, queryset, name, value):
        from .models import id_hash

        value = value.strip()
        found = super().search(queryset, name, value)
        if value and ID_RE.match(value.upper()):
            found = found | queryset.filter(**{self.id_hash_lookup: id_hash(value)})
        return found


class TransactionFilterSet(BuyerSearchMixin, BaseFilterSet):
    search_fields = ("ref__iexact", "unit__name__icontains", "unit__credit_code__iexact", "document_no__iexact",
                     "counterparty_unit__credit_code__iexact")
    id_hash_lookup = "counterparty_id_hash"
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("direction"))
    substance = django_filters.ModelChoiceFilter(queryset=Substance.objects.all(), label=_("substance"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("unit (id)"))
    region = RegionCodeFilter(field_name="unit__region", label=_("region code"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("to"))

    class Meta:
        model = Transaction
        fields = ["q", "direction", "substance", "region", "date_from", "date_to"]


class LicenceFilterSet(BaseFilterSet):
    search_fields = ("number__icontains", "unit__name__icontains", "unit__credit_code__iexact")
    kind = django_filters.ChoiceFilter(choices=LicenceKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(
        choices=[("valid", _("valid")), ("expiring", _("expiring within 30 days")), ("expired", _("expired"))],
        method="by_state", label=_("validity"))
    region = RegionCodeFilter(field_name="unit__region", label=_("region code"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("unit (id)"))

    class Meta:
        model = Licence
        fields = ["q", "kind", "form", "state", "region"]

    def by_state(self, queryset, name, value):
        today = datetime.date.today()
        soon = today + datetime.timedelta(days=LICENCE_EXPIRING_DAYS)
        if value == "expired":
            return queryset.filter(valid_until__lt=today)
        if value == "expiring":
            return queryset.filter(valid_from__lte=today, valid_until__gte=today, valid_until__lte=soon)
        return queryset.filter(valid_from__lte=today, valid_until__gte=today)


class FlagFilterSet(BaseFilterSet):
    search_fields = ("unit__name__icontains", "unit__credit_code__iexact", "detail__icontains")
    rule = django_filters.ChoiceFilter(choices=FlagRule.choices, label=_("rule"))
    status = django_filters.ChoiceFilter(choices=FlagStatus.choices, label=_("status"))
    active = django_filters.BooleanFilter(label=_("raised by the current data"))
    region = RegionCodeFilter(field_name="unit__region", label=_("region code"))
    month_from = django_filters.DateFilter(field_name="month_end", lookup_expr="gte", label=_("month ends from"))
    month_to = django_filters.DateFilter(field_name="month_end", lookup_expr="lte", label=_("month ends by"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("unit (id)"))

    class Meta:
        model = ReconciliationFlag
        fields = ["q", "rule", "status", "active", "region", "month_from", "month_to"]


class CylinderFilterSet(BuyerSearchMixin, BaseFilterSet):
    search_fields = ("serial__icontains", "unit__name__icontains", "unit__credit_code__iexact")
    id_hash_lookup = "events__buyer_id_hash"
    status = django_filters.ChoiceFilter(choices=CylinderStatus.choices, label=_("status"))
    region = RegionCodeFilter(field_name="unit__region", label=_("region code"))

    class Meta:
        model = Cylinder
        fields = ["q", "status", "region"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class EquipmentFilterSet(BaseFilterSet):
    search_fields = ("serial__icontains", "specification__icontains", "unit__name__icontains",
                     "unit__credit_code__iexact")
    status = django_filters.ChoiceFilter(choices=EquipmentStatus.choices, label=_("status"))
    region = RegionCodeFilter(field_name="unit__region", label=_("region code"))

    class Meta:
        model = Equipment
        fields = ["q", "equipment_type", "status", "region"]


class InspectionFilterSet(BaseFilterSet):
    search_fields = ("ref__iexact", "unit__name__icontains", "unit__credit_code__iexact", "findings__icontains",
                     "inspector_name__icontains")
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("kind"))
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("rectification overdue"))
    region = RegionCodeFilter(field_name="unit__region", label=_("region code"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("to"))

    class Meta:
        model = Inspection
        fields = ["q", "kind", "overdue", "region", "date_from", "date_to"]

    def by_overdue(self, queryset, name, value):
        overdue = Q(rectification_required=True, rectified_on__isnull=True,
                    rectification_deadline__lt=datetime.date.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
