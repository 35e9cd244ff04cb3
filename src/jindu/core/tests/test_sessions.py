"""Sessions: absolute lifetime, and logout, password change, reset and deactivation end all of a user's
sessions (two clients each); password expiry; dormant accounts."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jindu.common.testing import create_user
from jindu.common.testing.helpers import login_with_two_factors
from jindu.core import services
from jindu.core.models import AuditLog, TOTPDevice, User, UserSession

pytestmark = pytest.mark.django_db


def two_sessions(user):
    first, second = Client(), Client()
    for client in (first, second):
        response = login_with_two_factors(client, user)
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200
    return first, second


def logged_in(client):
    return client.get(reverse("home")).status_code == 200


def test_sessions_are_tracked_per_user(officer):
    first, second = two_sessions(officer)
    keys = set(UserSession.objects.filter(user=officer).values_list("session_key", flat=True))
    assert keys == {first.session.session_key, second.session.session_key}


def test_absolute_lifetime_of_12_hours_despite_activity(officer):
    start = timezone.now()
    with freeze_time(start) as clock:
        client = Client()
        login_with_two_factors(client, officer)
        for _ in range(int(12 * 60 / 25)):  # active every 25 minutes: the idle timeout never strikes
            clock.tick(timedelta(minutes=25))
            assert logged_in(client)
        clock.tick(timedelta(minutes=25))  # now past 12 hours since login
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert AuditLog.objects.filter(action="auth.session_expired", actor=officer).count() == 1


def test_absolute_lifetime_is_configurable(officer, settings):
    settings.JINDU_SESSION_MAX_AGE = 3600
    with freeze_time(timezone.now()) as clock:
        client = Client()
        login_with_two_factors(client, officer)
        for minutes in (25, 25, 9):
            clock.tick(timedelta(minutes=minutes))
            assert logged_in(client)
        clock.tick(timedelta(minutes=2))
        assert not logged_in(client)


def test_absolute_lifetime_applies_to_the_api(officer, settings):
    with freeze_time(timezone.now()) as clock:
        client = Client()
        login_with_two_factors(client, officer)
        assert client.get("/api/v1/core/regions").status_code == 200
        clock.tick(timedelta(hours=12, minutes=1))
        assert client.get("/api/v1/core/regions").status_code == 401


def test_logout_ends_every_session_of_the_user(officer, county_officer):
    first, second = two_sessions(officer)
    bystander = Client()
    login_with_two_factors(bystander, county_officer)
    old_cookie = first.cookies["jindu_session"].value
    first.post(reverse("logout"))
    assert not logged_in(first) and not logged_in(second)
    assert logged_in(bystander)
    replay = Client()
    replay.cookies["jindu_session"] = old_cookie  # an old cookie replayed after logout
    assert not logged_in(replay)
    assert not UserSession.objects.filter(user=officer).exists()


def test_password_change_ends_the_other_sessions(officer):
    first, second = two_sessions(officer)
    before = first.session.session_key
    response = first.post(reverse("password_change"), {
        "old_password": "Test-Passw0rd!", "new_password1": "Gesang-2024-lhasa", "new_password2": "Gesang-2024-lhasa"})
    assert response.status_code == 302
    assert logged_in(first) and not logged_in(second)
    assert first.session.session_key != before
    assert UserSession.objects.filter(user=officer).count() == 1
    assert AuditLog.objects.filter(action="auth.sessions_ended", object_id=str(officer.pk)).exists()


def test_password_reset_ends_every_session(client, sysadmin, officer):
    first, second = two_sessions(officer)
    client.force_login(sysadmin)
    client.post(reverse("core:user_reset_password", args=[officer.pk]))
    assert not logged_in(first) and not logged_in(second)


def test_deactivation_ends_every_session(client, sysadmin):
    user = create_user("to_deactivate", ["county_officer"], "540102")
    first, second = two_sessions(user)
    services.user_update(actor=sysadmin, instance=user, data={"is_active": False})
    assert not logged_in(first) and not logged_in(second)
    assert not UserSession.objects.filter(user=user).exists()


# --- Password expiry ------------------------------------------------------------------------------

def test_expired_password_must_be_changed_first(client, settings):
    settings.JINDU_PASSWORD_MAX_AGE_DAYS = 90
    user = create_user("old_password", ["county_officer"], "540102")
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    client.force_login(user)
    response = client.get(reverse("core:organisation_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get("/api/v1/core/organisations").status_code == 401
    assert client.get(reverse("password_change")).status_code == 200
    client.post(reverse("password_change"), {"old_password": "Test-Passw0rd!", "new_password1": "Gesang-2024-lhasa",
                                              "new_password2": "Gesang-2024-lhasa"})
    assert client.get(reverse("core:organisation_list")).status_code == 200


def test_recent_password_and_expiry_off_are_left_alone(client, settings):
    user = create_user("recent_password", ["county_officer"], "540102")
    user.password_changed_at = timezone.now() - timedelta(days=89)
    user.save()
    client.force_login(user)
    settings.JINDU_PASSWORD_MAX_AGE_DAYS = 90
    assert client.get(reverse("core:organisation_list")).status_code == 200
    user.password_changed_at = timezone.now() - timedelta(days=400)
    user.save()
    settings.JINDU_PASSWORD_MAX_AGE_DAYS = 0
    assert client.get(reverse("core:organisation_list")).status_code == 200


# --- Dormant accounts ------------------------------------------------------------------------------

def test_disable_dormant_disables_after_90_days_and_is_audited():
    now = timezone.now()
    dormant = create_user("dormant", ["county_officer"], "540102", last_login=now - timedelta(days=91))
    recent = create_user("recent", ["county_officer"], "540102", last_login=now - timedelta(days=89))
    never = create_user("never_used", ["county_officer"], "540102")
    User.objects.filter(pk=never.pk).update(date_joined=now - timedelta(days=100))
    fresh = create_user("fresh_account", ["county_officer"], "540102")
    TOTPDevice.objects.create(user=dormant, name="a", key=TOTPDevice.new_key())
    out = io.StringIO()
    call_command("disable_dormant", stdout=out)
    states = dict(User.objects.filter(pk__in=[dormant.pk, recent.pk, never.pk, fresh.pk]).values_list(
        "username", "is_active"))
    assert states == {"dormant": False, "recent": True, "never_used": False, "fresh_account": True}
    assert "2 dormant account(s) disabled" in out.getvalue()
    entries = AuditLog.objects.filter(action="core.user.disabled_dormant")
    assert {e.object_repr for e in entries} == {"dormant", "never_used"}
    assert entries.first().source == "cli"
    assert not TOTPDevice.objects.filter(user=dormant).exists()


def test_dormant_period_is_configurable(settings):
    settings.JINDU_DORMANT_DAYS = 30
    user = create_user("a_month", ["county_officer"], "540102", last_login=timezone.now() - timedelta(days=31))
    call_command("disable_dormant", stdout=io.StringIO())
    user.refresh_from_db()
    assert not user.is_active
