"""Request-wide middleware: the UI language and the actor context."""

import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .context import Source, actor_context

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


def client_ip(request):
    """The client address. X-Real-IP is believed only behind a reverse proxy that sets it (JINDU_TRUST_PROXY)."""
    if settings.JINDU_TRUST_PROXY and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"][:64]
    return request.META.get("REMOTE_ADDR", "")


class LanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise; the choice is remembered in a cookie and on the user.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the offices
    work in Chinese by default whatever the browser says.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in LANGUAGE_CODES:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        preferred = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if preferred in LANGUAGE_CODES and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != preferred:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                preferred,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RequestContextMiddleware:
    """Give each request an id and run the view inside an actor context (source web or api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        source = Source.API if request.path.startswith("/api/") else Source.WEB
        user = request.user if request.user.is_authenticated else None
        with actor_context(user=user, source=source, request_id=request.id, remote_addr=client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        if user is not None:
            # Pages behind login carry personal data: keep them out of shared caches and history.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def management_view(view):
    """Mark a view (function or class) as a management page: reachable only from JINDU_ADMIN_ALLOWED_NETWORKS."""
    view.management_view = True
    return view


def is_management_view(view_func):
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_class, "management_view", False) or getattr(view_func, "management_view", False))


def address_allowed(address, networks):
    import ipaddress

    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


class ManagementNetworkMiddleware:
    """Management pages (users, roles, audit log, security settings: views marked with
    :func:`management_view` or a class attribute ``management_view = True``) answer 403 to
    addresses outside ``JINDU_ADMIN_ALLOWED_NETWORKS`` when that setting lists networks. Audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        networks = settings.JINDU_ADMIN_ALLOWED_NETWORKS
        if not networks or not is_management_view(view_func):
            return None
        address = client_ip(request)
        if address_allowed(address, networks):
            return None
        from django.core.exceptions import PermissionDenied

        from . import audit

        match = request.resolver_match
        audit.log("security.management_network_refused", object_type="url",
                  object_repr=request.path[:200], extra={"view": match.view_name if match else "", "address": address})
        raise PermissionDenied("management pages are limited to the management network")
