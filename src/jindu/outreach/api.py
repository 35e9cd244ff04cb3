"""REST endpoints of the outreach app under /api/v1/outreach/.

Reads go through ``restrict`` (out of scope = 404) and the list pages' FilterSets; writes go through
the services (validation errors answer 422). Judges' scores are sealed until the contest closes:
the scores endpoint returns only the caller's own scores before that.
"""

import datetime
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jindu.common.api import base_version, idempotent, scoped_or_404, validation_error_response
from jindu.common.fieldrules import FieldRulesSchema
from jindu.common.scope import permission_name
from jindu.core.models import Organisation, Region

from . import filtersets, selectors, services
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
    ReviewJudge,
    School,
    SchoolActivity,
    VideoContest,
)

router = Router(tags=["outreach"])


def _filtered(filterset_class, request, queryset):
    return filterset_class(request.GET, queryset=queryset, request=request).qs


# --- Schemas ----------------------------------------------------------------------------------


class CampaignOut(FieldRulesSchema):
    field_rules_model: ClassVar = Campaign

    id: int
    version: int
    name: str
    theme: str
    region_code: str = Field(..., alias="region.code")
    start_on: datetime.date
    end_on: datetime.date
    lead_unit_id: int | None = None
    target_events: int | None = None
    target_reached: int | None = None
    description: str


class EventOut(FieldRulesSchema):
    field_rules_model: ClassVar = Event

    id: int
    version: int
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


class SchoolOut(FieldRulesSchema):
    field_rules_model: ClassVar = School

    id: int
    version: int
    name: str = Field(..., alias="organisation.name")
    organisation_id: int
    region_code: str = Field(..., alias="organisation.region.code")
    level: str
    students: int


class SchoolActivityOut(FieldRulesSchema):
    field_rules_model: ClassVar = SchoolActivity

    id: int
    version: int
    school_id: int
    school: str = Field(..., alias="school.organisation.name")
    term: str
    activity: str
    held_on: datetime.date
    students: int


class EducationBaseOut(FieldRulesSchema):
    field_rules_model: ClassVar = EducationBase

    id: int
    version: int
    name: str
    region_code: str = Field(..., alias="region.code")
    level: str
    address: str
    area_m2: int | None = None
    opened_on: datetime.date | None = None


class InspectionOut(FieldRulesSchema):
    field_rules_model: ClassVar = BaseInspection

    id: int
    version: int
    base_id: int
    inspected_on: datetime.date
    inspectors: str
    findings: str
    follow_up: str
    follow_up_due: datetime.date | None = None
    follow_up_done_on: datetime.date | None = None


class ApplicationOut(FieldRulesSchema):
    field_rules_model: ClassVar = ModelSchoolApplication

    id: int
    version: int
    review_id: int
    school_id: int
    applied_on: datetime.date
    result: str
    reasons: str
    decided_on: datetime.date | None = None


class ContestOut(FieldRulesSchema):
    field_rules_model: ClassVar = VideoContest

    id: int
    version: int
    name: str
    theme: str
    region_code: str = Field(..., alias="region.code")
    opens_on: datetime.date
    closes_on: datetime.date
    select_count: int
    max_duration_seconds: int | None = None
    status: str
    description: str


class EntryOut(FieldRulesSchema):
    field_rules_model: ClassVar = ContestEntry

    id: int
    version: int
    contest_id: int
    title: str
    author: str
    author_unit_id: int | None = None
    region_code: str = Field(..., alias="region.code")
    submitted_on: datetime.date
    description: str
    has_video: bool
    video_seconds: Decimal | None = None
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


# --- Writes: create (Idempotency-Key), update (version: 409 stale, 428 missing), void with a reason ----


class VoidIn(Schema):
    reason: str
    version: int | None = None


class CampaignIn(Schema):
    name: str
    theme: str = "other"
    region_code: str
    start_on: datetime.date
    end_on: datetime.date
    lead_unit_id: int | None = None
    target_events: int | None = None
    target_reached: int | None = None
    description: str = ""
    version: int | None = None


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
    version: int | None = None


class SchoolIn(Schema):
    name: str
    region_code: str
    level: str
    students: int = 0
    address: str = ""
    version: int | None = None


class SchoolActivityIn(Schema):
    school_id: int
    term: str
    activity: str
    held_on: datetime.date
    students: int = 0
    notes: str = ""
    version: int | None = None


class EducationBaseIn(Schema):
    name: str
    region_code: str
    level: str
    managing_unit_id: int | None = None
    address: str = ""
    area_m2: int | None = None
    opened_on: datetime.date | None = None
    description: str = ""
    version: int | None = None


class BaseUpgradeIn(Schema):
    base_id: int
    title: str
    budget: Decimal = Decimal("0")
    funded_by: str = ""
    status: str = "planned"
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    notes: str = ""
    version: int | None = None


class BaseUpgradeOut(FieldRulesSchema):
    field_rules_model: ClassVar = BaseUpgrade

    id: int
    version: int
    base_id: int
    title: str
    budget: Decimal
    funded_by: str
    status: str
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    notes: str


class BaseVisitIn(Schema):
    base_id: int
    visited_on: datetime.date
    group: str
    visitors: int = 0
    notes: str = ""
    version: int | None = None


class BaseVisitOut(FieldRulesSchema):
    field_rules_model: ClassVar = BaseVisit

    id: int
    version: int
    base_id: int
    visited_on: datetime.date
    group: str
    visitors: int
    notes: str


class InspectionIn(Schema):
    base_id: int
    upgrade_id: int | None = None
    inspected_on: datetime.date
    inspectors: str
    findings: str
    follow_up: str = ""
    follow_up_due: datetime.date | None = None
    follow_up_done_on: datetime.date | None = None
    version: int | None = None


class ReviewIn(Schema):
    name: str
    region_code: str
    year: int
    pass_mark: Decimal = Decimal("85")
    description: str = ""
    version: int | None = None


class ReviewOut(FieldRulesSchema):
    field_rules_model: ClassVar = ModelSchoolReview

    id: int
    version: int
    name: str
    region_code: str = Field(..., alias="region.code")
    year: int
    pass_mark: Decimal
    status: str
    description: str


class ApplicationIn(Schema):
    review_id: int
    school_id: int
    applied_on: datetime.date
    statement: str = ""
    version: int | None = None


class ContestIn(Schema):
    name: str
    theme: str
    region_code: str
    opens_on: datetime.date
    closes_on: datetime.date
    select_count: int = 10
    max_duration_seconds: int | None = None
    description: str = ""
    version: int | None = None


class EntryIn(Schema):
    contest_id: int
    title: str
    author: str
    author_unit_id: int | None = None
    region_code: str
    submitted_on: datetime.date
    description: str = ""
    version: int | None = None


# input key -> (model field, model, lookup); records other than regions resolve only within the caller's scope
REFERENCES = {
    "region_code": ("region", Region, "code"),
    "campaign": ("campaign", Campaign, "name"),
    "organiser_id": ("organiser", Organisation, "pk"),
    "lead_unit_id": ("lead_unit", Organisation, "pk"),
    "managing_unit_id": ("managing_unit", Organisation, "pk"),
    "author_unit_id": ("author_unit", Organisation, "pk"),
    "base_id": ("base", EducationBase, "pk"),
    "upgrade_id": ("upgrade", BaseUpgrade, "pk"),
    "school_id": ("school", School, "pk"),
    "review_id": ("review", ModelSchoolReview, "pk"),
    "contest_id": ("contest", VideoContest, "pk"),
}


def _data(request, payload):
    """Model field values from an input schema: references resolved (an unknown region code: 422; a record
    the caller cannot see: 404, as if it did not exist)."""
    data = payload.dict(exclude={"version"})
    for key, (field_name, model, lookup) in REFERENCES.items():
        if key not in data:
            continue
        value = data.pop(key)
        if value in (None, ""):
            data[field_name] = None
            continue
        if model is Region:
            data[field_name] = Region.objects.filter(code=value).first()
            if data[field_name] is None:
                raise validation_error_response(ValidationError(
                    {field_name: _("Unknown region code {code}.").format(code=value)}))
            continue
        data[field_name] = get_object_or_404(model.objects.restrict(request.user), **{lookup: value})
    return data


def _writes(path, model, schema_in, schema_out, *, create=None, update=None, delete=None):
    """Register POST ``path``, PUT and DELETE ``path/{pk}`` for ``model`` through its services."""
    name = model._meta.model_name
    create = create or (lambda *, actor, data: services.record_create(actor=actor, model=model, data=data))
    update = update or services.record_update
    delete = delete or services.record_delete

    @router.post(path, response={201: schema_out}, operation_id=f"outreach_{name}_create")
    @decorate_view(idempotent())
    def create_endpoint(request, payload: schema_in):
        if not request.user.has_perm(permission_name(model, "add")):
            raise PermissionDenied
        data = _data(request, payload)
        try:
            return Status(201, create(actor=request.user, data=data))
        except ValidationError as error:
            raise validation_error_response(error) from error

    @router.put(path + "/{pk}", response=schema_out, operation_id=f"outreach_{name}_update")
    def update_endpoint(request, pk: int, payload: schema_in):
        instance = scoped_or_404(model, request, pk, "change")
        version = base_version(request, payload.version)
        data = _data(request, payload) | {"version": version}
        try:
            return update(actor=request.user, instance=instance, data=data)
        except ValidationError as error:
            raise validation_error_response(error) from error
        except PermissionDenied as error:
            raise Http404 from error

    @router.delete(path + "/{pk}", response={204: None}, operation_id=f"outreach_{name}_delete")
    def delete_endpoint(request, pk: int, payload: VoidIn):
        """Void with a reason (restorable on the page of voided records)."""
        instance = scoped_or_404(model, request, pk, "delete")
        try:
            delete(actor=request.user, instance=instance, reason=payload.reason, version=payload.version)
        except ValidationError as error:
            raise validation_error_response(error) from error
        return Status(204, None)


def _school_create(*, actor, data):
    return services.school_create(actor=actor, **data)


_writes("/campaigns", Campaign, CampaignIn, CampaignOut)
_writes("/events", Event, EventIn, EventOut, delete=services.event_delete)
_writes("/schools", School, SchoolIn, SchoolOut, create=_school_create, update=services.school_update)
_writes("/school-activities", SchoolActivity, SchoolActivityIn, SchoolActivityOut)
_writes("/bases", EducationBase, EducationBaseIn, EducationBaseOut)
_writes("/base-upgrades", BaseUpgrade, BaseUpgradeIn, BaseUpgradeOut)
_writes("/base-visits", BaseVisit, BaseVisitIn, BaseVisitOut)
_writes("/inspections", BaseInspection, InspectionIn, InspectionOut)
_writes("/reviews", ModelSchoolReview, ReviewIn, ReviewOut)
_writes("/applications", ModelSchoolApplication, ApplicationIn, ApplicationOut)
_writes("/contests", VideoContest, ContestIn, ContestOut)
_writes("/entries", ContestEntry, EntryIn, EntryOut,
        create=lambda *, actor, data: services.entry_submit(actor=actor, data=data),
        update=services.entry_update, delete=services.entry_delete)


def _read(path, model, schema_out, filterset_class, *related):
    """GET ``path`` (paginated, the list page's FilterSet) and ``path/{pk}`` for ``model``."""
    name = model._meta.model_name

    @router.get(path, response=list[schema_out], operation_id=f"outreach_{name}_list")
    @paginate
    def list_endpoint(request):
        queryset = model.objects.restrict(request.user).select_related(*related)
        return _filtered(filterset_class, request, queryset)

    @router.get(path + "/{pk}", response=schema_out, operation_id=f"outreach_{name}_detail")
    def detail_endpoint(request, pk: int):
        return scoped_or_404(model, request, pk)


_read("/base-upgrades", BaseUpgrade, BaseUpgradeOut, filtersets.BaseUpgradeFilterSet)
_read("/base-visits", BaseVisit, BaseVisitOut, filtersets.BaseVisitFilterSet)
_read("/reviews", ModelSchoolReview, ReviewOut, filtersets.ModelSchoolReviewFilterSet, "region")


VIDEO_FILE = File(...)


@router.post("/entries/{pk}/video", response=EntryOut)
def entry_video(request, pk: int, video: UploadedFile = VIDEO_FILE):
    """Upload (or replace) an entry's video: type, size and running time checked from the file's content.
    Send the entry's version in an If-Match header."""
    entry = scoped_or_404(ContestEntry, request, pk, "change")
    version = base_version(request)
    try:
        return services.entry_update(actor=request.user, instance=entry, data={"version": version}, video=video)
    except ValidationError as error:
        raise validation_error_response(error) from error
    except PermissionDenied as error:
        raise Http404 from error


# --- Reviewers of a model-school review -------------------------------------------------------------


class ReviewJudgeIn(Schema):
    name: str = ""
    username: str = ""
    unit_id: int | None = None
    application_ids: list[int] = []


class AssignIn(Schema):
    application_ids: list[int]


class ReviewJudgeOut(Schema):
    id: int
    review_id: int
    name: str
    user_id: int | None = None
    unit_id: int | None = None
    application_ids: list[int]

    @staticmethod
    def resolve_application_ids(obj):
        return sorted(obj.applications.values_list("pk", flat=True))


class ReviewScoreOut(Schema):
    application_id: int
    reviewer: str
    criterion: str = Field(..., alias="criterion.name")
    score: Decimal


def _applications(request, review, ids):
    found = list(ModelSchoolApplication.objects.restrict(request.user).filter(review=review, pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404
    return found


@router.get("/reviews/{pk}/reviewers", response=list[ReviewJudgeOut])
def review_judge_list(request, pk: int):
    review = scoped_or_404(ModelSchoolReview, request, pk)
    return list(ReviewJudge.objects.restrict(request.user).filter(review=review).prefetch_related("applications"))


@router.post("/reviews/{pk}/reviewers", response={201: ReviewJudgeOut})
@decorate_view(idempotent())
def review_judge_add(request, pk: int, payload: ReviewJudgeIn):
    """Put a reviewer (with an account: ``username``; or a paper-sheet reviewer: ``name``) on the panel."""
    if not request.user.has_perm(permission_name(ReviewJudge, "add")):
        raise PermissionDenied
    review = scoped_or_404(ModelSchoolReview, request, pk, "change")
    user = None
    if payload.username:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
        if user is None:
            raise validation_error_response(ValidationError({"user": _("No active account of this name.")}))
    unit = get_object_or_404(Organisation.objects.restrict(request.user), pk=payload.unit_id) \
        if payload.unit_id else None
    try:
        judge = services.review_judge_add(actor=request.user, review=review, name=payload.name, user=user, unit=unit,
                                          applications=_applications(request, review, payload.application_ids))
    except ValidationError as error:
        raise validation_error_response(error) from error
    return Status(201, judge)


@router.post("/reviewers/{pk}/assignments", response=ReviewJudgeOut)
def review_judge_assign(request, pk: int, payload: AssignIn):
    judge = scoped_or_404(ReviewJudge, request, pk, "change")
    try:
        return services.review_judge_assign(actor=request.user, judge=judge, applications=_applications(
            request, judge.review, payload.application_ids))
    except ValidationError as error:
        raise validation_error_response(error) from error


@router.get("/applications/{pk}/scores", response=list[ReviewScoreOut])
def application_scores(request, pk: int):
    """The reviewers' scores the caller may read: a reviewer of an open review reads only their own."""
    from .models import ReviewScore

    application = scoped_or_404(ModelSchoolApplication, request, pk)
    return list(ReviewScore.objects.restrict(request.user).filter(application=application).select_related(
        "criterion").order_by("reviewer", "criterion__order"))


@router.put("/applications/{pk}/my-scores", response=list[ReviewScoreOut])
def application_score(request, pk: int, payload: SheetIn):
    """The calling reviewer's complete sheet for an application assigned to them (criterion id -> score)."""
    from .models import ReviewScore

    application = scoped_or_404(ModelSchoolApplication, request, pk)
    judge = ReviewJudge.objects.filter(review=application.review_id, user=request.user).first()
    if judge is None:
        raise PermissionDenied
    try:
        scores = {int(key): value for key, value in payload.scores.items()}
    except ValueError as error:
        raise validation_error_response(ValidationError("criterion ids are integers")) from error
    try:
        services.review_scores_record(actor=request.user, application=application, judge=judge, scores=scores)
    except ValidationError as error:
        raise validation_error_response(error) from error
    return list(ReviewScore.objects.restrict(request.user).filter(application=application, judge=judge)
                .select_related("criterion"))


# --- The prize quiz (staff endpoints) -----------------------------------------------------------

from .quiz.api import register as _register_quiz  # noqa: E402

_register_quiz(router)
