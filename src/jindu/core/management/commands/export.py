"""``jindu export DATASET FILE [--user USERNAME]``: the dataset's columns back out, as .csv or .xlsx.

The format follows the file's extension. With ``--user`` the export holds only what that user
may view; without it, the built-in system actor exports everything. Exit status 2 on bad input.
"""

from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.common.importing import export_dataset
from jindu.common.importing.cli import resolve_actor, resolve_dataset
from jindu.common.importing.exporting import format_for


class Command(BaseCommand):
    help = "Export a dataset to a .csv (UTF-8 with BOM) or .xlsx file that imports again unchanged."

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="dataset name, e.g. organisations")
        parser.add_argument("file", help="the .csv or .xlsx file to write")
        parser.add_argument("--user", default="", help="export what this user may view (default: everything)")

    def handle(self, *args, dataset, file, user="", **options):
        data = resolve_dataset(dataset)
        fmt = format_for(file)
        if fmt is None:
            raise CommandError("the file name must end in .csv or .xlsx", returncode=2)
        with actor_context(source=Source.CLI):
            actor = resolve_actor(user)
            if not data.can_export(actor):
                raise CommandError(f"user {user!r} may not export {data.name}", returncode=2)
            try:
                with open(file, "wb") as handle:
                    count = export_dataset(data, actor, handle, fmt)
            except OSError as error:
                raise CommandError(f"cannot write {file}: {error.strerror}", returncode=2)
        self.stdout.write(f"{data.name}: {count} rows written to {file}")
