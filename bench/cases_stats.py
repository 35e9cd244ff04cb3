"""Benchmark of the enforcement statistics (issue 3): ours against one hand-written SQL query.

Generates N cases (default 1,000,000) with 2N seizures and 2N suspects spread over the Tibet
counties and five years (2020-2024), plus N/10 fugitives, N/20 eradication records and N/5
checkpoint interceptions, then times ``jindu.cases.selectors.statistics`` (the enforcement part of
``jindu stats``) for one year over the whole region (540000) and for one county (540102), side
by side with a single hand-written SQL statement that computes the same figures on the same
database (the script checks that both give the same figures). Reports the ratio ours / SQL, for
SQLite and PostgreSQL.

    python bench/cases_stats.py                       # 1,000,000 cases on SQLite and PostgreSQL
    python bench/cases_stats.py --scale 0.1           # 100,000 cases
    python bench/cases_stats.py --databases postgres --pg-url postgres://jindu:jindu@127.0.0.1:5432/jindu_bench

The generated data is kept (var/bench/cases-N.sqlite3, and the PostgreSQL database
jindu_bench_cases_N, or the one --pg-url names) and reused by the next run of the same size;
--regenerate starts afresh.
"""

import argparse
import datetime
import json
import os
import random
import statistics as stats_module
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Suspects and seizures carry a copy of their case's region (kept by the services), so both the
# statistics and the hand-written query read them without joining the cases.
DEFAULT_PG = "postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_cases"
START, DAYS = datetime.date(2020, 1, 1), 5 * 365 + 1
STAMP = "2024-12-31 00:00:00+00:00"
NATIONALITIES = ["CN"] * 93 + ["NP"] * 3 + ["IN"] * 2 + ["MM", "PK"]
UNITS = ["g"] * 12 + ["kg"] * 3 + ["tablet"] * 3 + ["capsule", "ml"]
CASE_TYPES = ["criminal", "criminal", "administrative"]
OFFENCES = ["trafficking", "smuggling", "transport", "manufacture", "possession", "harbouring", "cultivation",
            "drug_use", "precursor", "other"]
CHANNELS = ["postal", "road", "border_port", "online", "other", ""]
FINDINGS = ["drug_user", "drug_driving", "trafficking", "other"]
# Every record is live (not voided) at version 1; the statistics indexes hold live rows only.
LIVE_COLUMNS, LIVE = ("voided", "version", "void_reason"), (False, 1, "")


# --- The hand-written query ------------------------------------------------------------------------

HAND_SQL = """
SELECT 'case', c.case_type, c.offence, COUNT(*), 0
  FROM cases_case c JOIN core_region g ON g.id = c.region_id
 WHERE NOT c.voided AND c.filed_on BETWEEN %(start)s AND %(end)s AND g.path LIKE %(prefix)s
 GROUP BY c.case_type, c.offence
UNION ALL
SELECT 'suspect', '', '', COUNT(*), SUM(CASE WHEN s.nationality <> 'CN' THEN 1 ELSE 0 END)
  FROM cases_suspect s JOIN core_region g ON g.id = s.region_id
 WHERE NOT s.voided AND s.arrested_on BETWEEN %(start)s AND %(end)s AND g.path LIKE %(prefix)s
UNION ALL
SELECT 'fugitive', '', '', COUNT(*), 0
  FROM cases_fugitive f JOIN core_region g ON g.id = f.region_id
 WHERE NOT f.voided AND f.captured_on BETWEEN %(start)s AND %(end)s AND g.path LIKE %(prefix)s
UNION ALL
SELECT 'seizure', d.code, CASE WHEN z.unit IN ('g', 'kg') THEN 'g' ELSE z.unit END,
       SUM(CASE WHEN z.unit = 'kg' THEN z.quantity * 1000 ELSE z.quantity END), 0
  FROM cases_seizure z JOIN core_region g ON g.id = z.region_id JOIN core_drug d ON d.id = z.drug_id
 WHERE NOT z.voided AND z.seized_on BETWEEN %(start)s AND %(end)s AND g.path LIKE %(prefix)s
 GROUP BY d.code, CASE WHEN z.unit IN ('g', 'kg') THEN 'g' ELSE z.unit END
UNION ALL
SELECT 'eradication', '', '', COUNT(*), COALESCE(SUM(e.plants), 0)
  FROM cases_eradication e JOIN core_region g ON g.id = e.region_id
 WHERE NOT e.voided AND e.found_on BETWEEN %(start)s AND %(end)s AND g.path LIKE %(prefix)s
UNION ALL
SELECT 'interception', i.finding, '', COUNT(*), 0
  FROM cases_interception i JOIN core_region g ON g.id = i.region_id
 WHERE NOT i.voided AND i.intercepted_on BETWEEN %(start)s AND %(end)s AND g.path LIKE %(prefix)s
 GROUP BY i.finding
"""


def hand_written(connection, start, end, region):
    """The figures of the contract from one SQL statement (the rows are only put into the JSON shape)."""
    import decimal

    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, {"prefix": region.path + "%", "start": start, "end": end})
        rows = cursor.fetchall()
    result = {"cases": {"total": 0, "by_type": {}, "by_offence": {}}, "suspects_arrested": 0,
              "foreign_suspects_arrested": 0, "fugitives_captured": 0, "seizures": {"by_drug": {}, "total_grams": 0},
              "eradication": {"records": 0, "plants": 0}, "interceptions": {"total": 0, "by_finding": {}}}
    grams = decimal.Decimal(0)
    for kind, key1, key2, value, extra in rows:
        if kind != "seizure":  # the union gives every value column one type (numeric on PostgreSQL)
            value, extra = int(value), int(extra or 0)
        if kind == "case":
            result["cases"]["total"] += value
            result["cases"]["by_type"][key1] = result["cases"]["by_type"].get(key1, 0) + value
            result["cases"]["by_offence"][key2] = result["cases"]["by_offence"].get(key2, 0) + value
        elif kind == "suspect":
            result["suspects_arrested"], result["foreign_suspects_arrested"] = value, int(extra or 0)
        elif kind == "fugitive":
            result["fugitives_captured"] = value
        elif kind == "seizure":
            quantity = decimal.Decimal(str(value))
            result["seizures"]["by_drug"].setdefault(key1, {})[key2] = quantity
            if key2 == "g":
                grams += quantity
        elif kind == "eradication":
            result["eradication"] = {"records": value, "plants": int(extra)}
        elif kind == "interception":
            result["interceptions"]["by_finding"][key1] = value
            result["interceptions"]["total"] += value
    q = decimal.Decimal("0.001")
    result["seizures"]["total_grams"] = float(grams.quantize(q, rounding=decimal.ROUND_HALF_UP))
    for units in result["seizures"]["by_drug"].values():
        for unit, quantity in units.items():
            rounded = quantity.quantize(q, rounding=decimal.ROUND_HALF_UP)
            units[unit] = int(rounded) if rounded == rounded.to_integral_value() else float(rounded)
    return result


# --- Data generation -----------------------------------------------------------------------------


def _chunks(rows, size=50_000):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(connection, table, columns, rows):
    """Bulk insert: COPY on PostgreSQL, executemany in one transaction on SQLite."""
    if connection.vendor == "postgresql":
        raw = connection.connection
        with raw.cursor() as cursor:
            with cursor.copy("COPY {} ({}) FROM STDIN".format(table, ", ".join(columns))) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = "INSERT INTO {} ({}) VALUES ({})".format(table, ", ".join(columns), ", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)


def generate(connection, cases, seed=20240630):
    from django.db import transaction

    from jindu.core.models import Drug, Organisation, Region

    rng = random.Random(seed)
    counties = list(Region.objects.filter(level="county").values_list("id", flat=True))
    drugs = list(Drug.objects.values_list("id", flat=True))
    checkpoint, _ = Organisation.objects.get_or_create(
        name="基准测试检查站", defaults={"kind": "checkpoint", "region": Region.objects.get(code="540602")})
    days = [(START + datetime.timedelta(days=n)) for n in range(DAYS + 40)]
    case_region, case_day = [0] * (cases + 1), [0] * (cases + 1)

    def case_rows():
        for pk in range(1, cases + 1):
            region, day = rng.choice(counties), rng.randrange(DAYS)
            case_region[pk], case_day[pk] = region, day
            yield (pk, STAMP, STAMP, f"B{pk:09d}", region, days[day], rng.choice(CASE_TYPES), rng.choice(OFFENCES),
                   rng.choice(CHANNELS), None, "", "open", False, *LIVE)

    def identity_rows():
        for pk in range(1, cases + 1):
            yield (pk, STAMP, STAMP, "", "", "CN", "", f"P{pk}", "", None)

    def suspect_rows():
        for pk in range(1, 2 * cases + 1):
            case = rng.randrange(1, cases + 1)
            arrested = days[case_day[case] + rng.randrange(0, 21)] if rng.random() < 0.85 else None
            yield (pk, STAMP, STAMP, case, case_region[case], rng.randrange(1, cases + 1), f"S{pk}", "", "",
                   rng.choice(NATIONALITIES), "", "", None, "", arrested, "", "", *LIVE)

    def seizure_rows():
        for pk in range(1, 2 * cases + 1):
            case = rng.randrange(1, cases + 1)
            unit = rng.choice(UNITS)
            quantity = "{:.3f}".format(rng.uniform(0.01, 2.0) if unit == "kg" else rng.uniform(0.1, 500.0))
            yield (pk, STAMP, STAMP, f"Z{pk:010d}", case, case_region[case], rng.choice(drugs), quantity, unit,
                   days[case_day[case] + rng.randrange(0, 11)], "", "", *LIVE)

    def fugitive_rows():
        for pk in range(1, cases // 10 + 1):
            wanted = rng.randrange(DAYS)
            captured = days[wanted + rng.randrange(0, 30)] if rng.random() < 0.6 else None
            yield (pk, STAMP, STAMP, f"T{pk:09d}", f"F{pk}", "", "", rng.choice(counties), days[wanted], captured,
                   None, "", *LIVE)

    def eradication_rows():
        for pk in range(1, cases // 20 + 1):
            yield (pk, STAMP, STAMP, f"R{pk:09d}", rng.choice(counties), days[rng.randrange(DAYS)],
                   rng.choice(["cannabis", "poppy"]), True, rng.randrange(0, 5000), None, None, None, None, "", *LIVE)

    def interception_rows():
        for pk in range(1, cases // 5 + 1):
            yield (pk, STAMP, STAMP, f"J{pk:09d}", checkpoint.pk, rng.choice(counties), days[rng.randrange(DAYS)], "",
                   "", "", rng.choice(FINDINGS), "", *LIVE)

    with transaction.atomic():
        _insert(connection, "cases_case", ["id", "created", "last_updated", "case_no", "region_id", "filed_on",
                                           "case_type", "offence", "channel", "operation_id", "summary", "status",
                                           "notable", *LIVE_COLUMNS], case_rows())
        _insert(connection, "cases_identity", ["id", "created", "last_updated", "id_number", "id_hash", "nationality",
                                               "passport_no", "name", "sex", "birth_date"], identity_rows())
        _insert(connection, "cases_suspect", ["id", "created", "last_updated", "case_id", "region_id",
                                              "identity_id", "name", "id_number", "id_hash", "nationality",
                                              "passport_no", "sex", "birth_date", "role", "arrested_on", "measure",
                                              "notes", *LIVE_COLUMNS], suspect_rows())
        _insert(connection, "cases_seizure", ["id", "created", "last_updated", "evidence_no", "case_id", "region_id",
                                              "drug_id", "quantity", "unit", "seized_on", "place", "notes",
                                              *LIVE_COLUMNS], seizure_rows())
        _insert(connection, "cases_fugitive", ["id", "created", "last_updated", "fugitive_no", "name", "id_number",
                                               "id_hash", "region_id", "wanted_since", "captured_on",
                                               "capturing_unit_id", "notes", *LIVE_COLUMNS], fugitive_rows())
        _insert(connection, "cases_eradication", ["id", "created", "last_updated", "ref", "region_id", "found_on",
                                                  "species", "wild", "plants", "area_m2", "latitude", "longitude",
                                                  "case_id", "notes", *LIVE_COLUMNS], eradication_rows())
        _insert(connection, "cases_interception", ["id", "created", "last_updated", "ref", "checkpoint_id",
                                                   "region_id", "intercepted_on", "id_number", "id_hash", "name",
                                                   "finding", "notes", *LIVE_COLUMNS], interception_rows())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("cases_case", "cases_identity", "cases_suspect", "cases_seizure", "cases_fugitive",
                          "cases_eradication", "cases_interception"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        else:
            cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        connection.connection.autocommit = True
        with connection.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def clear(connection):
    tables = ["cases_casestatuschange", "cases_case_agencies", "cases_seizure", "cases_suspect", "cases_identity",
              "cases_eradication", "cases_interception", "cases_fugitive", "cases_case"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE {} CASCADE".format(", ".join(tables)))
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


# --- Worker: one database ------------------------------------------------------------------------


def _median_seconds(functions, repeat):
    """Median wall time of each function; runs are interleaved (a, b, c, a, b, c ...) so that a change
    of load on a shared machine weighs on every side alike. The first round warms the caches."""
    for function in functions:
        function()
    times = [[] for _ in functions]
    for _ in range(repeat):
        for index, function in enumerate(functions):
            started = time.perf_counter()
            function()
            times[index].append(time.perf_counter() - started)
    return [stats_module.median(series) for series in times]


def worker(args):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jindu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jindu.cases.models import Case, Seizure, Suspect
    from jindu.cases.selectors import statistics
    from jindu.common.context import Source, actor_context
    from jindu.core.models import Region
    from jindu.core.services import load_reference_data
    from jindu.reports.statistics import compute

    call_command("migrate", verbosity=0)
    with actor_context(source=Source.CLI):
        load_reference_data()
    generated = None
    if args.regenerate or (Case.objects.count(), Seizure.objects.count(), Suspect.objects.count()) != (
            args.cases, 2 * args.cases, 2 * args.cases):
        clear(connection)
        started = time.perf_counter()
        generate(connection, args.cases)
        generated = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
    else:
        import sqlite3

        version = "SQLite " + sqlite3.sqlite_version
    start, end = datetime.date(args.year, 1, 1), datetime.date(args.year, 12, 31)
    report = {"database": version, "cases": args.cases, "generated_seconds": generated, "scenarios": []}
    for label, code in (("year, whole region", "540000"), ("year, one county", args.county)):
        region = Region.objects.get(code=code)
        ours = statistics(start, end, region)
        hand = hand_written(connection, start, end, region)
        if json.loads(json.dumps(ours)) != json.loads(json.dumps(hand)):
            raise SystemExit(f"the figures differ for {code}:\n{json.dumps(ours)}\n{json.dumps(hand)}")
        with actor_context(source=Source.CLI):
            ours_s, hand_s, engine_s = _median_seconds([
                lambda region=region: statistics(start, end, region),
                lambda region=region: hand_written(connection, start, end, region),
                lambda code=code: compute(start, end, code),
            ], args.repeat)
        report["scenarios"].append({"scenario": label, "region": code, "ours": ours_s, "sql": hand_s,
                                    "ratio": ours_s / hand_s, "jindu_stats": engine_s,
                                    "cases_in_period": ours["cases"]["total"],
                                    "seizures_total_grams": ours["seizures"]["total_grams"]})
    print("RESULT " + json.dumps(report), flush=True)


# --- Driver --------------------------------------------------------------------------------------


def ensure_pg_database(url):
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    admin = psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                            password=config["PASSWORD"], dbname="postgres", autocommit=True)
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            admin.execute('CREATE DATABASE "{}"'.format(config["NAME"].replace('"', "")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="number of cases (default 1,000,000)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of cases (0.1 = 100,000)")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    parser.add_argument("--pg-url", default=os.environ.get("JINDU_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--county", default="540102")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.cases = int(args.cases * args.scale)
    if args.worker:
        return worker(args)

    data_dir = Path(os.environ.get("JINDU_BENCH_DIR", ROOT / "var" / "bench"))
    data_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for database in [name.strip() for name in args.databases.split(",") if name.strip()]:
        env = {**os.environ, "JINDU_DATA_DIR": str(data_dir), "JINDU_TESTING": "0"}
        if database == "sqlite":
            env["DATABASE_URL"] = "sqlite:///{}".format(data_dir / f"cases-{args.cases}.sqlite3")
        else:
            url = args.pg_url if args.pg_url != DEFAULT_PG else f"{DEFAULT_PG}_{args.cases}"  # one database per size
            ensure_pg_database(url)
            env["DATABASE_URL"] = url
        command = [sys.executable, __file__, "--worker", database, "--cases", str(args.cases), "--year",
                   str(args.year), "--county", args.county, "--repeat", str(args.repeat)]
        if args.regenerate:
            command.append("--regenerate")
        print(f"{database}: {args.cases:,} cases ...", flush=True)
        out = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
        reports.append(json.loads(line[len("RESULT "):]))

    print()
    print(f"Enforcement statistics, {args.cases:,} cases, {2 * args.cases:,} seizures and suspects, "
          f"year {args.year}, median of {args.repeat} warm runs, {os.cpu_count()} CPUs")
    print("| database | scenario | ours (s) | hand-written SQL (s) | ratio | jindu stats, all sections (s) |")
    print("|---|---|---:|---:|---:|---:|")
    for report in reports:
        for row in report["scenarios"]:
            print("| {} | {} ({}) | {:.3f} | {:.3f} | {:.2f} | {:.3f} |".format(
                report["database"], row["scenario"], row["region"], row["ours"], row["sql"], row["ratio"],
                row["jindu_stats"]))
    for report in reports:
        if report["generated_seconds"]:
            print("{}: data generated in {:.0f} s".format(report["database"], report["generated_seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
