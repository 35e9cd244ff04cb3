"""Concurrent requests against a live server on PostgreSQL: a double-clicked (or retried) submit sent twenty
times at once scores one attempt once; twenty simultaneous starts of one participant make one attempt;
starts after the day's attempt is used all answer 409 and add no row.

The server is gunicorn (two workers) on a database of its own, created and dropped here (Django's test
database and transactional tests are not used: the audit table refuses the DELETE of a flush). Skipped
when PostgreSQL is not reachable at 127.0.0.1:5432 with the role jindu/jindu."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

BIN = Path(sys.executable).parent
ADMIN_URL = "postgresql://jindu:jindu@127.0.0.1:5432/postgres"
SETUP = """
import json, datetime
from django.utils import timezone
from jindu.core.services import load_reference_data
from jindu.core.models import Region
from jindu.outreach.quiz import demo, identity
from jindu.outreach.quiz.models import Quiz, QuizDrawRule, Participant
load_reference_data()
categories = demo._categories()
demo._questions(categories)
quiz = Quiz.objects.create(code="race", title="并发测试", region=Region.objects.get(code="540000"),
    opens_at=timezone.now() - datetime.timedelta(days=1), closes_at=timezone.now() + datetime.timedelta(days=1),
    min_seconds_per_question=0, attempts_per_day=1, attempts_total=3, status="published")
QuizDrawRule.objects.create(quiz=quiz, count=10)
tokens = []
for number in range(3):
    p = Participant.objects.create(code=f"RACE{number}", identity_kind="phone", identity_hash=f"h{number}",
                                   nickname=f"n{number}", region=Region.objects.get(code="540102"))
    tokens.append(identity.issue_token(p))
print("TOKENS=" + json.dumps(tokens))
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin(sql):
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    try:
        _admin("SELECT 1")
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable: {error}")
    name = f"jindu_quiz_race_{os.getpid()}"
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    data = tmp_path_factory.mktemp("jindu-quiz-race")
    env = {**os.environ, "JINDU_DATA_DIR": str(data), "DATABASE_URL": f"postgres://jindu:jindu@127.0.0.1:5432/{name}",
           "JINDU_TESTING": "0", "JINDU_RATE_LIMITS": "quiz.ip=100000/m,quiz.participant=100000/m"}
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("REDIS_URL", None)
    jindu = str(BIN / "jindu")
    process = None
    try:
        subprocess.run([jindu, "migrate", "--noinput", "-v0"], env=env, check=True)
        out = subprocess.run([jindu, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True).stdout
        tokens = json.loads(out.split("TOKENS=", 1)[1].strip())
        port = _free_port()
        process = subprocess.Popen([str(BIN / "gunicorn"), "jindu.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
                                    "2", "--threads", "8"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield {"url": url, "tokens": tokens, "env": env, "db": name}
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=60)  # a loaded machine stops gunicorn slowly
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def call(url, token, method="GET", body=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def at_once(count, action):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def rows(live, participant_code):
    import psycopg

    url = live["env"]["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT a.status, a.score FROM outreach_quizattempt a JOIN outreach_participant p"
            " ON p.id = a.participant_id WHERE p.code = %s", [participant_code]).fetchall()


def test_twenty_simultaneous_submits_score_one_attempt_once(live):
    url, token = live["url"], live["tokens"][0]
    status, started = call(f"{url}/quiz/api/q/race/start", token, "POST", {})
    assert status == 201
    attempt = started["attempt"]
    results = at_once(20, lambda: call(f"{url}/quiz/api/a/{attempt}/submit", token, "POST",
                                       {"answers": [[0]] * 10, "score": 100}))
    assert {status for status, _ in results} == {200}
    assert len({body["score"] for _, body in results}) == 1
    assert sum(1 for _, body in results if not body["repeated"]) == 1  # one of them scored it
    assert rows(live, "RACE0") == [("submitted", results[0][1]["score"])]


def test_twenty_simultaneous_starts_make_one_attempt(live):
    url, token = live["url"], live["tokens"][1]
    results = at_once(20, lambda: call(f"{url}/quiz/api/q/race/start", token, "POST", {}))
    assert {status for status, _ in results} <= {200, 201}
    assert len({body["attempt"] for _, body in results}) == 1
    assert sum(1 for status, _ in results if status == 201) == 1
    assert len(rows(live, "RACE1")) == 1


def test_the_used_day_refuses_every_concurrent_start(live):
    url, token = live["url"], live["tokens"][2]
    _, started = call(f"{url}/quiz/api/q/race/start", token, "POST", {})
    call(f"{url}/quiz/api/a/{started['attempt']}/submit", token, "POST", {"answers": []})
    results = at_once(10, lambda: call(f"{url}/quiz/api/q/race/start", token, "POST", {}))
    assert {(status, body["error"]) for status, body in results} == {(409, "daily_limit")}
    assert len(rows(live, "RACE2")) == 1
