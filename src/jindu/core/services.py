"""Write actions of the core app: accounts, roles, reference data."""

import csv
import secrets
import string
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.services import object_create, object_update

from .choices import RegionLevel, RoleCode
from .models import Chemical, Drug, Organisation, Region, Role, User
from .roles import ADMIN_ROLES, ROLE_SCOPE_LEVEL

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_FIELDS = ("username", "first_name", "last_name", "email", "organisation", "region")


def organisation_create(*, actor, data):
    return object_create(actor=actor, model=Organisation, data=data)


def organisation_update(*, actor, instance, data):
    return object_update(actor=actor, instance=instance, data=data)


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
    """Profile fields (not roles, not password) by the system administrator."""
    if not actor.has_perm("core.change_user"):
        raise PermissionDenied("core.change_user")
    fields = {k: v for k, v in data.items() if k in USER_FIELDS + ("is_active",)}
    if "region" in fields:
        validate_roles(instance.role_codes, fields["region"])
    if fields.get("is_active") is False and instance.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = object_update_user(instance, fields)
    return user


def object_update_user(instance, fields):
    before = audit.snapshot(instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["password"])
    instance.save()
    after = audit.snapshot(instance)
    if audit.diff(before, after):
        audit.log_change(instance, "updated", before=before, after=after)
    if fields.get("is_active") is False:
        user_end_sessions(instance)
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
def user_set_password(*, actor, user, password, must_change=False):
    """Change a password (by its owner), or reset it (by the system administrator: must change)."""
    if actor.pk != user.pk and not actor.has_perm("core.change_user"):
        raise PermissionDenied("core.change_user")
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    action = "auth.password_changed" if actor.pk == user.pk else "auth.password_reset"
    audit.log(action, obj=user, user=actor)
    return user


def user_end_sessions(user):
    """End every session of ``user`` (deactivation, reset)."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


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
