"""A WSGI entry point for the servers of the public quiz: ``gunicorn jindu.outreach.quiz.wsgi``.

Requests to the participant's JSON API (``/quiz/api/``) go through a short middleware stack; every other request
(the quiz's pages, the staff site) through the full one of ``settings.MIDDLEWARE``, exactly as ``jindu.wsgi``.

Why: the API carries a bearer token, not a session; it is CSRF-exempt (JSON bodies only), needs no login, no
second factor, no messages, no frame or content-security headers (JSON is never rendered), and does its own
rate limiting. The full stack's sixteen middleware cost a submit about as much CPU as the quiz's own work on
the bench machine (docs/performance.md). What stays: the security headers and HTTPS redirect
(``SecurityMiddleware``), the UI language (Tibetan answers), the request context (request id in logs), common
URL handling; the URL patterns are the API's alone (``api_urls.py``: the same views and names). Settings are
the same; the tests run both stacks (``test_quiz_wsgi.py``).
"""

import os

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jindu.settings")

API_PREFIX = "/quiz/api/"
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jindu.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "jindu.outreach.quiz.middleware.AnonymousUserMiddleware",
    "jindu.outreach.quiz.middleware.QuizApiUrlconfMiddleware",
    "jindu.common.middleware.RequestContextMiddleware",
]


class LeanHandler(WSGIHandler):
    """Django's WSGI handler with :data:`LEAN_MIDDLEWARE` instead of ``settings.MIDDLEWARE``."""

    def load_middleware(self, is_async=False):
        full = settings.MIDDLEWARE
        try:
            settings.MIDDLEWARE = LEAN_MIDDLEWARE
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def _build():
    import django

    django.setup(set_prefix=False)
    full, lean = WSGIHandler(), LeanHandler()

    def application(environ, start_response):
        handler = lean if environ.get("PATH_INFO", "").startswith(API_PREFIX) else full
        return handler(environ, start_response)

    return application


application = _build()
