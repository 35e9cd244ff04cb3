"""The outreach part of the seed scenario: the figures of the source document, and idempotent."""

import pytest

from jindu.common.testing import region
from jindu.core.models import AuditLog

from .. import demo, selectors
from ..models import Campaign, ContestEntry, Event, ModelSchoolApplication, School, SchoolActivity, VideoContest

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (
        Campaign, Event, School, SchoolActivity, ModelSchoolApplication, ContestEntry)}


def test_demo_reproduces_the_report_and_is_idempotent():
    demo.load()
    figures = selectors.statistics(demo.D(2024, 1, 1), demo.D(2024, 6, 30), region("540000"))["outreach"]
    assert figures["videos_submitted"] == 38 and figures["videos_selected"] == 10
    assert figures["quiz_attempts"] == 690_000 and figures["quiz_participants"] == 431_250
    assert figures["events"] == Event.objects.count()
    spring = Campaign.objects.get(name=demo.SPRING)
    assert (spring.end_on - spring.start_on).days + 1 == 40
    assert Event.objects.filter(campaign=spring, kind="transport_hub").count() >= 20
    chamdo = Event.objects.get(ref="BJ2024-CD01")
    assert "54" in chamdo.outcomes and chamdo.region.code == "540302"
    coverage = selectors.school_coverage(demo.TERM, region("540000"))["total"]
    assert coverage["reached"] == demo.STUDENTS_REACHED  # nearly 120,000 students
    assert (coverage["schools"], coverage["complete"]) == (30, 27)
    contest = VideoContest.objects.get(name=demo.CONTEST)
    assert contest.status == "closed" and contest.judging_closed_at.date() == demo.D(2024, 6, 20)
    assert list(contest.entries.filter(selected=True).values_list("rank", flat=True).order_by("rank")) == list(
        range(1, 11))
    assert ModelSchoolApplication.objects.filter(result="approved").count() == 6
    before, audit_rows = counts(), AuditLog.objects.count()
    demo.load()
    assert counts() == before and AuditLog.objects.count() == audit_rows
