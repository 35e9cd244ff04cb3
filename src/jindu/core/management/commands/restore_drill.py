"""``jindu restore_drill [FILE]``: restore a backup into a scratch database and check it (monthly job).

Checks: the file decrypts and matches its manifest; every table has the row count of the
backup; the migrations bring it to the current schema; the audit hash chain verifies and ends
at the backup's chain head. The result is recorded (``RestoreDrill`` row and audit) with the
measured duration (the RTO of the database part) and the age of the backup. Exit status 1 when
the drill fails.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from jindu.common import audit
from jindu.common.backup import drill as run_drill
from jindu.common.backup import latest_backup, sha256_file
from jindu.common.context import Source, actor_context
from jindu.core.models import RestoreDrill


class Command(BaseCommand):
    help = "Restore a backup (default: the newest in JINDU_BACKUP_DIR) into a scratch database and check it."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=None, help="the .jbk file (default: the newest backup)")

    def handle(self, *args, file=None, **options):
        path = file or latest_backup()
        if path is None:
            raise CommandError("no backup found: run jindu backup first", returncode=1)
        started = timezone.now()
        try:
            result = run_drill(path)
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=1)
        manifest = result["manifest"]
        created = parse_datetime(manifest["created"]) if manifest.get("created") else None
        ok = not result["problems"]
        with actor_context(source=Source.CLI):
            drill = RestoreDrill.objects.create(
                started=started, finished=timezone.now(), backup_file=str(path)[-300:],
                backup_sha256=sha256_file(path), backup_created=created, vendor=manifest.get("vendor", ""),
                ok=ok, seconds=round(result["seconds"], 3), rows_checked=result["rows_checked"],
                audit_rows=result["audit_rows"], migrations_applied=result["migrations_applied"],
                problems=result["problems"])
            audit.log("core.restore_drill.passed" if ok else "core.restore_drill.failed", obj=drill,
                      extra={"file": str(path)[-200:], "seconds": drill.seconds, "rows": drill.rows_checked,
                             "audit_rows": drill.audit_rows, "problems": result["problems"][:20]})
        age = f", backup age {drill.backup_age}" if drill.backup_age is not None else ""
        summary = (f"restore drill {'passed' if ok else 'FAILED'}: {path} — {drill.rows_checked} rows, "
                   f"{drill.audit_rows} audit rows verified, {drill.migrations_applied} migrations applied, "
                   f"{drill.seconds:.1f} s{age}")
        if not ok:
            for problem in result["problems"]:
                self.stderr.write("  " + problem)
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
