"""Write actions of the outreach app (STYLE rule 5): atomic, ``full_clean()``, scope checked before and
after the change, one audit row per change. Views, the API, the importers and ``jindu demo`` all
call these.

``actor`` is a user, or the built-in system actor of command-line runs (``jindu import`` without
``--user``, ``jindu demo``), which is unrestricted.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.features import is_versioned, is_voidable
from jindu.common.scope import permission_name
from jindu.common.services import check_version, object_delete, object_restore, object_update

from . import selectors, uploads
from .choices import ContestStatus, ReviewResult, ReviewStatus
from .models import (
    BaseInspection,
    Campaign,
    ContestEntry,
    ContestJudge,
    Event,
    EventPhoto,
    JudgeScore,
    ModelSchoolApplication,
    ModelSchoolReview,
    ReviewScore,
    School,
    VideoContest,
)
from .scoping import in_scope, is_system


def _require(actor, obj, action):
    if not in_scope(actor, obj, action):
        raise PermissionDenied(permission_name(type(obj), action))


def _assign(instance, data):
    m2m = {}
    for name, value in data.items():
        if instance._meta.get_field(name).many_to_many:
            m2m[name] = value
        else:
            setattr(instance, name, value)
    return m2m


@transaction.atomic
def record_create(*, actor, model, data):
    """Create a ``model`` row from ``data`` (field name -> value): validated, in scope, audited."""
    instance = model()
    data = {k: v for k, v in data.items() if k != "version"}
    m2m = _assign(instance, data)
    instance.full_clean()
    _require(actor, instance, "add")
    instance.save()
    for name, value in m2m.items():
        getattr(instance, name).set(value)
    audit.log_change(instance, "created")
    return instance


@transaction.atomic
def record_update(*, actor, instance, data):
    """Update ``instance``; it must be in the actor's scope (with the outreach narrowing) before and after.

    The generic ``object_update`` does the rest: a voided record is refused, ``data["version"]`` (the
    version the edit started from) is checked against the locked row (stale: nothing written), the
    version grows, the change is audited."""
    _require(actor, instance, "change")
    if is_system(actor):
        updated = _system_update(instance, data)
    else:
        updated = object_update(actor=actor, instance=instance, data=data)
    _require(actor, updated, "change")
    return updated


def _system_update(instance, data):
    """``object_update`` for the built-in system actor (command-line imports, ``jindu demo``), which has no
    permissions to check: the same lock, version check and audit."""
    data = dict(data)
    locked = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if is_versioned(type(locked)):
        check_version(locked, data.pop("version", None))
    else:
        data.pop("version", None)
    before = audit.snapshot(locked)
    m2m = _assign(locked, data)
    locked.full_clean()
    if is_versioned(type(locked)) and audit.diff(before, audit.snapshot(locked)):
        locked.version += 1
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    after = audit.snapshot(locked)
    if audit.diff(before, after):
        audit.log_change(locked, "updated", before=before, after=after)
    return locked


@transaction.atomic
def record_delete(*, actor, instance, reason="", version=None):
    """Delete ``instance``: a voidable record is voided (reason required, restorable), others are deleted."""
    _require(actor, instance, "delete")
    if is_voidable(type(instance)):
        return object_delete(actor=actor, instance=instance, reason=reason, version=version)
    before = audit.snapshot(instance)
    pk = instance.pk
    instance.delete()
    instance.pk = pk
    audit.log_change(instance, "deleted", before=before)
    return instance


@transaction.atomic
def record_restore(*, actor, instance, reason=""):
    _require(actor, instance, "delete")
    return object_restore(actor=actor, instance=instance, reason=reason)


# --- Campaigns and events ---------------------------------------------------------------------


def campaign_create(*, actor, data):
    return record_create(actor=actor, model=Campaign, data=data)


def campaign_update(*, actor, instance, data):
    return record_update(actor=actor, instance=instance, data=data)


@transaction.atomic
def campaign_for_event(*, actor, name, region, held_on):
    """The campaign called ``name`` for an imported event; created when unknown (at the importing
    user's scope region, or the event's region for the system actor) and widened to cover the
    event's date. Returns (campaign, created)."""
    campaign = Campaign.objects.select_for_update().filter(name=name).first()
    if campaign is None:
        scope = None if is_system(actor) else getattr(actor, "scope_region", None)
        data = {"name": name, "region": scope or region, "start_on": held_on, "end_on": held_on,
                "description": _("Created by an import of events.")}
        return campaign_create(actor=actor, data=data), True
    if not in_scope(actor, campaign, "view"):
        raise PermissionDenied(permission_name(Campaign, "view"))
    if held_on < campaign.start_on or held_on > campaign.end_on:
        if in_scope(actor, campaign, "change"):
            campaign = campaign_update(actor=actor, instance=campaign, data={
                "start_on": min(campaign.start_on, held_on), "end_on": max(campaign.end_on, held_on)})
    return campaign, False


def event_create(*, actor, data):
    return record_create(actor=actor, model=Event, data=data)


def event_update(*, actor, instance, data):
    return record_update(actor=actor, instance=instance, data=data)


def event_delete(*, actor, instance, reason, version=None):
    """Void an event (reason required). Its photos stay with it, so that a restore brings them back."""
    return record_delete(actor=actor, instance=instance, reason=reason, version=version)


def event_photo_add(*, actor, event, upload, caption=""):
    """Attach a photo to an event; the content decides whether it is an image (never the file name)."""
    content_type, suffix = uploads.check_photo(upload)
    photo = EventPhoto(event=event, caption=caption, content_type=content_type, size=upload.size,
                       sha256=uploads.sha256_of(upload))
    _require(actor, photo, "add")
    photo.file = uploads.store(upload, "photos", suffix)
    try:
        with transaction.atomic():
            photo.full_clean()
            photo.save()
            audit.log_change(photo, "created")
    except Exception:
        uploads.remove(photo.file)
        raise
    return photo


def event_photo_delete(*, actor, photo):
    record_delete(actor=actor, instance=photo)
    name = photo.file
    transaction.on_commit(lambda: uploads.remove(name))


# --- Schools ----------------------------------------------------------------------------------


@transaction.atomic
def school_create(*, actor, name, region, level, students=0, address=""):
    """Register a school: the core organisation (kind ``school``) and its outreach profile.

    An existing organisation of that name is reused when it is a school without a profile."""
    from jindu.core.models import Organisation
    from jindu.core.services import organisation_create

    organisation = Organisation.objects.filter(name=name).first()
    if organisation is not None:
        if organisation.kind != "school":
            raise ValidationError({"name": _("{name} is an organisation of another kind.").format(name=name)})
        if School.objects.filter(organisation=organisation).exists():
            raise ValidationError({"name": _("{name} is already registered.").format(name=name)})
    else:
        org_data = {"name": name, "kind": "school", "region": region, "address": address}
        if is_system(actor):
            organisation = Organisation(**org_data)
            organisation.full_clean()
            organisation.save()
            audit.log_change(organisation, "created")
        else:
            organisation = organisation_create(actor=actor, data=org_data)
    return record_create(actor=actor, model=School, data={"organisation": organisation, "level": level,
                                                          "students": students})


@transaction.atomic
def school_update(*, actor, instance, data):
    """Update a school's profile (level, students) and, for officers, its name, region and address."""
    from jindu.core.services import organisation_update

    org_fields = {k: data.pop(k) for k in ("name", "region", "address") if k in data}
    school = record_update(actor=actor, instance=instance, data=data)
    organisation = school.organisation
    changed = {k: v for k, v in org_fields.items() if getattr(organisation, k) != v}
    if changed:
        if is_system(actor):
            before = audit.snapshot(organisation)
            for k, v in changed.items():
                setattr(organisation, k, v)
            organisation.full_clean()
            organisation.save()
            audit.log_change(organisation, "updated", before=before, after=audit.snapshot(organisation))
        else:
            organisation_update(actor=actor, instance=organisation, data=changed)
        school.refresh_from_db()
        _require(actor, school, "change")
    return school


def school_activity_create(*, actor, data):
    from .models import SchoolActivity

    return record_create(actor=actor, model=SchoolActivity, data=data)


def school_activity_update(*, actor, instance, data):
    return record_update(actor=actor, instance=instance, data=data)


# --- Education bases --------------------------------------------------------------------------


def inspection_follow_up_done(*, actor, inspection, done_on=None):
    """Record that the follow-up an inspection asked for is done."""
    if not inspection.follow_up:
        raise ValidationError(_("This inspection asked for no follow-up."))
    if inspection.follow_up_done_on:
        raise ValidationError(_("The follow-up is already recorded as done."))
    return record_update(actor=actor, instance=inspection,
                         data={"follow_up_done_on": done_on or timezone.localdate()})


def inspection_create(*, actor, data):
    return record_create(actor=actor, model=BaseInspection, data=data)


# --- Model-school review ----------------------------------------------------------------------


@transaction.atomic
def review_judge_add(*, actor, review, name="", user=None, unit=None, applications=()):
    """Put a reviewer on a review's panel. A reviewer with an account must be allowed to score and see
    the review's region; the unit defaults to the account's organisation (it decides conflicts)."""
    from .models import ReviewJudge

    if review.status != ReviewStatus.OPEN:
        raise ValidationError(_("The review is closed."))
    name, unit = _panel_account(user, review.region, ReviewScore, name, unit, (
        _("This account may not score model-school applications."),
        _("This account does not see every application of the review.")))
    judge = record_create(actor=actor, model=ReviewJudge, data={"review": review, "name": name, "user": user,
                                                                "unit": unit})
    if applications:
        review_judge_assign(actor=actor, judge=judge, applications=applications)
    return judge


@transaction.atomic
def review_judge_assign(*, actor, judge, applications):
    """Assign applications to a reviewer (added to those already assigned). An application of the
    reviewer's own school or unit, or of another review, is refused."""
    _require(actor, judge, "change")
    if judge.review.status != ReviewStatus.OPEN:
        raise ValidationError(_("The review is closed."))
    applications = list(applications)
    for application in applications:
        if application.review_id != judge.review_id:
            raise ValidationError(_("{application} belongs to another review.").format(application=application))
        if judge.has_conflict(application):
            raise ValidationError(_("{judge} cannot review {school}: it is their own school or unit.").format(
                judge=judge, school=application.school))
    before = sorted(judge.applications.values_list("pk", flat=True))
    judge.applications.add(*applications)
    after = sorted(judge.applications.values_list("pk", flat=True))
    if before != after:
        audit.log_change(judge, "updated", before={"applications": before}, after={"applications": after})
    return judge


@transaction.atomic
def review_scores_record(*, actor, application, judge, scores):
    """Record one reviewer's scoring sheet for an application: ``scores`` maps every criterion of the
    review to a score. A sheet is complete or not recorded.

    Fair judging: only for an application assigned to the reviewer, never one of their own school or
    unit; a reviewer with an account enters their own sheet and nobody else's; the sheet of a reviewer
    without an account (paper judging) is typed in by the organising office (change on the review)."""
    application = ModelSchoolApplication.objects.select_for_update().get(pk=application.pk)
    if application.review.status != ReviewStatus.OPEN:
        raise ValidationError(_("The review is closed."))
    if application.result != ReviewResult.PENDING:
        raise ValidationError(_("The application is already decided."))
    if judge.review_id != application.review_id:
        raise ValidationError(_("This reviewer is not on the review's panel."))
    if not is_system(actor):
        if judge.user_id is not None and judge.user_id != actor.pk:
            raise PermissionDenied(_("Only the reviewer may record their own scores."))
        if judge.user_id is None and not in_scope(actor, application.review, "change"):
            raise PermissionDenied(_("Only the organising office types in a paper sheet."))
        if not actor.has_perm("outreach.add_reviewscore") or not in_scope(actor, application, "view"):
            raise PermissionDenied(permission_name(ReviewScore, "add"))
    if not judge.applications.filter(pk=application.pk).exists():
        raise ValidationError(_("This application is not assigned to {judge}.").format(judge=judge))
    if judge.has_conflict(application):
        raise ValidationError(_("A reviewer cannot score an application of their own school or unit."))
    criteria = list(application.review.criteria.all())
    given = {getattr(c, "pk", c): v for c, v in scores.items()}
    if not criteria or {c.pk for c in criteria} != set(given) or any(v is None for v in given.values()):
        raise ValidationError(_("Every criterion of the sheet needs a score."))
    for criterion in criteria:
        _upsert_score(actor, ReviewScore, {"application": application, "criterion": criterion, "judge": judge,
                                           "reviewer": judge.name}, given[criterion.pk])
    return application


def _upsert_score(actor, model, key, score):
    row = model._base_manager.filter(**key).first()
    if row is None:
        return record_create(actor=actor, model=model, data={**key, "score": score})
    if row.score != score:
        before = audit.snapshot(row)
        row.score = score
        row.full_clean()
        _require(actor, row, "change")
        row.save()
        audit.log_change(row, "updated", before=before, after=audit.snapshot(row))
    return row


@transaction.atomic
def application_decide(*, actor, application, result, reasons, decided_on=None):
    """Approve or reject a model-school application, with reasons; needs at least one complete sheet."""
    application = ModelSchoolApplication.objects.select_for_update().get(pk=application.pk)
    if result not in (ReviewResult.APPROVED, ReviewResult.REJECTED):
        raise ValidationError({"result": _("Choose approved or rejected.")})
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    if application.review.status != ReviewStatus.OPEN:
        raise ValidationError(_("The review is closed."))
    if selectors.application_score(application)["sheets"] == 0:
        raise ValidationError(_("No reviewer has scored this application yet."))
    updated = record_update(actor=actor, instance=application, data={
        "result": result, "reasons": reasons.strip(), "decided_on": decided_on or timezone.localdate()})
    audit.log("outreach.modelschoolapplication.decided", obj=updated, extra={"result": result})
    return updated


@transaction.atomic
def review_close(*, actor, review):
    review = ModelSchoolReview.objects.select_for_update().get(pk=review.pk)
    if ModelSchoolApplication.objects.filter(review=review, result=ReviewResult.PENDING).exists():
        raise ValidationError(_("Some applications are not decided yet."))
    return record_update(actor=actor, instance=review, data={"status": ReviewStatus.CLOSED})


# --- Short-video contest ----------------------------------------------------------------------


def contest_create(*, actor, data):
    return record_create(actor=actor, model=VideoContest, data=data)


@transaction.atomic
def judge_add(*, actor, contest, name="", user=None, unit=None):
    """Add a judge. A judge with an account must be allowed to score and see the whole contest region;
    the unit defaults to the account's organisation (it decides conflicts of interest)."""
    if contest.is_closed:
        raise ValidationError(_("The contest is closed."))
    name, unit = _panel_account(user, contest.region, JudgeScore, name, unit, (
        _("This account may not score contest entries."),
        _("This account does not see every entry of the contest region.")))
    return record_create(actor=actor, model=ContestJudge, data={"contest": contest, "name": name, "user": user,
                                                                "unit": unit})


def _panel_account(user, region, score_model, name, unit, refusals):
    """A judge's or reviewer's account must be active, allowed to add ``score_model`` rows and see all of
    ``region``. Returns the name and unit, defaulting to the account's (the unit decides conflicts)."""
    if user is None:
        return (name or "").strip(), unit
    if not user.is_active or not user.has_perm(permission_name(score_model, "add")):
        raise ValidationError({"user": refusals[0]})
    scope = getattr(user, "scope_region", None)
    if scope is None or not region.path.startswith(scope.path):
        raise ValidationError({"user": refusals[1]})
    return (name or user.get_full_name() or user.get_username()).strip(), unit or user.organisation


@transaction.atomic
def entry_submit(*, actor, data, video=None):
    """Enter a video in an open contest (the system actor may record entries of any state)."""
    contest = data["contest"]
    if contest.status != ContestStatus.OPEN and not is_system(actor):
        raise ValidationError(_("The contest no longer takes entries."))
    entry = ContestEntry()
    _assign(entry, data)
    entry.full_clean()
    _require(actor, entry, "add")
    if video is not None:
        _attach_video(entry, video)
    try:
        with transaction.atomic():
            entry.save()
            audit.log_change(entry, "created")
    except Exception:
        uploads.remove(entry.video)
        raise
    return entry


def _attach_video(entry, video):
    content_type, suffix = uploads.check_video(video)
    seconds = uploads.check_video_duration(video, content_type, entry.contest.max_duration_seconds)
    entry.video_seconds = None if seconds is None else Decimal(str(round(seconds, 2)))
    entry.video_type = content_type
    entry.video_size = video.size
    entry.video_sha256 = uploads.sha256_of(video)
    entry.video = uploads.store(video, "videos", suffix)


@transaction.atomic
def entry_update(*, actor, instance, data, video=None):
    """Change an entry while the contest takes entries; a new video replaces the old one."""
    if instance.contest.status != ContestStatus.OPEN and not is_system(actor):
        raise ValidationError(_("Entries cannot be changed once judging has started."))
    data = {k: v for k, v in data.items() if k != "video"}
    updated = record_update(actor=actor, instance=instance, data=data)  # the version is checked here
    if video is None:
        return updated
    old = updated.video
    before = audit.snapshot(updated)
    _attach_video(updated, video)
    updated.version += 1
    try:
        with transaction.atomic():
            updated.save()
            audit.log_change(updated, "updated", before=before, after=audit.snapshot(updated))
    except Exception:
        uploads.remove(updated.video)
        raise
    if old:
        transaction.on_commit(lambda: uploads.remove(old))
    return updated


@transaction.atomic
def entry_poster_generate(*, actor, entry):
    """Give an entry without an uploaded video a generated title card (the demo's entries were sent by
    mail), stored under a name fixed by the entry, so that loading the demo again rewrites, never adds."""
    entry = ContestEntry.objects.select_for_update().get(pk=entry.pk)
    _require(actor, entry, "change")
    name = f"outreach/posters/entry-{entry.pk}.png"
    stored = uploads.store_named(name, uploads.poster_png(entry.pk))
    if entry.poster != stored:
        before = audit.snapshot(entry)
        entry.poster = stored
        entry.save(update_fields=["poster", "last_updated"])
        audit.log_change(entry, "updated", before=before, after=audit.snapshot(entry))
    return entry


def entry_delete(*, actor, instance, reason, version=None):
    """Void an entry (reason required) while the contest takes entries; after that the jury's sheets
    and the ranking depend on it."""
    if instance.contest.status != ContestStatus.OPEN and not is_system(actor):
        raise ValidationError(_("Entries cannot be withdrawn once judging has started."))
    return record_delete(actor=actor, instance=instance, reason=reason, version=version)


def entry_restore(*, actor, instance, reason=""):
    if instance.contest.status != ContestStatus.OPEN:
        raise ValidationError(_("Entries cannot be restored once judging has started."))
    return record_restore(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def contest_start_judging(*, actor, contest):
    """Stop taking entries and open the scoring: needs criteria, judges and entries."""
    contest = VideoContest.objects.select_for_update().get(pk=contest.pk)
    if contest.status != ContestStatus.OPEN:
        raise ValidationError(_("Judging can start only while the contest takes entries."))
    has_entries = ContestEntry.objects.filter(contest=contest).exists()
    if not contest.criteria.exists() or not contest.judges.exists() or not has_entries:
        raise ValidationError(_("Judging needs criteria, judges and at least one entry."))
    updated = record_update(actor=actor, instance=contest, data={"status": ContestStatus.JUDGING})
    audit.log("outreach.videocontest.judging_started", obj=updated)
    return updated


@transaction.atomic
def judge_score_entry(*, actor, judge, entry, scores):
    """Record a judge's complete sheet for one entry (``scores``: criterion or id -> score).

    Only while judging; only the judge's own account (or the system actor, loading paper sheets);
    never for an entry of the judge's own unit (conflict of interest)."""
    contest = VideoContest.objects.select_for_update().get(pk=entry.contest_id)
    if contest.status != ContestStatus.JUDGING:
        raise ValidationError(_("Scores are taken only while the contest is being judged."))
    if judge.contest_id != contest.pk:
        raise ValidationError(_("This judge is not on the contest's jury."))
    if not is_system(actor):
        if judge.user_id is None or judge.user_id != actor.pk:
            raise PermissionDenied(_("Only the judge may record their own scores."))
        if not actor.has_perm("outreach.add_judgescore") or not in_scope(actor, entry, "view"):
            raise PermissionDenied(permission_name(JudgeScore, "add"))
    if judge.has_conflict(entry):
        raise ValidationError(_("A judge cannot score an entry of their own unit."))
    criteria = list(contest.criteria.all())
    given = {getattr(c, "pk", c): v for c, v in scores.items()}
    if not criteria or {c.pk for c in criteria} != set(given) or any(v is None for v in given.values()):
        raise ValidationError(_("Every criterion of the sheet needs a score."))
    for criterion in criteria:
        _upsert_score(actor, JudgeScore, {"entry": entry, "judge": judge, "criterion": criterion},
                      given[criterion.pk])
    return entry


@transaction.atomic
def contest_close(*, actor, contest, closed_at=None):
    """Close judging: rank every entry (ties broken by the documented rule, see selectors.contest_ranking),
    store score and rank, select the top N. Refused while a judge still owes a sheet. ``closed_at``
    (default: now) lets the system record a judging closed on paper earlier."""
    contest = VideoContest.objects.select_for_update().get(pk=contest.pk)
    _require(actor, contest, "change")
    if contest.status != ContestStatus.JUDGING:
        raise ValidationError(_("Only a contest being judged can be closed."))
    progress = selectors.judging_progress(contest)
    if progress["missing"]:
        raise ValidationError(_("{count} score sheets are still missing.").format(count=progress["missing"]))
    if progress["unjudgeable"]:
        raise ValidationError(_("No judge may score these entries: {titles}.").format(
            titles=", ".join(str(e) for e in progress["unjudgeable"])))
    ranking = selectors.contest_ranking(contest)
    for row in ranking:
        entry = row.entry
        before = audit.snapshot(entry)
        entry.total_score = row.rounded_score
        entry.rank = row.rank
        entry.selected = row.rank <= contest.select_count
        entry.save(update_fields=["total_score", "rank", "selected", "last_updated"])
        audit.log_change(entry, "updated", before=before, after=audit.snapshot(entry))
    before = audit.snapshot(contest)
    contest.status = ContestStatus.CLOSED
    contest.judging_closed_at = closed_at if closed_at is not None and is_system(actor) else timezone.now()
    contest.save(update_fields=["status", "judging_closed_at", "last_updated"])
    audit.log_change(contest, "updated", before=before, after=audit.snapshot(contest))
    audit.log("outreach.videocontest.closed", obj=contest, extra={
        "selected": [row.entry.pk for row in ranking if row.rank <= contest.select_count],
        "ties_broken": [{"entry": row.entry.pk, "rule": row.tie_rule} for row in ranking if row.tie_rule],
    })
    return contest
