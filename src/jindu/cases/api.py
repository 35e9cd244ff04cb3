"""REST endpoints of the enforcement records (/api/v1/cases/...).

Lists take the filters of the list pages (the same FilterSets): ``q``, ``region`` (a code,
covering the regions under it), ``date_from``/``date_to`` (inclusive) and per-type filters.
Reads go through ``restrict`` (out of scope = 404); writes go through the services
(422 on validation errors, 403 without the permission). Reading one suspect, fugitive,
identity or interception is audited, as on the pages. Identity numbers are returned in full:
the API serves the office's own systems, which match people on them.
"""

import datetime
import decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jindu.common import audit
from jindu.common.api import scoped_or_404, validation_error_response

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


# --- Operations ------------------------------------------------------------------------------


class OperationOut(Schema):
    id: int
    name: str
    started_on: datetime.date | None
    ended_on: datetime.date | None
    description: str


class OperationIn(Schema):
    name: str
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    description: str = ""


@router.get("/operations", response=list[OperationOut])
@paginate(Pages)
def operation_list(request, q: str = ""):
    return filtered(filtersets.OperationFilterSet, request, Operation.objects.restrict(request.user))


@router.get("/operations/{pk}", response=OperationOut)
def operation_detail(request, pk: int):
    return scoped_or_404(Operation, request, pk)


@router.post("/operations", response={201: OperationOut})
def operation_create(request, payload: OperationIn):
    _require(request, Operation, "add")
    return Status(201, _write(lambda: services.operation_create(actor=request.user, data=payload.dict())))


@router.put("/operations/{pk}", response=OperationOut)
def operation_update(request, pk: int, payload: OperationIn):
    instance = scoped_or_404(Operation, request, pk, "change")
    return _update(lambda: services.operation_update(actor=request.user, instance=instance, data=payload.dict()))


# --- Cases -------------------------------------------------------------------------------------


class StatusChangeOut(Schema):
    status: str
    changed_on: datetime.date
    note: str


class CaseOut(Schema):
    id: int
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


class CaseIn(Schema):
    case_no: str
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
    data = payload.dict()
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


@router.get("/cases/{pk}", response=CaseDetailOut)
def case_detail(request, pk: int):
    return scoped_or_404(Case, request, pk)


@router.post("/cases", response={201: CaseDetailOut})
def case_create(request, payload: CaseIn):
    _require(request, Case, "add")
    return Status(201, _write(lambda: services.case_create(actor=request.user, data=_case_data(request, payload))))


@router.put("/cases/{pk}", response=CaseDetailOut)
def case_update(request, pk: int, payload: CaseIn):
    instance = scoped_or_404(Case, request, pk, "change")
    return _update(lambda: services.case_update(actor=request.user, instance=instance,
                                                data=_case_data(request, payload)))


@router.post("/cases/{pk}/status", response=CaseDetailOut)
def case_change_status(request, pk: int, payload: CaseStatusIn):
    """Move the case to a new status on a date; the history keeps every step."""
    instance = scoped_or_404(Case, request, pk, "change")
    return _update(lambda: services.case_change_status(actor=request.user, case=instance, **payload.dict()))


# --- Suspects and identities -------------------------------------------------------------------


class SuspectOut(Schema):
    id: int
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


class SuspectIn(Schema):
    case_no: str
    name: str
    id_number: str = Field("", description="resident identity number; empty for people without a Chinese ID")
    nationality: str = Field("CN", description="ISO 3166 alpha-2")
    passport_no: str = ""
    sex: SexCode = ""
    birth_date: datetime.date | None = None
    role: RoleCode = ""
    arrested_on: datetime.date | None = None
    measure: MeasureCode = ""
    notes: str = ""


def _suspect_data(request, payload):
    data = payload.dict()
    data["case"] = _case(request, data.pop("case_no"))
    return data


@router.get("/suspects", response=list[SuspectOut])
@paginate(Pages)
def suspect_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None, nationality: str = "", foreign: bool | None = None,
                 case: int | None = None):
    """Suspects arrested in the period (by ``arrested_on``) in cases under the region."""
    return filtered(filtersets.SuspectFilterSet, request, selectors.suspect_list(request.user))


@router.get("/suspects/{pk}", response=SuspectOut)
def suspect_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Suspect, request, pk))


@router.post("/suspects", response={201: SuspectOut})
def suspect_create(request, payload: SuspectIn):
    _require(request, Suspect, "add")
    return Status(201, _write(lambda: services.suspect_create(actor=request.user,
                                                             data=_suspect_data(request, payload))))


@router.put("/suspects/{pk}", response=SuspectOut)
def suspect_update(request, pk: int, payload: SuspectIn):
    instance = scoped_or_404(Suspect, request, pk, "change")
    return _update(lambda: services.suspect_update(actor=request.user, instance=instance,
                                                   data=_suspect_data(request, payload)))


class IdentityOut(Schema):
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


class SeizureOut(Schema):
    id: int
    evidence_no: str
    case_id: int
    case_no: str = Field(..., alias="case.case_no")
    drug: str = Field(..., alias="drug.code")
    quantity: decimal.Decimal
    unit: str
    seized_on: datetime.date
    place: str
    notes: str


class SeizureIn(Schema):
    evidence_no: str
    case_no: str
    drug: str = Field(..., description="code of the drug catalogue (e.g. heroin, methamphetamine, triazolam)")
    quantity: decimal.Decimal = Field(..., gt=0, max_digits=24, decimal_places=9)
    unit: UnitCode
    seized_on: datetime.date
    place: str = ""
    notes: str = ""


def _seizure_data(request, payload):
    from jindu.core.models import Drug

    data = payload.dict()
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


@router.get("/seizures/{pk}", response=SeizureOut)
def seizure_detail(request, pk: int):
    return scoped_or_404(Seizure, request, pk)


@router.post("/seizures", response={201: SeizureOut})
def seizure_create(request, payload: SeizureIn):
    _require(request, Seizure, "add")
    return Status(201, _write(lambda: services.seizure_create(actor=request.user,
                                                             data=_seizure_data(request, payload))))


@router.put("/seizures/{pk}", response=SeizureOut)
def seizure_update(request, pk: int, payload: SeizureIn):
    instance = scoped_or_404(Seizure, request, pk, "change")
    return _update(lambda: services.seizure_update(actor=request.user, instance=instance,
                                                   data=_seizure_data(request, payload)))


# --- Fugitives ---------------------------------------------------------------------------------


class FugitiveOut(Schema):
    id: int
    fugitive_no: str
    name: str
    id_number: str
    region_code: str = Field(..., alias="region.code")
    wanted_since: datetime.date
    captured_on: datetime.date | None
    capturing_unit_id: int | None
    notes: str


class FugitiveIn(Schema):
    fugitive_no: str
    name: str
    id_number: str = ""
    region_code: str
    wanted_since: datetime.date
    captured_on: datetime.date | None = None
    capturing_unit_id: int | None = None
    notes: str = ""


def _fugitive_data(request, payload):
    data = payload.dict()
    data["region"] = _region(data.pop("region_code"))
    data["capturing_unit"] = _organisation(request, data.pop("capturing_unit_id"), "capturing_unit")
    return data


@router.get("/fugitives", response=list[FugitiveOut])
@paginate(Pages)
def fugitive_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None, captured: bool | None = None):
    """Fugitives captured in the period (by ``captured_on``) under the region."""
    return filtered(filtersets.FugitiveFilterSet, request, selectors.fugitive_list(request.user))


@router.get("/fugitives/{pk}", response=FugitiveOut)
def fugitive_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Fugitive, request, pk))


@router.post("/fugitives", response={201: FugitiveOut})
def fugitive_create(request, payload: FugitiveIn):
    _require(request, Fugitive, "add")
    return Status(201, _write(lambda: services.fugitive_create(actor=request.user,
                                                             data=_fugitive_data(request, payload))))


@router.put("/fugitives/{pk}", response=FugitiveOut)
def fugitive_update(request, pk: int, payload: FugitiveIn):
    instance = scoped_or_404(Fugitive, request, pk, "change")
    return _update(lambda: services.fugitive_update(actor=request.user, instance=instance,
                                                    data=_fugitive_data(request, payload)))


# --- Eradication -------------------------------------------------------------------------------


class EradicationOut(Schema):
    id: int
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


class EradicationIn(Schema):
    ref: str
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
    data = payload.dict()
    data["region"] = _region(data.pop("region_code"))
    data["case"] = _case(request, data.pop("case_no"))
    return data


@router.get("/eradications", response=list[EradicationOut])
@paginate(Pages)
def eradication_list(request, q: str = "", region: str = "", date_from: datetime.date | None = None,
                     date_to: datetime.date | None = None, species: str = "", wild: bool | None = None):
    """Eradication records found in the period (by ``found_on``) under the region."""
    return filtered(filtersets.EradicationFilterSet, request, selectors.eradication_list(request.user))


@router.get("/eradications/{pk}", response=EradicationOut)
def eradication_detail(request, pk: int):
    return scoped_or_404(Eradication, request, pk)


@router.post("/eradications", response={201: EradicationOut})
def eradication_create(request, payload: EradicationIn):
    _require(request, Eradication, "add")
    return Status(201, _write(lambda: services.eradication_create(actor=request.user,
                                                           data=_eradication_data(request, payload))))


@router.put("/eradications/{pk}", response=EradicationOut)
def eradication_update(request, pk: int, payload: EradicationIn):
    instance = scoped_or_404(Eradication, request, pk, "change")
    return _update(lambda: services.eradication_update(actor=request.user, instance=instance,
                                                       data=_eradication_data(request, payload)))


# --- Interceptions -----------------------------------------------------------------------------


class InterceptionOut(Schema):
    id: int
    ref: str
    checkpoint_id: int
    checkpoint: str = Field(..., alias="checkpoint.name")
    region_code: str = Field(..., alias="region.code")
    on: datetime.date = Field(..., alias="intercepted_on")
    id_number: str
    name: str
    finding: str
    notes: str


class InterceptionIn(Schema):
    ref: str
    checkpoint_id: int
    region_code: str
    on: datetime.date
    finding: FindingCode
    id_number: str = ""
    name: str = ""
    notes: str = ""


def _interception_data(request, payload):
    data = payload.dict()
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


@router.get("/interceptions/{pk}", response=InterceptionOut)
def interception_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Interception, request, pk))


@router.post("/interceptions", response={201: InterceptionOut})
def interception_create(request, payload: InterceptionIn):
    _require(request, Interception, "add")
    return Status(201, _write(lambda: services.interception_create(actor=request.user,
                                                            data=_interception_data(request, payload))))


@router.put("/interceptions/{pk}", response=InterceptionOut)
def interception_update(request, pk: int, payload: InterceptionIn):
    instance = scoped_or_404(Interception, request, pk, "change")
    return _update(lambda: services.interception_update(actor=request.user, instance=instance,
                                                        data=_interception_data(request, payload)))
