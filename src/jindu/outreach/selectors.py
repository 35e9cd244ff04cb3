"""Reads of the outreach app: the statistics contribution, school coverage, campaign progress,
judging progress and the contest ranking. Every read starts from ``restrict()`` or ``region_q()``.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from jindu.common.scope import region_q

from .choices import FIVE_ONES
from .models import (
    Campaign,
    ContestEntry,
    Event,
    JudgeScore,
    ReviewScore,
    School,
    SchoolActivity,
)

# --- Statistics contract (DESIGN.md, "Statistics definitions", outreach) ------------------------


def statistics(date_from, date_to, region):
    """The ``outreach`` section of the statistics contract for the inclusive period and region subtree.

    - ``events`` / ``people_reached``: events dated inside the period under the region, and the sum
      of their ``reached``;
    - ``videos_submitted``: contest entries submitted inside the period under the region;
      ``videos_selected``: of those, the entries their contest selected;
    - ``quiz_attempts`` / ``quiz_participants``: attempts of the public quiz submitted inside the period
      whose participant's region lies under the region (an attempt without a region counts only for the
      root region), and the distinct participants among them; imported campaign counts are added
      (``quiz.selectors.statistics``).
    """
    from .quiz.selectors import statistics as quiz_statistics

    events = Event.objects.filter(region_q("region", region), held_on__gte=date_from, held_on__lte=date_to)
    figures = events.aggregate(count=Count("id"), reached=Sum("reached"))
    entries = ContestEntry.objects.filter(region_q("region", region), submitted_on__gte=date_from,
                                          submitted_on__lte=date_to)
    videos = entries.aggregate(submitted=Count("id"), selected=Count("id", filter=Q(selected=True)))
    return {
        "outreach": {
            "events": figures["count"] or 0,
            "people_reached": int(figures["reached"] or 0),
            **quiz_statistics(date_from, date_to, region),
            "videos_submitted": videos["submitted"] or 0,
            "videos_selected": videos["selected"] or 0,
        }
    }


# --- Campaign progress ------------------------------------------------------------------------


def campaign_progress(campaign, user=None):
    """Events and people reached of a campaign against its targets (events the user may see)."""
    events = Event.objects.filter(campaign=campaign)
    if user is not None:
        events = events.restrict(user)
    figures = events.aggregate(count=Count("id"), reached=Sum("reached"), materials=Sum("materials"))
    by_kind = list(events.values("kind").annotate(count=Count("id"), reached=Sum("reached")).order_by("kind"))

    def share(value, target):
        return round(value / target, 4) if target else None

    return {
        "events": figures["count"] or 0,
        "reached": int(figures["reached"] or 0),
        "materials": int(figures["materials"] or 0),
        "target_events": campaign.target_events,
        "target_reached": campaign.target_reached,
        "events_share": share(figures["count"] or 0, campaign.target_events),
        "reached_share": share(int(figures["reached"] or 0), campaign.target_reached),
        "by_kind": by_kind,
    }


def campaigns_progress(user, limit=8):
    """Progress of the newest campaigns the user may see (the overview page's chart)."""
    campaigns = Campaign.objects.restrict(user).order_by("-start_on")[:limit]
    return [(campaign, campaign_progress(campaign, user)) for campaign in campaigns]


# --- School coverage --------------------------------------------------------------------------


def school_coverage(term, region, user=None):
    """Coverage of the "five ones" in ``term`` for ``region``, one row per region directly under it
    (or the region alone at county level), plus a total row.

    - ``schools``: schools registered under the row's region;
    - ``complete``: of those, schools that ticked all five of the "five ones" in the term;
    - ``share``: complete / schools (None without schools);
    - ``students``: students enrolled; ``reached``: students reached, counted per school as the
      largest number taking part in any one activity of the term (a student who attends five
      activities counts once), summed over schools.
    """
    from jindu.core.models import Region

    schools = School.objects.filter(region_q("organisation__region", region))
    activities = SchoolActivity.objects.filter(term=term, school__in=schools)
    if user is not None:
        schools = schools.restrict(user)
        activities = activities.restrict(user)
    done = dict(activities.filter(activity__in=FIVE_ONES).values("school").annotate(
        n=Count("activity", distinct=True)).values_list("school", "n"))
    reached = {}
    for school_id, students in activities.values_list("school", "students"):
        reached[school_id] = max(reached.get(school_id, 0), students)
    children = list(Region.objects.filter(parent=region).order_by("code")) or [region]
    rows = {child.pk: _coverage_row(child) for child in children}
    total = _coverage_row(region)
    for school_id, students, path in schools.values_list("pk", "students", "organisation__region__path"):
        targets = [rows[child.pk] for child in children if path.startswith(child.path)] + [total]
        for row in targets:
            row["schools"] += 1
            row["students"] += students
            row["reached"] += reached.get(school_id, 0)
            row["complete"] += 1 if done.get(school_id, 0) >= len(FIVE_ONES) else 0
    result = list(rows.values()) if children != [region] else []
    for row in result + [total]:
        row["share"] = round(row["complete"] / row["schools"], 4) if row["schools"] else None
        row["percent"] = None if row["share"] is None else round(row["share"] * 100, 1)
    return {"term": term, "rows": result, "total": total}


def _coverage_row(region):
    return {"region": region, "schools": 0, "complete": 0, "students": 0, "reached": 0, "share": None,
            "percent": None}


def school_checklist(school, term):
    """The school's ticks of ``term``: activity code -> SchoolActivity."""
    return {a.activity: a for a in SchoolActivity.objects.filter(school=school, term=term)}


# --- Model-school review ----------------------------------------------------------------------


def _weighted(sheet, criteria):
    """A sheet's weighted score out of 100: sum(weight x score / max) / sum(weight) x 100, exact."""
    total_weight = sum(Fraction(c.weight) for c in criteria)
    points = sum(Fraction(c.weight) * Fraction(sheet[c.pk]) / Fraction(c.max_score) for c in criteria)
    return points / total_weight * 100


def round3(value):
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.001"), ROUND_HALF_UP)


def application_score(application, user=None):
    """Per reviewer weighted scores (complete sheets only), their mean and the suggested result.

    With ``user``: only the scores the user may read (a reviewer of an open review reads only their own)."""
    review = application.review
    criteria = list(review.criteria.all())
    sheets = {}
    scores = ReviewScore.objects.filter(application=application)
    if user is not None:
        scores = scores.restrict(user)
    for row in scores:
        sheets.setdefault(row.reviewer, {})[row.criterion_id] = row.score
    by_reviewer = {name: _weighted(sheet, criteria) for name, sheet in sheets.items()
                   if criteria and set(sheet) >= {c.pk for c in criteria}}
    mean = sum(by_reviewer.values()) / len(by_reviewer) if by_reviewer else None
    return {
        "sheets": len(by_reviewer),
        "by_reviewer": {name: round3(value) for name, value in sorted(by_reviewer.items())},
        "score": round3(mean),
        "suggests_approval": None if mean is None else mean >= Fraction(review.pass_mark),
        "criteria": criteria,
        "raw": sheets,
    }


# --- Short-video contest ----------------------------------------------------------------------


def visible_scores(user, contest):
    """The judges' scores of ``contest`` the user may read: all of them once it is closed, before that
    only the user's own (see scoping.JudgeScoreQuerySet)."""
    return JudgeScore.objects.restrict(user).filter(entry__contest=contest).select_related("judge", "criterion")


def _sheets(contest):
    """(entry id, judge id) -> {criterion id: score}, complete sheets only. Unrestricted: callers decide."""
    criteria_ids = set(contest.criteria.values_list("pk", flat=True))
    sheets = {}
    for entry_id, judge_id, criterion_id, score in JudgeScore.objects.filter(entry__contest=contest).values_list(
            "entry", "judge", "criterion", "score"):
        sheets.setdefault((entry_id, judge_id), {})[criterion_id] = score
    return {key: sheet for key, sheet in sheets.items() if criteria_ids and set(sheet) >= criteria_ids}


def judging_progress(contest):
    """Per judge: sheets due (entries without conflict) and sheets done; totals; entries no judge may score.

    Counts only, never scores: safe to show before the contest closes."""
    entries = list(ContestEntry.objects.filter(contest=contest))
    judges = list(contest.judges.select_related("user", "unit"))
    sheets = _sheets(contest)
    rows, missing = [], 0
    for judge in judges:
        due = [e for e in entries if not judge.has_conflict(e)]
        done = sum(1 for e in due if (e.pk, judge.pk) in sheets)
        rows.append({"judge": judge, "due": len(due), "done": done, "conflicts": len(entries) - len(due)})
        missing += len(due) - done
    unjudgeable = [e for e in entries if judges and all(j.has_conflict(e) for j in judges)]
    return {"judges": rows, "missing": missing, "unjudgeable": unjudgeable, "entries": len(entries)}


@dataclass
class RankedEntry:
    entry: ContestEntry
    score: Fraction | None
    judges: int
    criterion_means: list = field(default_factory=list)
    rank: int = 0
    tie_rule: str = ""

    @property
    def rounded_score(self):
        return round3(self.score)

    @property
    def tie_label(self):
        """The rule that separated this entry from an equal score, for people (``tie_rule`` is the code)."""
        if not self.tie_rule:
            return ""
        if self.tie_rule.startswith("criterion: "):
            return _("criterion “{name}”").format(name=self.tie_rule[len("criterion: "):])
        if self.tie_rule == "submission date":
            return _("earlier submission")
        return _("lower entry number")


TIE_RULE = _(
    "Entries are ranked by their score: the mean, over the judges who scored the entry, of each judge's "
    "weighted score out of 100 (sum of weight x score / maximum score, divided by the sum of weights). "
    "Equal scores (compared exactly, before rounding) are separated by the mean normalised score on each "
    "criterion in turn, the heaviest criterion first (equal weights: in the sheet's order); then the earlier "
    "submission date; then the lower entry number (the earlier registration). Every entry gets its own rank, "
    "so the top N is always exactly N entries."
)


def contest_ranking(contest):
    """The ranking of every entry by the rule in :data:`TIE_RULE`. Unrestricted: show it only when the
    contest is closed (or to the system), never to judges while they score."""
    criteria = list(contest.criteria.all())
    tie_order = sorted(criteria, key=lambda c: (-c.weight, c.order, c.pk))
    sheets = _sheets(contest)
    by_entry = {}
    for (entry_id, _judge_id), sheet in sheets.items():
        by_entry.setdefault(entry_id, []).append(sheet)
    rows = []
    for entry in ContestEntry.objects.filter(contest=contest):
        entry_sheets = by_entry.get(entry.pk, [])
        if entry_sheets:
            score = sum(_weighted(s, criteria) for s in entry_sheets) / len(entry_sheets)
            means = [sum(Fraction(s[c.pk]) / Fraction(c.max_score) for s in entry_sheets) / len(entry_sheets)
                     for c in tie_order]
        else:
            score, means = None, []
        rows.append(RankedEntry(entry=entry, score=score, judges=len(entry_sheets), criterion_means=means))

    def key(row):
        return (row.score is None, -(row.score or 0), [-m for m in row.criterion_means],
                row.entry.submitted_on, row.entry.pk)

    rows.sort(key=key)
    for index, row in enumerate(rows, start=1):
        row.rank = index
    for previous, row in zip(rows, rows[1:], strict=False):
        if row.score is None or previous.score != row.score:
            continue
        note = ""
        for criterion, a, b in zip(tie_order, previous.criterion_means, row.criterion_means, strict=False):
            if a != b:
                note = f"criterion: {criterion.name}"
                break
        else:
            note = "submission date" if previous.entry.submitted_on != row.entry.submitted_on else "entry number"
        previous.tie_rule = previous.tie_rule or note
        row.tie_rule = note
    return rows


def selected_entries(contest, user=None):
    """The selected entries of a closed contest in rank order (the list sent to the national office)."""
    entries = ContestEntry.objects.filter(contest=contest, selected=True)
    if user is not None:
        entries = entries.restrict(user)
    return entries.select_related("region", "author_unit").order_by("rank")
