"""Reads of the enforcement records: list selectors for pages, the API and other apps, and the
enforcement part of the statistics engine (DESIGN.md "Statistics definitions").

Selectors that answer a user start from ``restrict()``; the statistics start from ``region_q()``
(the engine decides who may ask).
"""

import decimal

from django.db.models import Count, Q, Sum

from jindu.common.identifiers import normalise_id_number
from jindu.common.scope import region_q

from .choices import WEIGHT_UNITS, Unit
from .models import Case, Eradication, Fugitive, Identity, Interception, Seizure, Suspect

GRAMS_QUANTUM = decimal.Decimal("0.001")


# --- Lists -------------------------------------------------------------------------------------


def case_list(user, action="view"):
    return Case.objects.restrict(user, action).select_related("region", "operation")


def suspect_list(user, action="view"):
    return Suspect.objects.restrict(user, action).select_related("case", "case__region")


def seizure_list(user, action="view"):
    return Seizure.objects.restrict(user, action).select_related("case", "case__region", "drug")


def fugitive_list(user, action="view"):
    return Fugitive.objects.restrict(user, action).select_related("region", "capturing_unit")


def eradication_list(user, action="view"):
    return Eradication.objects.restrict(user, action).select_related("region", "case")


def interception_list(user, action="view"):
    return Interception.objects.restrict(user, action).select_related("region", "checkpoint")


def identity_list(user, action="view"):
    return Identity.objects.restrict(user, action)


def cases_of_identity(user, identity):
    """The cases of ``identity`` the user may see, and how many more lie outside their region.

    Returns (suspect records with their cases, number of suspect records out of scope)."""
    visible = suspect_list(user).filter(identity=identity).order_by("case__filed_on", "pk")
    total = Suspect.objects.filter(identity=identity).count()
    rows = list(visible)
    return rows, total - len(rows)


def suspects_with_id_number(user, id_number):
    """Suspect records (in the user's scope) of the person with this resident identity number.

    For other apps: the persons module shows a registered person's cases with it."""
    return suspect_list(user).filter(id_number=normalise_id_number(id_number)).order_by("case__filed_on")


def interceptions_with_id_number(user, id_number):
    """Checkpoint interceptions (in the user's scope) of the person with this identity number."""
    return interception_list(user).filter(id_number=normalise_id_number(id_number)).order_by("intercepted_on")


def unit_totals(seizures):
    """{unit: total} of a set of seizures with kilograms folded into grams; other units apart."""
    totals = {}
    for row in seizures.order_by().values("unit").annotate(total=Sum("quantity")):
        unit, total = _fold(row["unit"], row["total"])
        totals[unit] = totals.get(unit, decimal.Decimal(0)) + total
    return totals


def _fold(unit, total):
    total = decimal.Decimal(total or 0)
    if unit in WEIGHT_UNITS:
        return Unit.GRAM.value, total * WEIGHT_UNITS[unit]
    return unit, total


# --- Statistics --------------------------------------------------------------------------------


def _number(value):
    """A JSON number: 3 decimals at most; a whole number as an int."""
    value = decimal.Decimal(value).quantize(GRAMS_QUANTUM, rounding=decimal.ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


def statistics(date_from, date_to, region):
    """The enforcement figures of DESIGN.md for the inclusive period and the region subtree.

    - cases by ``filed_on``, in the case's region;
    - suspects by ``arrested_on``, in their case's region; foreign = nationality other than CN;
    - fugitives by ``captured_on``; eradication by ``found_on``; interceptions by their date;
    - seizures by ``seized_on``, in their case's region: per drug and unit, kilograms folded
      into grams; ``total_grams`` = every seizure in g or kg, in grams, rounded to 3 decimals.
    """
    period = (date_from, date_to)

    by_type, by_offence, total = {}, {}, 0
    rows = (Case.objects.filter(region_q("region", region), filed_on__range=period).order_by()
            .values("case_type", "offence").annotate(n=Count("id")))
    for row in rows:
        total += row["n"]
        by_type[row["case_type"]] = by_type.get(row["case_type"], 0) + row["n"]
        by_offence[row["offence"]] = by_offence.get(row["offence"], 0) + row["n"]

    suspects = Suspect.objects.filter(region_q("case__region", region), arrested_on__range=period).aggregate(
        arrested=Count("id"), foreign=Count("id", filter=~Q(nationality="CN")))

    fugitives = Fugitive.objects.filter(region_q("region", region), captured_on__range=period).count()

    by_drug, grams = {}, decimal.Decimal(0)
    rows = (Seizure.objects.filter(region_q("case__region", region), seized_on__range=period).order_by()
            .values("drug__code", "unit").annotate(total=Sum("quantity")))
    for row in rows:
        unit, quantity = _fold(row["unit"], row["total"])
        units = by_drug.setdefault(row["drug__code"], {})
        units[unit] = units.get(unit, decimal.Decimal(0)) + quantity
        if unit == Unit.GRAM:
            grams += quantity

    eradication = Eradication.objects.filter(region_q("region", region), found_on__range=period).aggregate(
        records=Count("id"), plants=Sum("plants"))

    by_finding, interceptions = {}, 0
    rows = (Interception.objects.filter(region_q("region", region), intercepted_on__range=period).order_by()
            .values("finding").annotate(n=Count("id")))
    for row in rows:
        by_finding[row["finding"]] = row["n"]
        interceptions += row["n"]

    return {
        "cases": {"total": total, "by_type": by_type, "by_offence": by_offence},
        "suspects_arrested": suspects["arrested"],
        "foreign_suspects_arrested": suspects["foreign"],
        "fugitives_captured": fugitives,
        "seizures": {
            "by_drug": {drug: {unit: _number(q) for unit, q in units.items()} for drug, units in by_drug.items()},
            "total_grams": float(grams.quantize(GRAMS_QUANTUM, rounding=decimal.ROUND_HALF_UP)),
        },
        "eradication": {"records": eradication["records"], "plants": eradication["plants"] or 0},
        "interceptions": {"total": interceptions, "by_finding": by_finding},
    }
