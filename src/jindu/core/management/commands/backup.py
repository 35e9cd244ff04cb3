"""``jindu backup``: an encrypted, consistent backup of the database and the uploaded files."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from jindu.common import audit
from jindu.common.backup import BackupError, create_backup
from jindu.common.context import Source, actor_context


class Command(BaseCommand):
    help = ("Write an encrypted backup (JINDU_BACKUP_KEY) of the database and of the uploaded files to "
            "JINDU_BACKUP_DIR (or --output). Schedule it daily; on PostgreSQL add WAL archiving (docs/security.md).")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None, help="the backup file to write (default: JINDU_BACKUP_DIR)")
        parser.add_argument("--no-files", action="store_true", help="leave the uploaded files out")

    def handle(self, *args, output=None, no_files=False, **options):
        with actor_context(source=Source.CLI):
            try:
                path, manifest = create_backup(output, include_files=not no_files)
            except (BackupError, ImproperlyConfigured, OSError) as error:
                audit.log("core.backup.failed", extra={"error": str(error)[:500]})
                raise CommandError(f"backup failed: {error}", returncode=1)
            rows = sum(manifest["row_counts"].values())
            audit.log("core.backup.created", object_type="backup", object_repr=path.name,
                      extra={"file": str(path), "vendor": manifest["vendor"], "rows": rows, "files": manifest["files"],
                             "database_sha256": manifest["database_sha256"], "audit_head": manifest["audit_head"]})
        self.stdout.write(f"backup written: {path} ({manifest['vendor']}, {rows} rows, {manifest['files']} files)")
