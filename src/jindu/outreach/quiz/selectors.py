"""Reads of the quiz: its part of the statistics contract, the live figures as shown, the results export,
the prizes a result can win, a participant's own page."""

import datetime

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from jindu.common.scope import region_q

from . import live, rollup
from .choices import AttemptStatus
from .models import QuizAttempt, QuizDailyCount, QuizWinner


def period_bounds(date_from, date_to):
    """Aware datetimes [start of ``date_from``, start of the day after ``date_to``) in the local time zone."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end


def is_root(region):
    return region.parent_id is None or region.code == settings.JINDU_ROOT_REGION


def statistics(date_from, date_to, region):
    """``quiz_attempts``: attempts submitted (scored) inside the period whose participant's region — as it
    was at the attempt's start — lies under ``region``; an attempt without a region counts only for the
    root region. ``quiz_participants``: distinct participants among them. Imported campaign counts
    (:class:`QuizDailyCount`) of days inside the period under ``region`` are added to both."""
    from jindu.core.models import Region

    start, end = period_bounds(date_from, date_to)
    attempts = QuizAttempt.objects.filter(status=AttemptStatus.SUBMITTED, finished_at__gte=start, finished_at__lt=end)
    under = Region.objects.filter(path__startswith=region.path).values("id")
    if is_root(region):
        from django.db.models import Q

        attempts = attempts.filter(Q(region__isnull=True) | Q(region_id__in=under))
    else:
        attempts = attempts.filter(region_id__in=under)
    real = attempts.aggregate(attempts=Count("id"), participants=Count("participant", distinct=True))
    imported = QuizDailyCount.objects.filter(region_q("region", region), day__gte=date_from,
                                             day__lte=date_to).aggregate(attempts=Sum("attempts"),
                                                                         participants=Sum("participants"))
    return {
        "quiz_attempts": (real["attempts"] or 0) + int(imported["attempts"] or 0),
        "quiz_participants": (real["participants"] or 0) + int(imported["participants"] or 0),
    }


# --- Live figures as shown ----------------------------------------------------------------------


def _rate(part, whole, digits=4):
    return round(part / whole, digits) if whole else None


def live_view(quiz, *, hours=48):
    """The live figures of ``quiz`` for the staff page, the dashboard card and the API."""
    from jindu.core.models import Region

    from ..models import School

    figures = live.figures(quiz.pk)
    n = figures["n"]
    regions = {r.pk: r for r in Region.objects.all()}
    prefectures = {}
    counties = []
    for region_id, (count, score_sum, passes) in figures["regions"].items():
        region = regions.get(region_id)
        row = {"region": region, "attempts": count, "average": _rate(score_sum, count, 1),
               "pass_rate": _rate(passes, count)}
        counties.append(row)
        top = region
        while top is not None and top.parent_id is not None and regions.get(top.parent_id) and \
                regions[top.parent_id].parent_id is not None:
            top = regions[top.parent_id]
        key = top.pk if top is not None else 0
        agg = prefectures.setdefault(key, {"region": top, "attempts": 0, "score": 0, "passes": 0})
        agg["attempts"] += count
        agg["score"] += score_sum
        agg["passes"] += passes
    by_prefecture = sorted(({"region": a["region"], "attempts": a["attempts"],
                             "average": _rate(a["score"], a["attempts"], 1), "pass_rate": _rate(a["passes"],
                                                                                                 a["attempts"])}
                            for a in prefectures.values()), key=lambda r: -r["attempts"])
    counties.sort(key=lambda r: -r["attempts"])
    school_ids = sorted(figures["schools"], key=lambda s: -figures["schools"][s][0])[:20]
    names = {s.pk: s.name for s in School.objects.filter(pk__in=school_ids).select_related("organisation")}
    by_school = [{"school": names.get(sid, str(sid)), "attempts": figures["schools"][sid][0],
                  "average": _rate(figures["schools"][sid][1], figures["schools"][sid][0], 1),
                  "pass_rate": _rate(figures["schools"][sid][2], figures["schools"][sid][0])} for sid in school_ids]
    # distinct participants per hour and per day from the hourly rollup (``jindu quiz rollup``): hours not yet
    # rolled up show attempts only
    rolled = rollup.figures(quiz)
    hour_participants = {live.hour_key(hour): row["participants"] for hour, row in rolled["by_hour"].items()}
    hour_keys = sorted(figures["hours"])[-hours:]
    by_hour = [{"hour": f"{k[:4]}-{k[4:6]}-{k[6:8]} {k[8:10]}:00", "attempts": figures["hours"][k],
                "participants": hour_participants.get(k)} for k in hour_keys]
    by_day = [{"day": day.isoformat(), **row} for day, row in rolled["by_day"].items()][-31:]
    return {
        "attempts": n, "participants": figures["u"], "average": _rate(figures["s"], n, 1),
        "pass_rate": _rate(figures["p"], n), "flagged": figures["f"], "by_prefecture": by_prefecture,
        "by_county": counties[:30], "by_school": by_school, "by_hour": by_hour, "by_day": by_day,
        "rolled_up_through": timezone.localtime(rolled["through"]).strftime("%Y-%m-%d %H:%M") if rolled["through"]
        else None, "source": figures["source"],
        "as_of": timezone.localtime().strftime("%H:%M:%S"),
    }


def live_json(view):
    """``live_view`` as JSON (regions by code)."""
    def region_row(row):
        region = row["region"]
        return {"region": region.code if region else None, "name": region.name_zh if region else None,
                **{k: row[k] for k in ("attempts", "average", "pass_rate")}}

    return {**{k: view[k] for k in ("attempts", "participants", "average", "pass_rate", "flagged", "by_school",
                                    "by_hour", "by_day", "rolled_up_through", "source", "as_of")},
            "by_prefecture": [region_row(r) for r in view["by_prefecture"]],
            "by_county": [region_row(r) for r in view["by_county"]]}


# --- Results ----------------------------------------------------------------------------------

RESULT_HEADER = ["participant", "nickname", "region_code", "region", "school", "attempt", "started_at",
                 "submitted_at", "duration_seconds", "status", "flag", "correct", "questions", "score", "passed"]


def results_rows(quiz):
    """One row per finished attempt (no phone, no identity): the results export."""
    rows = (QuizAttempt.objects.filter(quiz=quiz).exclude(status=AttemptStatus.OPEN)
            .select_related("participant", "region", "school__organisation").order_by("finished_at", "id"))
    for attempt in rows.iterator(chunk_size=2000):
        participant = attempt.participant
        school = attempt.school.name if attempt.school_id else participant.school_name
        yield [participant.code, participant.nickname, attempt.region.code if attempt.region_id else "",
               attempt.region.name_zh if attempt.region_id else "", school, attempt.total_slot,
               timezone.localtime(attempt.started_at).strftime("%Y-%m-%d %H:%M:%S"),
               timezone.localtime(attempt.finished_at).strftime("%Y-%m-%d %H:%M:%S"),
               round((attempt.duration_ms or 0) / 1000, 1), attempt.status, attempt.flag, attempt.correct,
               attempt.question_count, attempt.score, "yes" if attempt.passed else "no"]


# --- The participant's page ----------------------------------------------------------


def participant_overview(participant):
    attempts = (QuizAttempt.objects.filter(participant=participant).select_related("quiz")
                .order_by("-started_at")[:50])
    wins = QuizWinner.objects.filter(participant=participant, draw__drawn_at__isnull=False).select_related(
        "prize", "draw__quiz")
    return {"attempts": attempts, "wins": wins}
