"""Staff write actions of the quiz (STYLE rule 5): atomic, validated, scope checked, audited. Built on the
outreach ``record_*`` services. The participant's own actions are in ``play`` and ``identity``: they
are not audited one by one (hundreds of thousands of rows; the attempt row is their record)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common import audit

from .. import services as outreach_services
from ..scoping import in_scope
from . import draw as draw_algorithm
from . import live, play
from .choices import AttemptStatus, QuestionStatus, QuizStatus
from .models import Participant, Question, Quiz, QuizAttempt, QuizDraw, QuizPrize, QuizWinner

record_create = outreach_services.record_create
record_update = outreach_services.record_update
record_delete = outreach_services.record_delete
_require = outreach_services._require

# Fields of an approved question that cannot change: attempts already drawn carry its key.
LOCKED_WHEN_APPROVED = ("kind", "text_zh", "text_bo", "options", "answer")


# --- Question bank ----------------------------------------------------------------------------


def new_question_ref():
    return f"Q{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def question_create(*, actor, data):
    data = dict(data)
    if not data.get("ref"):
        data["ref"] = new_question_ref()
    data.setdefault("status", QuestionStatus.DRAFT)
    if data["status"] == QuestionStatus.APPROVED:
        data["reviewed_at"] = timezone.now()
        data["reviewed_by"] = actor if getattr(actor, "pk", None) else None
    question = record_create(actor=actor, model=Question, data=data)
    play.forget()
    return question


def question_update(*, actor, instance, data):
    data = {key: value for key, value in data.items() if key not in ("reviewed_at", "reviewed_by")}
    instance = Question.objects.get(pk=instance.pk)  # as stored: a model form has already changed the instance
    if instance.status == QuestionStatus.APPROVED:
        probe = Question(**{name: data.get(name, getattr(instance, name)) for name in LOCKED_WHEN_APPROVED})
        try:
            probe.clean()  # normalise options and answer the way they are stored before comparing
        except ValidationError:
            pass
        changed = [name for name in LOCKED_WHEN_APPROVED if getattr(probe, name) != getattr(instance, name)]
        if changed and data.get("status", QuestionStatus.APPROVED) == QuestionStatus.APPROVED:
            raise ValidationError(_("An approved question cannot change its text, options or answer. Withdraw it "
                                    "to draft first."))
    if data.get("status") == QuestionStatus.APPROVED and instance.status != QuestionStatus.APPROVED:
        data["reviewed_at"] = timezone.now()
        data["reviewed_by"] = actor if getattr(actor, "pk", None) else None
    elif data.get("status") == QuestionStatus.DRAFT:
        data["reviewed_at"] = None
        data["reviewed_by"] = None
    question = record_update(actor=actor, instance=instance, data=data)
    play.forget()
    return question


@transaction.atomic
def question_set_status(*, actor, question, status):
    """Approve a draft (it is served from then on) or withdraw an approved question to draft (audited)."""
    locked = Question.objects.select_for_update().get(pk=question.pk)
    _require(actor, locked, "change")
    if locked.status == status:
        return locked
    before = audit.snapshot(locked)
    locked.status = status
    if status == QuestionStatus.APPROVED:
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor if getattr(actor, "pk", None) else None
    else:
        locked.reviewed_at = locked.reviewed_by = None
    locked.full_clean()
    locked.save()
    audit.log(audit.action_code(locked, "approved" if status == QuestionStatus.APPROVED else "withdrawn"),
              obj=locked, before=before, after=audit.snapshot(locked))
    transaction.on_commit(play.forget)
    return locked


# --- Quizzes ----------------------------------------------------------------------------------


def quiz_create(*, actor, data):
    data = dict(data)
    if not data.get("code"):
        data["code"] = secrets.token_urlsafe(6).replace("_", "x").replace("-", "y").lower()
    return record_create(actor=actor, model=Quiz, data=data)


def quiz_update(*, actor, instance, data):
    quiz = record_update(actor=actor, instance=instance, data=data)
    play.forget(quiz)
    return quiz


def quiz_check(quiz):
    """Problems that keep a quiz from being published (empty list: ready)."""
    problems = []
    if not quiz.draw_rules.exists():
        problems.append(_("Add at least one draw rule (how many questions of which category and difficulty)."))
        return problems
    config = play.load_config(quiz)
    for index, (count, pool) in enumerate(zip([r[2] for r in config.rules], config.pools, strict=True)):
        # at worst every earlier rule whose questions overlap this one's took its questions from this pool
        members = set(pool)
        taken = sum(config.rules[j][2] for j in range(index) if members & set(config.pools[j]))
        available = len(members) - taken
        if available < count:
            problems.append(_("A rule draws {count} questions but only {available} approved questions match it.")
                            .format(count=count, available=max(0, available)))
    if quiz.eligible_regions.exists() and not quiz.asks_region:
        problems.append(_("A quiz with eligible regions asks participants for their region."))
    return problems


@transaction.atomic
def quiz_publish(*, actor, quiz):
    locked = Quiz.objects.select_for_update().get(pk=quiz.pk)
    _require(actor, locked, "change")
    problems = quiz_check(locked)
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(locked)
    locked.status = QuizStatus.PUBLISHED
    locked.save(update_fields=["status", "last_updated"])
    audit.log(audit.action_code(locked, "published"), obj=locked, before=before, after=audit.snapshot(locked))
    transaction.on_commit(lambda: play.forget(locked))
    return locked


@transaction.atomic
def quiz_unpublish(*, actor, quiz):
    """Back to draft: only while nobody has started an attempt."""
    locked = Quiz.objects.select_for_update().get(pk=quiz.pk)
    _require(actor, locked, "change")
    if locked.attempts.exists():
        raise ValidationError(_("Participants have started this quiz: it stays published."))
    before = audit.snapshot(locked)
    locked.status = QuizStatus.DRAFT
    locked.save(update_fields=["status", "last_updated"])
    audit.log(audit.action_code(locked, "unpublished"), obj=locked, before=before, after=audit.snapshot(locked))
    transaction.on_commit(lambda: play.forget(locked))
    return locked


def quiz_part_change(*, actor, instance=None, model=None, data=None, delete=False):
    """Add, change or delete a draw rule or prize; prizes are fixed once the candidates are frozen."""
    quiz = instance.quiz if instance is not None else data["quiz"]
    if model is QuizPrize or isinstance(instance, QuizPrize):
        if QuizDraw.objects.filter(quiz=quiz).exists():
            raise ValidationError(_("The prize draw has begun: prizes can no longer change."))
    if delete:
        result = record_delete(actor=actor, instance=instance)
    elif instance is None:
        result = record_create(actor=actor, model=model, data=data)
    else:
        result = record_update(actor=actor, instance=instance, data=data)
    play.forget(quiz)
    return result


# --- Prize draw -------------------------------------------------------------------------------


def eligible_q(quiz):
    """Attempts that can win (the same rule as ``play.prize_eligible``)."""
    regions = list(quiz.eligible_regions.all())
    if not regions and not quiz.asks_region:
        return Q()
    regions = regions or [quiz.region]
    q = Q(pk__in=[])
    for region in regions:
        q |= Q(region__path__startswith=region.path)
    return q


def draw_candidates(quiz):
    """[{"code", "score"}]: participants whose best scored, unflagged attempt in an eligible region reaches
    the lowest prize minimum."""
    prizes = list(quiz.prizes.all())
    if not prizes:
        return []
    floor = min(prize.min_score for prize in prizes)
    best = (QuizAttempt.objects.filter(quiz=quiz, status=AttemptStatus.SUBMITTED, flag="")
            .filter(eligible_q(quiz)).values("participant__code").annotate(best=Max("score"))
            .filter(best__gte=floor).order_by("participant__code"))
    return [{"code": row["participant__code"], "score": row["best"]} for row in best]


@transaction.atomic
def draw_freeze(*, actor, quiz, seed_source, now=None):
    """Freeze and publish the candidate list (and its SHA-256) with the announced source of the seed."""
    now = now or timezone.now()
    locked = Quiz.objects.select_for_update().get(pk=quiz.pk)
    _require(actor, locked, "change")
    if now < locked.closes_at:
        raise ValidationError(_("The draw takes place after the quiz closes."))
    if not locked.prizes.exists():
        raise ValidationError(_("This quiz has no prizes."))
    if QuizDraw.objects.filter(quiz=locked).exists():
        raise ValidationError(_("The candidates of this quiz are already frozen."))
    if not (seed_source or "").strip():
        raise ValidationError({"seed_source": _("Announce where the seed will come from.")})
    candidates = draw_candidates(locked)
    record = QuizDraw(quiz=locked, seed_source=seed_source.strip(), candidates=candidates,
                      candidates_sha256=draw_algorithm.candidates_sha256(candidates), frozen_at=now,
                      frozen_by=actor if getattr(actor, "pk", None) else None)
    record.full_clean()
    record.save()
    audit.log("outreach.quizdraw.frozen", obj=record,
              extra={"candidates": len(candidates), "candidates_sha256": record.candidates_sha256,
                     "seed_source": record.seed_source})
    return record


@transaction.atomic
def draw_run(*, actor, quiz, seed, now=None):
    """Draw the winners with the published seed. Runs once: a second call is refused."""
    seed = (seed or "").strip()
    if not seed:
        raise ValidationError({"seed": _("Enter the seed.")})
    record = QuizDraw.objects.select_for_update().filter(quiz=quiz).first()
    if record is None:
        raise ValidationError(_("Freeze the candidates first."))
    _require(actor, record, "change")
    if record.drawn_at is not None:
        raise ValidationError(_("The prize draw has already taken place."))
    prizes = list(quiz.prizes.all())
    spec = [{"name": p.name, "count": p.count, "min_score": p.min_score} for p in prizes]
    outcome = draw_algorithm.run(seed, spec, record.candidates)
    codes = {code for _index, picked in outcome for _position, code in picked}
    participants = dict(Participant.objects.filter(code__in=codes).values_list("code", "pk"))
    winners = [QuizWinner(draw=record, prize=prizes[index], participant_id=participants[code], position=position)
               for index, picked in outcome for position, code in picked]
    QuizWinner.objects.bulk_create(winners)
    record.seed = seed
    record.drawn_at = now or timezone.now()
    record.drawn_by = actor if getattr(actor, "pk", None) else None
    record.save(update_fields=["seed", "drawn_at", "drawn_by", "last_updated"])
    audit.log("outreach.quizdraw.drawn", obj=record,
              extra={"seed": seed, "candidates_sha256": record.candidates_sha256, "winners": len(winners),
                     "by_prize": {p.name: len(picked) for p, (_i, picked) in zip(prizes, outcome, strict=True)}})
    return record


def draw_record(record):
    """The published record of a draw (the input of ``draw.verify`` and of the snippet in its docstring)."""
    winners = {}
    for winner in record.winners.select_related("participant").order_by("position"):
        winners.setdefault(winner.prize_id, []).append({"code": winner.participant.code, "position": winner.position})
    return {
        "quiz": record.quiz.code, "title": record.quiz.title, "seed_source": record.seed_source,
        "seed": record.seed, "frozen_at": record.frozen_at.isoformat(),
        "drawn_at": record.drawn_at.isoformat() if record.drawn_at else None,
        "algorithm": "sha256(seed + '\\n' + code), ascending; prizes in order; one prize per participant",
        "candidates_sha256": record.candidates_sha256,
        "prizes": [{"name": p.name, "count": p.count, "min_score": p.min_score, "winners": winners.get(p.pk, [])}
                   for p in record.quiz.prizes.all()],
        "candidates": record.candidates,
    }


# --- Participants (their own profile) ---------------------------------------------------------


def participant_update_profile(*, participant, nickname, under_14, guardian_consent, region, school, school_name):
    """The participant's own profile (nickname, and region/school when a quiz asks). Returns the participant;
    its ``profile_version`` changes, so the caller issues a new token."""
    if under_14 and not guardian_consent:
        raise ValidationError({"guardian_consent": _("A parent or guardian must agree for an under-14.")})
    participant.nickname = nickname
    participant.under_14 = bool(under_14)
    if under_14:
        participant.guardian_consent_at = participant.guardian_consent_at or timezone.now()
    else:
        participant.guardian_consent_at = None
    participant.region = region
    participant.school = school
    participant.school_name = "" if school is not None else (school_name or "")
    participant.profile_version += 1
    participant.full_clean()
    participant.save()
    return participant


def results_exported(*, actor, quiz, rows):
    audit.log("outreach.quiz.exported", obj=quiz, user=actor, extra={"rows": rows})


def live_recount(*, actor, quiz):
    """Recount the live figures from the database (audited: it is a staff action)."""
    if not in_scope(actor, quiz, "change"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    live.forget(quiz.pk)
    figures = live.rebuild(quiz.pk) if live.redis_client() is not None else live.count_from_database(quiz.pk)
    audit.log("outreach.quiz.recounted", obj=quiz, user=actor, extra={"attempts": figures["n"]})
    return figures
