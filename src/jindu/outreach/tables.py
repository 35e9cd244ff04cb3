import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jindu.common.tables import BaseTable

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
from .terms import term_label


class CampaignTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)
    event_count = tables.Column(verbose_name=_("events"))

    class Meta(BaseTable.Meta):
        model = Campaign
        fields = ("name", "theme", "region", "start_on", "end_on", "lead_unit", "event_count", "target_events",
                  "target_reached")


class EventTable(BaseTable):
    ref = tables.Column(verbose_name=_("reference"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Event
        fields = ("ref", "held_on", "region", "kind", "venue", "activity_type", "campaign", "reached")


class SchoolTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), accessor="organisation__name", linkify=True)
    region = tables.Column(verbose_name=_("region"), accessor="organisation__region")

    class Meta(BaseTable.Meta):
        model = School
        fields = ("name", "region", "level", "students")


class SchoolActivityTable(BaseTable):
    school = tables.Column(verbose_name=_("school"), linkify=lambda record: record.get_absolute_url())
    term = tables.Column(verbose_name=_("term"))

    class Meta(BaseTable.Meta):
        model = SchoolActivity
        fields = ("school", "term", "activity", "held_on", "students")

    def render_term(self, value):
        return term_label(value)


class EducationBaseTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)

    class Meta(BaseTable.Meta):
        model = EducationBase
        fields = ("name", "region", "level", "managing_unit", "area_m2", "opened_on")


class BaseUpgradeTable(BaseTable):
    title = tables.Column(verbose_name=_("title"), linkify=True)

    class Meta(BaseTable.Meta):
        model = BaseUpgrade
        fields = ("title", "base", "budget", "status", "started_on", "completed_on")


class BaseVisitTable(BaseTable):
    group = tables.Column(verbose_name=_("visiting group"), linkify=True)

    class Meta(BaseTable.Meta):
        model = BaseVisit
        fields = ("visited_on", "base", "group", "visitors")


class BaseInspectionTable(BaseTable):
    inspected_on = tables.Column(verbose_name=_("date"), linkify=True)
    follow_up_open = tables.BooleanColumn(verbose_name=_("follow-up open"), orderable=False)

    class Meta(BaseTable.Meta):
        model = BaseInspection
        fields = ("inspected_on", "base", "inspectors", "follow_up_due", "follow_up_open")


class ModelSchoolReviewTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)

    class Meta(BaseTable.Meta):
        model = ModelSchoolReview
        fields = ("name", "year", "region", "pass_mark", "status")


class ModelSchoolApplicationTable(BaseTable):
    school = tables.Column(verbose_name=_("school"), linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = ModelSchoolApplication
        fields = ("school", "review", "applied_on", "result", "decided_on")


class VideoContestTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)

    class Meta(BaseTable.Meta):
        model = VideoContest
        fields = ("name", "theme", "region", "opens_on", "closes_on", "select_count", "status")


class ContestEntryTable(BaseTable):
    title = tables.Column(verbose_name=_("title"), linkify=True)

    class Meta(BaseTable.Meta):
        model = ContestEntry
        fields = ("title", "contest", "author", "author_unit", "region", "submitted_on", "rank", "selected")
