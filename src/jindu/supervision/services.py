"""Write actions of coordination work (STYLE rule 5): ``<entity>_<action>(*, actor, ...)``.

Each checks permission and scope (including the member-unit rule of access.py), validates, writes and
audits in one transaction. Views, the API, the demo and the CLI call these and nothing else.

Who does what:
- office staff (organisation empty or a narcotics control office) write plans, items, tasks, visits and
  assessment schemes, and review reports;
- a member unit's staff report on their own tasks;
- the assigning office accepts or returns a final report; a unit never accepts its own (access.review_refusal).
"""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.common import audit
from jindu.common.context import actor_context
from jindu.common.features import is_versioned, is_voidable
from jindu.common.importing import SYSTEM
from jindu.common.scope import permission_name
from jindu.common.services import object_create, object_delete, object_restore, object_update
from jindu.core.choices import OrganisationKind

from . import access, files, notifications, scoring
from .choices import (
    ReviewDecision,
    SchemeStatus,
    ScoringMethod,
    SubjectKind,
    TaskKind,
    TaskStatus,
    VisitStatus,
)
from .models import (
    AssessmentItem,
    AssessmentResult,
    AssessmentScheme,
    Attachment,
    PlanItem,
    ProgressReport,
    ScoreEntry,
    Task,
    Visit,
    VisitCheck,
    WorkPlan,
)
from .selectors import pending_report

# --- Checks -------------------------------------------------------------------------------------------------


def is_system(actor):
    """The built-in system actor of command-line runs (``jindu demo``, imports without ``--user``): not a user
    account, unrestricted, like the import engine's (common.importing.SYSTEM). Web and API always pass a user."""
    return actor is SYSTEM


def _user(actor):
    return None if is_system(actor) else actor


def _assign(instance, data):
    m2m = {}
    for name, value in data.items():
        if instance._meta.get_field(name).many_to_many:
            m2m[name] = value
        else:
            setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    for name, value in m2m.items():
        getattr(instance, name).set(value)
    return instance


def _create(*, actor, model, data):
    if not is_system(actor):
        return object_create(actor=actor, model=model, data=data)
    instance = _assign(model(), data)
    audit.log_change(instance, "created")
    return instance


def _update(*, actor, instance, data):
    if not is_system(actor):
        return object_update(actor=actor, instance=instance, data=data)
    data = {name: value for name, value in data.items() if name != "version"}
    before = audit.snapshot(instance)
    _assign(instance, data)
    after = audit.snapshot(instance)
    if audit.diff(before, after):
        if is_versioned(type(instance)):  # an open edit form of this record is now stale
            instance.version += 1
            instance.save(update_fields=["version"])
            after = audit.snapshot(instance)
        audit.log_change(instance, "updated", before=before, after=after)
    return instance


def _delete(*, actor, instance, reason="", version=None):
    """Delete ``instance``; plans, items, tasks, visits and schemes are voided (reason required, restorable)."""
    if not is_system(actor):
        if is_voidable(type(instance)):
            return object_delete(actor=actor, instance=instance, reason=reason, version=version)
        return object_delete(actor=actor, instance=instance)
    before, pk = audit.snapshot(instance), instance.pk
    if is_voidable(type(instance)):
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Give the reason for voiding.")})
        instance.voided, instance.voided_at, instance.void_reason = True, timezone.now(), reason[:500]
        instance.version += 1
        instance.save()
        audit.log(audit.action_code(instance, "voided"), obj=instance, before=before, after=audit.snapshot(instance),
                  extra={"reason": reason})
        return instance
    instance.delete()
    instance.pk = pk
    audit.log_change(instance, "deleted", before=before)


def acting(service):
    """Run a service inside the actor's context, so that its audit rows name the actor whoever calls it
    (a view, the API, a test, a command); the system actor keeps the surrounding context."""

    @functools.wraps(service)
    def wrapper(*args, actor, **kwargs):
        if actor is None or is_system(actor):
            return service(*args, actor=actor, **kwargs)
        with actor_context(user=actor):
            return service(*args, actor=actor, **kwargs)

    return wrapper


def _when(actor, at):
    """Now; a historical time only for the system actor (loading past records)."""
    return at if at is not None and is_system(actor) else timezone.now()


def require_office(actor):
    """Plans, tasks, visits and assessments are the offices' work, not the member units'."""
    if is_system(actor):
        return
    if not access.is_office_staff(actor):
        raise PermissionDenied(_("Only narcotics control office staff may do this."))


def _lock(model, instance, actor, action="change"):
    """The row locked for update, if ``actor`` may ``action`` it (else PermissionDenied)."""
    queryset = model.objects.all() if is_system(actor) else model.objects.restrict(actor, action)
    locked = queryset.select_for_update().filter(pk=instance.pk).first()
    if locked is None:
        raise PermissionDenied(permission_name(model, action))
    return locked


def _office_issuer(organisation, field="issuer"):
    if organisation is not None and organisation.kind != OrganisationKind.NCC_OFFICE:
        raise ValidationError({field: _("The issuing office must be a narcotics control office.")})


def _attach(actor, uploads, **owner):
    """Store evidence files (already checked) for one owner record; audited as created records."""
    created = []
    for uploaded, (kind, name, size, digest) in uploads:
        attachment = Attachment(file=files.store(uploaded, kind), name=name, kind=kind, size=size, sha256=digest,
                                uploaded_by=_user(actor), **owner)
        attachment.full_clean()
        attachment.save()
        audit.log_change(attachment, "created")
        created.append(attachment)
    return created


def check_evidence(uploads, field="files"):
    """Validate every evidence file before anything is written: [(file, (kind, name, size, sha256))]."""
    checked, errors = [], []
    for uploaded in uploads or ():
        try:
            checked.append((uploaded, files.check_upload(uploaded, files.EVIDENCE_KINDS)))
        except ValidationError as error:
            errors.extend(f"{files.clean_name(uploaded.name)}: {message}" for message in error.messages)
    if errors:
        raise ValidationError({field: errors})
    return checked


def _document(data):
    """Turn the ``document`` value of a form or API payload into the plan's file fields."""
    if "document" not in data:
        return data
    data = dict(data)
    value = data.pop("document")
    if isinstance(value, UploadedFile):
        try:
            kind, name, _size, digest = files.check_upload(value, files.DOCUMENT_KINDS)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from error
        data.update(document=files.store(value, kind), document_name=name, document_kind=kind,
                    document_sha256=digest)
    elif value is False:  # "clear" ticked on the form
        data.update(document="", document_name="", document_kind="", document_sha256="")
    return data


# --- Work plans ---------------------------------------------------------------------------------------------


@acting
@transaction.atomic
def workplan_create(*, actor, data):
    require_office(actor)
    _office_issuer(data.get("issuer"))
    return _create(actor=actor, model=WorkPlan, data=_document(data))


@acting
@transaction.atomic
def workplan_update(*, actor, instance, data):
    require_office(actor)
    _office_issuer(data.get("issuer"))
    return _update(actor=actor, instance=instance, data=_document(data))


def _item_data(data):
    if "units" in data and not data["units"]:
        raise ValidationError({"units": _("Name at least one responsible unit.")})
    return data


@acting
@transaction.atomic
def planitem_create(*, actor, data):
    require_office(actor)
    return _create(actor=actor, model=PlanItem, data=_item_data(data))


@acting
@transaction.atomic
def planitem_update(*, actor, instance, data):
    require_office(actor)
    return _update(actor=actor, instance=instance, data=_item_data(data))


@acting
@transaction.atomic
def planitem_generate_tasks(*, actor, item):
    """One task per responsible unit and region of the item (each unit's own region when the item names
    none). Idempotent: tasks that exist already are kept as they are. Returns the new tasks."""
    require_office(actor)
    item = _lock(PlanItem, item, actor)
    plan = item.plan
    regions = list(item.regions.order_by("code"))
    created = []
    for unit in item.units.select_related("region").order_by("name"):
        for region in regions or [unit.region]:
            # all_objects: a task the office voided on purpose is not generated again.
            if Task.all_objects.filter(plan_item=item, assignee=unit, region=region).exists():
                continue
            title = item.duty.strip().splitlines()[0][:200]
            created.append(task_create(actor=actor, data={
                "kind": TaskKind.PLAN, "plan_item": item, "title": title,
                "description": item.duty if item.duty.strip() != title else "",
                "issuer": plan.issuer, "assignee": unit, "region": region,
                "start_on": plan.period_start, "deadline": item.deadline,
                "target_text": item.target_text, "metric": item.metric, "target_value": item.target_value,
            }))
    if created:
        audit.log("supervision.planitem.tasks_generated", obj=item, extra={"tasks": [task.pk for task in created]})
    return created


# --- Tasks ----------------------------------------------------------------------------------------------------


@acting
@transaction.atomic
def task_create(*, actor, data):
    """An ad hoc task (or a generated or rectification one); the unit's users are notified."""
    require_office(actor)
    data = {"kind": TaskKind.AD_HOC, **data, "status": TaskStatus.ASSIGNED}
    _office_issuer(data.get("issuer"))
    task = _create(actor=actor, model=Task, data=data)
    notifications.task_assigned(task)
    return task


EDITABLE_TASK_FIELDS = ("ref", "title", "description", "issuer", "assignee", "region", "start_on", "deadline",
                        "target_text", "metric", "target_value")


@acting
@transaction.atomic
def task_update(*, actor, instance, data):
    """Change an open task's terms (an accepted task is closed)."""
    require_office(actor)
    if instance.status == TaskStatus.ACCEPTED:
        raise ValidationError(_("An accepted task cannot be changed."))
    _office_issuer(data.get("issuer"))
    data = {name: value for name, value in data.items() if name in (*EDITABLE_TASK_FIELDS, "version")}
    previous = instance.assignee_id
    task = _update(actor=actor, instance=instance, data=data)
    if task.assignee_id != previous:
        notifications.task_assigned(task)
    return task


def _set_status(task, **fields):
    before = audit.snapshot(task)
    for name, value in fields.items():
        setattr(task, name, value)
    task.full_clean()
    task.save()
    audit.log_change(task, "updated", before=before, after=audit.snapshot(task))
    return task


@acting
@transaction.atomic
def task_start(*, actor, task):
    """The unit starts work (assigned or returned -> in progress)."""
    task = _lock(Task, task, actor)
    refusal = None if is_system(actor) else access.report_refusal(actor, task)
    if refusal:
        raise PermissionDenied(refusal)
    if task.status not in (TaskStatus.ASSIGNED, TaskStatus.RETURNED):
        raise ValidationError(_("Only an assigned or returned task can be started."))
    return _set_status(task, status=TaskStatus.IN_PROGRESS)


@acting
@transaction.atomic
def task_report(*, actor, task, text, final=False, uploads=(), author_name="", at=None):
    """A progress report with evidence. ``final`` submits the task for acceptance (-> reported).

    ``author_name`` and ``at`` serve the system actor loading past reports (the unit's, from paper)."""
    task = _lock(Task, task, actor)
    refusal = None if is_system(actor) else access.report_refusal(actor, task)
    if refusal:
        raise PermissionDenied(refusal)
    if not task.is_open:
        raise ValidationError(_("The task is {status}: no report can be added now.").format(
            status=task.get_status_display()))
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what was done.")})
    checked = check_evidence(uploads)
    if is_system(actor):
        author_unit, on_behalf = task.assignee, False
    else:
        author_unit, on_behalf = actor.organisation, not access.is_member_of(actor, task.assignee)
        author_name = actor.get_full_name() or actor.username
    report = ProgressReport(
        task=task, text=text.strip(), final=bool(final), author=_user(actor), author_name=author_name[:100],
        author_unit=author_unit, on_behalf=on_behalf, submitted_at=_when(actor, at),
    )
    report.full_clean()
    report.save()
    audit.log_change(report, "created")
    _attach(actor, checked, report=report)
    if final:
        _set_status(task, status=TaskStatus.REPORTED, reported_at=report.submitted_at)
        notifications.task_reported(task)
    elif task.status != TaskStatus.IN_PROGRESS:
        _set_status(task, status=TaskStatus.IN_PROGRESS)
    return report


@acting
@transaction.atomic
def report_attach(*, actor, report, uploads):
    """More evidence for a report not yet decided on, by its author or the responsible unit (API clients
    send the report first and its files after it)."""
    task = _lock(Task, report.task, actor)
    if report.decision or not (task.is_open or task.status == TaskStatus.REPORTED):
        raise ValidationError(_("The report has been decided on: add a new report instead."))
    if not is_system(actor) and report.author_id != actor.pk and not access.is_member_of(actor, task.assignee):
        raise PermissionDenied(_("Only the author or the responsible unit adds evidence to a report."))
    return _attach(actor, check_evidence(uploads), report=report)


@acting
@transaction.atomic
def task_review(*, actor, task, decision, comment="", at=None):
    """The assigning office accepts the final report (the task is done) or returns it with a comment."""
    task = _lock(Task, task, actor)
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": _("Accept or return.")})
    report = pending_report(task)
    refusal = None if is_system(actor) else access.review_refusal(actor, task, report)
    if refusal:
        raise PermissionDenied(refusal)
    if task.status != TaskStatus.REPORTED or report is None:
        raise ValidationError(_("There is no report awaiting acceptance."))
    comment = (comment or "").strip()
    if decision == ReviewDecision.RETURNED and not comment:
        raise ValidationError({"comment": _("Say what is missing when returning a task.")})
    before = audit.snapshot(report)
    now = _when(actor, at)
    report.decision, report.review_comment, report.reviewer, report.reviewed_at = decision, comment, _user(actor), now
    report.full_clean()
    report.save()
    audit.log_change(report, "updated", before=before, after=audit.snapshot(report))
    accepted = decision == ReviewDecision.ACCEPTED
    if accepted:
        _set_status(task, status=TaskStatus.ACCEPTED, accepted_at=now,
                    completed_on=timezone.localdate(report.submitted_at))
    else:
        _set_status(task, status=TaskStatus.RETURNED)
    audit.log(f"supervision.task.{decision}", obj=task, extra={"report": report.pk, "comment": comment})
    notifications.task_reviewed(task, accepted)
    return task


@acting
@transaction.atomic
def task_delete(*, actor, task, reason="", version=None):
    """Void a task nobody has reported on (a task with reports is evidence: it stays as it is)."""
    require_office(actor)
    if task.reports.exists():
        raise ValidationError(_("A task with reports cannot be deleted."))
    _delete(actor=actor, instance=task, reason=reason, version=version)


def _live_children(instance):
    """The live records that hang on ``instance`` (voided first, like PROTECT for a hard delete)."""
    if isinstance(instance, WorkPlan):
        return PlanItem.objects.filter(plan=instance)
    if isinstance(instance, PlanItem):
        return Task.objects.filter(plan_item=instance)
    if isinstance(instance, Visit):
        return Task.objects.filter(visit=instance)
    if isinstance(instance, AssessmentScheme):
        return AssessmentItem.objects.filter(scheme=instance)
    return None


def _voided_parent(instance):
    """The voided record ``instance`` hangs on, if any (a restored child needs a live parent)."""
    parents = {
        PlanItem: lambda item: item.plan,
        Task: lambda task: task.plan_item or task.visit,
        AssessmentItem: lambda item: item.scheme,
    }
    parent = parents.get(type(instance), lambda _instance: None)(instance)
    if parent is not None and (parent.voided or getattr(parent, "plan", None) is not None and parent.plan.voided):
        return parent
    return None


@acting
@transaction.atomic
def office_delete(*, actor, instance, reason="", version=None):
    """Void a plan, plan item, visit or scheme (reason required; restorable): office staff only, and only when
    nothing live hangs on it any more (void its items or tasks first)."""
    require_office(actor)
    if isinstance(instance, Visit) and instance.status == VisitStatus.CLOSED:
        raise ValidationError(_("A closed visit cannot be changed."))
    if isinstance(instance, AssessmentScheme):
        _not_published(instance)
    children = _live_children(instance)
    if children is not None and children.exists():
        raise ValidationError(_("{obj} still has {count} live records under it (items, tasks or rectifications): "
                                "void those first.").format(obj=instance, count=children.count()))
    _delete(actor=actor, instance=instance, reason=reason, version=version)


@acting
@transaction.atomic
def office_restore(*, actor, instance, reason=""):
    """Restore a voided plan, item, task, visit or scheme: office staff only; its parent must be live."""
    require_office(actor)
    parent = _voided_parent(instance)
    if parent is not None:
        raise ValidationError(_("{parent} is voided: restore it first.").format(parent=parent))
    if isinstance(instance, AssessmentItem):
        _not_published(instance.scheme)
    return object_restore(actor=actor, instance=instance, reason=reason)


# --- Supervision visits ---------------------------------------------------------------------------------------


def _checklist_lines(text):
    return [line.strip()[:300] for line in (text or "").splitlines() if line.strip()]


@acting
@transaction.atomic
def visit_create(*, actor, data):
    """A visit; ``checklist`` (text, one item per line) seeds its checklist."""
    require_office(actor)
    data = dict(data)
    lines = _checklist_lines(data.pop("checklist", ""))
    if data.get("status") == VisitStatus.CLOSED:
        raise ValidationError({"status": _("A visit is closed with the close action.")})
    _office_issuer(data.get("issuer"))
    visit = _create(actor=actor, model=Visit, data=data)
    for position, line in enumerate(lines, start=1):
        _create(actor=actor, model=VisitCheck, data={"visit": visit, "position": position, "item": line})
    return visit


@acting
@transaction.atomic
def visit_update(*, actor, instance, data):
    require_office(actor)
    data = dict(data)
    data.pop("checklist", None)
    if instance.status == VisitStatus.CLOSED:
        raise ValidationError(_("A closed visit cannot be changed."))
    if data.get("status") == VisitStatus.CLOSED:
        raise ValidationError({"status": _("A visit is closed with the close action.")})
    _office_issuer(data.get("issuer"))
    return _update(actor=actor, instance=instance, data=data)


@acting
@transaction.atomic
def visit_set_checklist(*, actor, visit, rows):
    """Replace the checklist by ``rows`` [{id?, item, result, note, delete?}], auditing each change."""
    require_office(actor)
    visit = _lock(Visit, visit, actor)
    if visit.status == VisitStatus.CLOSED:
        raise ValidationError(_("A closed visit cannot be changed."))
    existing = {check.pk: check for check in visit.checks.all()}
    kept = {row.get("id") for row in rows}
    for pk, check in existing.items():
        if pk not in kept:
            _delete(actor=actor, instance=check)
    position = 0
    for row in rows:
        check = existing.get(row.get("id"))
        if row.get("delete") or not (row.get("item") or "").strip():
            if check is not None:
                _delete(actor=actor, instance=check)
            continue
        position += 1
        data = {"position": position, "item": row["item"].strip()[:300], "result": row.get("result") or "",
                "note": (row.get("note") or "").strip()}
        if check is None:
            _create(actor=actor, model=VisitCheck, data={"visit": visit, **data})
        else:
            _update(actor=actor, instance=check, data=data)
    return visit


@acting
@transaction.atomic
def visit_add_rectification(*, actor, visit, data):
    """A rectification item (整改事项): a task of the visited region for its owner, followed up and
    accepted like any task; the visit closes when all of them are accepted."""
    visit = _lock(Visit, visit, actor)
    if visit.status == VisitStatus.CLOSED:
        raise ValidationError(_("A closed visit cannot be changed."))
    data = {"region": visit.region, "start_on": visit.end_on, **data, "kind": TaskKind.RECTIFICATION,
            "visit": visit, "issuer": visit.issuer}
    return task_create(actor=actor, data=data)


@acting
@transaction.atomic
def visit_attach(*, actor, visit, uploads):
    require_office(actor)
    visit = _lock(Visit, visit, actor)
    return _attach(actor, check_evidence(uploads), visit=visit)


@acting
@transaction.atomic
def visit_close(*, actor, visit, note="", at=None):
    """Close a visit whose rectifications are all accepted."""
    require_office(actor)
    visit = _lock(Visit, visit, actor)
    if visit.status == VisitStatus.CLOSED:
        raise ValidationError(_("The visit is closed already."))
    if visit.status == VisitStatus.PLANNED:
        raise ValidationError(_("Record the visit's findings before closing it."))
    open_items = Task.objects.filter(visit=visit).exclude(status=TaskStatus.ACCEPTED).count()
    if open_items:
        raise ValidationError(_("{count} rectification items are not accepted yet.").format(count=open_items))
    before = audit.snapshot(visit)
    visit.status, visit.closed_at, visit.closing_note = VisitStatus.CLOSED, _when(actor, at), (note or "").strip()
    visit.save()
    audit.log_change(visit, "updated", before=before, after=audit.snapshot(visit))
    return visit


# --- Assessment -------------------------------------------------------------------------------------------------


def _not_published(scheme):
    if scheme.status == SchemeStatus.PUBLISHED:
        raise ValidationError(_("The assessment is published: its results are frozen."))


@acting
@transaction.atomic
def scheme_create(*, actor, data):
    require_office(actor)
    _office_issuer(data.get("issuer"))
    return _create(actor=actor, model=AssessmentScheme, data=data)


@acting
@transaction.atomic
def scheme_update(*, actor, instance, data):
    require_office(actor)
    _not_published(_lock(AssessmentScheme, instance, actor))
    _office_issuer(data.get("issuer"))
    return _update(actor=actor, instance=instance, data=data)


@acting
@transaction.atomic
def item_create(*, actor, data):
    require_office(actor)
    scheme = data.get("scheme")
    if scheme is not None:
        _not_published(_lock(AssessmentScheme, scheme, actor))
    return _create(actor=actor, model=AssessmentItem, data=data)


@acting
@transaction.atomic
def item_update(*, actor, instance, data):
    require_office(actor)
    _not_published(_lock(AssessmentScheme, instance.scheme, actor))
    data = {k: v for k, v in data.items() if k != "scheme"}
    return _update(actor=actor, instance=instance, data=data)


@acting
@transaction.atomic
def item_delete(*, actor, instance, reason="", version=None):
    require_office(actor)
    _not_published(_lock(AssessmentScheme, instance.scheme, actor))
    if instance.entries.exists():
        raise ValidationError(_("Delete the entries of this item first."))
    _delete(actor=actor, instance=instance, reason=reason, version=version)


def _assessor(actor, scheme):
    """Assessors are office staff whose scope covers the assessing office's region."""
    if is_system(actor):
        return
    require_office(actor)
    if not access.covers(actor, scheme.issuer.region):
        raise PermissionDenied(_("Only the assessing office enters scores."))


@acting
@transaction.atomic
def entry_create(*, actor, item, subject, points, reason, uploads=()):
    """A deduction on a manual item for one subject (a region or a unit of the scheme), with evidence."""
    scheme = _lock(AssessmentScheme, item.scheme, actor, "view")
    _not_published(scheme)
    _assessor(actor, scheme)
    if item.method != ScoringMethod.MANUAL:
        raise ValidationError(_("This item is computed; it takes no entries."))
    if subject is None or scoring.subject_key(subject) not in {scoring.subject_key(s) for s in
                                                                 scoring.subjects(scheme)}:
        raise ValidationError(_("This region or unit is not assessed by the scheme."))
    checked = check_evidence(uploads)
    is_region = scheme.subject_kind == SubjectKind.REGION
    entry = _create(actor=actor, model=ScoreEntry, data={
        "item": item, "subject_region": subject if is_region else None, "subject_unit": None if is_region else subject,
        "region": scoring.subject_region(subject), "points": points, "reason": (reason or "").strip(),
        "assessor": _user(actor),
    })
    _attach(actor, checked, entry=entry)
    return entry


@acting
@transaction.atomic
def entry_update(*, actor, instance, points, reason):
    scheme = _lock(AssessmentScheme, instance.item.scheme, actor, "view")
    _not_published(scheme)
    _assessor(actor, scheme)
    return _update(actor=actor, instance=instance, data={"points": points, "reason": (reason or "").strip()})


@acting
@transaction.atomic
def entry_delete(*, actor, instance):
    scheme = _lock(AssessmentScheme, instance.item.scheme, actor, "view")
    _not_published(scheme)
    _assessor(actor, scheme)
    if instance.attachments.exists():
        raise ValidationError(_("An entry with evidence cannot be deleted; correct its points instead."))
    _delete(actor=actor, instance=instance)


@acting
@transaction.atomic
def scheme_publish(*, actor, scheme, today=None):
    """Compute the table once more, store it, and freeze the scheme, its items and entries."""
    require_office(actor)
    scheme = _lock(AssessmentScheme, scheme, actor)
    _not_published(scheme)
    if not AssessmentItem.objects.filter(scheme=scheme).exists():
        raise ValidationError(_("The scheme has no items."))
    rows = scoring.Scorer(scheme, today).table()
    if not rows:
        raise ValidationError(_("The scheme assesses no region or unit."))
    for row in rows:
        is_region = hasattr(row.subject, "level")
        AssessmentResult.objects.create(
            scheme=scheme, subject_region=row.subject if is_region else None,
            subject_unit=None if is_region else row.subject,
            subject_name=row.subject.name_zh if is_region else row.subject.name, total=row.total, rank=row.rank,
            breakdown=[item.as_dict() for item in row.items],
        )
    before = audit.snapshot(scheme)
    scheme.status, scheme.published_at, scheme.published_by = SchemeStatus.PUBLISHED, timezone.now(), _user(actor)
    scheme.save()
    audit.log_change(scheme, "updated", before=before, after=audit.snapshot(scheme))
    audit.log("supervision.assessmentscheme.published", obj=scheme,
              extra={"results": [{"subject": row.name, "total": str(row.total), "rank": row.rank} for row in rows]})
    return scheme

