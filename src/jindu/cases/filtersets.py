"""One FilterSet per record type (STYLE rule 10): the list pages, the API and the exports share them.

Every one offers: a search box (``q``), the region (``region``: a code, covering the regions
under it) and the period (``date_from``/``date_to``, inclusive, on the date the statistics count by).
"""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.common.filtersets import BaseFilterSet, RegionCodeFilter

from .choices import CaseStatus, CaseType, Channel, Finding, Offence, Species, Unit
from .models import Case, Eradication, Fugitive, Identity, Interception, Operation, Seizure, Suspect, id_hash_of


class IdFilter(django_filters.NumberFilter):
    """``?case=<id>``: a whole number in the database's range (anything else is a bad filter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")


def period_filters(field):
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label=_("from")),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label=_("to")),
    )


class AgencyFilter(django_filters.CharFilter):
    """``?agency=NAME`` (or a numeric id): cases an organisation worked on."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return qs.filter(**{f"{self.field_name}__id": int(value)})
        return qs.filter(**{f"{self.field_name}__name__icontains": value}).distinct()


class OperationFilter(django_filters.CharFilter):
    """``?operation=NAME`` (or a numeric id)."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return qs.filter(**{f"{self.field_name}__id": int(value)})
        return qs.filter(**{f"{self.field_name}__name": value})


class CaseFilterSet(BaseFilterSet):
    """Search: the start of a case number, else a part of it (people: on the suspects list; the summary is
    stored encrypted and is not searched)."""

    region = RegionCodeFilter(field_name="region", label=_("region code"))
    date_from, date_to = period_filters("filed_on")
    case_type = django_filters.ChoiceFilter(choices=CaseType.choices, label=_("case type"))
    offence = django_filters.ChoiceFilter(choices=Offence.choices, label=_("offence"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    drug = django_filters.CharFilter(method="filter_drug", label=_("drug (code)"))
    agency = AgencyFilter(field_name="agencies", label=_("agency"))
    operation = OperationFilter(field_name="operation", label=_("operation"))
    notable = django_filters.BooleanFilter(label=_("notable"))

    class Meta:
        model = Case
        fields = ["q", "region", "date_from", "date_to", "case_type", "offence", "status", "channel", "drug",
                  "agency", "operation", "notable"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A case number (or its start) is looked up in the index; only other text reads every number.
        by_number = queryset.filter(Q(case_no__startswith=value) | Q(case_no__startswith=value.upper()))
        if by_number.exists():
            return by_number
        return queryset.filter(case_no__icontains=value)

    def filter_drug(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(pk__in=Seizure.objects.filter(drug__code=value).values("case_id")) if value \
            else queryset


class SuspectFilterSet(BaseFilterSet):
    """Search: a whole identity number, else a name (or part of it) or a whole passport number."""

    region = RegionCodeFilter(field_name="region", label=_("region code"))
    date_from, date_to = period_filters("arrested_on")
    case_type = django_filters.ChoiceFilter(field_name="case__case_type", choices=CaseType.choices,
                                            label=_("case type"))
    offence = django_filters.ChoiceFilter(field_name="case__offence", choices=Offence.choices, label=_("offence"))
    nationality = django_filters.CharFilter(method="filter_nationality", label=_("nationality"))
    foreign = django_filters.BooleanFilter(method="filter_foreign", label=_("foreign nationals"))
    arrested = django_filters.BooleanFilter(field_name="arrested_on", lookup_expr="isnull", exclude=True,
                                            label=_("arrested"))
    agency = AgencyFilter(field_name="case__agencies", label=_("agency"))
    operation = OperationFilter(field_name="case__operation", label=_("operation"))
    case = IdFilter(field_name="case_id", label=_("case (id)"))

    class Meta:
        model = Suspect
        fields = ["q", "region", "date_from", "date_to", "case_type", "offence", "nationality", "foreign",
                  "arrested", "agency", "operation", "case"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if ID_NUMBER.match(value):
            return queryset.filter(id_hash=id_hash_of(value))  # indexed: the person's records
        return queryset.filter(Q(name__icontains=value) | Q(passport_no=value.upper()))

    def filter_nationality(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(nationality=value) if value else queryset

    def filter_foreign(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(nationality="CN") if value else queryset.filter(nationality="CN")


class SeizureFilterSet(BaseFilterSet):
    """Search: the start of an evidence number, else of a case number, else words of the place."""
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    date_from, date_to = period_filters("seized_on")
    drug = django_filters.CharFilter(field_name="drug__code", label=_("drug (code)"))
    unit = django_filters.ChoiceFilter(choices=Unit.choices, label=_("unit"))
    weighed = django_filters.BooleanFilter(method="filter_weighed", label=_("weighed (g or kg)"))
    case_type = django_filters.ChoiceFilter(field_name="case__case_type", choices=CaseType.choices,
                                            label=_("case type"))
    agency = AgencyFilter(field_name="case__agencies", label=_("agency"))
    operation = OperationFilter(field_name="case__operation", label=_("operation"))
    case = IdFilter(field_name="case_id", label=_("case (id)"))

    class Meta:
        model = Seizure
        fields = ["q", "region", "date_from", "date_to", "drug", "unit", "weighed", "case_type", "agency",
                  "operation", "case"]

    def filter_weighed(self, queryset, name, value):
        """The seizures behind a weight in grams (the statistics fold kilograms into grams)."""
        if value is None:
            return queryset
        weights = [Unit.GRAM, Unit.KILOGRAM]
        return queryset.filter(unit__in=weights) if value else queryset.exclude(unit__in=weights)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        for field in ("evidence_no", "case__case_no"):  # both indexed; the place is read only as a last resort
            found = queryset.filter(Q(**{f"{field}__startswith": value}) | Q(**{f"{field}__startswith": value.upper()}))
            if found.exists():
                return found
        return queryset.filter(place__icontains=value)


class IdNumberSearchMixin:
    """A whole identity number is looked up by its keyed hash (the number is stored encrypted);
    other text goes to ``search_fields``."""

    def search(self, queryset, name, value):
        value = value.strip()
        if ID_NUMBER.match(value):
            return queryset.filter(id_hash=id_hash_of(value))
        return super().search(queryset, name, value)


class FugitiveFilterSet(IdNumberSearchMixin, BaseFilterSet):
    search_fields = ("fugitive_no__icontains", "name__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    date_from, date_to = period_filters("captured_on")
    captured = django_filters.BooleanFilter(field_name="captured_on", lookup_expr="isnull", exclude=True,
                                            label=_("captured"))
    agency = AgencyFilter(field_name="capturing_unit", label=_("capturing unit"))

    class Meta:
        model = Fugitive
        fields = ["q", "region", "date_from", "date_to", "captured", "agency"]


class EradicationFilterSet(BaseFilterSet):
    search_fields = ("ref__icontains", "notes__icontains", "case__case_no__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    date_from, date_to = period_filters("found_on")
    species = django_filters.ChoiceFilter(choices=Species.choices, label=_("species"))
    wild = django_filters.BooleanFilter(label=_("wild"))

    class Meta:
        model = Eradication
        fields = ["q", "region", "date_from", "date_to", "species", "wild"]


class InterceptionFilterSet(IdNumberSearchMixin, BaseFilterSet):
    search_fields = ("ref__icontains", "name__icontains", "checkpoint__name__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    date_from, date_to = period_filters("intercepted_on")
    finding = django_filters.ChoiceFilter(choices=Finding.choices, label=_("finding"))
    agency = AgencyFilter(field_name="checkpoint", label=_("checkpoint"))

    class Meta:
        model = Interception
        fields = ["q", "region", "date_from", "date_to", "finding", "agency"]


class IdentityFilterSet(IdNumberSearchMixin, BaseFilterSet):
    search_fields = ("name__icontains", "passport_no__iexact")
    nationality = django_filters.CharFilter(method="filter_nationality", label=_("nationality"))

    class Meta:
        model = Identity
        fields = ["q", "nationality"]

    def filter_nationality(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(nationality=value) if value else queryset


class OperationFilterSet(BaseFilterSet):
    search_fields = ("name__icontains", "description__icontains")

    class Meta:
        model = Operation
        fields = ["q"]
