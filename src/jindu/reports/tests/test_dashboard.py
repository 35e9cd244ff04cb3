import pytest
from django.urls import reverse

from jindu.common.testing import create_user

pytestmark = pytest.mark.django_db


def test_officer_home_is_the_dashboard(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"), {"date_from": "2024-01-01", "date_to": "2024-06-30"})
    assert response.status_code == 200
    assert "reports/dashboard.html" in [t.name for t in response.templates]


def test_administrators_get_the_welcome_page(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("home"))
    assert "core/home.html" in [t.name for t in response.templates]


def test_dashboard_data_for_the_prefectures(client, officer):
    client.force_login(officer)
    data = client.get(reverse("reports:dashboard_data"), {"from": "2024-01-01", "to": "2024-06-30"}).json()
    assert data["region"]["code"] == "540000"
    assert [c["code"] for c in data["children"]] == ["540100", "540200", "540300", "540400", "540500", "540600",
                                                      "542500"]
    assert data["trend"]["months"] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert {c["path"] for c in data["cards"]} >= {"cases.total", "persons.test_rate", "outreach.quiz_attempts"}


def test_dashboard_data_respects_scope(client):
    county = create_user("cg", ["county_officer"], "540102")
    client.force_login(county)
    ok = client.get(reverse("reports:dashboard_data"), {"from": "2024-01-01", "to": "2024-06-30"})
    assert ok.status_code == 200 and ok.json()["region"]["code"] == "540102"
    other = client.get(reverse("reports:dashboard_data"), {"from": "2024-01-01", "to": "2024-06-30",
                                                           "region": "540000"})
    assert other.status_code == 404


def test_dashboard_data_refuses_bad_dates(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reports:dashboard_data"), {"from": "2024-07-01", "to": "2024-06-30"}).status_code == 400


def test_stats_api(client, officer):
    assert client.get("/api/v1/stats", {"from": "2024-01-01", "to": "2024-06-30"}).status_code == 401
    client.force_login(officer)
    response = client.get("/api/v1/stats", {"from": "2024-01-01", "to": "2024-06-30", "region": "540100"})
    assert response.status_code == 200 and response.json()["region"] == "540100"
    assert client.get("/api/v1/stats", {"from": "x", "to": "2024-06-30"}).status_code == 400


def test_stats_api_out_of_scope_is_404(client):
    client.force_login(create_user("cg", ["county_officer"], "540102"))
    assert client.get("/api/v1/stats", {"from": "2024-01-01", "to": "2024-06-30", "region": "540100"}).status_code \
        == 404
