"""The REST API under /api/v1/ (django-ninja): session auth for the UI, bearer tokens for machines.

Every endpoint reads through ``restrict``: what a user cannot see in the UI does not exist in
the API either (404). Apps add their routers in ``jindu/urls.py``.
"""

import hashlib

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from .context import set_user


def hash_token(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        Token = apps.get_model("core", "APIToken")
        row = Token.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if row is None or not row.user.is_active or (row.expires and row.expires < timezone.now()):
            return None
        Token.objects.filter(pk=row.pk).update(last_used=timezone.now())
        request.user = row.user
        set_user(row.user)
        return row.user


class JinduSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "must_change_password", False):
            return None
        if user is not None:
            set_user(user)
        return user


def _schema_needs_login(view):
    """The OpenAPI schema is for staff and their machine clients, not for the public."""
    from functools import wraps

    from django.http import JsonResponse

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = JinduSessionAuth()(request) or TokenAuth()(request)
        if not user:
            return JsonResponse({"detail": "Unauthorized"}, status=401)
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Jindu API",
    version="1",
    urls_namespace="api",
    auth=[JinduSessionAuth(), TokenAuth()],
    docs_url=None,  # the Swagger page needs inline script and a CDN; the schema is enough
    openapi_url="/openapi.json",
    docs_decorator=_schema_needs_login,
)


def scoped_or_404(model, request, pk, action="view"):
    """The record if ``request.user`` may ``action`` it, else 404 (never 403: existence is not revealed)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(model.objects.restrict(request.user, action), pk=pk)


def validation_error_response(error):
    """A Django ValidationError as the API's 422 body: {"detail": [{"loc": [field], "msg": text}]}."""
    from ninja.errors import ValidationError as NinjaValidationError

    items = []
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            items.extend({"loc": ["body", field], "msg": message} for message in errors)
    else:
        items.extend({"loc": ["body"], "msg": message} for message in error.messages)
    return NinjaValidationError(items)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "permission denied"}, status=403)
