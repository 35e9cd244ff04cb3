"""Tables of the precursors app. ID numbers and buyers' names appear masked (security requirement 20)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jindu.common.masking import mask_id_number, mask_name
from jindu.common.tables import BaseTable

from .models import (
    ChecklistItem,
    Cylinder,
    Equipment,
    EquipmentType,
    Inspection,
    Licence,
    ReconciliationFlag,
    Substance,
    Transaction,
    Unit,
    buyer_for,
)

STATE_CLASSES = {"valid": "bg-green-lt", "expiring": "bg-yellow-lt", "expired": "bg-red-lt", "pending": "bg-blue-lt"}
STATE_LABELS = {"valid": _("valid"), "expiring": _("expiring"), "expired": _("expired"), "pending": _("not yet valid")}


def licence_state_badge(licence):
    state = licence.state()
    return format_html('<span class="badge {}">{}</span>', STATE_CLASSES[state], STATE_LABELS[state])


class SubstanceTable(BaseTable):
    name_zh = tables.Column(verbose_name=_("name"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Substance
        fields = ("name_zh", "name_en", "cas", "kind", "category", "medicine_class", "base_unit", "tolerance_rate",
                  "reconciliation_minimum", "is_active")


class EquipmentTypeTable(BaseTable):
    name_zh = tables.Column(verbose_name=_("name"), linkify=True)

    class Meta(BaseTable.Meta):
        model = EquipmentType
        fields = ("name_zh", "name_en", "is_active")


class ChecklistItemTable(BaseTable):
    code = tables.Column(verbose_name=_("code"), linkify=True)

    class Meta(BaseTable.Meta):
        model = ChecklistItem
        fields = ("code", "name_zh", "name_en", "order", "is_active")


class UnitTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)
    region = tables.Column(verbose_name=_("region"), accessor="region__name_zh", order_by=("region__code",))

    class Meta(BaseTable.Meta):
        model = Unit
        fields = ("name", "credit_code", "kind", "region", "grid", "status", "found_by", "licence_no")


class TransactionTable(BaseTable):
    ref = tables.Column(verbose_name=_("reference"), linkify=True)
    unit = tables.Column(verbose_name=_("unit"), linkify=True)
    substance = tables.Column(verbose_name=_("substance"))
    counterparty = tables.Column(verbose_name=_("counterparty"), accessor="counterparty_display", orderable=False)

    class Meta(BaseTable.Meta):
        model = Transaction
        fields = ("ref", "date", "unit", "substance", "direction", "quantity", "quantity_unit", "base_quantity",
                  "counterparty", "document_no")

    def render_counterparty(self, value, record):
        return record.counterparty_for(self.request.user) if self.request is not None else value

    def render_quantity(self, value):
        return format(value.normalize(), "f")

    def render_base_quantity(self, value, record):
        return f"{format(value.normalize(), 'f')} {record.substance.base_unit}"


class LicenceTable(BaseTable):
    number = tables.Column(verbose_name=_("licence number"), linkify=True)
    unit = tables.Column(verbose_name=_("unit"), linkify=True)
    state = tables.Column(verbose_name=_("validity"), empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = Licence
        fields = ("number", "unit", "substance", "kind", "form", "quantity_allowed", "valid_from", "valid_until",
                  "state")

    def render_state(self, record):
        return licence_state_badge(record)


class FlagTable(BaseTable):
    month = tables.DateColumn(verbose_name=_("month"), format="Y-m", linkify=True)
    unit = tables.Column(verbose_name=_("unit"), linkify=True)

    class Meta(BaseTable.Meta):
        model = ReconciliationFlag
        fields = ("month", "unit", "substance", "rule", "expected", "stocktake", "difference", "tolerance", "status",
                  "assigned_to", "active")


class CylinderTable(BaseTable):
    serial = tables.Column(verbose_name=_("serial number"), linkify=True)
    unit = tables.Column(verbose_name=_("filling station"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Cylinder
        fields = ("serial", "unit", "substance", "capacity_l", "filed_on", "status")


class EquipmentTable(BaseTable):
    equipment_type = tables.Column(verbose_name=_("type"), linkify=lambda record: record.get_absolute_url())
    unit = tables.Column(verbose_name=_("unit"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Equipment
        fields = ("equipment_type", "unit", "serial", "specification", "quantity", "registered_on", "status")


class InspectionTable(BaseTable):
    date = tables.DateColumn(verbose_name=_("date"), linkify=True)
    unit = tables.Column(verbose_name=_("unit"), linkify=True)
    overdue = tables.Column(verbose_name=_("rectification"), empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = Inspection
        fields = ("date", "ref", "unit", "kind", "inspector_name", "rectification_deadline", "rectified_on",
                  "overdue")

    def render_overdue(self, record):
        if record.is_overdue():
            return format_html('<span class="badge bg-red-lt">{}</span>', _("overdue"))
        if record.rectification_required and record.rectified_on is None:
            return format_html('<span class="badge bg-yellow-lt">{}</span>', _("open"))
        if record.rectification_required:
            return format_html('<span class="badge bg-green-lt">{}</span>', _("done"))
        return "—"


def masked_buyer(event, user=None):
    """A cylinder event's or equipment sale's buyer; with ``user``, as that user may see it (``buyer_for``)."""
    if event.buyer_unit_id:
        return str(event.buyer_unit)
    masked = f"{mask_name(event.buyer_name) or ''} {mask_id_number(event.buyer_id_number) or ''}".strip()
    return masked if user is None else buyer_for(user, event, "buyer_id_number", None, masked)
