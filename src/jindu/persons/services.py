"""Write actions of the persons app (STYLE rule 5): each checks permission and scope, validates,
writes and audits in one transaction. Views, the API, the importers, the CLI and the demo all call
these. ``actor`` is a user; ``None`` is the system itself (the demo loader, the daily alert job, a
command-line import without ``--user``): code passes it explicitly, a web request never does (an
anonymous request carries an AnonymousUser, which is refused).
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.features import is_versioned, is_voidable
from jindu.common.identifiers import normalise_id_number, parse_id_number
from jindu.common.masking import mask_id_number
from jindu.common.scope import object_in_scope, permission_name
from jindu.common.services import check_version, object_delete, object_restore, object_seal

from .choices import (
    COMMUNITY_MEASURES,
    STATUTORY_MEASURES,
    AlertKind,
    AlertState,
    CertificateResult,
    Measure,
    PersonStatus,
    RiskLevel,
    TestResult,
)
from .models import (
    Alert,
    Contact,
    DrivingCheck,
    DrugTest,
    Episode,
    Handover,
    IdentityDisclosure,
    LicenceCertificate,
    Person,
    RiskAssessment,
    TestSchedule,
    Violation,
    assigned_q,
    worker_only,
)
from .selectors import overlapping, person_by_id_number

# Days after release from compulsory isolation by which the handover must be complete (the person
# reports to the community within 15 days: 戒毒条例 art. 37). Configurable through the environment.
HANDOVER_DAYS = int(getattr(settings, "JINDU_HANDOVER_DAYS", 15))
# Loss-of-contact (脱管失控) risk: no contact and no test for this many days raises an alert.
NO_CONTACT_DAYS = int(getattr(settings, "JINDU_NO_CONTACT_DAYS", 30))
# Positive tests older than this are history, not news: they raise no alert.
POSITIVE_ALERT_DAYS = 30
AGREEMENT_MAX_BYTES = 5 * 1024 * 1024
AGREEMENT_TYPES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
# Built-in test schedules, used for a measure that has no TestSchedule rows (existing-systems.md:
# monthly in the first year, every two months in the second, quarterly after).
DEFAULT_SCHEDULES = {
    Measure.COMMUNITY_DETOX: ((0, 30), (12, 60), (24, 90)),
    Measure.COMMUNITY_REHAB: ((0, 30), (12, 60), (24, 90)),
    Measure.VOLUNTARY_TREATMENT: ((0, 90),),
}

# --- permission and scope -------------------------------------------------------------------------


def is_assigned(user, obj):
    """For a community worker: the record's person is assigned to them."""
    person = obj if isinstance(obj, Person) else obj.person
    if person.pk is None:
        return False
    return Person.objects.filter(assigned_q(user)).filter(pk=person.pk).exists()


def require(actor, obj, action):
    """The scope rule of ``restrict`` on one object: permission, region, and a community worker's own persons."""
    if actor is None:
        return
    if not object_in_scope(actor, obj, action):
        raise PermissionDenied(permission_name(type(obj), action))
    if worker_only(actor) and not isinstance(obj, DrivingCheck | LicenceCertificate) and not is_assigned(actor, obj):
        raise PermissionDenied(permission_name(type(obj), action))


def require_perm(actor, perm):
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(perm)


def _create(actor, instance, require_after=True, trusted=()):
    """``trusted``: foreign keys the service set from objects it already holds (not re-read to validate)."""
    instance.full_clean(exclude=list(trusted))
    if require_after:
        require(actor, instance, "add")
    instance.save()
    audit.log_change(instance, "created")
    return instance


def _update(actor, instance, data):
    """Lock, check scope before and after, validate, save, audit; an unchanged record is not written.

    A versioned record: ``data["version"]`` is the version the edit started from (absent: no check, for the
    services' own follow-up writes); a stale one is refused before anything is written, a write bumps it.
    A voided record is not edited (restore it first)."""
    data = dict(data)
    model = type(instance)
    base_version = data.pop("version", None)
    locked = model._base_manager.select_for_update().get(pk=instance.pk)
    if is_voidable(model) and locked.voided:
        raise ValidationError(_("{obj} is voided; restore it before editing.").format(obj=locked))
    require(actor, locked, "change")
    if is_versioned(model):
        check_version(locked, base_version)
    before = audit.snapshot(locked)
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    require(actor, locked, "change")
    after = audit.snapshot(locked)
    if audit.diff(before, after):
        if is_versioned(model):
            locked.version += 1
        locked.save()
        audit.log_change(locked, "updated", before=before, after=after)
    return locked


@transaction.atomic
def record_delete(*, actor, instance, reason, version=None):
    """Void a person or one of their records (who, when, why; restorable, audited); scope as for any write."""
    require(actor, instance, "delete")
    return object_delete(actor=actor, instance=instance, reason=reason, version=version)


@transaction.atomic
def record_restore(*, actor, instance, reason=""):
    require(actor, instance, "delete")
    return object_restore(actor=actor, instance=instance, reason=reason)


# --- persons ---------------------------------------------------------------------------------------


PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def store_upload(upload, folder, types, max_bytes, field):
    """Check an upload by size and content (magic bytes, not the name) and store it under a generated name in
    the default storage (MEDIA_ROOT, outside the web root). Returns the stored name."""
    if upload.size > max_bytes:
        raise ValidationError({field: _("The file is larger than {size} MB.").format(size=max_bytes // (1024 * 1024))})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    suffix = next((suffix for magic, suffix in types.items() if head.startswith(magic)), None)
    if suffix is None:
        raise ValidationError({field: _("This kind of file is not accepted.")})
    return default_storage.save(f"persons/{folder}/{secrets.token_hex(12)}.{suffix}", upload)


@transaction.atomic
def person_create(*, actor, data, photo=None):
    data = dict(data)
    if photo is not None:
        data["photo"] = store_upload(photo, "photos", PHOTO_TYPES, PHOTO_MAX_BYTES, "photo_file")
    return _create(actor, Person(**data))


@transaction.atomic
def person_update(*, actor, instance, data, photo=None):
    data = dict(data)
    if photo is not None:
        require(actor, instance, "change")
        data["photo"] = store_upload(photo, "photos", PHOTO_TYPES, PHOTO_MAX_BYTES, "photo_file")
    return _update(actor, instance, data)


@transaction.atomic
def person_disclose_identity(*, actor, person, reason):
    """Show the full identity number, passport, phone and address: permitted roles only (the fields of the
    categories the user may read), with a reason, audited. A community worker reads none of them."""
    require_perm(actor, "persons.add_identitydisclosure")
    require(actor, person, "view")
    if not revealable_fields(actor):
        raise PermissionDenied("no field category to reveal")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("Say why you need the full number (at least 4 characters).")})
    disclosure = IdentityDisclosure.objects.create(person=person, user=actor, reason=reason[:200])
    audit.log("persons.person.unmasked", obj=person, user=actor, extra={"reason": reason[:200],
                                                                       "disclosure": disclosure.pk})
    return {name: getattr(person, name) for name in revealable_fields(actor)}


def revealable_fields(user):
    """The masked fields ``user`` may ask to see in full: common.fieldrules categories (identity, contact),
    which core/roles.py grants to officers and leaders and not to community workers."""
    from jindu.common.fieldrules import readable

    if user is None or not user.has_perm("persons.add_identitydisclosure"):
        return []
    return [name for name in ("id_number", "passport_no", "phone", "address") if readable(user, Person, name)]


# --- episodes and handovers --------------------------------------------------------------------------


def episode_check_overlap(episode):
    """Refuse overlaps the law excludes, with a message that says why.

    - community detox, community rehabilitation and compulsory isolation exclude each other: a person
      is under one statutory measure at a time (rehabilitation follows isolation, it does not overlap it);
    - voluntary treatment may run beside community detox or rehabilitation (treatment in a medical
      institution is part of the community measure), never during compulsory isolation, and never
      twice at once.
    """
    if not (episode.person_id and episode.start_on):
        return
    end = episode.end_on or datetime.date.max
    others = Episode.objects.filter(person_id=episode.person_id).filter(overlapping(episode.start_on, end))
    if episode.pk:
        others = others.exclude(pk=episode.pk)
    for other in others.order_by("start_on"):
        pair = {episode.measure, other.measure}
        if episode.measure in STATUTORY_MEASURES and other.measure in STATUTORY_MEASURES:
            reason = _("a person is under only one of community detox, community rehabilitation and compulsory "
                       "isolation at a time")
        elif pair == {Measure.VOLUNTARY_TREATMENT, Measure.COMPULSORY_ISOLATION}:
            reason = _("voluntary treatment cannot run during compulsory isolation")
        elif pair == {Measure.VOLUNTARY_TREATMENT}:
            reason = _("two voluntary treatments cannot run at once")
        else:
            continue
        raise ValidationError({"start_on": _(
            "This measure overlaps {measure} {ref} ({start} – {end}): {reason}."
        ).format(measure=other.get_measure_display(), ref=other.ref, start=other.start_on,
                 end=other.end_on or _("open"), reason=reason)})


def next_episode_ref():
    return f"EP-{secrets.token_hex(5).upper()}"


def _sync_handover(actor, episode):
    """A compulsory isolation that has ended needs a handover to the community (created once)."""
    if episode.measure != Measure.COMPULSORY_ISOLATION or not episode.end_on:
        return None
    handover = Handover.objects.filter(episode=episode).first()
    deadline = episode.end_on + datetime.timedelta(days=HANDOVER_DAYS)
    if handover is None:
        handover = Handover(person=episode.person, episode=episode, released_on=episode.end_on, deadline=deadline)
        handover.full_clean()
        handover.save()
        audit.log_change(handover, "created")
    elif handover.completed_on is None and handover.released_on != episode.end_on:
        before = audit.snapshot(handover)
        handover.released_on, handover.deadline = episode.end_on, deadline
        handover.save()
        audit.log_change(handover, "updated", before=before, after=audit.snapshot(handover))
    return handover


@transaction.atomic
def episode_create(*, actor, data):
    data = dict(data)
    if not data.get("ref"):
        data["ref"] = next_episode_ref()
    episode = Episode(**data)
    episode.full_clean()
    Person.objects.select_for_update().filter(pk=episode.person_id).first()  # serialise a person's episodes
    episode_check_overlap(episode)
    _create(actor, episode)
    _sync_handover(actor, episode)
    return episode


@transaction.atomic
def episode_update(*, actor, instance, data):
    Person.objects.select_for_update().filter(pk=instance.person_id).first()
    candidate = Episode.objects.get(pk=instance.pk)
    for name, value in data.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    episode_check_overlap(candidate)
    episode = _update(actor, instance, data)
    _sync_handover(actor, episode)
    return episode


def check_agreement_file(upload):
    """A scanned agreement: PDF, JPEG or PNG judged by content (not by name), at most 5 MB."""
    if upload.size > AGREEMENT_MAX_BYTES:
        raise ValidationError({"agreement": _("The file is larger than {size} MB.").format(
            size=AGREEMENT_MAX_BYTES // (1024 * 1024))})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, suffix in AGREEMENT_TYPES.items():
        if head.startswith(magic):
            return suffix
    raise ValidationError({"agreement": _("Only PDF, JPEG or PNG scans are accepted.")})


@transaction.atomic
def handover_update(*, actor, instance, data, agreement=None):
    """Record briefing, worker, agreement; the handover completes itself once all steps are done."""
    data = dict(data)
    stored = None
    if agreement is not None:
        suffix = check_agreement_file(agreement)
        require(actor, instance, "change")
        stored = default_storage.save(f"persons/agreements/{instance.pk}-{secrets.token_hex(8)}.{suffix}", agreement)
        data["agreement"] = stored
    try:
        handover = _update(actor, instance, data)
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    if handover.completed_on is None and not handover.missing_steps:
        before = audit.snapshot(handover)
        handover.completed_on = max(d for d in (handover.briefed_on, handover.agreement_signed_on) if d)
        handover.save(update_fields=["completed_on", "last_updated"])
        audit.log_change(handover, "updated", before=before, after=audit.snapshot(handover))
    return handover


# --- drug tests and contacts --------------------------------------------------------------------------


@transaction.atomic
def drugtest_create(*, actor, data):
    data = dict(data)
    if not data.get("ref"):
        data["ref"] = f"DT-{secrets.token_hex(5).upper()}"
    test = _create(actor, DrugTest(**data))
    if test.result == TestResult.POSITIVE:
        raise_positive_alerts(timezone.localdate(), tests=DrugTest.objects.filter(pk=test.pk))
    return test


@transaction.atomic
def drugtest_update(*, actor, instance, data):
    return _update(actor, instance, data)


@transaction.atomic
def contact_create(*, actor, data):
    return _create(actor, Contact(**data))


# --- drug-use violations (sealable) -------------------------------------------------------------------


@transaction.atomic
def violation_create(*, actor, data):
    """Record a public-order punishment for drug use; one already carried out under the sealing rule is
    sealed at once (art. 136), so it never shows in a list."""
    violation = _create(actor, Violation(**data))
    if Violation.sealing_due().filter(pk=violation.pk).exists():
        violation = object_seal(actor=None, instance=violation, basis="automatic: persons.Violation.sealing_due")
    return violation


@transaction.atomic
def violation_update(*, actor, instance, data):
    violation = _update(actor, instance, data)
    if Violation.sealing_due().filter(pk=violation.pk).exists():
        violation = object_seal(actor=None, instance=violation, basis="automatic: persons.Violation.sealing_due")
    return violation


# --- test schedules ----------------------------------------------------------------------------------


def schedule_rules():
    """measure -> ((from_month, interval_days), ...) sorted; database rows replace the built-in defaults."""
    rules = {}
    for row in TestSchedule.objects.order_by("measure", "from_month"):
        rules.setdefault(row.measure, []).append((row.from_month, row.interval_days))
    merged = {measure: tuple(rows) for measure, rows in DEFAULT_SCHEDULES.items()}
    merged.update({measure: tuple(rows) for measure, rows in rules.items()})
    return merged


def months_between(start, day):
    return (day.year - start.year) * 12 + day.month - start.month - (1 if day.day < start.day else 0)


def interval_for(rules, start, day):
    """The test interval that applies ``day`` into an episode that started on ``start`` (None: no schedule)."""
    if not rules:
        return None
    elapsed = months_between(start, day)
    interval = rules[0][1]
    for from_month, days in rules:
        if elapsed >= from_month:
            interval = days
    return interval


def next_test_due(episode, last_test_on=None, rules=None):
    """The date by which the next test is due: the interval after the last test inside the episode
    (or after its start), the interval being the one of that point of the episode."""
    rules = schedule_rules() if rules is None else rules
    measure_rules = rules.get(episode.measure)
    if not measure_rules:
        return None
    reference = max(d for d in (episode.start_on, last_test_on) if d)
    return reference + datetime.timedelta(days=interval_for(measure_rules, episode.start_on, reference))


def schedule_due_dates(episode, tests, until, rules=None):
    """The due dates of an episode up to ``until`` with the test that met each (None: missed).

    Walks the episode: each window ends ``interval`` days after its start; the first test inside the window
    meets it and starts the next window; a missed window's due date starts the next one.
    """
    rules = schedule_rules() if rules is None else rules
    measure_rules = rules.get(episode.measure)
    if not measure_rules:
        return []
    end = min(d for d in (episode.end_on, until) if d)
    dates = sorted(t.tested_on for t in tests if episode.start_on <= t.tested_on <= end)
    rows, start = [], episode.start_on
    while start <= end and len(rows) < 200:
        due = start + datetime.timedelta(days=interval_for(measure_rules, episode.start_on, start))
        met = next((d for d in dates if start < d <= due or (start == episode.start_on and d == start)), None)
        rows.append((due, met))
        start = met if met else due
    return rows


# --- risk assessment ----------------------------------------------------------------------------------

RISK_THRESHOLDS = ((60, RiskLevel.HIGH), (30, RiskLevel.MEDIUM), (0, RiskLevel.LOW))
REASSESS_DAYS = {RiskLevel.HIGH: 30, RiskLevel.MEDIUM: 90, RiskLevel.LOW: 180}
MEASURE_POINTS = {
    Measure.COMMUNITY_DETOX: 10, Measure.COMMUNITY_REHAB: 5, Measure.VOLUNTARY_TREATMENT: 5,
    Measure.COMPULSORY_ISOLATION: 0, None: 15,
}


def risk_factors(person, on):
    """The explainable score: each factor with its value and points (documented in docs/user-guide/persons.md).

    - positive tests in the last 6 months: 15 points each, at most 45;
    - missed scheduled tests in the last 6 months: 10 each, at most 30;
    - days since the last contact or test: over 30 days 10, over 60 days 20, over 90 days 30;
    - current measure: community detox 10, rehabilitation 5, voluntary 5, isolation 0, none 15;
    - relapses: 10 each, at most 30;
    - history of drug driving: 20.
    """
    from .selectors import current_episode

    half_year = on - datetime.timedelta(days=182)
    tests = list(person.tests.filter(voided=False, tested_on__lte=on))
    positives = sum(1 for t in tests if t.result == TestResult.POSITIVE and t.tested_on >= half_year)
    rules = schedule_rules()
    missed = 0
    episodes = list(person.episodes.filter(voided=False))
    for episode in (e for e in episodes if e.start_on <= on):
        for due, met in schedule_due_dates(episode, tests, on, rules):
            if met is None and half_year <= due < on:
                missed += 1
    contacts = [c.contacted_on for c in person.contacts.filter(voided=False, contacted_on__lte=on)]
    contacts += [t.tested_on for t in tests]
    episode = current_episode(person, on, episodes)
    last = max(contacts) if contacts else (episode.start_on if episode else person.registered_on)
    days = (on - last).days
    contact_points = 30 if days > 90 else 20 if days > 60 else 10 if days > 30 else 0
    measure = episode.measure if episode else None
    return [
        {"code": "positive_tests", "label": _("positive tests in the last 6 months"), "value": positives,
         "points": min(45, 15 * positives)},
        {"code": "missed_tests", "label": _("missed scheduled tests in the last 6 months"), "value": missed,
         "points": min(30, 10 * missed)},
        {"code": "days_since_contact", "label": _("days since the last contact or test"), "value": days,
         "points": contact_points},
        {"code": "measure", "label": _("current measure"),
         "value": str(episode.get_measure_display()) if episode else _("none"), "points": MEASURE_POINTS[measure]},
        {"code": "relapses", "label": _("relapses"), "value": person.relapse_count,
         "points": min(30, 10 * person.relapse_count)},
        {"code": "drug_driving", "label": _("history of drug driving"),
         "value": _("yes") if person.drug_driving_history else _("no"),
         "points": 20 if person.drug_driving_history else 0},
    ]


def risk_level(score):
    for threshold, level in RISK_THRESHOLDS:
        if score >= threshold:
            return level
    return RiskLevel.LOW


@transaction.atomic
def risk_assess(*, actor, person, on=None, notes=""):
    """Assess ``person`` on ``on`` (today): score from the factors, level, next due date."""
    on = on or timezone.localdate()
    factors = [{**f, "label": str(f["label"]), "value": f["value"] if isinstance(f["value"], int) else str(
        f["value"])} for f in risk_factors(person, on)]
    score = sum(f["points"] for f in factors)
    level = risk_level(score)
    assessment = RiskAssessment(person=person, assessed_on=on, assessed_by=None if actor is None else actor,
                                score=score, level=level, factors=factors, notes=notes,
                                next_due=on + datetime.timedelta(days=REASSESS_DAYS[level]))
    return _create(actor, assessment)


# --- alerts -------------------------------------------------------------------------------------------


def _open_on(day, prefix=""):
    return Q(**{f"{prefix}start_on__lte": day}) & (Q(**{f"{prefix}end_on__isnull": True})
                                                   | Q(**{f"{prefix}end_on__gte": day}))


def wanted_alerts(today):
    """Every alert that should be open today: {key: (person_id, kind, due_on, worker_id, message, args)}.

    Set-based: one query over the running measures (tests aggregated by a join, the last contact and the last
    assessment by subqueries), one over the late handovers, then date arithmetic on plain tuples (no query
    and no model instance per person)."""
    wanted = {}
    rules = schedule_rules()
    community = set(COMMUNITY_MEASURES)
    active = ~Q(person__status__in=[PersonStatus.DELISTED, PersonStatus.DECEASED]) & Q(person__voided=False)
    contacts = Contact.objects.filter(person_id=OuterRef("person_id"), contacted_on__lte=today).order_by(
        "-contacted_on")
    latest = RiskAssessment.objects.filter(person_id=OuterRef("person_id")).order_by("-assessed_on", "-pk")
    running = Episode.objects.filter(_open_on(today), active, measure__in=set(rules) | community).annotate(
        last_in=Max("person__tests__tested_on", filter=Q(person__tests__tested_on__gte=F("start_on"),
                                                         person__tests__tested_on__lte=today,
                                                         person__tests__voided=False)),
        last_any=Max("person__tests__tested_on", filter=Q(person__tests__tested_on__lte=today,
                                                         person__tests__voided=False)),
        last_contact=Subquery(contacts.values("contacted_on")[:1]),
        assessment=Subquery(latest.values("pk")[:1]),
        next_due=Subquery(latest.values("next_due")[:1]),
    ).values_list("pk", "person_id", "measure", "start_on", "community_worker_id", "last_in", "last_any",
                  "last_contact", "assessment", "next_due")
    day = datetime.timedelta(days=1)
    for pk, person_id, measure, start_on, worker, last_in, last_any, last_contact, assessment, next_due in \
            running.iterator(chunk_size=20000):
        measure_rules = rules.get(measure)
        if measure_rules:
            reference = last_in or start_on
            due = reference + day * interval_for(measure_rules, start_on, reference)
            if due < today:
                wanted[f"test_overdue:{pk}:{due}"] = (person_id, AlertKind.TEST_OVERDUE, due, worker, "test", reference)
        if measure in community:
            last = max(d for d in (start_on, last_any, last_contact) if d)
            if (today - last).days > NO_CONTACT_DAYS:
                wanted[f"no_contact:{person_id}:{last}"] = (person_id, AlertKind.NO_CONTACT,
                                                            last + day * NO_CONTACT_DAYS, worker, "contact", last)
            due = next_due or start_on + day * 30  # everyone in community management is assessed
            if due < today:
                wanted[f"reassessment_overdue:{person_id}:{assessment or 'none'}"] = (
                    person_id, AlertKind.REASSESSMENT_OVERDUE, due, worker, "assessment", None)
    for pk, person_id, deadline, worker in Handover.objects.filter(
            completed_on__isnull=True, deadline__lt=today).values_list("pk", "person_id", "deadline",
                                                                      "community_worker_id"):
        wanted[f"handover_overdue:{pk}"] = (person_id, AlertKind.HANDOVER_OVERDUE, deadline, worker, "handover", None)
    return wanted


def alert_message(topic, due, reference, today):
    if topic == "test":
        return _("Drug test due on {due}, none since {last}.").format(due=due, last=reference)
    if topic == "contact":
        return _("No contact and no test since {last} ({days} days).").format(last=reference,
                                                                                days=(today - reference).days)
    if topic == "assessment":
        return _("Risk assessment due on {due}.").format(due=due)
    if topic == "handover":
        return _("Handover after compulsory isolation not complete by {deadline}.").format(deadline=due)
    return _("Positive drug test on {date}.").format(date=due)


def _positive_alerts(today, tests):
    since = today - datetime.timedelta(days=POSITIVE_ALERT_DAYS)
    workers = dict(Episode.objects.filter(_open_on(today), community_worker__isnull=False).values_list(
        "person_id", "community_worker_id"))
    return {f"positive_test:{pk}": (person_id, AlertKind.POSITIVE_TEST, tested_on, workers.get(person_id), "positive",
                                    None)
            for pk, person_id, tested_on in tests.filter(result=TestResult.POSITIVE, tested_on__gte=since).values_list(
                "pk", "person_id", "tested_on")}


def _store(today, wanted, audit_each=True, known=frozenset()):
    """Insert the alerts of ``wanted`` whose key is new; ``known``: keys already open (skipped at once). The
    unique key makes any other repeat a no-op (an alert a user resolved while the condition persists).

    ``audit_each``: a change record per new alert (an alert raised by a user's action, e.g. a positive test
    entered); the daily run writes one summary record instead (see :func:`alerts_compute`)."""
    fresh = [(key, values) for key, values in wanted.items() if key not in known]
    if not fresh:
        return 0
    if not audit_each and connection.vendor == "postgresql":
        return _copy_alerts(today, fresh)
    new = [Alert(key=key, raised_on=today, person_id=person_id, kind=kind, due_on=due, community_worker_id=worker,
                 message=alert_message(topic, due, reference, today))
           for key, (person_id, kind, due, worker, topic, reference) in fresh]
    before = Alert.objects.count()
    Alert.objects.bulk_create(new, batch_size=5000, ignore_conflicts=True)
    created = Alert.objects.count() - before
    if audit_each and created:
        with audit.batch():
            for alert in Alert.objects.filter(key__in=[a.key for a in new], raised_on=today):
                audit.log_change(alert, "created")
    return created


def _copy_alerts(today, fresh):
    """PostgreSQL: COPY the new alerts into a temporary table and insert them in one statement, skipping keys
    that exist (ten times faster than INSERT batches for the first run over a whole region)."""
    now = timezone.now()
    messages_of = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE persons_alert_new (LIKE persons_alert INCLUDING DEFAULTS) "
                       "ON COMMIT DROP")
        cursor.execute("ALTER TABLE persons_alert_new DROP COLUMN id")
        columns = ("created", "last_updated", "key", "person_id", "kind", "raised_on", "due_on", "message",
                   "community_worker_id", "state", "resolution")
        with cursor.copy("COPY persons_alert_new ({}) FROM STDIN".format(", ".join(columns))) as copy:
            for key, (person_id, kind, due, worker, topic, reference) in fresh:
                if topic in ("test", "contact"):
                    message = alert_message(topic, due, reference, today)
                else:  # the same text for every row of a due date: format it once
                    message = messages_of.get((topic, due))
                    if message is None:
                        message = messages_of[(topic, due)] = alert_message(topic, due, reference, today)
                copy.write_row((now, now, key, person_id, kind, today, due, message, worker, AlertState.OPEN, ""))
        cursor.execute("INSERT INTO persons_alert ({0}) SELECT {0} FROM persons_alert_new "
                       "ON CONFLICT (key) DO NOTHING".format(", ".join(columns)))
        created = cursor.rowcount
        cursor.execute("DROP TABLE persons_alert_new")
    return created


@transaction.atomic
def raise_positive_alerts(today, tests=None):
    return _store(today, _positive_alerts(today, tests if tests is not None else DrugTest.objects.all()))


@transaction.atomic
def alerts_compute(today=None):
    """The daily alert run (``jindu alerts``). Idempotent: an occurrence has one key and is raised once;
    open alerts whose condition has cleared are resolved by the system. Returns counts.

    Set-based for the whole region: two queries, one bulk insert, chunked bulk updates. The run is audited
    by one summary record (``persons.alert.computed`` with the counts); each alert carries its raised date,
    and a system resolution its time and "condition cleared". Acknowledging and resolving by users are
    audited one by one (the alert's history).
    """
    today = today or timezone.localdate()
    wanted = wanted_alerts(today)
    wanted.update(_positive_alerts(today, DrugTest.objects.all()))
    open_keys, stale = set(), []
    for pk, key, kind in Alert.objects.exclude(state=AlertState.RESOLVED).values_list("pk", "key", "kind").iterator(
            chunk_size=20000):
        open_keys.add(key)
        if key not in wanted and kind != AlertKind.POSITIVE_TEST:
            stale.append(pk)
    created = _store(today, wanted, audit_each=False, known=open_keys)
    now = timezone.now()
    for start in range(0, len(stale), 5000):
        Alert.objects.filter(pk__in=stale[start:start + 5000]).update(
            state=AlertState.RESOLVED, resolved_at=now, resolution=str(_("condition cleared")), last_updated=now)
    counts = {"created": created, "resolved": len(stale), "open": len(open_keys) - len(stale) + created}
    audit.log("persons.alert.computed", object_type="persons.alert", object_repr=str(today),
              extra={"date": today.isoformat(), **counts})
    return counts


@transaction.atomic
def alert_acknowledge(*, actor, alert):
    if alert.state != AlertState.OPEN:
        raise ValidationError(_("Only an open alert can be acknowledged."))
    return _update(actor, alert, {"state": AlertState.ACKNOWLEDGED, "acknowledged_at": timezone.now(),
                                  "acknowledged_by": actor})


@transaction.atomic
def alert_resolve(*, actor, alert, resolution):
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Say what was done.")})
    if alert.state == AlertState.RESOLVED:
        raise ValidationError(_("The alert is already resolved."))
    return _update(actor, alert, {"state": AlertState.RESOLVED, "resolved_at": timezone.now(), "resolved_by": actor,
                                  "resolution": resolution[:200]})


# --- drug-driving checks and licence certificates ---------------------------------------------------------


def _facts_query(today):
    """Persons with the two facts a look-up may learn, annotated in the same query (no row decrypted)."""
    return Person.objects.exclude(status=PersonStatus.DELISTED).annotate(
        under=Exists(Episode.objects.filter(_open_on(today), person_id=OuterRef("pk"))),
        last=Subquery(DrugTest.objects.filter(person_id=OuterRef("pk")).order_by("-tested_on").values("tested_on")[:1]),
    ).order_by()


def _facts(person, today):
    """What the law lets a checkpoint or the traffic police know: registered or not, under a measure or not,
    the date of the last test. Nothing else leaves this function."""
    if person is None or person.status == PersonStatus.DELISTED:
        return {"registered": False, "under_measure": False, "last_test_on": None}
    row = _facts_query(today).filter(pk=person.pk).values("under", "last").get()  # one query for both facts
    return {"registered": True, "under_measure": row["under"], "last_test_on": row["last"]}


def facts_by_hash(id_hash, today):
    """The look-up's answer straight from the keyed hash: one indexed query, the person's row never loaded or
    decrypted. Returns (person id or None, facts)."""
    row = _facts_query(today).filter(id_hash=id_hash).values("pk", "under", "last").first()
    if row is None:
        return None, {"registered": False, "under_measure": False, "last_test_on": None}
    return row["pk"], {"registered": True, "under_measure": row["under"], "last_test_on": row["last"]}


@transaction.atomic
def driving_check(*, actor, id_number, reason, checkpoint=None):
    """A drug-driving look-up by identity number, with its reason, audited; returns the DrivingCheck.

    The hot path of the checkpoints (docs/performance.md): one query answers (keyed hash -> the two facts), one
    insert records the check, and its change record and the person's history row go to the audit chain in one
    append. The check is placed in the actor's own region, so it is in their scope by construction (the
    permission is checked; no region row is read)."""
    require_perm(actor, "persons.add_drivingcheck")
    reason = (reason or "").strip()
    errors = {}
    if len(reason) < 4:
        errors["reason"] = _("Say why you look this person up (at least 4 characters).")
    try:
        number, _birth, _sex = parse_id_number(id_number)
    except ValidationError as error:
        errors["id_number"] = error.messages
    if errors:
        raise ValidationError(errors)
    region_id = getattr(actor, "region_id", None)
    if region_id is None:
        raise PermissionDenied(_("A look-up needs a region scope."))
    from .crypto import blind_index

    id_hash = blind_index(number)
    person_id, facts = facts_by_hash(id_hash, timezone.localdate())
    check = DrivingCheck(id_hash=id_hash, id_masked=mask_id_number(number), reason=reason[:200],
                         checkpoint=checkpoint, region_id=region_id, checked_by=actor, **facts)
    check.full_clean(exclude=["region", "checked_by", "checkpoint"])
    check.save()
    with audit.batch():  # the check's record and the person's history row: one append to the chain
        audit.log_change(check, "created")
        if person_id is not None:
            audit.log("persons.person.driving_checked", object_type="persons.person", object_id=str(person_id),
                      object_repr=check.id_masked, user=actor, extra={"reason": reason[:200], "check": check.pk})
    return check


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def certificate_result(person):
    """Drug-involved (涉毒) for a licence: a registered person (not delisted)."""
    return CertificateResult.INVOLVED if _facts(person, timezone.localdate())["registered"] else \
        CertificateResult.NOT_INVOLVED


def _next_number(region, year):
    prefix = f"JD{region.code[:2]}-{year}-"
    last = LicenceCertificate.objects.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    return prefix + "{:06d}".format(int(last.rsplit("-", 1)[1]) + 1 if last else 1)


def certificate_issue(*, actor, id_number, applicant_name, purpose, requesting_unit, issued_on=None, region=None):
    """Issue a numbered licence query certificate for an identity number (audited; the look-up itself is
    recorded on the person's history when the person is registered)."""
    require_perm(actor, "persons.add_licencecertificate")
    errors = {}
    try:
        number, _birth, _sex = parse_id_number(id_number)
    except ValidationError as error:
        errors["id_number"] = error.messages
    if not (applicant_name or "").strip():
        errors["applicant_name"] = _("Give the applicant's name.")
    if not (requesting_unit or "").strip():
        errors["requesting_unit"] = _("Name the unit that asked.")
    if errors:
        raise ValidationError(errors)
    region = getattr(actor, "scope_region", None) if actor is not None else region  # the system names the office
    if region is None:
        raise PermissionDenied(_("Issuing needs a region scope."))
    from .crypto import blind_index

    person = person_by_id_number(number)
    issued_on = issued_on or timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = LicenceCertificate(
                    number=_next_number(region, issued_on.year),
                    verification_code="".join(secrets.choice(CODE_ALPHABET) for _i in range(8)),
                    id_number=number, id_hash=blind_index(number), id_masked=mask_id_number(number),
                    applicant_name=applicant_name.strip(), purpose=purpose, requesting_unit=requesting_unit.strip(),
                    result=certificate_result(person), region=region, issued_on=issued_on, issued_by=actor)
                _create(actor, certificate)
                if person is not None:
                    audit.log("persons.person.certificate_checked", obj=person, user=actor,
                              extra={"certificate": certificate.number})
                return certificate
        except IntegrityError:
            continue  # two offices took the same number at once: take the next one
    raise ValidationError(_("Could not number the certificate; please try again."))


@transaction.atomic
def certificate_revoke(*, actor, certificate, reason):
    """Withdraw a certificate (issued in error, or the result changed): the public check then says invalid."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("Say why the certificate is revoked (at least 4 characters).")})
    if certificate.revoked:
        raise ValidationError(_("The certificate is already revoked."))
    certificate = _update(actor, certificate, {"revoked": True})
    audit.log("persons.licencecertificate.revoked", obj=certificate, user=actor, extra={"reason": reason[:200]})
    return certificate


def certificate_verify(number, code):
    """The public check: (valid, certificate or None). Valid only for a matching, unrevoked certificate."""
    certificate = LicenceCertificate.objects.filter(number=(number or "").strip().upper()).first()
    if certificate is None or certificate.revoked:
        return False, None
    if not secrets.compare_digest(certificate.verification_code, (code or "").strip().upper()):
        return False, None
    return True, certificate


def normalise(value):
    return normalise_id_number(value)
