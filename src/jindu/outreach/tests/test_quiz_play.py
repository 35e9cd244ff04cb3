"""The rules the server enforces for an attempt: no key before submission, server scoring, server time,
limits by database constraint, idempotent submit, rate limits."""

import datetime
import json
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..quiz import hotsql, play
from ..quiz.models import Question, QuizAttempt
from . import quiz_factories as qf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

KEY_WORDS = re.compile(r'"(answer|answers|correct|is_right|right|key|explanation|paper)"\s*:')


def auth(participant):
    return {"HTTP_AUTHORIZATION": "Bearer " + qf.token(participant)}


def api_start(client, quiz, participant):
    return client.post(f"/quiz/api/q/{quiz.code}/start", data="{}", content_type="application/json",
                       **auth(participant))


def api_submit(client, token, participant, body):
    return client.post(f"/quiz/api/a/{token}/submit", data=json.dumps(body), content_type="application/json",
                       **auth(participant))


def right_answers(token):
    """The key in the order shown (read from the server's row: what only the server knows)."""
    return [key for _qid, _order, key in QuizAttempt.objects.get(token=token).paper]


def wrong_answers(token):
    return [[(key[0] + 1) % 2] if len(key) == 1 else [key[0]] for key in right_answers(token)]


# --- The answer key ----------------------------------------------------------------------------


def test_no_key_in_any_response_before_submission(client):
    quiz = qf.quiz(questions=6)
    participant = qf.participant()
    client.cookies["jindu_quiz"] = qf.token(participant)
    seen = []
    seen.append(client.get("/quiz/"))
    seen.append(client.get(f"/quiz/q/{quiz.code}/"))
    seen.append(client.get(f"/quiz/api/q/{quiz.code}", **auth(participant)))
    started = api_start(client, quiz, participant)
    token = started.json()["attempt"]
    seen.append(started)
    seen.append(client.get(f"/quiz/api/a/{token}", **auth(participant)))
    seen.append(client.get(f"/quiz/a/{token}/"))
    seen.append(client.get(f"/quiz/a/{token}/result/", follow=True))  # before submitting: back to the questions
    seen.append(client.get("/quiz/me/"))
    paper = QuizAttempt.objects.get(token=token).paper
    questions = {q.pk: q for q in Question.objects.filter(pk__in=[row[0] for row in paper])}
    secrets_ = [q.explanation_zh for q in questions.values()] + [q.explanation_bo for q in questions.values()]
    for response in seen:
        assert response.status_code in (200, 201), response.status_code
        body = response.content.decode()
        assert not KEY_WORDS.search(body), body[:500]
        for secret in secrets_:
            assert secret not in body
        for row in paper:  # no question id, no stored order
            assert f'"id":{row[0]}' not in body.replace(" ", "")
    fetched = client.get(f"/quiz/api/a/{token}", **auth(participant)).json()
    assert set(fetched) == {"attempt", "status", "quiz", "started_at", "deadline", "seconds_left", "questions"}
    for question in fetched["questions"]:
        assert set(question) == {"n", "kind", "text", "options"}
    # The attempt page's form names options by position, never by their stored index or correctness.
    page = client.get(f"/quiz/a/{token}/").content.decode()
    assert "correct" not in page and "data-key" not in page


def test_options_and_order_are_shuffled_per_attempt_on_the_server():
    quiz = qf.quiz(questions=5, total=50, per_day=50)
    cfg = play.config(quiz_id=quiz.pk)
    orders, sequences = set(), set()
    for _ in range(30):
        paper = play.draw_paper(cfg)
        sequences.add(tuple(qid for qid, _o, _k in paper))
        for qid, order, key in paper:
            question = cfg.bank[qid]
            assert sorted(order) == list(range(len(question.options)))
            assert sorted(order[index] for index in key) == sorted(question.answer)  # the key follows the shuffle
            if question.kind == "true_false":
                assert order == [0, 1]
            else:
                orders.add((qid, tuple(order)))
    assert len(sequences) > 1 and len(orders) > 5


def test_only_approved_questions_are_served():
    quiz = qf.quiz(questions=5)
    Question.objects.update(status="draft", reviewed_at=None)
    approved = qf.question()
    play.forget()
    cfg = play.config(quiz_id=quiz.pk)
    assert set(cfg.bank) == {approved.pk}
    with pytest.raises(play.PlayError) as refused:
        play.draw_paper(cfg)
    assert refused.value.code == "not_ready"


# --- Scoring -----------------------------------------------------------------------------------


def test_score_comes_from_the_server_and_a_posted_score_is_ignored(client):
    quiz = qf.quiz(questions=5)
    participant = qf.participant()
    token = api_start(client, quiz, participant).json()["attempt"]
    response = api_submit(client, token, participant, {"answers": wrong_answers(token), "score": 100, "correct": 5,
                                                       "passed": True})
    body = response.json()
    assert response.status_code == 200
    assert body["score"] == 0 and body["correct"] == 0 and body["passed"] is False
    row = QuizAttempt.objects.get(token=token)
    assert (row.score, row.correct, row.status) == (0, 0, "submitted")
    # After submission the review shows the key and the explanations.
    assert all("correct" in q and "explanation" in q for q in body["questions"])


def test_all_right_scores_100_and_a_partly_right_multiple_choice_counts_wrong(client):
    quiz = qf.quiz(questions=5)
    Question.objects.filter(kind="single").update(kind="multiple", answer=[0, 2])  # a multiple in every paper
    play.forget()
    participant = qf.participant()
    token = api_start(client, quiz, participant).json()["attempt"]
    answers = right_answers(token)
    paper = QuizAttempt.objects.get(token=token).paper
    multiple = [i for i, (qid, _o, key) in enumerate(paper) if len(key) > 1]
    assert multiple
    answers[multiple[0]] = answers[multiple[0]][:1]
    body = api_submit(client, token, participant, {"answers": answers}).json()
    assert body["correct"] == 4 and body["score"] == 80 and body["passed"] is True


def test_malformed_answers_are_no_answers():
    assert play.parse_answers({"0": "x", "1": [1, "2", None, 99], "7": [0], "a": 1}, 3) == [[], [1, 2], []]
    assert play.parse_answers("score=100", 2) == [[], []]
    assert play.score_of([[1, [0, 1], [1]], [2, [0, 1], [0]], [3, [0, 1], [0]]], [[1], [0], [1]]) == (2, 67)


# --- Server-side time ----------------------------------------------------------------------------


def test_too_fast_submission_is_rejected_and_reveals_nothing(client):
    quiz = qf.quiz(questions=5, min_per_question="1.5")
    participant = qf.participant()
    token = api_start(client, quiz, participant).json()["attempt"]
    response = api_submit(client, token, participant, {"answers": right_answers(token)})
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "rejected" and body["flag"] == "too_fast" and body["score"] is None
    assert body["questions"] == []
    row = QuizAttempt.objects.get(token=token)
    assert row.status == "rejected" and row.score is None
    # Retrying does not turn it into a scored attempt.
    assert api_submit(client, token, participant, {"answers": right_answers(token)}).json()["status"] == "rejected"


def test_too_fast_submission_is_flagged_when_configured(client):
    quiz = qf.quiz(questions=5, min_per_question="1.5", timing_rule="flag")
    qf.prize(quiz, min_score=0)
    participant = qf.participant()
    token = api_start(client, quiz, participant).json()["attempt"]
    body = api_submit(client, token, participant, {"answers": right_answers(token)}).json()
    assert body["status"] == "submitted" and body["flag"] == "too_fast" and body["score"] == 100
    assert body["prize_draws"] == []  # flagged: no prize


def test_plausible_time_is_accepted():
    quiz = qf.quiz(questions=5, min_per_question="1.5")
    participant = qf.participant()
    cfg = play.config(quiz_id=quiz.pk)
    start = timezone.now()
    entry, _ = play.start(cfg, qf.claims(participant), now=start)
    result = play.submit(cfg, entry, [], now=start + datetime.timedelta(seconds=8))
    assert result.status == "submitted" and result.flag == ""


def test_late_submission_is_rejected_but_the_network_grace_is_allowed():
    quiz = qf.quiz(questions=5, time_limit=60, total=3, per_day=3)
    cfg = play.config(quiz_id=quiz.pk)
    participant = qf.participant()
    start = timezone.now() - datetime.timedelta(seconds=60 + play.GRACE_SECONDS + 1)
    entry, _ = play.start(cfg, qf.claims(participant), now=start)
    late = play.submit(cfg, entry, [])
    assert late.status == "rejected" and late.flag == "late"
    start = timezone.now() - datetime.timedelta(seconds=60 + play.GRACE_SECONDS - 3)
    entry, _ = play.start(cfg, qf.claims(participant), now=start)
    assert play.submit(cfg, entry, []).status == "submitted"


def test_closed_or_unopened_quiz_refuses_a_start(client):
    participant = qf.participant()
    now = timezone.now()
    later = qf.quiz(opens=now + datetime.timedelta(days=1), closes=now + datetime.timedelta(days=2))
    over = qf.quiz(opens=now - datetime.timedelta(days=2), closes=now - datetime.timedelta(days=1))
    assert api_start(client, later, participant).json()["error"] == "not_open"
    assert api_start(client, over, participant).json()["error"] == "closed"


# --- One submission, limits ----------------------------------------------------------------------


def test_repeated_submit_returns_the_first_result_and_writes_nothing(client):
    quiz = qf.quiz(questions=5)
    participant = qf.participant()
    token = api_start(client, quiz, participant).json()["attempt"]
    first = api_submit(client, token, participant, {"answers": right_answers(token)}).json()
    second = api_submit(client, token, participant, {"answers": wrong_answers(token)}).json()
    assert first["score"] == second["score"] == 100 and second["repeated"] is True and first["repeated"] is False
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1
    row = QuizAttempt.objects.get(token=token)
    assert row.score == 100


def test_submit_racing_itself_scores_once():
    """Two submits that both read the attempt as open: the guarded UPDATE lets one through."""
    quiz = qf.quiz(questions=5)
    cfg = play.config(quiz_id=quiz.pk)
    participant = qf.participant()
    entry, _ = play.start(cfg, qf.claims(participant))
    stale = dict(entry)  # the second request read the entry before the first wrote
    first = play.submit(cfg, entry, [key for _q, _o, key in entry["paper"]])
    second = play.submit(cfg, stale, [])
    assert first.first and not second.first and second.score == first.score == 100


def test_daily_and_total_limits(client):
    quiz = qf.quiz(questions=5, per_day=1, total=2)
    cfg = play.config(quiz_id=quiz.pk)
    participant = qf.participant()
    claims = qf.claims(participant)
    today = timezone.now()
    entry, resumed = play.start(cfg, claims, now=today)
    again, resumed_again = play.start(cfg, claims, now=today)  # an open attempt is resumed, not doubled
    assert not resumed and resumed_again and again["t"] == entry["t"]
    play.submit(cfg, entry, [], now=today + datetime.timedelta(seconds=30))
    with pytest.raises(play.PlayError) as refused:
        play.start(cfg, claims, now=today + datetime.timedelta(minutes=1))
    assert refused.value.code == "daily_limit" and refused.value.status == 409
    tomorrow = today + datetime.timedelta(days=1)
    entry, _ = play.start(cfg, claims, now=tomorrow)
    play.submit(cfg, entry, [], now=tomorrow + datetime.timedelta(seconds=30))
    with pytest.raises(play.PlayError) as refused:
        play.start(cfg, claims, now=tomorrow + datetime.timedelta(days=1))
    assert refused.value.code == "no_attempts_left"
    assert list(QuizAttempt.objects.filter(quiz=quiz).order_by("total_slot").values_list("day_slot", "total_slot")) \
        == [(1, 1), (1, 2)]


def test_an_abandoned_attempt_counts():
    quiz = qf.quiz(questions=5, per_day=1, total=3, time_limit=60)
    cfg = play.config(quiz_id=quiz.pk)
    claims = qf.claims(qf.participant())
    start = timezone.now() - datetime.timedelta(minutes=10)
    play.start(cfg, claims, now=start)
    with pytest.raises(play.PlayError) as refused:
        play.start(cfg, claims)
    assert refused.value.code == "daily_limit"


def test_the_daily_limit_is_a_database_constraint():
    quiz = qf.quiz(questions=5)
    participant = qf.participant()
    now = timezone.now()
    qf.attempt(quiz, participant, finished_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAttempt.objects.create(quiz=quiz, participant=participant, token="dup", day=timezone.localdate(now),
                                   day_slot=1, total_slot=2, started_at=now, deadline=now, question_count=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAttempt.objects.create(quiz=quiz, participant=participant, token="dup2",
                                   day=timezone.localdate(now) + datetime.timedelta(days=1), day_slot=1,
                                   total_slot=1, started_at=now, deadline=now, question_count=5)


def test_two_concurrent_starts_create_one_row(monkeypatch):
    """Both requests read "no attempt yet" and insert slot 1: the constraint refuses the second insert, which
    then finds the first request's attempt and resumes it (per_day=1: never two rows)."""
    quiz = qf.quiz(questions=5, per_day=1, total=3)
    cfg = play.config(quiz_id=quiz.pk)
    claims = qf.claims(qf.participant())
    first, _ = play.start(cfg, claims)
    real_latest = hotsql.latest_attempt
    calls = {"n": 0}

    def stale_latest(*args):
        calls["n"] += 1
        return None if calls["n"] == 1 else real_latest(*args)  # the first look misses the concurrent row

    monkeypatch.setattr(hotsql, "latest_attempt", stale_latest)
    second, resumed = play.start(cfg, claims)
    assert resumed and second["t"] == first["t"] and calls["n"] == 2
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1


def test_profile_needed_and_other_peoples_attempts_are_404(client):
    quiz = qf.quiz(questions=5, asks_school=True)
    participant = qf.participant()
    response = api_start(client, quiz, participant)
    assert response.status_code == 428 and response.json()["error"] == "profile"
    quiz2 = qf.quiz(questions=5)
    token = api_start(client, quiz2, participant).json()["attempt"]
    stranger = qf.participant()
    assert client.get(f"/quiz/api/a/{token}", **auth(stranger)).status_code == 404
    assert api_submit(client, token, stranger, {"answers": []}).status_code == 404
    assert client.get(f"/quiz/api/a/{token}").status_code == 401
    tampered = qf.token(participant)[:-2] + "xx"
    assert client.get(f"/quiz/api/a/{token}", HTTP_AUTHORIZATION="Bearer " + tampered).status_code == 401


def test_json_endpoints_take_json_only(client):
    quiz = qf.quiz(questions=5)
    participant = qf.participant()
    response = client.post(f"/quiz/api/q/{quiz.code}/start", data={"x": "1"}, **auth(participant))
    assert response.status_code == 415


def test_the_html_flow(client):
    quiz = qf.quiz(questions=5)
    participant = qf.participant()
    client.cookies["jindu_quiz"] = qf.token(participant)
    response = client.post(f"/quiz/q/{quiz.code}/start/")
    assert response.status_code == 302
    attempt_url = response["Location"]
    token = attempt_url.rstrip("/").split("/")[-1]
    page = client.get(attempt_url)
    assert page.status_code == 200 and b'name="q0"' in page.content
    data = {f"q{n}": [str(i) for i in key] for n, key in enumerate(right_answers(token))}
    data["score"] = "0"
    response = client.post(attempt_url, data)
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    result = client.get(response["Location"])
    assert result.status_code == 200 and b'id="score">100<' in result.content
    assert client.post(attempt_url, {}).status_code == 302  # a double click lands on the same result
    assert QuizAttempt.objects.get(token=token).score == 100


# --- Rate limits ---------------------------------------------------------------------------------


@pytest.fixture
def fixed_window(monkeypatch):
    """The whole test inside one rate-limit window (they are fixed: a test crossing a minute would reset)."""
    from ..quiz import limits

    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_000.0)


@pytest.mark.usefixtures("fixed_window")
def test_the_61st_request_a_minute_from_one_address_gets_429(client, settings):
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "quiz": {"ip": "60/m", "participant": "1000/m"}}
    quiz = qf.quiz(questions=5)
    for number in range(60):
        assert client.get(f"/quiz/api/q/{quiz.code}").status_code == 200, number
    response = client.get(f"/quiz/api/q/{quiz.code}")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert client.get(f"/quiz/q/{quiz.code}/").status_code == 429  # pages too
    assert client.get(f"/quiz/q/{quiz.code}/", REMOTE_ADDR="10.1.2.3").status_code == 200  # another address


@pytest.mark.usefixtures("fixed_window")
def test_per_participant_limit(client, settings):
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "quiz": {"ip": "1000/m", "participant": "5/m"}}
    quiz = qf.quiz(questions=5)
    participant = qf.participant()
    codes = [client.get(f"/quiz/api/q/{quiz.code}", REMOTE_ADDR=f"10.0.0.{i}", **auth(participant)).status_code
             for i in range(6)]
    assert codes == [200] * 5 + [429]
