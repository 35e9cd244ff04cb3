"""Write actions of the enforcement records (STYLE rule 5).

Views, the API, the importers and the demo loader all call these. Each is atomic, validates
the record (``full_clean`` and the rules below), checks the actor's region scope before and
after the write and leaves audit rows, through ``jindu.common.services``.

Rules that live here, beyond plain data entry:
- a case is filed with status "open" and every later status is a dated history row;
- a suspect's identity number is checked (GB 11643), birth date and sex are derived from it
  (or must agree with it), and the suspect is attached to the one :class:`Identity` that holds
  that number (or that nationality and passport), so a person's cases can be listed together;
- a checkpoint interception names an organisation of kind "checkpoint";
- deleting voids (``common.features.VoidableModel``): a reason is required, the record is hidden
  everywhere (lists, statistics) and can be restored; a case with live suspects or seizures is
  not voided (void those first). Updates carry the version they were based on (``data["version"]``).

``actor`` is a user, or the import engine's built-in system actor (command-line imports and
``jindu demo``), which may write everywhere.
"""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.common import audit
from jindu.common.identifiers import check_id_consistency, normalise_id_number
from jindu.common.scope import object_in_scope
from jindu.common.services import object_create, object_delete, object_restore, object_update

from .choices import CaseStatus
from .models import (
    Case,
    CaseStatusChange,
    Eradication,
    Fugitive,
    Identity,
    Interception,
    Operation,
    Seizure,
    Suspect,
    id_hash_of,
)

CHECKPOINT_KIND = "checkpoint"


class _Everywhere:
    """What the common scope checks see for the system actor: every permission, a scope
    region whose path prefixes every region's path."""

    pk = None
    is_authenticated = True
    is_active = True
    username = "system"
    scope_region = SimpleNamespace(path="", code="")

    def has_perm(self, perm, obj=None):
        return True

    def get_username(self):
        return self.username


EVERYWHERE = _Everywhere()


def principal(actor):
    """The actor as the scope checks of ``jindu.common.services`` expect it.

    The import engine's ``SYSTEM`` actor is not a user account; it stands for whoever runs
    ``jindu`` on the server and may write in every region.
    """
    from jindu.common.importing import SystemActor

    if isinstance(actor, SystemActor | _Everywhere):
        return EVERYWHERE
    if actor is None:
        raise PermissionDenied("no actor")
    return actor


def _require(actor, obj, action):
    if not object_in_scope(principal(actor), obj, action):
        raise PermissionDenied("out of scope")


# --- Operations ------------------------------------------------------------------------------


def operation_create(*, actor, data):
    return object_create(actor=principal(actor), model=Operation, data=data)


def operation_update(*, actor, instance, data):
    return object_update(actor=principal(actor), instance=instance, data=data)


@transaction.atomic
def operation_get_or_create(*, actor, name):
    """The operation called ``name``, created when there is none. Returns (operation, created)."""
    name = (name or "").strip()
    existing = Operation.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    return operation_create(actor=actor, data={"name": name}), True


# --- Cases -------------------------------------------------------------------------------------


@transaction.atomic
def case_create(*, actor, data):
    """File a case: status "open", with the first row of its status history dated ``filed_on``."""
    data = {key: value for key, value in data.items() if key != "status"}
    case = object_create(actor=principal(actor), model=Case, data=data)
    CaseStatusChange.objects.create(case=case, status=CaseStatus.OPEN, changed_on=case.filed_on)
    return case


@transaction.atomic
def case_update(*, actor, instance, data):
    """Edit a case's data. The status changes only through :func:`case_change_status`."""
    data = {key: value for key, value in data.items() if key != "status"}
    old_filed_on, old_region_id = instance.filed_on, instance.region_id
    case = object_update(actor=principal(actor), instance=instance, data=data)
    if case.region_id != old_region_id:
        # Suspects and seizures take the region of their case (their copy of it follows, voided ones too).
        Suspect.all_objects.filter(case=case).update(region=case.region)
        Seizure.all_objects.filter(case=case).update(region=case.region)
    if case.filed_on != old_filed_on:
        # The filing row of the history follows the filing date.
        first = case.status_changes.order_by("changed_on", "id").first()
        if first is not None and first.status == CaseStatus.OPEN and first.changed_on == old_filed_on:
            first.changed_on = case.filed_on
            first.save(update_fields=["changed_on", "last_updated"])
    return case


@transaction.atomic
def case_change_status(*, actor, case, status, changed_on, note=""):
    """Move a case to ``status`` on ``changed_on`` (破案, 移送起诉, 结案 ...), keeping the dated history."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require(actor, locked, "change")
    errors = {}
    if status not in CaseStatus.values:
        errors["status"] = _("Unknown case status.")
    elif status == locked.status:
        errors["status"] = _("The case already has this status.")
    if changed_on is None:
        errors["changed_on"] = _("A date is required.")
    else:
        last = locked.status_changes.order_by("-changed_on", "-id").first()
        if changed_on < locked.filed_on:
            errors["changed_on"] = _("The status cannot change before the case was filed ({date}).").format(
                date=locked.filed_on.isoformat())
        elif last is not None and changed_on < last.changed_on:
            errors["changed_on"] = _("The date lies before the last status change ({date}).").format(
                date=last.changed_on.isoformat())
        elif changed_on > timezone.localdate():
            errors["changed_on"] = _("The date lies in the future.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(locked)
    locked.status = status
    locked.version += 1  # an edit form opened before the change is now stale
    locked.save(update_fields=["status", "version", "last_updated"])
    change = CaseStatusChange(case=locked, status=status, changed_on=changed_on, note=(note or "").strip())
    change.full_clean()
    change.save()
    # A change record of the case (its status field), as for any edit; the dated step is the history row.
    audit.log_change(locked, "updated", before=before, after=audit.snapshot(locked))
    return locked


@transaction.atomic
def case_delete(*, actor, instance, reason="", version=None):
    """Void a case (reason required). Its suspects and seizures count with it: void them first."""
    if Suspect.objects.filter(case=instance).exists() or Seizure.objects.filter(case=instance).exists():
        raise ValidationError(_("{case} still has suspects or seizures: void them first.").format(case=instance))
    return object_delete(actor=principal(actor), instance=instance, reason=reason, version=version)


# --- Suspects and identities -------------------------------------------------------------------


def _normalise_person(data):
    data = dict(data)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    if "id_number" in data:
        data["id_number"] = normalise_id_number(data["id_number"])
    if "nationality" in data:
        data["nationality"] = (data["nationality"] or "CN").strip().upper()
    if "passport_no" in data:
        data["passport_no"] = (data["passport_no"] or "").strip().upper()
    for key in ("sex",):
        if key in data and data[key] is None:
            data[key] = ""
    return data


def _check_identity_fields(data):
    """The identity rules of DESIGN.md: a Chinese ID passes GB 11643 and agrees with birth date
    and sex (which are derived from it when not given); a foreign national has no Chinese ID."""
    id_number = data.get("id_number") or ""
    nationality = data.get("nationality") or "CN"
    if not id_number:
        return data
    if nationality != "CN":
        raise ValidationError({"id_number": _("A foreign national has no Chinese identity number; "
                                              "record the passport number instead.")})
    try:
        birth, sex = check_id_consistency(id_number, data.get("birth_date"), data.get("sex") or None)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"id_number": error.messages}) from None
    data["birth_date"], data["sex"] = birth, sex
    return data


def prepare_suspect_data(data):
    """Suspect field values as the services store them: trimmed, upper-case codes, and birth date
    and sex derived from a Chinese ID (the importer compares rows with stored records this way)."""
    return _check_identity_fields(_normalise_person(data))


def _identity_for(actor, data):
    """The identity a suspect record belongs to: matched on identity number, else on nationality
    and passport number; a person with neither gets an identity of their own."""
    id_number, passport_no = data.get("id_number") or "", data.get("passport_no") or ""
    nationality = data.get("nationality") or "CN"
    identity = None
    if id_number:
        identity = Identity.objects.select_for_update().filter(id_hash=id_hash_of(id_number)).first()
    elif passport_no:
        identity = Identity.objects.select_for_update().filter(nationality=nationality,
                                                               passport_no=passport_no).first()
    if identity is None:
        identity = Identity(id_number=id_number, nationality=nationality, passport_no=passport_no,
                            name=data.get("name") or "", sex=data.get("sex") or "", birth_date=data.get("birth_date"))
        identity.full_clean()
        identity.save()
        audit.log_change(identity, "created")
        return identity
    # Fill what the identity does not know yet; a name recorded earlier stays (aliases live on the suspects).
    before = audit.snapshot(identity)
    if not identity.sex and data.get("sex"):
        identity.sex = data["sex"]
    if identity.birth_date is None and data.get("birth_date"):
        identity.birth_date = data["birth_date"]
    if id_number and not identity.passport_no and passport_no:
        identity.passport_no = passport_no
    after = audit.snapshot(identity)
    if audit.diff(before, after):
        identity.full_clean()
        identity.save()
        audit.log_change(identity, "updated", before=before, after=after)
    return identity


def _drop_orphan(identity):
    if identity is not None and not identity.suspects.exists():
        before = audit.snapshot(identity)
        pk = identity.pk
        identity.delete()
        identity.pk = pk
        audit.log_change(identity, "deleted", before=before)


@transaction.atomic
def suspect_create(*, actor, data):
    """Record a suspect of a case, attached to the identity their ID (or passport) designates."""
    data = _check_identity_fields(_normalise_person({"nationality": "CN", "id_number": "", **data}))
    case = data.get("case")
    if case is not None:
        data["region"] = case.region
        _require(actor, Suspect(case=case, region=case.region), "add")
    data["identity"] = _identity_for(actor, data)
    return object_create(actor=principal(actor), model=Suspect, data=data)


@transaction.atomic
def suspect_update(*, actor, instance, data):
    """Edit a suspect; a changed ID, nationality or passport moves them to the matching identity."""
    merged = {name: getattr(instance, name) for name in ("name", "id_number", "nationality", "passport_no", "sex",
                                                         "birth_date")}
    if "id_number" in data and normalise_id_number(data["id_number"]) != instance.id_number:
        # A new number derives its own birth date and sex unless they are given too.
        merged.pop("birth_date"), merged.pop("sex")
    merged.update(data)
    data = _check_identity_fields(_normalise_person(merged))
    _require(actor, instance, "change")
    data["region"] = (data.get("case") or instance.case).region
    old_identity = instance.identity
    keys = ("id_number", "nationality", "passport_no")
    if any(data.get(key) != getattr(old_identity, key) for key in keys):
        data["identity"] = _identity_for(actor, data)
    suspect = object_update(actor=principal(actor), instance=instance, data=data)
    if suspect.identity_id != old_identity.pk:
        _drop_orphan(Identity.objects.filter(pk=old_identity.pk).first())
    else:
        _follow_single_suspect(suspect)
    return suspect


def _follow_single_suspect(suspect):
    """An identity known from one suspect record only takes that record's corrections (a misspelt name)."""
    identity = Identity.objects.select_for_update().get(pk=suspect.identity_id)
    if identity.suspects.count() != 1:
        return
    before = audit.snapshot(identity)
    identity.name, identity.sex, identity.birth_date = suspect.name, suspect.sex, suspect.birth_date
    after = audit.snapshot(identity)
    if audit.diff(before, after):
        identity.save()
        audit.log_change(identity, "updated", before=before, after=after)


def suspect_delete(*, actor, instance, reason="", version=None):
    """Void a suspect record; the identity stays (a restored record finds it again) and is seen
    only through the records still live."""
    return object_delete(actor=principal(actor), instance=instance, reason=reason, version=version)


# --- Seizures ----------------------------------------------------------------------------------


def _with_case_region(data, instance=None):
    """A seizure takes the region of its case."""
    case = data.get("case") or (instance.case if instance is not None else None)
    return {**data, "region": case.region} if case is not None else data


def seizure_create(*, actor, data):
    return object_create(actor=principal(actor), model=Seizure, data=_with_case_region(data))


def seizure_update(*, actor, instance, data):
    return object_update(actor=principal(actor), instance=instance, data=_with_case_region(data, instance))


# --- Fugitives ---------------------------------------------------------------------------------


def _normalise_id_field(data):
    data = dict(data)
    if "id_number" in data:
        data["id_number"] = normalise_id_number(data["id_number"])
    return data


def _check_fugitive(data, instance=None):
    wanted = data.get("wanted_since", getattr(instance, "wanted_since", None))
    captured = data.get("captured_on", getattr(instance, "captured_on", None))
    if wanted and captured and captured < wanted:
        raise ValidationError({"captured_on": _("A fugitive cannot be captured before being wanted.")})
    return _normalise_id_field(data)


def fugitive_create(*, actor, data):
    return object_create(actor=principal(actor), model=Fugitive, data=_check_fugitive(data))


def fugitive_update(*, actor, instance, data):
    return object_update(actor=principal(actor), instance=instance, data=_check_fugitive(data, instance))


def fugitive_capture(*, actor, instance, captured_on, capturing_unit=None):
    """Record the capture of a fugitive (查获网逃人员)."""
    return fugitive_update(actor=actor, instance=instance,
                           data={"captured_on": captured_on, "capturing_unit": capturing_unit})


# --- Eradication -------------------------------------------------------------------------------


def _check_position(data, instance=None):
    """Latitude and longitude come together (the database says so too; this names the missing one)."""
    latitude = data.get("latitude", getattr(instance, "latitude", None))
    longitude = data.get("longitude", getattr(instance, "longitude", None))
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise ValidationError({missing: _("A position needs both latitude and longitude.")})
    return data


def eradication_create(*, actor, data):
    return object_create(actor=principal(actor), model=Eradication, data=_check_position(data))


def eradication_update(*, actor, instance, data):
    return object_update(actor=principal(actor), instance=instance, data=_check_position(data, instance))


# --- Interceptions -----------------------------------------------------------------------------


def _check_checkpoint(data):
    checkpoint = data.get("checkpoint")
    if checkpoint is not None and checkpoint.kind != CHECKPOINT_KIND:
        raise ValidationError({"checkpoint": _("{name} is not a checkpoint (its kind is {kind}).").format(
            name=checkpoint.name, kind=checkpoint.get_kind_display())})
    return _normalise_id_field(data)


def interception_create(*, actor, data):
    return object_create(actor=principal(actor), model=Interception, data=_check_checkpoint(data))


def interception_update(*, actor, instance, data):
    return object_update(actor=principal(actor), instance=instance, data=_check_checkpoint(data))


def record_delete(*, actor, instance, reason="", version=None):
    """Void a record (reason required; restorable). A case goes through :func:`case_delete`."""
    if isinstance(instance, Case):
        return case_delete(actor=actor, instance=instance, reason=reason, version=version)
    return object_delete(actor=principal(actor), instance=instance, reason=reason, version=version)


def record_restore(*, actor, instance, reason=""):
    """Bring a voided record back (its unique number must still be free)."""
    return object_restore(actor=principal(actor), instance=instance, reason=reason)
