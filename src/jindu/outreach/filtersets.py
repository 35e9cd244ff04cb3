"""One FilterSet per record type (STYLE rule 10): the list pages, the API and the exports share them."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.common.filtersets import BaseFilterSet, RegionCodeFilter

from .choices import (
    ActivityType,
    CampaignTheme,
    ContestStatus,
    EventKind,
    ReviewResult,
    SchoolActivityKind,
    SchoolLevel,
    UpgradeStatus,
)
from .models import (
    BaseInspection,
    BaseUpgrade,
    BaseVisit,
    Campaign,
    ContestEntry,
    EducationBase,
    Event,
    ModelSchoolApplication,
    ModelSchoolReview,
    School,
    SchoolActivity,
    VideoContest,
)


class CampaignFilterSet(BaseFilterSet):
    search_fields = ("name__icontains", "description__icontains")
    theme = django_filters.ChoiceFilter(choices=CampaignTheme.choices, label=_("theme"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("running on"))

    class Meta:
        model = Campaign
        fields = ["q", "theme", "region", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(start_on__lte=value, end_on__gte=value) if value else queryset


class EventFilterSet(BaseFilterSet):
    search_fields = ("ref__icontains", "venue__icontains", "outcomes__icontains", "description__icontains")
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=_("campaign"))
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("kind of venue"))
    activity_type = django_filters.ChoiceFilter(choices=ActivityType.choices, label=_("activity type"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    since = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = Event
        fields = ["q", "campaign", "kind", "activity_type", "region", "since", "until"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["campaign"].queryset = Campaign.objects.restrict(request.user)


class SchoolFilterSet(BaseFilterSet):
    search_fields = ("organisation__name__icontains", "organisation__address__icontains")
    level = django_filters.ChoiceFilter(choices=SchoolLevel.choices, label=_("level"))
    region = RegionCodeFilter(field_name="organisation__region", label=_("region code"))

    class Meta:
        model = School
        fields = ["q", "level", "region"]


class SchoolActivityFilterSet(BaseFilterSet):
    search_fields = ("school__organisation__name__icontains", "notes__icontains")
    term = django_filters.CharFilter(label=_("term"))
    activity = django_filters.ChoiceFilter(choices=SchoolActivityKind.choices, label=_("activity"))
    region = RegionCodeFilter(field_name="school__organisation__region", label=_("region code"))

    class Meta:
        model = SchoolActivity
        fields = ["q", "term", "activity", "region"]


class EducationBaseFilterSet(BaseFilterSet):
    search_fields = ("name__icontains", "address__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = EducationBase
        fields = ["q", "level", "region"]


class BaseUpgradeFilterSet(BaseFilterSet):
    search_fields = ("title__icontains", "base__name__icontains")
    status = django_filters.ChoiceFilter(choices=UpgradeStatus.choices, label=_("status"))
    region = RegionCodeFilter(field_name="base__region", label=_("region code"))

    class Meta:
        model = BaseUpgrade
        fields = ["q", "status", "region"]


class BaseVisitFilterSet(BaseFilterSet):
    search_fields = ("group__icontains", "base__name__icontains")
    region = RegionCodeFilter(field_name="base__region", label=_("region code"))
    since = django_filters.DateFilter(field_name="visited_on", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = BaseVisit
        fields = ["q", "region", "since", "until"]


class BaseInspectionFilterSet(BaseFilterSet):
    search_fields = ("base__name__icontains", "findings__icontains", "inspectors__icontains")
    region = RegionCodeFilter(field_name="base__region", label=_("region code"))
    open_follow_up = django_filters.BooleanFilter(method="filter_open", label=_("follow-up open"))
    since = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = BaseInspection
        fields = ["q", "region", "open_follow_up", "since", "until"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        open_q = ~Q(follow_up="") & Q(follow_up_done_on__isnull=True)
        return queryset.filter(open_q) if value else queryset.exclude(open_q)


class ModelSchoolReviewFilterSet(BaseFilterSet):
    search_fields = ("name__icontains",)
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = ModelSchoolReview
        fields = ["q", "year", "status", "region"]


class ModelSchoolApplicationFilterSet(BaseFilterSet):
    search_fields = ("school__organisation__name__icontains", "reasons__icontains")
    result = django_filters.ChoiceFilter(choices=ReviewResult.choices, label=_("result"))
    region = RegionCodeFilter(field_name="school__organisation__region", label=_("region code"))

    class Meta:
        model = ModelSchoolApplication
        fields = ["q", "review", "result", "region"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["review"].queryset = ModelSchoolReview.objects.restrict(request.user)


class VideoContestFilterSet(BaseFilterSet):
    search_fields = ("name__icontains", "theme__icontains")
    status = django_filters.ChoiceFilter(choices=ContestStatus.choices, label=_("status"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = VideoContest
        fields = ["q", "status", "region"]


class ContestEntryFilterSet(BaseFilterSet):
    search_fields = ("title__icontains", "author__icontains", "author_unit__name__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    since = django_filters.DateFilter(field_name="submitted_on", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="submitted_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = ContestEntry
        fields = ["q", "contest", "selected", "region", "since", "until"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["contest"].queryset = VideoContest.objects.restrict(request.user)
