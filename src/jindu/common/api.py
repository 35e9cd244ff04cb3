"""The REST API under /api/v1/ (django-ninja): session auth for the UI, bearer tokens for machines.

Every endpoint reads through ``restrict``: what a user cannot see in the UI does not exist in
the API either (404). Apps add their routers in ``jindu/urls.py``.

A session counts only when it passed both factors (password and one-time code), its password
needs no change and it is within its lifetimes (``core.middleware``). Writes are rate-limited
(``common.ratelimit``). Helpers for endpoints: :func:`idempotent` (Idempotency-Key on record
creation), :func:`base_version` (optimistic concurrency: 409 on a stale version, 428 without
one), :func:`validation_error_response` (422, or 409 for a stale version).
"""

import hashlib
from datetime import timedelta
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from .context import set_user
from .features import StaleVersionError

TOKEN_LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        Token = apps.get_model("core", "APIToken")
        row = Token.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if row is None or not row.user.is_active or (row.expires and row.expires < timezone.now()):
            return None
        now = timezone.now()
        if row.last_used is None or now - row.last_used > TOKEN_LAST_USED_PRECISION:  # not one write per call
            Token.objects.filter(pk=row.pk).update(last_used=now)
        request.user = row.user
        set_user(row.user)
        return row.user


def session_fully_authenticated(user):
    """A logged-in session may use the API: second factor passed, password current."""
    if settings.JINDU_2FA_REQUIRED and not getattr(user, "is_verified", lambda: False)():
        return False
    needs_change = getattr(user, "password_change_needed", None)
    if callable(needs_change):
        return not needs_change()
    return not getattr(user, "must_change_password", False)


class JinduSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and not session_fully_authenticated(user):
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
    # Bearer tokens first: a machine client has no session cookie and must not meet the session CSRF check.
    auth=[TokenAuth(), JinduSessionAuth()],
    docs_url=None,  # the Swagger page needs inline script and a CDN; the schema is enough
    openapi_url="/openapi.json",
    docs_decorator=_schema_needs_login,
)


def scoped_or_404(model, request, pk, action="view"):
    """The record if ``request.user`` may ``action`` it, else 404 (never 403: existence is not revealed)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(model.objects.restrict(request.user, action), pk=pk)


def validation_error_response(error):
    """A Django ValidationError as the API's 422 body: {"detail": [{"loc": [field], "msg": text}]}.

    A :class:`StaleVersionError` is returned as it is: the API answers it with 409.
    """
    from ninja.errors import ValidationError as NinjaValidationError

    if isinstance(error, StaleVersionError):
        return error

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


@api.exception_handler(StaleVersionError)
def stale_version(request, exc):
    return api.create_response(request, {"detail": str(exc.messages[0]), "current_version": exc.current_version},
                               status=409)


def base_version(request, payload_version=None):
    """The version an API update is based on: the body's ``version`` or the ``If-Match`` header.

    An update of a versioned record without one answers 428 (Precondition Required).
    """
    if payload_version not in (None, ""):
        return payload_version
    header = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    if header.isdigit():
        return int(header)
    raise HttpError(428, "Send the version you edited: a \"version\" field or an If-Match header.")


# --- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) ------------------------------

IDEMPOTENCY_TTL = timedelta(hours=24)
IDEMPOTENCY_KEY_MAX = 200


def _api_user(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user if session_fully_authenticated(user) else None
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return TokenAuth().authenticate(request, auth[7:].strip())
    return None


def _fingerprint(request):
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _problem(status, detail):
    return JsonResponse({"detail": detail}, status=status)


def idempotent(required=False):
    """Make a record-creating POST endpoint idempotent; apply with ``ninja.decorators.decorate_view``::

        @router.post("/organisations", response={201: OrganisationOut})
        @decorate_view(idempotent())
        def organisation_create(request, payload: OrganisationIn): ...

    With an ``Idempotency-Key`` header (per user, kept 24 hours): the first response is stored and
    the same key with the same body replays it (``Idempotent-Replayed: true``) without running the
    endpoint again; the same key with another body answers 422; while the first request is still
    running, 409. Without the header the endpoint runs as usual, or answers 400 when ``required``.
    Server errors (5xx) are not stored: the client may retry with the same key.
    """

    def decorator(run):
        @wraps(run)
        def wrapped(request, *args, **kwargs):
            if request.method != "POST":
                return run(request, *args, **kwargs)
            key = request.headers.get("Idempotency-Key", "").strip()
            if not key:
                if required:
                    return _problem(400, "This endpoint needs an Idempotency-Key header.")
                return run(request, *args, **kwargs)
            if len(key) > IDEMPOTENCY_KEY_MAX:
                return _problem(400, f"The Idempotency-Key is longer than {IDEMPOTENCY_KEY_MAX} characters.")
            user = _api_user(request)
            if user is None:
                return run(request, *args, **kwargs)  # answers 401
            Record = apps.get_model("core", "IdempotencyKey")
            fingerprint = _fingerprint(request)
            now = timezone.now()
            Record.objects.filter(created__lt=now - IDEMPOTENCY_TTL).delete()
            try:
                with transaction.atomic():
                    record = Record.objects.create(user=user, key=key, fingerprint=fingerprint,
                                                   method=request.method, path=request.path[:300])
            except IntegrityError:
                existing = Record.objects.filter(user=user, key=key).first()
                if existing is None:
                    return _problem(409, "A request with this Idempotency-Key is being processed.")
                if existing.fingerprint != fingerprint:
                    return _problem(422, "This Idempotency-Key was used with a different request.")
                if existing.status_code is None:
                    return _problem(409, "A request with this Idempotency-Key is still being processed.")
                response = HttpResponse(existing.body, status=existing.status_code,
                                        content_type=existing.content_type or "application/json")
                response["Idempotent-Replayed"] = "true"
                return response
            try:
                response = run(request, *args, **kwargs)
            except BaseException:
                Record.objects.filter(pk=record.pk).delete()
                raise
            if response.status_code >= 500 or getattr(response, "streaming", False):
                Record.objects.filter(pk=record.pk).delete()
                return response
            Record.objects.filter(pk=record.pk).update(
                status_code=response.status_code, body=response.content.decode("utf-8", "replace"),
                content_type=response.get("Content-Type", ""), completed=timezone.now())
            return response

        return wrapped

    return decorator

