"""Records of precursor control (易制毒化学品管控): units, what they may hold, their licences, their ledgers,
hydrogen cylinders and equipment, grid inspections, and the flags of the reconciliation.

Every record of a unit is scoped by the unit's region; a company reporter additionally sees only
the units of their own organisation (:class:`UnitScopedQuerySet`).
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.common.crypto import EncryptedTextField, blind_index
from jindu.common.features import LiveManager, LiveQuerySet, VersionedModel, VoidableModel
from jindu.common.identifiers import parse_id_number, validate_credit_code
from jindu.common.models import JinduModel, RestrictedManager
from jindu.core.models import LocalizedNameMixin

from .choices import (
    BaseUnit,
    CheckResult,
    CylinderEventKind,
    CylinderStatus,
    Direction,
    EquipmentStatus,
    FlagRule,
    FlagStatus,
    FoundBy,
    InspectionKind,
    LicenceForm,
    LicenceKind,
    MedicineClass,
    QuantityUnit,
    SubstanceKind,
    UnitKind,
    UnitStatus,
)

QUANTITY = {"max_digits": 20, "decimal_places": 6}
REPORTER_ROLE = "company_reporter"
# Roles that see every unit of their region; a company reporter without one of these sees only their own units.
REGION_WIDE_ROLES = frozenset({"regional_officer", "prefecture_officer", "county_officer", "leader"})
LICENCE_EXPIRING_DAYS = 30


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- Company reporters: own units only ---------------------------------------------------------


def reporter_organisation_id(user):
    """The organisation id a company reporter is limited to; None when the user is not limited.

    A reporter without an organisation is limited to nothing (0 matches no row).
    """
    codes = getattr(user, "role_codes", frozenset())
    if REPORTER_ROLE not in codes or codes & REGION_WIDE_ROLES:
        return None
    return getattr(user, "organisation_id", None) or 0


class UnitScopedQuerySet(LiveQuerySet):
    """``restrict()`` plus the company reporter rule: a reporter's rows are those of their organisation's units.

    (``live()``, from :class:`LiveQuerySet`, hides voided rows of the voidable records.)"""

    def restrict(self, user, action="view"):
        queryset = super().restrict(user, action)
        organisation_id = reporter_organisation_id(user) if user is not None and user.is_authenticated else None
        if organisation_id is None:
            return queryset
        path = self.model.unit_field
        lookup = f"{path}__organisation_id" if path else "organisation_id"
        queryset = queryset.filter(**{lookup: organisation_id})
        hidden = getattr(self.model, "hidden_from_reporters", None)
        return queryset.exclude(hidden) if hidden is not None else queryset


class UnitScopedManager(RestrictedManager.from_queryset(UnitScopedQuerySet)):
    """Every row (voided ones included): the default manager of the voidable records."""


class LiveUnitScopedManager(LiveManager.from_queryset(UnitScopedQuerySet)):
    """The rows code reads through: voided ones are not there."""


class UnitScopedModel(JinduModel):
    """A record that belongs to a unit (``unit_field``: path to it, "" for the unit itself)."""

    unit_field = "unit"

    objects = UnitScopedManager()

    class Meta:
        abstract = True

    def owning_unit(self):
        obj = self
        for part in filter(None, self.unit_field.split("__")):
            obj = getattr(obj, part)
        return obj


class UnitRecord(VoidableModel, VersionedModel, UnitScopedModel):
    """An editable record of a unit (the unit itself, licences, ledger lines, cylinders, equipment, inspections):
    deleting voids it (reason required, restorable) and every edit is checked against the version it started
    from (docs/security.md "Adoption")."""

    all_objects = UnitScopedManager()
    objects = LiveUnitScopedManager()

    class Meta:
        abstract = True


class IdentityHashes(models.Model):
    """Encrypted identity numbers with a keyed hash beside each (``id_hash_fields``: {number field: hash
    field}) for exact look-ups: the buyer rules find a buyer's purchases by the hash, never by the clear value.
    The hash is derived storage, kept in step on every save (like the specimen model of common/testing)."""

    id_hash_fields = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for number_field, hash_field in self.id_hash_fields.items():
            setattr(self, hash_field, id_hash(getattr(self, number_field)))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *(h for n, h in self.id_hash_fields.items()
                                                         if n in update_fields)}
        super().save(*args, **kwargs)


def id_hash(number):
    """The keyed hash of a resident ID number ("" for none); upper-cased first, as the persons app does."""
    number = str(number or "").strip().upper()
    return blind_index(number) if number else ""


def buyer_for(user, record, id_field, buyer_unit_id, masked):
    """What ``user`` sees of a record's buyer: the buying unit, the masked name and ID number, or, for roles
    without the record's identity category, "a natural person (real-name sale)"."""
    from jindu.common.fieldrules import readable

    if buyer_unit_id or not getattr(record, id_field) or readable(user, type(record), id_field):
        return masked
    return str(_("a natural person (real-name sale)"))


def unit_visible_to(user, unit, action="view"):
    """In memory, the company reporter half of the rule (the region half is ``object_in_scope``)."""
    organisation_id = reporter_organisation_id(user)
    return organisation_id is None or unit.organisation_id == organisation_id


# --- Catalogue ------------------------------------------------------------------------------------


class Substance(LocalizedNameMixin, JinduModel):
    """Anything a unit must account for: a catalogue precursor (one row per ``core.Chemical``, created by
    ``services.substance_sync_catalogue``), a narcotic or psychotropic medicine, or a watched unscheduled
    chemical (hydrogen, for example). It carries the base unit of its stock and the reconciliation tolerance.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=SubstanceKind.choices)
    chemical = models.OneToOneField(
        "core.Chemical", verbose_name=_("catalogue chemical"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="substance",
    )
    name_zh = models.CharField(_("Chinese name"), max_length=128, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_bo = models.CharField(_("Tibetan name"), max_length=200, blank=True)
    cas = models.CharField(_("CAS number"), max_length=20, blank=True, db_index=True)
    category = models.CharField(_("precursor category"), max_length=4, blank=True,
                                help_text=_("1, 2 or 3 for catalogue precursors"))
    medicine_class = models.CharField(_("medicine class"), max_length=16, choices=MedicineClass.choices, blank=True)
    base_unit = models.CharField(_("base unit"), max_length=8, choices=BaseUnit.choices, default=BaseUnit.KG)
    tolerance_rate = models.DecimalField(
        _("tolerance (share of expected stock)"), max_digits=6, decimal_places=4, default=0.01,
        help_text=_("0.01 = 1%"),
    )
    reconciliation_minimum = models.DecimalField(
        _("minimum tolerance (base unit)"), max_digits=14, decimal_places=6, default=1,
        help_text=_("A discrepancy is flagged only when it exceeds both the share and this amount."),
    )
    is_active = models.BooleanField(_("supervised"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["kind", "category", "name_zh"]
        verbose_name = _("substance")
        verbose_name_plural = _("substances")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind=SubstanceKind.PRECURSOR, chemical__isnull=False)
                           | (~models.Q(kind=SubstanceKind.PRECURSOR) & models.Q(chemical__isnull=True))),
                name="precursors_substance_precursor_has_chemical",
                violation_error_message=_("A catalogue precursor is linked to its catalogue chemical; other "
                                          "substances are not."),
            ),
            models.CheckConstraint(
                condition=models.Q(tolerance_rate__gte=0) & models.Q(reconciliation_minimum__gte=0),
                name="precursors_substance_tolerance_not_negative",
                violation_error_message=_("Tolerances cannot be negative."),
            ),
        ]

    def clean(self):
        if self.kind == SubstanceKind.MEDICINE and not self.medicine_class:
            raise ValidationError({"medicine_class": _("A medicine needs its class.")})

    @property
    def label(self):
        return f"{self.name}（{self.cas}）" if self.cas else self.name


class EquipmentType(LocalizedNameMixin, JinduModel):
    """A kind of equipment that can make drugs and is registered per unit (glass reaction kettle, large glass
    bottle, tablet press ...)."""

    name_zh = models.CharField(_("Chinese name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    name_bo = models.CharField(_("Tibetan name"), max_length=128, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("supervised"), default=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("equipment type")
        verbose_name_plural = _("equipment types")


class ChecklistItem(LocalizedNameMixin, JinduModel):
    """One point of the inspection checklist (ledger kept, storage locked, ...); configurable by officers."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese text"), max_length=200)
    name_en = models.CharField(_("English text"), max_length=200, blank=True)
    name_bo = models.CharField(_("Tibetan text"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")


# --- Units ------------------------------------------------------------------------------------------


class Unit(UnitRecord):
    """A unit that handles precursor chemicals or controlled medicines, identified by its unified social credit
    code. Found by a grid sweep or registered directly; its region is the county that supervises it."""

    scope_field = "region"
    unit_field = ""
    audit_masked_fields = ("contact_phone",)
    field_categories = {"contact_name": "contact", "contact_phone": "contact", "responsible_person": "contact"}

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    grid = models.CharField(_("grid"), max_length=100, blank=True,
                            help_text=_("the township or village grid that found or looks after the unit"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    licence_no = models.CharField(_("licence number"), max_length=64, blank=True)
    found_by = models.CharField(_("found by"), max_length=16, choices=FoundBy.choices, default=FoundBy.REGISTRATION)
    found_on = models.DateField(_("found on"), null=True, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("reporting organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="precursor_units",
        help_text=_("company reporters of this organisation submit the unit's ledger and see only its records"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["region", "kind"], name="precursors_unit_region_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="precursors_unit_credit_code_format",
                violation_error_message=_("A unified social credit code has 18 characters."),
            ),
        ]

    def __str__(self):
        return self.name


# --- Licences and filings -----------------------------------------------------------------------------


class Licence(UnitRecord):
    """A licence (许可证) or filing certificate (备案证明) of a unit for one substance: what it may produce,
    trade, purchase or transport, how much, and when."""

    scope_field = "unit__region"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="licences")
    substance = models.ForeignKey(Substance, verbose_name=_("substance"), on_delete=models.PROTECT,
                                  related_name="licences")
    number = models.CharField(_("licence number"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=LicenceKind.choices)
    form = models.CharField(_("form"), max_length=16, choices=LicenceForm.choices, default=LicenceForm.LICENCE)
    quantity_allowed = models.DecimalField(
        _("quantity allowed (base unit)"), null=True, blank=True, **QUANTITY,
        help_text=_("empty: no quantity limit"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    issued_by = models.CharField(_("issued by"), max_length=128, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-valid_until", "number"]
        verbose_name = _("licence or filing")
        verbose_name_plural = _("licences and filings")
        constraints = [
            models.UniqueConstraint(fields=["number", "kind", "substance"], name="precursors_licence_number_unique",
                                    violation_error_message=_("This licence number exists already for this "
                                                              "kind and substance.")),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="precursors_licence_validity_order",
                                   violation_error_message=_("A licence cannot end before it starts.")),
            models.CheckConstraint(condition=models.Q(quantity_allowed__isnull=True)
                                   | models.Q(quantity_allowed__gte=0),
                                   name="precursors_licence_quantity_not_negative",
                                   violation_error_message=_("The quantity allowed cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.number}（{self.get_kind_display()}）"

    def covers(self, day):
        return self.valid_from <= day <= self.valid_until

    def state(self, today=None):
        """valid, expiring (within 30 days), expired or pending (not yet valid)."""
        today = today or datetime.date.today()
        if today < self.valid_from:
            return "pending"
        if today > self.valid_until:
            return "expired"
        if (self.valid_until - today).days <= LICENCE_EXPIRING_DAYS:
            return "expiring"
        return "valid"


# --- Ledger ------------------------------------------------------------------------------------------


class Transaction(IdentityHashes, UnitRecord):
    """One ledger line of a unit: a purchase, production, sale, use, loss, stocktake or transfer of a substance.

    ``quantity`` and ``quantity_unit`` are as recorded; ``base_quantity`` is the same amount in the substance's
    base unit (t -> kg x 1000), and ``month`` the first day of the month of ``date``: the reconciliation works on
    these two. A counterparty is another unit, or a natural person by ID number for real-name retail sales.
    """

    scope_field = "unit__region"
    audit_masked_fields = ("counterparty_id_number", "counterparty_name")
    field_categories = {"counterparty_id_number": "identity", "counterparty_name": "identity"}
    id_hash_fields = {"counterparty_id_number": "counterparty_id_hash"}

    ref = models.CharField(_("reference"), max_length=64, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="transactions")
    substance = models.ForeignKey(Substance, verbose_name=_("substance"), on_delete=models.PROTECT,
                                  related_name="transactions")
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    quantity_unit = models.CharField(_("unit of measure"), max_length=8, choices=QuantityUnit.choices)
    base_quantity = models.DecimalField(_("quantity in base unit"), editable=False, **QUANTITY)
    date = models.DateField(_("date"))
    month = models.DateField(_("month"), editable=False)
    counterparty_unit = models.ForeignKey(
        Unit, verbose_name=_("counterparty unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="counterparty_transactions",
    )
    counterparty_id_number = EncryptedTextField(_("buyer's ID number"), blank=True, default="")
    counterparty_id_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    counterparty_name = models.CharField(_("buyer's name"), max_length=50, blank=True)
    document_no = models.CharField(_("document number"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        indexes = [
            models.Index(fields=["unit", "substance", "month"], name="precursors_tx_pair_month"),
            models.Index(fields=["date"], name="precursors_tx_date"),
            # The last stocktake of each pair and month, read in order without touching the table: base_quantity
            # is the last key column rather than an INCLUDE column, which SQLite lacks (check models.W040), so
            # the index covers the read on both databases.
            models.Index(fields=["unit", "substance", "month", "-date", "-id", "base_quantity"],
                         condition=models.Q(direction="stocktake", voided=False), name="precursors_tx_stocktakes"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0) & models.Q(base_quantity__gte=0),
                                   name="precursors_tx_quantity_not_negative",
                                   violation_error_message=_("A quantity cannot be negative.")),
            models.CheckConstraint(
                condition=models.Q(counterparty_unit__isnull=True) | models.Q(counterparty_id_number=""),
                name="precursors_tx_one_counterparty",
                violation_error_message=_("A counterparty is a unit or a person, not both."),
            ),
        ]

    def __str__(self):
        return self.ref

    def clean(self):
        errors = {}
        if self.counterparty_id_number:
            try:
                self.counterparty_id_number = parse_id_number(self.counterparty_id_number)[0]
            except ValidationError as error:
                errors["counterparty_id_number"] = error.messages
        if self.counterparty_unit_id and self.counterparty_unit_id == self.unit_id:
            errors["counterparty_unit"] = _("A unit cannot be its own counterparty.")
        if errors:
            raise ValidationError(errors)

    @property
    def counterparty_display(self):
        from jindu.common.masking import mask_id_number, mask_name

        if self.counterparty_unit_id:
            return str(self.counterparty_unit)
        if self.counterparty_id_number:
            name = mask_name(self.counterparty_name) if self.counterparty_name else ""
            return f"{name} {mask_id_number(self.counterparty_id_number)}".strip()
        return ""

    def counterparty_for(self, user):
        """The counterparty for ``user``: a role without the identity field category (company reporters) is told
        only that the buyer was a natural person."""
        return buyer_for(user, self, "counterparty_id_number", self.counterparty_unit_id, self.counterparty_display)


class StockBalance(UnitScopedModel):
    """The reconciled position of one unit x substance: the row the reconciliation locks (STYLE rule 9) while it
    recomputes the pair, and the expected stock shown on the unit's page."""

    scope_field = "unit__region"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="balances")
    substance = models.ForeignKey(Substance, verbose_name=_("substance"), on_delete=models.PROTECT,
                                  related_name="balances")
    first_month = models.DateField(_("first month"), null=True, blank=True)
    last_month = models.DateField(_("last month"), null=True, blank=True)
    closing_expected = models.DecimalField(_("expected stock at the end of the last month"), null=True, blank=True,
                                           **QUANTITY)
    last_stocktake = models.DecimalField(_("last stocktake"), null=True, blank=True, **QUANTITY)
    last_stocktake_on = models.DateField(_("last stocktake on"), null=True, blank=True)
    computed_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "substance"]
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["unit", "substance"], name="precursors_balance_pair_unique"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.substance}"


class ReconciliationFlag(UnitScopedModel):
    """A flag of the reconciliation work list: one rule raised for one unit x substance x month (and, for rules
    about a single transaction, that transaction).

    ``active`` says whether the current data still raise it (a corrected ledger clears it); ``status`` is the
    officers' work on it (assigned, inspected, resolved). Flags that nobody worked on are deleted when they clear.
    """

    scope_field = "unit__region"
    # A company reporter never learns that a buyer is registered for drug use (security requirement 12).
    hidden_from_reporters = models.Q(rule=FlagRule.BUYER_DRUG_RECORD)

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="flags")
    substance = models.ForeignKey(Substance, verbose_name=_("substance"), on_delete=models.PROTECT,
                                  related_name="flags")
    rule = models.CharField(_("rule"), max_length=20, choices=FlagRule.choices)
    month = models.DateField(_("month"))
    month_end = models.DateField(_("month end"), db_index=True)
    transaction = models.ForeignKey(Transaction, verbose_name=_("transaction"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="flags")
    opening = models.DecimalField(_("opening stock"), null=True, blank=True, **QUANTITY)
    expected = models.DecimalField(_("expected closing stock"), null=True, blank=True, **QUANTITY)
    stocktake = models.DecimalField(_("stocktake"), null=True, blank=True, **QUANTITY)
    difference = models.DecimalField(_("difference"), null=True, blank=True, **QUANTITY)
    tolerance = models.DecimalField(_("tolerance"), null=True, blank=True, **QUANTITY)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    active = models.BooleanField(_("raised by the current data"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("Inspection", verbose_name=_("inspection"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="flags")
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "unit", "rule"]
        verbose_name = _("reconciliation flag")
        verbose_name_plural = _("reconciliation flags")
        indexes = [models.Index(fields=["unit", "substance", "rule"], name="precursors_flag_pair_rule")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "substance", "rule", "month"],
                condition=models.Q(rule__in=[FlagRule.RECONCILIATION, FlagRule.NEGATIVE_STOCK]),
                name="precursors_flag_month_unique",
            ),
            models.UniqueConstraint(
                fields=["rule", "transaction"], condition=models.Q(transaction__isnull=False),
                name="precursors_flag_transaction_unique",
            ),
        ]

    def __str__(self):
        return "{unit} · {substance} · {month} · {rule}".format(
            unit=self.unit, substance=self.substance, month=self.month.strftime("%Y-%m"),
            rule=self.get_rule_display())

    @property
    def is_worked(self):
        return self.status != FlagStatus.OPEN or bool(self.assigned_to_id or self.inspection_id or self.resolution)


# --- Hydrogen cylinders and equipment ----------------------------------------------------------------


class Cylinder(UnitRecord):
    """A hydrogen (or other watched gas) cylinder on file (建档) at a filling station: every filling and every sale
    is recorded with the buyer's real name and ID number."""

    scope_field = "unit__region"

    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("filling station"), on_delete=models.PROTECT,
                             related_name="cylinders")
    substance = models.ForeignKey(Substance, verbose_name=_("gas"), on_delete=models.PROTECT,
                                  related_name="cylinders")
    capacity_l = models.DecimalField(_("capacity (L)"), max_digits=8, decimal_places=2, null=True, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=128, blank=True)
    filed_on = models.DateField(_("filed on"))
    status = models.CharField(_("status"), max_length=16, choices=CylinderStatus.choices,
                              default=CylinderStatus.EMPTY)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["unit", "serial"]
        verbose_name = _("cylinder")
        verbose_name_plural = _("cylinders")

    def __str__(self):
        return self.serial


class CylinderEvent(IdentityHashes, UnitScopedModel):
    """One step of a cylinder's life: filling -> sale (to a named buyer) -> return. A filling and a sale are also
    ledger lines of the station (production and sale of one cylinder), so that the station's stock reconciles."""

    scope_field = "cylinder__unit__region"
    unit_field = "cylinder__unit"
    audit_masked_fields = ("buyer_id_number", "buyer_name", "buyer_phone")
    field_categories = {"buyer_id_number": "identity", "buyer_name": "identity", "buyer_phone": "contact"}
    id_hash_fields = {"buyer_id_number": "buyer_id_hash"}

    cylinder = models.ForeignKey(Cylinder, verbose_name=_("cylinder"), on_delete=models.PROTECT,
                                 related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=CylinderEventKind.choices)
    date = models.DateField(_("date"))
    buyer_name = models.CharField(_("buyer's name"), max_length=50, blank=True)
    buyer_id_number = EncryptedTextField(_("buyer's ID number"), blank=True, default="")
    buyer_id_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    buyer_phone = models.CharField(_("buyer's phone"), max_length=32, blank=True)
    buyer_unit = models.ForeignKey(Unit, verbose_name=_("buyer unit"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    document_no = models.CharField(_("document number"), max_length=64, blank=True)
    transaction = models.OneToOneField(Transaction, verbose_name=_("ledger line"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="cylinder_event")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("cylinder event")
        verbose_name_plural = _("cylinder events")

    def __str__(self):
        return f"{self.cylinder} · {self.get_kind_display()} · {self.date}"

    def clean(self):
        if self.buyer_id_number:
            try:
                self.buyer_id_number = parse_id_number(self.buyer_id_number)[0]
            except ValidationError as error:
                raise ValidationError({"buyer_id_number": error.messages}) from None
        if self.kind == CylinderEventKind.SALE and not self.buyer_unit_id and not (
                self.buyer_name and self.buyer_id_number):
            raise ValidationError(_("A sale needs the buyer's real name and ID number, or the buying unit."))


class Equipment(UnitRecord):
    """Equipment that can be used to make drugs (glass reaction kettles, large glass bottles ...) registered at a
    unit, with its sales to named buyers."""

    scope_field = "unit__region"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="equipment")
    equipment_type = models.ForeignKey(EquipmentType, verbose_name=_("type"), on_delete=models.PROTECT,
                                       related_name="equipment")
    serial = models.CharField(_("serial or batch number"), max_length=64, blank=True)
    specification = models.CharField(_("model and capacity"), max_length=128, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(_("status"), max_length=16, choices=EquipmentStatus.choices,
                              default=EquipmentStatus.IN_USE)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["unit", "equipment_type", "serial"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self):
        return f"{self.equipment_type} {self.serial}".strip()


class EquipmentSale(IdentityHashes, UnitScopedModel):
    """A sale of registered equipment to a named buyer (a person by real name and ID, or a unit)."""

    scope_field = "equipment__unit__region"
    unit_field = "equipment__unit"
    audit_masked_fields = ("buyer_id_number", "buyer_name", "buyer_phone")
    field_categories = {"buyer_id_number": "identity", "buyer_name": "identity", "buyer_phone": "contact"}
    id_hash_fields = {"buyer_id_number": "buyer_id_hash"}

    equipment = models.ForeignKey(Equipment, verbose_name=_("equipment"), on_delete=models.PROTECT,
                                  related_name="sales")
    date = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    buyer_name = models.CharField(_("buyer's name"), max_length=50, blank=True)
    buyer_id_number = EncryptedTextField(_("buyer's ID number"), blank=True, default="")
    buyer_id_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    buyer_phone = models.CharField(_("buyer's phone"), max_length=32, blank=True)
    buyer_unit = models.ForeignKey(Unit, verbose_name=_("buyer unit"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    document_no = models.CharField(_("document number"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("equipment sale")
        verbose_name_plural = _("equipment sales")

    def __str__(self):
        return f"{self.equipment} · {self.date}"

    def clean(self):
        if self.buyer_id_number:
            try:
                self.buyer_id_number = parse_id_number(self.buyer_id_number)[0]
            except ValidationError as error:
                raise ValidationError({"buyer_id_number": error.messages}) from None
        if not self.buyer_unit_id and not (self.buyer_name and self.buyer_id_number):
            raise ValidationError(_("A sale needs the buyer's real name and ID number, or the buying unit."))


# --- Grid inspections ----------------------------------------------------------------------------------


class Inspection(UnitRecord):
    """A visit to a unit by a grid worker or an officer (拉网式排查): the checklist, findings, a rectification with
    its deadline, and the follow-up visit that checks it. An open rectification past its deadline is overdue."""

    scope_field = "unit__region"

    ref = models.CharField(_("reference"), max_length=64, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices,
                            default=InspectionKind.ROUTINE)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector (account)"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    inspector_name = models.CharField(_("inspectors"), max_length=100, blank=True,
                                      help_text=_("grid workers and officers present"))
    findings = models.TextField(_("findings"), blank=True)
    rectification_required = models.BooleanField(_("rectification required"), default=False)
    rectification = models.TextField(_("rectification ordered"), blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    follow_up_of = models.ForeignKey("self", verbose_name=_("follow-up of"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="follow_ups")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rectification_required=False) | models.Q(rectification_deadline__isnull=False),
                name="precursors_inspection_deadline_when_required",
                violation_error_message=_("A rectification needs a deadline."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.date}"

    def is_overdue(self, today=None):
        today = today or datetime.date.today()
        return bool(self.rectification_required and self.rectified_on is None and self.rectification_deadline
                    and self.rectification_deadline < today)


class InspectionCheck(UnitScopedModel):
    """The answer to one checklist item in one inspection."""

    scope_field = "inspection__unit__region"
    unit_field = "inspection__unit"

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="checks")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT,
                             related_name="+")
    result = models.CharField(_("result"), max_length=8, choices=CheckResult.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["item__order", "item__code"]
        verbose_name = _("inspection check")
        verbose_name_plural = _("inspection checks")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="precursors_check_unique"),
        ]

    def __str__(self):
        return f"{self.item}: {self.get_result_display()}"


def photo_path(instance, filename):
    return f"precursors/inspections/{instance.inspection_id}/{filename}"


class InspectionPhoto(UnitScopedModel):
    """A photo taken during an inspection; stored outside the web root and streamed after the scope check."""

    scope_field = "inspection__unit__region"
    unit_field = "inspection__unit"

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
                                   related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(max_length=32, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self):
        return self.caption or self.image.name.rsplit("/", 1)[-1]
