"""Services: identity matching, ID checks, status history rules, checkpoints, scope, audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jindu.common.importing import SYSTEM
from jindu.common.testing import region
from jindu.core.models import AuditLog, Organisation

from .. import services
from ..models import Identity, Suspect
from . import factories as f

pytestmark = pytest.mark.django_db


def test_one_identity_per_id_number_across_cases():
    number = f.id_number("19851212", "F")
    first = f.suspect(f.case("540102"), "卓玛", id_number=number)
    second = f.suspect(f.case("540234"), "卓玛央金", id_number=number.lower())  # same person, another name
    assert first.identity_id == second.identity_id
    assert second.id_number == number and second.sex == "F" and second.birth_date == datetime.date(1985, 12, 12)
    assert Identity.objects.get(pk=first.identity_id).name == "卓玛"  # the first name recorded stays


def test_foreigners_match_on_nationality_and_passport_or_stay_apart():
    a = f.suspect(f.case("540234"), "RAM", nationality="np", passport_no="pa123")
    b = f.suspect(f.case("540234"), "RAM THAPA", nationality="NP", passport_no="PA123")
    c = f.suspect(f.case("540234"), "RAM", nationality="IN", passport_no="PA123")
    d = f.suspect(f.case("540234"), "RAM", nationality="NP")
    e = f.suspect(f.case("540234"), "RAM", nationality="NP")
    assert a.identity_id == b.identity_id
    assert len({a.identity_id, c.identity_id, d.identity_id, e.identity_id}) == 4
    assert (a.nationality, a.passport_no) == ("NP", "PA123")


def test_identity_rules_of_design():
    case = f.case("540102")
    with pytest.raises(ValidationError) as error:
        f.suspect(case, nationality="NP", id_number=f.id_number())
    assert set(error.value.message_dict) == {"id_number"}
    with pytest.raises(ValidationError) as error:
        f.suspect(case, id_number=f.id_number("19900101", "M"), sex="F", birth_date=datetime.date(1991, 1, 1))
    assert set(error.value.message_dict) == {"sex", "birth_date"}
    with pytest.raises(ValidationError) as error:
        f.suspect(case, id_number="540102199002301234")
    assert set(error.value.message_dict) == {"id_number"}
    retired = f.id_number("19700101", "M", address="542621")  # a retired Nyingchi code: people move, codes change
    assert f.suspect(case, id_number=retired).birth_date == datetime.date(1970, 1, 1)


def test_changing_the_id_moves_the_suspect_to_another_identity_and_drops_the_orphan():
    suspect = f.suspect(f.case("540102"), "次仁", id_number=f.id_number("19800101", "M"))
    old = suspect.identity_id
    new_number = f.id_number("19810202", "F")
    suspect = services.suspect_update(actor=SYSTEM, instance=suspect, data={"id_number": new_number})
    assert suspect.identity_id != old and not Identity.objects.filter(pk=old).exists()
    assert (suspect.sex, suspect.birth_date) == ("F", datetime.date(1981, 2, 2))  # derived from the new number
    assert AuditLog.objects.filter(action="cases.identity.deleted", object_id=str(old)).exists()


def test_a_name_corrected_on_the_only_record_follows_to_the_identity():
    suspect = f.suspect(f.case("540234"), "RAJ", nationality="NP")
    services.suspect_update(actor=SYSTEM, instance=suspect, data={"name": "RAJ KUMAR"})
    assert Identity.objects.get(pk=suspect.identity_id).name == "RAJ KUMAR"


def test_status_history_rules():
    case = f.case("540102", "2024-04-08")
    today = datetime.date.today()
    with pytest.raises(ValidationError) as error:
        services.case_change_status(actor=SYSTEM, case=case, status="solved", changed_on=datetime.date(2024, 4, 7))
    assert "changed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.case_change_status(actor=SYSTEM, case=case, status="solved",
                                    changed_on=today + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.case_change_status(actor=SYSTEM, case=case, status="open", changed_on=datetime.date(2024, 4, 9))
    assert "status" in error.value.message_dict
    case = services.case_change_status(actor=SYSTEM, case=case, status="closed", changed_on=datetime.date(2024, 5, 1))
    case = services.case_change_status(actor=SYSTEM, case=case, status="open", changed_on=datetime.date(2024, 6, 1),
                                       note="重新侦查")
    assert [c.status for c in case.status_changes.all()] == ["open", "closed", "open"]
    services.case_update(actor=SYSTEM, instance=case, data={"filed_on": datetime.date(2024, 4, 1)})
    assert case.status_changes.first().changed_on == datetime.date(2024, 4, 1)


def test_interception_needs_a_checkpoint():
    office = Organisation.objects.create(name="色尼区禁毒办", kind="ncc_office", region=region("540602"))
    with pytest.raises(ValidationError) as error:
        f.interception(checkpoint=office)
    assert set(error.value.message_dict) == {"checkpoint"}


def test_county_officer_writes_only_in_their_county(county_officer):
    with pytest.raises(PermissionDenied):
        services.case_create(actor=county_officer, data={
            "case_no": "X-1", "region": region("542523"), "filed_on": datetime.date(2024, 1, 1),
            "case_type": "criminal", "offence": "other"})
    far = f.case("542523")
    with pytest.raises(PermissionDenied):
        services.suspect_create(actor=county_officer, data={"case": far, "name": "某"})
    assert not Suspect.objects.filter(case=far).exists() and not Identity.objects.filter(name="某").exists()
    own = f.case("540102")
    with pytest.raises(PermissionDenied):  # moving a case out of one's county
        services.case_update(actor=county_officer, instance=own, data={"region": region("542523")})
    seizure = f.seizure(own)
    with pytest.raises(PermissionDenied):  # moving an exhibit to another county's case
        services.seizure_update(actor=county_officer, instance=seizure, data={"case": far})


def test_writes_are_audited_with_masked_identity_numbers(officer):
    suspect = services.suspect_create(actor=officer, data={"case": f.case("540102"), "name": "扎西",
                                                           "id_number": f.id_number()})
    entry = AuditLog.objects.get(action="cases.suspect.created", object_id=str(suspect.pk))
    assert entry.after["id_number"] != suspect.id_number and "*" in entry.after["id_number"]


def test_fugitive_and_eradication_rules():
    with pytest.raises(ValidationError) as error:
        f.fugitive(wanted_since="2024-05-01", captured_on="2024-04-01")
    assert set(error.value.message_dict) == {"captured_on"}
    with pytest.raises(ValidationError) as error:
        f.fugitive(id_number="540102199001010010")
    assert set(error.value.message_dict) == {"id_number"}
    with pytest.raises(ValidationError) as error:
        f.eradication(latitude=28.5)
    assert set(error.value.message_dict) == {"longitude"}
    with pytest.raises(ValidationError):
        f.eradication(plants=-1)
    fugitive = f.fugitive()
    services.fugitive_capture(actor=SYSTEM, instance=fugitive, captured_on=datetime.date(2024, 3, 3),
                              capturing_unit=f.checkpoint())
    fugitive.refresh_from_db()
    assert fugitive.captured_on == datetime.date(2024, 3, 3)
