"""``jindu alerts [--date YYYY-MM-DD]``: the daily alert run (cron or a timer, once a day).

Idempotent: running it twice on a day raises nothing new; alerts whose condition has cleared are resolved
by the system. Runs as the system actor (source cli) so that every alert it raises or resolves is audited.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.persons.services import alerts_compute


class Command(BaseCommand):
    help = "Compute the alerts of people who use drugs (tests overdue, no contact, positive tests, handovers, " \
           "reassessments)."

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="the day to compute for (default: today)")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("--date must be YYYY-MM-DD", returncode=2) from error
        with actor_context(source=Source.CLI):
            counts = alerts_compute(day)
        self.stdout.write("alerts: {created} raised, {resolved} resolved, {open} open".format(**counts))
