"""Login, lockout, sessions, password rules and security headers."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jindu.common.testing import TEST_PASSWORD, create_user
from jindu.common.testing.helpers import login_with_two_factors
from jindu.core.models import AuditLog

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_and_logout_are_audited(client, officer):
    response = login(client, officer.username, TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert AuditLog.objects.filter(action="auth.login", actor=officer).count() == 1
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="auth.logout", actor=officer).count() == 1
    assert client.get(reverse("home")).status_code == 302


def test_unknown_user_and_wrong_password_answer_identically(client, officer):
    wrong = login(client, officer.username, "Wrong-Passw0rd!")
    unknown = login(client, "nobody_here", "Wrong-Passw0rd!")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    failures = AuditLog.objects.filter(action="auth.login_failed")
    assert {e.extra["username"] for e in failures} >= {officer.username, "nobody_here"}


def test_five_failures_lock_the_account_for_15_minutes(client, officer):
    start = timezone.now()
    with freeze_time(start) as clock:
        for _ in range(5):
            login(client, officer.username, "Wrong-Passw0rd!")
            clock.tick(timedelta(seconds=30))
        response = login(client, officer.username, TEST_PASSWORD)
        assert response.status_code == 403
        assert "15" in response.content.decode()
        assert AuditLog.objects.filter(action="auth.locked_out").exists()
        clock.tick(timedelta(minutes=14))
        assert login(client, officer.username, TEST_PASSWORD).status_code == 403
        clock.tick(timedelta(minutes=2))
        response = login(client, officer.username, TEST_PASSWORD)
        assert response.status_code == 302


def test_four_failures_do_not_lock(client, officer):
    for _ in range(4):
        login(client, officer.username, "Wrong-Passw0rd!")
    assert login(client, officer.username, TEST_PASSWORD).status_code == 302


def test_session_expires_after_30_idle_minutes(client, officer):
    start = timezone.now()
    with freeze_time(start) as clock:
        login_with_two_factors(client, officer)
        assert client.get(reverse("home")).status_code == 200
        clock.tick(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # activity renews the idle timer
        clock.tick(timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_new_session_key_at_login(client, officer):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    login(client, officer.username, TEST_PASSWORD)
    assert client.session.session_key != before


def test_first_login_must_change_password(client):
    user = create_user("newbie", ["regional_officer"], "540000", must_change_password=True)
    login_with_two_factors(client, user)
    response = client.get(reverse("core:organisation_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    # A fragment the page loads by itself (the header's alerts) gets nothing, never the form swapped into the page.
    assert client.get(reverse("precursors:overdue_alert"), HTTP_HX_REQUEST="true").status_code == 204
    assert client.get("/api/v1/core/organisations").status_code == 401
    response = client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "Gesang-2024-lhasa", "new_password2": "Gesang-2024-lhasa"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Gesang-2024-lhasa")
    assert client.get(reverse("core:organisation_list")).status_code == 200
    assert AuditLog.objects.filter(action="auth.password_changed", actor=user).exists()


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short1A!", False), ("alllowercaseletters", False), ("lowercase123456", False), ("Lowercase123456", True),
     ("Lower-case-words", True), ("1234567890123", False), ("Password123", False), ("拉萨Lhasa2024!", True)],
)
def test_password_rules(password, ok):
    user = create_user("rules_user", [])
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_production_hashes_with_argon2():
    assert settings.PASSWORD_HASHERS[-2] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher("argon2").encode("Gesang-2024-lhasa", get_hasher("argon2").salt()).startswith("argon2$")


def test_security_headers_and_csp(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert "<script>" not in response.content.decode()


def test_csrf_is_enforced(officer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    response = strict.post(reverse("core:organisation_add"), {"name": "x"})
    assert response.status_code == 403


def test_deactivated_user_loses_access(client, officer):
    client.force_login(officer)
    officer.is_active = False
    officer.save()
    assert client.get(reverse("home")).status_code == 302
