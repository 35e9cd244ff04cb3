"""``jindu quiz``: operations of the public prize quiz (docs/quiz.md).

    jindu quiz recount CODE        recount a quiz's live figures from the database (audited)
    jindu quiz purge-codes         delete sign-in codes older than two days (daily, from cron)
    jindu quiz verify FILE.json    re-run a published prize draw record; exit 1 when it does not reproduce
    jindu quiz grant-sql ROLE      print the SQL creating the quiz's own database role (JINDU_QUIZ_DATABASE_URL)
    jindu quiz rollup [CODE] [--since YYYY-MM-DD]
                                   roll the scored attempts up into hourly counts (cron, every few minutes:
                                   without CODE every quiz active since yesterday; idempotent)
"""

import json

from django.core.management.base import BaseCommand, CommandError

from jindu.common import audit
from jindu.common.context import Source, actor_context
from jindu.outreach.quiz import dbrouter, draw, identity, live, rollup
from jindu.outreach.quiz.models import Quiz


class Command(BaseCommand):
    help = "Operations of the public prize quiz: recount live figures, purge sign-in codes, verify a draw."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        recount = sub.add_parser("recount", help="recount a quiz's live figures from the database")
        recount.add_argument("code")
        sub.add_parser("purge-codes", help="delete sign-in codes older than two days")
        verify = sub.add_parser("verify", help="re-run a published draw record (JSON)")
        verify.add_argument("file")
        grants = sub.add_parser("grant-sql", help="print the SQL creating the quiz's least-privilege database role")
        grants.add_argument("role")
        grants.add_argument("--password", default="CHANGE-ME")
        rolled = sub.add_parser("rollup", help="roll scored attempts up into hourly counts (idempotent)")
        rolled.add_argument("code", nargs="?")
        rolled.add_argument("--since", help="first local day to roll up (YYYY-MM-DD; default: the quiz's first day "
                                            "with CODE, else yesterday)")

    def handle(self, *args, action, **options):
        if action == "recount":
            quiz = Quiz.objects.filter(code=options["code"]).first()
            if quiz is None:
                raise CommandError(f"no quiz with code {options['code']}", returncode=2)
            with actor_context(source=Source.CLI):
                live.forget(quiz.pk)
                figures = live.rebuild(quiz.pk) if live.redis_client() is not None else live.count_from_database(
                    quiz.pk)
                audit.log("outreach.quiz.recounted", obj=quiz, extra={"attempts": figures["n"]})
            self.stdout.write(f"{quiz.code}: {figures['n']} attempts, {figures['u']} participants")
        elif action == "grant-sql":
            self.stdout.write(dbrouter.grant_sql(options["role"], options["password"]), ending="")
        elif action == "rollup":
            self._rollup(options["code"], options["since"])
        elif action == "purge-codes":
            self.stdout.write(f"sign-in codes deleted: {identity.purge_codes()}")
        else:
            try:
                with open(options["file"], encoding="utf-8") as handle:
                    record = json.load(handle)
                ok = draw.verify(record)
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise CommandError(f"cannot read the draw record: {error}", returncode=2) from error
            if not ok:
                raise CommandError("the draw record does NOT reproduce its winners", returncode=1)
            winners = sum(len(prize.get("winners", [])) for prize in record["prizes"])
            self.stdout.write(f"the draw reproduces: {len(record['candidates'])} candidates, {winners} winners, "
                              f"seed {record['seed']!r}, candidates SHA-256 {record['candidates_sha256']}")

    def _rollup(self, code, since):
        import datetime

        try:
            since = datetime.date.fromisoformat(since) if since else None
        except ValueError as error:
            raise CommandError("--since must be YYYY-MM-DD", returncode=2) from error
        if code:
            quiz = Quiz.objects.filter(code=code).first()
            if quiz is None:
                raise CommandError(f"no quiz with code {code}", returncode=2)
            done = [(quiz, *rollup.rollup(quiz, since=since))]
        elif since:
            quizzes = Quiz.objects.filter(closes_at__date__gte=since).order_by("pk")
            done = [(quiz, *rollup.rollup(quiz, since=since)) for quiz in quizzes]
        else:
            done = rollup.rollup_recent()
        for quiz, hours, attempts in done:
            self.stdout.write(f"{quiz.code}: {hours} hour rows, {attempts} attempts")
