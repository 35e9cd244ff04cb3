"""The leak crawl of tests/test_field_leaks.py over the persons pages, API and exports: the school, company,
community-worker and traffic-police roles receive no full identity or phone number (security requirement 10)."""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jindu.common.testing import create_user, region
from jindu.persons.models import Contact, DrivingCheck, Handover, LicenceCertificate, RiskAssessment, Violation

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)
PHONE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
RESTRICTED = ["school_reporter", "company_reporter", "community_worker", "traffic_police"]
NUMBER, PHONE = "54010219900315043X", "13812345678"


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


@pytest.fixture
def seeded(db):
    """One person with every kind of record, assigned to the community worker, plus a check and a certificate."""
    worker = create_user("leak_community_worker", ["community_worker"], "540102")
    person = f.person(id_number=NUMBER, phone=PHONE, address="城关区八廓街 3 号")
    isolation = f.episode(person, "compulsory_isolation", D(2022, 1, 1), D(2024, 1, 1))
    f.episode(person, "community_detox", D(2024, 1, 2), community_worker=worker)
    records = {
        "person": person,
        "episode": isolation,
        "drugtest": f.test(person, D(2024, 2, 1)),
        "handover": Handover.objects.create(
            person=person,
            episode=isolation,
            released_on=D(2024, 1, 1),
            deadline=D(2024, 1, 16),
            community_worker=worker,
        ),
        "contact": Contact.objects.create(person=person, contacted_on=D(2024, 2, 1), kind="visit"),
        "riskassessment": RiskAssessment.objects.create(
            person=person, assessed_on=D(2024, 2, 1), score=10, level="low", factors=[], next_due=D(2024, 8, 1)
        ),
        "violation": Violation.objects.create(
            person=person,
            decision_no="拉公(治)决字1号",
            committed_on=D(2025, 3, 1),
            decided_on=D(2025, 3, 2),
            punishment="fine",
        ),
        "drivingcheck": DrivingCheck.objects.create(
            id_hash="x",
            id_masked="540***********043X",
            reason="路面查控",
            region=region("540102"),
            registered=True,
            under_measure=True,
        ),
        "licencecertificate": LicenceCertificate.objects.create(
            number="JD54-2024-000001",
            verification_code="ABCD2345",
            id_number=NUMBER,
            id_hash="h",
            id_masked="540***********043X",
            applicant_name="次仁",
            requesting_unit="交警支队",
            result="involved",
            region=region("540102"),
            issued_on=D(2024, 3, 1),
        ),
    }
    return worker, records


def urls(records):
    """Every GET URL of the persons pages and API with real ids, and the persons exports."""
    result = [
        "/data/persons/export/?format=csv",
        "/data/persons/export/?format=csv&identities=full&reason=%E9%87%8D%E6%96%B0%E5%AF%BC%E5%85%A5",
        "/data/episodes/export/?format=csv",
        "/data/drug_tests/export/?format=csv",
    ]
    api_models = {
        "persons": "person",
        "episodes": "episode",
        "handovers": "handover",
        "drug-tests": "drugtest",
        "assessments": "riskassessment",
        "violations": "violation",
    }
    for route in _routes(get_resolver()):
        if route.startswith("persons/") and "<int:pk>" in route:
            model = route.split("/")[1]
            key = {
                "people": "person",
                "measures": "episode",
                "handovers": "handover",
                "tests": "drugtest",
                "contacts": "contact",
                "assessments": "riskassessment",
                "violations": "violation",
                "driving-checks": "drivingcheck",
                "certificates": "licencecertificate",
            }.get(model)
            if key:
                result.append("/" + route.replace("<int:pk>", str(records[key].pk)))
        elif route.startswith("persons/") and "<" not in route:
            result.append("/" + route)
        elif route.startswith("api/v1/persons/"):
            path = route[len("api/v1/persons/") :]
            name = path.split("/")[0]
            if "{pk}" in path and name in api_models:
                result.append("/" + route.replace("{pk}", str(records[api_models[name]].pk)))
            elif "{" not in path:
                result.append("/" + route)
    return list(dict.fromkeys(result))


def scan(client, paths):
    found, scanned, server_errors = [], 0, []
    for path in paths:
        response = client.get(path)
        scanned += 1
        if response.status_code >= 500:
            server_errors.append(path)
        if response.status_code == 200:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            found += [(path, match) for match in ID_RE.findall(text) + PHONE_RE.findall(text)]
    return found, scanned, server_errors


@pytest.mark.parametrize("role", RESTRICTED)
def test_restricted_roles_receive_no_id_or_phone_number_from_persons(client, seeded, role):
    worker, records = seeded
    user = worker if role == "community_worker" else create_user("leak_" + role, [role], "540102")
    client.force_login(user)
    paths = urls(records)
    assert len(paths) > 40
    found, scanned, server_errors = scan(client, paths)
    assert found == [], found
    assert server_errors == []


def test_the_crawl_finds_them_for_an_officer(client, seeded, county_officer):
    """The positive control: the officer's export carries the full numbers, so the crawl can see a leak."""
    _worker, records = seeded
    client.force_login(county_officer)
    found, _, server_errors = scan(client, urls(records))
    assert server_errors == []
    assert any(match == NUMBER for _, match in found)
