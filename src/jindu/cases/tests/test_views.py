"""Pages: access rules per record type (other county -> 404 on page and API), the case page with its
suspects, seizures, agencies and status history, the forms, and the list page's query count."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jindu.common.testing import ScopedModelViewTests, create_user, region
from jindu.core.models import AuditLog, Organisation

from ..models import Case, Eradication, Fugitive, Identity, Interception, Seizure, Suspect
from . import factories as f

pytestmark = pytest.mark.django_db


class TestCaseAccess(ScopedModelViewTests):
    model = Case
    api_url = "/api/v1/cases/cases"

    def make_object(self, region_code):
        return f.case(region_code)


class TestSuspectAccess(ScopedModelViewTests):
    model = Suspect
    api_url = "/api/v1/cases/suspects"

    def make_object(self, region_code):
        return f.suspect(f.case(region_code), id_number=f.id_number())


class TestIdentityAccess(ScopedModelViewTests):
    model = Identity
    api_url = "/api/v1/cases/identities"

    def make_object(self, region_code):
        return f.suspect(f.case(region_code), id_number=f.id_number()).identity


class TestSeizureAccess(ScopedModelViewTests):
    model = Seizure
    api_url = "/api/v1/cases/seizures"

    def make_object(self, region_code):
        return f.seizure(f.case(region_code))


class TestFugitiveAccess(ScopedModelViewTests):
    model = Fugitive
    api_url = "/api/v1/cases/fugitives"

    def make_object(self, region_code):
        return f.fugitive(region_code, id_number=f.id_number())


class TestEradicationAccess(ScopedModelViewTests):
    model = Eradication
    api_url = "/api/v1/cases/eradications"

    def make_object(self, region_code):
        return f.eradication(region_code)


class TestInterceptionAccess(ScopedModelViewTests):
    model = Interception
    api_url = "/api/v1/cases/interceptions"

    def make_object(self, region_code):
        return f.interception(region_code, checkpoint=f.checkpoint("检查站" + region_code, region_code))


@pytest.fixture
def joint_case():
    agencies = [
        Organisation.objects.create(name="自治区公安厅禁毒总队", kind="public_security", region=region("540000")),
        Organisation.objects.create(name="拉萨海关缉私局", kind="customs", region=region("540100")),
        Organisation.objects.create(name="拉萨市公安局禁毒支队", kind="public_security", region=region("540100")),
    ]
    case = f.case("540102", "2024-04-08", "criminal", "smuggling", channel="postal", notable=True,
                  agencies=agencies, summary="邮寄三唑仑")
    f.suspect(case, "扎西", arrested_on="2024-04-08", id_number=f.id_number("19900101", "M"))
    f.suspect(case, "卓玛", arrested_on="2024-04-08", id_number=f.id_number("19920202", "F"))
    f.seizure(case, "triazolam", "10", "tablet", "2024-04-08", evidence_no="W-TRZ-1")
    f.seizure(case, "heroin", "0.002", "kg", "2024-04-08", evidence_no="W-HER-1")
    f.seizure(case, "heroin", "0.5", "g", "2024-04-09", evidence_no="W-HER-2")
    return case


def test_case_page_shows_suspects_seizures_agencies_and_status_history(client, county_officer, joint_case):
    client.force_login(county_officer)
    response = client.get(joint_case.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("自治区公安厅禁毒总队", "拉萨海关缉私局", "拉萨市公安局禁毒支队", "扎西", "卓玛", "W-TRZ-1",
                 "2.5 g", "10 tablets", "Status history"):
        assert text in html, text
    suspect = joint_case.suspects.get(name="扎西")
    assert suspect.id_number not in html  # masked on the page
    assert suspect.id_number[:3] + "*" in html


def test_status_change_from_the_case_page_keeps_a_dated_history(client, county_officer, joint_case):
    client.force_login(county_officer)
    url = reverse("cases:case_status", args=[joint_case.pk])
    response = client.post(url, {"status": "solved", "changed_on": "2024-04-20", "note": "破案"})
    assert response.status_code == 302
    response = client.post(url, {"status": "prosecution", "changed_on": "2024-04-10"})  # before the last change
    assert response.status_code == 400
    assert "before the last status change" in response.content.decode()
    joint_case.refresh_from_db()
    assert joint_case.status == "solved"
    assert [(c.status, c.changed_on.isoformat()) for c in joint_case.status_changes.all()] == [
        ("open", "2024-04-08"), ("solved", "2024-04-20")]
    entry = AuditLog.objects.filter(action="cases.case.updated", object_id=str(joint_case.pk)).latest("seq")
    assert (entry.before["status"], entry.after["status"], entry.extra["changed"]) == ("open", "solved", ["status"])


def test_status_change_of_other_county_case_is_404(client, other_county_officer, joint_case):
    client.force_login(other_county_officer)
    response = client.post(reverse("cases:case_status", args=[joint_case.pk]),
                           {"status": "solved", "changed_on": "2024-04-20"})
    assert response.status_code == 404


def test_identity_page_lists_every_case_of_the_person(client, county_officer):
    number = f.id_number("19850505", "M")
    first = f.suspect(f.case("540102", "2023-03-01"), "次仁", id_number=number)
    second = f.suspect(f.case("540102", "2024-02-01"), "次仁", id_number=number)
    f.suspect(f.case("542523", "2024-05-01"), "次仁", id_number=number)  # another county
    assert first.identity_id == second.identity_id
    client.force_login(county_officer)
    html = client.get(reverse("cases:identity", args=[first.identity_id])).content.decode()
    assert first.case.case_no in html and second.case.case_no in html
    assert "1 more record outside your region" in html
    assert AuditLog.objects.filter(action="cases.identity.viewed", actor=county_officer).exists()


def test_suspect_page_is_audited_and_masks_the_id(client, county_officer, joint_case):
    suspect = joint_case.suspects.first()
    client.force_login(county_officer)
    html = client.get(suspect.get_absolute_url()).content.decode()
    assert suspect.id_number not in html
    assert AuditLog.objects.filter(action="cases.suspect.viewed", object_id=str(suspect.pk)).count() == 1


def test_create_case_then_suspect_and_seizure_through_the_forms(client, county_officer):
    agency = Organisation.objects.create(name="城关区公安分局", kind="police_unit", region=region("540102"))
    client.force_login(county_officer)
    response = client.post(reverse("cases:case_add"), {
        "case_no": "A-FORM-1", "region": region("540102").pk, "filed_on": "2024-05-01", "case_type": "criminal",
        "offence": "possession", "channel": "road", "agencies": [agency.pk], "summary": "路面查获"})
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get(case_no="A-FORM-1")
    assert case.status == "open" and list(case.agencies.all()) == [agency]
    assert client.get(reverse("cases:suspect_add") + f"?case={case.pk}").status_code == 200
    number = f.id_number("19950315", "F")
    response = client.post(reverse("cases:suspect_add"), {
        "case": "A-FORM-1", "name": "央金", "id_number": number.lower(), "nationality": "cn",
        "arrested_on": "2024-05-01"})
    assert response.status_code == 302, response.content.decode()
    suspect = case.suspects.get()
    assert (suspect.sex, suspect.birth_date.isoformat(), suspect.nationality) == ("F", "1995-03-15", "CN")
    response = client.post(reverse("cases:seizure_add"), {
        "evidence_no": "W-FORM-1", "case": "A-FORM-1", "drug": f.Drug.objects.get(code="heroin").pk,
        "quantity": "3.25", "unit": "g", "seized_on": "2024-05-01"})
    assert response.status_code == 302, response.content.decode()


def test_forms_say_what_is_wrong(client, county_officer):
    case = f.case("540102")
    client.force_login(county_officer)
    bad_id = f.id_number("19950315", "F")[:-1] + ("0" if f.id_number("19950315", "F")[-1] != "0" else "1")
    response = client.post(reverse("cases:suspect_add"), {
        "case": case.case_no, "name": "某", "id_number": bad_id, "nationality": "CN"})
    assert response.status_code == 200 and "check character is wrong" in response.content.decode()
    response = client.post(reverse("cases:suspect_add"), {
        "case": "NO-SUCH-CASE", "name": "某", "nationality": "CN"})
    assert "no case with this number in your region" in response.content.decode()
    response = client.post(reverse("cases:suspect_add"), {
        "case": case.case_no, "name": "某", "nationality": "NP", "id_number": f.id_number()})
    assert "foreign national has no Chinese identity number" in response.content.decode()
    response = client.post(reverse("cases:seizure_add"), {
        "evidence_no": "W-BAD", "case": case.case_no, "drug": f.Drug.objects.get(code="heroin").pk,
        "quantity": "0", "unit": "g", "seized_on": "2024-05-01"})
    assert "greater than 0" in response.content.decode()
    response = client.post(reverse("cases:eradication_add"), {
        "ref": "E-BAD", "region": region("540102").pk, "found_on": "2024-05-01", "species": "cannabis",
        "plants": "5", "latitude": "95", "longitude": "85"})
    assert "between -90 and 90" in response.content.decode()
    response = client.post(reverse("cases:eradication_add"), {
        "ref": "E-BAD", "region": region("540102").pk, "found_on": "2024-05-01", "species": "cannabis",
        "plants": "5", "latitude": "29.6"})
    assert "both latitude and longitude" in response.content.decode()


def test_county_officer_cannot_file_a_case_in_another_county(client, county_officer):
    client.force_login(county_officer)
    response = client.post(reverse("cases:case_add"), {
        "case_no": "A-X", "region": region("542523").pk, "filed_on": "2024-05-01", "case_type": "criminal",
        "offence": "possession"})
    assert response.status_code == 200
    assert not Case.objects.filter(case_no="A-X").exists()


def test_list_pages_filter_by_region_period_type_drug_agency_and_operation(client, officer, joint_case):
    operation = f.services.operation_create(actor=f.SYSTEM, data={"name": "集群打零"})
    other = f.case("540234", "2024-02-01", "administrative", "drug_use", operation=operation)
    client.force_login(officer)
    url = reverse("cases:case_list")

    def listed(**params):
        html = client.get(url, params).content.decode()
        return {case.case_no for case in (joint_case, other) if case.case_no in html}

    assert listed() == {joint_case.case_no, other.case_no}
    assert listed(region="540100") == {joint_case.case_no}
    assert listed(date_from="2024-04-08", date_to="2024-04-08") == {joint_case.case_no}
    assert listed(case_type="administrative") == {other.case_no}
    assert listed(drug="triazolam") == {joint_case.case_no}
    assert listed(agency="海关") == {joint_case.case_no}
    assert listed(operation="集群打零") == {other.case_no}
    assert listed(q=joint_case.case_no[-5:]) == {joint_case.case_no}  # a part of the number
    assert listed(q="邮寄三唑") == set()  # the summary is stored encrypted: not searched
    assert listed(q="a540") == {joint_case.case_no, other.case_no}
    for name in ("suspect", "seizure", "fugitive", "eradication", "interception", "identity", "operation"):
        assert client.get(reverse(f"cases:{name}_list"), {"q": "x"}).status_code == 200


def test_case_list_query_count_is_pinned(client, officer, django_assert_max_num_queries):
    operation = f.services.operation_create(actor=f.SYSTEM, data={"name": "清源断流"})
    for index in range(30):
        f.case("540102" if index % 2 else "540234", operation=operation)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200


def test_delete_of_a_suspect_voids_it_with_a_reason_and_restore_brings_it_back(client, county_officer):
    suspect = f.suspect(f.case("540102"), id_number=f.id_number())
    identity_pk = suspect.identity_id
    client.force_login(county_officer)
    response = client.post(reverse("cases:suspect_delete", args=[suspect.pk]), {"version": suspect.version})
    assert response.status_code == 400 and Suspect.objects.filter(pk=suspect.pk).exists()  # no reason
    response = client.post(reverse("cases:suspect_delete", args=[suspect.pk]),
                           {"reason": "重复录入", "version": suspect.version})
    assert response.status_code == 302
    assert not Suspect.objects.filter(pk=suspect.pk).exists() and Suspect.all_objects.get(pk=suspect.pk).voided
    assert client.get(suspect.get_absolute_url()).status_code == 404
    assert not Identity.objects.restrict(county_officer).filter(pk=identity_pk).exists()  # no live record
    voided = client.get(reverse("cases:suspect_voided")).content.decode()
    assert suspect.name in voided and "重复录入" in voided
    response = client.post(reverse("cases:suspect_restore", args=[suspect.pk]), {"reason": "误删"})
    assert response.status_code == 302 and Suspect.objects.filter(pk=suspect.pk).exists()
    assert Identity.objects.restrict(county_officer).filter(pk=identity_pk).exists()
    assert AuditLog.objects.filter(action="cases.suspect.voided", object_id=str(suspect.pk)).exists()
    assert AuditLog.objects.filter(action="cases.suspect.restored", object_id=str(suspect.pk)).exists()


def test_case_with_suspects_is_not_voided(client, county_officer, joint_case):
    client.force_login(county_officer)
    response = client.post(reverse("cases:case_delete", args=[joint_case.pk]),
                           {"reason": "错案", "version": joint_case.version})
    assert response.status_code == 400 and "void them first" in response.content.decode()
    assert Case.objects.filter(pk=joint_case.pk).exists()


def test_a_voided_case_is_not_counted_and_its_number_stays_taken(client, county_officer):
    from ..selectors import statistics

    case = f.case("540102", "2024-03-01")
    period = (f.day("2024-01-01"), f.day("2024-12-31"))
    assert statistics(*period, f.region("540000"))["cases"]["total"] == 1
    client.force_login(county_officer)
    response = client.post(reverse("cases:case_delete", args=[case.pk]), {"reason": "错案", "version": case.version})
    assert response.status_code == 302
    assert statistics(*period, f.region("540000"))["cases"]["total"] == 0
    assert "Voided: " + case.case_no in client.get(reverse("cases:case_list")).content.decode()  # the message
    assert case.case_no not in client.get(reverse("cases:case_list")).content.decode()
    with pytest.raises(ValidationError):
        f.case("540102", case_no=case.case_no)


def test_a_stale_edit_form_is_refused_with_409(client, county_officer):
    case = f.case("540102", summary="旧")
    client.force_login(county_officer)
    data = {"case_no": case.case_no, "region": case.region_id, "filed_on": "2024-04-08", "case_type": "criminal",
            "offence": "trafficking", "summary": "新", "version": case.version}
    assert client.post(reverse("cases:case_edit", args=[case.pk]), data).status_code == 302
    data["summary"] = "更新的"
    response = client.post(reverse("cases:case_edit", args=[case.pk]), data)  # the same, now old, version
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.summary == "新" and case.version == 2


def test_menu_shows_the_enforcement_group(client, county_officer):
    client.force_login(county_officer)
    html = client.get(reverse("home")).content.decode()
    assert reverse("cases:case_list") in html and reverse("cases:interception_list") in html


def test_leader_reads_but_cannot_add(client):
    leader = create_user("leader", ["leader"], "540000")
    client.force_login(leader)
    assert client.get(reverse("cases:case_list")).status_code == 200
    assert client.get(reverse("cases:case_add")).status_code == 403


def test_suspects_and_seizures_follow_their_case_to_another_region(officer):
    case = f.case("540102")
    suspect = f.suspect(case, arrested_on="2024-04-08")
    seizure = f.seizure(case, "heroin", "2", "g", "2024-04-08")
    assert (suspect.region.code, seizure.region.code) == ("540102", "540102")
    f.services.case_update(actor=officer, instance=case, data={"region": region("540234")})
    suspect.refresh_from_db()
    seizure.refresh_from_db()
    assert (suspect.region.code, seizure.region.code) == ("540234", "540234")
    other = f.case("542523")
    f.services.seizure_update(actor=officer, instance=seizure, data={"case": other})
    seizure.refresh_from_db()
    assert seizure.region.code == "542523"
    from jindu.reports.statistics import compute

    assert compute("2024-04-08", "2024-04-08", "542500")["seizures"]["total_grams"] == 2.0
    assert compute("2024-04-08", "2024-04-08", "540200")["suspects_arrested"] == 1


@pytest.fixture
def many_records():
    operation = f.services.operation_create(actor=f.SYSTEM, data={"name": "清源断流"})
    for index in range(12):
        case = f.case("540102" if index % 2 else "540234", operation=operation)
        f.suspect(case, arrested_on="2024-04-08", id_number=f.id_number(serial=index))
        f.seizure(case, "heroin", "1.5", "g")
        f.fugitive("540102", captured_on="2024-03-01", capturing_unit=f.checkpoint())
        f.eradication("540234", case=case)
        f.interception("540602")


@pytest.mark.parametrize("name", ["case", "suspect", "identity", "seizure", "fugitive", "eradication",
                                  "interception", "operation"])
def test_list_pages_query_counts_are_pinned(client, officer, many_records, name, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"cases:{name}_list"))
    assert response.status_code == 200


def test_case_page_query_count_is_pinned(client, officer, joint_case, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(25):
        response = client.get(joint_case.get_absolute_url())
    assert response.status_code == 200
