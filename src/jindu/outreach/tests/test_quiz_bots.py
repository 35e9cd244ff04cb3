"""Bot resistance that does not hurt schools: address limits as bursts, a limit per participant token, and a
light proof of work before an SMS code and before an attempt (outreach/quiz/pow.py)."""

import json

import pytest
from django.core.cache import cache

from ..quiz import pow
from ..quiz.models import QuizAttempt
from . import quiz_factories as qf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

SCHOOL = {"REMOTE_ADDR": "10.20.30.40"}  # one public address for the whole school


@pytest.fixture(autouse=True)
def fixed_window(monkeypatch):
    """One rate-limit window for the whole test (fixed windows reset at a minute's end)."""
    from ..quiz import limits

    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_000.0)
    cache.clear()


def auth(participant):
    return {"HTTP_AUTHORIZATION": "Bearer " + qf.token(participant)}


def post(client, url, body, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


# --- Limits -------------------------------------------------------------------------------------------


def test_a_class_of_fifty_behind_one_address_is_not_limited_by_default(client):
    quiz = qf.quiz(questions=3)
    codes = []
    for _pupil in range(50):
        headers = {**SCHOOL, **auth(qf.participant())}
        codes.append(client.get(f"/quiz/api/q/{quiz.code}", **headers).status_code)
        started = post(client, f"/quiz/api/q/{quiz.code}/start", {}, **headers)
        codes.append(started.status_code)
        token = started.json()["attempt"]
        codes.append(client.get(f"/quiz/api/a/{token}", **headers).status_code)
        codes.append(post(client, f"/quiz/api/a/{token}/submit", {"answers": []}, **headers).status_code)
    assert 429 not in codes and set(codes) == {200, 201}, sorted(set(codes))
    assert QuizAttempt.objects.filter(quiz=quiz, status="submitted").count() == 50


def test_signed_requests_count_per_participant_and_against_the_address_burst(client, settings):
    settings.JINDU_RATE_LIMITS = {
        **settings.JINDU_RATE_LIMITS,
        "quiz": {"ip": "2/m", "ip_signed": "7/m", "participant": "3/m"},
    }
    quiz = qf.quiz(questions=3)
    url = f"/quiz/api/q/{quiz.code}"
    first, second, third = qf.participant(), qf.participant(), qf.participant()
    # the anonymous limit of the address does not apply to signed-in pupils
    assert [client.get(url, **SCHOOL).status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get(url, **SCHOOL, **auth(first)).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert [client.get(url, **SCHOOL, **auth(second)).status_code for _ in range(3)] == [200, 200, 200]
    # the burst ceiling of the address: 7 signed requests counted so far (the refused one too), this is the 8th
    assert client.get(url, **SCHOOL, **auth(third)).status_code == 429
    assert client.get(url, REMOTE_ADDR="10.9.9.9", **auth(third)).status_code == 200  # another address


def test_the_default_limits_are_settings():
    from django.conf import settings

    limits = settings.JINDU_RATE_LIMITS["quiz"]
    assert set(limits) == {"ip", "ip_signed", "participant"}


# --- Proof of work --------------------------------------------------------------------------------------


def test_a_challenge_is_solved_once_and_cannot_be_forged(settings):
    settings.JINDU_QUIZ_POW_BITS = 8
    challenge = pow.issue()
    nonce = pow.solve(challenge)  # the smallest nonce: every smaller one fails
    assert int(nonce) == 0 or not pow.valid(challenge, str(int(nonce) - 1))
    forged = challenge.replace(".8.", ".1.")  # less work asked: the signature no longer matches
    assert not pow.valid(forged, pow.solve(forged))
    assert pow.valid(challenge, nonce)
    assert not pow.valid(challenge, nonce)  # spent
    old = pow.issue(now=0)
    assert not pow.valid(old, pow.solve(old))  # expired
    eight = pow.issue()
    settings.JINDU_QUIZ_POW_BITS = 10  # a challenge issued for 8 bits is refused once 10 are asked
    assert not pow.valid(eight, pow.solve(eight))


def test_off_by_default_and_then_nothing_is_asked(client):
    assert pow.bits() == 0 and pow.issue() == ""
    quiz = qf.quiz(questions=3)
    participant = qf.participant()
    assert post(client, f"/quiz/api/q/{quiz.code}/start", {}, **auth(participant)).status_code == 201
    assert b"data-pow" not in client.get(f"/quiz/q/{quiz.code}/").content


def test_the_api_asks_for_work_before_a_start_and_a_code(client, settings):
    settings.JINDU_QUIZ_POW_BITS = 8
    quiz = qf.quiz(questions=3)
    participant = qf.participant()
    url = f"/quiz/api/q/{quiz.code}/start"
    refused = post(client, url, {}, **auth(participant))
    assert refused.status_code == 428 and refused.json()["error"] == "pow" and refused.json()["bits"] == 8
    assert not QuizAttempt.objects.filter(participant=participant).exists()
    challenge = refused.json()["challenge"]
    solved = {"pow_challenge": challenge, "pow_nonce": pow.solve(challenge)}
    assert post(client, url, solved, **auth(participant)).status_code == 201
    assert post(client, url, solved, **auth(participant)).status_code == 428  # a proof is spent once
    offered = client.get(f"/quiz/api/q/{quiz.code}").json()["pow"]
    assert offered["bits"] == 8 and pow.valid(offered["challenge"], pow.solve(offered["challenge"]))

    sms = post(client, "/quiz/api/login/sms", {"phone": "13908912001"})
    assert sms.status_code == 428
    challenge = sms.json()["challenge"]
    sent = post(
        client,
        "/quiz/api/login/sms",
        {"phone": "13908912001", "pow_challenge": challenge, "pow_nonce": pow.solve(challenge)},
    )
    assert sent.status_code == 202


def test_the_pages_carry_a_challenge_and_start_with_its_solution(client, settings):
    settings.JINDU_QUIZ_POW_BITS = 8
    quiz = qf.quiz(questions=3)
    participant = qf.participant()
    client.cookies["jindu_quiz"] = qf.token(participant)
    page = client.get(f"/quiz/q/{quiz.code}/").content.decode()
    assert 'data-pow="8"' in page
    challenge = page.split('name="pow_challenge" value="')[1].split('"')[0]
    assert client.post(f"/quiz/q/{quiz.code}/start/", {"pow_challenge": challenge, "pow_nonce": "x"}).status_code == 428
    response = client.post(
        f"/quiz/q/{quiz.code}/start/", {"pow_challenge": challenge, "pow_nonce": pow.solve(challenge)}
    )
    assert response.status_code == 302 and "/quiz/a/" in response["Location"]
    login = client.get("/quiz/login/").content.decode()
    assert 'data-pow="8"' in login and 'name="pow_nonce"' in login
    assert b"could not confirm" in client.post("/quiz/login/", {"phone": "13908912002"}).content
