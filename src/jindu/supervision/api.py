"""REST endpoints of coordination work under /api/v1/supervision/.

Reads go through ``restrict`` (with the member-unit rule), writes through the services: a refused action
answers 403 with its reason, a record out of scope 404, invalid data 422.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from jindu.common.api import idempotent, scoped_or_404, validation_error_response
from jindu.core.models import Organisation, Region

from . import access, notifications, scoring, selectors, services
from .choices import ReviewDecision
from .filtersets import AssessmentSchemeFilterSet, TaskFilterSet, VisitFilterSet, WorkPlanFilterSet
from .models import AssessmentScheme, Notification, ProgressReport, Task, Visit, WorkPlan

router = Router(tags=["supervision"])


class PlanItemOut(Schema):
    id: int
    position: int
    duty: str
    unit_ids: list[int]
    region_codes: list[str]
    target_text: str
    metric: str
    target_value: Decimal | None
    deadline: datetime.date

    @staticmethod
    def resolve_unit_ids(obj):
        return [unit.pk for unit in obj.units.all()]

    @staticmethod
    def resolve_region_codes(obj):
        return [region.code for region in obj.regions.all()]


class WorkPlanOut(Schema):
    id: int
    version: int
    title: str
    document_no: str
    issuer_id: int
    issuer: str = Field(..., alias="issuer.name")
    period_start: datetime.date
    period_end: datetime.date
    summary: str
    has_document: bool

    @staticmethod
    def resolve_has_document(obj):
        return bool(obj.document)


class WorkPlanDetailOut(WorkPlanOut):
    items: list[PlanItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.filter(voided=False).prefetch_related("units", "regions"))


class TaskOut(Schema):
    id: int
    version: int
    ref: str
    kind: str
    title: str
    description: str
    plan_item_id: int | None
    visit_id: int | None
    issuer_id: int
    assignee_id: int
    assignee: str = Field(..., alias="assignee.name")
    region_code: str = Field(..., alias="region.code")
    start_on: datetime.date
    deadline: datetime.date
    status: str
    overdue: bool
    target_text: str
    metric: str
    target_value: Decimal | None
    reported_at: datetime.datetime | None
    accepted_at: datetime.datetime | None

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()


class FigureOut(Schema):
    metric: str
    target: str
    value: float | None
    display: str
    met: bool | None
    date_from: datetime.date
    date_to: datetime.date
    region_code: str


class ReportOut(Schema):
    id: int
    text: str
    final: bool
    author: str = Field(..., alias="author_display")
    on_behalf: bool
    submitted_at: datetime.datetime
    decision: str
    review_comment: str
    attachments: list[str]

    @staticmethod
    def resolve_attachments(obj):
        return [attachment.name for attachment in obj.attachments.all()]


class TaskDetailOut(TaskOut):
    figure: FigureOut | None
    reports: list[ReportOut]

    @staticmethod
    def resolve_figure(obj):
        figure = selectors.task_figure(obj)
        if figure is None:
            return None
        return {**figure.__dict__, "value": None if figure.value is None else float(figure.value)}

    @staticmethod
    def resolve_reports(obj):
        return list(obj.reports.select_related("author").prefetch_related("attachments"))


class TaskIn(Schema):
    ref: str = ""
    title: str
    description: str = ""
    issuer_id: int
    assignee_id: int
    region_code: str
    start_on: datetime.date | None = None
    deadline: datetime.date
    target_text: str = ""
    metric: str = ""
    target_value: Decimal | None = None


class ReportIn(Schema):
    text: str
    final: bool = False


class ReviewIn(Schema):
    decision: ReviewDecision
    comment: str = ""


class VisitOut(Schema):
    id: int
    version: int
    title: str
    issuer_id: int
    region_code: str = Field(..., alias="region.code")
    unit_id: int | None
    site: str
    start_on: datetime.date
    end_on: datetime.date
    leader: str
    team: list[str] = Field(..., alias="team_members")
    purpose: str
    findings: str
    status: str


class SchemeOut(Schema):
    id: int
    version: int
    year: int
    title: str
    issuer_id: int
    subject_kind: str
    period_start: datetime.date
    period_end: datetime.date
    status: str
    published_at: datetime.datetime | None


class ItemScoreOut(Schema):
    item_id: int
    title: str
    max_points: Decimal
    deduction: Decimal
    score: Decimal
    detail: str


class ResultOut(Schema):
    rank: int
    key: str
    name: str
    total: Decimal
    items: list[ItemScoreOut]


class NotificationOut(Schema):
    id: int
    kind: str
    task_id: int
    message: str
    created: datetime.datetime
    read: bool

    @staticmethod
    def resolve_message(obj):
        return notifications.message(obj)

    @staticmethod
    def resolve_read(obj):
        return obj.read_at is not None


def _call(service, **kwargs):
    """Run a service: 422 on invalid data, 403 with the reason when refused."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        raise validation_error_response(error) from error
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "permission denied") from error


# --- Work plans ---------------------------------------------------------------------------------------------------


@router.get("/plans", response=list[WorkPlanOut])
@paginate
def plan_list(request, q: str = "", year: int | None = None, region: str = ""):
    queryset = WorkPlan.objects.restrict(request.user).select_related("issuer")
    return WorkPlanFilterSet(request.GET, queryset=queryset).qs


@router.get("/plans/{pk}", response=WorkPlanDetailOut)
def plan_detail(request, pk: int):
    return scoped_or_404(WorkPlan, request, pk)


# --- Tasks --------------------------------------------------------------------------------------------------------


@router.get("/tasks", response=list[TaskOut])
@paginate
def task_list(request, q: str = "", status: str = "", kind: str = "", overdue: bool | None = None,
              region: str = "", assignee: int | None = None, plan: int | None = None, visit: int | None = None):
    """Filters as on the list page (the same FilterSet)."""
    queryset = selectors.task_list(request.user)
    return TaskFilterSet(request.GET, queryset=queryset, request=request).qs


@router.get("/tasks/{pk}", response=TaskDetailOut)
def task_detail(request, pk: int):
    """The task with its reports and, for a target linked to statistics, the live figure of the engine."""
    return scoped_or_404(Task, request, pk)


@router.post("/tasks", response={201: TaskOut})
@decorate_view(idempotent())
def task_create(request, payload: TaskIn):
    """An ad hoc task. With an ``Idempotency-Key`` header a retried request creates no second task."""
    if not request.user.has_perm("supervision.add_task"):
        raise PermissionDenied
    data = payload.dict()
    region = Region.objects.filter(code=data.pop("region_code")).first()
    issuer = Organisation.objects.restrict(request.user).filter(pk=data.pop("issuer_id")).first()
    assignee = Organisation.objects.restrict(request.user).filter(pk=data.pop("assignee_id")).first()
    errors = {name: ["unknown"] for name, value in (("region", region), ("issuer", issuer), ("assignee", assignee))
              if value is None}
    if errors:
        raise validation_error_response(ValidationError(errors))
    data.update(region=region, issuer=issuer, assignee=assignee)
    if data["start_on"] is None:
        data["start_on"] = timezone.localdate()
    return 201, _call(services.task_create, actor=request.user, data=data)


@router.post("/tasks/{pk}/reports", response={201: ReportOut})
@decorate_view(idempotent())
def task_report(request, pk: int, payload: ReportIn):
    """A progress report (``final``: submit for acceptance); its evidence files follow at ``.../files``.
    With an ``Idempotency-Key`` header a retried request adds no second report."""
    task = scoped_or_404(Task, request, pk, "change")
    return 201, _call(services.task_report, actor=request.user, task=task, text=payload.text, final=payload.final)


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str


EVIDENCE_FILES = File(...)


@router.post("/tasks/{pk}/reports/{report_id}/files", response={201: list[AttachmentOut]})
@decorate_view(idempotent())
def report_files(request, pk: int, report_id: int, files: list[UploadedFile] = EVIDENCE_FILES):
    """Evidence files (multipart, field ``files``) for a report not yet decided on; checked by content."""
    task = scoped_or_404(Task, request, pk, "change")
    report = get_object_or_404(ProgressReport.objects.restrict(request.user, "view"), pk=report_id, task=task)
    return 201, _call(services.report_attach, actor=request.user, report=report, uploads=files)


@router.post("/tasks/{pk}/review", response=TaskOut)
def task_review(request, pk: int, payload: ReviewIn):
    """Accept or return the pending final report (the assigning office; never the unit itself: 403)."""
    task = scoped_or_404(Task, request, pk, "change")
    return _call(services.task_review, actor=request.user, task=task, decision=payload.decision,
                 comment=payload.comment)


class VoidIn(Schema):
    reason: str
    version: int | None = None


@router.delete("/tasks/{pk}", response={204: None})
def task_delete(request, pk: int, payload: VoidIn):
    """Void (soft delete) a task nobody has reported on, with a reason; restorable on the voided tasks page."""
    task = scoped_or_404(Task, request, pk, "delete")
    _call(services.task_delete, actor=request.user, task=task, reason=payload.reason, version=payload.version)
    return Status(204, None)


# --- Visits and assessments ---------------------------------------------------------------------------------------


@router.get("/visits", response=list[VisitOut])
@paginate
def visit_list(request, q: str = "", status: str = "", region: str = ""):
    queryset = Visit.objects.restrict(request.user).select_related("region")
    return VisitFilterSet(request.GET, queryset=queryset).qs


@router.get("/visits/{pk}", response=VisitOut)
def visit_detail(request, pk: int):
    return scoped_or_404(Visit, request, pk)


@router.get("/assessments", response=list[SchemeOut])
@paginate
def scheme_list(request, q: str = "", year: int | None = None, status: str = ""):
    queryset = AssessmentScheme.objects.restrict(request.user)
    return AssessmentSchemeFilterSet(request.GET, queryset=queryset).qs


@router.get("/assessments/{pk}", response=SchemeOut)
def scheme_detail(request, pk: int):
    return scoped_or_404(AssessmentScheme, request, pk)


@router.get("/assessments/{pk}/results", response=list[ResultOut])
def scheme_results(request, pk: int):
    """The ranked table: frozen results once published; live scores of a draft for the assessing office."""
    scheme = scoped_or_404(AssessmentScheme, request, pk)
    if not access.sees_results(request.user, scheme):
        raise Http404
    return [{"rank": row.rank, "key": row.key, "name": row.name, "total": row.total,
             "items": [item.__dict__ for item in row.items]} for row in scoring.table(scheme)]


# --- Notifications ------------------------------------------------------------------------------------------------


@router.get("/notifications", response=list[NotificationOut])
@paginate
def notification_list(request, unread: bool = False):
    queryset = Notification.objects.restrict(request.user).select_related("task__issuer", "task__assignee")
    return queryset.unread() if unread else queryset


@router.post("/notifications/{pk}/read", response={204: None})
def notification_read(request, pk: int):
    if not Notification.objects.restrict(request.user).filter(pk=pk).exists():
        raise Http404
    notifications.mark_read(user=request.user, pk=pk)
    return 204, None
