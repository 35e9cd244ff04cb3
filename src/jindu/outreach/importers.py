"""Import/export datasets of the outreach app: ``events`` (the columns of DESIGN.md), ``schools`` and
``school_activities``. Each accepts the English column keys and the Chinese headers of its template.

- ``events``: ref*, region_code, on, campaign (optional, a campaign's name), kind, venue, reached.
  An unknown campaign name creates the campaign (at the importing user's region, or the event's
  region for the system actor) and the import summary says so; a campaign's period is widened to
  cover the dates of its imported events. Blank ``campaign`` detaches the event from its campaign.
- ``schools``: name*, region_code, level, students, address (optional). A new name registers the
  school (a core organisation of kind ``school`` and its profile) through the service.
- ``school_activities``: school* (a school's name), term*, activity*, on, students, notes (optional).

A school reporter cannot import (no ``core.import_data``); the datasets resolve schools through the
outreach ``restrict()`` anyway.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jindu.common.importing import CREATED, UNCHANGED, UPDATED, Column, Dataset, RowError, parsers, register

from . import services
from .choices import EventKind, SchoolActivityKind, SchoolLevel
from .filtersets import EventFilterSet, SchoolActivityFilterSet, SchoolFilterSet
from .models import Event, School, SchoolActivity
from .scoping import in_scope
from .terms import validate_term


class Term(parsers.Parser):
    description = gettext_lazy("term, e.g. 2024-spring or 2024-autumn")

    def __call__(self, value):
        text = parsers.as_text(value).lower()
        validate_term(text)
        return text


def _check_region(run, region, column):
    """Every row is checked against the importing user's region before anything is written (the engine's
    generic check says only "outside your region or permissions"; this names the region)."""
    if run.unrestricted or region is None:
        return
    scope = getattr(run.actor, "scope_region", None)
    if scope is None or not region.path.startswith(scope.path):
        raise RowError(column, _("The region {code} lies outside your region ({scope}): you can import rows of "
                                 "your own region only.").format(code=region.code,
                                                                 scope=scope.code if scope else "—"))


def _check_record(run, instance, column):
    """The outreach scope rules (region, and a school reporter's own school) on the row's record."""
    if not run.unrestricted and not in_scope(run.actor, instance, "add" if instance.pk is None else "change"):
        raise RowError(column, _("{record} lies outside your region or your school: it cannot be imported by "
                                 "you.").format(record=instance))


def _schools(run):
    queryset = School.objects.select_related("organisation__region")
    return queryset if run.unrestricted else queryset.restrict(run.actor)


@register
class EventDataset(Dataset):
    """Publicity events (DESIGN.md dataset ``events``)."""

    name = "events"
    label = gettext_lazy("Publicity events")
    model = Event
    natural_key = ("ref",)
    filterset_class = EventFilterSet
    columns = (
        Column("ref", "编号", parsers.Text(max_length=40), required=True, example="XC-2024-0001"),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540102",
               export=lambda event: event.region.code),
        Column("on", "日期", parsers.Date(), required=True, field="held_on", example="2024-02-10"),
        Column("campaign", "所属宣传活动", parsers.Text(max_length=128), field=None, example="2024年春运禁毒宣传",
               help=gettext_lazy("name of a campaign; an unknown name creates the campaign"),
               export=lambda event: event.campaign.name if event.campaign_id else ""),
        Column("kind", "场所类别", parsers.Choice(EventKind), required=True, example="transport_hub"),
        Column("venue", "场所名称", parsers.Text(max_length=200), required=True, example="拉萨火车站"),
        Column("reached", "受众人数", parsers.Integer(min_value=0), required=True, example="1200"),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        _check_region(run, fields.get("region"), "region_code")
        if "campaign" in row:
            fields["campaign"] = None
            name = row["campaign"]
            if name:
                if fields.get("region") is None or fields.get("held_on") is None:
                    raise RowError("campaign", _("A campaign needs the event's region and date."))
                try:
                    campaign, created = services.campaign_for_event(
                        actor=run.actor, name=name, region=fields["region"], held_on=fields["held_on"])
                except PermissionDenied:
                    raise RowError("campaign", _("The campaign {name} lies outside your region.").format(name=name))
                if created:
                    run.created_by_name(_("campaigns"), name)
                fields["campaign"] = campaign
        return fields

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("region", "campaign")


@register
class SchoolDataset(Dataset):
    """The schools registry: a school is a core organisation of kind ``school`` with its profile."""

    name = "schools"
    label = gettext_lazy("Schools")
    model = School
    natural_key = ("name",)
    filterset_class = SchoolFilterSet
    columns = (
        Column("name", "学校名称", parsers.Text(max_length=128), required=True, field=None, example="拉萨市第一中学",
               export=lambda school: school.organisation.name),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field=None, example="540102",
               export=lambda school: school.organisation.region.code),
        Column("level", "学段", parsers.Choice(SchoolLevel), required=True, example="middle"),
        Column("students", "在校学生数", parsers.Integer(min_value=0), required=True, example="2400"),
        Column("address", "地址", parsers.Text(max_length=200), field=None, example="拉萨市城关区",
               export=lambda school: school.organisation.address),
    )

    def upsert(self, fields, run):
        data = fields
        _check_region(run, data["region"], "region_code")
        school = _schools(run).filter(organisation__name=data["name"]).first()
        if school is None:
            from jindu.core.models import Organisation

            if Organisation.objects.filter(name=data["name"], kind="school", school_profile__isnull=False).exists():
                raise RowError("name", run.out_of_scope_message())
            services.school_create(actor=run.actor, name=data["name"], region=data["region"], level=data["level"],
                                   students=data["students"], address=data.get("address") or "")
            return CREATED
        wanted = {"level": data["level"], "students": data["students"], "region": data["region"]}
        if "address" in data:
            wanted["address"] = data["address"] or ""
        current = {"level": school.level, "students": school.students, "region": school.organisation.region,
                   "address": school.organisation.address}
        if all(current[key] == value for key, value in wanted.items()):
            return UNCHANGED
        services.school_update(actor=run.actor, instance=school, data=wanted)
        return UPDATED

    def to_fields(self, row, run):
        fields = {"name": row["name"], "region": row["region_code"], "level": row["level"],
                  "students": row["students"]}
        if "address" in row:
            fields["address"] = row["address"]
        return fields

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("organisation__region")


@register
class SchoolActivityDataset(Dataset):
    """The ticks of the schools' term checklists ("five ones" and contests)."""

    name = "school_activities"
    label = gettext_lazy("School activities")
    model = SchoolActivity
    natural_key = ("school", "term", "activity")
    filterset_class = SchoolActivityFilterSet
    columns = (
        Column("school", "学校名称", parsers.Text(max_length=128), required=True, example="拉萨市第一中学",
               export=lambda activity: activity.school.organisation.name),
        Column("term", "学期", Term(), required=True, example="2024-spring"),
        Column("activity", "活动", parsers.Choice(SchoolActivityKind), required=True, example="lecture"),
        Column("on", "日期", parsers.Date(), required=True, field="held_on", example="2024-03-04"),
        Column("students", "参与学生数", parsers.Integer(min_value=0), required=True, example="800"),
        Column("notes", "备注", parsers.Text(), example=""),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        school = _schools(run).filter(organisation__name=row["school"]).first()
        if school is None:
            if School.all_objects.filter(organisation__name=row["school"]).exists():
                raise RowError("school", _("The school {value} lies outside your region or is not your school: "
                                           "its activities cannot be imported by you.").format(value=row["school"]))
            raise RowError("school", _("Unknown school {value}.").format(value=row["school"]))
        fields["school"] = school
        existing = SchoolActivity.all_objects.filter(school=school, term=fields.get("term"),
                                                     activity=fields.get("activity")).first()
        _check_record(run, existing or SchoolActivity(school=school), "school")
        return fields

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("school__organisation")
