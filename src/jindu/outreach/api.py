"""REST endpoints of the outreach app under /api/v1/outreach/.

Reads go through ``restrict`` (out of scope = 404) and the list pages' FilterSets; writes go through
the services (validation errors answer 422). Judges' scores are sealed until the contest closes:
the scores endpoint returns only the caller's own scores before that.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from jindu.common.api import scoped_or_404, validation_error_response
from jindu.core.models import Organisation, Region

from . import filtersets, selectors, services
from .models import (
    BaseInspection,
    Campaign,
    ContestEntry,
    EducationBase,
    Event,
    ModelSchoolApplication,
    School,
    SchoolActivity,
    VideoContest,
)

router = Router(tags=["outreach"])


def _filtered(filterset_class, request, queryset):
    return filterset_class(request.GET, queryset=queryset, request=request).qs


# --- Schemas ----------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    name: str
    theme: str
    region_code: str = Field(..., alias="region.code")
    start_on: datetime.date
    end_on: datetime.date
    lead_unit_id: int | None = None
    target_events: int | None = None
    target_reached: int | None = None
    description: str


class EventOut(Schema):
    id: int
    ref: str
    campaign: str | None = Field(None, alias="campaign.name")
    held_on: datetime.date
    region_code: str = Field(..., alias="region.code")
    kind: str
    venue: str
    organiser_id: int | None = None
    activity_type: str
    reached: int
    materials: int
    description: str
    outcomes: str
    related_record: str


class EventIn(Schema):
    ref: str
    campaign: str | None = None
    held_on: datetime.date
    region_code: str
    kind: str
    venue: str = ""
    organiser_id: int | None = None
    activity_type: str = ""
    reached: int = 0
    materials: int = 0
    description: str = ""
    outcomes: str = ""
    related_record: str = ""


class SchoolOut(Schema):
    id: int
    name: str = Field(..., alias="organisation.name")
    organisation_id: int
    region_code: str = Field(..., alias="organisation.region.code")
    level: str
    students: int


class SchoolActivityOut(Schema):
    id: int
    school_id: int
    school: str = Field(..., alias="school.organisation.name")
    term: str
    activity: str
    held_on: datetime.date
    students: int


class SchoolActivityIn(Schema):
    school_id: int
    term: str
    activity: str
    held_on: datetime.date
    students: int = 0
    notes: str = ""


class EducationBaseOut(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region.code")
    level: str
    address: str
    area_m2: int | None = None
    opened_on: datetime.date | None = None


class InspectionOut(Schema):
    id: int
    base_id: int
    inspected_on: datetime.date
    inspectors: str
    findings: str
    follow_up: str
    follow_up_due: datetime.date | None = None
    follow_up_done_on: datetime.date | None = None


class ApplicationOut(Schema):
    id: int
    review_id: int
    school_id: int
    applied_on: datetime.date
    result: str
    reasons: str
    decided_on: datetime.date | None = None


class ContestOut(Schema):
    id: int
    name: str
    theme: str
    region_code: str = Field(..., alias="region.code")
    opens_on: datetime.date
    closes_on: datetime.date
    select_count: int
    status: str


class EntryOut(Schema):
    id: int
    contest_id: int
    title: str
    author: str
    author_unit_id: int | None = None
    region_code: str = Field(..., alias="region.code")
    submitted_on: datetime.date
    has_video: bool
    # Published only once the contest is closed (None before).
    total_score: Decimal | None = None
    rank: int | None = None
    selected: bool | None = None

    @staticmethod
    def resolve_has_video(obj):
        return bool(obj.video)

    @staticmethod
    def resolve_total_score(obj):
        return obj.total_score if obj.contest.is_closed else None

    @staticmethod
    def resolve_rank(obj):
        return obj.rank if obj.contest.is_closed else None

    @staticmethod
    def resolve_selected(obj):
        return obj.selected if obj.contest.is_closed else None


class ScoreOut(Schema):
    entry_id: int
    judge: str = Field(..., alias="judge.name")
    criterion: str = Field(..., alias="criterion.name")
    score: Decimal


class SheetIn(Schema):
    scores: dict[str, Decimal]  # criterion id -> score


# --- Campaigns and events ---------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut])
@paginate
def campaign_list(request):
    queryset = Campaign.objects.restrict(request.user).select_related("region")
    return _filtered(filtersets.CampaignFilterSet, request, queryset)


@router.get("/campaigns/{pk}", response=CampaignOut)
def campaign_detail(request, pk: int):
    return scoped_or_404(Campaign, request, pk)


@router.get("/campaigns/{pk}/progress")
def campaign_progress(request, pk: int):
    """Events and people reached against the campaign's targets (events the caller may see)."""
    progress = selectors.campaign_progress(scoped_or_404(Campaign, request, pk), request.user)
    return {key: value for key, value in progress.items() if key != "by_kind"} | {
        "by_kind": {row["kind"]: {"events": row["count"], "reached": row["reached"] or 0}
                    for row in progress["by_kind"]}}


@router.get("/events", response=list[EventOut])
@paginate
def event_list(request):
    queryset = Event.objects.restrict(request.user).select_related("region", "campaign")
    return _filtered(filtersets.EventFilterSet, request, queryset)


@router.get("/events/{pk}", response=EventOut)
def event_detail(request, pk: int):
    return scoped_or_404(Event, request, pk)


def _event_data(request, payload):
    data = payload.dict()
    region = Region.objects.filter(code=data.pop("region_code")).first()
    if region is None:
        raise ValidationError({"region": "未知的行政区划代码"})
    data["region"] = region
    campaign_name = data.pop("campaign")
    data["campaign"] = None
    if campaign_name:
        data["campaign"] = Campaign.objects.restrict(request.user).filter(name=campaign_name).first()
        if data["campaign"] is None:
            raise ValidationError({"campaign": "未知的宣传活动"})
    organiser_id = data.pop("organiser_id")
    data["organiser"] = Organisation.objects.restrict(request.user).filter(pk=organiser_id).first() \
        if organiser_id else None
    return data


@router.post("/events", response={201: EventOut})
def event_create(request, payload: EventIn):
    if not request.user.has_perm("outreach.add_event"):
        raise PermissionDenied
    try:
        return Status(201, services.event_create(actor=request.user, data=_event_data(request, payload)))
    except ValidationError as error:
        raise validation_error_response(error) from error


@router.put("/events/{pk}", response=EventOut)
def event_update(request, pk: int, payload: EventIn):
    instance = scoped_or_404(Event, request, pk, "change")
    try:
        return services.event_update(actor=request.user, instance=instance, data=_event_data(request, payload))
    except ValidationError as error:
        raise validation_error_response(error) from error
    except PermissionDenied as error:
        raise Http404 from error


# --- Schools ----------------------------------------------------------------------------------


@router.get("/schools", response=list[SchoolOut])
@paginate
def school_list(request):
    queryset = School.objects.restrict(request.user).select_related("organisation__region")
    return _filtered(filtersets.SchoolFilterSet, request, queryset)


@router.get("/schools/{pk}", response=SchoolOut)
def school_detail(request, pk: int):
    return scoped_or_404(School, request, pk)


@router.get("/schools/coverage/{term}")
def school_coverage(request, term: str, region: str = ""):
    """Share of schools that completed all five of the "five ones" in ``term``, per region under ``region``."""
    if not request.user.has_perm("outreach.view_school"):
        raise PermissionDenied
    scope = request.user.scope_region
    target = get_object_or_404(Region.objects.restrict(request.user), code=region) if region else scope
    if target is None or scope is None or not target.path.startswith(scope.path):
        raise Http404
    coverage = selectors.school_coverage(term, target, request.user)

    def row(item):
        return {"region": item["region"].code, **{k: v for k, v in item.items() if k != "region"}}

    return {"term": term, "rows": [row(item) for item in coverage["rows"]], "total": row(coverage["total"])}


@router.get("/school-activities", response=list[SchoolActivityOut])
@paginate
def school_activity_list(request):
    queryset = SchoolActivity.objects.restrict(request.user).select_related("school__organisation")
    return _filtered(filtersets.SchoolActivityFilterSet, request, queryset)


@router.get("/school-activities/{pk}", response=SchoolActivityOut)
def school_activity_detail(request, pk: int):
    return scoped_or_404(SchoolActivity, request, pk)


@router.post("/school-activities", response={201: SchoolActivityOut})
def school_activity_create(request, payload: SchoolActivityIn):
    """A school reporter ticks an activity of their own school (another school: 404)."""
    if not request.user.has_perm("outreach.add_schoolactivity"):
        raise PermissionDenied
    data = payload.dict()
    data["school"] = get_object_or_404(School.objects.restrict(request.user), pk=data.pop("school_id"))
    try:
        return Status(201, services.school_activity_create(actor=request.user, data=data))
    except ValidationError as error:
        raise validation_error_response(error) from error


# --- Education bases --------------------------------------------------------------------------


@router.get("/bases", response=list[EducationBaseOut])
@paginate
def base_list(request):
    queryset = EducationBase.objects.restrict(request.user).select_related("region")
    return _filtered(filtersets.EducationBaseFilterSet, request, queryset)


@router.get("/bases/{pk}", response=EducationBaseOut)
def base_detail(request, pk: int):
    return scoped_or_404(EducationBase, request, pk)


@router.get("/inspections", response=list[InspectionOut])
@paginate
def inspection_list(request):
    queryset = BaseInspection.objects.restrict(request.user)
    return _filtered(filtersets.BaseInspectionFilterSet, request, queryset)


@router.get("/inspections/{pk}", response=InspectionOut)
def inspection_detail(request, pk: int):
    return scoped_or_404(BaseInspection, request, pk)


# --- Model-school review ----------------------------------------------------------------------


@router.get("/applications", response=list[ApplicationOut])
@paginate
def application_list(request):
    queryset = ModelSchoolApplication.objects.restrict(request.user)
    return _filtered(filtersets.ModelSchoolApplicationFilterSet, request, queryset)


@router.get("/applications/{pk}", response=ApplicationOut)
def application_detail(request, pk: int):
    return scoped_or_404(ModelSchoolApplication, request, pk)


# --- Video contests ---------------------------------------------------------------------------


@router.get("/contests", response=list[ContestOut])
@paginate
def contest_list(request):
    queryset = VideoContest.objects.restrict(request.user).select_related("region")
    return _filtered(filtersets.VideoContestFilterSet, request, queryset)


@router.get("/contests/{pk}", response=ContestOut)
def contest_detail(request, pk: int):
    return scoped_or_404(VideoContest, request, pk)


@router.get("/contests/{pk}/scores", response=list[ScoreOut])
def contest_scores(request, pk: int):
    """Scores the caller may read: every score once the contest is closed; before, only their own."""
    contest = scoped_or_404(VideoContest, request, pk)
    return list(selectors.visible_scores(request.user, contest).order_by("entry", "judge__name", "criterion__order"))


@router.get("/contests/{pk}/ranking")
def contest_ranking(request, pk: int):
    """The final ranking, published when the contest closes (404 before)."""
    contest = scoped_or_404(VideoContest, request, pk)
    if not contest.is_closed:
        raise Http404
    visible = set(ContestEntry.objects.restrict(request.user).filter(contest=contest).values_list("pk", flat=True))
    return {"tie_rule": str(selectors.TIE_RULE), "select_count": contest.select_count, "entries": [
        {"id": row.entry.pk, "title": row.entry.title, "rank": row.rank, "score": row.rounded_score,
         "judges": row.judges, "selected": row.rank <= contest.select_count, "tie_broken_by": row.tie_rule}
        for row in selectors.contest_ranking(contest) if row.entry.pk in visible]}


@router.get("/entries", response=list[EntryOut])
@paginate
def entry_list(request):
    queryset = ContestEntry.objects.restrict(request.user).select_related("region", "contest")
    return _filtered(filtersets.ContestEntryFilterSet, request, queryset)


@router.get("/entries/{pk}", response=EntryOut)
def entry_detail(request, pk: int):
    return scoped_or_404(ContestEntry, request, pk)


@router.put("/entries/{pk}/my-scores", response=list[ScoreOut])
def entry_score(request, pk: int, payload: SheetIn):
    """The calling judge's complete sheet for one entry (criterion id -> score)."""
    entry = scoped_or_404(ContestEntry, request, pk)
    judge = entry.contest.judges.filter(user=request.user).first()
    if judge is None:
        raise PermissionDenied
    try:
        scores = {int(key): value for key, value in payload.scores.items()}
    except ValueError as error:
        raise validation_error_response(ValidationError("criterion ids are integers")) from error
    try:
        services.judge_score_entry(actor=request.user, judge=judge, entry=entry, scores=scores)
    except ValidationError as error:
        raise validation_error_response(error) from error
    return list(selectors.visible_scores(request.user, entry.contest).filter(entry=entry, judge=judge))


# --- The prize quiz (staff endpoints) -----------------------------------------------------------

from .quiz.api import register as _register_quiz  # noqa: E402

_register_quiz(router)
