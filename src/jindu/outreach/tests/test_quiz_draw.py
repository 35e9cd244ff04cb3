"""The prize draw: candidates by rule, frozen before the seed is known, reproducible by anyone from the
published record, one prize per participant, audited, run once; winners see it on their result page."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jindu.core.models import AuditLog

from ..quiz import draw, services
from ..quiz.models import QuizWinner
from . import quiz_factories as qf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture
def closed_quiz():
    now = timezone.now()
    quiz = qf.quiz(questions=5, opens=now - datetime.timedelta(days=10), closes=now - datetime.timedelta(hours=1))
    qf.prize(quiz, "一等奖", count=2, min_score=100, order=1)
    qf.prize(quiz, "二等奖", count=3, min_score=80, order=2)
    when = now - datetime.timedelta(days=2)
    people = {}
    for best in [100, 100, 100, 90, 80, 80, 60, 100]:
        participant = qf.participant(region_code="540102")
        qf.attempt(quiz, participant, finished_at=when, score=60)
        qf.attempt(quiz, participant, finished_at=when + datetime.timedelta(days=1), score=best)
        people[participant.code] = best
    flagged = qf.participant()
    qf.attempt(quiz, flagged, finished_at=when, score=100, flag="too_fast")
    outside = qf.participant(region_code=None)  # no region, but the quiz asks for one: cannot win
    qf.attempt(quiz, outside, finished_at=when, score=100, region_code=None)
    rejected = qf.participant()
    qf.attempt(quiz, rejected, finished_at=when, status="rejected", flag="late")
    return quiz, people, {flagged.code, outside.code, rejected.code}


def test_candidates_are_the_best_unflagged_scores_reaching_a_prize(closed_quiz, officer):
    quiz, people, excluded = closed_quiz
    candidates = services.draw_candidates(quiz)
    assert {c["code"]: c["score"] for c in candidates} == {code: s for code, s in people.items() if s >= 80}
    assert not excluded & {c["code"] for c in candidates}


def test_draw_is_reproducible_from_the_published_record_and_runs_once(closed_quiz, officer, client):
    quiz, people, _ = closed_quiz
    record = services.draw_freeze(actor=officer, quiz=quiz, seed_source="福彩3D 2024年10月9日开奖号码")
    assert record.candidates_sha256 == draw.candidates_sha256(record.candidates)
    services.draw_run(actor=officer, quiz=quiz, seed="3 9 6")
    with pytest.raises(ValidationError, match="already"):
        services.draw_run(actor=officer, quiz=quiz, seed="another seed")
    published = json.loads(client.get(f"/quiz/q/{quiz.code}/draw.json").content)
    assert draw.verify(published)
    # Re-run by hand with the snippet of the documentation, from the published JSON alone.
    namespace = {"record": published}
    snippet = draw.__doc__.split("::", 1)[1].split("The candidate list", 1)[0]
    code = "\n".join(line[4:] for line in snippet.splitlines() if line.strip() and "json.load" not in line)
    printed = []
    exec(code.replace('print(prize["name"], picked)', 'printed.append((prize["name"], picked))'),  # noqa: S102
         {**namespace, "printed": printed})
    winners = {prize["name"]: [w["code"] for w in prize["winners"]] for prize in published["prizes"]}
    assert {name: codes for name, codes in printed} == winners
    # Rules: the first prize needs 100, the second 80; nobody wins twice; counts are honoured.
    assert len(winners["一等奖"]) == 2 and all(people[c] == 100 for c in winners["一等奖"])
    assert len(winners["二等奖"]) == 3 and all(people[c] >= 80 for c in winners["二等奖"])
    assert not set(winners["一等奖"]) & set(winners["二等奖"])
    # The same seed gives the same winners; another seed (almost surely) others.
    again = draw.run("3 9 6", published["prizes"], published["candidates"])
    assert [[c for _p, c in picked] for _i, picked in again] == [winners["一等奖"], winners["二等奖"]]
    # A changed candidate list no longer matches its published hash.
    tampered = dict(published, candidates=published["candidates"][1:])
    assert not draw.verify(tampered)
    actions = list(AuditLog.objects.filter(object_type="outreach.quizdraw").order_by("seq").values_list(
        "action", flat=True))
    assert actions == ["outreach.quizdraw.frozen", "outreach.quizdraw.drawn"]
    assert AuditLog.objects.get(action="outreach.quizdraw.drawn").extra["seed"] == "3 9 6"
    assert QuizWinner.objects.count() == 5


def test_the_draw_waits_for_the_close_and_for_frozen_candidates(officer):
    quiz = qf.quiz(questions=5)
    qf.prize(quiz)
    with pytest.raises(ValidationError, match="after the quiz closes"):
        services.draw_freeze(actor=officer, quiz=quiz, seed_source="x")
    with pytest.raises(ValidationError, match="Freeze the candidates first"):
        services.draw_run(actor=officer, quiz=quiz, seed="1")


def test_candidates_are_frozen_once_and_prizes_then_fixed(closed_quiz, officer):
    quiz, _, _ = closed_quiz
    services.draw_freeze(actor=officer, quiz=quiz, seed_source="x")
    with pytest.raises(ValidationError):
        services.draw_freeze(actor=officer, quiz=quiz, seed_source="y")
    with pytest.raises(ValidationError, match="prizes can no longer change"):
        services.quiz_part_change(actor=officer, instance=quiz.prizes.first(), data={"count": 50})


def test_winners_are_told_on_their_result_page(closed_quiz, officer, client):
    quiz, people, _ = closed_quiz
    services.draw_freeze(actor=officer, quiz=quiz, seed_source="x")
    services.draw_run(actor=officer, quiz=quiz, seed="42")
    winner = QuizWinner.objects.select_related("participant").first().participant
    attempt = winner.attempts.filter(status="submitted").order_by("-score").first()
    client.cookies["jindu_quiz"] = qf.token(winner)
    page = client.get(f"/quiz/a/{attempt.token}/result/")
    assert page.status_code == 200 and b'id="won"' in page.content
    assert b'id="won"' in client.get("/quiz/me/").content or winner.prizes_won.exists()
    public = client.get(f"/quiz/q/{quiz.code}/draw/")
    assert public.status_code == 200 and winner.code.encode() in public.content
    assert winner.phone.encode() not in public.content and (winner.nickname or "").encode() not in public.content


def test_staff_draw_page_freeze_then_draw(closed_quiz, officer, client):
    quiz, _, _ = closed_quiz
    client.force_login(officer)
    url = f"/outreach/quizzes/{quiz.pk}/draw/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"step": "freeze", "seed_source": "福彩3D"}).status_code == 302
    assert client.post(url, {"step": "draw", "seed": ""}).status_code == 400
    assert client.post(url, {"step": "draw", "seed": "7 7 7"}).status_code == 302
    page = client.get(url)
    assert b'id="verified"' in page.content
    assert client.post(url, {"step": "draw", "seed": "1 2 3"}).status_code == 400


def test_cli_verify_and_operations(closed_quiz, officer, client, tmp_path):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    quiz, _, _ = closed_quiz
    services.draw_freeze(actor=officer, quiz=quiz, seed_source="x")
    services.draw_run(actor=officer, quiz=quiz, seed="8")
    path = tmp_path / "draw.json"
    path.write_bytes(client.get(f"/quiz/q/{quiz.code}/draw.json").content)
    out = io.StringIO()
    call_command("quiz", "verify", str(path), stdout=out)
    assert "reproduces" in out.getvalue()
    record = json.loads(path.read_text())
    record["seed"] = "9"
    path.write_text(json.dumps(record))
    with pytest.raises(CommandError, match="NOT reproduce"):
        call_command("quiz", "verify", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("quiz", "recount", quiz.code, stdout=out)
    assert "attempts" in out.getvalue()
    call_command("quiz", "purge-codes", stdout=io.StringIO())
