"""Region scope on every record type: own county 200, other county 404 (page and API), lists clean."""

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

    def make_object(self, region_code):
        return f.upgrade(f.base(region_code))


class TestBaseVisitAccess(ScopedModelViewTests):
    model = BaseVisit

    def make_object(self, region_code):
        return f.visit(f.base(region_code))


class TestBaseInspectionAccess(ScopedModelViewTests):
    model = BaseInspection
    api_url = "/api/v1/outreach/inspections"

    def make_object(self, region_code):
        return f.inspection(f.base(region_code))


class TestModelSchoolReviewAccess(ScopedModelViewTests):
    model = ModelSchoolReview

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
