"""The quiz servers' WSGI entry (``quiz/wsgi.py``): the participant API on a short middleware stack gives the same
answers as the full stack, keeps its rate limits, language and security headers; everything else is served by
the full stack."""

import contextlib
import io
import json

import pytest
from django.core import signals
from django.db import close_old_connections

from . import quiz_factories as qf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@contextlib.contextmanager
def same_transaction():
    """As Django's test client: a request must not close the test's connection (it runs in a transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def call(method, path, body=None, token=None, cookies="", address="127.0.0.1"):
    from jindu.outreach.quiz.wsgi import application

    data = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "CONTENT_LENGTH": str(len(data)),
        "CONTENT_TYPE": "application/json",
        "REMOTE_ADDR": address,
        "HTTP_COOKIE": cookies,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = "Bearer " + token
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=int(status.split()[0]), headers=dict(headers))

    with same_transaction():
        content = b"".join(application(environ, start_response))
    return started["status"], started["headers"], content


def test_the_flow_on_the_short_stack():
    quiz = qf.quiz(questions=3)
    participant = qf.participant()
    token = qf.token(participant)
    status, headers, body = call("POST", f"/quiz/api/q/{quiz.code}/start", {}, token)
    assert status == 201 and "X-Request-ID" in headers and "Set-Cookie" not in headers
    attempt = json.loads(body)["attempt"]
    status, _headers, body = call("GET", f"/quiz/api/a/{attempt}", token=token)
    assert status == 200 and len(json.loads(body)["questions"]) == 3
    from ..quiz.models import QuizAttempt

    answers = [key for _q, _o, key in QuizAttempt.objects.get(token=attempt).paper]
    status, _headers, body = call("POST", f"/quiz/api/a/{attempt}/submit", {"answers": answers, "score": 0}, token)
    assert status == 200 and json.loads(body)["score"] == 100
    status, _headers, body = call("POST", f"/quiz/api/a/{attempt}/submit", {"answers": []}, token)
    assert status == 200 and json.loads(body)["repeated"] is True and json.loads(body)["score"] == 100
    assert call("GET", f"/quiz/api/a/{attempt}", token=qf.token(qf.participant()))[0] == 404  # not theirs
    assert call("POST", f"/quiz/api/q/{quiz.code}/start", {})[0] == 401


def test_limits_language_and_headers_hold(settings, monkeypatch):
    from ..quiz import limits

    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_000.0)  # one fixed window
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "quiz": {"ip": "2/m", "participant": "1000/m"}}
    quiz = qf.quiz(questions=3)
    codes = [call("GET", f"/quiz/api/q/{quiz.code}", address="10.7.7.7")[0] for _ in range(3)]
    assert codes == [200, 200, 429]
    _status, headers, body = call("GET", f"/quiz/api/q/{quiz.code}", cookies=f"{settings.LANGUAGE_COOKIE_NAME}=bo")
    assert headers["Content-Language"] == "bo" and "དུག་རྫས" in json.loads(body)["title"]
    assert headers.get("X-Content-Type-Options") == "nosniff"


def test_pages_and_the_staff_site_keep_the_full_stack():
    quiz = qf.quiz(questions=3)
    status, headers, _body = call("GET", f"/quiz/q/{quiz.code}/")
    assert status == 200 and "Content-Security-Policy" in headers and headers.get("X-Frame-Options") == "DENY"
    status, headers, _body = call("GET", "/outreach/")
    assert status == 302 and "/login" in headers["Location"]  # the staff site still asks for a login
