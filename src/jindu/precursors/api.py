"""REST endpoints of the precursors app (/api/v1/precursors/): read through ``restrict`` (and the company
reporter rule), write through the services. ID numbers leave the API masked, and not at all to roles without
the identity field category (``FieldRulesSchema``); creations take an ``Idempotency-Key``; updates and voids
name the version they start from."""

import datetime
import decimal
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from jindu.common.api import base_version, idempotent, scoped_or_404, validation_error_response
from jindu.common.fieldrules import FieldRulesSchema
from jindu.common.masking import mask_id_number, mask_name

from . import services
from .filtersets import (
    CylinderFilterSet,
    EquipmentFilterSet,
    FlagFilterSet,
    InspectionFilterSet,
    LicenceFilterSet,
    SubstanceFilterSet,
    TransactionFilterSet,
    UnitFilterSet,
)
from .models import (
    Cylinder,
    CylinderEvent,
    Equipment,
    Inspection,
    Licence,
    ReconciliationFlag,
    Substance,
    Transaction,
    Unit,
)

router = Router(tags=["precursors"])


class SubstanceOut(Schema):
    id: int
    kind: str
    name_zh: str
    name_en: str
    cas: str
    category: str
    medicine_class: str
    base_unit: str
    tolerance_rate: decimal.Decimal
    reconciliation_minimum: decimal.Decimal
    is_active: bool


class UnitOut(FieldRulesSchema):
    field_rules_model: ClassVar = Unit

    id: int
    version: int
    credit_code: str
    name: str
    kind: str
    region_code: str = Field(..., alias="region.code")
    grid: str
    address: str
    contact_name: str
    responsible_person: str
    status: str
    licence_no: str
    found_by: str
    found_on: datetime.date | None = None


class VoidIn(Schema):
    reason: str
    version: int | None = None


class UnitIn(Schema):
    credit_code: str
    name: str
    kind: str
    region_code: str
    grid: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    responsible_person: str = ""
    status: str = "active"
    licence_no: str = ""
    found_by: str = "registration"
    found_on: datetime.date | None = None
    notes: str = ""
    version: int | None = None


class TransactionOut(FieldRulesSchema):
    """``counterparty_id_number`` and ``counterparty_name`` are masked, and left out for roles without the
    identity category."""

    field_rules_model: ClassVar = Transaction

    id: int
    version: int
    ref: str
    unit_id: int
    credit_code: str = Field(..., alias="unit.credit_code")
    substance_id: int
    direction: str
    quantity: decimal.Decimal
    quantity_unit: str
    base_quantity: decimal.Decimal
    date: datetime.date
    counterparty_credit_code: str | None = None
    counterparty_id_number: str = ""
    counterparty_name: str = ""
    document_no: str

    @staticmethod
    def resolve_counterparty_credit_code(obj):
        return obj.counterparty_unit.credit_code if obj.counterparty_unit_id else None

    @staticmethod
    def resolve_counterparty_id_number(obj):
        return mask_id_number(obj.counterparty_id_number) or ""

    @staticmethod
    def resolve_counterparty_name(obj):
        return mask_name(obj.counterparty_name) or ""


class TransactionIn(Schema):
    ref: str
    credit_code: str
    chemical: str = Field(..., description="CAS number or catalogue name")
    direction: str
    quantity: decimal.Decimal
    unit: str
    on: datetime.date
    counterparty: str = ""
    counterparty_name: str = ""
    document_no: str = ""


class LicenceOut(Schema):
    id: int
    version: int
    unit_id: int
    substance_id: int
    number: str
    kind: str
    form: str
    quantity_allowed: decimal.Decimal | None = None
    valid_from: datetime.date
    valid_until: datetime.date
    state: str

    @staticmethod
    def resolve_state(obj):
        return obj.state()


class FlagOut(Schema):
    id: int
    unit_id: int
    substance_id: int
    rule: str
    month: datetime.date
    month_end: datetime.date
    transaction_id: int | None = None
    opening: decimal.Decimal | None = None
    expected: decimal.Decimal | None = None
    stocktake: decimal.Decimal | None = None
    difference: decimal.Decimal | None = None
    tolerance: decimal.Decimal | None = None
    detail: str
    active: bool
    status: str
    assigned_to_id: int | None = None
    resolution: str


class CylinderEventOut(FieldRulesSchema):
    field_rules_model: ClassVar = CylinderEvent
    field_rules_map: ClassVar = {"buyer": "buyer_id_number"}

    kind: str
    date: datetime.date
    buyer: str

    @staticmethod
    def resolve_buyer(obj):
        from .tables import masked_buyer

        return masked_buyer(obj)


class CylinderOut(Schema):
    id: int
    version: int
    serial: str
    unit_id: int
    substance_id: int
    capacity_l: decimal.Decimal | None = None
    filed_on: datetime.date
    status: str


class CylinderDetailOut(CylinderOut):
    events: list[CylinderEventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.select_related("buyer_unit").order_by("date", "id"))


class EquipmentOut(Schema):
    id: int
    version: int
    unit_id: int
    equipment_type: str
    serial: str
    specification: str
    quantity: int
    registered_on: datetime.date
    status: str

    @staticmethod
    def resolve_equipment_type(obj):
        return obj.equipment_type.name_zh


class InspectionOut(Schema):
    id: int
    version: int
    ref: str
    unit_id: int
    date: datetime.date
    kind: str
    inspector_name: str
    findings: str
    rectification_required: bool
    rectification_deadline: datetime.date | None = None
    rectified_on: datetime.date | None = None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()


def _filtered(model, filterset_class, request, *related):
    queryset = model.objects.restrict(request.user).select_related(*related)
    return filterset_class(request.GET, queryset=queryset).qs


def _validation(call):
    try:
        return call()
    except ValidationError as error:
        raise validation_error_response(error) from error
    except PermissionDenied as error:
        raise Http404 from error


@router.get("/substances", response=list[SubstanceOut])
@paginate
def substance_list(request, q: str = "", kind: str = ""):
    services.ensure_catalogue()
    return _filtered(Substance, SubstanceFilterSet, request)


@router.get("/units", response=list[UnitOut])
@paginate
def unit_list(request, q: str = "", kind: str = "", status: str = "", region: str = ""):
    """Filters as on the list page: q, kind, status, found_by, region (code, covers descendants)."""
    return _filtered(Unit, UnitFilterSet, request, "region")


@router.get("/units/{pk}", response=UnitOut)
def unit_detail(request, pk: int):
    return scoped_or_404(Unit, request, pk)


def _unit_data(payload):
    from jindu.core.models import Region

    data = payload.dict()
    data.pop("version", None)
    region = Region.objects.filter(code=data.pop("region_code")).first()
    if region is None:
        raise ValidationError({"region": "未知的行政区划代码"})
    data["region"] = region
    return data


@router.post("/units", response={201: UnitOut})
@decorate_view(idempotent())
def unit_create(request, payload: UnitIn):
    if not request.user.has_perm("precursors.add_unit"):
        raise PermissionDenied
    return 201, _validation(lambda: services.unit_create(actor=request.user, data=_unit_data(payload)))


@router.put("/units/{pk}", response=UnitOut)
def unit_update(request, pk: int, payload: UnitIn):
    instance = scoped_or_404(Unit, request, pk, "change")
    version = base_version(request, payload.version)
    return _validation(lambda: services.unit_update(actor=request.user, instance=instance,
                                                    data={**_unit_data(payload), "version": version}))


@router.delete("/units/{pk}", response={204: None})
def unit_delete(request, pk: int, payload: VoidIn):
    """Void (soft delete) with a reason; restorable on the page of voided units."""
    instance = scoped_or_404(Unit, request, pk, "delete")
    _validation(lambda: services.unit_delete(actor=request.user, instance=instance, reason=payload.reason,
                                             version=payload.version))
    return Status(204, None)


@router.get("/transactions", response=list[TransactionOut])
@paginate
def transaction_list(request, q: str = "", direction: str = "", region: str = "", date_from: str = "",
                     date_to: str = ""):
    return _filtered(Transaction, TransactionFilterSet, request, "unit", "counterparty_unit")


@router.get("/transactions/{pk}", response=TransactionOut)
def transaction_detail(request, pk: int):
    return scoped_or_404(Transaction, request, pk)


@router.post("/transactions", response={201: TransactionOut})
@decorate_view(idempotent())
def transaction_create(request, payload: TransactionIn):
    """One ledger line with the columns of the ``transactions`` import (company reporters: own units only)."""
    if not request.user.has_perm("precursors.add_transaction"):
        raise PermissionDenied
    from .importers import substance_lookup

    def create():
        unit = Unit.objects.restrict(request.user).filter(
            credit_code=services.normalise_credit_code(payload.credit_code)).first()
        if unit is None:
            raise ValidationError({"unit": "未知的统一社会信用代码"})
        substance = substance_lookup().get(payload.chemical.strip().lower())
        if substance is None:
            raise ValidationError({"substance": "未知的品种"})
        counterparty_unit, id_number = services.resolve_counterparty(payload.counterparty)
        return services.transaction_create(actor=request.user, data={
            "ref": payload.ref, "unit": unit, "substance": substance, "direction": payload.direction,
            "quantity": payload.quantity, "quantity_unit": payload.unit, "date": payload.on,
            "counterparty_unit": counterparty_unit, "counterparty_id_number": id_number,
            "counterparty_name": payload.counterparty_name if id_number else "", "document_no": payload.document_no,
        })

    return 201, _validation(create)


@router.delete("/transactions/{pk}", response={204: None})
def transaction_delete(request, pk: int, payload: VoidIn):
    """Void a ledger line with a reason; its unit x substance is reconciled without it."""
    instance = scoped_or_404(Transaction, request, pk, "delete")
    _validation(lambda: services.transaction_delete(actor=request.user, instance=instance, reason=payload.reason,
                                                    version=payload.version))
    return Status(204, None)


@router.get("/licences", response=list[LicenceOut])
@paginate
def licence_list(request, q: str = "", kind: str = "", state: str = "", region: str = ""):
    return _filtered(Licence, LicenceFilterSet, request)


@router.get("/licences/{pk}", response=LicenceOut)
def licence_detail(request, pk: int):
    return scoped_or_404(Licence, request, pk)


@router.delete("/licences/{pk}", response={204: None})
def licence_delete(request, pk: int, payload: VoidIn):
    instance = scoped_or_404(Licence, request, pk, "delete")
    _validation(lambda: services.licence_delete(actor=request.user, instance=instance, reason=payload.reason,
                                                version=payload.version))
    return Status(204, None)


@router.get("/flags", response=list[FlagOut])
@paginate
def flag_list(request, rule: str = "", status: str = "", active: bool | None = None, region: str = "",
              month_from: str = "", month_to: str = ""):
    """The work list; ``rule=reconciliation&month_from=&month_to=`` gives the flags behind flagged_discrepancies."""
    return _filtered(ReconciliationFlag, FlagFilterSet, request)


@router.get("/flags/{pk}", response=FlagOut)
def flag_detail(request, pk: int):
    return scoped_or_404(ReconciliationFlag, request, pk)


@router.get("/cylinders", response=list[CylinderOut])
@paginate
def cylinder_list(request, q: str = "", status: str = "", region: str = ""):
    return _filtered(Cylinder, CylinderFilterSet, request)


@router.get("/cylinders/{pk}", response=CylinderDetailOut)
def cylinder_detail(request, pk: int):
    return scoped_or_404(Cylinder, request, pk)


@router.get("/equipment", response=list[EquipmentOut])
@paginate
def equipment_list(request, q: str = "", status: str = "", region: str = ""):
    return _filtered(Equipment, EquipmentFilterSet, request, "equipment_type")


@router.get("/equipment/{pk}", response=EquipmentOut)
def equipment_detail(request, pk: int):
    return get_object_or_404(Equipment.objects.restrict(request.user).select_related("equipment_type"), pk=pk)


@router.get("/inspections", response=list[InspectionOut])
@paginate
def inspection_list(request, q: str = "", kind: str = "", overdue: bool | None = None, region: str = ""):
    return _filtered(Inspection, InspectionFilterSet, request)


@router.get("/inspections/{pk}", response=InspectionOut)
def inspection_detail(request, pk: int):
    return scoped_or_404(Inspection, request, pk)
