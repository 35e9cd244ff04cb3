"""One FilterSet per model (STYLE rule 10): list pages, API and selectors share them."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.common.filtersets import BaseFilterSet, RegionCodeFilter
from jindu.core.models import Organisation

from .access import ASSIGNABLE_KINDS
from .choices import SchemeStatus, TaskKind, TaskStatus, VisitStatus
from .models import AssessmentScheme, Task, Visit, WorkPlan


class WorkPlanFilterSet(BaseFilterSet):
    search_fields = ("title__icontains", "document_no__icontains", "summary__icontains")
    year = django_filters.NumberFilter(method="in_year", label=_("year"))
    region = RegionCodeFilter(field_name="issuer__region", label=_("region code"))

    class Meta:
        model = WorkPlan
        fields = ["q", "year", "region"]

    def in_year(self, queryset, name, value):
        return queryset.filter(period_start__year__lte=value, period_end__year__gte=value)


def _visible(model, **filters):
    """Choices limited to what the user may see (the same scope filter as the list)."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user).filter(**filters)

    return queryset


YES_NO = forms.Select(choices=[("", "---------"), ("true", _("yes")), ("false", _("no"))])


class TaskFilterSet(BaseFilterSet):
    search_fields = ("title__icontains", "description__icontains", "assignee__name__icontains")
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"), widget=YES_NO)
    assignee = django_filters.ModelChoiceFilter(queryset=_visible(Organisation, kind__in=ASSIGNABLE_KINDS),
                                                label=_("responsible unit"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, label=_("kind"))
    plan = django_filters.ModelChoiceFilter(field_name="plan_item__plan", queryset=_visible(WorkPlan),
                                            label=_("work plan"))
    visit = django_filters.ModelChoiceFilter(queryset=_visible(Visit), label=_("supervision visit"))
    due_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("deadline until"))

    class Meta:
        model = Task
        fields = ["q", "status", "overdue", "assignee", "region", "kind", "plan", "visit", "due_before"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class VisitFilterSet(BaseFilterSet):
    search_fields = ("title__icontains", "site__icontains", "findings__icontains", "team__icontains")
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices, label=_("status"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    since = django_filters.DateFilter(field_name="start_on", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="start_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = Visit
        fields = ["q", "status", "region", "since", "until"]


class AssessmentSchemeFilterSet(BaseFilterSet):
    search_fields = ("title__icontains",)
    status = django_filters.ChoiceFilter(choices=SchemeStatus.choices, label=_("status"))

    class Meta:
        model = AssessmentScheme
        fields = ["q", "year", "status"]
