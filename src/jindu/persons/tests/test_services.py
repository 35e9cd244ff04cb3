"""Services: overlap rules, schedules and due dates, the risk score, alerts (frozen clock), handovers,
the drug-driving look-up and licence certificates."""

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog
from jindu.persons import services
from jindu.persons.crypto import DecryptionError, decrypt
from jindu.persons.models import (
    Alert,
    Contact,
    DrivingCheck,
    Episode,
    Handover,
    LicenceCertificate,
    Person,
)
from jindu.persons.models import TestSchedule as Schedule

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


# --- identity ------------------------------------------------------------------------------------------


def test_identity_number_is_encrypted_at_rest_with_a_keyed_hash(county_officer):
    from django.db import connection

    person = f.person(id_number="54010219900315043X")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_hash FROM persons_person WHERE id = %s", [person.pk])
        stored, digest = cursor.fetchone()
    assert "54010219900315043X" not in stored and stored.startswith("v1:") and len(digest) == 64
    assert decrypt(stored) == "54010219900315043X"
    tampered = stored[:-4] + ("AAAA" if stored[-4:] != "AAAA" else "BBBB")
    with pytest.raises(DecryptionError):
        decrypt(tampered)


@pytest.mark.parametrize(("number", "sex", "birth", "field"), [
    ("54010219900315043X", "", None, None),                   # good
    ("540102199003150430", "", None, "id_number"),            # bad check character
    ("540202202302291283", "", None, "id_number"),            # 29 February 2023 does not exist
    ("54010219900315043X", "F", None, "sex"),                 # odd sequence: male
    ("54010219900315043X", "", D(1990, 3, 16), "birth_date"),  # birth date differs
])
def test_identity_validation(number, sex, birth, field):
    person = Person(id_number=number, sex=sex, birth_date=birth, name="x", region=region("540102"),
                    registered_on=D(2024, 1, 1))
    if field is None:
        person.full_clean()
        assert (person.sex, person.birth_date) == ("M", D(1990, 3, 15))
    else:
        with pytest.raises(ValidationError) as error:
            person.full_clean()
        assert field in error.value.message_dict


def test_foreign_national_has_no_identity_number_and_duplicates_are_refused(county_officer):
    foreign = Person(nationality="np", name="Ram", sex="M", passport_no="PA1234567", region=region("540102"),
                     registered_on=D(2024, 1, 1))
    foreign.full_clean()
    assert foreign.nationality == "NP" and foreign.id_hash is None
    services.person_create(actor=county_officer, data={"id_number": "54010219900315043X", "name": "甲",
                                                       "region": region("540102"), "registered_on": D(2024, 1, 1)})
    with pytest.raises(ValidationError):
        services.person_create(actor=county_officer, data={"id_number": "54010219900315043x", "name": "乙",
                                                           "region": region("540102"), "registered_on": D(2024, 1, 1)})


def test_service_refuses_another_county(county_officer):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=county_officer, data={"id_number": "54010219900315043X", "name": "甲",
                                                           "region": region("542523"), "registered_on": D(2024, 1, 1)})
    assert not Person.objects.exists()


# --- episodes --------------------------------------------------------------------------------------------


def _episode(actor, person, measure, start, end=None):
    return services.episode_create(actor=actor, data={"person": person, "measure": measure, "start_on": start,
                                                      "end_on": end})


@pytest.mark.parametrize(("first", "second", "allowed"), [
    ("community_detox", "community_rehab", False),
    ("community_detox", "compulsory_isolation", False),
    ("compulsory_isolation", "community_rehab", False),
    ("community_detox", "voluntary_treatment", True),
    ("community_rehab", "voluntary_treatment", True),
    ("compulsory_isolation", "voluntary_treatment", False),
    ("voluntary_treatment", "voluntary_treatment", False),
])
def test_overlap_rules(county_officer, first, second, allowed):
    person = f.person()
    _episode(county_officer, person, first, D(2023, 1, 1), D(2024, 12, 31))
    if allowed:
        _episode(county_officer, person, second, D(2024, 3, 1), D(2024, 6, 1))
    else:
        with pytest.raises(ValidationError) as error:
            _episode(county_officer, person, second, D(2024, 3, 1), D(2024, 6, 1))
        assert "overlaps" in error.value.message_dict["start_on"][0]


def test_consecutive_measures_and_open_episode_overlap(county_officer):
    person = f.person()
    _episode(county_officer, person, "compulsory_isolation", D(2022, 1, 1), D(2023, 12, 31))
    _episode(county_officer, person, "community_rehab", D(2024, 1, 1))        # the next day: fine
    with pytest.raises(ValidationError):
        _episode(county_officer, person, "community_detox", D(2030, 1, 1))    # the rehab is still open
    with pytest.raises(ValidationError):
        _episode(county_officer, person, "community_detox", D(2023, 12, 31), D(2023, 12, 31))  # the last day


def test_an_edit_is_checked_against_the_other_episodes(county_officer):
    person = f.person()
    first = _episode(county_officer, person, "community_detox", D(2022, 1, 1), D(2022, 12, 31))
    _episode(county_officer, person, "community_rehab", D(2023, 1, 1))
    with pytest.raises(ValidationError):
        services.episode_update(actor=county_officer, instance=first, data={"end_on": D(2023, 6, 1)})
    first.refresh_from_db()
    assert first.end_on == D(2022, 12, 31)


# --- handovers ---------------------------------------------------------------------------------------------


def test_end_of_isolation_creates_a_handover_that_completes_when_all_steps_are_done(county_officer, tmp_path,
                                                                                    settings):
    settings.MEDIA_ROOT = tmp_path
    worker = create_user("worker", ["community_worker"], "540102")
    person = f.person()
    episode = _episode(county_officer, person, "compulsory_isolation", D(2022, 1, 1))
    assert not Handover.objects.exists()
    services.episode_update(actor=county_officer, instance=episode, data={"end_on": D(2024, 1, 10)})
    handover = Handover.objects.get()
    assert handover.deadline == D(2024, 1, 25) and handover.completed_on is None
    with pytest.raises(ValidationError):   # an executable renamed to .pdf
        services.handover_update(actor=county_officer, instance=handover, data={},
                                 agreement=SimpleUploadedFile("a.pdf", b"MZ\x90\x00binary"))
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * (services.AGREEMENT_MAX_BYTES + 1))
    with pytest.raises(ValidationError):
        services.handover_update(actor=county_officer, instance=handover, data={}, agreement=big)
    handover = services.handover_update(
        actor=county_officer, instance=handover,
        data={"briefed_on": D(2024, 1, 11), "community_worker": worker, "agreement_signed_on": D(2024, 1, 12)},
        agreement=SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100))
    assert handover.completed_on == D(2024, 1, 12) and handover.agreement.endswith(".png")
    assert (tmp_path / handover.agreement).exists()
    assert set(Person.objects.restrict(worker)) == {person}  # the handover assigns the person to the worker


def test_agreement_is_streamed_after_the_scope_check(client, county_officer, other_county_officer, tmp_path,
                                                     settings):
    settings.MEDIA_ROOT = tmp_path
    person = f.person()
    episode = f.episode(person, "compulsory_isolation", D(2022, 1, 1), D(2024, 1, 10))
    handover = Handover.objects.create(person=person, episode=episode, released_on=D(2024, 1, 10),
                                       deadline=D(2024, 1, 25))
    services.handover_update(actor=county_officer, instance=handover, data={},
                             agreement=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 agreement"))
    url = reverse("persons:handover_agreement", args=[handover.pk])
    client.force_login(other_county_officer)
    assert client.get(url).status_code == 404
    client.force_login(county_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 agreement"


# --- schedules ----------------------------------------------------------------------------------------------


def test_schedule_due_dates_follow_the_rules_of_each_year():
    episode = Episode(measure="community_detox", start_on=D(2023, 1, 1))
    rules = services.schedule_rules()
    assert services.next_test_due(episode, None, rules) == D(2023, 1, 31)        # monthly in year 1
    assert services.next_test_due(episode, D(2023, 12, 20), rules) == D(2024, 1, 19)
    assert services.next_test_due(episode, D(2024, 1, 2), rules) == D(2024, 3, 2)  # every 60 days in year 2
    assert services.next_test_due(episode, D(2025, 2, 1), rules) == D(2025, 5, 2)  # quarterly in year 3
    assert services.next_test_due(Episode(measure="compulsory_isolation", start_on=D(2023, 1, 1)), None) is None


def test_schedule_is_configurable():
    Schedule.objects.create(measure="community_detox", from_month=0, interval_days=14)
    episode = Episode(measure="community_detox", start_on=D(2024, 1, 1))
    assert services.next_test_due(episode) == D(2024, 1, 15)
    person = f.person()
    tests = [f.test(person, D(2024, 1, 10)), f.test(person, D(2024, 2, 20))]
    rows = services.schedule_due_dates(episode, tests, D(2024, 3, 1))
    assert rows == [(D(2024, 1, 15), D(2024, 1, 10)), (D(2024, 1, 24), None), (D(2024, 2, 7), None),
                    (D(2024, 2, 21), D(2024, 2, 20)), (D(2024, 3, 5), None)]


# --- risk -----------------------------------------------------------------------------------------------------


def test_risk_score_is_explained_by_its_factors(county_officer):
    person = f.person(relapse_count=2, drug_driving_history=True)
    f.episode(person, "community_detox", D(2023, 6, 1))
    f.test(person, D(2024, 1, 10), result="positive")
    f.test(person, D(2024, 2, 1), result="positive")
    assessment = services.risk_assess(actor=county_officer, person=person, on=D(2024, 3, 1))
    points = {row["code"]: row["points"] for row in assessment.factors}
    # 2 positives (30) + missed tests since 2023-09-02 + 29 days since the last test (0) + detox (10)
    # + 2 relapses (20) + drug driving (20)
    assert points["positive_tests"] == 30 and points["days_since_contact"] == 0 and points["measure"] == 10
    assert points["relapses"] == 20 and points["drug_driving"] == 20 and points["missed_tests"] == 30
    assert assessment.score == sum(points.values()) == 110
    assert assessment.level == "high" and assessment.next_due == D(2024, 3, 31)
    quiet = f.person()
    f.episode(quiet, "community_rehab", D(2024, 1, 1))
    f.test(quiet, D(2024, 1, 25))
    f.test(quiet, D(2024, 2, 20))
    low = services.risk_assess(actor=county_officer, person=quiet, on=D(2024, 3, 1))
    assert (low.score, low.level, low.next_due) == (5, "low", D(2024, 8, 28))


# --- alerts ------------------------------------------------------------------------------------------------------


@freeze_time("2024-06-15")
def test_alerts_are_raised_once_and_resolved_when_the_condition_clears(county_officer):
    worker = create_user("worker", ["community_worker"], "540102")
    late = f.person()                                # test due 30 days after the start, never tested
    f.episode(late, "community_detox", D(2024, 4, 1), community_worker=worker)
    fine = f.person()
    f.episode(fine, "community_detox", D(2024, 6, 1))
    f.test(fine, D(2024, 6, 2))
    services.risk_assess(actor=county_officer, person=fine, on=D(2024, 6, 2))
    positive = f.person()
    f.episode(positive, "community_rehab", D(2024, 6, 1))
    f.test(positive, D(2024, 6, 10), result="positive")
    services.risk_assess(actor=county_officer, person=positive, on=D(2024, 6, 10))
    released = f.person()
    isolation = f.episode(released, "compulsory_isolation", D(2022, 5, 1), D(2024, 5, 1))
    Handover.objects.create(person=released, episode=isolation, released_on=D(2024, 5, 1), deadline=D(2024, 5, 16))

    counts = services.alerts_compute()
    kinds = sorted(Alert.objects.values_list("person__name", "kind"))
    assert {(a.person_id, a.kind) for a in Alert.objects.all()} == {
        (late.pk, "test_overdue"), (late.pk, "no_contact"), (late.pk, "reassessment_overdue"),
        (positive.pk, "positive_test"), (released.pk, "handover_overdue")}, kinds
    assert counts["created"] == 5
    summary = AuditLog.objects.filter(action="persons.alert.computed").order_by("-seq").first()
    assert summary.extra["created"] == 5 and summary.extra["date"] == "2024-06-15"
    assert Alert.objects.get(person=late, kind="test_overdue").community_worker == worker
    assert services.alerts_compute()["created"] == 0          # idempotent
    assert Alert.objects.count() == 5

    f.test(late, D(2024, 6, 15))                             # the overdue test is done today
    Contact.objects.create(person=late, contacted_on=D(2024, 6, 15), kind="visit")
    counts = services.alerts_compute()
    assert counts["resolved"] == 2
    assert set(Alert.objects.filter(state="open").values_list("kind", flat=True)) == {
        "reassessment_overdue", "positive_test", "handover_overdue"}
    cleared = Alert.objects.get(person=late, kind="test_overdue")
    assert cleared.state == "resolved" and cleared.resolved_by is None


@freeze_time("2024-06-15")
def test_acknowledge_and_resolve_are_audited_work_list_per_worker(client, county_officer):
    worker = create_user("worker", ["community_worker"], "540102")
    person = f.person()
    f.episode(person, "community_detox", D(2024, 4, 1), community_worker=worker)
    services.alerts_compute()
    alert = Alert.objects.get(kind="test_overdue")
    client.force_login(worker)
    response = client.get(reverse("persons:alert_list"))
    assert response.status_code == 302 and "mine=true" in response["Location"]
    assert list(client.get(response["Location"]).context["table"].data) != []
    client.post(reverse("persons:alert_acknowledge", args=[alert.pk]))
    client.post(reverse("persons:alert_resolve", args=[alert.pk]), {"resolution": "已上门检测"})
    alert.refresh_from_db()
    assert alert.state == "resolved" and alert.resolved_by == worker and alert.acknowledged_by == worker
    history = AuditLog.objects.filter(object_type="persons.alert", object_id=str(alert.pk),
                                      action="persons.alert.updated")
    assert history.count() == 2
    with pytest.raises(ValidationError):
        services.alert_resolve(actor=worker, alert=alert, resolution="again")


def test_alerts_command(county_officer):
    person = f.person()
    f.episode(person, "community_detox", D(2024, 1, 1))
    out = io.StringIO()
    call_command("alerts", "--date", "2024-06-15", stdout=out)
    assert "raised" in out.getvalue() and Alert.objects.filter(kind="test_overdue").exists()


# --- drug driving -------------------------------------------------------------------------------------------------


def test_driving_check_answers_only_what_the_law_allows_and_is_audited(client, other_county_officer):
    person = f.person("540102", id_number="54010219900315043X", phone="13812345678")
    f.episode(person, "community_rehab", D(2024, 1, 1))
    f.test(person, D(2024, 5, 2))
    client.force_login(other_county_officer)  # a checkpoint far from the person's county still gets the answer
    response = client.post("/api/v1/persons/driving-checks", {"id_number": "54010219900315043X",
                                                               "reason": "那曲检查站路检 藏E12345"},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "id_number", "registered", "under_measure", "last_test_on"}
    assert body["registered"] is True and body["under_measure"] is True and body["last_test_on"] == "2024-05-02"
    assert body["id_number"] == "540***********043X"
    check = DrivingCheck.objects.get()
    assert check.reason.startswith("那曲") and check.checked_by == other_county_officer
    assert AuditLog.objects.filter(action="persons.drivingcheck.created", object_id=str(check.pk)).exists()
    assert AuditLog.objects.filter(action="persons.person.driving_checked", object_id=str(person.pk)).exists()
    # no reason: refused; unknown person: "not registered"
    response = client.post("/api/v1/persons/driving-checks", {"id_number": "54010219900315043X", "reason": ""},
                           content_type="application/json")
    assert response.status_code == 422
    html = client.post(reverse("persons:drivingcheck_add"), {"id_number": f.make_id(), "reason": "路检路查"}).content
    assert b"54010219900315043X" not in html and b"13812345678" not in html
    assert DrivingCheck.objects.filter(registered=False).count() == 1


def test_driving_check_needs_the_permission(client):
    worker = create_user("worker", ["leader"], "540000")
    client.force_login(worker)
    assert client.get(reverse("persons:drivingcheck_add")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.driving_check(actor=worker, id_number="54010219900315043X", reason="路检路查")


# --- licence certificates ------------------------------------------------------------------------------------------


def test_certificate_pdf_and_public_verification(client, county_officer):
    f.person(id_number="54010219900315043X")
    involved = services.certificate_issue(actor=county_officer, id_number="54010219900315043X",
                                          applicant_name="次仁", purpose="apply", requesting_unit="拉萨市交警支队")
    clean = services.certificate_issue(actor=county_officer, id_number=f.make_id(), applicant_name="卓玛",
                                       purpose="upgrade", requesting_unit="拉萨市交警支队")
    assert involved.result == "involved" and clean.result == "not_involved"
    assert clean.number.endswith(str(int(involved.number.rsplit("-", 1)[1]) + 1).zfill(6))
    client.force_login(county_officer)
    response = client.get(reverse("persons:licencecertificate_pdf", args=[involved.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = text.decode("utf-8")
    assert involved.number in text and "驾驶证涉毒查询证明" in text and "禁毒委员会办公室" in text
    assert "涉毒" in text and involved.verification_code in text
    client.logout()
    url = reverse("persons:certificate_verify")
    ok = client.get(url, {"number": involved.number, "code": involved.verification_code.lower()})
    assert ok.status_code == 200 and ok.context["valid"] is True
    body = ok.content.decode()
    assert "次仁" not in body and "54010219900315043X" not in body and "043X" not in body
    wrong = client.get(url, {"number": involved.number, "code": "WRONG123"})
    assert wrong.context["valid"] is False and wrong.context["issued_on"] is None
    assert LicenceCertificate.objects.count() == 2


def test_certificate_view_list_masks(client, county_officer):
    certificate = services.certificate_issue(actor=county_officer, id_number="54010219900315043X",
                                             applicant_name="次仁多吉", purpose="apply", requesting_unit="交警")
    client.force_login(county_officer)
    for url in (reverse("persons:licencecertificate_list"),
                reverse("persons:licencecertificate", args=[certificate.pk])):
        html = client.get(url).content.decode()
        assert "54010219900315043X" not in html and "次仁多吉" not in html


def test_revoked_certificate_verifies_as_invalid(client, county_officer):
    certificate = services.certificate_issue(actor=county_officer, id_number=f.make_id(), applicant_name="卓玛",
                                             purpose="apply", requesting_unit="交警")
    client.force_login(county_officer)
    url = reverse("persons:licencecertificate_revoke", args=[certificate.pk])
    client.post(url, {"reason": ""})
    certificate.refresh_from_db()
    assert not certificate.revoked
    client.post(url, {"reason": "申请人信息填写错误"})
    certificate.refresh_from_db()
    assert certificate.revoked
    assert AuditLog.objects.get(action="persons.licencecertificate.revoked").extra["reason"] == "申请人信息填写错误"
    client.logout()
    response = client.get(reverse("persons:certificate_verify"),
                          {"number": certificate.number, "code": certificate.verification_code})
    assert response.context["valid"] is False
