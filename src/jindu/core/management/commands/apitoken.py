import secrets
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jindu.common import audit
from jindu.common.api import hash_token
from jindu.common.context import Source, actor_context
from jindu.core.models import APIToken, User


class Command(BaseCommand):
    help = "Create an API token for USERNAME (printed once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90, help="validity in days (default 90)")
        parser.add_argument("--description", default="")

    def handle(self, *args, username, days, description, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username}")
        key = secrets.token_urlsafe(32)
        with actor_context(source=Source.CLI):
            token = APIToken.objects.create(user=user, prefix=key[:8], key_hash=hash_token(key),
                                            description=description,
                                            expires=timezone.now() + timedelta(days=days))
            audit.log("core.apitoken.created", obj=token, extra={"user": username, "prefix": key[:8]})
        self.stdout.write(key)
