"""The outreach part of the seed scenario: the figures of the source document, and idempotent."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from jindu.common.testing import region
from jindu.core.models import AuditLog

from .. import demo, selectors
from ..models import (
    Campaign,
    ContestEntry,
    Event,
    ModelSchoolApplication,
    ReviewJudge,
    School,
    SchoolActivity,
    VideoContest,
)

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (
        Campaign, Event, School, SchoolActivity, ModelSchoolApplication, ContestEntry)}


def test_demo_reproduces_the_report_and_is_idempotent(client, officer, county_officer):
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
    # The reviewers of the paper sheets are on the panel, each assigned the applications they scored.
    review = ReviewJudge.objects.filter(review__name=demo.REVIEW)
    assert sorted(review.values_list("name", flat=True)) == sorted(demo.REVIEWERS)
    assert {judge.applications.count() for judge in review} == {len(demo.APPLICATIONS)}
    # Every entry of the contest (videos sent by mail) has a small generated title card, not a broken player.
    posters = list(ContestEntry.objects.filter(contest=contest).values_list("poster", flat=True))
    assert len(posters) == 38 and all(posters)
    with default_storage.open(posters[0]) as handle:
        data = handle.read()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) < 4096
    before, audit_rows = counts(), AuditLog.objects.count()
    demo.load()
    assert counts() == before and AuditLog.objects.count() == audit_rows
    assert list(ContestEntry.objects.filter(contest=contest).values_list("poster", flat=True)) == posters
    # The title card is served to those who see the entry, and to nobody else.
    entry = ContestEntry.objects.exclude(region__code="540102").first()
    client.force_login(officer)
    response = client.get(reverse("outreach:contestentry_poster", args=[entry.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    page = client.get(reverse("outreach:contestentry", args=[entry.pk])).content.decode()
    assert reverse("outreach:contestentry_poster", args=[entry.pk]) in page
    client.force_login(county_officer)
    assert client.get(reverse("outreach:contestentry_poster", args=[entry.pk])).status_code == 404
