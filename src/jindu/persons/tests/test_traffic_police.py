"""The traffic police / checkpoint role (core.roles TRAFFIC_POLICE): the drug-driving check and licence query
certificates work for it, and it learns only a check's result, never the registry's drug-use details."""

import datetime
import re

import pytest
from django.urls import reverse

from jindu.common.navigation import menu_for
from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog, Organisation
from jindu.persons import services
from jindu.persons.models import DrivingCheck, LicenceCertificate

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
NUMBER = "54010219900315043X"


@pytest.fixture
def unit(db):
    return Organisation.objects.create(name="拉萨市公安局交通警察支队", kind="police_unit", region=region("540100"))


@pytest.fixture
def traffic(unit):
    return create_user("traffic", ["traffic_police"], "540100", organisation=unit)


@pytest.fixture
def registered(db):
    """A registered person under community detox with a positive test, a phone and notes: details the
    traffic police must never see."""
    person = f.person("540102", id_number=NUMBER, phone="13812345678", notes="吸食甲基苯丙胺")
    f.episode(person, "community_detox", D(2024, 1, 1))
    f.test(person, D(2024, 5, 1), result="positive", substance=None, tester="城关区禁毒办")
    return person


def _menu_urls(user):
    return {item.url_name for _group, items in menu_for(user) for item in items}


def test_the_menu_offers_the_check_and_the_certificates_only(traffic):
    urls = _menu_urls(traffic)
    assert {"persons:drivingcheck_add", "persons:drivingcheck_list", "persons:licencecertificate_list"} <= urls
    assert not {u for u in urls if u.startswith("persons:") and "drivingcheck" not in u and "certificate" not in u}


def test_the_check_page_answers_the_result_only_and_is_audited(client, traffic, registered, unit):
    client.force_login(traffic)
    response = client.post(
        reverse("persons:drivingcheck_add"), {"id_number": NUMBER, "reason": "路面查控 藏A12345", "checkpoint": unit.pk}
    )
    assert response.status_code == 200
    check = response.context["check"]
    assert check.registered and check.under_measure and check.last_test_on == D(2024, 5, 1)
    html = response.content.decode()
    for secret in (
        NUMBER,
        "13812345678",
        registered.name,
        "甲基苯丙胺",
        "community detox",
        "社区戒毒",
        "positive",
        "阳性",
        "城关区禁毒办",
        reverse("persons:person", args=[registered.pk]),
    ):
        assert secret not in html, secret
    entry = AuditLog.objects.get(action="persons.person.driving_checked")
    assert entry.actor_id == traffic.pk and entry.extra["reason"] == "路面查控 藏A12345"
    detail = client.get(reverse("persons:drivingcheck", args=[check.pk]))
    assert detail.status_code == 200 and registered.name not in detail.content.decode()
    assert client.get(reverse("persons:drivingcheck_list")).status_code == 200


def test_the_api_check_gives_the_three_facts_and_nothing_else(client, traffic, registered):
    client.force_login(traffic)
    response = client.post(
        "/api/v1/persons/driving-checks", {"id_number": NUMBER, "reason": "路面查控"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id", "id_number", "registered", "under_measure", "last_test_on"}
    assert response.json()["id_number"] != NUMBER


def test_the_registry_stays_closed(client, traffic, registered):
    client.force_login(traffic)
    for name in ("person_list", "episode_list", "drugtest_list", "alert_list", "violation_list"):
        assert client.get(reverse(f"persons:{name}")).status_code == 403, name
    assert client.get(reverse("persons:person", args=[registered.pk])).status_code == 403
    for path in ("persons", "drug-tests", "episodes"):
        response = client.get(f"/api/v1/persons/{path}")
        assert response.status_code == 403 or response.json()["items"] == [], path
    assert client.get(f"/api/v1/persons/persons/{registered.pk}").status_code in (403, 404)


def test_certificates_issue_and_show_the_result_only(client, traffic, registered, unit):
    client.force_login(traffic)
    response = client.get(reverse("persons:licencecertificate_add"))
    assert response.status_code == 200 and response.context["form"].initial.get("requesting_unit") == unit.name
    response = client.post(
        reverse("persons:licencecertificate_add"),
        {"id_number": NUMBER, "applicant_name": "次仁多吉", "purpose": "apply", "requesting_unit": unit.name},
    )
    assert response.status_code == 302
    certificate = LicenceCertificate.objects.get()
    assert certificate.result == "involved" and certificate.issued_by == traffic
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert NUMBER not in html and "13812345678" not in html and "甲基苯丙胺" not in html
    assert client.get(reverse("persons:licencecertificate_pdf", args=[certificate.pk])).status_code == 200


def test_traffic_police_see_their_own_unit_s_checks_only(client, traffic, unit, county_officer):
    services.driving_check(actor=traffic, id_number=f.make_id(), reason="路面查控")
    colleague = create_user("colleague", ["traffic_police"], "540100", organisation=unit)
    services.driving_check(actor=colleague, id_number=f.make_id(), reason="路面查控")
    services.driving_check(actor=county_officer, id_number=f.make_id(), reason="核查户籍")
    mine = set(DrivingCheck.objects.restrict(traffic).values_list("checked_by__username", flat=True))
    assert mine == {"traffic", "colleague"}
    assert "chengguan_officer" in set(
        DrivingCheck.objects.restrict(county_officer).values_list("checked_by__username", flat=True)
    )
    officer_check = DrivingCheck.objects.get(checked_by=county_officer)
    client.force_login(traffic)
    assert client.get(reverse("persons:drivingcheck", args=[officer_check.pk])).status_code == 404
    assert re.search("路面查控", client.get(reverse("persons:drivingcheck_list")).content.decode())


def test_a_look_up_reads_one_row_of_facts_and_decrypts_nothing(traffic, registered, monkeypatch):
    """The hot path (docs/performance.md): the keyed hash answers in one query; the person's encrypted columns
    are never read, and the check with its two audit rows is one insert plus one chain append."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jindu.common import crypto

    traffic.role_codes  # noqa: B018 (the roles are read once per request by the authentication, not by the service)
    decrypted = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: decrypted.append(token) or real(token))
    with CaptureQueriesContext(connection) as queries:
        check = services.driving_check(actor=traffic, id_number=NUMBER, reason="路面查控")
    statements = [
        q["sql"].split()[0].upper()
        for q in queries.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert statements == ["SELECT", "INSERT", "SELECT", "INSERT", "UPDATE"], statements
    assert decrypted == [] and check.registered and check.under_measure
    rows = AuditLog.objects.filter(action__in=["persons.person.driving_checked", "persons.drivingcheck.created"])
    assert rows.count() == 2
    assert rows.get(action="persons.person.driving_checked").object_id == str(registered.pk)
