"""``jindu import DATASET FILE [--user USERNAME] [--dry-run]``: import a .csv or .xlsx file.

Results go to stdout, errors and logs to stderr. Exit status 0 when imported (or, with
``--dry-run``, when the file would import), 2 when the file is refused: any bad row (each
one is listed), an unreadable or unsafe file, an unknown dataset or user.
"""

import os

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from jindu.common.context import Source, actor_context
from jindu.common.importing import FileRefused, run_import
from jindu.common.importing.cli import resolve_actor, resolve_dataset


class Command(BaseCommand):
    help = "Import a .csv (UTF-8, BOM allowed, or GB18030) or .xlsx file into a dataset; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="dataset name, e.g. organisations")
        parser.add_argument("file", help="the .csv or .xlsx file")
        parser.add_argument("--user", default="", help="import as this user (default: the built-in system actor)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")

    def handle(self, *args, dataset, file, user="", dry_run=False, **options):
        data = resolve_dataset(dataset)
        if not os.path.isfile(file) or not os.access(file, os.R_OK):
            raise CommandError(f"cannot read {file}", returncode=2)
        with actor_context(source=Source.CLI):
            actor = resolve_actor(user)
            try:
                result = run_import(data, file, filename=os.path.basename(file), actor=actor, dry_run=dry_run)
            except FileRefused as refused:
                raise CommandError(f"{file}: {refused.message}", returncode=2)
            except PermissionDenied:
                raise CommandError(f"user {user!r} may not import {data.name}", returncode=2)
        for error in result.errors:
            self.stderr.write("row {}, column {}, value {!r}: {}".format(
                error.row, error.column or "-", error.value, error.message))
        self.print_summary(result)
        if result.errors:
            errors, rows = len(result.errors), result.bad_rows
            raise CommandError(f"import refused: {errors} errors in {rows} rows; nothing was written", returncode=2)

    def print_summary(self, result):
        if result.committed:
            state = "imported"
        elif result.dry_run and result.ok:
            state = "dry run, nothing written"
        else:
            state = "refused, nothing written"
        counts = "{rows} rows, {created} created, {updated} updated, {unchanged} unchanged".format(**result.counts())
        self.stdout.write(f"{result.dataset} {result.filename}: {counts} ({state})")
        self.stdout.write(f"sha256 {result.sha256}")
        if result.ignored_columns:
            self.stdout.write("ignored columns: {}".format(", ".join(result.ignored_columns)))
        for kind, names in result.created_by_name.items():
            self.stdout.write("{} created by name: {}".format(kind, ", ".join(names)))
