"""The feature mixins on a real table (the test-only ``specimen`` app): soft delete, versions and the
concurrent edit, sealing, the field allowlist, encryption at rest and key rotation."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jindu.common import crypto, services
from jindu.common.features import StaleVersionError
from jindu.common.fieldrules import allowed_fields, hidden_fields
from jindu.common.testing import create_user, region
from jindu.common.testing.specimen.models import Specimen
from jindu.core import roles
from jindu.core.models import AuditLog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("jindu.common.testing.specimen.urls")]

ID_NUMBER = "54010219800101001X"  # not a real person's: the checksum is not even computed
PHONE = "13908901234"
# Resident ID numbers and mobile numbers as they would appear in clear (not inside hashes or base64).
ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                   r"(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


@pytest.fixture(autouse=True)
def specimen_roles(monkeypatch):
    """Officers may do everything with specimens; a school reporter may only view them (restricted fields)."""
    for code in ("regional_officer", "county_officer", "prefecture_officer"):
        monkeypatch.setitem(roles.ROLE_PERMISSIONS, code, roles.ROLE_PERMISSIONS[code] | {"specimen.*"})
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, "school_reporter",
                        roles.ROLE_PERMISSIONS["school_reporter"] | {"specimen.view_specimen"})


@pytest.fixture
def specimen(db):
    return Specimen.objects.create(name="扎西", region=region("540102"), id_number=ID_NUMBER, phone=PHONE,
                                   history="2019 海洛因", narrative="于城关区查获")


@pytest.fixture
def school(db):
    return create_user("school_reporter_1", ["school_reporter"], "540102")


# --- Soft delete -----------------------------------------------------------------------------------

def test_delete_page_asks_for_a_reason_and_voids(client, county_officer, specimen):
    client.force_login(county_officer)
    url = reverse("specimen:specimen_delete", args=[specimen.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "", "version": specimen.version})
    assert response.status_code == 400
    assert Specimen.objects.filter(pk=specimen.pk).exists()
    response = client.post(url, {"reason": "重复登记", "version": specimen.version})
    assert response.status_code == 302
    row = Specimen.all_objects.get(pk=specimen.pk)
    assert row.voided and row.voided_by == county_officer and row.void_reason == "重复登记" and row.voided_at
    assert not Specimen.objects.filter(pk=specimen.pk).exists()
    assert client.get(reverse("specimen:specimen", args=[specimen.pk])).status_code == 404
    table = client.get(reverse("specimen:specimen_list")).context["table"]
    assert specimen.pk not in [row.record.pk for row in table.rows]
    entry = AuditLog.objects.get(action="specimen.specimen.voided", object_id=str(specimen.pk))
    assert entry.extra["reason"] == "重复登记" and entry.actor_id == county_officer.pk


def test_void_without_a_reason_is_refused_by_the_service(county_officer, specimen):
    with pytest.raises(ValidationError):
        services.object_delete(actor=county_officer, instance=specimen, reason="  ")
    assert not Specimen.all_objects.get(pk=specimen.pk).voided


def test_voided_records_are_listed_and_restored(client, county_officer, other_county_officer, specimen):
    services.object_void(actor=county_officer, instance=specimen, reason="误录")
    client.force_login(other_county_officer)
    assert specimen.name not in client.get(reverse("specimen:specimen_voided")).content.decode()
    assert client.post(reverse("specimen:specimen_restore", args=[specimen.pk])).status_code == 404
    client.force_login(county_officer)
    assert specimen.name in client.get(reverse("specimen:specimen_voided")).content.decode()
    response = client.post(reverse("specimen:specimen_restore", args=[specimen.pk]))
    assert response.status_code == 302
    row = Specimen.objects.get(pk=specimen.pk)
    assert not row.voided and row.voided_by is None and row.void_reason == ""
    assert AuditLog.objects.filter(action="specimen.specimen.restored", object_id=str(specimen.pk)).count() == 1


def test_voided_rows_are_hidden_from_restrict_and_choices(county_officer, specimen):
    services.object_void(actor=county_officer, instance=specimen, reason="误录")
    assert not Specimen.objects.restrict(county_officer).filter(pk=specimen.pk).exists()
    assert Specimen._default_manager.filter(pk=specimen.pk).exists()  # unique checks and backups see it


def test_edits_of_a_voided_record_are_refused(county_officer, specimen):
    services.object_void(actor=county_officer, instance=specimen, reason="误录")
    with pytest.raises(ValidationError):
        services.object_update(actor=county_officer, instance=specimen, data={"name": "x"})


def test_retention_purges_old_voided_rows_only_and_audits_each(county_officer, specimen):
    recent = Specimen.objects.create(name="近期作废", region=region("540102"))
    for row in (specimen, recent):
        services.object_void(actor=county_officer, instance=row, reason="误录")
    Specimen.all_objects.filter(pk=specimen.pk).update(voided_at=timezone.now() - timedelta(days=40))
    live = Specimen.objects.create(name="在用", region=region("540102"))
    out = io.StringIO()
    call_command("purge_voided", "--older-than", "30", "--model", "specimen.Specimen", "--dry-run", stdout=out)
    assert "1 would be purged" in out.getvalue() and Specimen.all_objects.filter(pk=specimen.pk).exists()
    call_command("purge_voided", "--older-than", "30", "--model", "specimen.Specimen", stdout=io.StringIO())
    assert set(Specimen.all_objects.values_list("pk", flat=True)) >= {recent.pk, live.pk}
    assert not Specimen.all_objects.filter(pk=specimen.pk).exists()
    entry = AuditLog.objects.get(action="specimen.specimen.purged")
    assert entry.object_id == str(specimen.pk) and entry.before["name"] == "扎西" and entry.source == "cli"
    assert entry.before["id_number"] != ID_NUMBER  # masked in the audit snapshot
    assert AuditLog.objects.filter(action="core.retention.purged").count() == 1


# --- Versions and the concurrent edit ----------------------------------------------------------------

def test_two_saves_from_the_same_version_one_wins_no_lost_update(county_officer, officer, specimen):
    base = specimen.version
    first = services.object_update(actor=county_officer, instance=specimen, data={"name": "A 的修改", "version": base})
    assert first.version == base + 1
    with pytest.raises(StaleVersionError) as refused:
        services.object_update(actor=officer, instance=specimen, data={"history": "B 的修改", "version": base})
    assert refused.value.current_version == base + 1
    row = Specimen.objects.get(pk=specimen.pk)
    assert (row.name, row.history, row.version) == ("A 的修改", "2019 海洛因", base + 1)  # A's data, nothing of B
    assert AuditLog.objects.filter(action="specimen.specimen.updated", object_id=str(specimen.pk)).count() == 1


def test_the_edit_page_refuses_a_stale_form_with_a_clear_message(client, county_officer, specimen):
    client.force_login(county_officer)
    client.cookies["jindu_language"] = "en"
    url = reverse("specimen:specimen_edit", args=[specimen.pk])
    form = client.get(url).context["form"]
    assert form["version"].value() == specimen.version
    data = {"name": "新名字", "region": region("540102").pk, "id_number": ID_NUMBER, "phone": PHONE,
            "history": "", "narrative": "", "version": specimen.version}
    services.object_update(actor=county_officer, instance=specimen, data={"name": "别人先改了"})
    response = client.post(url, data)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert Specimen.objects.get(pk=specimen.pk).name == "别人先改了"
    data["version"] = Specimen.objects.get(pk=specimen.pk).version
    assert client.post(url, data).status_code == 302
    assert Specimen.objects.get(pk=specimen.pk).name == "新名字"


def test_an_edit_form_without_a_version_is_refused(client, county_officer, specimen):
    client.force_login(county_officer)
    response = client.post(reverse("specimen:specimen_edit", args=[specimen.pk]), {
        "name": "无版本", "region": region("540102").pk})
    assert response.status_code == 200 and Specimen.objects.get(pk=specimen.pk).name == "扎西"


def test_an_unchanged_save_keeps_the_version(county_officer, specimen):
    saved = services.object_update(actor=county_officer, instance=specimen, data={"name": specimen.name,
                                                                                    "version": specimen.version})
    assert saved.version == specimen.version


# --- Sealed records ------------------------------------------------------------------------------------

def test_a_sealed_record_disappears_and_opens_only_with_reason_and_case_number(client, county_officer, specimen):
    services.object_seal(actor=county_officer, instance=specimen, basis="治安管理处罚法第136条")
    assert not Specimen.objects.restrict(county_officer).exists()
    client.force_login(county_officer)
    assert specimen.name not in client.get(reverse("specimen:specimen_list")).content.decode()
    assert client.get(reverse("specimen:specimen", args=[specimen.pk])).status_code == 404
    url = reverse("specimen:specimen_sealed", args=[specimen.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "", "case_number": ""}).status_code == 400
    assert client.post(url, {"reason": "办理新案件需核查", "case_number": ""}).status_code == 400
    response = client.post(url, {"reason": "办理新案件需核查", "case_number": "拉公(禁)立字〔2026〕15号"})
    assert response.status_code == 200 and specimen.name in response.content.decode()
    entry = AuditLog.objects.get(action="specimen.specimen.sealed_opened")
    assert entry.extra == {"reason": "办理新案件需核查", "case_number": "拉公(禁)立字〔2026〕15号"}
    assert entry.actor_id == county_officer.pk


def test_only_case_handling_roles_open_sealed_records(client, school, specimen, county_officer):
    services.object_seal(actor=county_officer, instance=specimen, basis="治安管理处罚法第136条")
    client.force_login(school)
    url = reverse("specimen:specimen_sealed", args=[specimen.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "想看看", "case_number": "X-2026-1"}).status_code == 404
    leader = create_user("leader_1", ["leader"], "540000")
    client.force_login(leader)
    assert client.get(url).status_code == 404
    assert not AuditLog.objects.filter(action="specimen.specimen.sealed_opened").exists()


def test_other_region_cannot_open_a_sealed_record(client, other_county_officer, county_officer, specimen):
    services.object_seal(actor=county_officer, instance=specimen, basis="治安管理处罚法第136条")
    client.force_login(other_county_officer)
    assert client.get(reverse("specimen:specimen_sealed", args=[specimen.pk])).status_code == 404


def test_seal_records_applies_the_configured_rule(county_officer, specimen):
    due = Specimen.objects.create(name="结案", region=region("540102"), violation_closed_on=timezone.localdate())
    out = io.StringIO()
    call_command("seal_records", stdout=out)
    assert "specimen.Specimen: 1 sealed" in out.getvalue()
    assert Specimen.all_objects.get(pk=due.pk).sealed and not Specimen.all_objects.get(pk=specimen.pk).sealed
    entry = AuditLog.objects.get(action="specimen.specimen.sealed")
    assert entry.source == "cli" and entry.extra["basis"].startswith("automatic")


def test_unsealing_needs_the_permission_and_a_reason(county_officer, school, specimen):
    services.object_seal(actor=county_officer, instance=specimen, basis="依法封存")
    with pytest.raises(ValidationError):
        services.object_unseal(actor=county_officer, instance=specimen, reason="")
    with pytest.raises(PermissionDenied):
        services.object_unseal(actor=school, instance=specimen, reason="法院决定")
    services.object_unseal(actor=county_officer, instance=specimen, reason="法院决定撤销")
    assert Specimen.objects.filter(pk=specimen.pk).exists()


def test_sealed_records_are_not_exported(county_officer, specimen):
    from jindu.common.forms import live

    other = Specimen.objects.create(name="未封存", region=region("540102"))
    services.object_seal(actor=county_officer, instance=specimen, basis="依法封存")
    assert list(live(Specimen._default_manager.all()).values_list("pk", flat=True)) == [other.pk]


# --- Field allowlist per role ------------------------------------------------------------------------

def test_the_allowlist_follows_the_roles(county_officer, school):
    assert hidden_fields(county_officer, Specimen) == set()
    assert hidden_fields(school, Specimen) == {"id_number", "phone", "history", "narrative"}
    assert "id_number" not in allowed_fields(school, Specimen) and "name" in allowed_fields(school, Specimen)


@pytest.mark.parametrize("role", ["school_reporter", "company_reporter", "community_worker"])
def test_restricted_roles_never_get_full_ids_phones_history_or_narrative(client, monkeypatch, specimen, role):
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, role, roles.ROLE_PERMISSIONS[role] | {"specimen.view_specimen"})
    user = create_user("restricted_" + role, [role], "540102")
    client.force_login(user)
    for url in (reverse("specimen:specimen_list"), reverse("specimen:specimen", args=[specimen.pk])):
        body = client.get(url).content.decode()
        assert specimen.name in body
        assert not ID_RE.search(body) and not PHONE_RE.search(body), url
        assert "海洛因" not in body and "查获" not in body


def test_officers_see_the_protected_fields(client, county_officer, specimen):
    client.force_login(county_officer)
    body = client.get(reverse("specimen:specimen", args=[specimen.pk])).content.decode()
    assert "海洛因" in body and "查获" in body


def test_api_schemas_leave_out_unreadable_keys(rf, county_officer, school, specimen):
    from typing import ClassVar

    from jindu.common.fieldrules import FieldRulesSchema

    class SpecimenOut(FieldRulesSchema):
        field_rules_model: ClassVar = Specimen
        id: int
        name: str
        id_number: str
        phone: str

    for user, keys in ((county_officer, {"id", "name", "id_number", "phone"}), (school, {"id", "name"})):
        request = rf.get("/")
        request.user = user
        data = SpecimenOut.model_validate(specimen).model_dump(context={"request": request})
        assert set(data) == keys


# --- Encryption at rest ------------------------------------------------------------------------------

def raw(column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM specimen_specimen WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def database_dump_text():
    """Every row of every table as text (what a dump of the database would hold)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_protected_fields_are_ciphertext_in_the_database(specimen):
    stored = raw("id_number", specimen.pk)
    assert ID_NUMBER not in stored and stored.split(":")[0] == crypto.current_key().id
    assert Specimen.objects.get(pk=specimen.pk).id_number == ID_NUMBER
    assert raw("id_hash", specimen.pk) == crypto.blind_index(ID_NUMBER)
    assert Specimen.objects.get(id_hash=crypto.blind_index(ID_NUMBER)).pk == specimen.pk  # exact look-up


def test_a_database_dump_holds_no_plaintext_id_number_or_phone(specimen):
    dump = database_dump_text()
    assert ID_NUMBER not in dump and PHONE not in dump
    assert ID_RE.findall(dump) == [] and PHONE_RE.findall(dump) == []


def test_a_flipped_byte_is_detected(specimen, caplog):
    stored = raw("phone", specimen.pk)
    key_id, body = stored.split(":", 1)
    flipped = key_id + ":" + body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE specimen_specimen SET phone = %s WHERE id = %s", [flipped, specimen.pk])
    with pytest.raises(crypto.DecryptionError):
        Specimen.objects.get(pk=specimen.pk)
    assert "failed authentication" in caplog.text


def test_rotation_to_a_new_key(specimen, monkeypatch):
    import base64
    import os

    old_id = raw("id_number", specimen.pk).split(":")[0]
    new_key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("JINDU_FIELD_KEYS", f"k2:aes256gcm:{new_key}")
    assert Specimen.objects.get(pk=specimen.pk).id_number == ID_NUMBER  # the old key still decrypts
    out = io.StringIO()
    call_command("rotate_keys", "--dry-run", stdout=out)
    assert f"{old_id}=1" in out.getvalue()
    call_command("rotate_keys", stdout=io.StringIO())
    assert raw("id_number", specimen.pk).startswith("k2:") and raw("narrative", specimen.pk).startswith("k2:")
    assert Specimen.objects.get(pk=specimen.pk).id_number == ID_NUMBER
    assert AuditLog.objects.filter(action="security.keys_rotated").count() == 1
    out = io.StringIO()
    call_command("rotate_keys", "--dry-run", stdout=out)
    assert "specimen.Specimen.id_number: k2=1 (0 re-encrypted)" in out.getvalue()


def test_sm4_gcm_keys_work(monkeypatch):
    import base64
    import os

    monkeypatch.setenv("JINDU_FIELD_KEYS", "s1:sm4gcm:" + base64.b64encode(os.urandom(16)).decode())
    token = crypto.encrypt(ID_NUMBER)
    assert token.startswith("s1:") and crypto.decrypt(token) == ID_NUMBER
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))


def test_values_of_the_persons_app_format_still_decrypt():
    """The persons app wrote ``v1:`` values with a key derived from JINDU_PERSONS_KEY or SECRET_KEY."""
    import base64
    import hashlib
    import hmac
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.conf import settings

    secret = (os.environ.get("JINDU_PERSONS_KEY") or settings.SECRET_KEY).encode()
    key = hmac.new(secret, b"jindu.persons.encryption", hashlib.sha256).digest()
    nonce = os.urandom(12)
    token = "v1:" + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, b"540102", b"jindu")).decode()
    assert crypto.decrypt(token) == "540102"
    legacy_index = hmac.new(hmac.new(secret, b"jindu.persons.blind-index", hashlib.sha256).digest(),
                            ID_NUMBER.encode(), hashlib.sha256).hexdigest()
    assert crypto.blind_index(ID_NUMBER) == legacy_index


def test_bad_key_configuration_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    for value in ("k1:notbase64!!", "k1:aes256gcm:" + "QUFB", "BAD ID:QUFB", "k1:rot13:QUFB"):
        monkeypatch.setenv("JINDU_FIELD_KEYS", value)
        with pytest.raises(ImproperlyConfigured):
            crypto.keyring()
