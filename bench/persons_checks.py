"""Benchmark of the persons app (issue 4) on PostgreSQL: checkpoint look-ups over HTTP and the daily alert run.

Generates N persons (default 1,000,000; identity numbers encrypted as in production), one management
measure each and 20 drug tests per person (20,000,000), then:

(a) drug-driving look-ups by identity number through the HTTP API (POST /api/v1/persons/driving-checks,
    each one audited with its reason) with 32 concurrent clients against gunicorn, side by side with a
    trivial authenticated endpoint on the same server (GET /api/v1/core/regions/540000, the ceiling):
    requests/s and p99 latency of both. Targets: look-ups >= 60% of the ceiling, p99 <= 50 ms.
(b) the daily alert computation (services.alerts_compute) for the whole region: first run (raises the
    alerts) and second run (nothing new). Target: under 60 s.

    python bench/persons_checks.py                        # 1,000,000 persons, 20,000,000 tests
    python bench/persons_checks.py --scale 0.1            # 100,000 persons
    python bench/persons_checks.py --pg-url postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_persons

The generated data is kept in the PostgreSQL database named by --pg-url and reused by the next run of the
same size (--regenerate starts afresh). Results are printed as JSON.
"""

import argparse
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_persons"
TODAY = datetime.date(2025, 1, 1)
TESTS_PER_PERSON = 20
ROUNDS = 3
MEASURES = ["community_detox"] * 3 + ["community_rehab"] * 2 + ["compulsory_isolation", "voluntary_treatment"] + \
    ["community_detox_ended"] * 3


def identity(index, counties):
    """The identity number of generated person ``index`` (deterministic, unique: birth day and sequence)."""
    from jindu.common.identifiers import id_check_char

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=index // 999)
    body = f"{counties[index % len(counties)][1]}{birth:%Y%m%d}{index % 999 + 1:03d}"
    return body + id_check_char(body), birth


def counties_of():
    from jindu.core.models import Region

    return list(Region.objects.filter(level="county", code__startswith="54").order_by("code").values_list("id", "code"))


def copy_rows(connection, table, columns, rows):
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(connection, persons):
    from django.db import transaction

    from jindu.common.masking import mask_id_number
    from jindu.persons.crypto import blind_index, encrypt

    counties = counties_of()
    stamp = "2024-12-31 00:00:00+00"

    def person_rows():
        for index in range(persons):
            number, birth = identity(index, counties)
            yield (index + 1, stamp, stamp, encrypt(number), blind_index(number), mask_id_number(number), "CN", "",
                   f"P{index}", "M" if int(number[16]) % 2 else "F", birth, "", counties[index % len(counties)][0],
                   "", "", "", datetime.date(2015, 1, 1) + datetime.timedelta(days=index % 3000), "active", 0,
                   index % 97 == 0, "", False, "", 1)

    def episode_rows():
        for index in range(persons):
            measure = MEASURES[index % len(MEASURES)]
            start = datetime.date(2021, 1, 1) + datetime.timedelta(days=(index * 7) % 1300)
            end = None
            if measure == "community_detox_ended":
                measure, end = "community_detox", start + datetime.timedelta(days=300)
            yield (index + 1, stamp, stamp, f"B{index}", index + 1, measure, start, end, "", False, "", 1)

    with transaction.atomic():
        copy_rows(connection, "persons_person", [
            "id", "created", "last_updated", "id_number", "id_hash", "id_masked", "nationality", "passport_no", "name",
            "sex", "birth_date", "ethnicity", "region_id", "address", "phone", "photo", "registered_on", "status",
            "relapse_count", "drug_driving_history", "notes", "voided", "void_reason", "version"], person_rows())
        copy_rows(connection, "persons_episode", ["id", "created", "last_updated", "ref", "person_id", "measure",
                                                  "start_on", "end_on", "notes", "voided", "void_reason", "version"],
                  episode_rows())
    with connection.cursor() as cursor:
        # 20 tests a person, every 25 days back from the day before TODAY, each person's series shifted by up to
        # 40 days (so that some are overdue, as in real life); one test in 50 positive.
        cursor.execute(f"""
            INSERT INTO persons_drugtest (created, last_updated, ref, person_id, tested_on, method, result, tester,
                                          notes, voided, void_reason, version)
            SELECT now(), now(), 'T' || g, (g % {persons}) + 1,
                   DATE '{TODAY.isoformat()}' - ((g / {persons}) * 25 + 1 + ((g % {persons}) * 37) % 40)::int,
                   'urine', CASE WHEN g % 50 = 0 THEN 'positive' ELSE 'negative' END, '', '', false, '', 1
              FROM generate_series(0, {persons * TESTS_PER_PERSON - 1}::bigint) AS g""")
        # Everyone in community management has been assessed; some reassessments are due.
        cursor.execute(f"""
            INSERT INTO persons_riskassessment (created, last_updated, person_id, assessed_on, score, level, factors,
                                                next_due, notes, voided, void_reason, version)
            SELECT now(), now(), person_id, DATE '{TODAY.isoformat()}' - (id % 150)::int, 10, 'low', '[]',
                   DATE '{TODAY.isoformat()}' - (id % 150)::int + 90 + (id % 60)::int, '', false, '', 1
              FROM persons_episode WHERE end_on IS NULL AND measure IN ('community_detox', 'community_rehab')""")
        for table in ("persons_person", "persons_episode", "persons_drugtest", "persons_riskassessment"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    connection.connection.autocommit = True
    with connection.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def clear(connection):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE persons_alert, persons_drugtest, persons_handover, persons_contact, "
                       "persons_riskassessment, persons_identitydisclosure, persons_violation, persons_episode, "
                       "persons_person, persons_drivingcheck RESTART IDENTITY CASCADE")


def bench_alerts():
    from jindu.common.context import Source, actor_context
    from jindu.persons.models import Alert
    from jindu.persons.services import alerts_compute

    runs = []
    for _ in range(2):
        started = time.perf_counter()
        with actor_context(source=Source.CLI):
            counts = alerts_compute(TODAY)
        runs.append({"seconds": round(time.perf_counter() - started, 2), **counts})
    return {"runs": runs, "alerts": Alert.objects.count(), "target_seconds": 60}


def load(url, headers, body, clients, seconds):
    """``clients`` threads with keep-alive connections hammering one endpoint for ``seconds``."""
    import http.client

    parsed = urllib.parse.urlparse(url)
    latencies, errors, stop = [], [0], time.perf_counter() + seconds
    lock = threading.Lock()

    def run(number):
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        mine = []
        sequence = 0
        while time.perf_counter() < stop:
            payload = body(number, sequence) if body else None
            sequence += 1
            started = time.perf_counter()
            connection.request("POST" if body else "GET", parsed.path, body=payload, headers=headers(number))
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status >= 300:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors[0], "requests_per_second": round(len(latencies) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1)}


def bench_http(env, persons, clients, seconds, workers):
    import socket

    from django.core.management import call_command

    from jindu.common.testing.helpers import create_user

    user = create_user(f"bench_{os.getpid()}", ["regional_officer"], "540000")
    tokens = []
    for _ in range(clients):
        out = io.StringIO()
        call_command("apitoken", user.username, stdout=out)
        tokens.append(out.getvalue().strip())
    counties = counties_of()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "jindu.wsgi", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)

        def headers(number):
            return {"Authorization": "Bearer " + tokens[number], "Content-Type": "application/json"}

        def lookup(number, sequence):
            index = (number * 7_919_993 + sequence * 104_729) % persons
            return json.dumps({"id_number": identity(index, counties)[0], "reason": "基准测试 路检路查"})

        load(base + "/api/v1/core/regions/540000", headers, None, clients, 3)  # warm up both
        load(base + "/api/v1/persons/driving-checks", headers, lookup, clients, 3)
        rounds = []
        for _ in range(ROUNDS):  # interleaved, so that both see the same load from the rest of the machine
            ceiling = load(base + "/api/v1/core/regions/540000", headers, None, clients, seconds)
            checks = load(base + "/api/v1/persons/driving-checks", headers, lookup, clients, seconds)
            rounds.append({"ceiling": ceiling, "lookups": checks,
                           "ratio": round(checks["requests_per_second"] / ceiling["requests_per_second"], 3)})
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"clients": clients, "workers": workers, "seconds": seconds, "rounds": rounds,
            "targets": {"ratio": 0.6, "p99_ms": 50}}


def worker(args):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jindu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jindu.common.context import Source, actor_context
    from jindu.core.services import load_reference_data
    from jindu.persons.models import DrugTest, Person

    call_command("migrate", verbosity=0)
    with actor_context(source=Source.CLI):
        load_reference_data()
    persons = args.persons
    generated = None
    if args.regenerate or Person.objects.count() != persons or DrugTest.objects.count() != persons * TESTS_PER_PERSON:
        clear(connection)
        started = time.perf_counter()
        generate(connection, persons)
        generated = round(time.perf_counter() - started, 1)
    from django.db import connection as fresh

    fresh.close()
    report = {"persons": persons, "drug_tests": persons * TESTS_PER_PERSON, "generated_seconds": generated}
    with fresh.cursor() as cursor:
        cursor.execute("SHOW server_version")
        report["database"] = "PostgreSQL " + cursor.fetchone()[0]
    if "http" in args.parts:
        report["lookups"] = bench_http(dict(os.environ), persons, args.clients, args.seconds, args.workers)
    if "alerts" in args.parts:
        report["alerts"] = bench_alerts()
    print(json.dumps(report, ensure_ascii=False, indent=2))


def ensure_database(url):
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 persons")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=max(2, 2 * (os.cpu_count() or 1) + 1))
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--parts", default="http,alerts")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.persons = int(1_000_000 * args.scale)
    if args.worker:
        return worker(args)
    ensure_database(args.pg_url)
    data = Path(tempfile.mkdtemp(prefix="jindu-bench-persons-"))
    # A fixed key: the keyed hashes of the generated identity numbers must stay valid from one run to the next.
    env = {**os.environ, "DATABASE_URL": args.pg_url, "JINDU_DATA_DIR": str(data), "JINDU_TESTING": "0",
           "JINDU_PERSONS_KEY": os.environ.get("JINDU_PERSONS_KEY", "jindu-bench-persons-key-not-for-production"),
           # 32 clients of one bench user would hit the API write limit (300 per 5 minutes) within seconds
           "JINDU_RATE_LIMITS": "api_write.user=100000000/5m,api_write.ip=100000000/5m",
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "jindu.settings")}
    command = [sys.executable, __file__, "--worker", "--scale", str(args.scale), "--clients", str(args.clients),
               "--workers", str(args.workers), "--seconds", str(args.seconds), "--parts", args.parts]
    if args.regenerate:
        command.append("--regenerate")
    return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
