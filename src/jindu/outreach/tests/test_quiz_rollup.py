"""The hourly rollup of a quiz: attempts per hour and region, and participants counted exactly once per hour,
once per day and once per quiz; idempotent; only settled hours; shown in the staff figures."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ..quiz import rollup, selectors
from ..quiz.models import QuizHourlyCount
from . import quiz_factories as qf

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2025, 3, day, hour, minute))


@pytest.fixture
def quiz():
    return qf.quiz(questions=0, per_day=3, total=20, opens=at(1, 8), closes=at(31, 22))


def attempts(quiz):
    """Three participants over two days; two counties; a rejected attempt that does not count."""
    lhasa, other = qf.participant("540102"), qf.participant("540102")
    nyingchi = qf.participant("540402")
    rows = [
        (lhasa, at(3, 9, 5)),
        (lhasa, at(3, 9, 40)),
        (other, at(3, 9, 50)),
        (nyingchi, at(3, 10, 1)),
        (lhasa, at(3, 15, 0)),
        (lhasa, at(4, 9, 10)),
        (nyingchi, at(4, 9, 20)),
    ]
    for participant, finished in rows:
        qf.attempt(quiz, participant, finished_at=finished, score=80)
    qf.attempt(quiz, other, finished_at=at(4, 11), status="rejected")
    # moved to another county on the 4th (the attempt keeps the region of its start)
    qf.attempt(quiz, other, finished_at=at(4, 11, 30), score=40, region_code="540402")
    return lhasa, other, nyingchi


def test_participants_are_counted_once_per_hour_day_and_quiz(quiz):
    attempts(quiz)
    written, counted = rollup.rollup(quiz, now=at(5, 0))
    assert counted == 8 and written == QuizHourlyCount.objects.filter(quiz=quiz).count() == 6
    figures = rollup.figures(quiz)
    hours = {timezone.localtime(hour).strftime("%d %H"): row for hour, row in figures["by_hour"].items()}
    assert hours["03 09"] == {"attempts": 3, "participants": 2}  # lhasa twice in the hour: once
    assert hours["03 10"] == {"attempts": 1, "participants": 1}
    assert hours["04 11"] == {"attempts": 1, "participants": 1}  # the rejected attempt is not counted
    days = {day.day: row for day, row in figures["by_day"].items()}
    assert days[3] == {"attempts": 5, "participants": 3}  # lhasa at 9:05, 9:40 and 15:00: once that day
    assert days[4] == {"attempts": 3, "participants": 3}
    assert figures["participants"] == 3  # the quiz's distinct participants
    nyingchi = QuizHourlyCount.objects.filter(quiz=quiz, region__code="540402")
    assert sum(row.attempts for row in nyingchi) == 3 and sum(row.score_sum for row in nyingchi) == 200


def test_idempotent_and_incremental(quiz):
    attempts(quiz)
    rollup.rollup(quiz, now=at(5, 0))

    def snapshot():
        return sorted(
            QuizHourlyCount.objects.filter(quiz=quiz).values_list(
                "hour", "region_id", "attempts", "participants", "new_today", "new_in_quiz", "score_sum", "passes"
            )
        )

    full = snapshot()
    rollup.rollup(quiz, now=at(5, 0))
    assert snapshot() == full
    rollup.rollup(quiz, since=datetime.date(2025, 3, 4), now=at(5, 0))  # only the 4th again: new_in_quiz still right
    assert snapshot() == full


def test_only_settled_hours_are_rolled_up(quiz):
    lhasa, _other, _nyingchi = attempts(quiz)
    qf.attempt(quiz, lhasa, finished_at=at(4, 23, 59))
    rollup.rollup(quiz, now=at(5, 0, 1))  # 23:00-24:00 ended a minute ago: not settled yet
    assert rollup.figures(quiz)["through"] == at(4, 12)
    rollup.rollup(quiz, now=at(5, 0, 3))
    assert (
        rollup.figures(quiz)["through"] == at(5, 0)
        and rollup.figures(quiz)["by_day"][datetime.date(2025, 3, 4)]["attempts"] == 4
    )


def test_the_command_and_the_staff_figures(quiz, monkeypatch):
    attempts(quiz)
    out = io.StringIO()
    call_command("quiz", "rollup", quiz.code, stdout=out)
    assert f"{quiz.code}: 6 hour rows, 8 attempts" in out.getvalue()
    view = selectors.live_view(quiz)
    assert {row["day"]: row["participants"] for row in view["by_day"]} == {"2025-03-03": 3, "2025-03-04": 3}
    assert {row["hour"]: row["participants"] for row in view["by_hour"]}["2025-03-03 09:00"] == 2
    assert selectors.live_json(view)["by_day"][0] == {"day": "2025-03-03", "attempts": 5, "participants": 3}
