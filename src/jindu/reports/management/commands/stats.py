"""``jindu stats --from YYYY-MM-DD --to YYYY-MM-DD [--region CODE] [--format json|text]``.

With ``--format json`` stdout carries the JSON object alone; anything else goes to stderr.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.reports.statistics import StatisticsError, compute, format_text


class Command(BaseCommand):
    help = "Print the statistics of DESIGN.md for a period (inclusive) and a region subtree (default 540000)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--region", default=None, help="GB/T 2260 code (default: the root region)")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, date_from, date_to, region, format, **options):
        try:
            with actor_context(source=Source.CLI):
                stats = compute(date_from, date_to, region)
        except StatisticsError as error:
            raise CommandError(str(error)) from error
        if format == "json":
            self.stdout.write(json.dumps(stats, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_text(stats))
