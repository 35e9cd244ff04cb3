"""``jindu supervision_alerts``: due-soon and overdue task notifications; run once a day (cron or a timer)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.supervision.notifications import send_alerts


class Command(BaseCommand):
    help = "Create the in-app (and, when enabled, e-mail) alerts for tasks due soon and overdue. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to judge by (YYYY-MM-DD); default today")

    def handle(self, *args, **options):
        try:
            today = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError("--date must be YYYY-MM-DD") from error
        with actor_context(source=Source.CLI):
            counts = send_alerts(today)
        self.stdout.write("due soon: {}, overdue: {}".format(*counts.values()))
