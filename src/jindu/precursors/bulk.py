"""The month rules of the reconciliation for a whole region in set-based SQL (``jindu reconcile``, the bench).

One statement computes, for every unit x substance x month with transactions, the same numbers as
:func:`jindu.precursors.reconciliation.reconcile`, with window functions only (no self-join, so the
aggregate underneath can run in parallel):

- C(M), the cumulative net movement (in - out) up to and including M, and for a month with a stocktake
  A(M) = S(M) - C(M);
- Y(M), the A of the last stocktake month up to M (FIRST_VALUE over the run of months since it);
- expected(M) = C(M) + Y(previous month), or C(M) before the first stocktake; opening(M) = expected(M) - net(M).
  (With k the last stocktake month before M: S(k) + C(M) - C(k), as the month-by-month definition gives.)

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


def batch_settings(cursor):
    """Settings of the transaction of one whole-region run (PostgreSQL; nothing elsewhere): the memory a batch
    job deserves for its one large hash and sort, and no JIT compilation, which costs more than it saves on
    this query (measured: 11.6 s without, 17 to 20 s with, on 10 million lines)."""
    if connection.vendor != "postgresql":
        return
    cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem()])
    cursor.execute("SELECT set_config('jit', 'off', true)")


def _in_list(values):
    return ", ".join(f"'{value}'" for value in values)  # fixed choice codes, never user input


def month_sql(region_path=None):
    """(sql, params) of the month table with expected stock, restricted to the region's units when given.

    The movements are summed in one (parallel) pass over the ledger; the month's last stocktake comes from the
    partial index ``precursors_tx_stocktakes`` (DISTINCT ON over an index-only scan on PostgreSQL, ROW_NUMBER
    elsewhere). Voided lines do not count (the index leaves them out too)."""
    unit_filter, params = "", []
    if region_path is not None:
        unit_filter = (f" AND t.unit_id IN (SELECT u.id FROM {UNIT} u JOIN {REGION} r ON r.id = u.region_id"
                       f" WHERE r.path LIKE %s)")
        params = [region_path + "%"]
    net = (f"SUM(CASE WHEN t.direction IN ({_in_list(INFLOWS)}) THEN t.base_quantity "
           f"WHEN t.direction IN ({_in_list(OUTFLOWS)}) THEN -t.base_quantity ELSE 0 END)")
    if connection.vendor == "postgresql":
        params = params * 2  # the ledger is read twice: movements (one parallel scan) and stocktakes (an index)
        months = f"""
        moves AS (
            SELECT t.unit_id, t.substance_id, t.month, {net} AS net
            FROM {TX} t
            WHERE NOT t.voided{unit_filter}
            GROUP BY t.unit_id, t.substance_id, t.month
        ),
        st AS (
            SELECT DISTINCT ON (t.unit_id, t.substance_id, t.month) t.unit_id, t.substance_id, t.month,
                   t.base_quantity AS s, t.date AS d
            FROM {TX} t
            WHERE t.direction = 'stocktake' AND NOT t.voided{unit_filter}
            ORDER BY t.unit_id, t.substance_id, t.month, t.date DESC, t.id DESC
        ),
        m AS (
            SELECT moves.unit_id, moves.substance_id, moves.month, moves.net, st.s, st.d
            FROM moves LEFT JOIN st ON st.unit_id = moves.unit_id AND st.substance_id = moves.substance_id
                                     AND st.month = moves.month
        )"""
    else:
        params = params * 2  # the ledger is read twice: movements and stocktakes
        months = f"""
        moves AS (
            SELECT t.unit_id, t.substance_id, t.month, {net} AS net
            FROM {TX} t
            WHERE NOT t.voided{unit_filter}
            GROUP BY t.unit_id, t.substance_id, t.month
        ),
        st AS (
            SELECT unit_id, substance_id, month, s, d FROM (
                SELECT t.unit_id, t.substance_id, t.month, t.base_quantity AS s, t.date AS d,
                       ROW_NUMBER() OVER (PARTITION BY t.unit_id, t.substance_id, t.month
                                          ORDER BY t.date DESC, t.id DESC) AS rn
                FROM {TX} t
                WHERE t.direction = 'stocktake' AND NOT t.voided{unit_filter}) x
            WHERE rn = 1
        ),
        m AS (
            SELECT moves.unit_id, moves.substance_id, moves.month, moves.net, st.s, st.d
            FROM moves LEFT JOIN st ON st.unit_id = moves.unit_id AND st.substance_id = moves.substance_id
                                     AND st.month = moves.month
        )"""
    tolerance = ("CASE WHEN sub.tolerance_rate * e.expected > sub.reconciliation_minimum "
                 "THEN sub.tolerance_rate * e.expected ELSE sub.reconciliation_minimum END")
    sql = f"""
    WITH {months}
    SELECT e.unit_id, e.substance_id, e.month, e.expected - e.net AS opening, e.expected, e.s,
           CASE WHEN e.next_month IS NULL THEN 1 ELSE 0 END AS last_row, e.first_month, e.last_s, e.last_d,
           CASE WHEN e.s IS NOT NULL AND ABS(e.s - e.expected) > ({tolerance}) THEN 1 ELSE 0 END AS flagged
    FROM (
        SELECT z.*, z.cum + COALESCE(LAG(z.y) OVER (PARTITION BY z.unit_id, z.substance_id ORDER BY z.month), 0)
                    AS expected
        FROM (
            SELECT q.*,
                   FIRST_VALUE(q.a) OVER g AS y, FIRST_VALUE(q.s) OVER g AS last_s, FIRST_VALUE(q.d) OVER g AS last_d
            FROM (
                SELECT m.unit_id, m.substance_id, m.month, m.net, m.s, m.d,
                       SUM(m.net) OVER w AS cum,
                       CASE WHEN m.s IS NOT NULL THEN m.s - SUM(m.net) OVER w END AS a,
                       COUNT(m.s) OVER w AS grp,
                       LEAD(m.month) OVER w AS next_month,
                       FIRST_VALUE(m.month) OVER w AS first_month
                FROM m
                WINDOW w AS (PARTITION BY m.unit_id, m.substance_id ORDER BY m.month ROWS UNBOUNDED PRECEDING)
            ) q
            WINDOW g AS (PARTITION BY q.unit_id, q.substance_id, q.grp ORDER BY q.month)
        ) z
    ) e
    JOIN {SUBSTANCE} sub ON sub.id = e.substance_id
    WHERE e.next_month IS NULL OR e.expected < 0 OR (e.s IS NOT NULL AND ABS(e.s - e.expected) > ({tolerance}))
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
    """Recompute the month rules and the balances of every pair (of ``region``) set-based. Returns the counts.

    The statement returns only the flagged months and each pair's last month (a few rows per pair at most);
    flags are compared with the stored ones with exact decimals, balances are upserted in one statement."""
    from .services import FlagStore, _month_flags

    store = FlagStore()
    substances = {s.pk: s for s in Substance.objects.all()}
    with db.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {TX} IN SHARE MODE")
        batch_settings(cursor)
        sql, params = month_sql(region_path_filter(region))
        cursor.execute(sql, params)
        desired, balances = {}, {}
        for unit_id, substance_id, month, opening, expected, s, last_row, first, last_s, last_d, flag in cursor:
            if last_row == 1:
                balances[(unit_id, substance_id)] = (_date(first), _date(month), expected, last_s, _date(last_d))
            if not flag and not expected < 0:
                continue
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
        existing = ReconciliationFlag.objects.filter(rule__in=[FlagRule.RECONCILIATION, FlagRule.NEGATIVE_STOCK])
        if region is not None:
            existing = existing.filter(unit__region__path__startswith=region.path)
        store.apply(list(existing), desired)
        _store_balances(cursor, balances, region)
        audit.log("precursors.reconciliation.rebuilt", object_type="precursors.reconciliationflag",
                  extra={"region": region.code if region is not None else None, "pairs": len(balances),
                         "raised": store.raised, "cleared": store.cleared})
    return {"pairs": len(balances), "flags": len(desired), "raised": store.raised, "cleared": store.cleared}


BALANCE_COLUMNS = ("unit_id", "substance_id", "first_month", "last_month", "closing_expected", "last_stocktake",
                   "last_stocktake_on")
# A balance that did not change is not rewritten (``computed_at`` says when it last changed).
UPSERT = f"""
    ON CONFLICT (unit_id, substance_id) DO UPDATE SET
        first_month = excluded.first_month, last_month = excluded.last_month,
        closing_expected = excluded.closing_expected, last_stocktake = excluded.last_stocktake,
        last_stocktake_on = excluded.last_stocktake_on, computed_at = excluded.computed_at,
        last_updated = excluded.last_updated
    WHERE ({", ".join(f"{StockBalance._meta.db_table}.{c}" for c in BALANCE_COLUMNS[2:])})
          IS DISTINCT FROM ({", ".join(f"excluded.{c}" for c in BALANCE_COLUMNS[2:])})"""


def _store_balances(cursor, balances, region):
    """Upsert every pair's balance (PostgreSQL: one statement over arrays; elsewhere 3,000 rows a statement);
    balances of pairs without lines any more are emptied."""
    now = timezone.now()
    table = StockBalance._meta.db_table
    rows = [(u, s, *values) for (u, s), values in balances.items()]
    columns = ", ".join(BALANCE_COLUMNS)
    if connection.vendor == "postgresql":
        arrays = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in BALANCE_COLUMNS]
        cursor.execute(f"""
            INSERT INTO {table} ({columns}, computed_at, created, last_updated)
            SELECT *, %s::timestamptz, %s::timestamptz, %s::timestamptz
            FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::date[], %s::numeric[], %s::numeric[],
                        %s::date[])
            {UPSERT}""", [now, now, now, *arrays])
    else:
        for start in range(0, len(rows), 3000):  # 30,000 parameters: within SQLite's limit
            chunk = rows[start:start + 3000]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [value for row in chunk for value in (*row, now, now, now)]
            cursor.execute(f"INSERT INTO {table} ({columns}, computed_at, created, last_updated) "
                           f"VALUES {values} {UPSERT}", params)
    stale = StockBalance.objects.exclude(first_month__isnull=True)
    if region is not None:
        stale = stale.filter(unit__region__path__startswith=region.path)
    stale_ids = [pk for pk, u, s in stale.values_list("pk", "unit_id", "substance_id") if (u, s) not in balances]
    for start in range(0, len(stale_ids), 5000):
        StockBalance.objects.filter(pk__in=stale_ids[start:start + 5000]).update(
            first_month=None, last_month=None, closing_expected=None, last_stocktake=None, last_stocktake_on=None,
            computed_at=now)
