"""Region scope on every record type: own county 200, other county 404 (page and API), lists clean; the
records without pages of their own (criteria, judges, reviewers, photos, voided rows) answer 404 too."""

import pytest

from jindu.common.testing import ScopedModelViewTests

from ..models import (
    BaseInspection,
    BaseUpgrade,
    BaseVisit,
    Campaign,
    ContestEntry,
    EducationBase,
    Event,
    ModelSchoolApplication,
    ModelSchoolReview,
    School,
    SchoolActivity,
    VideoContest,
)
from . import factories as f

pytestmark = pytest.mark.django_db


class TestCampaignAccess(ScopedModelViewTests):
    model = Campaign
    api_url = "/api/v1/outreach/campaigns"

    def make_object(self, region_code):
        return f.campaign(region_code)


class TestEventAccess(ScopedModelViewTests):
    model = Event
    api_url = "/api/v1/outreach/events"

    def make_object(self, region_code):
        return f.event(region_code)


class TestSchoolAccess(ScopedModelViewTests):
    model = School
    api_url = "/api/v1/outreach/schools"

    def make_object(self, region_code):
        return f.school(region_code)


class TestSchoolActivityAccess(ScopedModelViewTests):
    model = SchoolActivity
    api_url = "/api/v1/outreach/school-activities"

    def make_object(self, region_code):
        return f.activity(f.school(region_code))


class TestEducationBaseAccess(ScopedModelViewTests):
    model = EducationBase
    api_url = "/api/v1/outreach/bases"

    def make_object(self, region_code):
        return f.base(region_code)


class TestBaseUpgradeAccess(ScopedModelViewTests):
    model = BaseUpgrade
    api_url = "/api/v1/outreach/base-upgrades"

    def make_object(self, region_code):
        return f.upgrade(f.base(region_code))


class TestBaseVisitAccess(ScopedModelViewTests):
    model = BaseVisit
    api_url = "/api/v1/outreach/base-visits"

    def make_object(self, region_code):
        return f.visit(f.base(region_code))


class TestBaseInspectionAccess(ScopedModelViewTests):
    model = BaseInspection
    api_url = "/api/v1/outreach/inspections"

    def make_object(self, region_code):
        return f.inspection(f.base(region_code))


class TestModelSchoolReviewAccess(ScopedModelViewTests):
    model = ModelSchoolReview
    api_url = "/api/v1/outreach/reviews"

    def make_object(self, region_code):
        return f.review(region_code)


class TestModelSchoolApplicationAccess(ScopedModelViewTests):
    model = ModelSchoolApplication
    api_url = "/api/v1/outreach/applications"

    def make_object(self, region_code):
        return f.application(f.review("540000"), f.school(region_code))


class TestVideoContestAccess(ScopedModelViewTests):
    model = VideoContest
    api_url = "/api/v1/outreach/contests"

    def make_object(self, region_code):
        return f.contest(region_code)


class TestContestEntryAccess(ScopedModelViewTests):
    model = ContestEntry
    api_url = "/api/v1/outreach/entries"

    def make_object(self, region_code):
        return f.entry(f.contest("540000"), region_code)


def _parts(region_code):
    """One of each record without a page of its own, in ``region_code``."""
    from ..models import EventPhoto, ReviewJudge

    review = f.review(region_code)
    contest = f.contest(region_code)
    event = f.event(region_code)
    photo = EventPhoto.objects.create(event=event, file="outreach/photos/x.png", content_type="image/png")
    voided = f.event(region_code, voided=True, void_reason="重复")
    return {
        "reviewcriterion": review.criteria.first(), "contestcriterion": contest.criteria.first(),
        "contestjudge": f.judge(contest), "reviewjudge": ReviewJudge.objects.create(review=review, name="评审"),
        "eventphoto": photo, "voided": voided, "entry": f.entry(contest, region_code),
    }


def test_records_without_pages_of_their_own_answer_404_to_another_county(client, county_officer):
    from django.urls import reverse

    other = _parts("542523")
    own = _parts("540102")
    client.force_login(county_officer)
    urls = {
        "reviewcriterion_edit": "reviewcriterion", "reviewcriterion_delete": "reviewcriterion",
        "contestcriterion_edit": "contestcriterion", "contestcriterion_delete": "contestcriterion",
        "contestjudge_delete": "contestjudge", "reviewjudge_delete": "reviewjudge", "reviewjudge_assign": "reviewjudge",
        "eventphoto": "eventphoto", "eventphoto_delete": "eventphoto", "event_restore": "voided",
        "contestentry_video": "entry", "contestentry_poster": "entry",
    }
    for name, key in urls.items():
        method = client.post if name.endswith(("_delete", "_restore")) else client.get
        assert method(reverse(f"outreach:{name}", args=[other[key].pk])).status_code == 404, name
    assert client.get(reverse("outreach:reviewcriterion_edit", args=[own["reviewcriterion"].pk])).status_code == 200
    voided_page = client.get(reverse("outreach:event_voided")).content.decode()
    assert own["voided"].ref in voided_page and other["voided"].ref not in voided_page
