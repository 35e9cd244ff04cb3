"""Write actions of the core app: accounts, roles, reference data."""

import csv
import secrets
import string
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.ratelimit import FailureLock
from jindu.common.services import check_version, object_create, object_delete, object_restore, object_update

from .choices import RegionLevel, RoleCode
from .models import (
    Chemical,
    Drug,
    Organisation,
    RecoveryCodeDevice,
    Region,
    Role,
    TOTPDevice,
    User,
    UserSession,
)
from .roles import ADMIN_ROLES, ROLE_SCOPE_LEVEL

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_FIELDS = ("username", "first_name", "last_name", "email", "organisation", "region")


def organisation_create(*, actor, data):
    return object_create(actor=actor, model=Organisation, data=data)


def organisation_update(*, actor, instance, data):
    """``data["version"]``: the version the edit started from (a stale one is refused, nothing written)."""
    return object_update(actor=actor, instance=instance, data=data)


def organisation_delete(*, actor, instance, reason, version=None):
    """Void the organisation (reason required); ``organisation_restore`` brings it back."""
    return object_delete(actor=actor, instance=instance, reason=reason, version=version)


def organisation_restore(*, actor, instance, reason=""):
    return object_restore(actor=actor, instance=instance, reason=reason)


def validate_roles(role_codes, region):
    """The rules of role assignment, as one ValidationError listing every problem."""
    role_codes = set(role_codes)
    errors = []
    admin = role_codes & ADMIN_ROLES
    if admin and len(role_codes) > 1:
        errors.append(_("An administrator role (system, security or audit) must be the account's only role."))
    for code in sorted(role_codes):
        level = ROLE_SCOPE_LEVEL.get(code)
        if level is None:
            continue
        if region is None:
            errors.append(_("The role “{role}” needs a region scope.").format(role=RoleCode(code).label))
        elif region.level != level:
            errors.append(
                _("The role “{role}” needs a region scope at {level} level; “{region}” is at {actual} level.").format(
                    role=RoleCode(code).label, level=RegionLevel(level).label, region=region.name_zh,
                    actual=RegionLevel(region.level).label,
                )
            )
    if errors:
        raise ValidationError(errors)


def generate_password(length=16):
    """A random password that satisfies the password rules (used for new and reset accounts)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(length - 2))
        candidate = body + secrets.choice("!@#%&*+-") + secrets.choice(string.digits)
        if any(c.islower() for c in candidate) and any(c.isupper() for c in candidate):
            return candidate


@transaction.atomic
def user_create(*, actor, data, password=None, role_codes=(), must_change_password=True):
    """Create an account. Returns (user, password); the password is shown once and must be changed."""
    if actor is not None and not actor.has_perm("core.add_user"):
        raise PermissionDenied("core.add_user")
    user = User(**{k: v for k, v in data.items() if k in USER_FIELDS})
    user.full_clean(exclude=["password"])
    password = password or generate_password()
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = must_change_password
    user.password_changed_at = timezone.now()
    user.save()
    audit.log_change(user, "created")
    if role_codes:
        _set_roles(user, role_codes)
    return user, password


@transaction.atomic
def user_update(*, actor, instance, data):
    """Profile fields (not roles, not password) by the system administrator.

    ``data["version"]``: the version the edit started from (a stale one is refused, nothing written).
    """
    if not actor.has_perm("core.change_user"):
        raise PermissionDenied("core.change_user")
    fields = {k: v for k, v in data.items() if k in USER_FIELDS + ("is_active",)}
    if "region" in fields:
        validate_roles(instance.role_codes, fields["region"])
    if fields.get("is_active") is False and instance.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    locked = User.objects.select_for_update().get(pk=instance.pk)
    check_version(locked, data.get("version"))
    user = object_update_user(locked, fields)
    return user


def object_update_user(instance, fields):
    before = audit.snapshot(instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["password"])
    if audit.diff(before, audit.snapshot(instance)):
        instance.version += 1
    instance.save()
    after = audit.snapshot(instance)
    if audit.diff(before, after):
        audit.log_change(instance, "updated", before=before, after=after)
    if fields.get("is_active") is False:
        user_end_sessions(instance)
        _wipe_second_factor(instance)
    return instance


def _set_roles(user, role_codes):
    validate_roles(role_codes, user.region)
    before = sorted(user.role_codes)
    roles = [Role.objects.get_or_create(code=code)[0] for code in role_codes]
    user.roles.set(roles)
    user.__dict__.pop("_role_codes", None)
    audit.log("core.user.roles_changed", obj=user, before={"roles": before}, after={"roles": sorted(role_codes)})


@transaction.atomic
def user_set_roles(*, actor, user, role_codes, region=None):
    """Assign roles and the region scope: the security administrator's work, never on their own account."""
    if not actor.has_perm("core.assign_roles"):
        raise PermissionDenied("core.assign_roles")
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot change your own roles."))
    if region is not None and region != user.region:
        validate_roles(role_codes, region)
        before = audit.snapshot(user)
        user.region = region
        user.save(update_fields=["region"])
        audit.log_change(user, "updated", before=before, after=audit.snapshot(user))
    _set_roles(user, role_codes)
    return user


@transaction.atomic
def user_set_password(*, actor, user, password, must_change=False, keep_session=None):
    """Change a password (by its owner), or reset it (by the system administrator: must change).

    Every session of the user ends, except ``keep_session`` (the owner's current one, whose key
    the view then cycles).
    """
    if actor.pk != user.pk and not actor.has_perm("core.change_user"):
        raise PermissionDenied("core.change_user")
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    action = "auth.password_changed" if actor.pk == user.pk else "auth.password_reset"
    audit.log(action, obj=user, user=actor)
    ended = user_end_sessions(user, keep=keep_session)
    if ended:
        audit.log("auth.sessions_ended", obj=user, user=actor, extra={"sessions": ended, "cause": action})
    return user


# --- Sessions ------------------------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_session_started(request, user):
    """Record a new login (called on ``user_logged_in``): login time for the absolute lifetime, and the
    session key so that all of a user's sessions can be ended together."""
    from .middleware import SESSION_AUTH_TIME

    session = getattr(request, "session", None)
    if session is None:
        return
    session[SESSION_AUTH_TIME] = time.time()
    if session.session_key is None:
        session.save()
    from jindu.common.middleware import client_ip

    UserSession.objects.update_or_create(session_key=session.session_key, defaults={
        "user": user, "remote_addr": client_ip(request) if hasattr(request, "META") else "",
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200] if hasattr(request, "META") else "",
    })


def user_session_rekeyed(old_key, new_key):
    """The session key changed (second factor passed, own password changed): keep tracking it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def user_session_ended(session_key):
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_end_sessions(user, keep=None):
    """End every session of ``user`` but ``keep`` (logout, password change or reset, deactivation).

    Returns how many sessions were ended. Sessions are found through ``UserSession``; with the
    database session engine, untracked sessions (from before tracking) are found by decoding.
    """
    store = _session_store()
    ended = 0
    for row in list(UserSession.objects.filter(user=user)):
        if keep and row.session_key == keep:
            continue
        store(session_key=row.session_key).delete()
        row.delete()
        ended += 1
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if session.session_key != keep and str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
                ended += 1
    return ended


# --- Two-factor authentication ------------------------------------------------------------------

# 5 wrong codes within 15 minutes lock the second factor of the account for 15 minutes.
def second_factor_lock():
    return FailureLock("otp", settings.JINDU_2FA_FAILURE_LIMIT, settings.JINDU_2FA_LOCK_SECONDS,
                       settings.JINDU_2FA_LOCK_SECONDS)


def totp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def otp_pending_device(user):
    """The unconfirmed authenticator app of an enrolment in progress (created with a fresh secret)."""
    if totp_device(user) is not None:
        raise PermissionDenied("an authenticator app is enrolled already")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False,
                                           key=TOTPDevice.new_key())
    return device


class SecondFactorLocked(Exception):
    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


def _failed(user, method):
    """Audit a wrong code and count it; the failure that reaches the limit locks (audited too)."""
    lock = second_factor_lock()
    audit.log("auth.2fa_failed", obj=user, user=user, extra={"method": method})
    if lock.fail(user.pk):
        audit.log("auth.2fa_locked", obj=user, user=user,
                  extra={"minutes": settings.JINDU_2FA_LOCK_SECONDS // 60})


def otp_check_lock(user):
    seconds = second_factor_lock().locked_for(user.pk)
    if seconds:
        raise SecondFactorLocked(seconds)


@transaction.atomic
def otp_enrol(*, user, device, token):
    """Confirm an enrolment with a first code from the app; returns (device, recovery codes shown once).

    Raises SecondFactorLocked while locked; a wrong code counts towards the lock and returns None.
    """
    otp_check_lock(user)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token):
        _failed(user, "enrolment")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    second_factor_lock().reset(user.pk)
    codes_device, _ = RecoveryCodeDevice.objects.get_or_create(user=user, defaults={"name": "recovery"})
    codes = codes_device.generate()
    audit.log("auth.2fa_enrolled", obj=user, user=user)
    return device, codes


@transaction.atomic
def otp_verify(*, user, token):
    """Check a code (authenticator or recovery code) at login; returns the device that accepted it or None.

    Raises SecondFactorLocked while the account's second factor is locked; a wrong code counts
    towards the lock (``otp_check_lock`` then raises).
    """
    otp_check_lock(user)
    token = str(token or "").strip()
    digits = token.replace(" ", "")
    if digits.isdigit():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        method = "totp"
    else:
        device = RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        method = "recovery_code"
    if device is not None and device.verify_token(digits if method == "totp" else token):
        second_factor_lock().reset(user.pk)
        extra = {"method": method}
        if method == "recovery_code":
            extra["recovery_codes_left"] = device.remaining
        audit.log("auth.2fa_verified", obj=user, user=user, extra=extra)
        return device
    _failed(user, method)
    return None


@transaction.atomic
def otp_new_recovery_codes(*, user):
    device, _ = RecoveryCodeDevice.objects.get_or_create(user=user, defaults={"name": "recovery"})
    codes = device.generate()
    audit.log("auth.2fa_recovery_codes_renewed", obj=user, user=user)
    return codes


def _wipe_second_factor(user):
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


@transaction.atomic
def user_reset_two_factor(*, actor, user):
    """Lost phone: the security administrator removes the user's authenticator and recovery codes; the
    user enrols again at the next login. Every session of the user ends."""
    if not actor.has_perm("core.unlock_user"):
        raise PermissionDenied("core.unlock_user")
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot reset your own second factor."))
    _wipe_second_factor(user)
    second_factor_lock().reset(user.pk)
    user_end_sessions(user)
    audit.log("auth.2fa_reset", obj=user, user=actor)
    return user


# --- Dormant accounts -----------------------------------------------------------------------------


def dormant_users(days=None, now=None):
    """Active accounts without a login for ``days`` (default JINDU_DORMANT_DAYS); never-used accounts
    count from their creation."""
    days = settings.JINDU_DORMANT_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))


@transaction.atomic
def user_disable_dormant(days=None):
    """Disable dormant accounts (daily job): inactive, sessions ended, second factor wiped, audited.

    Returns the usernames disabled."""
    days = settings.JINDU_DORMANT_DAYS if days is None else days
    disabled = []
    for user in dormant_users(days).select_for_update():
        before = audit.snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_end_sessions(user)
        _wipe_second_factor(user)
        audit.log("core.user.disabled_dormant", obj=user, before=before, after=audit.snapshot(user),
                  extra={"days": days, "last_login": audit.jsonable(user.last_login)})
        disabled.append(user.username)
    return disabled


# --- Reference data ---------------------------------------------------------------------------


def _read_csv(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_reference_data():
    """Load or refresh regions, drugs and chemicals from the packaged CSV files. Idempotent.

    Returns a dict of counts of rows created per catalogue."""
    created = {"regions": 0, "drugs": 0, "chemicals": 0}
    by_code = {r.code: r for r in Region.objects.all()}
    for row in _read_csv("regions.csv"):
        values = {
            "parent": by_code.get(row["parent_code"]) if row["parent_code"] else None,
            "level": row["level"], "name_zh": row["name_zh"], "name_en": row["name_en"], "name_bo": row["name_bo"],
        }
        region = by_code.get(row["code"])
        if region is None:
            region = Region(code=row["code"], **values)
            region.save()
            by_code[region.code] = region
            created["regions"] += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(region, k, v)
            region.save()
    for row in _read_csv("drugs.csv"):
        _, was_created = Drug.objects.update_or_create(
            code=row["code"],
            defaults={"name_zh": row["name_zh"], "name_en": row["name_en"], "default_unit": row["default_unit"],
                      "drug_class": row["class"]},
        )
        created["drugs"] += was_created
    for row in _read_csv("precursors.csv"):
        _, was_created = Chemical.objects.update_or_create(
            name_zh=row["name_zh"],
            defaults={"name_en": row["name_en"], "cas": row["cas"], "category": row["category"],
                      "un_table": row["un1988_table"], "notes": row["notes"]},
        )
        created["chemicals"] += was_created
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    if any(created.values()):
        audit.log("core.reference_data.loaded", extra=created)
    return created


def historical_region_codes():
    """Retired address codes still found in identity numbers (never current divisions)."""
    return {row["code"] for row in _read_csv("regions_historical_codes.csv")}
