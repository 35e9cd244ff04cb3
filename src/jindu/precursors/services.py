"""Write actions of the precursors app (STYLE rule 5): units, ledgers, licences, cylinders, equipment,
inspections, the flag work list, and the reconciliation that raises and clears flags.

The reconciliation of a unit x substance is recomputed after every write that touches the pair: a service
recomputes it in its own transaction (locking the pair's :class:`StockBalance` row first, STYLE rule 9); an
import collects the pairs it touched and recomputes each once when the import commits
(:class:`PendingReconciliation`).
"""

import collections
import datetime
import decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction as db
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.identifiers import ID_RE, normalise_id_number, parse_id_number, validate_credit_code
from jindu.common.scope import object_in_scope
from jindu.common.services import object_create, object_delete, object_restore, object_update

from .choices import (
    BUYER_RULES,
    INFLOWS,
    LICENCE_FOR_DIRECTION,
    MONTH_RULES,
    OUTFLOWS,
    PAIR_TRANSACTION_RULES,
    BaseUnit,
    CylinderEventKind,
    CylinderStatus,
    Direction,
    EquipmentStatus,
    FlagRule,
    FlagStatus,
    LicenceKind,
    QuantityUnit,
    SubstanceKind,
)
from .models import (
    Cylinder,
    CylinderEvent,
    Equipment,
    EquipmentSale,
    Inspection,
    InspectionCheck,
    InspectionPhoto,
    Licence,
    ReconciliationFlag,
    StockBalance,
    Substance,
    Transaction,
    Unit,
    id_hash,
    month_end,
    month_start,
    unit_visible_to,
)
from .reconciliation import PLACES, MonthTotals, reconcile, to_base

# Liquids of the catalogue (CAS): their stock is reckoned in litres, everything else in kilograms.
LIQUID_CAS = {
    "103-79-7",  # 1-phenyl-2-propanone
    "4676-39-5",  # PMK
    "94-59-7",  # safrole
    "8006-80-2",  # sassafras oil
    "120-58-1",  # isosafrole
    "2114-00-3",  # 2-bromo-1-phenyl-1-propanone
    "108-24-7",  # acetic anhydride
    "67-66-3",  # chloroform
    "60-29-7",  # diethyl ether
    "110-89-4",  # piperidine
    "108-88-3",  # toluene
    "67-64-1",  # acetone
    "78-93-3",  # methyl ethyl ketone
    "7664-93-9",  # sulfuric acid
    "7647-01-0",  # hydrochloric acid
    "7726-95-6",  # bromine
    "93-55-0",  # propiophenone
    "140-29-4",  # benzyl cyanide
    "96-48-0",  # gamma-butyrolactone
}
HYDROGEN = {"name_zh": "氢气", "name_en": "Hydrogen", "cas": "1333-74-0"}
# A real-name buyer may buy at most this much (base unit) in any 30 days before a flag is raised.
REALNAME_LIMITS = {"cylinder": decimal.Decimal(2), "kg": decimal.Decimal(25), "L": decimal.Decimal(25)}
REALNAME_WINDOW_DAYS = 30
CHUNK = 500


def realname_limits():
    configured = getattr(settings, "JINDU_PRECURSORS_REALNAME_LIMITS", None) or {}
    return {**REALNAME_LIMITS, **{k: decimal.Decimal(str(v)) for k, v in configured.items()}}


def _require(actor, obj, action):
    """Region scope and permission (``object_in_scope``) plus the company reporter's own-units rule."""
    if not object_in_scope(actor, obj, action):
        raise PermissionDenied(action)
    unit = obj.owning_unit() if hasattr(obj, "owning_unit") else None
    if unit is not None and not unit_visible_to(actor, unit):
        raise PermissionDenied(action)


def _require_unit(actor, unit):
    if unit is None:
        return
    if not unit_visible_to(actor, unit):
        raise PermissionDenied("unit")


# --- Catalogue ---------------------------------------------------------------------------------------


@db.atomic
def substance_sync_catalogue():
    """One precursor :class:`Substance` per catalogue chemical (core.Chemical): new ones get the default base
    unit (L for the liquids above, else kg) and tolerance; names, CAS and category follow the catalogue.
    Idempotent; returns the number created."""
    Chemical = apps.get_model("core", "Chemical")
    existing = {s.chemical_id: s for s in Substance.objects.filter(chemical__isnull=False)}
    created = 0
    for chemical in Chemical.objects.all():
        values = {"name_zh": chemical.name_zh, "name_en": chemical.name_en, "name_bo": chemical.name_bo,
                  "cas": chemical.cas, "category": chemical.category}
        substance = existing.get(chemical.pk)
        if substance is None:
            Substance.objects.create(
                kind=SubstanceKind.PRECURSOR, chemical=chemical,
                base_unit=BaseUnit.L if chemical.cas in LIQUID_CAS else BaseUnit.KG, **values)
            created += 1
        elif any(getattr(substance, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(substance, key, value)
            substance.save()
    if created:
        audit.log("precursors.substance.synced", object_type="precursors.substance", extra={"created": created})
    return created


def ensure_catalogue():
    """Sync the catalogue when a chemical has no substance yet (cheap: two counts), and make sure hydrogen, the
    watched gas of the cylinder register, is there."""
    Chemical = apps.get_model("core", "Chemical")
    if Substance.objects.filter(kind=SubstanceKind.PRECURSOR).count() < Chemical.objects.count():
        substance_sync_catalogue()
    substance_hydrogen()


def substance_hydrogen():
    """The watched substance hydrogen, reckoned in cylinders (created on first use)."""
    substance = Substance.objects.filter(cas=HYDROGEN["cas"]).first()
    if substance is None:
        substance = Substance.objects.create(kind=SubstanceKind.WATCHED, base_unit=BaseUnit.CYLINDER, **HYDROGEN)
        audit.log_change(substance, "created")
    return substance


def substance_create(*, actor, data):
    return object_create(actor=actor, model=Substance, data=data)


@db.atomic
def substance_update(*, actor, instance, data):
    """Change a substance; a new tolerance re-flags every unit that holds it."""
    before = (instance.tolerance_rate, instance.reconciliation_minimum)
    substance = object_update(actor=actor, instance=instance, data=data)
    if (substance.tolerance_rate, substance.reconciliation_minimum) != before:
        pairs = Transaction.objects.filter(substance=substance).values_list("unit_id", "substance_id").distinct()
        reconcile_pairs(set(pairs))
    return substance


# --- Units ---------------------------------------------------------------------------------------------


def normalise_credit_code(value):
    return str(value or "").strip().upper()


def _unit_data(data):
    data = dict(data)
    if "credit_code" in data:
        data["credit_code"] = normalise_credit_code(data["credit_code"])
    return data


def unit_create(*, actor, data):
    return object_create(actor=actor, model=Unit, data=_unit_data(data))


def unit_update(*, actor, instance, data):
    _require_unit(actor, instance)
    return object_update(actor=actor, instance=instance, data=_unit_data(data))


def unit_delete(*, actor, instance, reason="", version=None):
    """Void a unit (reason required); its records stay and it can be restored."""
    _require_unit(actor, instance)
    return object_delete(actor=actor, instance=instance, reason=reason, version=version)


# --- Counterparties and transactions -------------------------------------------------------------------


def resolve_counterparty(text, find_unit=None):
    """A counterparty given as text: the credit code of a registered unit -> (unit, ""), a valid resident
    ID number -> (None, number), nothing -> (None, ""). Anything else raises ValidationError.

    ``find_unit(code)`` looks a unit up (default: any registered unit: counterparties are often outside the
    caller's region)."""
    text = normalise_credit_code(text)
    if not text:
        return None, ""
    find_unit = find_unit or (lambda code: Unit.objects.filter(credit_code=code).first())
    unit = find_unit(text)
    if unit is not None:
        return unit, ""
    id_error = None
    if ID_RE.match(text):
        try:
            return None, parse_id_number(text)[0]
        except ValidationError as error:
            id_error = error
    try:
        validate_credit_code(text)
    except ValidationError:
        raise (id_error or ValidationError(_("Neither the credit code of a registered unit nor a resident ID "
                                             "number."), code="counterparty")) from None
    message = _("No unit with the credit code {code} is registered.").format(code=text)
    if id_error is not None:  # 18 digits pass both checks' formats: say why it is neither
        message = "{} {}".format(message, " ".join(id_error.messages))
    raise ValidationError(message, code="unknown_unit")


def transaction_values(data):
    """The derived fields of a ledger line: the quantity in the base unit and the month."""
    data = dict(data)
    if data.get("quantity") is not None and data.get("quantity_unit"):
        quantity = decimal.Decimal(data["quantity"])
        if quantity < 0:
            raise ValidationError({"quantity": _("A quantity cannot be negative.")})
        data["base_quantity"] = to_base(quantity, data["quantity_unit"])
    if data.get("date"):
        data["month"] = month_start(data["date"])
    if data.get("counterparty_id_number"):
        data["counterparty_id_number"] = normalise_id_number(data["counterparty_id_number"])
    return data


def new_ref(prefix="W"):
    """A reference for a line entered by hand: the time to the microsecond and a random suffix."""
    import secrets

    return f"{prefix}{timezone.now():%Y%m%d%H%M%S%f}{secrets.token_hex(2).upper()}"


@db.atomic
def transaction_create(*, actor, data):
    data = transaction_values(data)
    if not data.get("ref"):
        data["ref"] = new_ref()
    _require_unit(actor, data.get("unit"))
    if data.get("unit") and data.get("substance"):
        lock_pairs([(data["unit"].pk, data["substance"].pk)])
    record = object_create(actor=actor, model=Transaction, data=data)
    reconcile_pairs([(record.unit_id, record.substance_id)], buyer_ids=[record.counterparty_id_number])
    return record


@db.atomic
def transaction_update(*, actor, instance, data):
    _require(actor, instance, "change")
    merged = {"quantity": instance.quantity, "quantity_unit": instance.quantity_unit, "date": instance.date,
              **data}
    data = {**data, **{k: v for k, v in transaction_values(merged).items() if k in ("base_quantity", "month")}}
    if "counterparty_id_number" in data:
        data["counterparty_id_number"] = normalise_id_number(data["counterparty_id_number"])
    old_pair, old_buyer = (instance.unit_id, instance.substance_id), instance.counterparty_id_number
    new_unit, new_substance = data.get("unit", instance.unit), data.get("substance", instance.substance)
    _require_unit(actor, new_unit)
    lock_pairs([old_pair, (new_unit.pk, new_substance.pk)])
    record = object_update(actor=actor, instance=instance, data=data)
    reconcile_pairs([old_pair, (record.unit_id, record.substance_id)],
                    buyer_ids=[old_buyer, record.counterparty_id_number])
    return record


@db.atomic
def transaction_delete(*, actor, instance, reason="", version=None):
    """Void a ledger line (reason required) and reconcile its pair and buyer without it."""
    _require(actor, instance, "delete")
    if CylinderEvent.objects.filter(transaction=instance).exists():
        raise ValidationError(_("This line belongs to a cylinder's filling or sale; correct the cylinder instead."))
    pair, buyer = (instance.unit_id, instance.substance_id), instance.counterparty_id_number
    lock_pairs([pair])
    voided = object_delete(actor=actor, instance=instance, reason=reason, version=version)
    reconcile_pairs([pair], buyer_ids=[buyer])
    return voided


@db.atomic
def transaction_restore(*, actor, instance, reason=""):
    """Restore a voided ledger line; its pair and buyer are reconciled with it again."""
    _require_unit(actor, instance.unit)
    pair = (instance.unit_id, instance.substance_id)
    lock_pairs([pair])
    restored = object_restore(actor=actor, instance=instance, reason=reason)
    reconcile_pairs([pair], buyer_ids=[restored.counterparty_id_number])
    return restored


MONTHLY_DIRECTIONS = (Direction.PURCHASE, Direction.PRODUCTION, Direction.SALE, Direction.USE, Direction.LOSS)


def monthly_ref(unit, substance, month, direction):
    return f"M-{unit.credit_code}-{substance.pk}-{month:%Y%m}-{direction}"


@db.atomic
def monthly_report_submit(*, actor, unit, substance, month, quantity_unit, totals, stocktake=None):
    """A unit's monthly return (company reporters): one total per direction and the month-end stocktake.

    Each figure becomes one ledger line with a reference derived from unit, substance, month and direction,
    so that submitting the month again corrects it instead of adding to it. Correcting needs the change
    permission (officers); a reporter submits each month once. Returns the lines written.
    """
    month = month_start(month)
    _require_unit(actor, unit)
    if not object_in_scope(actor, unit, "view"):
        raise PermissionDenied("unit")
    lock_pairs([(unit.pk, substance.pk)])
    figures = {direction: totals.get(direction) for direction in MONTHLY_DIRECTIONS}
    figures[Direction.STOCKTAKE] = stocktake
    written = []
    with audit.batch():
        for direction, quantity in figures.items():
            ref = monthly_ref(unit, substance, month, direction)
            existing = Transaction.all_objects.filter(ref=ref).first()
            if existing is not None and existing.voided:
                raise ValidationError(_("The {direction} line of this month was voided; ask your county office to "
                                        "restore or correct it.").format(direction=Direction(direction).label))
            if existing is not None and not actor.has_perm("precursors.change_transaction"):
                raise ValidationError(_("This month has been submitted already; ask your county office to correct "
                                        "it."))
            day = month_end(month) if direction == Direction.STOCKTAKE else month
            if quantity in (None, ""):
                if existing is not None:
                    object_delete(actor=actor, instance=existing, reason=_("left empty in the monthly return"))
                continue
            data = transaction_values({"ref": ref, "unit": unit, "substance": substance, "direction": direction,
                                       "quantity": quantity, "quantity_unit": quantity_unit, "date": day})
            if existing is None:
                written.append(object_create(actor=actor, model=Transaction, data=data))
            else:
                written.append(object_update(actor=actor, instance=existing, data=data))
    reconcile_pairs([(unit.pk, substance.pk)])
    return written


# --- Licences ------------------------------------------------------------------------------------------


def _licence_pairs(licence_values):
    """The pairs whose flags depend on a licence: its holder's, and those of units that sold it the substance."""
    unit_id, substance_id = licence_values
    sellers = Transaction.objects.filter(counterparty_unit_id=unit_id, substance_id=substance_id,
                                         direction=Direction.SALE).values_list("unit_id", flat=True).distinct()
    return {(unit_id, substance_id)} | {(seller, substance_id) for seller in sellers}


@db.atomic
def licence_create(*, actor, data):
    _require_unit(actor, data.get("unit"))
    licence = object_create(actor=actor, model=Licence, data=data)
    reconcile_pairs(_licence_pairs((licence.unit_id, licence.substance_id)))
    return licence


@db.atomic
def licence_update(*, actor, instance, data):
    _require(actor, instance, "change")
    old = (instance.unit_id, instance.substance_id)
    licence = object_update(actor=actor, instance=instance, data=data)
    reconcile_pairs(_licence_pairs(old) | _licence_pairs((licence.unit_id, licence.substance_id)))
    return licence


@db.atomic
def licence_delete(*, actor, instance, reason="", version=None):
    """Void a licence (reason required): the lines it covered are checked again without it."""
    _require(actor, instance, "delete")
    pairs = _licence_pairs((instance.unit_id, instance.substance_id))
    voided = object_delete(actor=actor, instance=instance, reason=reason, version=version)
    reconcile_pairs(pairs)
    return voided


@db.atomic
def licence_restore(*, actor, instance, reason=""):
    _require_unit(actor, instance.unit)
    restored = object_restore(actor=actor, instance=instance, reason=reason)
    reconcile_pairs(_licence_pairs((restored.unit_id, restored.substance_id)))
    return restored


# --- Cylinders and equipment ---------------------------------------------------------------------------


def cylinder_create(*, actor, data):
    data = dict(data)
    _require_unit(actor, data.get("unit"))
    data.setdefault("substance", None)
    if data["substance"] is None:
        data["substance"] = substance_hydrogen()
    return object_create(actor=actor, model=Cylinder, data=data)


def cylinder_update(*, actor, instance, data):
    _require(actor, instance, "change")
    data = {key: value for key, value in data.items() if not (key == "substance" and value is None)}
    return object_update(actor=actor, instance=instance, data=data)


# Which step may follow which status, and the status it leaves.
CYLINDER_STEPS = {
    CylinderEventKind.FILLING: ({CylinderStatus.EMPTY}, CylinderStatus.FILLED),
    CylinderEventKind.SALE: ({CylinderStatus.FILLED}, CylinderStatus.SOLD),
    CylinderEventKind.RETURN: ({CylinderStatus.SOLD}, CylinderStatus.EMPTY),
}


@db.atomic
def cylinder_event_record(*, actor, cylinder, kind, date, buyer_name="", buyer_id_number="", buyer_phone="",
                          buyer_unit=None, document_no="", notes=""):
    """Record a filling, a sale or a return. The cylinder is locked while its status moves on (filling -> sale
    -> return -> filling ...); a filling and a sale are also ledger lines of the station (production and sale
    of one cylinder), so that the station's cylinders reconcile like any other stock."""
    locked = Cylinder.objects.select_for_update().select_related("unit", "substance").get(pk=cylinder.pk)
    _require(actor, locked, "view")
    allowed, after = CYLINDER_STEPS[kind]
    if locked.status not in allowed:
        raise ValidationError(_("A cylinder that is “{status}” cannot be recorded as “{step}”.").format(
            status=locked.get_status_display(), step=CylinderEventKind(kind).label))
    if locked.events.filter(date__gt=date).exists():
        raise ValidationError({"date": _("The cylinder has a later step already; record steps in order.")})
    buyer_id_number = normalise_id_number(buyer_id_number)
    event_data = {"cylinder": locked, "kind": kind, "date": date, "buyer_name": buyer_name.strip(),
                  "buyer_id_number": buyer_id_number, "buyer_phone": buyer_phone.strip(), "buyer_unit": buyer_unit,
                  "document_no": document_no, "notes": notes}
    if kind != CylinderEventKind.SALE:
        event_data.update(buyer_name="", buyer_id_number="", buyer_phone="", buyer_unit=None)
    CylinderEvent(**event_data).full_clean(exclude=["transaction"])
    if kind in (CylinderEventKind.FILLING, CylinderEventKind.SALE):
        lock_pairs([(locked.unit_id, locked.substance_id)])
        sequence = locked.events.count() + 1
        ledger = object_create(actor=actor, model=Transaction, data=transaction_values({
            "ref": f"CYL-{locked.serial}-{sequence:04d}",
            "unit": locked.unit, "substance": locked.substance,
            "direction": Direction.PRODUCTION if kind == CylinderEventKind.FILLING else Direction.SALE,
            "quantity": decimal.Decimal(1), "quantity_unit": QuantityUnit.CYLINDER, "date": date,
            "counterparty_unit": event_data["buyer_unit"],
            "counterparty_id_number": "" if event_data["buyer_unit"] else event_data["buyer_id_number"],
            "counterparty_name": "" if event_data["buyer_unit"] else event_data["buyer_name"],
            "document_no": document_no,
        }))
        event_data["transaction"] = ledger
    event = object_create(actor=actor, model=CylinderEvent, data=event_data)
    before = audit.snapshot(locked)
    locked.status = after
    locked.save(update_fields=["status", "last_updated"])
    audit.log_change(locked, "updated", before=before, after=audit.snapshot(locked))
    if event.transaction_id:
        reconcile_pairs([(locked.unit_id, locked.substance_id)], buyer_ids=[event.buyer_id_number])
    return event


def equipment_create(*, actor, data):
    _require_unit(actor, data.get("unit"))
    return object_create(actor=actor, model=Equipment, data=data)


def equipment_update(*, actor, instance, data):
    _require(actor, instance, "change")
    return object_update(actor=actor, instance=instance, data=data)


@db.atomic
def equipment_sale_record(*, actor, equipment, data):
    """Record a sale to a named buyer; the unit's holding goes down under a row lock (STYLE rule 9), so that two
    clerks cannot sell the same kettle twice."""
    locked = Equipment.objects.select_for_update().get(pk=equipment.pk)
    _require(actor, locked, "view")
    quantity = data.get("quantity") or 1
    if quantity > locked.quantity or locked.status in (EquipmentStatus.SOLD, EquipmentStatus.SCRAPPED):
        raise ValidationError({"quantity": _("Only {count} of this equipment are registered at the unit.").format(
            count=locked.quantity if locked.status not in (EquipmentStatus.SOLD, EquipmentStatus.SCRAPPED) else 0)})
    data = {**data, "equipment": locked, "quantity": quantity,
            "buyer_id_number": normalise_id_number(data.get("buyer_id_number"))}
    sale = object_create(actor=actor, model=EquipmentSale, data=data)
    before = audit.snapshot(locked)
    locked.quantity -= quantity
    if locked.quantity == 0:
        locked.status = EquipmentStatus.SOLD
        locked.quantity = 0
    locked.save(update_fields=["quantity", "status", "last_updated"])
    audit.log_change(locked, "updated", before=before, after=audit.snapshot(locked))
    return sale


# --- Inspections ---------------------------------------------------------------------------------------


@db.atomic
def inspection_save(*, actor, data, checks=None, instance=None, confirms_rectification=False):
    """Create or change an inspection with its checklist answers (``checks``: {ChecklistItem: (result, note)}).

    A follow-up visit that confirms the rectification closes the rectification of the visit it follows."""
    data = dict(data)
    _require_unit(actor, data.get("unit") or (instance.unit if instance else None))
    if instance is None:
        inspection = object_create(actor=actor, model=Inspection, data=data)
    else:
        inspection = object_update(actor=actor, instance=instance, data=data)
    for item, (result, note) in (checks or {}).items():
        current = InspectionCheck.objects.filter(inspection=inspection, item=item).first()
        if not result:
            if current is not None:
                current.delete()
            continue
        if current is None:
            InspectionCheck.objects.create(inspection=inspection, item=item, result=result, note=note or "")
        elif (current.result, current.note) != (result, note or ""):
            current.result, current.note = result, note or ""
            current.save()
    if checks:
        audit.log("precursors.inspection.checklist_saved", obj=inspection,
                  after={item.code: result for item, (result, _note) in checks.items() if result})
    original = inspection.follow_up_of
    if confirms_rectification and original is not None and original.rectified_on is None:
        object_update(actor=actor, instance=original, data={"rectified_on": inspection.date})
    return inspection


PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def photo_content_type(upload):
    """The photo's type from its first bytes (JPEG or PNG); anything else is refused."""
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    raise ValidationError({"image": _("Only JPEG and PNG photos are accepted.")})


@db.atomic
def inspection_add_photo(*, actor, inspection, upload, caption=""):
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"image": _("A photo may be at most 10 MB.")})
    content_type = photo_content_type(upload)
    extension = ".jpg" if content_type == "image/jpeg" else ".png"
    upload.name = "{}{}".format(timezone.now().strftime("%Y%m%d%H%M%S%f"), extension)
    photo = InspectionPhoto(inspection=inspection, caption=caption, content_type=content_type)
    _require(actor, photo, "add")
    photo.image = upload
    photo.full_clean()
    photo.save()
    audit.log_change(photo, "created")
    return photo


# --- The flag work list ------------------------------------------------------------------------------


def _flag_update(actor, flag, data):
    _require(actor, flag, "change")
    return object_update(actor=actor, instance=flag, data=data)


def flag_assign(*, actor, flag, user):
    """Hand a flag to an officer who can see it."""
    if not object_in_scope(user, flag, "view"):
        raise ValidationError({"assigned_to": _("{user} cannot see this unit's records.").format(user=user)})
    return _flag_update(actor, flag, {"assigned_to": user, "status": FlagStatus.ASSIGNED})


def flag_link_inspection(*, actor, flag, inspection):
    if inspection.unit_id != flag.unit_id:
        raise ValidationError({"inspection": _("The inspection must be of the flagged unit.")})
    return _flag_update(actor, flag, {"inspection": inspection})


def flag_resolve(*, actor, flag, resolution, dismiss=False):
    """Close a flag with what was found (resolved) or as a false alarm (dismissed)."""
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say what was found.")})
    status = FlagStatus.DISMISSED if dismiss else FlagStatus.RESOLVED
    return _flag_update(actor, flag, {"resolution": resolution.strip(), "status": status,
                                      "resolved_on": timezone.localdate()})


def flag_reopen(*, actor, flag):
    status = FlagStatus.ASSIGNED if flag.assigned_to_id else FlagStatus.OPEN
    return _flag_update(actor, flag, {"status": status, "resolved_on": None})


# --- The reconciliation ----------------------------------------------------------------------------------


def lock_pairs(pairs):
    """Create the missing :class:`StockBalance` rows of ``pairs`` and lock them (in id order: no deadlocks).

    Every write that changes a pair's ledger takes this lock before it writes, so two writers of one pair run
    one after the other and the second recomputes with the first's rows committed."""
    pairs = sorted({(int(u), int(s)) for u, s in pairs if u and s})
    if not pairs:
        return {}
    StockBalance.objects.bulk_create([StockBalance(unit_id=u, substance_id=s) for u, s in pairs],
                                     ignore_conflicts=True)
    wanted = set(pairs)
    locked = {}
    for chunk in _chunks(pairs):
        rows = StockBalance.objects.select_for_update().filter(
            unit_id__in={u for u, _ in chunk}, substance_id__in={s for _, s in chunk}).order_by("id")
        locked.update({(b.unit_id, b.substance_id): b for b in rows if (b.unit_id, b.substance_id) in wanted})
    return locked


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _pair_filter(chunk, prefix=""):
    return Q(**{f"{prefix}unit_id__in": {u for u, _ in chunk}, f"{prefix}substance_id__in": {s for _, s in chunk}})


def monthly_totals(pairs, stocktake_dates=None):
    """{pair: [MonthTotals, ...]} for ``pairs`` (months with transactions, in order).

    ``stocktake_dates``, a dict, receives {pair: date of the pair's last stocktake} when given."""
    pairs = set(pairs)
    totals = collections.defaultdict(dict)
    for chunk in _chunks(sorted(pairs)):
        rows = Transaction.objects.filter(_pair_filter(chunk)).values("unit_id", "substance_id", "month").annotate(
            inflow=Sum("base_quantity", filter=Q(direction__in=INFLOWS), default=0),
            outflow=Sum("base_quantity", filter=Q(direction__in=OUTFLOWS), default=0),
        ).order_by()
        for row in rows:
            pair = (row["unit_id"], row["substance_id"])
            if pair in pairs:
                totals[pair][row["month"]] = [_dec(row["inflow"]), _dec(row["outflow"]), None]
        stocktakes = Transaction.objects.filter(_pair_filter(chunk), direction=Direction.STOCKTAKE).order_by(
            "unit_id", "substance_id", "month", "date", "id").values_list("unit_id", "substance_id", "month",
                                                                          "base_quantity", "date")
        for unit_id, substance_id, month, quantity, day in stocktakes:
            pair = (unit_id, substance_id)
            if pair in pairs:
                totals[pair][month][2] = _dec(quantity)  # ordered by date and id: the month's last one wins
                if stocktake_dates is not None:
                    stocktake_dates[pair] = day
    return {pair: [MonthTotals(month, *values) for month, values in sorted(months.items())]
            for pair, months in totals.items()}


def _dec(value):
    return decimal.Decimal(value or 0).quantize(PLACES)


def _q6(value):
    return None if value is None else decimal.Decimal(value).quantize(PLACES, rounding=decimal.ROUND_HALF_UP)


def month_results(pair):
    """The reconciliation of one pair month by month (for the unit page)."""
    substance = Substance.objects.get(pk=pair[1])
    months = monthly_totals([pair]).get(pair, [])
    return reconcile(months, rate=substance.tolerance_rate, minimum=substance.reconciliation_minimum)


class FlagStore:
    """Brings stored flags in line with the flags the current data raise.

    ``desired``: {key: values} where key is (unit_id, substance_id, rule, month) for month rules and
    (rule, transaction_id) for transaction rules. Existing flags that are no longer raised are deleted when
    nobody worked on them, else kept as inactive (``active=False``) with their history."""

    VALUE_FIELDS = ("unit_id", "substance_id", "month", "month_end", "opening", "expected", "stocktake",
                    "difference", "tolerance", "detail", "active")

    def __init__(self):
        self.raised = self.cleared = self.updated = 0

    @staticmethod
    def key(flag):
        if flag.rule in MONTH_RULES:
            return (flag.unit_id, flag.substance_id, flag.rule, flag.month)
        return (flag.rule, flag.transaction_id)

    def apply(self, existing, desired):
        existing_by_key = {}
        stale = []
        for flag in existing:
            key = self.key(flag)
            if key in existing_by_key or (flag.rule not in MONTH_RULES and flag.transaction_id is None):
                stale.append(flag)
            else:
                existing_by_key[key] = flag
        to_create, to_update = [], []
        for key, values in desired.items():
            values = {**values, "active": True}
            flag = existing_by_key.pop(key, None)
            if flag is None:
                to_create.append(ReconciliationFlag(**values))
            elif any(getattr(flag, name) != values.get(name, getattr(flag, name)) for name in self.VALUE_FIELDS):
                for name, value in values.items():
                    setattr(flag, name, value)
                to_update.append(flag)
        stale.extend(existing_by_key.values())
        delete_ids = []
        for flag in stale:
            if flag.is_worked:
                if flag.active:
                    flag.active = False
                    to_update.append(flag)
            else:
                delete_ids.append(flag.pk)
        if delete_ids:
            ReconciliationFlag.objects.filter(pk__in=delete_ids).delete()
        if to_create:
            ReconciliationFlag.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            now = timezone.now()
            for flag in to_update:
                flag.last_updated = now
            ReconciliationFlag.objects.bulk_update(to_update, [*self.VALUE_FIELDS, "rule", "transaction",
                                                               "last_updated"], batch_size=1000)
        self.raised += len(to_create)
        self.cleared += len(delete_ids) + sum(1 for flag in to_update if not flag.active)
        self.updated += len(to_update)


def _month_flags(pair, results, substance):
    desired = {}
    for result in results:
        common = {"unit_id": pair[0], "substance_id": pair[1], "month": result.month,
                  "month_end": month_end(result.month), "opening": _q6(result.opening),
                  "expected": _q6(result.expected), "stocktake": _q6(result.stocktake),
                  "difference": _q6(result.difference), "tolerance": _q6(result.tolerance)}
        if result.flagged:
            desired[(pair[0], pair[1], FlagRule.RECONCILIATION, result.month)] = {
                **common, "rule": FlagRule.RECONCILIATION,
                "detail": _("Stocktake {stocktake} differs from the expected {expected} {unit} by more than "
                            "{tolerance}.").format(stocktake=_q6(result.stocktake), expected=_q6(result.expected),
                                                   unit=substance.base_unit, tolerance=_q6(result.tolerance))}
        if result.expected < 0:
            desired[(pair[0], pair[1], FlagRule.NEGATIVE_STOCK, result.month)] = {
                **common, "rule": FlagRule.NEGATIVE_STOCK,
                "detail": _("More went out than the unit held: expected stock {expected} {unit}.").format(
                    expected=_q6(result.expected), unit=substance.base_unit)}
    return desired


def _transaction_flag(record, rule, detail):
    return {"unit_id": record.unit_id, "substance_id": record.substance_id, "rule": rule, "month": record.month,
            "month_end": month_end(record.month), "transaction_id": record.pk, "detail": detail[:300]}


def _licence_flags(records, licences_by_key, buyer_licences):
    """Licence rules for the ledger lines of some pairs.

    - licence_validity: a purchase, production, sale or transfer of a catalogue precursor on a day no licence or
      filing of the matching kind (purchase, production, trade, transport) of the unit covers;
    - licence_quantity: such a line beyond what the covering licences allow (lines take their quantity from the
      covering licence that ends first, in date order);
    - unlicensed_buyer: a sale to a unit without a purchase licence or filing valid on the day, or a sale of a
      category 1 or 2 precursor to a natural person (who may not buy them).
    """
    desired = {}
    used = collections.defaultdict(decimal.Decimal)
    for record in sorted(records, key=lambda r: (r.date, r.pk)):
        substance = record.substance
        if substance.kind != SubstanceKind.PRECURSOR:
            continue
        kind = LICENCE_FOR_DIRECTION.get(record.direction)
        if kind is not None:
            licences = licences_by_key.get((record.unit_id, record.substance_id, kind), [])
            covering = sorted((lic for lic in licences if lic.covers(record.date)), key=lambda lic: lic.valid_until)
            if not covering:
                detail = _("No {kind} licence or filing of the unit is valid on {date}.").format(
                    kind=LicenceKind(kind).label, date=record.date)
                expired = [lic for lic in licences if lic.valid_until < record.date]
                if expired:
                    latest = max(expired, key=lambda lic: lic.valid_until)
                    detail = _("Licence {number} expired on {date}.").format(number=latest.number,
                                                                             date=latest.valid_until)
                desired[(FlagRule.LICENCE_VALIDITY, record.pk)] = _transaction_flag(
                    record, FlagRule.LICENCE_VALIDITY, detail)
            else:
                remaining = record.base_quantity
                for licence in covering:
                    if licence.quantity_allowed is None:
                        remaining = 0
                        break
                    room = licence.quantity_allowed - used[licence.pk]
                    take = min(room, remaining) if room > 0 else 0
                    used[licence.pk] += take
                    remaining -= take
                    if remaining <= 0:
                        break
                if remaining > 0:
                    desired[(FlagRule.LICENCE_QUANTITY, record.pk)] = _transaction_flag(
                        record, FlagRule.LICENCE_QUANTITY,
                        _("{quantity} {unit} beyond what licence {number} allows.").format(
                            quantity=_q6(remaining), unit=substance.base_unit, number=covering[0].number))
        if record.direction == Direction.SALE:
            if record.counterparty_unit_id:
                held = buyer_licences.get((record.counterparty_unit_id, record.substance_id), [])
                if not any(lic.covers(record.date) for lic in held):
                    desired[(FlagRule.UNLICENSED_BUYER, record.pk)] = _transaction_flag(
                        record, FlagRule.UNLICENSED_BUYER,
                        _("The buyer {buyer} holds no purchase licence or filing valid on {date}.").format(
                            buyer=record.counterparty_unit, date=record.date))
            elif record.counterparty_id_number and substance.category in ("1", "2"):
                desired[(FlagRule.UNLICENSED_BUYER, record.pk)] = _transaction_flag(
                    record, FlagRule.UNLICENSED_BUYER,
                    _("A category {category} precursor was sold to a natural person.").format(
                        category=substance.category))
    return desired


def reconcile_pairs(pairs, buyer_ids=(), month_rules=True):
    """Recompute the flags and balances of ``pairs`` (unit id, substance id) and of real-name ``buyer_ids``.

    Month rules (reconciliation, negative stock) and licence rules are recomputed for the pairs; the buyer rules
    for the buyers of the pairs' sales and for ``buyer_ids`` (a changed line's former buyer). Returns the
    :class:`FlagStore` counts. Runs in one transaction and locks the pairs' balance rows. ``month_rules=False``
    skips the month rules and balances (``jindu reconcile`` computes those set-based, see ``bulk``)."""
    pairs = sorted({(int(u), int(s)) for u, s in pairs if u and s})
    store = FlagStore()
    buyers = {normalise_id_number(b) for b in buyer_ids if b}
    with db.atomic():
        balances = lock_pairs(pairs) if month_rules else {}
        substances = Substance.objects.in_bulk({s for _, s in pairs})
        for chunk in _chunks(pairs):
            chunk_set = set(chunk)
            if month_rules:
                _reconcile_months(chunk, chunk_set, substances, balances, store)
            records = [r for r in Transaction.objects.filter(
                _pair_filter(chunk), direction__in=[*LICENCE_FOR_DIRECTION]).select_related(
                "substance", "counterparty_unit") if (r.unit_id, r.substance_id) in chunk_set]
            buyers |= {r.counterparty_id_number for r in records
                       if r.direction == Direction.SALE and r.counterparty_id_number}
            licences = collections.defaultdict(list)
            for licence in Licence.objects.filter(_pair_filter(chunk)):
                licences[(licence.unit_id, licence.substance_id, licence.kind)].append(licence)
            buyer_licences = collections.defaultdict(list)
            buyer_units = {r.counterparty_unit_id for r in records if r.counterparty_unit_id}
            for licence in Licence.objects.filter(unit_id__in=buyer_units, kind=LicenceKind.PURCHASE,
                                                  substance_id__in={s for _, s in chunk}):
                buyer_licences[(licence.unit_id, licence.substance_id)].append(licence)
            desired = _licence_flags(records, licences, buyer_licences)
            ids = [r.pk for r in records]
            existing = list(ReconciliationFlag.objects.filter(
                Q(_pair_filter(chunk)) | Q(transaction_id__in=ids), rule__in=PAIR_TRANSACTION_RULES))
            existing = [f for f in existing if (f.unit_id, f.substance_id) in chunk_set or f.transaction_id in ids]
            store.apply(existing, desired)
        if buyers:
            reconcile_buyers(buyers, store)
        if store.raised or store.cleared:
            audit.log("precursors.reconciliation.recomputed", object_type="precursors.reconciliationflag",
                      extra={"pairs": len(pairs), "buyers": len(buyers), "raised": store.raised,
                             "cleared": store.cleared})
    return store


BALANCE_FIELDS = ("first_month", "last_month", "closing_expected", "last_stocktake", "last_stocktake_on",
                  "computed_at", "last_updated")


def _reconcile_months(chunk, chunk_set, substances, balances, store):
    stocktake_dates = {}
    totals = monthly_totals(chunk, stocktake_dates)
    month_desired = {}
    changed_balances = []
    for pair in chunk:
        substance = substances[pair[1]]
        results = reconcile(totals.get(pair, []), rate=substance.tolerance_rate,
                            minimum=substance.reconciliation_minimum)
        month_desired.update(_month_flags(pair, results, substance))
        if pair in balances:
            changed_balances.append(_set_balance(balances[pair], results, stocktake_dates.get(pair)))
    StockBalance.objects.bulk_update(changed_balances, BALANCE_FIELDS, batch_size=1000)
    existing = [f for f in ReconciliationFlag.objects.filter(_pair_filter(chunk), rule__in=MONTH_RULES)
                if (f.unit_id, f.substance_id) in chunk_set]
    store.apply(existing, month_desired)


def _set_balance(balance, results, last_stocktake_on):
    stocktakes = [r for r in results if r.stocktake is not None]
    balance.first_month = results[0].month if results else None
    balance.last_month = results[-1].month if results else None
    balance.closing_expected = _q6(results[-1].expected) if results else None
    balance.last_stocktake = _q6(stocktakes[-1].stocktake) if stocktakes else None
    balance.last_stocktake_on = last_stocktake_on if stocktakes else None
    balance.computed_at = balance.last_updated = timezone.now()
    return balance


def _drug_record_lookup():
    """persons.selectors.person_by_id_number when the persons app is installed, else None."""
    if not apps.is_installed("jindu.persons"):
        return None
    try:
        return import_string("jindu.persons.selectors.person_by_id_number")
    except ImportError:
        return None


def reconcile_buyers(buyer_ids, store=None):
    """The buyer rules for real-name buyers (natural persons by ID number), across every seller:

    - realname_volume: a sale after which the buyer holds more than the limit (2 cylinders, 25 kg, 25 L by
      default; ``JINDU_PRECURSORS_REALNAME_LIMITS``) bought within 30 days;
    - buyer_drug_record: a sale to a person registered in the persons app (looked up, audited once per run).
    """
    store = store or FlagStore()
    buyers = sorted({normalise_id_number(b) for b in buyer_ids if b})
    limits = realname_limits()
    lookup = _drug_record_lookup()
    checked = 0
    for chunk in _chunks(buyers):
        hashes = [id_hash(buyer) for buyer in chunk]  # the numbers are encrypted: found by their keyed hash
        sales = list(Transaction.objects.filter(counterparty_id_hash__in=hashes, direction=Direction.SALE)
                     .select_related("substance").order_by("counterparty_id_hash", "date", "id"))
        desired = {}
        by_buyer = collections.defaultdict(list)
        for sale in sales:
            by_buyer[sale.counterparty_id_number].append(sale)
        for buyer, rows in by_buyer.items():
            for base_unit, limit in limits.items():
                window = [r for r in rows if r.substance.base_unit == base_unit]
                for index, sale in enumerate(window):
                    start = sale.date - datetime.timedelta(days=REALNAME_WINDOW_DAYS - 1)
                    bought = sum((r.base_quantity for r in window[:index + 1] if r.date >= start), decimal.Decimal(0))
                    if bought > limit:
                        desired[(FlagRule.REALNAME_VOLUME, sale.pk)] = _transaction_flag(
                            sale, FlagRule.REALNAME_VOLUME,
                            _("The buyer bought {quantity} {unit} within 30 days (limit {limit}).").format(
                                quantity=_q6(bought), unit=base_unit, limit=limit))
            if lookup is not None:
                checked += 1
                if lookup(buyer) is not None:
                    for sale in rows:
                        desired[(FlagRule.BUYER_DRUG_RECORD, sale.pk)] = _transaction_flag(
                            sale, FlagRule.BUYER_DRUG_RECORD, _("The buyer is registered for drug use."))
        existing = ReconciliationFlag.objects.filter(rule__in=BUYER_RULES).filter(
            Q(transaction__counterparty_id_hash__in=hashes) | Q(transaction__isnull=True))
        store.apply(list(existing), desired)
    if checked:
        audit.log("precursors.buyer.checked", object_type="persons.person", extra={"buyers": checked})
    return store


class PendingReconciliation:
    """Pairs and buyers an import touched; recomputed once each when the import's transaction commits.

    The import's ``after_import`` hook registers :meth:`run` with ``transaction.on_commit``: when the import is
    refused (rolled back) nothing is recomputed, and a file of 100,000 lines of 50 pairs recomputes 50 pairs,
    not 100,000."""

    def __init__(self):
        self.pairs, self.buyers = set(), set()

    def add(self, pair, buyer=""):
        self.pairs.add(pair)
        if buyer:
            self.buyers.add(buyer)

    def run(self):
        if self.pairs or self.buyers:
            reconcile_pairs(self.pairs, buyer_ids=self.buyers)


def reconcile_all(region=None, months_only=False):
    """Recompute everything (of ``region``): the month rules and balances set-based (``bulk``), then, unless
    ``months_only``, the licence and buyer rules pair by pair. ``jindu reconcile`` runs this after bulk loads
    and whenever stored flags might be stale. Returns a dict of counts."""
    from .bulk import reconcile_region_months

    counts = reconcile_region_months(region)
    if not months_only:
        queryset = Transaction.objects.all()
        if region is not None:
            queryset = queryset.filter(unit__region__path__startswith=region.path)
        pairs = set(queryset.values_list("unit_id", "substance_id").distinct())
        store = reconcile_pairs(pairs, month_rules=False)
        counts.update(rules_raised=store.raised, rules_cleared=store.cleared)
    return counts
