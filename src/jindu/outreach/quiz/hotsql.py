"""The three statements of the participant's hot path, as prepared statements on PostgreSQL.

Through the ORM each of them cost about 2 ms on the bench machine (query compilation, and planning on every
execution: Django binds parameters on the client); prepared once per connection with psycopg they cost about
0.4 ms. The same rows are written as the model would write them; on other databases (SQLite, the embedded
default) the ORM does the work. Callers keep the transaction rules: see ``play``.
"""

from django.db import IntegrityError, connections
from django.utils import timezone

from . import dbrouter

LATEST_FIELDS = ("id", "token", "quiz_id", "participant_id", "region_id", "school_id", "status", "started_at",
                 "deadline", "paper", "language", "day", "day_slot", "total_slot")
INSERT_FIELDS = ("created", "last_updated", "quiz_id", "participant_id", "token", "day", "day_slot", "total_slot",
                 "started_at", "deadline", "status", "question_count", "passed", "flag", "region_id", "school_id",
                 "language", "paper")
FINISH_FIELDS = ("status", "finished_at", "duration_ms", "flag", "answers", "correct", "score", "passed")

SELECT_LATEST = "SELECT {} FROM outreach_quizattempt WHERE quiz_id = %s AND participant_id = %s " \
                "ORDER BY total_slot DESC LIMIT 1".format(", ".join(LATEST_FIELDS))
INSERT = "INSERT INTO outreach_quizattempt ({}) VALUES ({}) RETURNING id".format(
    ", ".join(INSERT_FIELDS), ", ".join(["%s"] * len(INSERT_FIELDS)))
FINISH = "UPDATE outreach_quizattempt SET {}, last_updated = %s WHERE id = %s AND status = 'open'".format(
    ", ".join(f"{name} = %s" for name in FINISH_FIELDS))


def connection():
    """The hot path's connection: the quiz's own role when one is configured (``dbrouter``), else default."""
    return connections[dbrouter.alias()]


def postgres():
    return connection().vendor == "postgresql"


def _cursor():
    import psycopg

    current = connection()
    current.ensure_connection()
    return psycopg.Cursor(current.connection)  # server-side binding: prepare=True works


def latest_attempt(quiz_id, participant_id):
    """The participant's latest attempt of the quiz (by total slot) as a dict, or None."""
    if not postgres():
        from .models import QuizAttempt

        return QuizAttempt.objects.filter(quiz_id=quiz_id, participant_id=participant_id).order_by(
            "-total_slot").values(*LATEST_FIELDS).first()
    with _cursor() as cursor:
        cursor.execute(SELECT_LATEST, (quiz_id, participant_id), prepare=True)
        row = cursor.fetchone()
    return dict(zip(LATEST_FIELDS, row, strict=True)) if row else None


def insert_attempt(values):
    """Insert an open attempt; returns its id. A slot already taken raises django.db.IntegrityError."""
    if not postgres():
        from .models import QuizAttempt

        attempt = QuizAttempt(**values)
        attempt.save(force_insert=True)
        return attempt.pk
    import psycopg
    from psycopg.types.json import Jsonb

    now = timezone.now()
    row = {**values, "created": now, "last_updated": now, "passed": False, "flag": "", "paper": Jsonb(values["paper"])}
    try:
        with _cursor() as cursor:
            cursor.execute(INSERT, [row[name] for name in INSERT_FIELDS], prepare=True)
            return cursor.fetchone()[0]
    except psycopg.IntegrityError as error:
        raise IntegrityError(str(error)) from error


def finish_attempt(attempt_id, fields):
    """Close an open attempt with ``fields``; returns 1, or 0 when it was no longer open."""
    if not postgres():
        from .models import QuizAttempt

        return QuizAttempt.objects.filter(pk=attempt_id, status="open").update(**fields)
    from psycopg.types.json import Jsonb

    values = [Jsonb(fields[name]) if name == "answers" else fields[name] for name in FINISH_FIELDS]
    with _cursor() as cursor:
        cursor.execute(FINISH, [*values, timezone.now(), attempt_id], prepare=True)
        return cursor.rowcount
