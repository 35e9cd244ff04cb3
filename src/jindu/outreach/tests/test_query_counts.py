"""List pages run a fixed number of queries, however many rows they show (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from . import factories as f

pytestmark = pytest.mark.django_db

MAKERS = {
    "outreach:campaign_list": lambda: f.campaign("540102", lead_unit=f.organisation()),
    "outreach:event_list": lambda: f.event("540102", campaign=f.campaign("540102")),
    "outreach:school_list": lambda: f.school("540102"),
    "outreach:schoolactivity_list": lambda: f.activity(f.school("540102")),
    "outreach:educationbase_list": lambda: f.base("540102"),
    "outreach:baseupgrade_list": lambda: f.upgrade(f.base("540102")),
    "outreach:basevisit_list": lambda: f.visit(f.base("540102")),
    "outreach:baseinspection_list": lambda: f.inspection(f.base("540102")),
    "outreach:modelschoolreview_list": lambda: f.review("540102"),
    "outreach:modelschoolapplication_list": lambda: f.application(f.review("540000"), f.school("540102")),
    "outreach:videocontest_list": lambda: f.contest("540102"),
    "outreach:contestentry_list": lambda: f.entry(f.contest("540000"), "540102", unit=f.organisation()),
}


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_list_query_count_is_pinned(client, officer, name):
    client.force_login(officer)
    url = reverse(name)
    MAKERS[name]()
    few = count(client, url)
    for _ in range(6):
        MAKERS[name]()
    assert count(client, url) == few
