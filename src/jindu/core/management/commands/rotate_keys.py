"""``jindu rotate_keys``: re-encrypt every encrypted column under the current key of JINDU_FIELD_KEYS.

Rotation: put a new key first in JINDU_FIELD_KEYS (keep the old ones after it), restart, run
this command, check that ``--dry-run`` shows only the new key id, then remove the old keys.
"""

from django.core.management.base import BaseCommand, CommandError

from jindu.common import audit, crypto
from jindu.common.context import Source, actor_context


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields under the current key (first in JINDU_FIELD_KEYS); --dry-run counts by key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count stored values per key id; change nothing")

    def handle(self, *args, dry_run=False, **options):
        current = crypto.current_key()
        summary = {}
        with actor_context(source=Source.CLI):
            for model, field in crypto.encrypted_fields():
                try:
                    found, rewritten = crypto.rotate(model, field, dry_run=dry_run)
                except crypto.DecryptionError as error:
                    raise CommandError(f"{model._meta.label}.{field.name}: {error}", returncode=1)
                summary[f"{model._meta.label}.{field.name}"] = {"found": found, "rewritten": rewritten}
                self.stdout.write("{}.{}: {} ({} re-encrypted)".format(
                    model._meta.label, field.name,
                    ", ".join(f"{k}={v}" for k, v in sorted(found.items())) or "empty", rewritten))
            if not dry_run:
                audit.log("security.keys_rotated", extra={"current_key": current.id, "columns": summary})
        self.stdout.write(f"current key: {current.id}" + (" (dry run: nothing changed)" if dry_run else ""))
