"""``quiz_attempts`` and ``quiz_participants`` of the statistics contract (DESIGN.md), computed by hand.

Contract: attempts submitted inside the period (local dates, both included) whose participant's region is
under R — the region the participant gave when the attempt started —; an attempt without a region counts
only for the root region; participants: distinct participants among them. Imported campaign counts of days
inside the period under R are added to both."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from jindu.common.testing import region

from ..quiz.models import QuizDailyCount
from ..selectors import statistics
from . import factories as f
from . import quiz_factories as qf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]
START, END = datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def data():
    quiz = qf.quiz(questions=0, per_day=5, total=20)
    a, b, c = qf.participant("540102"), qf.participant("540102"), qf.participant("542523")
    d, e, moved = qf.participant(None), qf.participant("540103"), qf.participant("542523")
    qf.attempt(quiz, a, finished_at=local(2024, 1, 1, 0, 0, 30))       # first second of the period: in
    qf.attempt(quiz, a, finished_at=local(2024, 6, 30, 23, 59, 59))    # last second: in
    qf.attempt(quiz, a, finished_at=local(2023, 12, 31, 23, 59, 59))   # the day before: out
    qf.attempt(quiz, a, finished_at=local(2024, 7, 1, 0, 0, 0))        # the day after: out
    qf.attempt(quiz, b, finished_at=local(2024, 3, 1, 10))             # in
    qf.attempt(quiz, b, finished_at=local(2024, 3, 2, 10), status="rejected", flag="late")  # not scored: out
    qf.attempt(quiz, c, finished_at=local(2024, 4, 1, 10))             # Ngari: in
    qf.attempt(quiz, d, finished_at=local(2024, 5, 1, 10))             # no region: the root only
    qf.attempt(quiz, e, finished_at=local(2024, 2, 1, 10))             # Lhasa (Doilungdêqên): in
    qf.attempt(quiz, moved, finished_at=local(2024, 2, 2, 10), region_code="540102")  # counted where it was taken
    open_attempt = qf.attempt(quiz, e, finished_at=local(2024, 2, 3, 10))
    type(open_attempt).objects.filter(pk=open_attempt.pk).update(status="open", finished_at=None, score=None)
    campaign = f.campaign()
    for day, code, attempts, participants in [
        (datetime.date(2024, 6, 1), "540100", 1000, 600),   # in, Lhasa
        (datetime.date(2024, 6, 30), "540000", 50, 20),     # in, region not given: root only
        (datetime.date(2024, 3, 3), "542523", 30, 10),      # in, Gar
        (datetime.date(2024, 7, 1), "540100", 7, 7),        # after: out
        (datetime.date(2023, 12, 31), "542500", 9, 9),      # before: out
    ]:
        QuizDailyCount.objects.create(campaign=campaign, day=day, region=region(code), attempts=attempts,
                                      participants=participants)


def quiz_figures(code):
    figures = statistics(START, END, region(code))["outreach"]
    return figures["quiz_attempts"], figures["quiz_participants"]


def test_root_region_counts_everything_including_attempts_without_region(data):
    # real: a x2, b, c, d, e, moved = 7 attempts by 6 participants; imported 1000 + 50 + 30 and 600 + 20 + 10
    assert quiz_figures("540000") == (7 + 1080, 6 + 630)


def test_region_subtree(data):
    assert quiz_figures("540100") == (5 + 1000, 4 + 600)   # a x2, b, e, moved; + Lhasa's import
    assert quiz_figures("540102") == (4, 3)                # a x2, b, moved
    assert quiz_figures("540103") == (1, 1)                # e
    assert quiz_figures("542500") == (1 + 30, 1 + 10)      # c; + Gar's import
    assert quiz_figures("542523") == (1 + 30, 1 + 10)


def test_distinct_participants_not_attempts(data):
    single_day = statistics(datetime.date(2024, 6, 30), datetime.date(2024, 6, 30), region("540102"))["outreach"]
    assert (single_day["quiz_attempts"], single_day["quiz_participants"]) == (1, 1)
    january = statistics(datetime.date(2024, 1, 1), datetime.date(2024, 1, 31), region("540000"))["outreach"]
    assert (january["quiz_attempts"], january["quiz_participants"]) == (1, 1)


def test_jindu_stats_reports_them(data):
    out = io.StringIO()
    call_command("stats", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "json", stdout=out)
    outreach = json.loads(out.getvalue())["outreach"]
    assert (outreach["quiz_attempts"], outreach["quiz_participants"]) == (1087, 636)


def test_the_dashboard_figure(data, client, officer):
    client.force_login(officer)
    response = client.get("/reports/dashboard/data/?from=2024-01-01&to=2024-06-30&figure=outreach.quiz_attempts")
    cards = {card["path"]: card for card in response.json()["cards"]}
    assert cards["outreach.quiz_attempts"]["value"] == 1087
