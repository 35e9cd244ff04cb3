"""The audit log: one API for change records and action records, and the hash chain.

Two layers (STYLE rule 7):
- change records, ``<app>.<model>.created|updated|deleted`` with before/after snapshots,
  written by the generic services and the import engine;
- action records with registered codes (``auth.login_failed``, ``core.user.roles_changed``,
  ``<app>.<model>.viewed``, ``<app>.<model>.exported`` ...).

Rows are appended under a lock on the chain head; each row's hash covers the previous hash
and the row's content, so any edit, deletion or insertion in the middle breaks the chain
at that row, and a truncated tail no longer matches the head.
"""

import contextvars
import datetime
import decimal
import hashlib
import json
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context
from .masking import mask_value

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "time", "actor_id", "actor_name", "action", "source", "request_id", "remote_addr",
    "object_type", "object_id", "object_repr", "before", "after", "extra", "prev_hash",
)
SKIPPED_SNAPSHOT_FIELDS = {"created", "last_updated", "password", "last_login"}


def audit_model():
    return apps.get_model(settings.JINDU_AUDIT_MODEL)


def head_model():
    return apps.get_model("core", "AuditChainHead")


def jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, FieldFile):  # an empty file field has no url: never touch it
        return value.name or ""
    return str(value)


def snapshot(instance):
    """The instance's field values as JSON-safe primitives, sensitive fields masked."""
    masked = set(getattr(instance, "audit_masked_fields", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED_SNAPSHOT_FIELDS:
            continue
        value = field.value_from_object(instance)
        if field.name in masked:
            value = mask_value(field.name, value)
        data[field.attname if isinstance(field, models.ForeignKey) else field.name] = jsonable(value)
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(jsonable(related.pk) for related in field.value_from_object(instance))
    return data


# A record's version (common.features.VersionedModel) changes with every change: not a change itself.
DIFF_IGNORED = {"version"}


def diff(before, after):
    """Keys whose values differ between two snapshots (the version number aside)."""
    keys = (set(before or {}) | set(after or {})) - DIFF_IGNORED
    return sorted(k for k in keys if (before or {}).get(k) != (after or {}).get(k))


def canonical(row):
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(fields):
    return hashlib.sha256(canonical({k: fields[k] for k in HASHED_FIELDS}).encode("utf-8")).hexdigest()


def _row_fields(entry):
    fields = {k: getattr(entry, k) for k in HASHED_FIELDS}
    fields["time"] = entry.time.astimezone(datetime.UTC).isoformat()
    return fields


class _Batch:
    def __init__(self, size):
        self.size = size
        self.entries = []


# Per thread and per asyncio task: another request's audit rows never land in an import's buffer.
_batch_stack = contextvars.ContextVar("jindu_audit_batch", default=())


@contextmanager
def batch(size=2000):
    """Buffer audit rows (an import writes one per record) and append them in bulk, ``size`` at a time."""
    current = _Batch(size)
    token = _batch_stack.set((*_batch_stack.get(), current))
    try:
        yield current
        _flush(current)
    finally:
        _batch_stack.reset(token)


def _append(entries):
    """Append entries to the chain under the head lock; the only writer of audit rows."""
    if not entries:
        return
    Audit = audit_model()
    # Inside the caller's transaction no savepoint is needed (two round trips less per write): an audit row
    # that cannot be written fails the whole transaction anyway.
    with transaction.atomic(savepoint=False):
        head, _ = head_model().objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.seq, head.hash
        for entry in entries:
            seq += 1
            entry.seq = seq
            entry.prev_hash = prev
            entry.hash = compute_hash(_row_fields(entry))
            prev = entry.hash
        Audit.objects.bulk_create(entries, batch_size=500)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])


def _flush(current):
    entries, current.entries = current.entries, []
    _append(entries)


def _object_fields(obj=None, object_type="", object_id="", object_repr=""):
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk or "")
        object_repr = object_repr or str(obj)
    return object_type, str(object_id), str(object_repr)[:200]


def log(action, *, obj=None, object_type="", object_id="", object_repr="", before=None, after=None,
        extra=None, user=None):
    """Append one audit row for ``action`` in the current actor context."""
    ctx = context.current()
    actor = user if user is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    object_type, object_id, object_repr = _object_fields(obj, object_type, object_id, object_repr)
    entry = audit_model()(
        time=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.get_username() if actor is not None else "system",
        action=action,
        source=ctx.source,
        request_id=ctx.request_id,
        remote_addr=ctx.remote_addr or "",
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=jsonable(before),
        after=jsonable(after),
        extra=jsonable({**ctx.extra, **(extra or {})}),
    )
    stack = _batch_stack.get()
    if stack:
        current = stack[-1]
        current.entries.append(entry)
        if len(current.entries) >= current.size:
            _flush(current)
    else:
        _append([entry])
    return entry


def action_code(obj_or_model, verb):
    meta = obj_or_model._meta
    return f"{meta.app_label}.{meta.model_name}.{verb}"


def log_change(obj, verb, before=None, after=None):
    """A change record: ``verb`` is created, updated or deleted."""
    if after is None and verb != "deleted":
        after = snapshot(obj)
    extra = {"changed": diff(before, after)} if verb == "updated" else None
    return log(action_code(obj, verb), obj=obj, before=before, after=after, extra=extra)


def log_view(user, obj):
    """A read of a sensitive record (models with ``audit_views = True``)."""
    if getattr(type(obj), "audit_views", False):
        log(action_code(obj, "viewed"), obj=obj, user=user)


def verify(using=None):
    """Recompute the chain. Returns (ok, rows checked, first broken seq or None, reason).

    ``using``: a database alias other than the default (the restore drill checks its scratch copy).
    """
    Audit = audit_model()
    prev = GENESIS
    expected_seq = 0
    checked = 0
    for row in Audit.objects.using(using).order_by("seq").iterator(chunk_size=2000):
        expected_seq += 1
        if row.seq != expected_seq:
            return False, checked, row.seq, f"seq {row.seq} follows {expected_seq - 1}: rows are missing"
        if row.prev_hash != prev:
            return False, checked, row.seq, "prev_hash does not match the row before"
        if compute_hash(_row_fields(row)) != row.hash:
            return False, checked, row.seq, "content does not match its hash"
        prev = row.hash
        checked += 1
    head = head_model().objects.using(using).filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (expected_seq, prev):
        return False, checked, expected_seq + 1, f"the chain head says {head_seq} rows, the log ends at {expected_seq}"
    return True, checked, None, ""
