"""Rate limits per user and per client address, counted in the Django cache (Redis in production).

A *scope* (``login``, ``otp``, ``import``, ``export``, ``api_write``) has a rate per user and
one per address, from ``settings.JINDU_RATE_LIMITS``; ``JINDU_RATE_LIMITS`` in the environment
overrides single entries (``import.user=30/h,export.user=60/h``). Windows are fixed
(``count // period``); one over the rate answers 429 with a clear message and ``Retry-After``.

Use :func:`ratelimit` on a view (function or ``dispatch`` of a class), or :func:`check` inside
one; the API's writes are limited by :class:`RateLimitMiddleware`. :class:`FailureLock` is the
"N failures lock for M minutes" rule of the second factor.
"""

import hashlib
import math
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .middleware import client_ip

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class RateLimited(Exception):
    def __init__(self, scope, retry_after):
        super().__init__(scope)
        self.scope = scope
        self.retry_after = max(1, int(math.ceil(retry_after)))


def parse_rate(rate):
    """``"5/15m"`` -> (5, 900). ``None`` or ``""`` means no limit."""
    if not rate:
        return None
    match = RATE_RE.match(str(rate))
    if not match:
        raise ValueError(f"bad rate {rate!r}; write e.g. 5/15m, 100/h")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * UNITS[unit]


def rates(scope):
    """{"user": rate, "ip": rate} of ``scope``."""
    return dict(getattr(settings, "JINDU_RATE_LIMITS", {}).get(scope, {}))


def _hit(key, limit, period, now):
    window = int(now // period)
    cache_key = f"rl:{key}:{window}"
    if cache.add(cache_key, 1, period + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, period + 5)
            count = 1
    return count > limit, (window + 1) * period - now


def _user_key(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.pk)
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:24]
    return None


def check(request, scope):
    """Count one request of ``scope``; raise :class:`RateLimited` when the user or the address is over."""
    now = time.time()
    retry = 0
    limited = False
    for kind, subject in (("user", _user_key(request)), ("ip", client_ip(request))):
        parsed = parse_rate(rates(scope).get(kind))
        if parsed is None or not subject:
            continue
        over, wait = _hit(f"{scope}:{kind}:{subject}", *parsed, now)
        if over:
            limited, retry = True, max(retry, wait)
    if limited:
        raise RateLimited(scope, retry)


def ratelimit(scope, methods=("POST",)):
    """View decorator: :func:`check` ``scope`` for requests with one of ``methods``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                try:
                    check(request, scope)
                except RateLimited as limited:
                    return too_many_requests(request, limited)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request, limited):
    minutes = max(1, int(math.ceil(limited.retry_after / 60)))
    message = _("Too many requests. Please wait {minutes} minute(s) and try again.").format(minutes=minutes)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "retry_after": limited.retry_after}, status=429)
    else:
        response = TemplateResponse(request, "429.html", {"message": message}, status=429).render()
    response["Retry-After"] = str(limited.retry_after)
    return response


class RateLimitMiddleware:
    """Writes to the API (POST, PUT, PATCH, DELETE under /api/) count against ``api_write``; a view that
    raises :class:`RateLimited` answers 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in WRITE_METHODS and request.path.startswith("/api/"):
            try:
                check(request, "api_write")
            except RateLimited as limited:
                return too_many_requests(request, limited)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return too_many_requests(request, exception)
        return None


class FailureLock:
    """``limit`` failures within ``window`` seconds lock ``subject`` for ``lock`` seconds (cache-held)."""

    def __init__(self, scope, limit, window, lock):
        self.scope, self.limit, self.window, self.lock = scope, limit, window, lock

    def _keys(self, subject):
        return f"fl:{self.scope}:{subject}:n", f"fl:{self.scope}:{subject}:lock"

    def locked_for(self, subject):
        """Seconds the lock still lasts (0 = not locked)."""
        until = cache.get(self._keys(subject)[1])
        return max(0, until - time.time()) if until else 0

    def fail(self, subject):
        """Count a failure; True when this failure locks the subject."""
        count_key, lock_key = self._keys(subject)
        if cache.add(count_key, 1, self.window):
            count = 1
        else:
            try:
                count = cache.incr(count_key)
            except ValueError:
                cache.set(count_key, 1, self.window)
                count = 1
        if count >= self.limit:
            cache.set(lock_key, time.time() + self.lock, self.lock)
            cache.delete(count_key)
            return True
        return False

    def reset(self, subject):
        cache.delete_many(self._keys(subject))
