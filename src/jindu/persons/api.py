"""REST endpoints of the persons app (/api/v1/persons/). Reads go through ``restrict`` (404 out of scope),
writes through the services (422 on validation errors). Identity numbers and phones are masked in every
response; the full number is never sent by the API. Every read of a person is audited like a page view.
"""

import datetime
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from jindu.common import audit
from jindu.common.api import (
    JinduSessionAuth,
    TokenAuth,
    base_version,
    idempotent,
    scoped_or_404,
    validation_error_response,
)
from jindu.common.fieldrules import FieldRulesSchema
from jindu.common.masking import mask_name

from . import services
from .filtersets import (
    AlertFilterSet,
    DrugTestFilterSet,
    EpisodeFilterSet,
    HandoverFilterSet,
    PersonFilterSet,
    ViolationFilterSet,
)
from .models import Alert, Contact, DrivingCheck, DrugTest, Episode, Handover, Person, RiskAssessment, Violation

router = Router(tags=["persons"])
# Writes try the bearer token first: django-ninja's session auth checks CSRF before it looks for the session
# cookie, so with the session first a machine client's POST (a checkpoint terminal) would fail the CSRF check.
# A browser without a bearer token still goes through the session auth and its CSRF check.
WRITE_AUTH = [TokenAuth(), JinduSessionAuth()]


class PersonOut(FieldRulesSchema):
    """Masked identity; keys of field categories the user may not read (common.fieldrules) are left out."""

    field_rules_model: ClassVar = Person

    id: int
    version: int
    name: str
    id_number: str = Field(..., alias="display_identity", description="masked")
    nationality: str
    sex: str
    birth_date: datetime.date | None
    region_code: str = Field(..., alias="region.code")
    registered_on: datetime.date
    status: str

    @staticmethod
    def resolve_name(obj):
        return mask_name(obj.name)


class PersonIn(Schema):
    id_number: str = ""
    nationality: str = "CN"
    passport_no: str = ""
    name: str
    sex: str = ""
    birth_date: datetime.date | None = None
    ethnicity: str = ""
    region_code: str
    registered_on: datetime.date


class PersonUpdateIn(Schema):
    """The fields an API client may change; send the ``version`` you read (or ``If-Match``)."""

    name: str
    ethnicity: str = ""
    region_code: str
    registered_on: datetime.date
    status: str = "active"
    version: int | None = None


class VoidIn(Schema):
    reason: str
    version: int | None = None


class EpisodeOut(FieldRulesSchema):
    field_rules_model: ClassVar = Episode

    id: int
    version: int
    ref: str
    person_id: int
    measure: str
    start_on: datetime.date
    end_on: datetime.date | None


class HandoverOut(FieldRulesSchema):
    field_rules_model: ClassVar = Handover

    id: int
    version: int
    person_id: int
    released_on: datetime.date
    deadline: datetime.date
    briefed_on: datetime.date | None
    agreement_signed_on: datetime.date | None
    completed_on: datetime.date | None


class DrugTestOut(FieldRulesSchema):
    field_rules_model: ClassVar = DrugTest

    id: int
    version: int
    ref: str
    person_id: int
    tested_on: datetime.date
    method: str
    result: str
    substance: str | None = Field(None, alias="substance.code")


class DrugTestIn(Schema):
    person_id: int
    tested_on: datetime.date
    method: str
    result: str
    substance: str | None = None
    tester: str = ""


class AssessmentOut(FieldRulesSchema):
    field_rules_model: ClassVar = RiskAssessment

    id: int
    version: int
    person_id: int
    assessed_on: datetime.date
    score: int
    level: str
    factors: list[dict]
    next_due: datetime.date


class AlertOut(FieldRulesSchema):
    field_rules_model: ClassVar = Alert

    id: int
    person_id: int
    kind: str
    raised_on: datetime.date
    due_on: datetime.date | None
    state: str
    message: str


class CheckIn(Schema):
    id_number: str
    reason: str


class CheckOut(FieldRulesSchema):
    """Everything a drug-driving look-up answers: nothing else about the person."""

    field_rules_model: ClassVar = DrivingCheck

    id: int
    id_number: str = Field(..., alias="id_masked", description="masked")
    registered: bool
    under_measure: bool
    last_test_on: datetime.date | None


def _viewed(request, obj):
    audit.log_view(request.user, obj)
    return obj


@router.get("/persons", response=list[PersonOut])
@paginate
def person_list(request):
    """Filters as on the list page: q (name, or a full identity number: exact and audited), status, region, ..."""
    queryset = Person.objects.restrict(request.user).select_related("region")
    return PersonFilterSet(request.GET, queryset=queryset, request=request).qs


@router.get("/persons/{pk}", response=PersonOut)
def person_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Person, request, pk))


@router.post("/persons", response={201: PersonOut}, auth=WRITE_AUTH)
@decorate_view(idempotent())
def person_create(request, payload: PersonIn):
    if not request.user.has_perm("persons.add_person"):
        raise PermissionDenied
    from django.apps import apps

    data = payload.dict()
    region = apps.get_model("core", "Region").objects.filter(code=data.pop("region_code")).first()
    if region is None:
        raise validation_error_response(ValidationError({"region": "unknown region code"}))
    try:
        return 201, services.person_create(actor=request.user, data={**data, "region": region})
    except ValidationError as error:
        raise validation_error_response(error) from error
    except PermissionDenied as error:
        raise validation_error_response(ValidationError({"region": "outside your region"})) from error


@router.put("/persons/{pk}", response=PersonOut, auth=WRITE_AUTH)
def person_update(request, pk: int, payload: PersonUpdateIn):
    """Send the version you read (``version`` or ``If-Match``): 409 when someone saved since, 428 without."""
    from django.apps import apps

    instance = scoped_or_404(Person, request, pk, "change")
    version = base_version(request, payload.version)
    data = payload.dict(exclude={"version"})
    region = apps.get_model("core", "Region").objects.filter(code=data.pop("region_code")).first()
    if region is None:
        raise validation_error_response(ValidationError({"region": "unknown region code"}))
    try:
        return services.person_update(actor=request.user, instance=instance,
                                      data={**data, "region": region, "version": version})
    except ValidationError as error:
        raise validation_error_response(error) from error
    except PermissionDenied as error:
        raise Http404 from error


def _void_endpoint(path, model):
    """``DELETE <path>/{pk}`` with ``{"reason": ..., "version": ...}``: void (restorable on the voided page)."""

    def delete(request, pk: int, payload: VoidIn):
        instance = scoped_or_404(model, request, pk, "delete")
        try:
            services.record_delete(actor=request.user, instance=instance, reason=payload.reason,
                                   version=payload.version)
        except ValidationError as error:
            raise validation_error_response(error) from error
        except PermissionDenied as error:
            raise Http404 from error
        return Status(204, None)

    delete.__name__ = f"{model._meta.model_name}_delete"
    router.delete(f"{path}/{{pk}}", response={204: None}, auth=WRITE_AUTH, operation_id=delete.__name__)(delete)


@router.get("/episodes", response=list[EpisodeOut])
@paginate
def episode_list(request):
    return EpisodeFilterSet(request.GET, queryset=Episode.objects.restrict(request.user), request=request).qs


@router.get("/episodes/{pk}", response=EpisodeOut)
def episode_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Episode, request, pk))


@router.get("/handovers", response=list[HandoverOut])
@paginate
def handover_list(request):
    return HandoverFilterSet(request.GET, queryset=Handover.objects.restrict(request.user), request=request).qs


@router.get("/handovers/{pk}", response=HandoverOut)
def handover_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Handover, request, pk))


@router.get("/drug-tests", response=list[DrugTestOut])
@paginate
def drugtest_list(request):
    queryset = DrugTest.objects.restrict(request.user).select_related("substance")
    return DrugTestFilterSet(request.GET, queryset=queryset, request=request).qs


@router.get("/drug-tests/{pk}", response=DrugTestOut)
def drugtest_detail(request, pk: int):
    return _viewed(request, scoped_or_404(DrugTest, request, pk))


@router.post("/drug-tests", response={201: DrugTestOut}, auth=WRITE_AUTH)
@decorate_view(idempotent())
def drugtest_create(request, payload: DrugTestIn):
    from django.apps import apps

    if not request.user.has_perm("persons.add_drugtest"):
        raise PermissionDenied
    data = payload.dict()
    person = Person.objects.restrict(request.user).filter(pk=data.pop("person_id")).first()
    if person is None:
        raise Http404
    code = data.pop("substance")
    substance = apps.get_model("core", "Drug").objects.filter(code=code).first() if code else None
    if code and substance is None:
        raise validation_error_response(ValidationError({"substance": "unknown drug code"}))
    try:
        return 201, services.drugtest_create(actor=request.user, data={**data, "person": person,
                                                                        "substance": substance})
    except ValidationError as error:
        raise validation_error_response(error) from error


@router.get("/assessments", response=list[AssessmentOut])
@paginate
def assessment_list(request):
    return RiskAssessment.objects.restrict(request.user)


@router.get("/assessments/{pk}", response=AssessmentOut)
def assessment_detail(request, pk: int):
    return _viewed(request, scoped_or_404(RiskAssessment, request, pk))


@router.get("/alerts", response=list[AlertOut])
@paginate
def alert_list(request):
    return AlertFilterSet(request.GET, queryset=Alert.objects.restrict(request.user), request=request).qs


@router.get("/alerts/{pk}", response=AlertOut)
def alert_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Alert, request, pk))


@router.post("/driving-checks", response={201: CheckOut}, auth=WRITE_AUTH)
@decorate_view(idempotent())
def driving_check(request, payload: CheckIn):
    """The checkpoint look-up by identity number: registered or not, under a measure or not, last test date.
    The reason is required and recorded; every call is audited."""
    try:
        return 201, services.driving_check(actor=request.user, id_number=payload.id_number, reason=payload.reason)
    except ValidationError as error:
        raise validation_error_response(error) from error


class ViolationOut(FieldRulesSchema):
    """A drug-use violation; sealed ones are not served (they open only on the audited page)."""

    field_rules_model: ClassVar = Violation

    id: int
    version: int
    person_id: int
    decision_no: str
    committed_on: datetime.date
    decided_on: datetime.date
    punishment: str
    detention_days: int | None
    executed_on: datetime.date | None


class ViolationIn(Schema):
    person_id: int
    decision_no: str
    committed_on: datetime.date
    decided_on: datetime.date
    punishment: str
    detention_days: int | None = None
    executed_on: datetime.date | None = None
    notes: str = ""


@router.get("/violations", response=list[ViolationOut])
@paginate
def violation_list(request):
    return ViolationFilterSet(request.GET, queryset=Violation.objects.restrict(request.user), request=request).qs


@router.get("/violations/{pk}", response=ViolationOut)
def violation_detail(request, pk: int):
    return _viewed(request, scoped_or_404(Violation, request, pk))


@router.post("/violations", response={201: ViolationOut}, auth=WRITE_AUTH)
@decorate_view(idempotent())
def violation_create(request, payload: ViolationIn):
    """Record a violation; one whose punishment is already carried out is sealed at once (201, then 404 on read)."""
    if not request.user.has_perm("persons.add_violation"):
        raise PermissionDenied
    data = payload.dict()
    person = Person.objects.restrict(request.user).filter(pk=data.pop("person_id")).first()
    if person is None:
        raise Http404
    try:
        return 201, services.violation_create(actor=request.user, data={**data, "person": person})
    except ValidationError as error:
        raise validation_error_response(error) from error


for _path, _model in (("/persons", Person), ("/episodes", Episode), ("/handovers", Handover),
                      ("/drug-tests", DrugTest), ("/contacts", Contact), ("/assessments", RiskAssessment),
                      ("/violations", Violation)):
    _void_endpoint(_path, _model)
