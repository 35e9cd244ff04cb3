"""The REST API: list with the list page's filters, detail, create, update, status change; 404 out of
scope; 422 on validation errors; the endpoints are in the OpenAPI schema; bad input never answers 500."""

import json

import pytest

from jindu.common.testing import region
from jindu.core.models import AuditLog, Organisation

from ..models import Case, Suspect
from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"


def post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_create_case_suspects_seizure_through_the_api(client, county_officer):
    agency = Organisation.objects.create(name="拉萨市公安局禁毒支队", kind="public_security", region=region("540100"))
    client.force_login(county_officer)
    response = post(client, API + "/cases", {
        "case_no": "API-1", "region_code": "540102", "filed_on": "2024-04-08", "case_type": "criminal",
        "offence": "smuggling", "channel": "postal", "agency_ids": [agency.pk], "notable": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agencies"] == ["拉萨市公安局禁毒支队"] and body["status"] == "open"
    assert body["status_history"] == [{"status": "open", "changed_on": "2024-04-08", "note": ""}]
    number = f.id_number("19900101", "M")
    response = post(client, API + "/suspects", {"case_no": "API-1", "name": "扎西", "id_number": number,
                                                "arrested_on": "2024-04-08"})
    assert response.status_code == 201, response.content
    assert response.json()["sex"] == "M" and response.json()["birth_date"] == "1990-01-01"
    response = post(client, API + "/seizures", {"evidence_no": "API-W1", "case_no": "API-1", "drug": "triazolam",
                                                "quantity": 10, "unit": "tablet", "seized_on": "2024-04-08"})
    assert response.status_code == 201, response.content
    response = post(client, API + "/cases/{}/status".format(body["id"]),
                    {"status": "solved", "changed_on": "2024-04-09"})
    assert response.status_code == 200 and response.json()["status"] == "solved"
    entry = AuditLog.objects.filter(action="cases.case.created").latest("seq")
    assert entry.actor_id == county_officer.pk and entry.source == "api"


def test_list_uses_the_filters_of_the_list_page(client, officer):
    inside = f.case("540102", "2024-01-01", offence="smuggling")
    f.case("540102", "2023-12-31")
    f.case("540234", "2024-03-01")
    client.force_login(officer)
    items = client.get(API + "/cases", {"region": "540100", "date_from": "2024-01-01"}).json()["items"]
    assert [item["case_no"] for item in items] == [inside.case_no]
    assert client.get(API + "/cases", {"offence": "smuggling"}).json()["count"] == 1
    assert client.get(API + "/cases", {"date_from": "not-a-date"}).status_code == 422


def test_validation_errors_are_422_with_the_field(client, county_officer):
    case = f.case("540102")
    client.force_login(county_officer)
    response = post(client, API + "/seizures", {"evidence_no": "X1", "case_no": case.case_no, "drug": "heroin",
                                                "quantity": 0, "unit": "g", "seized_on": "2024-04-08"})
    assert response.status_code == 422
    response = post(client, API + "/seizures", {"evidence_no": "X1", "case_no": case.case_no, "drug": "nodrug",
                                                "quantity": 1, "unit": "g", "seized_on": "2024-04-08"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "drug"]
    response = post(client, API + "/suspects", {"case_no": case.case_no, "name": "外籍", "nationality": "NP",
                                                "id_number": f.id_number()})
    assert response.status_code == 422
    response = post(client, API + "/suspects", {"case_no": case.case_no, "name": "某", "sex": "F",
                                                "id_number": f.id_number(sex="M")})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "sex"]
    response = post(client, API + f"/cases/{case.pk}/status", {"status": "open", "changed_on": "2024-04-09"})
    assert response.status_code == 422
    response = post(client, API + "/eradications", {"ref": "E1", "region_code": "540102", "found_on": "2024-04-08",
                                                    "species": "poppy", "plants": 5, "latitude": 29.6})
    assert response.status_code == 422
    checkpoint_like = Organisation.objects.create(name="城关区禁毒办", kind="ncc_office", region=region("540102"))
    response = post(client, API + "/interceptions", {"ref": "J1", "checkpoint_id": checkpoint_like.pk,
                                                     "region_code": "540102", "on": "2024-04-08",
                                                     "finding": "drug_user"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "checkpoint"]


def test_other_county_is_404_for_update_and_403_for_create(client, county_officer):
    other = f.case("542523")
    client.force_login(county_officer)
    data = {"case_no": other.case_no, "region_code": "540102", "filed_on": "2024-04-08", "case_type": "criminal",
            "offence": "other"}
    assert post(client, API + f"/cases/{other.pk}", data, "put").status_code == 404
    assert post(client, API + f"/cases/{other.pk}/status",
                {"status": "solved", "changed_on": "2024-04-09"}).status_code == 404
    response = post(client, API + "/cases", {**data, "case_no": "OUT-1", "region_code": "542523"})
    assert response.status_code == 403 and not Case.objects.filter(case_no="OUT-1").exists()
    response = post(client, API + "/suspects", {"case_no": other.case_no, "name": "某"})
    assert response.status_code == 422  # the case does not exist for this user
    own = f.case("540102")
    response = post(client, API + f"/cases/{own.pk}", {**data, "case_no": own.case_no, "version": own.version,
                                                               "region_code": "542523"}, "put")
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.region.code == "540102"


def test_reading_a_suspect_is_audited(client, county_officer):
    suspect = f.suspect(f.case("540102"), id_number=f.id_number())
    client.force_login(county_officer)
    response = client.get(API + f"/suspects/{suspect.pk}")
    assert response.status_code == 200 and response.json()["id_number"] == suspect.id_number
    assert AuditLog.objects.filter(action="cases.suspect.viewed", object_id=str(suspect.pk)).exists()


def test_identity_detail_holds_only_records_in_scope(client, county_officer):
    number = f.id_number()
    own = f.suspect(f.case("540102"), "次仁", id_number=number)
    f.suspect(f.case("542523"), "次仁", id_number=number)
    client.force_login(county_officer)
    body = client.get(API + f"/identities/{own.identity_id}").json()
    assert [row["id"] for row in body["suspects"]] == [own.pk] and body["records_outside_scope"] == 1
    assert Suspect.objects.filter(identity_id=own.identity_id).count() == 2


def test_openapi_schema_holds_the_endpoints(client, officer):
    client.force_login(officer)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for name in ("cases", "suspects", "seizures", "fugitives", "eradications", "interceptions", "identities",
                 "operations"):
        assert API + "/" + name in paths and API + "/" + name + "/{pk}" in paths
    assert "post" in paths[API + "/cases"] and "put" in paths[API + "/cases/{pk}"]
    assert API + "/cases/{pk}/status" in paths


BAD_VALUES = [None, "", "x" * 300, -1, 0, 1e30, "2024-02-30", [], {}, True, "' OR 1=1 --", "５４０１０２"]


def _example(schema, components):
    """A valid-looking body for a request schema: every field filled with something plausible."""
    if "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    body = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type") or (prop.get("anyOf") or [{}])[0].get("type")
        if "enum" in prop:
            body[name] = prop["enum"][0]
        elif prop.get("format") == "date" or any(p.get("format") == "date" for p in prop.get("anyOf", [])):
            body[name] = "2024-04-08"
        elif kind == "integer":
            body[name] = 1
        elif kind in ("number", "string") and name in ("quantity", "area_m2", "latitude", "longitude"):
            body[name] = 1
        elif kind == "boolean":
            body[name] = False
        elif kind == "array":
            body[name] = []
        else:
            body[name] = "540102" if name.endswith("region_code") else "A"
    return body


def test_fuzzed_requests_never_answer_500(client, county_officer):
    """A small schema-driven fuzz (schemathesis is not installed): each write endpoint, each field set
    to hostile values; each list endpoint with hostile filters. Nothing may answer 5xx."""
    case = f.case("540102")
    f.suspect(case, id_number=f.id_number())
    client.force_login(county_officer)
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    checked = 0
    for path, operations in schema["paths"].items():
        if not path.startswith(API):
            continue
        concrete = path.replace("{pk}", str(case.pk))
        for method, operation in operations.items():
            if method == "get":
                for param in operation.get("parameters", []):
                    for value in BAD_VALUES:
                        response = client.get(concrete, {param["name"]: json.dumps(value)})
                        assert response.status_code < 500, (path, param["name"], value)
                        checked += 1
                continue
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            base = _example(request_schema, components)
            for name in base:
                for value in BAD_VALUES:
                    response = post(client, concrete, {**base, name: value}, method)
                    assert response.status_code < 500, (method, path, name, value, response.content[:300])
                    checked += 1
            response = post(client, concrete, base, method)
            assert response.status_code < 500, (method, path, base)
    assert checked > 500


def test_huge_numbers_in_filters_and_pages_are_422_not_500(client, officer):
    """Found by schemathesis: limits, offsets and ids beyond the database's integers."""
    f.seizure(f.case("540102"))
    client.force_login(officer)
    assert client.get(API + "/seizures", {"case": "31582458666893156934541047505478483968"}).status_code == 422
    assert client.get(API + "/identities", {"limit": "9867706312881440760528896"}).status_code == 422
    assert client.get(API + "/fugitives", {"offset": "4207085981"}).status_code == 422
    assert client.get(API + "/cases", {"agency": "99999999999999999999999"}).status_code == 200
    assert client.get(API + "/cases", {"limit": 1000}).status_code == 200
