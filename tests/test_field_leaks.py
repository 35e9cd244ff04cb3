"""Field-level rules: school, company and community roles receive no full ID number and no phone number, in
pages, the API or exports (security requirement 10). Core for now; each domain app adds its pages."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jindu.common.testing import create_user, region
from jindu.core.models import Organisation

pytestmark = pytest.mark.django_db

ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                   r"(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
RESTRICTED = ["school_reporter", "company_reporter", "community_worker"]
PREFIXES = ("core/", "data/", "api/v1/core/")


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def urls(org, user):
    """Every GET URL of the core app, the data exchange and the core API, with real ids."""
    result = ["/", "/api/v1/core/organisations", "/api/v1/core/regions", "/data/organisations/export/?format=csv"]
    for route in _routes(get_resolver()):
        if not route.startswith(PREFIXES):
            continue
        path = "/" + route.replace("<int:pk>", str(org.pk if "organisation" in route else user.pk))
        path = path.replace("<slug:dataset>", "organisations").replace("<str:code>", "540102")
        path = re.sub(r"\{pk\}", str(org.pk), path)
        if "<" not in path and path not in result:
            result.append(path)
    return result


@pytest.fixture
def seeded(db):
    """An organisation whose contact details and notes hold a mobile number and an ID number."""
    return Organisation.objects.create(
        name="城关区某社区居委会", kind="community", region=region("540102"), phone="13908901234",
        address="城关区八廓街 3 号", notes="联系人身份证 540102198803150017，电话 13989012345")


def scan(client, paths):
    found, scanned, server_errors = [], 0, 0
    for path in paths:
        response = client.get(path)
        scanned += 1
        server_errors += response.status_code >= 500
        if response.status_code == 200:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            found += [(path, match) for match in ID_RE.findall(text) + PHONE_RE.findall(text)]
    return found, scanned, server_errors


@pytest.mark.parametrize("role", RESTRICTED)
def test_restricted_roles_receive_no_id_or_phone_number(client, seeded, role, security_figures):
    user = create_user("leak_" + role, [role], "540102")
    client.force_login(user)
    found, scanned, server_errors = scan(client, urls(seeded, user))
    assert found == [], found
    assert server_errors == 0
    figures = security_figures.setdefault("full_id_or_phone_numbers_leaked_to_restricted_roles_core", {})
    figures[role] = {"responses_scanned": scanned, "matches": len(found)}


def test_the_scan_finds_them_for_an_officer(client, seeded, county_officer):
    """The positive control: the same crawl as an officer does find the numbers (the test can see a leak)."""
    client.force_login(county_officer)
    found, _, _ = scan(client, urls(seeded, county_officer))
    assert any(match == "13908901234" for _, match in found)
    assert any(match == "540102198803150017" for _, match in found)
