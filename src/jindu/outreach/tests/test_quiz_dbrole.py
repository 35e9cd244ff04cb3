"""The public quiz on a database role of its own (``JINDU_QUIZ_DATABASE_URL``, ``quiz/dbrouter.py``).

On PostgreSQL: a database of its own is migrated, a role is created and granted exactly what
``jindu quiz grant-sql`` prints, and a Jindu process with ``JINDU_QUIZ_DATABASE_URL`` set to that role runs a
participant's start, fetch and submit through the JSON API (its attempt rows written by the limited role),
while the same role is refused the people, the cases, the audit log and any change to the quiz itself.

Creating a role needs CREATEROLE, which the test role ``jindu`` does not have: give a PostgreSQL URL of a role
that has it in ``JINDU_TEST_PG_ADMIN_URL`` (the test is skipped without one). The GRANTs run as ``jindu``, the
owner of the tables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from ..quiz import dbrouter

pytestmark = pytest.mark.postgres

BIN = Path(sys.executable).parent
OWNER_URL = "postgresql://jindu:jindu@127.0.0.1:5432/{db}"
FLOW = r"""
import datetime, json
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone
from jindu.core.services import load_reference_data
from jindu.core.models import Region
from jindu.outreach.quiz import demo, identity
from jindu.outreach.quiz.models import Participant, Quiz, QuizAttempt, QuizDrawRule
setup_test_environment()  # the test client's host is allowed
load_reference_data()
demo._questions(demo._categories())
quiz = Quiz.objects.create(code="role", title="role", region=Region.objects.get(code="540000"),
    opens_at=timezone.now() - datetime.timedelta(days=1), closes_at=timezone.now() + datetime.timedelta(days=1),
    min_seconds_per_question=0, status="published")
QuizDrawRule.objects.create(quiz=quiz, count=5)
participant = Participant.objects.create(code="ROLE1", identity_kind="phone", identity_hash="h-role",
                                         nickname="n", region=Region.objects.get(code="540102"))
auth = {"HTTP_AUTHORIZATION": "Bearer " + identity.issue_token(participant)}
client = Client()
out = {}
started = client.post("/quiz/api/q/role/start", data="{}", content_type="application/json", **auth)
out["start"] = started.status_code
token = started.json()["attempt"]
out["fetch"] = client.get(f"/quiz/api/a/{token}", **auth).status_code
answers = [key for _q, _o, key in QuizAttempt.objects.get(token=token).paper]
submitted = client.post(f"/quiz/api/a/{token}/submit", data=json.dumps({"answers": answers}),
                        content_type="application/json", **auth)
out["submit"], out["score"] = submitted.status_code, submitted.json().get("score")
out["rows"] = QuizAttempt.objects.filter(quiz=quiz, status="submitted").count()
out["quiz_used"] = connections["quiz"].connection is not None  # opened by the hot path, not by this script
with connections["quiz"].cursor() as cursor:
    cursor.execute("SELECT current_user")
    out["quiz_user"] = cursor.fetchone()[0]
print("OUT=" + json.dumps(out))
"""


def _run_sql(url, *statements):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    admin = os.environ.get("JINDU_TEST_PG_ADMIN_URL", "")
    if not admin:
        pytest.skip("JINDU_TEST_PG_ADMIN_URL (a role with CREATEROLE) is not set")
    try:
        _run_sql(OWNER_URL.format(db="postgres"), "SELECT 1")
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable: {error}")
    name, role, password = f"jindu_h_quiz_role_{os.getpid()}", f"jindu_h_quiz_ro_{os.getpid()}", secrets.token_hex(12)
    _run_sql(OWNER_URL.format(db="postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "JINDU_DATA_DIR": str(tmp_path_factory.mktemp("jindu-quiz-role")),
        "JINDU_TESTING": "0",
        "DATABASE_URL": f"postgres://jindu:jindu@127.0.0.1:5432/{name}",
    }
    for key in ("PYTEST_CURRENT_TEST", "REDIS_URL", "JINDU_QUIZ_DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    created = False
    try:
        subprocess.run([str(BIN / "jindu"), "migrate", "--noinput", "-v0"], env=env, check=True)
        sql = dbrouter.grant_sql(role, password).splitlines()
        _run_sql(admin, sql[0])
        created = True
        _run_sql(OWNER_URL.format(db=name), *[line for line in sql[1:] if not line.startswith("--")])
        yield {"env": env, "db": name, "role": role, "url": f"postgresql://{role}:{password}@127.0.0.1:5432/{name}"}
    finally:
        _run_sql(OWNER_URL.format(db="postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if created:
            _run_sql(admin, f'DROP ROLE IF EXISTS "{role}"')


def test_the_limited_role_cannot_read_people_or_cases(limited):
    import psycopg
    from psycopg import errors

    with psycopg.connect(limited["url"], autocommit=True, connect_timeout=3) as connection:
        assert connection.execute("SELECT count(*) FROM outreach_quiz").fetchone()[0] >= 0
        assert connection.execute("SELECT count(*) FROM core_region").fetchone()[0] >= 0
        for table in (
            "persons_person",
            "cases_case",
            "cases_suspect",
            "core_auditlog",
            "core_user",
            "outreach_participant",
            "outreach_quizlogincode",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                connection.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 (fixed names)
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("UPDATE outreach_quiz SET title = 'x'")
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("UPDATE outreach_quizattempt SET paper = '[]'")  # only the result columns
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("DELETE FROM outreach_quizattempt")
        # an insert is allowed: here it fails on the foreign key, not on privileges
        with pytest.raises(errors.ForeignKeyViolation):
            connection.execute(
                "INSERT INTO outreach_quizattempt (created, last_updated, quiz_id, participant_id, token, day, "
                "day_slot, total_slot, started_at, deadline, status, question_count, passed, flag, language, paper) "
                "VALUES (now(), now(), -1, -1, 'x', current_date, 1, 1, now(), now(), 'open', 1, false, '', 'zh', "
                "'[]')"
            )


def test_the_hot_path_runs_on_the_limited_role(limited):
    env = {**limited["env"], "JINDU_QUIZ_DATABASE_URL": limited["url"]}
    done = subprocess.run([str(BIN / "jindu"), "shell", "-c", FLOW], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.split("OUT=", 1)[1].strip())
    assert result == {
        "start": 201,
        "fetch": 200,
        "submit": 200,
        "score": 100,
        "rows": 1,
        "quiz_used": True,
        "quiz_user": limited["role"],
    }
