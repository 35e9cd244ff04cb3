"""Two-factor login (password + TOTP, RFC 6238): enrolment with a QR code, recovery codes, no replay, lock."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jindu.common.testing import TEST_PASSWORD, create_user
from jindu.common.testing.helpers import confirmed_device, login_with_two_factors, totp_now
from jindu.core.models import AuditLog, RecoveryCodeDevice, TOTPDevice

pytestmark = pytest.mark.django_db

# Pages a session that passed only the password must not reach (a sample of every kind).
PROTECTED = ["home", "core:organisation_list", "core:organisation_add", "core:region_list", "core:user_list",
             "core:auditlog_list", "core:security_settings", "password_change", "importing:index"]


def password_step(client, user, password=TEST_PASSWORD):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    return response


def test_a_password_only_session_reaches_only_the_two_factor_pages(client, officer):
    password_step(client, officer)
    for name in PROTECTED:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("core:otp_setup")), (name, response["Location"])
    assert client.get("/api/v1/core/organisations").status_code == 401
    assert client.get(reverse("core:otp_setup")).status_code == 200
    confirmed_device(officer)
    assert client.get(reverse("home"))["Location"].startswith(reverse("core:otp_verify"))
    assert client.get(reverse("core:otp_verify")).status_code == 200


def test_enrolment_with_qr_code_then_recovery_codes_shown_once(client, officer):
    password_step(client, officer)
    page = client.get(reverse("core:otp_setup"))
    assert page.status_code == 200 and b'id="otp-qr"' in page.content and b"<script>" not in page.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert device.base32_key[:4] in page.content.decode()
    qr = client.get(reverse("core:otp_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") and b'xmlns="http://www.w3.org/2000/svg"' in qr.content  # an image
    assert b"<script" not in qr.content

    wrong = client.post(reverse("core:otp_setup"), {"token": "000000" if totp_now(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    response = client.post(reverse("core:otp_setup"), {"token": totp_now(device)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:otp_recovery_codes"))
    codes = client.get(response["Location"]).context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    # shown once: the next visit has nothing to show
    assert client.get(reverse("core:otp_recovery_codes"))["Location"] == reverse("core:otp_manage")
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:otp_qr")).status_code == 404  # the secret is not shown again
    assert client.get(reverse("core:otp_setup"))["Location"] == reverse("core:otp_manage")
    assert AuditLog.objects.filter(action="auth.2fa_enrolled", actor=officer).count() == 1
    # Recovery codes are stored as keyed hashes only.
    stored = RecoveryCodeDevice.objects.get(user=officer).code_hashes
    assert len(stored) == 10 and not any(code.replace("-", "") in "".join(stored) for code in codes)


def test_the_secret_is_encrypted_at_rest(officer):
    device = confirmed_device(officer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM core_totpdevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert device.key not in stored and ":" in stored


def test_a_code_cannot_be_used_twice(client, officer):
    device = confirmed_device(officer)
    with freeze_time(timezone.now()):
        code = totp_now(device)
        password_step(client, officer)
        assert client.post(reverse("core:otp_verify"), {"token": code}).status_code == 302
        client.post(reverse("logout"))
        password_step(client, officer)
        replay = client.post(reverse("core:otp_verify"), {"token": code})
        assert replay.status_code == 400
        assert "wrong, expired or used already" in replay.content.decode() or replay.context["form"].errors
        assert client.get(reverse("home")).status_code == 302


def test_an_old_code_is_refused(client, officer):
    device = confirmed_device(officer)
    start = timezone.now()
    with freeze_time(start) as clock:
        code = totp_now(device)
        clock.tick(timedelta(seconds=95))  # three steps later: outside the tolerance of one step
        password_step(client, officer)
        assert client.post(reverse("core:otp_verify"), {"token": code}).status_code == 400


def test_a_recovery_code_works_once(client, officer):
    confirmed_device(officer)
    codes = RecoveryCodeDevice.objects.create(user=officer, name="recovery").generate()
    password_step(client, officer)
    response = client.post(reverse("core:otp_verify"), {"token": codes[0].lower()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    entry = AuditLog.objects.filter(action="auth.2fa_verified", actor=officer).latest("seq")
    assert entry.extra == {"method": "recovery_code", "recovery_codes_left": 9}
    client.post(reverse("logout"))
    password_step(client, officer)
    assert client.post(reverse("core:otp_verify"), {"token": codes[0]}).status_code == 400
    assert client.post(reverse("core:otp_verify"), {"token": codes[1]}).status_code == 302


def test_five_wrong_codes_lock_the_second_factor_for_15_minutes(client, officer):
    device = confirmed_device(officer)
    start = timezone.now()
    with freeze_time(start) as clock:
        password_step(client, officer)
        right = totp_now(device)
        wrong = "123456" if right != "123456" else "654321"
        statuses = [client.post(reverse("core:otp_verify"), {"token": wrong}).status_code for _ in range(5)]
        assert statuses == [400, 400, 400, 400, 429]
        locked = client.post(reverse("core:otp_verify"), {"token": right})
        assert locked.status_code == 429 and "15" in locked.content.decode()
        assert AuditLog.objects.filter(action="auth.2fa_failed", actor=officer).count() == 5
        assert AuditLog.objects.filter(action="auth.2fa_locked", actor=officer).count() == 1
        clock.tick(timedelta(minutes=14))
        assert client.post(reverse("core:otp_verify"), {"token": totp_now(device)}).status_code == 429
        clock.tick(timedelta(minutes=2))
        assert client.post(reverse("core:otp_verify"), {"token": totp_now(device)}).status_code == 302
        assert client.get(reverse("home")).status_code == 200


def test_four_wrong_codes_do_not_lock(client, officer):
    device = confirmed_device(officer)
    password_step(client, officer)
    right = totp_now(device)
    for _ in range(4):
        client.post(reverse("core:otp_verify"), {"token": "123456" if right != "123456" else "654321"})
    assert client.post(reverse("core:otp_verify"), {"token": right}).status_code == 302


def test_the_session_key_changes_when_the_second_factor_passes(client, officer):
    device = confirmed_device(officer)
    password_step(client, officer)
    before = client.session.session_key
    client.post(reverse("core:otp_verify"), {"token": totp_now(device)})
    assert client.session.session_key != before


def test_full_login_reaches_pages_and_the_api(client, officer):
    response = login_with_two_factors(client, officer)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/core/organisations").status_code == 200


def test_next_is_kept_through_the_second_factor(client, officer):
    device = confirmed_device(officer)
    password_step(client, officer)
    response = client.get(reverse("core:organisation_list"))
    assert response["Location"] == reverse("core:otp_verify") + "?next=%2Fcore%2Forganisations%2F"
    response = client.post(response["Location"], {"token": totp_now(device), "next": "/core/organisations/"})
    assert response["Location"] == "/core/organisations/"
    client.post(reverse("logout"))
    password_step(client, officer)
    response = client.post(reverse("core:otp_verify"), {"token": totp_now(device, 1), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_two_factor_can_be_switched_off_by_setting(client, officer, settings):
    settings.JINDU_2FA_REQUIRED = False
    password_step(client, officer)
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/core/organisations").status_code == 200


def test_security_admin_resets_a_lost_second_factor(client, secadmin):
    user = create_user("lost_phone", ["county_officer"], "540102")
    confirmed_device(user)
    RecoveryCodeDevice.objects.create(user=user, name="recovery").generate()
    other = type(client)()
    login_with_two_factors(other, user)
    assert other.get(reverse("home")).status_code == 200
    client.force_login(secadmin)
    response = client.post(reverse("core:user_reset_2fa", args=[user.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists() and not RecoveryCodeDevice.objects.filter(
        user=user).exists()
    assert other.get(reverse("home")).status_code == 302  # the user's sessions ended
    assert AuditLog.objects.filter(action="auth.2fa_reset", actor=secadmin, object_id=str(user.pk)).count() == 1
    password_step(other, user)
    assert other.get(reverse("home"))["Location"].startswith(reverse("core:otp_setup"))


def test_only_the_security_admin_resets_second_factors(client, sysadmin, officer):
    client.force_login(sysadmin)
    assert client.post(reverse("core:user_reset_2fa", args=[officer.pk])).status_code == 403


def test_deactivation_wipes_the_second_factor(client, sysadmin):
    from jindu.core.services import user_update

    user = create_user("leaving", ["county_officer"], "540102")
    confirmed_device(user)
    user_update(actor=sysadmin, instance=user, data={"is_active": False})
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_codes_are_never_written_to_the_audit_log(client, officer):
    device = confirmed_device(officer)
    password_step(client, officer)
    code = totp_now(device)
    client.post(reverse("core:otp_verify"), {"token": "999999" if code != "999999" else "888888"})
    client.post(reverse("core:otp_verify"), {"token": code})
    for entry in AuditLog.objects.filter(action__startswith="auth.2fa"):
        assert code not in str(entry.extra) and code not in str(entry.after)
