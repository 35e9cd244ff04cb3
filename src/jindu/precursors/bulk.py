"""The month rules of the reconciliation for a whole region in set-based SQL (``jindu reconcile``, the bench).

One statement computes, for every unit x substance x month with transactions, the same numbers as
:func:`jindu.precursors.reconciliation.reconcile`:

- C(M), the cumulative net movement (in - out) up to and including M;
- k, the last month before M holding a stocktake, and S(k), its last stocktake;
- expected(M) = S(k) + C(M) - C(k), or C(M) when there is no such k; opening(M) = expected(M) - net(M).

It keeps only what must be stored: the months a rule flags (reconciliation, negative expected stock) and each
pair's last month (its balance). Flags are then brought in line by the same :class:`services.FlagStore` as the
pair-by-pair path, and balances are upserted in one statement. The ledger table is locked in SHARE mode while
this runs on PostgreSQL, so that no line is written meanwhile (writers wait; readers do not).
"""

import decimal

from django.db import connection
from django.db import transaction as db
from django.utils import timezone

from jindu.common import audit

from .choices import INFLOWS, OUTFLOWS, FlagRule
from .models import ReconciliationFlag, StockBalance, Substance, Transaction
from .reconciliation import PLACES, MonthResult, tolerance_for

TX = Transaction._meta.db_table
UNIT = "precursors_unit"
REGION = "core_region"
SUBSTANCE = Substance._meta.db_table


def work_mem():
    """Memory for the sorts and hashes of one whole-region run (``JINDU_PRECURSORS_RECONCILE_WORK_MEM``)."""
    from django.conf import settings

    return getattr(settings, "JINDU_PRECURSORS_RECONCILE_WORK_MEM", "256MB")


def _in_list(values):
    return ", ".join(f"'{value}'" for value in values)  # fixed choice codes, never user input


def month_sql(region_path=None):
    """(sql, params) of the month table with expected stock, restricted to the region's units when given.

    On PostgreSQL the ledger is read once: the month's movements and its last stocktake (an ordered
    aggregate over the month's stocktakes) come out of the same GROUP BY. Elsewhere the stocktakes are read
    in a second pass with ROW_NUMBER."""
    unit_filter, params = "", []
    if region_path is not None:
        unit_filter = (f" AND t.unit_id IN (SELECT u.id FROM {UNIT} u JOIN {REGION} r ON r.id = u.region_id"
                       f" WHERE r.path LIKE %s)")
        params = [region_path + "%"]
    net = (f"SUM(CASE WHEN t.direction IN ({_in_list(INFLOWS)}) THEN t.base_quantity "
           f"WHEN t.direction IN ({_in_list(OUTFLOWS)}) THEN -t.base_quantity ELSE 0 END)")
    if connection.vendor == "postgresql":
        months = f"""
        m AS (
            SELECT t.unit_id, t.substance_id, t.month, {net} AS net,
                   (array_agg(t.base_quantity ORDER BY t.date DESC, t.id DESC)
                        FILTER (WHERE t.direction = 'stocktake'))[1] AS s,
                   (array_agg(t.date ORDER BY t.date DESC, t.id DESC)
                        FILTER (WHERE t.direction = 'stocktake'))[1] AS d
            FROM {TX} t
            WHERE TRUE{unit_filter}
            GROUP BY t.unit_id, t.substance_id, t.month
        )"""
    else:
        params = params * 2  # the ledger is read twice: movements and stocktakes
        months = f"""
        moves AS (
            SELECT t.unit_id, t.substance_id, t.month, {net} AS net
            FROM {TX} t
            WHERE 1 = 1{unit_filter}
            GROUP BY t.unit_id, t.substance_id, t.month
        ),
        st AS (
            SELECT unit_id, substance_id, month, s, d FROM (
                SELECT t.unit_id, t.substance_id, t.month, t.base_quantity AS s, t.date AS d,
                       ROW_NUMBER() OVER (PARTITION BY t.unit_id, t.substance_id, t.month
                                          ORDER BY t.date DESC, t.id DESC) AS rn
                FROM {TX} t
                WHERE t.direction = 'stocktake'{unit_filter}) x
            WHERE rn = 1
        ),
        m AS (
            SELECT moves.unit_id, moves.substance_id, moves.month, moves.net, st.s, st.d
            FROM moves LEFT JOIN st ON st.unit_id = moves.unit_id AND st.substance_id = moves.substance_id
                                     AND st.month = moves.month
        )"""
    sql = f"""
    WITH {months},
    j AS (
        SELECT m.unit_id, m.substance_id, m.month, m.net, m.s, m.d,
               SUM(m.net) OVER w AS cum,
               MAX(CASE WHEN m.s IS NOT NULL THEN m.month END) OVER (
                   PARTITION BY m.unit_id, m.substance_id ORDER BY m.month
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS anchor,
               MAX(CASE WHEN m.s IS NOT NULL THEN m.month END) OVER w AS last_count,
               ROW_NUMBER() OVER (PARTITION BY m.unit_id, m.substance_id ORDER BY m.month DESC) AS from_end,
               MIN(m.month) OVER (PARTITION BY m.unit_id, m.substance_id) AS first_month
        FROM m
        WINDOW w AS (PARTITION BY m.unit_id, m.substance_id ORDER BY m.month ROWS UNBOUNDED PRECEDING)
    ),
    e AS (
        SELECT j.unit_id, j.substance_id, j.month, j.net, j.s, j.from_end, j.first_month, j.last_count,
               j.cum + COALESCE(a.s - a.cum, 0) AS expected
        FROM j LEFT JOIN j a ON a.unit_id = j.unit_id AND a.substance_id = j.substance_id AND a.month = j.anchor
    )
    SELECT e.unit_id, e.substance_id, e.month, e.expected - e.net AS opening, e.expected, e.s, e.from_end,
           e.first_month, l.s AS last_s, l.d AS last_d
    FROM e
    JOIN {SUBSTANCE} sub ON sub.id = e.substance_id
    LEFT JOIN j l ON e.from_end = 1 AND l.unit_id = e.unit_id AND l.substance_id = e.substance_id
                 AND l.month = e.last_count
    WHERE e.from_end = 1 OR e.expected < 0 OR (
        e.s IS NOT NULL AND ABS(e.s - e.expected) > (
            CASE WHEN sub.tolerance_rate * e.expected > sub.reconciliation_minimum
                 THEN sub.tolerance_rate * e.expected ELSE sub.reconciliation_minimum END))
    """
    return sql, params


def region_path_filter(region):
    """The path prefix to filter on, or None when ``region`` is the only root (it covers every unit)."""
    from jindu.core.models import Region

    if region is None:
        return None
    if region.parent_id is None and not Region.objects.filter(parent__isnull=True).exclude(pk=region.pk).exists():
        return None
    return region.path


def _dec(value):
    if value is None:
        return None
    return decimal.Decimal(str(value)).quantize(PLACES, rounding=decimal.ROUND_HALF_UP)


def _date(value):
    import datetime

    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def reconcile_region_months(region=None):
    """Recompute the month rules and the balances of every pair (of ``region``) set-based. Returns the counts."""
    from .services import FlagStore, _month_flags

    store = FlagStore()
    substances = {s.pk: s for s in Substance.objects.all()}
    with db.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TX} IN SHARE MODE")
                # One large sort and hash per run: give this transaction the memory a batch job deserves.
                cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem()])
        sql, params = month_sql(region_path_filter(region))
        desired, balances = {}, {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for unit_id, substance_id, month, opening, expected, s, from_end, first, last_s, last_d in cursor:
                month, expected, s = _date(month), _dec(expected), _dec(s)
                substance = substances[substance_id]
                difference = tolerance = None
                flagged = False
                if s is not None:
                    difference = s - expected
                    tolerance = tolerance_for(expected, substance.tolerance_rate, substance.reconciliation_minimum)
                    flagged = abs(difference) > tolerance
                result = MonthResult(month, _dec(opening), None, None, expected, s, difference, tolerance, flagged)
                desired.update(_month_flags((unit_id, substance_id), [result], substance))
                if from_end == 1:
                    balances[(unit_id, substance_id)] = (_date(first), month, expected, _dec(last_s), _date(last_d))
        existing = ReconciliationFlag.objects.filter(rule__in=[FlagRule.RECONCILIATION, FlagRule.NEGATIVE_STOCK])
        if region is not None:
            existing = existing.filter(unit__region__path__startswith=region.path)
        store.apply(list(existing), desired)
        _store_balances(balances, region)
        audit.log("precursors.reconciliation.rebuilt", object_type="precursors.reconciliationflag",
                  extra={"region": region.code if region is not None else None, "pairs": len(balances),
                         "raised": store.raised, "cleared": store.cleared})
    return {"pairs": len(balances), "flags": len(desired), "raised": store.raised, "cleared": store.cleared}


def _store_balances(balances, region):
    """Upsert every pair's balance in one statement per 3,000 pairs; pairs without lines are emptied."""
    now = timezone.now()
    rows = [(u, s, first, last, closing, last_s, last_d, now)
            for (u, s), (first, last, closing, last_s, last_d) in balances.items()]
    table = StockBalance._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 3000):  # 30,000 parameters: within SQLite's and PostgreSQL's limits
            chunk = rows[start:start + 3000]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = []
            for u, s, first, last, closing, last_s, last_d, stamp in chunk:
                params.extend([u, s, first, last, closing, last_s, last_d, stamp, stamp, stamp])
            cursor.execute(f"""
                INSERT INTO {table} (unit_id, substance_id, first_month, last_month, closing_expected,
                                     last_stocktake, last_stocktake_on, computed_at, created, last_updated)
                VALUES {values}
                ON CONFLICT (unit_id, substance_id) DO UPDATE SET
                    first_month = excluded.first_month, last_month = excluded.last_month,
                    closing_expected = excluded.closing_expected, last_stocktake = excluded.last_stocktake,
                    last_stocktake_on = excluded.last_stocktake_on, computed_at = excluded.computed_at,
                    last_updated = excluded.last_updated""", params)
    stale = StockBalance.objects.exclude(first_month__isnull=True)
    if region is not None:
        stale = stale.filter(unit__region__path__startswith=region.path)
    stale_ids = [pk for pk, u, s in stale.values_list("pk", "unit_id", "substance_id") if (u, s) not in balances]
    for start in range(0, len(stale_ids), 5000):
        StockBalance.objects.filter(pk__in=stale_ids[start:start + 5000]).update(
            first_month=None, last_month=None, closing_expected=None, last_stocktake=None, last_stocktake_on=None,
            computed_at=now)
