"""First start of an instance: reference data and, in an empty database, the first accounts.

Run by ``make run`` after ``migrate``. Each account gets a random one-time password, printed
once here and valid only until the first login, where it must be changed. Nothing happens to
accounts when users already exist.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from jindu.common.context import Source, actor_context
from jindu.core.choices import RoleCode
from jindu.core.models import Organisation, Region, User
from jindu.core.services import load_reference_data, user_create

ACCOUNTS = [
    ("officer", "演示干部", "", RoleCode.REGIONAL_OFFICER),
    ("sysadmin", "系统管理员", "", RoleCode.SYSTEM_ADMIN),
    ("secadmin", "安全管理员", "", RoleCode.SECURITY_ADMIN),
    ("auditor", "审计管理员", "", RoleCode.AUDIT_ADMIN),
]


class Command(BaseCommand):
    help = "Load reference data and, in an empty database, create the first accounts with one-time passwords."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="URL printed for the first login")

    def handle(self, *args, url="", **options):
        with actor_context(source=Source.CLI):
            load_reference_data()
            if "demo" in _commands() and not _has_business_data():
                call_command("demo", stdout=self.stdout)
            if User.objects.exists():
                self.stdout.write("Accounts exist already; log in with yours (reset: jindu changepassword NAME).")
                return
            created = self.create_accounts()
        self.stdout.write("")
        self.stdout.write("Jindu is ready{}.".format(" at " + url if url else ""))
        self.stdout.write("First login — each one-time password must be changed at first login:")
        for username, password, role in created:
            self.stdout.write(f"  {username:<10} {password:<20} {role}")
        self.stdout.write("These passwords are shown only now. Lost one? jindu changepassword NAME")

    @transaction.atomic
    def create_accounts(self):
        root = Region.objects.get(code=settings.JINDU_ROOT_REGION)
        office, _ = Organisation.objects.get_or_create(
            name=f"{root.name_zh}禁毒委员会办公室", defaults={"kind": "ncc_office", "region": root}
        )
        created = []
        for username, last_name, first_name, role in ACCOUNTS:
            # Every first account works for the whole province: the officer reads its records; the system
            # administrator keeps its organisations and accounts (no business data: roles.py grants none).
            region = root
            user, password = user_create(
                actor=None,
                data={"username": username, "last_name": last_name, "first_name": first_name,
                      "organisation": office, "region": region},
                role_codes=[role],
            )
            created.append((username, password, str(RoleCode(role).label)))
        return created


def _commands():
    from django.core.management import get_commands

    return get_commands()


def _has_business_data():
    from django.apps import apps

    return any(
        model.objects.exists()
        for app in ("cases", "persons", "precursors", "outreach")
        if app in {a.label for a in apps.get_app_configs()}
        for model in apps.get_app_config(app).get_models()
    )
