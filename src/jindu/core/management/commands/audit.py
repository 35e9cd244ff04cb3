from django.core.management.base import BaseCommand, CommandError

from jindu.common import audit


class Command(BaseCommand):
    help = "Audit log tools: `jindu audit verify` recomputes the hash chain and names the first broken row."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain of the audit log")

    def handle(self, *args, action=None, **options):
        if action == "verify":
            ok, checked, broken, reason = audit.verify()
            if ok:
                self.stdout.write(f"audit chain intact: {checked} rows verified")
                return
            raise CommandError(
                f"audit chain broken at row seq={broken}: {reason} ({checked} rows before it verified)", returncode=1
            )
