"""The hourly aggregate of a quiz (:class:`~jindu.outreach.quiz.models.QuizHourlyCount`), rolled up from the
scored attempts by ``jindu quiz rollup`` (cron, every few minutes) and read by the staff figures.

Only complete hours are rolled up, and only once they ended :data:`SETTLE_SECONDS` ago, so a submission that
was being written when the hour ended is not missed. A rollup replaces the rows of the hours it covers (in one
transaction), so running it again, or over a longer span, gives the same rows: it is idempotent.

Participants are counted exactly (see the model): per hour, per local day (the sum of ``new_today``) and per quiz
(the sum of ``new_in_quiz``). Reading past attempts to know who is new is one indexed query per rollup.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .choices import AttemptStatus
from .models import QuizAttempt, QuizHourlyCount

SETTLE_SECONDS = 120


def _hour(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def settled_until(now=None):
    """The end of the last hour that may be rolled up (complete and settled)."""
    return _hour((now or timezone.now()) - datetime.timedelta(seconds=SETTLE_SECONDS))


def rollup(quiz, *, since=None, now=None):
    """Roll up ``quiz`` from the local day ``since`` (default: the quiz's first day) to the last settled hour.
    Returns (hours written, attempts counted)."""
    until = settled_until(now)
    start = _day_start(since or timezone.localdate(quiz.opens_at))
    if start >= until:
        return 0, 0
    submitted = QuizAttempt.objects.filter(quiz_id=quiz.pk, status=AttemptStatus.SUBMITTED)
    seen_in_quiz = set(
        submitted.filter(finished_at__lt=start).values_list("participant_id", flat=True).distinct().order_by()
    )
    rows = (
        submitted.filter(finished_at__gte=start, finished_at__lt=until)
        .order_by("finished_at", "id")
        .values_list("participant_id", "finished_at", "region_id", "score", "passed", "flag")
    )
    buckets = {}
    seen_in = {}  # hour -> participants seen in it (each counted once, in the region of their first attempt)
    seen_on = {}  # local day -> participants seen that day
    counted = 0
    for participant, finished, region, score, passed, flag in rows.iterator(chunk_size=5000):
        counted += 1
        hour = _hour(finished)
        day = timezone.localdate(finished)
        bucket = buckets.get((hour, region))
        if bucket is None:
            bucket = buckets[(hour, region)] = {
                "day": day,
                "attempts": 0,
                "participants": 0,
                "new_today": 0,
                "new_in_quiz": 0,
                "score_sum": 0,
                "passes": 0,
                "flagged": 0,
            }
        bucket["attempts"] += 1
        this_hour = seen_in.setdefault(hour, set())
        if participant not in this_hour:
            this_hour.add(participant)
            bucket["participants"] += 1
        bucket["score_sum"] += score or 0
        bucket["passes"] += bool(passed)
        bucket["flagged"] += bool(flag)
        today = seen_on.setdefault(day, set())
        if participant not in today:
            today.add(participant)
            bucket["new_today"] += 1
        if participant not in seen_in_quiz:
            seen_in_quiz.add(participant)
            bucket["new_in_quiz"] += 1
    made = [
        QuizHourlyCount(
            quiz_id=quiz.pk,
            hour=hour,
            day=b["day"],
            region_id=region,
            attempts=b["attempts"],
            participants=b["participants"],
            new_today=b["new_today"],
            new_in_quiz=b["new_in_quiz"],
            score_sum=b["score_sum"],
            passes=b["passes"],
            flagged=b["flagged"],
        )
        for (hour, region), b in sorted(buckets.items(), key=lambda item: (item[0][0], item[0][1] or 0))
    ]
    with transaction.atomic():
        QuizHourlyCount.objects.filter(quiz_id=quiz.pk, hour__gte=start, hour__lt=until).delete()
        QuizHourlyCount.objects.bulk_create(made, batch_size=2000)
    return len(made), counted


def rollup_recent(*, days=1, now=None):
    """Roll up every quiz that had scored attempts since the start of the local day ``days`` ago (cron)."""
    now = now or timezone.now()
    since = timezone.localdate(now) - datetime.timedelta(days=days)
    from .models import Quiz

    done = []
    for quiz in Quiz.objects.filter(opens_at__lt=now, closes_at__gte=_day_start(since)).order_by("pk"):
        written, counted = rollup(quiz, since=max(since, timezone.localdate(quiz.opens_at)), now=now)
        done.append((quiz, written, counted))
    return done


def figures(quiz):
    """The rolled-up figures of ``quiz``: by hour (attempts, distinct participants), by local day (attempts,
    distinct participants), the quiz's distinct participants up to the last rolled-up hour, and that hour."""
    rows = list(
        QuizHourlyCount.objects.filter(quiz_id=quiz.pk).values(
            "hour", "day", "attempts", "participants", "new_today", "new_in_quiz"
        )
    )
    by_hour, by_day = {}, {}
    total = 0
    for row in rows:
        hour = by_hour.setdefault(row["hour"], {"attempts": 0, "participants": 0})
        hour["attempts"] += row["attempts"]
        hour["participants"] += row["participants"]
        day = by_day.setdefault(row["day"], {"attempts": 0, "participants": 0})
        day["attempts"] += row["attempts"]
        day["participants"] += row["new_today"]
        total += row["new_in_quiz"]
    return {
        "by_hour": dict(sorted(by_hour.items())),
        "by_day": dict(sorted(by_day.items())),
        "participants": total,
        "through": max(by_hour) + datetime.timedelta(hours=1) if by_hour else None,
    }
