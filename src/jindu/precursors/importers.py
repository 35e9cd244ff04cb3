"""Import/export datasets of the precursors app: ``units`` and ``transactions`` with exactly the columns of
DESIGN.md, and ``inspections`` and ``cylinders`` (templates for grid workers and filling stations).

After a ``transactions`` import commits, the reconciliation of every unit x substance the file created or
changed is recomputed once (``services.PendingReconciliation``, registered by the ``after_import`` hook with
``transaction.on_commit``), not once per line.

Company reporters import ``transactions`` only (the one dataset whose add permission they hold), and only lines
of their own organisation's units: a line of any other unit is a bad row saying so.
"""

import decimal

from django.core.exceptions import ValidationError
from django.db import transaction as db
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jindu.common.identifiers import validate_credit_code
from jindu.common.importing import SYSTEM, UNCHANGED, Column, Dataset, RowError, parsers, register
from jindu.common.masking import mask_id_number

from .choices import CylinderStatus, Direction, InspectionKind, QuantityUnit, SubstanceKind, UnitKind
from .filtersets import CylinderFilterSet, InspectionFilterSet, TransactionFilterSet, UnitFilterSet
from .models import Cylinder, Inspection, Substance, Transaction, Unit, reporter_organisation_id
from .services import (
    PendingReconciliation,
    ensure_catalogue,
    normalise_credit_code,
    resolve_counterparty,
    substance_hydrogen,
    transaction_values,
)

MAX_QUANTITY = decimal.Decimal("10000000000")  # 10^10 of any unit: more is a typing error


class CreditCode(parsers.Parser):
    """An 18-character unified social credit code with a correct GB 32100 check character."""

    description = gettext_lazy("unified social credit code: 18 characters with a correct check character")

    def __call__(self, value):
        return validate_credit_code(parsers.as_text(value))


def _number(value):
    """A quantity as it was written: 1.500000 -> "1.5"."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def _unit_finder(run, restricted):
    """Look units up by credit code once per run: those the importing user may see (region scope and, for a
    company reporter, their own organisation's units: ``Unit.objects.restrict``), or all units."""
    key = "precursors.units.restricted" if restricted else "precursors.units.all"
    cache = parsers.cached(key, dict)

    def find(code):
        if code not in cache:
            queryset = Unit.objects.order_by()
            if restricted and not run.unrestricted:
                queryset = queryset.restrict(run.actor, "view")
            cache[code] = queryset.filter(credit_code=code).first()
        return cache[code]

    return find


def own_unit(run, code):
    """The unit of a row's ``credit_code`` among those the importing user may see; a bad row otherwise, saying
    why in the user's terms (a company reporter imports only their own company's units)."""
    unit = _unit_finder(run, restricted=True)(normalise_credit_code(code))
    if unit is not None:
        return unit
    if not run.unrestricted and reporter_organisation_id(run.actor) is not None:
        raise RowError("credit_code", _("The unit {code} is not one of your company's units: you may import only "
                                        "your own units' records.").format(code=normalise_credit_code(code)))
    raise RowError("credit_code", _("No unit with this credit code is registered in your region."))


def substance_lookup():
    """{CAS, Chinese name, English name (lower case): Substance} for the ``chemical`` column."""
    ensure_catalogue()
    lookup = {}
    substances = sorted(Substance.objects.all(), key=lambda s: (s.kind != SubstanceKind.PRECURSOR, s.pk))
    for substance in substances:  # the catalogue wins when a watched substance shares a CAS number or a name
        for key in (substance.name_en.strip().lower(), substance.name_zh.strip().lower(), substance.cas.strip()):
            if key:
                lookup.setdefault(key, substance)
    return lookup


def _exporting_system(obj):
    return getattr(obj, "export_unmasked", False)


@register
class UnitDataset(Dataset):
    """Units by unified social credit code (DESIGN.md ``units``)."""

    name = "units"
    label = gettext_lazy("Precursor units")
    model = Unit
    natural_key = ("credit_code",)
    filterset_class = UnitFilterSet
    columns = (
        Column("credit_code", "统一社会信用代码", CreditCode(), required=True, example="91540100MA6T1234XB"),
        Column("name", "单位名称", parsers.Text(max_length=128), required=True, example="拉萨市某化工贸易有限公司"),
        Column("kind", "单位类别", parsers.Choice(UnitKind), required=True, example="trader"),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540102",
               export=lambda unit: unit.region.code),
        Column("address", "地址", parsers.Text(max_length=200), example="拉萨市城关区金珠西路 1 号"),
        Column("licence_no", "许可证号", parsers.Text(max_length=64), example="(藏)3S54010000001"),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["credit_code"] = normalise_credit_code(fields["credit_code"])
        return fields

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("region").order_by("credit_code")


@register
class TransactionDataset(Dataset):
    """Ledger lines by reference (DESIGN.md ``transactions``). The unit must exist (an earlier import or the
    register); the chemical is a CAS number or a catalogue name; the counterparty, when given, is the credit code
    of a registered unit or the buyer's resident ID number (real-name sales)."""

    name = "transactions"
    label = gettext_lazy("Precursor transactions")
    model = Transaction
    natural_key = ("ref",)
    filterset_class = TransactionFilterSet
    columns = (
        Column("ref", "编号", parsers.Text(max_length=64), required=True, example="LS-2024-000001"),
        Column("credit_code", "统一社会信用代码", CreditCode(), required=True, field=None, example="91540100MA6T1234XB",
               export=lambda t: t.unit.credit_code),
        Column("chemical", "品种", parsers.Text(max_length=200), required=True, field=None, example="67-64-1",
               help=gettext_lazy("CAS number or catalogue name"),
               export=lambda t: t.substance.cas or t.substance.name_zh),
        Column("direction", "类型", parsers.Choice(Direction), required=True, example="purchase"),
        Column("quantity", "数量", parsers.Decimal(min_value=0, max_value=MAX_QUANTITY), required=True,
               example="120.5", export=lambda t: _number(t.quantity)),
        Column("unit", "计量单位", parsers.Choice(QuantityUnit), required=True, field="quantity_unit", example="kg"),
        Column("on", "日期", parsers.Date(), required=True, field="date", example="2024-03-05"),
        Column("counterparty", "交易对象", parsers.Text(max_length=18), field=None, example="",
               help=gettext_lazy("credit code of a registered unit, or the buyer's resident ID number"),
               export=lambda t: TransactionDataset.export_counterparty(t)),
    )

    @staticmethod
    def export_counterparty(record):
        if record.counterparty_unit_id:
            return record.counterparty_unit.credit_code
        if record.counterparty_id_number and not _exporting_system(record):
            return mask_id_number(record.counterparty_id_number)
        return record.counterparty_id_number

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["unit"] = own_unit(run, row["credit_code"])
        substance = parsers.cached("precursors.substances", substance_lookup).get(
            (row["chemical"] or "").strip().lower())
        if substance is None:
            raise RowError("chemical", _("Unknown chemical: give its CAS number or its catalogue name."))
        fields["substance"] = substance
        if "counterparty" in row:
            try:
                counterparty_unit, id_number = resolve_counterparty(
                    row["counterparty"], find_unit=_unit_finder(run, restricted=False))
            except ValidationError as error:
                raise RowError("counterparty", " ".join(error.messages))
            fields["counterparty_unit"] = counterparty_unit
            fields["counterparty_id_number"] = id_number
        return transaction_values(fields)

    def upsert(self, fields, run):
        before = Transaction.objects.filter(ref=fields["ref"]).values_list(
            "unit_id", "substance_id", "counterparty_id_number").first()
        if before is not None and before[2] != (fields.get("counterparty_id_number") or before[2]):
            # The audit snapshot masks ID numbers: make a changed buyer visible to the comparison.
            Transaction.objects.filter(ref=fields["ref"]).update(counterparty_id_number="")
        outcome = super().upsert(fields, run)
        if outcome != UNCHANGED:
            pending = run.state.setdefault("reconciliation", PendingReconciliation())
            pending.add((fields["unit"].pk, fields["substance"].pk), fields.get("counterparty_id_number", ""))
            if before is not None:
                pending.add(before[:2], before[2])
        return outcome

    def after_import(self, run):
        """The reconciliation of the pairs and buyers the file changed, once each, after the commit."""
        pending = run.state.get("reconciliation")
        if pending is not None:
            db.on_commit(pending.run)

    def export_queryset(self, actor, params=None):
        from django.db.models import Value

        return super().export_queryset(actor, params).select_related(
            "unit", "substance", "counterparty_unit").order_by("date", "id").annotate(
            export_unmasked=Value(actor is SYSTEM))


@register
class InspectionDataset(Dataset):
    """Grid inspections by reference (a template for grid workers' visit lists)."""

    name = "inspections"
    label = gettext_lazy("Precursor inspections")
    model = Inspection
    natural_key = ("ref",)
    filterset_class = InspectionFilterSet
    columns = (
        Column("ref", "编号", parsers.Text(max_length=64), required=True, example="XC-2024-0001"),
        Column("credit_code", "统一社会信用代码", CreditCode(), required=True, field=None, example="91540100MA6T1234XB",
               export=lambda i: i.unit.credit_code),
        Column("on", "检查日期", parsers.Date(), required=True, field="date", example="2024-04-12"),
        Column("kind", "检查类型", parsers.Choice(InspectionKind), required=True, example="grid_sweep"),
        Column("inspectors", "检查人员", parsers.Text(max_length=100), field="inspector_name", example="格桑、次仁"),
        Column("findings", "发现问题", parsers.Text(max_length=2000), example="台账未按日登记"),
        Column("rectification_required", "是否需整改", parsers.Boolean(), example="是"),
        Column("rectification_deadline", "整改期限", parsers.Date(), example="2024-05-12"),
        Column("rectified_on", "整改完成日期", parsers.Date(), example=""),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        if fields.get("rectification_required") is None:
            fields["rectification_required"] = False
        fields["unit"] = own_unit(run, row["credit_code"])
        return fields

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("unit")


@register
class CylinderDataset(Dataset):
    """Cylinders on file by serial number (a template for filling stations' registers)."""

    name = "cylinders"
    label = gettext_lazy("Gas cylinders")
    model = Cylinder
    natural_key = ("serial",)
    filterset_class = CylinderFilterSet
    columns = (
        Column("serial", "气瓶编号", parsers.Text(max_length=64), required=True, example="QP-540102-0001"),
        Column("credit_code", "统一社会信用代码", CreditCode(), required=True, field=None, example="91540100MA6T1234XB",
               export=lambda c: c.unit.credit_code),
        Column("filed_on", "建档日期", parsers.Date(), required=True, example="2024-01-15"),
        Column("capacity_l", "容积（升）", parsers.Decimal(min_value=0, max_value=100000, decimal_places=2),
               example="40"),
        Column("manufacturer", "制造单位", parsers.Text(max_length=128), example=""),
        Column("status", "状态", parsers.Choice(CylinderStatus), example="empty"),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["unit"] = own_unit(run, row["credit_code"])
        if not fields.get("status"):
            fields.pop("status", None)
        existing = Cylinder.objects.filter(serial=fields["serial"]).select_related("substance").first()
        fields["substance"] = existing.substance if existing else parsers.cached("precursors.hydrogen",
                                                                                 substance_hydrogen)
        return fields

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("unit")
