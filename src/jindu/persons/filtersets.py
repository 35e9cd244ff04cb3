"""FilterSets (STYLE rule 10): one per model, shared by the list pages, the API and exports.

A search for a full identity number finds the person through the keyed hash (the number is not
stored in clear) and is audited (``persons.person.searched``): every search by ID leaves a trace.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from jindu.common import audit
from jindu.common.filtersets import BaseFilterSet, RegionCodeFilter
from jindu.common.identifiers import ID_RE, normalise_id_number
from jindu.common.masking import mask_id_number

from .choices import AlertKind, AlertState, Measure, PersonStatus, Punishment, RiskLevel, TestMethod, TestResult
from .crypto import blind_index
from .models import (
    Alert,
    Contact,
    DrivingCheck,
    DrugTest,
    Episode,
    Handover,
    LicenceCertificate,
    Person,
    RiskAssessment,
    Violation,
)


class PersonSearchMixin:
    """``q``: a full identity number (exact, through the keyed hash; audited), or part of a name."""

    person_prefix = "person__"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = normalise_id_number(value)
        if ID_RE.match(number):
            user = getattr(getattr(self, "request", None), "user", None)
            audit.log("persons.person.searched", object_type="persons.person", object_repr=mask_id_number(number),
                      user=user, extra={"id_masked": mask_id_number(number)})
            return queryset.filter(**{f"{self.person_prefix}id_hash": blind_index(number)})
        return self.search_text(queryset, value)

    def search_text(self, queryset, value):
        return queryset.filter(**{f"{self.person_prefix}name__icontains": value})


class PersonFilterSet(PersonSearchMixin, BaseFilterSet):
    person_prefix = ""
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices, label=_("status"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    measure = django_filters.ChoiceFilter(field_name="episodes__measure", choices=Measure.choices,
                                          label=_("measure"), distinct=True)
    registered_from = django_filters.DateFilter(field_name="registered_on", lookup_expr="gte", label=_("from"))
    registered_to = django_filters.DateFilter(field_name="registered_on", lookup_expr="lte", label=_("to"))
    community_from = django_filters.DateFilter(method="filter_community", label=_("in community measures from"))
    community_to = django_filters.DateFilter(method="filter_community", label=_("in community measures to"))
    tested = django_filters.BooleanFilter(method="filter_community", label=_("tested during those measures"))
    violation = django_filters.BooleanFilter(method="filter_violation", label=_("with a drug-use violation"))

    class Meta:
        model = Person
        fields = ["q", "status", "region", "measure", "registered_from", "registered_to", "community_from",
                  "community_to", "tested", "violation"]

    def filter_violation(self, queryset, name, value):
        """Live violation records only: a person whose violations are all sealed is not found (art. 136)."""
        from django.db.models import Exists, OuterRef

        if value is None:
            return queryset
        live = Exists(Violation.objects.filter(person=OuterRef("pk")))
        return queryset.filter(live if value else ~live)

    def filter_community(self, queryset, name, value):
        """The people behind the statistics' ``in_community`` and ``tested`` for a period (both dates, or one
        day); the three fields act together, once."""
        from .selectors import in_community, tested_in_community

        data = self.form.cleaned_data
        start, end = data.get("community_from"), data.get("community_to")
        if not (start or end) or name != ("community_from" if start else "community_to"):
            return queryset
        start, end = start or end, end or start
        queryset = in_community(queryset, start, end)
        if data.get("tested") is True:
            return tested_in_community(queryset, start, end)
        if data.get("tested") is False:
            return queryset.exclude(pk__in=tested_in_community(queryset, start, end).values("pk"))
        return queryset


class EpisodeFilterSet(PersonSearchMixin, BaseFilterSet):
    measure = django_filters.ChoiceFilter(choices=Measure.choices, label=_("measure"))
    region = RegionCodeFilter(field_name="person__region", label=_("region code"))
    open = django_filters.BooleanFilter(field_name="end_on", lookup_expr="isnull", label=_("running"))

    class Meta:
        model = Episode
        fields = ["q", "measure", "region", "open"]

    def search_text(self, queryset, value):
        return queryset.filter(ref__icontains=value) | queryset.filter(person__name__icontains=value)


class HandoverFilterSet(PersonSearchMixin, BaseFilterSet):
    region = RegionCodeFilter(field_name="person__region", label=_("region code"))
    pending = django_filters.BooleanFilter(field_name="completed_on", lookup_expr="isnull", label=_("pending"))

    class Meta:
        model = Handover
        fields = ["q", "region", "pending"]


class DrugTestFilterSet(PersonSearchMixin, BaseFilterSet):
    result = django_filters.ChoiceFilter(choices=TestResult.choices, label=_("result"))
    method = django_filters.ChoiceFilter(choices=TestMethod.choices, label=_("method"))
    region = RegionCodeFilter(field_name="person__region", label=_("region code"))
    tested_from = django_filters.DateFilter(field_name="tested_on", lookup_expr="gte", label=_("from"))
    tested_to = django_filters.DateFilter(field_name="tested_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = DrugTest
        fields = ["q", "result", "method", "region", "tested_from", "tested_to"]

    def search_text(self, queryset, value):
        return queryset.filter(ref__icontains=value) | queryset.filter(person__name__icontains=value)


class ContactFilterSet(PersonSearchMixin, BaseFilterSet):
    region = RegionCodeFilter(field_name="person__region", label=_("region code"))

    class Meta:
        model = Contact
        fields = ["q", "kind", "region"]


class RiskAssessmentFilterSet(PersonSearchMixin, BaseFilterSet):
    level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("risk level"))
    region = RegionCodeFilter(field_name="person__region", label=_("region code"))
    due_before = django_filters.DateFilter(field_name="next_due", lookup_expr="lte", label=_("reassessment due by"))

    class Meta:
        model = RiskAssessment
        fields = ["q", "level", "region", "due_before"]


class AlertFilterSet(PersonSearchMixin, BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=AlertState.choices, label=_("state"))
    region = RegionCodeFilter(field_name="person__region", label=_("region code"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("my work list"))

    class Meta:
        model = Alert
        fields = ["q", "kind", "state", "region", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(getattr(self, "request", None), "user", None)
        if value and user is not None:
            return queryset.filter(community_worker=user)
        return queryset


class DrivingCheckFilterSet(BaseFilterSet):
    search_fields = ("reason__icontains", "id_masked__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = DrivingCheck
        fields = ["q", "region", "registered"]


class LicenceCertificateFilterSet(BaseFilterSet):
    search_fields = ("number__icontains", "requesting_unit__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = LicenceCertificate
        fields = ["q", "result", "region"]


class ViolationFilterSet(PersonSearchMixin, BaseFilterSet):
    punishment = django_filters.ChoiceFilter(choices=Punishment.choices, label=_("punishment"))
    region = RegionCodeFilter(field_name="person__region", label=_("region code"))
    decided_from = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("from"))
    decided_to = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = Violation
        fields = ["q", "punishment", "region", "decided_from", "decided_to"]

    def search_text(self, queryset, value):
        return queryset.filter(decision_no__icontains=value) | queryset.filter(person__name__icontains=value)
