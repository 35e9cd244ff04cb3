"""Generic write actions (STYLE rule 5): check permission and scope, validate, save, audit,
in one transaction. Domain services call these and add their own rules around them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import audit
from .scope import object_in_scope, permission_name


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


@transaction.atomic
def object_create(*, actor, model, data):
    """Create a ``model`` row from ``data`` (field name -> value) as ``actor``."""
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
    """Update ``instance`` with ``data``; the record must be in scope before and after."""
    model = type(instance)
    locked = model._base_manager.select_for_update().get(pk=instance.pk)
    _require(actor, locked, "change")
    before = audit.snapshot(locked)
    m2m = _assign(locked, data)
    locked.full_clean()
    _require(actor, locked, "change")  # the edit must not move the record out of the actor's scope
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    after = audit.snapshot(locked)
    if audit.diff(before, after):
        audit.log_change(locked, "updated", before=before, after=after)
    return locked


@transaction.atomic
def object_delete(*, actor, instance):
    _require(actor, instance, "delete")
    before = audit.snapshot(instance)
    pk = instance.pk
    instance.delete()
    instance.pk = pk
    audit.log_change(instance, "deleted", before=before)
