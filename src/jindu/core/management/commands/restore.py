"""``jindu restore FILE --yes``: replace the database (and the uploaded files) with a backup's content."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from jindu.common import audit
from jindu.common.backup import BackupError, private_tempdir, restore_database, restore_files, unpack
from jindu.common.context import Source, actor_context


class Command(BaseCommand):
    help = "Restore a backup made by `jindu backup`: the database is REPLACED; uploaded files are put back."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .jbk backup file")
        parser.add_argument("--yes", action="store_true", help="confirm that the current database is replaced")
        parser.add_argument("--no-files", action="store_true", help="restore the database only")

    def handle(self, *args, file, yes=False, no_files=False, **options):
        if not yes:
            raise CommandError("this replaces the current database: run again with --yes", returncode=2)
        with private_tempdir() as work:
            try:
                manifest = unpack(file, work)
                restore_database(manifest, work)
                files = 0 if no_files else restore_files(work)
            except (BackupError, ImproperlyConfigured, OSError) as error:
                raise CommandError(f"restore failed: {error}", returncode=1)
        with actor_context(source=Source.CLI):
            # Appended to the restored chain: the log says when it was restored, and from what.
            audit.log("core.backup.restored", object_type="backup", object_repr=str(file)[-200:],
                      extra={"created": manifest["created"], "database_sha256": manifest["database_sha256"],
                             "files": files})
        self.stdout.write(f"restored {file} (made {manifest['created']}): database and {files} files")
