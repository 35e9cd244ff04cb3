"""Benchmark: the monthly reconciliation of precursor ledgers for the whole region, on PostgreSQL.

Issue 5: 10,000 units and 10,000,000 ledger lines over 3 years; the month rules of the reconciliation
(DESIGN.md) and the balances for the whole region under 30 s, set-based, and at most 1.5 times the bare SQL
aggregate that computes the same balances.

    python bench/precursors_reconciliation.py [--units 10000] [--transactions 10000000] [--years 3] [--reuse]

``DATABASE_URL`` must name a PostgreSQL database this script may fill (default
postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_precursors, created when missing). The data are generated
server-side (INSERT ... SELECT over generate_series), so the load does not go through Python; ``--reuse``
keeps a database that already holds data of the same size.

Three timings, best of ``--runs``:
- ``naive``: GROUP BY unit, substance, month with a running sum (balances without stocktakes: the floor);
- ``bare``: the reconciliation's own SQL (``precursors.bulk.month_sql``) counted, nothing stored: the same
  balances, opening from the previous month's stocktake;
- ``app``: ``jindu reconcile --months-only`` as the application runs it: ledger lock, the same SQL, flags
  brought in line, every pair's balance upserted, audit record.
All three run with the settings of the application's bulk run (``precursors.bulk.batch_settings``: work_mem
256MB, no JIT). The machine's load average is printed with each timing: on a shared machine the absolute
times move with it, the ratios much less. Exit status 1 when ``app`` misses 30 s or app/bare exceeds 1.5.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_precursors"


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("JINDU_DATA_DIR", tempfile.mkdtemp(prefix="jindu-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jindu.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(units, transactions, years):
    """Units in every county, three substances each, and a ledger where every month reconciles except ~1% of
    pairs, whose June count of the first year is off (which flags that month and the next)."""
    import random

    from django.db import connection

    from jindu.common.identifiers import credit_check_char
    from jindu.core.models import Region
    from jindu.precursors.models import Substance, Unit
    from jindu.precursors.services import ensure_catalogue

    ensure_catalogue()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE precursors_reconciliationflag, precursors_stockbalance, precursors_cylinderevent, "
                       "precursors_transaction, precursors_licence, precursors_cylinder, precursors_equipmentsale, "
                       "precursors_equipment, precursors_inspectioncheck, precursors_inspectionphoto, "
                       "precursors_inspection, precursors_unit CASCADE")
    counties = list(Region.objects.filter(level="county"))
    rng = random.Random(5)
    rows = []
    for n in range(units):
        county = counties[n % len(counties)]
        body = f"91{county.code}B{n:08d}"
        rows.append(Unit(credit_code=body + credit_check_char(body), name=f"基准单位{n:05d}", kind="user",
                         region=county))
    Unit.objects.bulk_create(rows, batch_size=5000)
    substance_ids = list(Substance.objects.filter(kind="precursor").values_list("pk", flat=True))
    pairs = [(unit.pk, s) for unit in Unit.objects.order_by("pk") for s in rng.sample(substance_ids, 3)]
    months = years * 12
    per_pair = transactions // len(pairs)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_pair (pair_no int PRIMARY KEY, unit_id bigint, substance_id bigint)")
        with cursor.copy("COPY bench_pair FROM STDIN") as copy:
            for number, (unit_id, substance_id) in enumerate(pairs):
                copy.write_row((number, unit_id, substance_id))
        total = per_pair * len(pairs)
        step = 1_000_000
        for start in range(0, total, step):
            started = time.perf_counter()
            cursor.execute(f"""
                INSERT INTO precursors_transaction (ref, unit_id, substance_id, direction, quantity, quantity_unit,
                    base_quantity, date, month, counterparty_id_number, counterparty_id_hash, counterparty_name,
                    document_no, notes, version, voided, void_reason, created, last_updated)
                SELECT 'B' || k, p.unit_id, p.substance_id, g.direction, g.quantity, 'kg', g.quantity,
                       g.month_date + g.day_offset, g.month_date, '', '', '', '', '', 1, FALSE, '', now(), now()
                FROM (
                    SELECT k, k % {len(pairs)} AS pair_no, mo,
                           make_date((2022 + mo / 12)::int, (mo % 12 + 1)::int, 1) AS month_date,
                           (CASE WHEN sq = 0 THEN 27 ELSE sq END)::int AS day_offset,
                           CASE WHEN sq = 0 THEN 'stocktake' WHEN sq = 1 THEN 'purchase'
                                WHEN sq % 3 = 0 THEN 'sale' WHEN sq % 3 = 1 THEN 'use' ELSE 'loss' END AS direction,
                           CASE WHEN sq = 0 THEN (CASE WHEN (k % {len(pairs)}) % 97 = 0 AND mo = 5 THEN 50
                                                       ELSE 0.5 END)
                                WHEN sq = 1 THEN 10 * (({per_pair} - 1 - mo) / {months} + 1 - 2)
                                ELSE 10 END AS quantity
                    FROM (SELECT k, (k / {len(pairs)}) % {months} AS mo, (k / {len(pairs)}) / {months} AS sq
                          FROM generate_series({start}::bigint, {min(start + step, total) - 1}::bigint) AS k) s
                ) g JOIN bench_pair p ON p.pair_no = g.pair_no""")
            print(f"  lines {start + step:>11,} ({time.perf_counter() - started:.1f} s)", flush=True)
        cursor.execute("DROP TABLE bench_pair")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE precursors_transaction")
        cursor.execute("ANALYZE precursors_unit")
        cursor.execute("ANALYZE core_region")
        cursor.execute("ANALYZE precursors_substance")
    return total


def best(label, function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    load = os.getloadavg()[0]
    print(f"{label:<8} best {min(times):7.2f} s   runs {', '.join(f'{t:.2f}' for t in times)}   {result}"
          f"   (load {load:.1f} on {os.cpu_count()} CPUs)", flush=True)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep data of the same size from an earlier run")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_URL
    ensure_database(url)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection, transaction

    from jindu.common.context import Source, actor_context
    from jindu.core.models import Region
    from jindu.core.services import load_reference_data
    from jindu.precursors.bulk import batch_settings, month_sql, region_path_filter
    from jindu.precursors.models import Transaction, Unit
    from jindu.precursors.services import reconcile_all

    call_command("migrate", verbosity=0)
    load_reference_data()
    expected_lines = options.transactions // (options.units * 3) * options.units * 3
    if not (options.reuse and Unit.objects.count() == options.units
            and Transaction.objects.count() == expected_lines):
        print(f"generating {options.units:,} units and {expected_lines:,} lines over {options.years} years ...")
        started = time.perf_counter()
        generate(options.units, options.transactions, options.years)
        print(f"generated in {time.perf_counter() - started:.0f} s")
    root = Region.objects.get(code="540000")
    sql, params = month_sql(region_path_filter(root))

    def naive():
        with transaction.atomic(), connection.cursor() as cursor:
            batch_settings(cursor)
            cursor.execute("""
                SELECT count(*), sum(cum) FROM (
                    SELECT SUM(SUM(CASE WHEN t.direction IN ('purchase', 'production') THEN t.base_quantity
                                        WHEN t.direction IN ('sale', 'use', 'loss') THEN -t.base_quantity
                                        ELSE 0 END))
                           OVER (PARTITION BY t.unit_id, t.substance_id ORDER BY t.month) AS cum
                    FROM precursors_transaction t JOIN precursors_unit u ON u.id = t.unit_id
                    JOIN core_region r ON r.id = u.region_id WHERE r.path LIKE %s AND NOT t.voided
                    GROUP BY t.unit_id, t.substance_id, t.month) x""", [root.path + "%"])
            return cursor.fetchone()[0]

    def bare():
        with transaction.atomic(), connection.cursor() as cursor:
            batch_settings(cursor)
            cursor.execute(f"SELECT count(*) FROM ({sql}) x", params)
            return cursor.fetchone()[0]

    def app():
        with actor_context(source=Source.CLI):
            return reconcile_all(root, months_only=True)

    print(f"PostgreSQL {connection.pg_version}, {Transaction.objects.count():,} lines, {Unit.objects.count():,} units")
    t_naive = best("naive", naive, options.runs)
    t_bare = best("bare", bare, options.runs)
    t_app = best("app", app, options.runs)
    ratio = t_app / t_bare
    print(f"app/bare {ratio:.2f} (target <= 1.5); app/naive {t_app / t_naive:.2f}; app {t_app:.1f} s (target < 30 s)")
    return 0 if t_app < 30 and ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
