"""The outreach section of the statistics contract (DESIGN.md), computed by hand."""

import io
import json

import pytest
from django.core.management import call_command

from jindu.common.testing import region
from jindu.reports.statistics import compute

from ..selectors import statistics
from . import factories as f

pytestmark = pytest.mark.django_db

D = f.D
START, END = D(2024, 1, 1), D(2024, 6, 30)


@pytest.fixture
def data():
    f.event("540102", D(2024, 1, 1), 100)      # first day: in
    f.event("540102", D(2024, 6, 30), 250)     # last day: in
    f.event("540103", D(2023, 12, 31), 1000)   # the day before: out
    f.event("540103", D(2024, 7, 1), 2000)     # the day after: out
    f.event("542523", D(2024, 3, 15), 40)      # Ngari
    f.event("540000", D(2024, 2, 1), 7)        # recorded at region level: only the root counts it
    f.event("540103", D(2024, 4, 1), 0)        # an event that reached nobody still counts
    contest = f.contest("540000", opens_on=D(2023, 12, 1), closes_on=D(2024, 12, 31))
    f.entry(contest, "540102", D(2024, 6, 30), rank=1, selected=True)    # in, selected
    f.entry(contest, "540102", D(2024, 7, 1), rank=2, selected=True)     # out (after), selected
    f.entry(contest, "542523", D(2024, 1, 1), rank=6)                    # in, not selected
    f.entry(contest, "540103", D(2023, 12, 31), rank=3, selected=True)   # out (before), selected
    f.entry(contest, "540103", D(2024, 5, 5), rank=4, selected=True)     # in, selected
    f.entry(contest, "540103", D(2024, 5, 6))                             # in, not ranked


def figures(code):
    return statistics(START, END, region(code))["outreach"]


def test_whole_region(data):
    assert figures("540000") == {"events": 5, "people_reached": 397, "quiz_attempts": 0, "quiz_participants": 0,
                                 "videos_submitted": 4, "videos_selected": 2}


def test_region_subtree(data):
    assert figures("540100") == {"events": 3, "people_reached": 350, "quiz_attempts": 0, "quiz_participants": 0,
                                 "videos_submitted": 3, "videos_selected": 2}
    assert figures("540102") == {"events": 2, "people_reached": 350, "quiz_attempts": 0, "quiz_participants": 0,
                                 "videos_submitted": 1, "videos_selected": 1}
    assert figures("542500") == {"events": 1, "people_reached": 40, "quiz_attempts": 0, "quiz_participants": 0,
                                 "videos_submitted": 1, "videos_selected": 0}
    assert figures("540200") == {"events": 0, "people_reached": 0, "quiz_attempts": 0, "quiz_participants": 0,
                                 "videos_submitted": 0, "videos_selected": 0}


def test_single_day_period(data):
    one_day = statistics(D(2024, 6, 30), D(2024, 6, 30), region("540000"))["outreach"]
    assert (one_day["events"], one_day["people_reached"], one_day["videos_submitted"], one_day["videos_selected"]) \
        == (1, 250, 1, 1)


def test_the_engine_and_the_command_use_it(data):
    assert compute("2024-01-01", "2024-06-30", "540000")["outreach"]["people_reached"] == 397
    out = io.StringIO()
    call_command("stats", "--from", "2024-01-01", "--to", "2024-06-30", "--region", "540100", "--format", "json",
                 stdout=out)
    assert json.loads(out.getvalue())["outreach"]["events"] == 3


def test_empty_database_gives_zeros():
    assert figures("540000") == {"events": 0, "people_reached": 0, "quiz_attempts": 0, "quiz_participants": 0,
                                 "videos_submitted": 0, "videos_selected": 0}
