"""The dashboard's open-alerts panel: read through each app's selectors (the user's scope), limited to the
dashboard's region, each row linking to the list of the same items (whose count is the row's count)."""

import datetime

import pytest
from django.urls import reverse

from jindu.common.testing import create_user, region
from jindu.core.models import Organisation
from jindu.persons.models import Alert
from jindu.persons.tests.factories import person
from jindu.precursors.models import Inspection, ReconciliationFlag
from jindu.precursors.tests.factories import make_unit, substance
from jindu.reports.selectors import open_alerts
from jindu.supervision.models import Task

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2024, 1, 1)


def office(code):
    return Organisation.objects.get_or_create(
        name=f"禁毒办{code}", defaults={"kind": "ncc_office", "region": region(code)}
    )[0]


def make_alerts(code, n):
    """In county ``code``: loss-of-contact alerts (``n`` open, one acknowledged, one resolved), one open
    reconciliation flag, one overdue rectification and one overdue task."""
    someone = person(code)
    for index in range(n):
        Alert.objects.create(key=f"nc-{code}-{index}", person=someone, kind="no_contact", raised_on=LONG_AGO)
    Alert.objects.create(key=f"ack-{code}", person=someone, kind="no_contact", raised_on=LONG_AGO, state="acknowledged")
    Alert.objects.create(key=f"done-{code}", person=someone, kind="test_overdue", raised_on=LONG_AGO, state="resolved")
    unit = make_unit(code, n=int(code[-2:]))
    ReconciliationFlag.objects.create(
        unit=unit, substance=substance(), rule="reconciliation", month=LONG_AGO, month_end=datetime.date(2024, 1, 31)
    )
    Inspection.objects.create(
        ref=f"I-{code}",
        unit=unit,
        date=LONG_AGO,
        rectification_required=True,
        rectification_deadline=datetime.date(2024, 2, 1),
    )
    Task.objects.create(
        title=f"任务{code}",
        issuer=office(code),
        assignee=office(code),
        region=region(code),
        start_on=LONG_AGO,
        deadline=datetime.date(2024, 3, 1),
    )


def rows_by_app(rows):
    result = {}
    for row in rows:
        result.setdefault(row["app"], []).append(row)
    return result


def test_open_alerts_of_each_app_with_links_that_count_the_same(client, officer):
    make_alerts("540102", 2)
    make_alerts("542523", 1)  # another prefecture
    client.force_login(officer)
    rows = open_alerts(officer, region("540000"))
    apps = rows_by_app(rows)
    assert set(apps) == {"persons", "precursors", "supervision"}
    no_contact = [row for row in apps["persons"] if "open" in row["url"] and "no_contact" in row["url"]]
    assert [row["count"] for row in no_contact] == [3]  # resolved alerts are not open work
    assert sum(row["count"] for row in apps["persons"]) == 5
    for row in rows:  # every row's list counts what the row says
        response = client.get(row["url"])
        assert response.status_code == 200, row["url"]
        assert response.context["table"].paginator.count == row["count"], row
    # The dashboard's region narrows the panel: Lhasa's county alone.
    lhasa = open_alerts(officer, region("540100"))
    assert sum(row["count"] for row in lhasa if row["app"] == "persons") == 3
    assert sum(row["count"] for row in lhasa if row["app"] == "supervision") == 1


def test_open_alerts_stay_in_the_users_scope(client):
    make_alerts("540102", 1)
    make_alerts("542523", 4)
    county = create_user("cg", ["county_officer"], "540102")
    rows = open_alerts(county, region("540102"))
    assert sum(row["count"] for row in rows if row["app"] == "persons") == 2
    assert all("region=540102" in row["url"] for row in rows)
    client.force_login(county)
    data = client.get(reverse("reports:dashboard_data"), {"from": "2024-01-01", "to": "2024-06-30"}).json()
    assert sum(row["count"] for row in data["alerts"]) == sum(row["count"] for row in rows) == 5


def test_no_alerts_where_the_user_may_not_see_the_lists():
    make_alerts("540102", 1)
    worker = create_user("cw", ["company_reporter"], "540102")  # precursor reports only
    apps = {row["app"] for row in open_alerts(worker, region("540102"))}
    assert "persons" not in apps and "supervision" not in apps
