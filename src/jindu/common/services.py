"""Generic write actions (STYLE rule 5): check permission and scope, validate, save, audit,
in one transaction. Domain services call these and add their own rules around them.

Models with feature mixins (``common.features``) get their rules here, and models without
them behave as before:

- ``VersionedModel``: ``object_update`` compares ``data["version"]`` (the version the edit
  started from; absent = no check, for internal callers) with the locked row and raises
  ``StaleVersionError`` on a mismatch, before anything is written; every write bumps it.
- ``VoidableModel``: ``object_delete`` voids (reason required) instead of deleting;
  ``object_restore`` brings the row back; only ``purge_voided`` deletes, audited.
- ``SealableModel``: ``object_seal`` / ``object_unseal`` with a basis, audited.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .features import StaleVersionError, is_sealable, is_versioned, is_voidable
from .scope import object_in_scope, permission_name

REASON_MAX_LENGTH = 500


def _require(actor, obj, action):
    if not object_in_scope(actor, obj, action):
        raise PermissionDenied(permission_name(type(obj), action))


def _assign(instance, data):
    m2m = {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(instance, name, value)
    return m2m


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def _reason(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for {what}.").format(what=what)}, code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("The reason is longer than {n} characters.").format(n=REASON_MAX_LENGTH)})
    return reason


def _lock(instance):
    return type(instance)._base_manager.select_for_update().get(pk=instance.pk)


def check_version(locked, base_version):
    """Refuse (StaleVersionError) when ``base_version`` is given and is not the row's current version."""
    if base_version in (None, ""):
        return
    try:
        base = int(base_version)
    except (TypeError, ValueError):
        raise StaleVersionError(locked, base_version) from None
    if base != locked.version:
        raise StaleVersionError(locked, base)


def _bump(instance):
    if is_versioned(type(instance)):
        instance.version = (instance.version or 0) + 1


@transaction.atomic
def object_create(*, actor, model, data):
    """Create a ``model`` row from ``data`` (field name -> value) as ``actor``."""
    data = {k: v for k, v in data.items() if not (k == "version" and is_versioned(model))}
    instance = model()
    m2m = _assign(instance, data)
    instance.full_clean()
    _require(actor, instance, "add")
    instance.save()
    for name, value in m2m.items():
        getattr(instance, name).set(value)
    audit.log_change(instance, "created")
    return instance


@transaction.atomic
def object_update(*, actor, instance, data):
    """Update ``instance`` with ``data``; the record must be in scope before and after.

    For a versioned model, ``data["version"]`` is the version the edit started from.
    """
    data = dict(data)
    versioned = is_versioned(type(instance))
    base_version = data.pop("version", None) if versioned else None
    locked = _lock(instance)
    if is_voidable(type(locked)) and locked.voided:
        raise ValidationError(_("{obj} is voided; restore it before editing.").format(obj=locked))
    _require(actor, locked, "change")
    if versioned:
        check_version(locked, base_version)
    before = audit.snapshot(locked)
    m2m = _assign(locked, data)
    locked.full_clean()
    _require(actor, locked, "change")  # the edit must not move the record out of the actor's scope
    changed = bool(audit.diff(before, audit.snapshot(locked))) or any(
        sorted(audit.jsonable(getattr(v, "pk", v)) for v in (value or [])) != before.get(name)
        for name, value in m2m.items())
    if changed:
        _bump(locked)
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    after = audit.snapshot(locked)
    if audit.diff(before, after):
        audit.log_change(locked, "updated", before=before, after=after)
    return locked


@transaction.atomic
def object_delete(*, actor, instance, reason="", version=None):
    """Delete ``instance``; a voidable record is voided instead, and then ``reason`` is required.

    ``version``: for a versioned model, the version the user saw (refused when stale).
    """
    if is_voidable(type(instance)):
        return object_void(actor=actor, instance=instance, reason=reason, version=version)
    _require(actor, instance, "delete")
    before = audit.snapshot(instance)
    pk = instance.pk
    instance.delete()
    instance.pk = pk
    audit.log_change(instance, "deleted", before=before)
    return instance


def _mark(actor, instance, verb, fields, version=None, extra=None):
    """Set ``fields`` on the locked row, bump its version, save only those, audit ``verb`` (before/after)."""
    locked = instance if instance._state.adding else _lock(instance)
    if is_versioned(type(locked)):
        check_version(locked, version)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    _bump(locked)
    update_fields = list(fields) + (["version"] if is_versioned(type(locked)) else [])
    if hasattr(locked, "last_updated"):
        update_fields.append("last_updated")
    locked.save(update_fields=update_fields)
    audit.log(audit.action_code(locked, verb), obj=locked, before=before, after=audit.snapshot(locked), extra=extra)
    return locked


@transaction.atomic
def object_void(*, actor, instance, reason, version=None):
    """Soft delete: mark voided with who, when and why; the row stays and can be restored."""
    if not is_voidable(type(instance)):
        raise TypeError(f"{type(instance).__name__} is not voidable")
    reason = _reason(reason, _("voiding"))
    _require(actor, instance, "delete")
    locked = _lock(instance)
    if locked.voided:
        raise ValidationError(_("{obj} is voided already.").format(obj=locked))
    return _mark(actor, locked, "voided", {
        "voided": True, "voided_at": timezone.now(), "voided_by": _actor_or_none(actor), "void_reason": reason,
    }, version=version, extra={"reason": reason})


@transaction.atomic
def object_restore(*, actor, instance, reason=""):
    """Undo a void. Needs the delete permission (whoever may void may restore) and scope."""
    if not is_voidable(type(instance)):
        raise TypeError(f"{type(instance).__name__} is not voidable")
    _require(actor, instance, "delete")
    locked = _lock(instance)
    if not locked.voided:
        raise ValidationError(_("{obj} is not voided.").format(obj=locked))
    restored = _mark(actor, locked, "restored", {
        "voided": False, "voided_at": None, "voided_by": None, "void_reason": "",
    }, extra={"reason": (reason or "").strip()[:REASON_MAX_LENGTH]})
    restored.full_clean()  # a restored row must still be valid (e.g. its unique name is free)
    return restored


@transaction.atomic
def object_purge(*, instance, reason):
    """Hard delete of a voided row by the retention job (``jindu purge_voided``); audited with a snapshot."""
    if not (is_voidable(type(instance)) and instance.voided):
        raise ValidationError("only voided records are purged")
    before = audit.snapshot(instance)
    pk = instance.pk
    instance.delete()
    instance.pk = pk
    audit.log(audit.action_code(instance, "purged"), obj=instance, before=before, extra={"reason": reason})
    return instance


@transaction.atomic
def object_seal(*, actor, instance, basis):
    """Seal a record (it vanishes from every list, search, export and statistic). ``basis``: why (law, rule)."""
    if not is_sealable(type(instance)):
        raise TypeError(f"{type(instance).__name__} is not sealable")
    basis = _reason(basis, _("sealing"))
    if actor is not None and not getattr(actor, "is_system", False):
        _require(actor, instance, "change")
    locked = _lock(instance)
    if locked.sealed:
        return locked
    return _mark(actor, locked, "sealed", {
        "sealed": True, "sealed_at": timezone.now(), "sealed_by": _actor_or_none(actor), "seal_basis": basis,
    }, extra={"basis": basis})


@transaction.atomic
def object_unseal(*, actor, instance, reason):
    """Lift a seal (a court decision, an error). Needs the open-sealed permission; audited with the reason."""
    if not is_sealable(type(instance)):
        raise TypeError(f"{type(instance).__name__} is not sealable")
    reason = _reason(reason, _("lifting the seal"))
    from .sealing import can_open_sealed

    if not can_open_sealed(actor, type(instance)):
        raise PermissionDenied("open sealed records")
    locked = _lock(instance)
    if not locked.sealed:
        return locked
    return _mark(actor, locked, "unsealed", {
        "sealed": False, "sealed_at": None, "sealed_by": None, "seal_basis": "",
    }, extra={"reason": reason})
