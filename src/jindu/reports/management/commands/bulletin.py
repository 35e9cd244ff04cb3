"""``jindu bulletin --from YYYY-MM-DD --to YYYY-MM-DD [--region CODE] --out FILE.docx|FILE.pdf``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.reports.bulletin import FontsMissing
from jindu.reports.services import bulletin_create
from jindu.reports.statistics import StatisticsError


class Command(BaseCommand):
    help = "Draft the work report for a period and region from the records, as DOCX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--region", default=None)
        parser.add_argument("--out", required=True, help="output file ending in .docx or .pdf")

    def handle(self, *args, date_from, date_to, region, out, **options):
        path = Path(out)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("docx", "pdf"):
            raise CommandError("--out must end in .docx or .pdf")
        try:
            with actor_context(source=Source.CLI):
                record, content = bulletin_create(actor=None, date_from=date_from, date_to=date_to,
                                                  region_code=region, fmt=fmt)
        except (StatisticsError, FontsMissing) as error:
            raise CommandError(str(error)) from error
        path.write_bytes(content)
        self.stderr.write(f"bulletin written to {path} (fingerprint {record.fingerprint[:16]})")
