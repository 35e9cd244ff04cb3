"""``jindu unodc_seizures --year YYYY [--region CODE] --out FILE.xlsx``: UNODC Individual Drug Seizures."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.common.importing.datasets import SYSTEM
from jindu.reports import unodc
from jindu.reports.statistics import StatisticsError, get_region


class Command(BaseCommand):
    help = "Write a year's seizures in the column layout of UNODC's Individual Drug Seizures (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", default=None, help="GB/T 2260 code (default: the root region)")
        parser.add_argument("--out", required=True, help="output file ending in .xlsx")

    def handle(self, *args, year, region, out, **options):
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("--out must end in .xlsx")
        try:
            area = get_region(region)
        except StatisticsError as error:
            raise CommandError(str(error)) from error
        with actor_context(source=Source.CLI), path.open("wb") as fileobj:
            count = unodc.export(SYSTEM, year, area, fileobj)
        self.stderr.write(f"{count} seizures written to {path}")
