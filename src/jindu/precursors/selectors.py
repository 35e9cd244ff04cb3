"""Reads of the precursors app: the statistics contract, the overview's breakdowns and work lists.

Other apps (reports) touch precursors only through these functions.
"""

import datetime

from django.apps import apps
from django.db.models import Count, Q, Sum

from jindu.common.scope import region_q

from .choices import INFLOWS, OUTFLOWS, Direction, FlagRule, FlagStatus
from .models import LICENCE_EXPIRING_DAYS, Inspection, Licence, ReconciliationFlag, Transaction, Unit


def reconciliation_flags(region, date_from, date_to):
    """DESIGN's reconciliation flags of units under ``region`` whose month ends inside the period.

    A flag is one unit x substance x calendar month whose last stocktake differs from the expected closing
    stock beyond the tolerance (rule ``reconciliation``), as the current data raise it (``active``), whatever
    the officers did with it since: a resolved or dismissed discrepancy still happened. The other rules
    (licences, buyers, negative expected stock) are not reconciliation flags and are not counted."""
    return ReconciliationFlag.objects.filter(
        region_q("unit__region", region), rule=FlagRule.RECONCILIATION, active=True,
        month_end__gte=date_from, month_end__lte=date_to)


def statistics(date_from, date_to, region):
    """The ``precursors`` section of DESIGN.md's statistics, to the letter:

    - units: units whose region is under R, all that exist when asked (the period does not apply);
    - transactions: ledger lines of those units dated inside the period, stocktakes included;
    - flagged_discrepancies: see :func:`reconciliation_flags`.
    """
    return {"precursors": {
        "units": Unit.objects.filter(region_q("region", region)).count(),
        "transactions": Transaction.objects.filter(
            region_q("unit__region", region), date__gte=date_from, date__lte=date_to).count(),
        "flagged_discrepancies": reconciliation_flags(region, date_from, date_to).count(),
    }}


def by_substance(date_from, date_to, region, limit=None):
    """Per substance: ledger lines, quantities in and out (base unit), units holding it, flags (period)."""
    rows = Transaction.objects.filter(region_q("unit__region", region), date__gte=date_from,
                                      date__lte=date_to).values(
        "substance_id", "substance__name_zh", "substance__name_en", "substance__name_bo", "substance__cas",
        "substance__category", "substance__base_unit").annotate(
        lines=Count("id"), units=Count("unit_id", distinct=True),
        inflow=Sum("base_quantity", filter=Q(direction__in=INFLOWS), default=0),
        outflow=Sum("base_quantity", filter=Q(direction__in=OUTFLOWS), default=0),
    ).order_by("-lines", "substance__name_zh")
    flags = dict(reconciliation_flags(region, date_from, date_to).values("substance_id").annotate(
        n=Count("id")).values_list("substance_id", "n"))
    result = []
    for row in rows[:limit] if limit else rows:
        row["flags"] = flags.get(row["substance_id"], 0)
        result.append(row)
    return result


def by_prefecture(date_from, date_to, region):
    """Per region one level below ``region`` (prefectures under the root): units, lines, flags."""
    Region = apps.get_model("core", "Region")
    children = list(Region.objects.filter(parent=region).order_by("code")) or [region]
    rows = []
    for child in children:
        stats = statistics(date_from, date_to, child)["precursors"]
        rows.append({"region": child, **stats})
    return rows


def expiring_licences(user, today=None):
    """Licences the user may see that expire within 30 days or expired in the last 90."""
    today = today or datetime.date.today()
    return Licence.objects.restrict(user).filter(
        valid_until__gte=today - datetime.timedelta(days=90),
        valid_until__lte=today + datetime.timedelta(days=LICENCE_EXPIRING_DAYS),
    ).select_related("unit", "substance").order_by("valid_until")


def overdue_inspections(user, today=None):
    """Rectifications past their deadline and not done."""
    today = today or datetime.date.today()
    return Inspection.objects.restrict(user).filter(
        rectification_required=True, rectified_on__isnull=True, rectification_deadline__lt=today,
    ).select_related("unit").order_by("rectification_deadline")


def open_flags(user):
    """The work list: flags still raised by the data and not yet resolved or dismissed."""
    return ReconciliationFlag.objects.restrict(user).filter(
        active=True, status__in=[FlagStatus.OPEN, FlagStatus.ASSIGNED]).select_related(
        "unit", "substance", "assigned_to")


def unresolved_flag_count(region):
    """"Zero diversion" on the dashboard: unresolved flags (any rule) of units under ``region``."""
    return ReconciliationFlag.objects.filter(region_q("unit__region", region), active=True,
                                             status__in=[FlagStatus.OPEN, FlagStatus.ASSIGNED]).count()


def unit_ledger_summary(unit):
    """Per substance of a unit: lines and the stock balance."""
    return unit.balances.select_related("substance").order_by("substance__name_zh")


def stocktake_months(unit, substance):
    return Transaction.objects.filter(unit=unit, substance=substance, direction=Direction.STOCKTAKE).dates(
        "date", "month")
