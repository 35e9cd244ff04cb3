"""Benchmark of the public quiz (issue 7): the participant's flow under load, on the production setup.

Setup: PostgreSQL (a database of its own) holding 1,000,000 past attempts of an earlier quiz by 300,000
participants; gunicorn with 2 sync workers; Redis for rate limits, papers and live counters. Load from wrk on
loopback (one connection per wrk thread, Lua scripts in bench/quiz/), bounded in time. Phases, each on a
fresh quiz of 10 questions drawn from a bank of 100:

1. ceiling   GET /quiz/api/time: the same server and middleware, no database, no rate limit (before and after)
2. burst     "a class of fifty starting together": 50 participants start, fetch and submit at the same instant
3. start     POST /quiz/api/q/<code>/start only (one new attempt per request)
4. fetch     GET /quiz/api/a/<attempt> only, once per attempt made in 3
5. submit    POST /quiz/api/a/<attempt>/submit only, once per attempt made in 3
6. flow      start -> fetch -> submit in a loop: completed attempts per second, p50/p99 of each step

Then: rows lost (scored submissions the clients saw that the database does not hold, and the other way round),
the live counters against the rows, and the statistics query over the 1,000,000 rows.

Targets on this 2-core machine (issue 7): >= 300 completed attempts/s, p99 submit <= 200 ms, 0 errors, 0 lost,
submit rate >= 50 % of the ceiling's rate. The load tool shares the 2 cores with the server, PostgreSQL and
Redis: compare the ratios measured in the same run, not the absolute figures alone.

    python bench/quiz_bench.py                       # 1,000,000 past attempts, 64 clients, 15 s per phase
    python bench/quiz_bench.py --past 100000 --seconds 5 --clients 32     # a quick run
    python bench/quiz_bench.py --pg-url postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_quiz

The generated data is kept in the database named by --pg-url and reused (--regenerate starts afresh); each run
adds fresh quizzes. The min_seconds_per_question of the bench quizzes is 0: the load submits at once (the
timing rule is tested in src/jindu/outreach/tests/test_quiz_play.py). Results are printed as JSON.
"""

import argparse
import datetime
import json
import os
import shutil
import socket
import statistics as stats_module
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "quiz"
DEFAULT_PG = "postgres://jindu:jindu@127.0.0.1:5432/jindu_bench_quiz"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
SECRET = "jindu-bench-quiz-secret-not-for-production"
PAST_PARTICIPANTS = 300_000
PREFIX = "jindu-bench-quiz:"


def environment(args, data_dir):
    return {**os.environ, "DATABASE_URL": args.pg_url, "JINDU_DATA_DIR": str(data_dir), "REDIS_URL": args.redis_url,
            "JINDU_QUIZ_REDIS_PREFIX": PREFIX, "SECRET_KEY": SECRET, "JINDU_TESTING": "0",
            # rate limits stay on (counted in Redis on every request), with rates no bench reaches
            "JINDU_RATE_LIMITS": "quiz.ip=100000000/m,quiz.ip_signed=100000000/m,quiz.participant=100000/m",
            "DJANGO_SETTINGS_MODULE": "jindu.settings", "JINDU_LOG_LEVEL": "ERROR"}


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Data ---------------------------------------------------------------------------------------


def prepare(args, env, work):
    """Migrate, generate (or reuse) the data, make this run's quizzes and the participants' token files."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from jindu.core.models import Region
    from jindu.core.services import load_reference_data
    from jindu.outreach.quiz import demo, identity
    from jindu.outreach.quiz.models import Participant, Question, Quiz, QuizAttempt, QuizDrawRule

    load_reference_data()
    categories = demo._categories()
    demo._questions(categories)
    law = categories["law"]
    root = Region.objects.get(code="540000")
    for number in range(Question.objects.filter(status="approved").count(), 100):
        Question.objects.create(ref=f"BENCH-{number:03d}", region=root, category=law, kind="single", difficulty=2,
                                text_zh=f"压测题目{number}：下列说法正确的是？",
                                options=[{"zh": f"选项{i}", "bo": ""} for i in range(4)], answer=[number % 4],
                                explanation_zh="压测解析。", status="approved", reviewed_at=timezone.now())
    counties = list(Region.objects.filter(level="county").values_list("pk", flat=True))
    generated = {}
    started = time.monotonic()
    past = Quiz.objects.filter(code="bench-past").first()
    if past is None:
        past = Quiz.objects.create(code="bench-past", title="压测：历史答题", region=root,
                                   opens_at=timezone.make_aware(datetime.datetime(2024, 6, 1)),
                                   closes_at=timezone.make_aware(datetime.datetime(2024, 6, 27)),
                                   attempts_per_day=1, attempts_total=10, status="published")
        QuizDrawRule.objects.create(quiz=past, count=10)
    have = QuizAttempt.objects.filter(quiz=past).count()
    if have < args.past:
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO outreach_participant (created, last_updated, code, identity_kind, identity_hash, phone,
                    phone_tail, nickname, under_14, guardian_consent_at, region_id, school_id, school_name,
                    profile_version)
                SELECT now(), now(), 'BP' || lpad(i::text, 8, '0'), 'phone', md5('bench-past-' || i), '', '',
                       'p' || i, false, NULL, (%s::bigint[])[1 + i %% {len(counties)}], NULL, '', 0
                FROM generate_series(1, {PAST_PARTICIPANTS}) AS i
                ON CONFLICT DO NOTHING""", [counties])
            cursor.execute("SELECT min(id) FROM outreach_participant WHERE code LIKE 'BP%%'")
            base = cursor.fetchone()[0]
            cursor.execute(f"""
                INSERT INTO outreach_quizattempt (created, last_updated, quiz_id, participant_id, token, day, day_slot,
                    total_slot, started_at, deadline, status, finished_at, duration_ms, question_count, correct,
                    score, passed, flag, region_id, school_id, language, paper, answers)
                SELECT now(), now(), %s, %s + (i - 1) %% {PAST_PARTICIPANTS}, 'past-' || i,
                       date '2024-06-01' + ((i - 1) %% 26), 1, 1 + (i - 1) / {PAST_PARTICIPANTS},
                       t, t + interval '10 minutes', 'submitted', t + interval '5 minutes', 300000, 10,
                       (i * 7) %% 11, ((i * 7) %% 11) * 10, ((i * 7) %% 11) >= 6, '',
                       (%s::bigint[])[1 + i %% {len(counties)}], NULL, 'zh-hans', '[]', '[]'
                FROM generate_series(%s, %s) AS i,
                     LATERAL (SELECT timestamptz '2024-06-01 02:00+00' + ((i - 1) %% 26) * interval '1 day'
                                     + (i %% 36000) * interval '1 second' AS t) AS times
                ON CONFLICT DO NOTHING""", [past.pk, base, counties, have + 1, args.past])
            cursor.execute("ANALYZE outreach_quizattempt; ANALYZE outreach_participant")
        generated["past_seconds"] = round(time.monotonic() - started, 1)
    need = args.participants
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO outreach_participant (created, last_updated, code, identity_kind, identity_hash, phone,
                phone_tail, nickname, under_14, guardian_consent_at, region_id, school_id, school_name,
                profile_version)
            SELECT now(), now(), 'BQ' || lpad(i::text, 8, '0'), 'phone', md5('bench-flow-' || i), '', '', 'q' || i,
                   false, NULL, (%s::bigint[])[1 + i %% {len(counties)}], NULL, '', 0
            FROM generate_series(1, {need}) AS i
            ON CONFLICT DO NOTHING""", [counties])
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    codes = {}
    for phase in ("steps", "flow", "burst"):
        quiz = Quiz.objects.create(code=f"bench-{phase}-{stamp}", title=f"压测 {phase}", region=root,
                                   opens_at=timezone.now() - datetime.timedelta(days=1),
                                   closes_at=timezone.now() + datetime.timedelta(days=30), time_limit_seconds=1800,
                                   min_seconds_per_question=0, attempts_per_day=1000, attempts_total=1000,
                                   status="published", asks_region=True)
        QuizDrawRule.objects.create(quiz=quiz, count=10)
        codes[phase] = (quiz.code, quiz.pk)
    participants = list(Participant.objects.filter(code__startswith="BQ").order_by("code").values_list(
        "pk", "region_id")[:need])
    tokens = [identity.issue_token(Participant(pk=pk, region_id=region, school_id=None, profile_version=0))
              for pk, region in participants]
    per_thread = len(tokens) // args.clients
    for number in range(args.clients):
        (work / f"tokens_{number + 1}").write_text("\n".join(tokens[number * per_thread:(number + 1) * per_thread]))
    (work / "burst_tokens").write_text("\n".join(tokens[-args.burst:]))
    connection.close()
    return {"codes": codes, "generated": generated, "participants": len(tokens)}


# --- Server and load ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, workers, threads, wsgi="jindu.outreach.quiz.wsgi"):
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), wsgi, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--backlog", "2048", "--log-level", "error"]
    if threads > 1:  # gthread: a worker waiting for PostgreSQL's commit or Redis serves other requests meanwhile
        command += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5"]
    process = subprocess.Popen(command, env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/quiz/api/time", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def run_wrk(script, url, clients, seconds, **variables):
    env = {**os.environ, "JQ_DIR": str(LUA), "JQ_THREADS": str(clients), **{k: str(v) for k, v in variables.items()}}
    command = ["wrk", "-t", str(clients), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s", "-s",
               str(LUA / script), url]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120).stdout
    line = next((line for line in out.splitlines() if line.startswith("QUIZBENCH ")), None)
    if line is None:
        raise RuntimeError("wrk gave no summary:\n" + out[-3000:])
    return json.loads(line[len("QUIZBENCH "):])


def http(url, token, method="GET", body=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def burst(url, code, tokens):
    """All participants of a class press "start" at the same instant, then answer and submit."""
    barrier = threading.Barrier(len(tokens))
    timings = [None] * len(tokens)

    def pupil(number):
        token = tokens[number]
        barrier.wait()
        t0 = time.perf_counter()
        status, started = http(f"{url}/quiz/api/q/{code}/start", token, "POST", {})
        t1 = time.perf_counter()
        fetched, _ = http(f"{url}/quiz/api/a/{started.get('attempt')}", token) if status in (200, 201) else (0, None)
        t2 = time.perf_counter()
        submitted, result = http(f"{url}/quiz/api/a/{started.get('attempt')}/submit", token, "POST",
                                 {"answers": [[0]] * 10}) if fetched == 200 else (0, {})
        t3 = time.perf_counter()
        timings[number] = (status, fetched, submitted, (t1 - t0) * 1000, (t2 - t0) * 1000, (t3 - t2) * 1000)

    threads = [threading.Thread(target=pupil, args=(n,)) for n in range(len(tokens))]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    total = (time.perf_counter() - begin) * 1000
    ok = [t for t in timings if t and t[0] in (200, 201) and t[1] == 200 and t[2] == 200]
    starts = sorted(t[3] for t in ok)
    papers = sorted(t[4] for t in ok)
    submits = sorted(t[5] for t in ok)
    return {"class": len(tokens), "completed": len(ok), "errors": len(tokens) - len(ok),
            "start_max_ms": round(max(starts), 1) if starts else None,
            "all_papers_in_ms": round(max(papers), 1) if papers else None,
            "start_median_ms": round(stats_module.median(starts), 1) if starts else None,
            "submit_max_ms": round(max(submits), 1) if submits else None, "wall_ms": round(total, 1)}


# --- Checks after the load -------------------------------------------------------------------------


def db_rows(env, quiz_id):
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(url) as connection:
        return dict(connection.execute("SELECT status, count(*) FROM outreach_quizattempt WHERE quiz_id = %s "
                                       "GROUP BY status", [quiz_id]).fetchall())


def live_count(redis_url, quiz_id):
    import redis

    value = redis.Redis.from_url(redis_url).hget(f"{PREFIX}jq:{quiz_id}", "n")
    return int(value) if value is not None else None


def statistics_timing(env):
    """The contract's quiz figures over the 1,000,000 rows (the query jindu stats runs), timed in a subprocess."""
    code = ("import time, datetime, django; django.setup();"
            "from jindu.outreach.quiz.selectors import statistics; from jindu.core.models import Region;"
            "from jindu.outreach.quiz import live; from jindu.outreach.quiz.models import Quiz;"
            "r = Region.objects.get(code='540000'); t = time.perf_counter();"
            "s = statistics(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), r);"
            "t1 = time.perf_counter(); live.count_from_database(Quiz.objects.get(code='bench-past').pk);"
            "t2 = time.perf_counter();"
            "print('STATS', s['quiz_attempts'], s['quiz_participants'], round((t1 - t) * 1000),"
            " round((t2 - t1) * 1000))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("STATS"))
    _, attempts, participants, stats_ms, figures_ms = line.split()
    return {"quiz_attempts": int(attempts), "quiz_participants": int(participants), "statistics_ms": int(stats_ms),
            "live_figures_from_database_ms": int(figures_ms)}


def clear_redis(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(PREFIX + "*", count=10000))
    for start in range(0, len(keys), 5000):
        client.delete(*keys[start:start + 5000])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default=os.environ.get("JINDU_BENCH_QUIZ_PG", DEFAULT_PG))
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--past", type=int, default=1_000_000, help="past attempts in the database")
    parser.add_argument("--participants", type=int, default=64_000, help="participants driving the load")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=15, help="length of each timed phase")
    parser.add_argument("--burst", type=int, default=50, help="size of the class starting together")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread); 1: sync workers")
    parser.add_argument("--wsgi", default="jindu.outreach.quiz.wsgi",
                        help="WSGI module: the quiz servers' entry (short stack for /quiz/api/) or jindu.wsgi")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    if args.regenerate:
        drop_database(args.pg_url)
    ensure_database(args.pg_url)
    work = Path(tempfile.mkdtemp(prefix="jindu-quiz-bench-"))
    env = environment(args, work)
    report = {"setup": {"past_attempts": args.past, "clients": args.clients, "seconds_per_phase": args.seconds,
                        "workers": args.workers, "threads": args.threads, "cores": os.cpu_count(),
                        "server": ("gunicorn gthread" if args.threads > 1 else "gunicorn sync") + " " + args.wsgi,
                        "database": "postgresql", "redis": True}}
    prepared = subprocess.run([sys.executable, __file__, "--_prepare", json.dumps(vars(args)), str(work)], env=env,
                              capture_output=True, text=True)
    if prepared.returncode != 0:
        sys.exit(prepared.stderr[-4000:])
    info = json.loads(prepared.stdout.strip().splitlines()[-1])
    report["setup"].update(generated=info["generated"])
    codes = info["codes"]
    clear_redis(args.redis_url)
    server, url = start_server(env, args.workers, args.threads, args.wsgi)
    try:
        run_wrk("ping.lua", url, args.clients, 3)  # warm up: connections, caches, first imports
        ceiling_before = run_wrk("ping.lua", url, args.clients, args.seconds)
        report["burst"] = burst(url, codes["burst"][0], (work / "burst_tokens").read_text().split())
        attempts_file = work / "attempts.txt"
        start = run_wrk("flow.lua", url, args.clients, args.seconds, JQ_MODE="start", JQ_QUIZ=codes["steps"][0],
                        JQ_TOKENS=work / "tokens", JQ_OUTPUT=attempts_file)
        bound = args.seconds * 3
        fetch = run_wrk("flow.lua", url, args.clients, args.seconds, JQ_MODE="fetch", JQ_ATTEMPTS=attempts_file)
        submit = run_wrk("flow.lua", url, args.clients, bound, JQ_MODE="submit", JQ_ATTEMPTS=attempts_file)
        flow = run_wrk("flow.lua", url, args.clients, args.seconds, JQ_MODE="flow", JQ_QUIZ=codes["flow"][0],
                       JQ_TOKENS=work / "tokens")
        ceiling_after = run_wrk("ping.lua", url, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    ceiling = (ceiling_before["steps"]["time"]["per_second"] + ceiling_after["steps"]["time"]["per_second"]) / 2
    report["ceiling"] = {"before": ceiling_before["steps"]["time"], "after": ceiling_after["steps"]["time"],
                         "requests_per_second": round(ceiling, 1)}
    report["steps"] = {"start": start["steps"].get("start"), "fetch": fetch["steps"].get("fetch"),
                       "submit": submit["steps"].get("submit")}
    phases = (("start", start), ("fetch", fetch), ("submit", submit), ("flow", flow))
    report["failures"] = {phase: result["failures"] for phase, result in phases if result["failures"]}
    for step in report["steps"].values():
        if step:
            step["share_of_ceiling"] = round(step["per_second"] / ceiling, 3)
    flow_steps = flow["steps"]
    report["flow"] = {"completed_attempts": flow["completed"], "seconds": flow["seconds"],
                      "completed_attempts_per_second": round(flow["completed"] / flow["seconds"], 1),
                      "requests_per_second": round(sum(s["n"] for s in flow_steps.values()) / flow["seconds"], 1),
                      "steps": flow_steps, "socket_errors": flow["socket_errors"]}
    steps_rows = db_rows(env, codes["steps"][1])
    flow_rows = db_rows(env, codes["flow"][1])
    seen_submitted = flow_steps.get("submit", {}).get("ok", 0)
    seen_started = start["steps"]["start"]["ok"]
    report["rows"] = {
        "steps_quiz": steps_rows, "flow_quiz": flow_rows,
        # lost: answered as done to a client but missing from the database (must be 0); the other way round,
        # rows whose answer was still in flight when the phase's clock stopped
        "lost": {"starts": max(0, seen_started - sum(steps_rows.values())),
                 "submits_steps_phase": max(0, submit["steps"]["submit"]["ok"] - steps_rows.get("submitted", 0)),
                 "submits_flow_phase": max(0, seen_submitted - flow_rows.get("submitted", 0))},
        "unanswered_at_stop": {"starts": max(0, sum(steps_rows.values()) - seen_started),
                               "submits_flow_phase": max(0, flow_rows.get("submitted", 0) - seen_submitted)},
        "live_counter_flow_quiz": live_count(args.redis_url, codes["flow"][1]),
    }
    report["statistics"] = statistics_timing(env)
    errors = sum(s.get("errors", 0) for phase in (start, fetch, submit, flow) for s in phase["steps"].values()) + \
        report["burst"]["errors"] + flow["socket_errors"]
    submit_p99 = max(flow_steps.get("submit", {}).get("p99_ms", 0), report["steps"]["submit"]["p99_ms"])
    report["targets"] = {
        "completed_attempts_per_second >= 300": report["flow"]["completed_attempts_per_second"] >= 300,
        "p99_submit_ms <= 200": submit_p99 <= 200,
        "errors == 0": errors == 0,
        "lost == 0": all(v == 0 for v in report["rows"]["lost"].values()),
        "submit >= 50% of ceiling": report["steps"]["submit"]["share_of_ceiling"] >= 0.5,
    }
    report["errors"] = errors
    print(json.dumps(report, indent=1, ensure_ascii=False))
    shutil.rmtree(work, ignore_errors=True)
    clear_redis(args.redis_url)
    return 0 if errors == 0 and report["targets"]["lost == 0"] else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_prepare":
        options = argparse.Namespace(**json.loads(sys.argv[2]))
        result = prepare(options, dict(os.environ), Path(sys.argv[3]))
        print(json.dumps(result))
        sys.exit(0)
    sys.exit(main())
