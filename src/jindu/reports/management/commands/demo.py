"""``jindu demo``: reference data and the seed scenario of DESIGN.md (2024-01-01 to 2024-06-30, region 540000).

Each domain app that is installed contributes its part through ``<app>.demo.load()``; running
the command twice changes nothing.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from jindu.common.context import Source, actor_context
from jindu.core.services import load_reference_data

# Order matters: later parts may refer to earlier ones (a handover to a case, an event to a seizure).
PARTS = ["cases", "persons", "precursors", "outreach", "supervision"]


class Command(BaseCommand):
    help = "Load reference data and the demo scenario (the figures of the 2024 half-year work report)."

    def handle(self, *args, **options):
        installed = {config.label for config in apps.get_app_configs()}
        with actor_context(source=Source.CLI), transaction.atomic():
            load_reference_data()
            for label in PARTS:
                if label not in installed:
                    continue
                try:
                    load = import_string(f"jindu.{label}.demo.load")
                except ImportError:
                    self.stderr.write(f"demo: the {label} app has no demo part yet; skipped")
                    continue
                load()
                self.stdout.write(f"demo: {label} loaded")
        self.stdout.write("demo scenario ready: jindu stats --from 2024-01-01 --to 2024-06-30")
