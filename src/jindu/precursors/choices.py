"""Choice lists of the precursors app. Codes are the import/export and API contract; labels are translatable."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    MANUFACTURER = "manufacturer", _("manufacturer")
    TRADER = "trader", _("trader")
    USER = "user", _("user (consumes in production)")
    HOSPITAL = "hospital", _("hospital")
    PHARMACY = "pharmacy", _("pharmacy")
    GAS_FILLING = "gas_filling", _("gas filling station")
    LABORATORY = "laboratory", _("laboratory")
    SCHOOL = "school", _("school")
    OTHER = "other", _("other")


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed")


class FoundBy(models.TextChoices):
    GRID_SWEEP = "grid_sweep", _("grid sweep")
    REGISTRATION = "registration", _("registered directly")
    REPORT = "report", _("tip-off or report")


class SubstanceKind(models.TextChoices):
    PRECURSOR = "precursor", _("precursor chemical (catalogue)")
    MEDICINE = "medicine", _("narcotic or psychotropic medicine")
    WATCHED = "watched", _("watched unscheduled chemical")


class MedicineClass(models.TextChoices):
    NARCOTIC = "narcotic", _("narcotic medicine")
    PSYCHOTROPIC_1 = "psychotropic_1", _("psychotropic medicine, class I")
    PSYCHOTROPIC_2 = "psychotropic_2", _("psychotropic medicine, class II")


class BaseUnit(models.TextChoices):
    """The unit a substance's stock is reckoned in (DESIGN: kg for solids, L for liquids, cylinders)."""

    KG = "kg", _("kilogram")
    L = "L", _("litre")
    CYLINDER = "cylinder", _("cylinder")
    PIECE = "piece", _("piece (ampoule, tablet, package)")


class QuantityUnit(models.TextChoices):
    """Units a transaction may be recorded in; converted to the substance's base unit."""

    KG = "kg", _("kilogram")
    L = "L", _("litre")
    T = "t", _("tonne")
    CYLINDER = "cylinder", _("cylinder")
    PIECE = "piece", _("piece (ampoule, tablet, package)")


class Direction(models.TextChoices):
    PURCHASE = "purchase", _("purchase")
    PRODUCTION = "production", _("production")
    SALE = "sale", _("sale")
    USE = "use", _("use")
    LOSS = "loss", _("loss")
    STOCKTAKE = "stocktake", _("stocktake")
    TRANSFER = "transfer", _("transfer (transport between own sites)")


INFLOWS = (Direction.PURCHASE, Direction.PRODUCTION)
OUTFLOWS = (Direction.SALE, Direction.USE, Direction.LOSS)


class LicenceKind(models.TextChoices):
    PRODUCTION = "production", _("production")
    TRADE = "trade", _("trade")
    PURCHASE = "purchase", _("purchase")
    TRANSPORT = "transport", _("transport")


class LicenceForm(models.TextChoices):
    LICENCE = "licence", _("licence")
    FILING = "filing", _("filing certificate")


# Which licence kind covers which transaction direction.
LICENCE_FOR_DIRECTION = {
    Direction.PURCHASE: LicenceKind.PURCHASE,
    Direction.PRODUCTION: LicenceKind.PRODUCTION,
    Direction.SALE: LicenceKind.TRADE,
    Direction.TRANSFER: LicenceKind.TRANSPORT,
}


class FlagRule(models.TextChoices):
    """Why a flag was raised. Only RECONCILIATION is DESIGN's reconciliation rule (flagged_discrepancies)."""

    RECONCILIATION = "reconciliation", _("stocktake differs from expected stock")
    NEGATIVE_STOCK = "negative_stock", _("expected stock below zero")
    LICENCE_VALIDITY = "licence_validity", _("transaction outside the licence's validity")
    LICENCE_QUANTITY = "licence_quantity", _("transaction beyond the licence's quantity")
    UNLICENSED_BUYER = "unlicensed_buyer", _("sale to a buyer without a valid purchase licence or filing")
    REALNAME_VOLUME = "realname_volume", _("real-name buyer above the 30-day limit")
    BUYER_DRUG_RECORD = "buyer_drug_record", _("sale to a person registered for drug use")


MONTH_RULES = (FlagRule.RECONCILIATION, FlagRule.NEGATIVE_STOCK)
PAIR_TRANSACTION_RULES = (FlagRule.LICENCE_VALIDITY, FlagRule.LICENCE_QUANTITY, FlagRule.UNLICENSED_BUYER)
BUYER_RULES = (FlagRule.REALNAME_VOLUME, FlagRule.BUYER_DRUG_RECORD)


class FlagStatus(models.TextChoices):
    OPEN = "open", _("open")
    ASSIGNED = "assigned", _("assigned")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


class CylinderStatus(models.TextChoices):
    EMPTY = "empty", _("empty, at the station")
    FILLED = "filled", _("filled, at the station")
    SOLD = "sold", _("sold, with the buyer")
    SCRAPPED = "scrapped", _("scrapped")


class CylinderEventKind(models.TextChoices):
    FILLING = "filling", _("filling")
    SALE = "sale", _("sale")
    RETURN = "return", _("return")


class EquipmentStatus(models.TextChoices):
    IN_USE = "in_use", _("in use")
    STORED = "stored", _("in stock")
    SOLD = "sold", _("sold")
    SCRAPPED = "scrapped", _("scrapped")


class InspectionKind(models.TextChoices):
    GRID_SWEEP = "grid_sweep", _("grid sweep")
    ROUTINE = "routine", _("routine inspection")
    FOLLOW_UP = "follow_up", _("follow-up visit")
    TIP_OFF = "tip_off", _("inspection after a tip-off")


class CheckResult(models.TextChoices):
    PASS = "pass", _("in order")
    FAIL = "fail", _("problem found")
    NOT_APPLICABLE = "na", _("not applicable")
