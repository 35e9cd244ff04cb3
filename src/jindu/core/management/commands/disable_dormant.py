"""``jindu disable_dormant``: disable accounts without a login for JINDU_DORMANT_DAYS days (daily job)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jindu.common.context import Source, actor_context
from jindu.core.services import user_disable_dormant


class Command(BaseCommand):
    help = "Disable accounts without a login for JINDU_DORMANT_DAYS (default 90) days; audited. Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override JINDU_DORMANT_DAYS")

    def handle(self, *args, days=None, **options):
        days = settings.JINDU_DORMANT_DAYS if days is None else days
        with actor_context(source=Source.CLI):
            disabled = user_disable_dormant(days)
        self.stdout.write("{} dormant account(s) disabled (no login for {} days){}".format(
            len(disabled), days, ": " + ", ".join(disabled) if disabled else ""))
