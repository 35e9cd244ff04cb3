"""The platform's security mechanisms as the persons app adopts them: soft delete (void, restore), versions
(409/428), the sealed drug-use violation record (art. 136), Idempotency-Key on creation, field rules in the API,
and 404 for another county's record on every record view."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from freezegun import freeze_time

from jindu.common.testing import ScopedModelViewTests, create_user, region
from jindu.core.models import AuditLog
from jindu.persons import selectors, services
from jindu.persons.models import (
    Alert,
    Contact,
    DrivingCheck,
    DrugTest,
    Handover,
    LicenceCertificate,
    Person,
    RiskAssessment,
    Violation,
)

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def violation(person, executed_on=None, **fields):
    return Violation.objects.create(
        person=person,
        decision_no=fields.pop("decision_no", f"拉公(治)决字{person.pk}号"),
        committed_on=D(2025, 3, 1),
        decided_on=D(2025, 3, 2),
        punishment="detention",
        detention_days=10,
        executed_on=executed_on,
        **fields,
    )


class TestViolationAccess(ScopedModelViewTests):
    model = Violation
    api_url = "/api/v1/persons/violations"

    def make_object(self, region_code):
        return violation(f.person(region_code))


# --- soft delete and versions ------------------------------------------------------------------------------


def test_voiding_a_person_needs_a_reason_hides_and_restores(client, county_officer):
    person = f.person()
    client.force_login(county_officer)
    url = reverse("persons:person_delete", args=[person.pk])
    assert client.post(url, {"reason": "", "version": person.version}).status_code == 400
    assert Person.objects.filter(pk=person.pk).exists()
    assert client.post(url, {"reason": "重复登记", "version": person.version}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert client.get(reverse("persons:person", args=[person.pk])).status_code == 404
    assert selectors.person_by_id_number(person.id_number) is None  # a voided person is not found by a check
    assert person.pk in [p.pk for p in client.get(reverse("persons:person_voided")).context["rows"]]
    entry = AuditLog.objects.get(action="persons.person.voided")
    assert entry.extra["reason"] == "重复登记"
    response = client.post(reverse("persons:person_restore", args=[person.pk]), {"reason": "误删"})
    assert response.status_code == 302 and Person.objects.get(pk=person.pk).version == 3


def test_a_voided_test_no_longer_counts(county_officer):
    person = f.person()
    f.episode(person, "community_detox", D(2024, 1, 1))
    test = f.test(person, D(2024, 2, 1))
    services.record_delete(actor=county_officer, instance=test, reason="录入错误")
    assert selectors.statistics(D(2024, 1, 1), D(2024, 6, 30), region("540000"))["persons"]["tested"] == 0
    with pytest.raises(ValidationError):
        services.record_delete(actor=county_officer, instance=f.test(person, D(2024, 3, 1)), reason=" ")


def test_two_edits_from_the_same_version_one_wins(client, county_officer):
    person = f.person()
    client.force_login(county_officer)
    url = reverse("persons:person_edit", args=[person.pk])
    data = {
        "id_number": "",
        "nationality": "CN",
        "name": person.name,
        "region": region("540102").pk,
        "registered_on": "2023-01-01",
        "status": "active",
        "relapse_count": 0,
        "version": person.version,
    }
    assert client.post(url, {**data, "relapse_count": 1}).status_code == 302
    response = client.post(url, {**data, "relapse_count": 2})
    assert response.status_code == 409
    person.refresh_from_db()
    assert person.relapse_count == 1 and person.version == 2


def test_api_update_needs_the_version_and_delete_needs_a_reason(client, county_officer):
    person = f.person()
    client.force_login(county_officer)
    url = f"/api/v1/persons/persons/{person.pk}"
    body = {"name": "扎西", "region_code": "540102", "registered_on": "2023-01-01"}
    assert client.put(url, body, content_type="application/json").status_code == 428
    response = client.put(url, {**body, "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert client.put(url, {**body, "name": "多吉", "version": 1}, content_type="application/json").status_code == 409
    assert client.delete(url, {"reason": ""}, content_type="application/json").status_code == 422
    assert client.delete(url, {"reason": "重复登记"}, content_type="application/json").status_code == 204
    assert client.get(url).status_code == 404


def test_drug_test_creation_is_idempotent(client, county_officer):
    person = f.person()
    client.force_login(county_officer)
    body = {"person_id": person.pk, "tested_on": "2024-05-01", "method": "urine", "result": "negative"}
    first = client.post(
        "/api/v1/persons/drug-tests", body, content_type="application/json", headers={"Idempotency-Key": "t-1"}
    )
    again = client.post(
        "/api/v1/persons/drug-tests", body, content_type="application/json", headers={"Idempotency-Key": "t-1"}
    )
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json() and DrugTest.objects.filter(person=person).count() == 1
    other = client.post(
        "/api/v1/persons/drug-tests",
        {**body, "tested_on": "2024-05-02"},
        content_type="application/json",
        headers={"Idempotency-Key": "t-1"},
    )
    assert other.status_code == 422


def test_api_output_follows_the_field_rules(client, county_officer):
    worker = create_user("worker", ["community_worker"], "540102")
    person = f.person()
    f.episode(person, "community_detox", D(2024, 1, 1), community_worker=worker)
    client.force_login(county_officer)
    assert client.get(f"/api/v1/persons/persons/{person.pk}").json()["id_number"] == person.id_masked
    client.force_login(worker)
    data = client.get(f"/api/v1/persons/persons/{person.pk}").json()
    assert data["id"] == person.pk and "id_number" not in data


# --- sealed violation records --------------------------------------------------------------------------------


@freeze_time("2026-03-01")
def test_seal_records_seals_violations_once_carried_out(county_officer, settings):
    carried_out, running = violation(f.person(), D(2026, 2, 20)), violation(f.person(), None)
    settings.JINDU_VIOLATION_SEAL_AFTER_DAYS = 30
    out = io.StringIO()
    call_command("seal_records", stdout=out)
    assert "persons.Violation: 0 sealed" in out.getvalue()  # 9 days after: not yet under a 30-day rule
    settings.JINDU_VIOLATION_SEAL_AFTER_DAYS = 0
    call_command("seal_records", stdout=out)
    assert Violation.all_objects.get(pk=carried_out.pk).sealed and not Violation.all_objects.get(pk=running.pk).sealed
    assert list(Violation.objects.all()) == [running]


def test_a_sealed_violation_is_not_found_and_opens_only_with_reason_and_case_number(client, county_officer):
    sealed_person, other_person = f.person(), f.person()
    record = services.violation_create(
        actor=county_officer,
        data={
            "person": sealed_person,
            "decision_no": "拉公(治)决字〔2025〕1号",
            "committed_on": D(2025, 3, 1),
            "decided_on": D(2025, 3, 2),
            "punishment": "detention",
            "detention_days": 10,
            "executed_on": D(2025, 3, 12),
        },
    )
    assert Violation.all_objects.get(pk=record.pk).sealed  # carried out already: sealed at once
    violation(other_person)
    client.force_login(county_officer)
    listed = [
        row.record.pk for row in client.get(reverse("persons:person_list"), {"violation": "true"}).context["table"].page
    ]
    assert listed == [other_person.pk]  # the person whose only violation is sealed is not found
    assert client.get(reverse("persons:violation", args=[record.pk])).status_code == 404
    assert client.get(f"/api/v1/persons/violations/{record.pk}").status_code == 404
    assert record.pk not in [item["id"] for item in client.get("/api/v1/persons/violations").json()["items"]]
    url = reverse("persons:violation_sealed", args=[record.pk])
    assert client.post(url, {"reason": "办案需要", "case_number": ""}).status_code == 400
    response = client.post(url, {"reason": "办案需要", "case_number": "拉公刑〔2026〕12号"})
    assert response.status_code == 200 and response.context["sealed_opened"]
    entry = AuditLog.objects.get(action="persons.violation.sealed_opened")
    assert entry.extra == {"reason": "办案需要", "case_number": "拉公刑〔2026〕12号"}


def test_roles_without_case_handling_cannot_open_a_sealed_violation(client, county_officer):
    record = violation(f.person(), D(2025, 3, 12))
    call_command("seal_records", stdout=io.StringIO())
    for role in ("leader", "community_worker", "traffic_police"):
        user = create_user("u_" + role, [role], "540102")
        client.force_login(user)
        response = client.post(
            reverse("persons:violation_sealed", args=[record.pk]),
            {"reason": "查看", "case_number": "拉公刑〔2026〕12号"},
        )
        assert response.status_code == 404, role
    other = create_user("other_officer", ["county_officer"], "542523")
    client.force_login(other)
    assert client.get(reverse("persons:violation_sealed", args=[record.pk])).status_code == 404


# --- another county's record: 404 on every record view ----------------------------------------------------------


def _records(region_code):
    person = f.person(region_code, phone="13812345678")
    isolation = f.episode(person, "compulsory_isolation", D(2022, 1, 1), D(2024, 1, 1))
    return {
        "person": person,
        "episode": isolation,
        "handover": Handover.objects.create(
            person=person,
            episode=isolation,
            released_on=D(2024, 1, 1),
            deadline=D(2024, 1, 16),
            agreement="persons/agreements/x.pdf",
        ),
        "drugtest": f.test(person, D(2024, 2, 1)),
        "contact": Contact.objects.create(person=person, contacted_on=D(2024, 2, 1), kind="visit"),
        "riskassessment": RiskAssessment.objects.create(
            person=person, assessed_on=D(2024, 2, 1), score=10, level="low", factors=[], next_due=D(2024, 8, 1)
        ),
        "alert": Alert.objects.create(
            key="k" + region_code, person=person, kind="positive_test", raised_on=D(2024, 2, 1)
        ),
        "violation": violation(person),
        "drivingcheck": DrivingCheck.objects.create(
            id_hash="x",
            id_masked="540***********0011",
            reason="roadside",
            region=region(region_code),
            registered=False,
            under_measure=False,
        ),
        "licencecertificate": LicenceCertificate.objects.create(
            number="JD54-2024-" + region_code,
            verification_code="ABCD2345",
            id_number=f.make_id(),
            id_hash="h",
            id_masked="540***********0011",
            applicant_name="扎西",
            requesting_unit="交警支队",
            result="not_involved",
            region=region(region_code),
            issued_on=D(2024, 3, 1),
        ),
    }


def _record_routes():
    """(url name, model name) of every persons page that takes a record's pk."""
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "persons":
            for entry in pattern.url_patterns:
                if isinstance(entry, URLPattern) and "<int:pk>" in str(entry.pattern):
                    yield entry.name, entry.name.split("_")[0]


def test_every_record_view_answers_404_for_another_county(client, county_officer):
    records = _records("542523")
    voided = _records("540121")  # another county too: its rows voided, for the restore views
    for obj in voided.values():
        if hasattr(obj, "voided"):
            type(obj).all_objects.filter(pk=obj.pk).update(voided=True)
    sealed = violation(f.person("542523"), decision_no="sealed-1")
    Violation.all_objects.filter(pk=sealed.pk).update(sealed=True)
    client.force_login(county_officer)
    routes = list(_record_routes())
    assert len(routes) >= 30
    for name, model in routes:
        if model == "testschedule":
            continue  # test schedules are rules of the whole office, not records of a region
        obj = sealed if name == "violation_sealed" else voided[model] if name.endswith("_restore") else records[model]
        url = reverse(f"persons:{name}", args=[obj.pk])
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {"reason": "核查需要", "case_number": "拉公刑〔2026〕12号"})
        assert response.status_code == 404, (name, response.status_code)
    paths = {
        "persons": "person",
        "episodes": "episode",
        "handovers": "handover",
        "drug-tests": "drugtest",
        "assessments": "riskassessment",
        "alerts": "alert",
        "violations": "violation",
        "contacts": "contact",
    }
    for path, model in paths.items():
        pk = records[model].pk
        if path != "contacts":
            assert client.get(f"/api/v1/persons/{path}/{pk}").status_code == 404, path
        if path != "alerts":
            response = client.delete(
                f"/api/v1/persons/{path}/{pk}", json.dumps({"reason": "核查"}), content_type="application/json"
            )
            assert response.status_code == 404, path


def test_the_person_page_lists_open_violations_but_not_sealed_ones(client, county_officer):
    person = f.person()
    open_one = violation(person, decision_no="拉公(治)决字〔2026〕7号")
    sealed_one = violation(person, D(2025, 3, 12), decision_no="拉公(治)决字〔2025〕3号")
    call_command("seal_records", stdout=io.StringIO())
    client.force_login(county_officer)
    html = client.get(reverse("persons:person", args=[person.pk])).content.decode()
    assert open_one.decision_no in html and sealed_one.decision_no not in html
    worker = create_user("worker_v", ["community_worker"], "540102")
    f.episode(person, "community_detox", D(2024, 1, 1), community_worker=worker)
    client.force_login(worker)
    assert open_one.decision_no not in client.get(reverse("persons:person", args=[person.pk])).content.decode()
