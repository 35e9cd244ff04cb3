"""``jindu purge_voided``: the retention job, the only hard deletion of records (audited row by row)."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError
from django.utils import timezone

from jindu.common import audit
from jindu.common.context import Source, actor_context
from jindu.common.features import is_voidable
from jindu.common.services import object_purge


class Command(BaseCommand):
    help = ("Delete records voided more than --older-than days ago (default JINDU_VOID_RETENTION_DAYS); each "
            "deletion is audited with the record's last state.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None, help="days since voiding")
        parser.add_argument("--model", action="append", default=[], help="app_label.ModelName (repeatable)")
        parser.add_argument("--dry-run", action="store_true", help="count only")

    def models(self, names):
        if names:
            try:
                chosen = [apps.get_model(name) for name in names]
            except (LookupError, ValueError) as error:
                raise CommandError(str(error), returncode=2)
            for model in chosen:
                if not is_voidable(model):
                    raise CommandError(f"{model._meta.label} is not voidable", returncode=2)
            return chosen
        return [model for model in apps.get_models() if is_voidable(model)]

    def handle(self, *args, older_than=None, model=(), dry_run=False, **options):
        days = settings.JINDU_VOID_RETENTION_DAYS if older_than is None else older_than
        if days < 0:
            raise CommandError("--older-than must not be negative", returncode=2)
        cutoff = timezone.now() - timedelta(days=days)
        reason = f"retention: voided more than {days} days ago"
        totals = {}
        with actor_context(source=Source.CLI):
            for chosen in self.models(model):
                rows = chosen.all_objects.filter(voided=True, voided_at__lt=cutoff).order_by("pk")
                purged = kept = 0
                for row in rows.iterator(chunk_size=500):
                    if dry_run:
                        purged += 1
                        continue
                    try:
                        object_purge(instance=row, reason=reason)
                        purged += 1
                    except ProtectedError:
                        kept += 1  # still referred to: kept until the referring records go
                totals[chosen._meta.label] = (purged, kept)
            if not dry_run:
                audit.log("core.retention.purged", extra={"days": days, "models": {
                    label: {"purged": p, "kept": k} for label, (p, k) in totals.items()}})
        for label, (purged, kept) in sorted(totals.items()):
            verb = "would be purged" if dry_run else "purged"
            self.stdout.write(f"{label}: {purged} {verb}" + (f", {kept} kept (still referred to)" if kept else ""))
