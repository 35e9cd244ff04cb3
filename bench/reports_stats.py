"""Benchmark of the statistics engine for every section, the dashboard and the bulletin (issue 8).

On a database of N cases (default 1,000,000, with 2N suspects and 2N seizures, N/10 fugitives, N/20
eradication records and N/5 interceptions over five years, as the enforcement benchmark builds them) plus the
demo scenario (persons, precursors, outreach, supervision), times for one year over the whole region (540000):

- each section of ``jindu stats`` (the app's contribution to the engine) beside bare SQL aggregates that
  compute the same figures on the same database (the script checks that they agree), and the ratio;
- the whole engine (``compute``: every section) beside the sum of the bare SQL;
- the dashboard's data (the figures with 同比 and 环比, the 7 prefectures, 12 months, the alerts);
- a bulletin: the draft (every figure, the comparisons, the prefecture table, the trend), then DOCX and PDF.

    python bench/reports_stats.py                        # 1,000,000 cases on SQLite and PostgreSQL
    python bench/reports_stats.py --cases 100000 --databases sqlite

The generated data is kept (var/bench/reports-N.sqlite3 and the PostgreSQL database jindu_bench_reports_N, or
the one --pg-url names) and reused by the next run of the same size; --regenerate starts afresh.
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_reports"
START, DAYS = datetime.date(2020, 1, 1), 5 * 365 + 1
NATIONALITIES = ["CN"] * 93 + ["NP"] * 3 + ["IN"] * 2 + ["MM", "PK"]
UNITS = ["g"] * 12 + ["kg"] * 3 + ["tablet"] * 3 + ["capsule", "ml"]
OFFENCES = [
    "trafficking",
    "smuggling",
    "transport",
    "manufacture",
    "possession",
    "harbouring",
    "cultivation",
    "drug_use",
    "precursor",
    "other",
]
FINDINGS = ["drug_user", "drug_driving", "trafficking", "other"]
BATCH = 5000


# --- Data: the enforcement records through the ORM (every column gets its model default) ---------------------


def generate(cases, seed=20240630):
    """N cases and their records, written with ``bulk_create`` (no services: this is load, not data entry)."""
    from django.db import transaction

    from jindu.cases.models import Case, Eradication, Fugitive, Identity, Interception, Seizure, Suspect
    from jindu.core.models import Drug, Organisation, Region

    rng = random.Random(seed)
    counties = list(Region.objects.filter(level="county").values_list("id", flat=True))
    drugs = list(Drug.objects.values_list("id", flat=True))
    checkpoint, _ = Organisation.objects.get_or_create(
        name="基准测试检查站", defaults={"kind": "checkpoint", "region": Region.objects.get(code="540602")}
    )
    days = [(START + datetime.timedelta(days=n)) for n in range(DAYS + 40)]
    case_region, case_day = [0] * (cases + 1), [0] * (cases + 1)

    def save(model, objects):
        batch = []
        for obj in objects:
            batch.append(obj)
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch)
                batch = []
        if batch:
            model.objects.bulk_create(batch)

    def case_objects():
        for pk in range(1, cases + 1):
            region, day = rng.choice(counties), rng.randrange(DAYS)
            case_region[pk], case_day[pk] = region, day
            yield Case(
                pk=pk,
                case_no=f"B{pk:09d}",
                region_id=region,
                filed_on=days[day],
                case_type=rng.choice(["criminal", "criminal", "administrative"]),
                offence=rng.choice(OFFENCES),
            )

    def suspect_objects():
        for pk in range(1, 2 * cases + 1):
            case = rng.randrange(1, cases + 1)
            arrested = days[case_day[case] + rng.randrange(0, 21)] if rng.random() < 0.85 else None
            yield Suspect(
                pk=pk,
                case_id=case,
                region_id=case_region[case],
                identity_id=rng.randrange(1, cases + 1),
                name=f"S{pk}",
                nationality=rng.choice(NATIONALITIES),
                arrested_on=arrested,
            )

    def seizure_objects():
        for pk in range(1, 2 * cases + 1):
            case, unit = rng.randrange(1, cases + 1), rng.choice(UNITS)
            quantity = "{:.3f}".format(rng.uniform(0.01, 2.0) if unit == "kg" else rng.uniform(0.1, 500.0))
            yield Seizure(
                pk=pk,
                evidence_no=f"Z{pk:010d}",
                case_id=case,
                region_id=case_region[case],
                drug_id=rng.choice(drugs),
                quantity=quantity,
                unit=unit,
                seized_on=days[case_day[case] + rng.randrange(0, 11)],
            )

    with transaction.atomic():
        save(Case, case_objects())
        save(Identity, (Identity(pk=pk, name=f"P{pk}") for pk in range(1, cases + 1)))
        save(Suspect, suspect_objects())
        save(Seizure, seizure_objects())
        save(
            Fugitive,
            (
                Fugitive(
                    pk=pk,
                    fugitive_no=f"T{pk:09d}",
                    name=f"F{pk}",
                    region_id=rng.choice(counties),
                    wanted_since=days[w],
                    captured_on=days[w + rng.randrange(30)] if rng.random() < 0.6 else None,
                )
                for pk, w in ((pk, rng.randrange(DAYS)) for pk in range(1, cases // 10 + 1))
            ),
        )
        save(
            Eradication,
            (
                Eradication(
                    pk=pk,
                    ref=f"R{pk:09d}",
                    region_id=rng.choice(counties),
                    found_on=days[rng.randrange(DAYS)],
                    species=rng.choice(["cannabis", "poppy"]),
                    wild=True,
                    plants=rng.randrange(0, 5000),
                )
                for pk in range(1, cases // 20 + 1)
            ),
        )
        save(
            Interception,
            (
                Interception(
                    pk=pk,
                    ref=f"J{pk:09d}",
                    checkpoint=checkpoint,
                    region_id=rng.choice(counties),
                    intercepted_on=days[rng.randrange(DAYS)],
                    finding=rng.choice(FINDINGS),
                )
                for pk in range(1, cases // 5 + 1)
            ),
        )


def analyse(connection):
    from django.db.models import Max

    from jindu.cases.models import Case, Eradication, Fugitive, Identity, Interception, Seizure, Suspect

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Case, Identity, Suspect, Seizure, Fugitive, Eradication, Interception):
                table = model._meta.db_table
                top = model.objects.aggregate(top=Max("pk"))["top"] or 1
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [top])
        else:
            cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        connection.connection.autocommit = True
        with connection.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# --- Bare SQL aggregates, one statement per section ----------------------------------------------------------


def _tables():
    from django.apps import apps

    names = {
        "person": "persons.Person",
        "episode": "persons.Episode",
        "drugtest": "persons.DrugTest",
        "unit": "precursors.Unit",
        "tx": "precursors.Transaction",
        "flag": "precursors.ReconciliationFlag",
        "event": "outreach.Event",
        "entry": "outreach.ContestEntry",
        "attempt": "outreach.QuizAttempt",
        "daily": "outreach.QuizDailyCount",
    }
    return {key: apps.get_model(label)._meta.db_table for key, label in names.items()}


PERSONS_SQL = """
SELECT
 (SELECT COUNT(*) FROM {person} p JOIN core_region g ON g.id = p.region_id
   WHERE g.path LIKE %(prefix)s AND p.registered_on <= %(end)s),
 (SELECT COUNT(*) FROM {person} p JOIN core_region g ON g.id = p.region_id
   WHERE g.path LIKE %(prefix)s AND EXISTS (SELECT 1 FROM {episode} e WHERE e.person_id = p.id
     AND e.measure IN ('community_detox', 'community_rehab') AND e.start_on <= %(end)s
     AND (e.end_on IS NULL OR e.end_on >= %(start)s))),
 (SELECT COUNT(*) FROM {person} p JOIN core_region g ON g.id = p.region_id
   WHERE g.path LIKE %(prefix)s AND EXISTS (SELECT 1 FROM {episode} e WHERE e.person_id = p.id
     AND e.measure IN ('community_detox', 'community_rehab') AND e.start_on <= %(end)s
     AND (e.end_on IS NULL OR e.end_on >= %(start)s))
   AND EXISTS (SELECT 1 FROM {drugtest} t WHERE t.person_id = p.id AND t.tested_on BETWEEN %(start)s AND %(end)s
     AND EXISTS (SELECT 1 FROM {episode} c WHERE c.person_id = p.id
       AND c.measure IN ('community_detox', 'community_rehab') AND c.start_on <= t.tested_on
       AND (c.end_on IS NULL OR c.end_on >= t.tested_on))))
"""
PRECURSORS_SQL = """
SELECT
 (SELECT COUNT(*) FROM {unit} u JOIN core_region g ON g.id = u.region_id WHERE g.path LIKE %(prefix)s),
 (SELECT COUNT(*) FROM {tx} t JOIN {unit} u ON u.id = t.unit_id JOIN core_region g ON g.id = u.region_id
   WHERE g.path LIKE %(prefix)s AND t.date BETWEEN %(start)s AND %(end)s),
 (SELECT COUNT(*) FROM {flag} f JOIN {unit} u ON u.id = f.unit_id JOIN core_region g ON g.id = u.region_id
   WHERE g.path LIKE %(prefix)s AND f.rule = 'reconciliation' AND f.active = %(true)s
     AND f.month_end BETWEEN %(start)s AND %(end)s)
"""
OUTREACH_SQL = """
SELECT
 (SELECT COUNT(*) FROM {event} e JOIN core_region g ON g.id = e.region_id
   WHERE g.path LIKE %(prefix)s AND e.held_on BETWEEN %(start)s AND %(end)s),
 (SELECT COALESCE(SUM(e.reached), 0) FROM {event} e JOIN core_region g ON g.id = e.region_id
   WHERE g.path LIKE %(prefix)s AND e.held_on BETWEEN %(start)s AND %(end)s),
 (SELECT COUNT(*) FROM {attempt} a LEFT JOIN core_region g ON g.id = a.region_id
   WHERE a.status = 'submitted' AND a.finished_at >= %(since)s AND a.finished_at < %(until)s
     AND (g.path LIKE %(prefix)s OR (a.region_id IS NULL AND %(root)s))),
 (SELECT COUNT(DISTINCT a.participant_id) FROM {attempt} a LEFT JOIN core_region g ON g.id = a.region_id
   WHERE a.status = 'submitted' AND a.finished_at >= %(since)s AND a.finished_at < %(until)s
     AND (g.path LIKE %(prefix)s OR (a.region_id IS NULL AND %(root)s))),
 (SELECT COALESCE(SUM(d.attempts), 0) FROM {daily} d JOIN core_region g ON g.id = d.region_id
   WHERE g.path LIKE %(prefix)s AND d.day BETWEEN %(start)s AND %(end)s),
 (SELECT COALESCE(SUM(d.participants), 0) FROM {daily} d JOIN core_region g ON g.id = d.region_id
   WHERE g.path LIKE %(prefix)s AND d.day BETWEEN %(start)s AND %(end)s),
 (SELECT COUNT(*) FROM {entry} v JOIN core_region g ON g.id = v.region_id
   WHERE g.path LIKE %(prefix)s AND v.submitted_on BETWEEN %(start)s AND %(end)s),
 (SELECT COUNT(*) FROM {entry} v JOIN core_region g ON g.id = v.region_id
   WHERE g.path LIKE %(prefix)s AND v.submitted_on BETWEEN %(start)s AND %(end)s AND v.selected = %(true)s)
"""


def _row(connection, sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_tables()), params)
        return [int(value or 0) for value in cursor.fetchone()]


def bare_sql(connection, start, end, region):
    """Each section's figures from bare SQL: {section: (function, figures of the contract)}."""
    from bench.cases_stats import hand_written
    from django.conf import settings
    from django.utils import timezone

    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    params = {
        "prefix": region.path + "%",
        "start": start,
        "end": end,
        "true": True,
        "since": since,
        "until": until,
        "root": region.code == settings.JINDU_ROOT_REGION,
    }

    def persons():
        registered, in_community, tested = _row(connection, PERSONS_SQL, params)
        rate = round(tested / in_community, 4) if in_community else None
        return {
            "persons": {"registered": registered, "in_community": in_community, "tested": tested, "test_rate": rate}
        }

    def precursors():
        units, transactions, flags = _row(connection, PRECURSORS_SQL, params)
        return {"precursors": {"units": units, "transactions": transactions, "flagged_discrepancies": flags}}

    def outreach():
        events, reached, attempts, participants, daily, daily_people, videos, selected = _row(
            connection, OUTREACH_SQL, params
        )
        return {
            "outreach": {
                "events": events,
                "people_reached": reached,
                "quiz_attempts": attempts + daily,
                "quiz_participants": participants + daily_people,
                "videos_submitted": videos,
                "videos_selected": selected,
            }
        }

    return {
        "cases": lambda: hand_written(connection, start, end, region),
        "persons": persons,
        "precursors": precursors,
        "outreach": outreach,
    }


# --- Worker: one database -----------------------------------------------------------------------------------


def _once(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def worker(args):
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jindu.settings")
    django.setup()
    import io

    from bench.cases_stats import _median_seconds
    from django.core.management import call_command
    from django.db import connection
    from django.utils.module_loading import import_string

    from jindu.cases.models import Case
    from jindu.common.context import Source, actor_context
    from jindu.common.testing import create_user
    from jindu.core.models import Region, User
    from jindu.core.services import load_reference_data
    from jindu.reports import bulletin
    from jindu.reports.selectors import dashboard_data
    from jindu.reports.statistics import PROVIDERS, compute

    call_command("migrate", verbosity=0)
    generated = None
    if Case.objects.filter(case_no__startswith="B").count() != args.cases:
        if Case.objects.exists():
            raise SystemExit("the bench database holds other data: run again with --regenerate")
        started = time.perf_counter()
        with actor_context(source=Source.CLI):
            load_reference_data()
            generate(args.cases)  # first: it sets the primary keys itself
            analyse(connection)
            call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
        analyse(connection)
        generated = time.perf_counter() - started
    version = "SQLite " + __import__("sqlite3").sqlite_version
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
    start, end = datetime.date(args.year, 1, 1), datetime.date(args.year, 12, 31)
    region = Region.objects.get(code="540000")
    bare = bare_sql(connection, start, end, region)
    report = {"database": version, "cases": args.cases, "generated_seconds": generated, "rows": []}
    with actor_context(source=Source.CLI):
        for section, path in PROVIDERS.items():
            ours_function = import_string(path)
            ours = json.loads(json.dumps(ours_function(start, end, region)))
            theirs = json.loads(json.dumps(bare[section]()))
            agree = ours == theirs
            if not agree:
                print(f"WARNING {section}: the figures differ\n{ours}\n{theirs}", file=sys.stderr)
            ours_s, sql_s = _median_seconds([lambda f=ours_function: f(start, end, region), bare[section]], args.repeat)
            report["rows"].append({"what": f"section {section}", "ours": ours_s, "sql": sql_s, "agree": agree})
        everything = [bare[section] for section in PROVIDERS]
        ours_s, sql_s = _median_seconds(
            [lambda: compute(start, end, "540000"), lambda: [function() for function in everything]], args.repeat
        )
        report["rows"].append({"what": "jindu stats (all sections)", "ours": ours_s, "sql": sql_s, "agree": True})
        officer = User.objects.filter(username="bench_officer").first() or create_user(
            "bench_officer", ["regional_officer"], "540000"
        )
        seconds = _median_seconds([lambda: dashboard_data(officer, start, end)], max(1, args.repeat // 2))[0]
        report["rows"].append(
            {"what": "dashboard data (同比, 环比, prefectures, months, alerts)", "ours": seconds, "sql": None}
        )
        draft_s, draft = _once(lambda: bulletin.draft(start, end, "540000"))
        report["rows"].append(
            {"what": "bulletin draft (figures, comparisons, table, trend)", "ours": draft_s, "sql": None}
        )
        docx_s, _content = _once(lambda: bulletin.render(draft, "docx"))
        report["rows"].append({"what": "bulletin DOCX (chart included)", "ours": docx_s, "sql": None})
        try:
            pdf_s, _content = _once(lambda: bulletin.render(draft, "pdf"))
            report["rows"].append({"what": "bulletin PDF (WeasyPrint)", "ours": pdf_s, "sql": None})
        except bulletin.FontsMissing as error:
            print(f"PDF skipped: {error}", file=sys.stderr)
    print("RESULT " + json.dumps(report), flush=True)


# --- Driver -------------------------------------------------------------------------------------------------


def drop_pg_database(url):
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute('DROP DATABASE IF EXISTS "{}"'.format(config["NAME"].replace('"', "")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="number of cases (default 1,000,000)")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    parser.add_argument("--pg-url", default=os.environ.get("JINDU_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true", help="drop the kept database and generate anew")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    sys.path.insert(0, str(ROOT))
    from bench.cases_stats import ensure_pg_database

    data_dir = Path(os.environ.get("JINDU_BENCH_DIR", ROOT / "var" / "bench"))
    data_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for database in [name.strip() for name in args.databases.split(",") if name.strip()]:
        env = {**os.environ, "JINDU_DATA_DIR": str(data_dir), "JINDU_TESTING": "0"}
        if database == "sqlite":
            path = data_dir / f"reports-{args.cases}.sqlite3"
            if args.regenerate:
                for stale in data_dir.glob(path.name + "*"):
                    stale.unlink()
            env["DATABASE_URL"] = f"sqlite:///{path}"
        else:
            url = args.pg_url if args.pg_url != DEFAULT_PG else f"{DEFAULT_PG}_{args.cases}"
            if args.regenerate:
                drop_pg_database(url)
            ensure_pg_database(url)
            env["DATABASE_URL"] = url
        command = [
            sys.executable,
            __file__,
            "--worker",
            database,
            "--cases",
            str(args.cases),
            "--year",
            str(args.year),
            "--repeat",
            str(args.repeat),
        ]
        print(f"{database}: {args.cases:,} cases ...", flush=True)
        out = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
        reports.append(json.loads(line[len("RESULT ") :]))

    print()
    print(
        f"Statistics and bulletin, {args.cases:,} cases plus the demo scenario, year {args.year}, whole region, "
        f"median of {args.repeat} warm runs (drafting and rendering: one run), {os.cpu_count()} CPUs"
    )
    print("| database | what | ours (s) | bare SQL (s) | ratio | same figures |")
    print("|---|---|---:|---:|---:|---|")
    for report in reports:
        for row in report["rows"]:
            sql = row["sql"]
            print(
                "| {} | {} | {:.3f} | {} | {} | {} |".format(
                    report["database"],
                    row["what"],
                    row["ours"],
                    "—" if sql is None else f"{sql:.3f}",
                    "—" if sql is None else "{:.2f}".format(row["ours"] / sql),
                    {True: "yes", False: "NO"}.get(row.get("agree"), "—"),
                )
            )
    for report in reports:
        if report["generated_seconds"]:
            print("{}: data generated in {:.0f} s".format(report["database"], report["generated_seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
