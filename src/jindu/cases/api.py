"""REST endpoints of the enforcement records (/api/v1/cases/...).

Lists take the filters of the list pages (the same FilterSets): ``q``, ``region`` (a code,
covering the regions under it), ``date_from``/``date_to`` (inclusive) and per-type filters.
Reads go through ``restrict`` (out of scope = 404); writes go through the services
(422 on validation errors, 403 without the permission). Reading one suspect, fugitive,
identity or interception is audited, as on the pages. Identity numbers are returned in full
to the roles that read identity data (the office's own systems match people on them); the
field rules (``common.fieldrules``) leave them, and case narratives, out for other roles.

Every record type has the same five endpoints, made by :func:`record_endpoints`: list (with the
list page's filters), detail, create (``Idempotency-Key`` honoured: a retried POST creates
nothing twice), update (send the ``version`` you edited, or ``If-Match``: 409 when someone saved
since, 428 without) and DELETE (voids, with a ``reason``; restorable on the voided-records page).
"""

import datetime
import decimal
from typing import ClassVar, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.pagination import LimitOffsetPagination, paginate

from jindu.common import audit
from jindu.common.api import base_version, idempotent, scoped_or_404, validation_error_response
from jindu.common.fieldrules import FieldRulesSchema
from jindu.core.api import VoidIn

from . import filtersets, selectors, services
from .choices import CaseStatus, CaseType, Channel, Finding, Measure, Offence, Sex, Species, SuspectRole, Unit
from .models import Case, Eradication, Fugitive, Identity, Interception, Operation, Seizure, Suspect

router = Router(tags=["cases"])


class Pages(LimitOffsetPagination):
    """Limit and offset with bounds: a limit of 10^30 is a 422, not a database overflow."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=2**31)

    def __init__(self, **kwargs):
        super().__init__(max_limit=1000, **kwargs)


def _choice(choices, blank=False):
    values = tuple(choices.values) + (("",) if blank else ())
    return Literal[values]


CaseTypeCode = _choice(CaseType)
OffenceCode = _choice(Offence)
ChannelCode = _choice(Channel, blank=True)
StatusCode = _choice(CaseStatus)
SexCode = _choice(Sex, blank=True)
RoleCode = _choice(SuspectRole, blank=True)
MeasureCode = _choice(Measure, blank=True)
UnitCode = _choice(Unit)
SpeciesCode = _choice(Species)
FindingCode = _choice(Finding)


def filtered(filterset_class, request, queryset):
    """The list filtered like the list page; a malformed filter value answers 422."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise validation_error_response(ValidationError(
            {name: [str(message) for message in messages] for name, messages in filterset.errors.items()}))
    return filterset.qs


def _lookup(queryset, field, value, error_field, message):
    if value in (None, ""):
        return None
    found = queryset.filter(**{field: value}).first()
    if found is None:
        raise ValidationError({error_field: message})
    return found


def _region(code, field="region"):
    from jindu.core.models import Region

    return _lookup(Region.objects.all(), "code", code, field, _("Unknown region code {value}.").format(value=code))


def _case(request, case_no, field="case"):
    return _lookup(Case.objects.restrict(request.user), "case_no", case_no, field,
                   _("There is no case with this number in your region."))


def _organisation(request, pk, field):
    from jindu.core.models import Organisation

    return _lookup(Organisation.objects.restrict(request.user), "pk", pk, field, _("Unknown organisation."))


def _write(call):
    """Run a service call: ValidationError -> 422, PermissionDenied -> 403."""
    try:
        return call()
    except ValidationError as error:
        raise validation_error_response(error) from error


def _update(call):
    """As :func:`_write`, but a write that would leave the user's scope answers 404 (as reading it would)."""
    try:
        return _write(call)
    except PermissionDenied as error:
        raise Http404 from error


def _require(request, model, action):
    if not request.user.has_perm(f"cases.{action}_{model._meta.model_name}"):
        raise PermissionDenied


def _viewed(request, instance):
    audit.log_view(request.user, instance)
    return instance


def record_endpoints(path, model, *, out, payload, to_data, create, update, detail_out=None, audited=False):
    """Detail, create, update and DELETE of one record type under ``/<path>``; the list endpoints are
    declared one by one (their filters differ). ``to_data(request, payload)`` turns the input schema
    into the service's data; ``create``/``update`` are the app's services."""
    name = model._meta.model_name
    detail_out = detail_out or out

    def detail(request, pk: int):
        instance = scoped_or_404(model, request, pk)
        return _viewed(request, instance) if audited else instance

    @decorate_view(idempotent())
    def create_(request, payload: payload):
        _require(request, model, "add")
        return Status(201, _write(lambda: create(actor=request.user, data=to_data(request, payload))))

    def update_(request, pk: int, payload: payload):
        instance = scoped_or_404(model, request, pk, "change")
        version = base_version(request, payload.version)
        return _update(lambda: update(actor=request.user, instance=instance,
                                      data={**to_data(request, payload), "version": version}))

    def delete(request, pk: int, payload: VoidIn):
        instance = scoped_or_404(model, request, pk, "delete")
        _update(lambda: services.record_delete(actor=request.user, instance=instance, reason=payload.reason,
                                               version=payload.version))
        return Status(204, None)

    router.get(f"/{path}/{{pk}}", response=detail_out, operation_id=f"cases_{name}_detail",
               summary=f"One {name}")(detail)
    router.post(f"/{path}", response={201: detail_out}, operation_id=f"cases_{name}_create",
                summary=f"Create a {name}")(create_)
    router.put(f"/{path}/{{pk}}", response=detail_out, operation_id=f"cases_{name}_update",
               summary=f"Update a {name} (send the version you edited)")(update_)
    router.delete(f"/{path}/{{pk}}", response={204: None}, operation_id=f"cases_{name}_delete",
                  summary=f"Void a {name} (with a reason; restorable)")(delete)


class RecordOut(FieldRulesSchema):
    """Output of a record: its id and version (send the version back with an update)."""

    id: int
    version: int


class RecordIn(Schema):
    version: int | None = Field(None, description="for updates: the version you edited (or If-Match)")


# --- Operations ------------------------------------------------------------------------------


class OperationOut(RecordOut):
    field_rules_model: ClassVar = Operation
    name: str
    started_on: datetime.date | None
    ended_on: datetime.date | None
    description: str


class OperationIn(RecordIn):
    name: str = Field(..., max_length=64)
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    description: str = ""


@router.get("/operations", response=list[OperationOut])
@paginate(Pages)
def operation_list(request, q: str = ""):
    return filtered(filtersets.OperationFilterSet, request, Operation.objects.restrict(request.user))


record_endpoints("operations", Operation, out=OperationOut, payload=OperationIn,
                 to_data=lambda request, payload: payload.dict(exclude={"version"}),
                 create=services.operation_create, update=services.operation_update)


# --- Cases -------------------------------------------------------------------------------------


class StatusChangeOut(Schema):
    status: str
    changed_on: datetime.date
    note: str


class CaseOut(RecordOut):
    field_rules_model: ClassVar = Case
    case_no: str
    region_code: str = Field(..., alias="region.code")
    filed_on: datetime.date
    case_type: str
    offence: str
    channel: str
    operation: str | None = Field(None, alias="operation.name")
    agencies: list[str]
    summary: str
    status: str
    notable: bool

    @staticmethod
    def resolve_agencies(obj):
        return sorted(agency.name for agency in obj.agencies.all())


class CaseDetailOut(CaseOut):
    status_history: list[StatusChangeOut]

    @staticmethod
    def resolve_status_history(obj):
        return list(obj.status_changes.order_by("changed_on", "id"))


class CaseIn(RecordIn):
    case_no: str = Field(..., max_length=40)
    region_code: str
    filed_on: datetime.date
    case_type: CaseTypeCode
    offence: OffenceCode
    channel: ChannelCode = ""
    operation: str | None = Field(None, description="name of an existing operation")
    agency_ids: list[int] = Field(default_factory=list, description="ids of organisations")
    summary: str = ""
    notable: bool = False


class CaseStatusIn(Schema):
    status: StatusCode
    changed_on: datetime.date
    note: str = ""


def _case_data(request, payload):
    data = payload.dict(exclude={"version"})
    data["region"] = _region(data.pop("region_code"))
    operation = data.pop("operation")
    data["operation"] = _lookup(Operation.objects.all(), "name", operation, "operation",
                                _("Unknown operation {value}.").format(value=operation))
    data["agencies"] = [_organisation(request, pk, "agencies") for pk in data.pop("agency_ids")]
    return data


@router.get("/cases", response=list[CaseOut])
@paginate(Pages)
def case_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
              date_to: datetime.date | None = None, case_type: str = "", offence: str = "", status: str = "",
              drug: str = "", agency: str = "", operation: str = ""):
    """Cases filed in the period (by ``filed_on``) under the region; the list page's filters."""
    queryset = selectors.case_list(request.user).prefetch_related("agencies")
    return filtered(filtersets.CaseFilterSet, request, queryset)


record_endpoints("cases", Case, out=CaseOut, detail_out=CaseDetailOut, payload=CaseIn, to_data=_case_data,
                 create=services.case_create, update=services.case_update)


@router.post("/cases/{pk}/status", response=CaseDetailOut)
def case_change_status(request, pk: int, payload: CaseStatusIn):
    """Move the case to a new status on a date; the history keeps every step."""
    instance = scoped_or_404(Case, request, pk, "change")
    return _update(lambda: services.case_change_status(actor=request.user, case=instance, **payload.dict()))


# --- Suspects and identities -------------------------------------------------------------------


class SuspectOut(RecordOut):
    field_rules_model: ClassVar = Suspect
    case_id: int
    case_no: str = Field(..., alias="case.case_no")
    identity_id: int
    name: str
    id_number: str
    nationality: str
    passport_no: str
    sex: str
    birth_date: datetime.date | None
    role: str
    arrested_on: datetime.date | None
    measure: str
    notes: str


class SuspectIn(RecordIn):
    case_no: str
    name: str = Field(..., max_length=64)
    id_number: str = Field("", description="resident identity number; empty for people without a Chinese ID")
    nationality: str = Field("CN", description="ISO 3166 alpha-2")
    passport_no: str = Field("", max_length=32)
    sex: SexCode = ""
    birth_date: datetime.date | None = None
    role: RoleCode = ""
    arrested_on: datetime.date | None = None
    measure: MeasureCode = ""
    notes: str = ""


def _suspect_data(request, payload):
    data = payload.dict(exclude={"version"})
    data["case"] = _case(request, data.pop("case_no"))
    return data


@router.get("/suspects", response=list[SuspectOut])
@paginate(Pages)
def suspect_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None, nationality: str = "", foreign: bool | None = None,
                 case: int | None = None):
    """Suspects arrested in the period (by ``arrested_on``) in cases under the region."""
    return filtered(filtersets.SuspectFilterSet, request, selectors.suspect_list(request.user))


record_endpoints("suspects", Suspect, out=SuspectOut, payload=SuspectIn, to_data=_suspect_data,
                 create=services.suspect_create, update=services.suspect_update, audited=True)


class IdentityOut(FieldRulesSchema):
    field_rules_model: ClassVar = Identity
    id: int
    name: str
    id_number: str
    nationality: str
    passport_no: str
    sex: str
    birth_date: datetime.date | None


class IdentityDetailOut(IdentityOut):
    suspects: list[SuspectOut] = Field(default_factory=list, description="the person's records in your region")
    records_outside_scope: int = 0


@router.get("/identities", response=list[IdentityOut])
@paginate(Pages)
def identity_list(request, q: str = "", nationality: str = ""):
    return filtered(filtersets.IdentityFilterSet, request, selectors.identity_list(request.user))


@router.get("/identities/{pk}", response=IdentityDetailOut)
def identity_detail(request, pk: int):
    identity = _viewed(request, scoped_or_404(Identity, request, pk))
    rows, hidden = selectors.cases_of_identity(request.user, identity)
    fields = {name: getattr(identity, name) for name in IdentityOut.model_fields}
    return {**fields, "suspects": rows, "records_outside_scope": hidden}


# --- Seizures ----------------------------------------------------------------------------------


class SeizureOut(RecordOut):
    field_rules_model: ClassVar = Seizure
    evidence_no: str
    case_id: int
    case_no: str = Field(..., alias="case.case_no")
    drug: str = Field(..., alias="drug.code")
    quantity: decimal.Decimal
    unit: str
    seized_on: datetime.date
    place: str
    notes: str


class SeizureIn(RecordIn):
    evidence_no: str = Field(..., max_length=40)
    case_no: str
    drug: str = Field(..., description="code of the drug catalogue (e.g. heroin, methamphetamine, triazolam)")
    quantity: decimal.Decimal = Field(..., gt=0, max_digits=24, decimal_places=9)
    unit: UnitCode
    seized_on: datetime.date
    place: str = Field("", max_length=200)
    notes: str = ""


def _seizure_data(request, payload):
    from jindu.core.models import Drug

    data = payload.dict(exclude={"version"})
    data["case"] = _case(request, data.pop("case_no"))
    code = data.pop("drug")
    data["drug"] = _lookup(Drug.objects.all(), "code", code, "drug", _("Unknown drug code {value}.").format(
        value=code))
    return data


@router.get("/seizures", response=list[SeizureOut])
@paginate(Pages)
def seizure_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None, drug: str = "", unit: str = "", case: int | None = None):
    """Seizures made in the period (by ``seized_on``) in cases under the region."""
    return filtered(filtersets.SeizureFilterSet, request, selectors.seizure_list(request.user))


record_endpoints("seizures", Seizure, out=SeizureOut, payload=SeizureIn, to_data=_seizure_data,
                 create=services.seizure_create, update=services.seizure_update)


# --- Fugitives ---------------------------------------------------------------------------------


class FugitiveOut(RecordOut):
    field_rules_model: ClassVar = Fugitive
    fugitive_no: str
    name: str
    id_number: str
    region_code: str = Field(..., alias="region.code")
    wanted_since: datetime.date
    captured_on: datetime.date | None
    capturing_unit_id: int | None
    notes: str


class FugitiveIn(RecordIn):
    fugitive_no: str = Field(..., max_length=40)
    name: str = Field(..., max_length=64)
    id_number: str = ""
    region_code: str
    wanted_since: datetime.date
    captured_on: datetime.date | None = None
    capturing_unit_id: int | None = None
    notes: str = ""


def _fugitive_data(request, payload):
    data = payload.dict(exclude={"version"})
    data["region"] = _region(data.pop("region_code"))
    data["capturing_unit"] = _organisation(request, data.pop("capturing_unit_id"), "capturing_unit")
    return data


@router.get("/fugitives", response=list[FugitiveOut])
@paginate(Pages)
def fugitive_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None, captured: bool | None = None):
    """Fugitives captured in the period (by ``captured_on``) under the region."""
    return filtered(filtersets.FugitiveFilterSet, request, selectors.fugitive_list(request.user))


record_endpoints("fugitives", Fugitive, out=FugitiveOut, payload=FugitiveIn, to_data=_fugitive_data,
                 create=services.fugitive_create, update=services.fugitive_update, audited=True)


# --- Eradication -------------------------------------------------------------------------------


class EradicationOut(RecordOut):
    field_rules_model: ClassVar = Eradication
    ref: str
    region_code: str = Field(..., alias="region.code")
    found_on: datetime.date
    species: str
    wild: bool
    plants: int
    area_m2: decimal.Decimal | None
    latitude: decimal.Decimal | None
    longitude: decimal.Decimal | None
    case_no: str | None = Field(None, alias="case.case_no")
    notes: str


class EradicationIn(RecordIn):
    ref: str = Field(..., max_length=40)
    region_code: str
    found_on: datetime.date
    species: SpeciesCode
    wild: bool = True
    plants: int = Field(..., ge=0, le=2_000_000_000)
    area_m2: decimal.Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    latitude: decimal.Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: decimal.Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    case_no: str | None = None
    notes: str = ""


def _eradication_data(request, payload):
    data = payload.dict(exclude={"version"})
    data["region"] = _region(data.pop("region_code"))
    data["case"] = _case(request, data.pop("case_no"))
    return data


@router.get("/eradications", response=list[EradicationOut])
@paginate(Pages)
def eradication_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                     date_to: datetime.date | None = None, species: str = "", wild: bool | None = None):
    """Eradication records found in the period (by ``found_on``) under the region."""
    return filtered(filtersets.EradicationFilterSet, request, selectors.eradication_list(request.user))


record_endpoints("eradications", Eradication, out=EradicationOut, payload=EradicationIn, to_data=_eradication_data,
                 create=services.eradication_create, update=services.eradication_update)


# --- Interceptions -----------------------------------------------------------------------------


class InterceptionOut(RecordOut):
    field_rules_model: ClassVar = Interception
    field_rules_map: ClassVar = {"on": "intercepted_on"}
    checkpoint_id: int
    checkpoint: str = Field(..., alias="checkpoint.name")
    ref: str
    region_code: str = Field(..., alias="region.code")
    on: datetime.date = Field(..., alias="intercepted_on")
    id_number: str
    name: str
    finding: str
    notes: str


class InterceptionIn(RecordIn):
    ref: str = Field(..., max_length=40)
    checkpoint_id: int
    region_code: str
    on: datetime.date
    finding: FindingCode
    id_number: str = ""
    name: str = Field("", max_length=64)
    notes: str = ""


def _interception_data(request, payload):
    data = payload.dict(exclude={"version"})
    data["region"] = _region(data.pop("region_code"))
    data["checkpoint"] = _organisation(request, data.pop("checkpoint_id"), "checkpoint")
    data["intercepted_on"] = data.pop("on")
    return data


@router.get("/interceptions", response=list[InterceptionOut])
@paginate(Pages)
def interception_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                      date_to: datetime.date | None = None, finding: str = ""):
    """Checkpoint findings in the period (by date) under the region."""
    return filtered(filtersets.InterceptionFilterSet, request, selectors.interception_list(request.user))


record_endpoints("interceptions", Interception, out=InterceptionOut, payload=InterceptionIn,
                 to_data=_interception_data, create=services.interception_create,
                 update=services.interception_update, audited=True)
