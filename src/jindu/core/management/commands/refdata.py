from django.core.management.base import BaseCommand

from jindu.common.context import Source, actor_context
from jindu.core.services import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh the reference data: regions (GB/T 2260), drugs, precursor chemicals, roles."

    def handle(self, *args, **options):
        with actor_context(source=Source.CLI):
            created = load_reference_data()
        self.stdout.write("reference data: {regions} regions, {drugs} drugs, {chemicals} chemicals created".format(
            **created))
