"""The security mechanisms as the enforcement records adopt them (docs/security.md "Adoption"):
another county's record answers 404 on every page and endpoint; voiding needs a reason and restores;
an API update needs the version it edited (409 stale, 428 none); a retried creation with the same
Idempotency-Key writes one row; identity numbers and narratives are encrypted at rest and found by
keyed hash; school, company and community-worker roles receive no ID number, phone or narrative."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from jindu.common.importing import SYSTEM
from jindu.common.testing import create_user

from .. import selectors, services
from ..models import Case, Eradication, Fugitive, Interception, Seizure, Suspect, id_hash_of
from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"

MAKERS = {
    Case: lambda code: f.case(code),
    Suspect: lambda code: f.suspect(f.case(code), id_number=f.id_number()),
    Seizure: lambda code: f.seizure(f.case(code)),
    Fugitive: lambda code: f.fugitive(code, id_number=f.id_number()),
    Eradication: lambda code: f.eradication(code),
    Interception: lambda code: f.interception(code, checkpoint=f.checkpoint("检查站" + code, code)),
}
API_PATHS = {
    Case: "cases",
    Suspect: "suspects",
    Seizure: "seizures",
    Fugitive: "fugitives",
    Eradication: "eradications",
    Interception: "interceptions",
}


def send(client, method, url, data):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda model: model.__name__)
def test_another_countys_record_is_404_on_every_page_and_endpoint(client, county_officer, model):
    other = MAKERS[model]("542523")
    name = model._meta.model_name
    before = (other.version, other.last_updated)
    client.force_login(county_officer)
    for url_name in (name, f"{name}_edit", f"{name}_delete"):
        url = reverse(f"cases:{url_name}", args=[other.pk])
        assert client.get(url).status_code == 404, url_name
        if url_name != name:  # the detail page answers GET only
            assert client.post(url, {"reason": "x", "version": other.version}).status_code == 404, url_name
    api = f"{API}/{API_PATHS[model]}/{other.pk}"
    assert client.get(api).status_code == 404
    assert send(client, "put", api, {"version": other.version}).status_code in (404, 422)
    assert send(client, "delete", api, {"reason": "x", "version": other.version}).status_code == 404
    if model is Case:
        assert (
            client.post(
                reverse("cases:case_status", args=[other.pk]), {"status": "solved", "changed_on": "2024-05-01"}
            ).status_code
            == 404
        )
    services.record_delete(actor=SYSTEM, instance=other, reason="测试")
    voided = client.get(reverse(f"cases:{name}_voided"))
    assert voided.status_code == 200 and str(other) not in voided.content.decode()
    assert client.post(reverse(f"cases:{name}_restore", args=[other.pk]), {"reason": "x"}).status_code == 404
    other = model.all_objects.get(pk=other.pk)
    assert other.voided and other.version == before[0] + 1  # only the system's void touched it


def test_api_update_needs_the_version_it_edited(client, county_officer):
    case = f.case("540102")
    client.force_login(county_officer)
    data = {
        "case_no": case.case_no,
        "region_code": "540102",
        "filed_on": "2024-04-08",
        "case_type": "criminal",
        "offence": "smuggling",
    }
    url = f"{API}/cases/{case.pk}"
    assert send(client, "put", url, data).status_code == 428
    response = send(client, "put", url, {**data, "version": case.version})
    assert response.status_code == 200 and response.json()["version"] == case.version + 1
    response = send(client, "put", url, {**data, "offence": "transport", "version": case.version})
    assert response.status_code == 409 and response.json()["current_version"] == case.version + 1
    response = client.put(
        url,
        data=json.dumps({**data, "offence": "transport"}),
        content_type="application/json",
        HTTP_IF_MATCH=str(case.version + 1),
    )
    assert response.status_code == 200 and response.json()["offence"] == "transport"
    case.refresh_from_db()
    assert (case.offence, case.version) == ("transport", 3)


def test_api_delete_voids_with_a_reason_and_the_record_no_longer_counts(client, county_officer):
    seizure = f.seizure(f.case("540102"), quantity="2", seized_on="2024-04-08")
    period = (f.day("2024-01-01"), f.day("2024-12-31"))
    assert selectors.statistics(*period, f.region("540000"))["seizures"]["total_grams"] == 2.0
    client.force_login(county_officer)
    url = f"{API}/seizures/{seizure.pk}"
    assert send(client, "delete", url, {"reason": "  "}).status_code == 422
    assert send(client, "delete", url, {"reason": "录入错误", "version": seizure.version + 5}).status_code == 409
    assert send(client, "delete", url, {"reason": "录入错误", "version": seizure.version}).status_code == 204
    assert client.get(url).status_code == 404
    assert selectors.statistics(*period, f.region("540000"))["seizures"]["total_grams"] == 0
    assert Seizure.all_objects.get(pk=seizure.pk).void_reason == "录入错误"


def test_a_retried_case_intake_with_the_same_key_creates_one_case(client, county_officer):
    client.force_login(county_officer)
    body = {
        "case_no": "IDEM-1",
        "region_code": "540102",
        "filed_on": "2024-04-08",
        "case_type": "criminal",
        "offence": "possession",
    }
    first = client.post(
        f"{API}/cases", data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="intake-1"
    )
    again = client.post(
        f"{API}/cases", data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="intake-1"
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Case.objects.filter(case_no="IDEM-1").count() == 1
    other = client.post(
        f"{API}/cases",
        data=json.dumps({**body, "case_no": "IDEM-2"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="intake-1",
    )
    assert other.status_code == 422 and not Case.objects.filter(case_no="IDEM-2").exists()


def test_identity_numbers_and_narratives_are_encrypted_and_found_by_keyed_hash(county_officer):
    number = f.id_number("19880315", "M")
    case = f.case("540102", summary="邮寄三唑仑，嫌疑人电话13908901234")
    suspect = f.suspect(case, "扎西", id_number=number, notes="曾用名扎西次仁")
    fugitive = f.fugitive("540102", id_number=number)
    interception = f.interception("540102", checkpoint=f.checkpoint("东嘎检查站", "540102"), id_number=number)
    with connection.cursor() as cursor:
        stored = []
        for table, columns in (
            ("cases_case", "summary"),
            ("cases_suspect", "id_number, notes"),
            ("cases_identity", "id_number"),
            ("cases_fugitive", "id_number"),
            ("cases_interception", "id_number"),
        ):
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 (fixed names)
            stored += [value for row in cursor.fetchall() for value in row]
    dump = "\n".join(str(value) for value in stored)
    for clear in (number, "三唑仑", "13908901234", "扎西次仁"):
        assert clear not in dump, clear
    assert suspect.identity.id_hash == suspect.id_hash == id_hash_of(number.lower()) != ""
    assert list(selectors.suspects_with_id_number(county_officer, number)) == [suspect]
    assert list(selectors.interceptions_with_id_number(county_officer, number)) == [interception]
    assert Fugitive.objects.filter(id_hash=id_hash_of(number)).get() == fugitive
    assert Case.objects.get(pk=case.pk).summary.startswith("邮寄三唑仑")
    with pytest.raises(ValidationError):  # the unique constraint works on the hash
        f.suspect(case, "扎西", id_number=number)


def test_searching_an_identity_number_uses_the_hash(client, county_officer):
    number = f.id_number("19750101", "F")
    suspect = f.suspect(f.case("540102"), "卓玛", id_number=number)
    f.suspect(f.case("540102"), "卓玛")
    client.force_login(county_officer)
    items = client.get(f"{API}/suspects", {"q": number.lower()}).json()["items"]
    assert [item["id"] for item in items] == [suspect.pk]
    assert client.get(f"{API}/identities", {"q": number}).json()["count"] == 1


# --- Field rules: the restricted roles receive no identity number, phone or case narrative ----------------------

ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)
PHONE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
NARRATIVE = "案情叙述"
RESTRICTED = ["school_reporter", "company_reporter", "community_worker"]


@pytest.fixture
def seeded():
    number = f.id_number("19880315", "M")
    case = f.case("540102", summary=NARRATIVE + "，联系电话13908901234，证件" + number)
    records = {
        "case": case,
        "suspect": f.suspect(case, "扎西", id_number=number, arrested_on="2024-04-08"),
        "seizure": f.seizure(case),
        "fugitive": f.fugitive("540102", id_number=number),
        "eradication": f.eradication("540102"),
        "interception": f.interception("540102", checkpoint=f.checkpoint("东嘎检查站", "540102"), id_number=number),
        "operation": services.operation_create(actor=SYSTEM, data={"name": "清源断流"}),
    }
    records["identity"] = records["suspect"].identity
    return records


def urls(records):
    result = []
    for name, obj in records.items():
        result += [reverse(f"cases:{name}_list"), obj.get_absolute_url()]
        plural = "identities" if name == "identity" else name + "s"
        result += [f"{API}/{plural}", f"{API}/{plural}/{obj.pk}"]
    for dataset in ("cases", "suspects", "seizures", "fugitives", "eradications", "interceptions"):
        result.append(f"/data/{dataset}/export/?format=csv")
    return result


def scan(client, paths):
    found, server_errors = [], 0
    for path in paths:
        response = client.get(path)
        server_errors += response.status_code >= 500
        if response.status_code == 200:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            found += [(path, match) for match in ID_RE.findall(text) + PHONE_RE.findall(text)]
            found += [(path, NARRATIVE)] if NARRATIVE in text else []
    return found, server_errors


@pytest.mark.parametrize("role", RESTRICTED)
def test_restricted_roles_receive_no_id_number_phone_or_narrative(client, seeded, role):
    client.force_login(create_user("leak_" + role, [role], "540102"))
    found, server_errors = scan(client, urls(seeded))
    assert found == [] and server_errors == 0


def test_field_rules_strip_pages_api_and_exports_for_a_reader_without_the_categories(
    client, seeded, county_officer, settings
):
    """No role today reads cases without identity and case data; a setting that names a permission nobody
    holds makes the county officer such a reader: the same crawl then finds nothing, yet lists still answer."""
    settings.JINDU_FIELD_CATEGORY_PERMISSION = "core.nobody_reads_{category}_data"
    client.force_login(county_officer)
    found, server_errors = scan(client, urls(seeded))
    assert found == [] and server_errors == 0
    body = client.get(f"{API}/suspects/{seeded['suspect'].pk}").json()
    assert body["name"] == "扎西" and "id_number" not in body and "notes" not in body
    assert "summary" not in client.get(f"{API}/cases/{seeded['case'].pk}").json()


def test_the_scan_finds_them_for_an_officer(client, seeded, county_officer):
    """Positive control: the same crawl as a county officer does find the numbers and the narrative."""
    client.force_login(county_officer)
    found, server_errors = scan(client, urls(seeded))
    matches = {match for _, match in found}
    assert NARRATIVE in matches and any(ID_RE.fullmatch(match) for match in matches) and server_errors == 0
