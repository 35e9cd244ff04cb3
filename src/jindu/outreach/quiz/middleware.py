"""Middleware of the quiz's short stack (``quiz/wsgi.py``)."""

from django.contrib.auth.models import AnonymousUser


class AnonymousUserMiddleware:
    """``request.user`` is anonymous on the participant API: it authenticates participants by their own token,
    never by a staff session, so no session is read (what ``AuthenticationMiddleware`` would do lazily)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = AnonymousUser()
        return self.get_response(request)


class QuizApiUrlconfMiddleware:
    """Resolve participant API requests against the quiz API's own URL patterns (``quiz/api_urls.py``): the
    site's full URL configuration tries some forty patterns before it reaches ``/quiz/api/``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = "jindu.outreach.quiz.api_urls"
        return self.get_response(request)
