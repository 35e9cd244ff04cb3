"""Organisations adopt the mechanisms: soft delete, versions (409/428 in the API), Idempotency-Key, field rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog, IdempotencyKey, Organisation

pytestmark = pytest.mark.django_db

API = "/api/v1/core/organisations"


@pytest.fixture
def deleter(db):
    """Deleting (voiding) organisations is the system administrator's; scoped to the region here."""
    return create_user("sys_region", ["system_admin"], "540000")


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="城关区禁毒办", kind="ncc_office", region=region("540102"),
                                       phone="13908901234", address="城关区金珠西路 1 号", notes="联系人 扎西")


def api(client, method, url, data=None, **headers):
    return getattr(client, method)(url, data=data, content_type="application/json",
                                   headers={k.replace("_", "-"): v for k, v in headers.items()})


# --- Soft delete -------------------------------------------------------------------------------------

def test_deleting_an_organisation_voids_it_with_a_reason(client, deleter, org):
    client.force_login(deleter)
    url = reverse("core:organisation_delete", args=[org.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "机构撤并", "version": org.version}).status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert Organisation.all_objects.get(pk=org.pk).void_reason == "机构撤并"
    assert client.get(reverse("core:organisation", args=[org.pk])).status_code == 404
    assert client.get(f"{API}/{org.pk}").status_code == 404
    assert org.pk not in {item["id"] for item in client.get(API + "?limit=1000").json()["items"]}
    voided = client.get(reverse("core:organisation_voided"))
    assert voided.status_code == 200 and org.name in voided.content.decode()
    assert client.post(reverse("core:organisation_restore", args=[org.pk])).status_code == 302
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_a_voided_organisation_is_not_offered_as_a_choice(client, officer, deleter, org):
    from jindu.core.services import organisation_delete

    organisation_delete(actor=deleter, instance=org, reason="撤并")
    client.force_login(officer)
    choices = client.get(reverse("core:organisation_add")).context["form"].fields["parent"].queryset
    assert org not in choices


def test_a_voided_name_stays_taken_with_a_clear_message(officer, deleter, org):
    from django.core.exceptions import ValidationError

    from jindu.core.services import organisation_create, organisation_delete

    organisation_delete(actor=deleter, instance=org, reason="撤并")
    with pytest.raises(ValidationError) as error:
        organisation_create(actor=officer, data={"name": org.name, "kind": "other", "region": region("540102")})
    assert "name" in error.value.message_dict


def test_api_delete_voids_with_a_reason(client, officer, deleter, org):
    client.force_login(officer)
    assert api(client, "delete", f"{API}/{org.pk}", {"reason": "无权限"}).status_code == 404  # no delete permission
    client.force_login(deleter)
    assert api(client, "delete", f"{API}/{org.pk}", {"reason": ""}).status_code == 422
    assert api(client, "delete", f"{API}/{org.pk}", {"reason": "机构撤并"}).status_code == 204
    assert Organisation.all_objects.get(pk=org.pk).voided
    assert AuditLog.objects.filter(action="core.organisation.voided", object_id=str(org.pk)).count() == 1


# --- Versions -----------------------------------------------------------------------------------------

def payload(org, **changes):
    data = {"name": org.name, "kind": org.kind, "region_code": org.region.code, "address": org.address,
            "phone": org.phone, "notes": org.notes}
    data.update(changes)
    return data


def test_api_update_from_an_old_version_is_409_and_writes_nothing(client, officer, org):
    client.force_login(officer)
    base = client.get(f"{API}/{org.pk}").json()["version"]
    first = api(client, "put", f"{API}/{org.pk}", payload(org, address="A 的地址", version=base))
    assert first.status_code == 200 and first.json()["version"] == base + 1
    second = api(client, "put", f"{API}/{org.pk}", payload(org, phone="0891-6000000", version=base))
    assert second.status_code == 409
    assert second.json()["current_version"] == base + 1
    org.refresh_from_db()
    assert (org.address, org.phone) == ("A 的地址", "13908901234")  # A's save stands; nothing of B's
    assert AuditLog.objects.filter(action="core.organisation.updated", object_id=str(org.pk)).count() == 1


def test_api_update_needs_a_version(client, officer, org):
    client.force_login(officer)
    assert api(client, "put", f"{API}/{org.pk}", payload(org, address="新地址")).status_code == 428
    response = api(client, "put", f"{API}/{org.pk}", payload(org, address="新地址"), If_Match=f'"{org.version}"')
    assert response.status_code == 200
    assert api(client, "put", f"{API}/{org.pk}", payload(org, address="再改"), If_Match=f'"{org.version}"'
               ).status_code == 409


def test_the_edit_page_refuses_a_stale_version(client, officer, org):
    client.force_login(officer)
    client.cookies["jindu_language"] = "en"
    form = {"name": org.name, "kind": org.kind, "region": org.region.pk, "address": "页面上的修改",
            "phone": org.phone, "notes": "", "is_active": "on", "version": org.version}
    api(client, "put", f"{API}/{org.pk}", payload(org, notes="API 先保存", version=org.version))
    response = client.post(reverse("core:organisation_edit", args=[org.pk]), form)
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    org.refresh_from_db()
    assert org.notes == "API 先保存" and org.address == "城关区金珠西路 1 号"


# --- Idempotency-Key ------------------------------------------------------------------------------------

BODY = {"name": "拉萨海关缉私局", "kind": "customs", "region_code": "540100"}


def test_same_key_same_body_replays_the_first_response(client, officer):
    client.force_login(officer)
    first = api(client, "post", API, BODY, Idempotency_Key="abc-1")
    second = api(client, "post", API, BODY, Idempotency_Key="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Organisation.objects.filter(name=BODY["name"]).count() == 1
    assert AuditLog.objects.filter(action="core.organisation.created").count() == 1


def test_same_key_different_body_is_422(client, officer):
    client.force_login(officer)
    assert api(client, "post", API, BODY, Idempotency_Key="abc-2").status_code == 201
    response = api(client, "post", API, {**BODY, "name": "另一个单位"}, Idempotency_Key="abc-2")
    assert response.status_code == 422
    assert not Organisation.objects.filter(name="另一个单位").exists()


def test_a_request_still_running_is_409(client, officer):
    import json
    from types import SimpleNamespace

    from jindu.common.api import _fingerprint

    client.force_login(officer)
    body = json.dumps(BODY).encode()
    running = SimpleNamespace(method="POST", path=API, body=body)  # the first request, not finished yet
    IdempotencyKey.objects.create(user=officer, key="abc-3", fingerprint=_fingerprint(running), method="POST",
                                  path=API)
    response = client.post(API, data=body, content_type="application/json", headers={"Idempotency-Key": "abc-3"})
    assert response.status_code == 409
    assert not Organisation.objects.filter(name=BODY["name"]).exists()


def test_keys_are_per_user(client, officer):
    other = create_user("other_regional", ["regional_officer"], "540000")
    client.force_login(officer)
    assert api(client, "post", API, BODY, Idempotency_Key="shared").status_code == 201
    client.force_login(other)
    response = api(client, "post", API, {**BODY, "name": "另一单位"}, Idempotency_Key="shared")
    assert response.status_code == 201 and response.json()["name"] == "另一单位"


def test_keys_expire_after_24_hours(client, officer):
    client.force_login(officer)
    start = timezone.now()
    with freeze_time(start) as clock:
        assert api(client, "post", API, BODY, Idempotency_Key="old").status_code == 201
        clock.tick(timedelta(hours=24, minutes=1))
        client.force_login(officer)
        response = api(client, "post", API, {**BODY, "name": "第二天的单位"}, Idempotency_Key="old")
        assert response.status_code == 201 and "Idempotent-Replayed" not in response


def test_without_a_key_the_endpoint_works_as_before(client, officer):
    client.force_login(officer)
    assert api(client, "post", API, BODY).status_code == 201
    assert api(client, "post", API, BODY).status_code == 422  # the name is taken: no replay without a key
    assert not IdempotencyKey.objects.exists()


def test_errors_are_replayed_too_but_not_stored_in_clear(client, officer):
    client.force_login(officer)
    bad = {**BODY, "kind": "nonsense"}
    assert api(client, "post", API, bad, Idempotency_Key="bad-1").status_code == 422
    assert api(client, "post", API, bad, Idempotency_Key="bad-1").status_code == 422
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM core_idempotencykey")
        (stored,) = cursor.fetchone()
    assert "nonsense" not in stored


# --- Field rules ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["school_reporter", "company_reporter", "community_worker"])
def test_restricted_roles_get_no_contact_details_or_notes(client, org, role):
    user = create_user("r_" + role, [role], "540102")
    client.force_login(user)
    item = client.get(f"{API}/{org.pk}").json()
    assert "phone" not in item and "address" not in item and item["name"] == org.name
    for url in (reverse("core:organisation_list"), reverse("core:organisation", args=[org.pk])):
        body = client.get(url).content.decode()
        assert "13908901234" not in body and "金珠西路" not in body and "联系人" not in body


def test_officers_get_the_contact_details(client, county_officer, org):
    client.force_login(county_officer)
    item = client.get(f"{API}/{org.pk}").json()
    assert item["phone"] == "13908901234"
    assert "13908901234" in client.get(reverse("core:organisation", args=[org.pk])).content.decode()


# --- Accounts carry a version too ---------------------------------------------------------------------------

def test_two_administrators_editing_one_account_cannot_overwrite_each_other(client, sysadmin):
    from django.core.exceptions import ValidationError

    from jindu.core.services import user_update

    user = create_user("edited_twice", ["county_officer"], "540102", email="a@example.cn")
    base = user.version
    user_update(actor=sysadmin, instance=user, data={"email": "first@example.cn", "version": base})
    with pytest.raises(ValidationError):
        user_update(actor=sysadmin, instance=user, data={"email": "second@example.cn", "version": base})
    user.refresh_from_db()
    assert (user.email, user.version) == ("first@example.cn", base + 1)
    client.force_login(sysadmin)
    client.cookies["jindu_language"] = "en"
    response = client.post(reverse("core:user_edit", args=[user.pk]), {
        "username": user.username, "last_name": "x", "email": "third@example.cn", "region": region("540102").pk,
        "is_active": "on", "version": base})
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
