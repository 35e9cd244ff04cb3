"""``jindu reconcile [--region CODE] [--months-only]``: recompute the reconciliation flags and stock balances.

The month rules (DESIGN.md's reconciliation and negative expected stock) and the balances are computed
set-based for the whole region; the licence and buyer rules follow pair by pair unless ``--months-only``.
Writes made through the services and imports keep flags current by themselves; this command is for bulk
loads done outside them and for a check after an outage.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.precursors.services import reconcile_all


class Command(BaseCommand):
    help = "Recompute the precursor reconciliation flags and stock balances (all rules, or --months-only)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="region code (default: everything)")
        parser.add_argument("--months-only", action="store_true", help="only the month rules and the balances")

    def handle(self, *args, region="", months_only=False, **options):
        from jindu.core.models import Region

        target = None
        if region:
            target = Region.objects.filter(code=region).first()
            if target is None:
                raise CommandError(f"unknown region code {region}", returncode=2)
        with actor_context(source=Source.CLI):
            counts = reconcile_all(target, months_only=months_only)
        self.stdout.write(json.dumps(counts, sort_keys=True))
