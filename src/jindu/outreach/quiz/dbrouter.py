"""A database role of its own for the public quiz (least privilege).

The participant's hot path (start, fetch, submit) is the part of Jindu exposed to the whole internet. When
``JINDU_QUIZ_DATABASE_URL`` is set, settings add a database alias ``quiz`` with that URL (a PostgreSQL role
created with :func:`grant_sql`: it reads the quiz's tables and the regions, inserts attempts and updates only
their result columns — it cannot read people, cases or anything else) and install :class:`QuizRouter`. Inside
:func:`hot_path` (the public views of an attempt) the router sends the quiz's reads and the attempt writes to
that alias; everything else (signing in, profiles, the staff side, migrations) stays on ``default``. A bug or
an injection in the hot path then reaches the quiz's own tables only.

Without the setting there is no ``quiz`` alias and the router changes nothing.
"""

import contextlib
import contextvars

from django.db import connections

ALIAS = "quiz"
_active = contextvars.ContextVar("jindu_quiz_hot_path", default=False)

# Read on the hot path: the quiz, its rules, prizes and eligible regions, the question bank, the regions (paths).
READ_MODELS = {
    ("outreach", "quiz"),
    ("outreach", "quizdrawrule"),
    ("outreach", "quizprize"),
    ("outreach", "quiz_eligible_regions"),
    ("outreach", "question"),
    ("outreach", "questioncategory"),
    ("outreach", "quizattempt"),
    ("core", "region"),
}
WRITE_MODELS = {("outreach", "quizattempt")}
READ_TABLES = (
    "outreach_quiz",
    "outreach_quizdrawrule",
    "outreach_quizprize",
    "outreach_quiz_eligible_regions",
    "outreach_question",
    "outreach_questioncategory",
    "outreach_quizattempt",
    "core_region",
)
# What a submit writes (hotsql.FINISH_FIELDS and last_updated): a start inserts whole rows.
FINISH_COLUMNS = (
    "status",
    "finished_at",
    "duration_ms",
    "flag",
    "answers",
    "correct",
    "score",
    "passed",
    "last_updated",
)


def configured():
    return ALIAS in connections.settings


def alias():
    """The alias the hot path uses now: ``quiz`` inside :func:`hot_path` when configured, else ``default``."""
    return ALIAS if _active.get() and configured() else "default"


@contextlib.contextmanager
def hot_path():
    """Run the body (a participant's request on an attempt) on the quiz's own role when one is configured."""
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)


def _key(model):
    return model._meta.app_label, model._meta.model_name


class QuizRouter:
    """Routes the hot path's reads of quiz tables and its attempt writes to the ``quiz`` alias (see module)."""

    def db_for_read(self, model, **hints):
        if _active.get() and configured() and _key(model) in READ_MODELS:
            return ALIAS
        return None

    def db_for_write(self, model, **hints):
        if _active.get() and configured() and _key(model) in WRITE_MODELS:
            return ALIAS
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one physical database, two roles

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != ALIAS  # the limited role never migrates (nor could it)


def grant_sql(role, password="CHANGE-ME"):
    """The SQL that creates the quiz's role and grants it exactly what the hot path needs (``jindu quiz
    grant-sql ROLE``). Run the CREATE ROLE as a role with CREATEROLE, the GRANTs as the owner of the tables."""
    quoted = '"' + role.replace('"', '""') + '"'
    secret = password.replace("'", "''")
    lines = [
        f"CREATE ROLE {quoted} LOGIN PASSWORD '{secret}' NOSUPERUSER NOCREATEDB NOCREATEROLE;",
        "-- as the owner of Jindu's tables:",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted};",
        f"GRANT SELECT ON {', '.join(READ_TABLES)} TO {quoted};",
        f"GRANT INSERT ON outreach_quizattempt TO {quoted};",
        f"GRANT UPDATE ({', '.join(FINISH_COLUMNS)}) ON outreach_quizattempt TO {quoted};",
        f"GRANT USAGE ON SEQUENCE outreach_quizattempt_id_seq TO {quoted};",
    ]
    return "\n".join(lines) + "\n"
