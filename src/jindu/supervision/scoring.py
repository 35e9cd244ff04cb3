"""Assessment scoring (考核计分): the ranked table of a scheme and each subject's breakdown.

Per item and subject: ``score = max_points - min(deduction, max_points)`` where the deduction is
- manual: the sum of the assessors' entries for that subject;
- statistic: ``deduction`` x the whole steps by which the figure misses the target (a part step counts),
  the figure coming from the statistics engine for the subject's region over the scheme's period up to
  the evaluation day; no figure (nothing to measure) costs nothing;
- tasks: ``deduction`` x the subject's tasks due in the period (deadline before today) that were not
  delivered on time. Delivered = the date of the accepted report, or of a final report still awaiting the
  office's review (the unit is not blamed for the office's delay).
The total is the sum over items. Ranks: highest total first; equal totals share a rank and the next rank
is skipped (1, 2, 2, 4); within a tie, rows follow the region code (or the unit's number), whatever the
language the names are shown in.

While a scheme is a draft the table is computed live; once published it is read from the stored
:class:`~.models.AssessmentResult` rows and never recomputed.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common.scope import region_q

from . import metrics
from .choices import ScoringMethod, SubjectKind, TaskStatus
from .models import AssessmentResult, ScoreEntry, Task

ZERO = Decimal("0.00")


@dataclass
class ItemScore:
    item_id: int
    position: int
    title: str
    max_points: Decimal
    deduction: Decimal
    score: Decimal
    detail: str = ""

    def as_dict(self):
        return {"item_id": self.item_id, "position": self.position, "title": self.title,
                "max_points": str(self.max_points), "deduction": str(self.deduction), "score": str(self.score),
                "detail": self.detail}


@dataclass
class SubjectScore:
    key: str
    name: str
    subject: object = None
    items: list = field(default_factory=list)
    total: Decimal = ZERO
    rank: int = 0


def subject_key(subject):
    """``region-540100`` or ``unit-12``: how URLs and exports name a subject."""
    if hasattr(subject, "level"):
        return f"region-{subject.code}"
    return f"unit-{subject.pk}"


def subjects(scheme):
    """The regions directly under the assessing office's region, or the scheme's member units."""
    if scheme.subject_kind == SubjectKind.REGION:
        return list(scheme.issuer.region.children.order_by("code"))
    return list(scheme.units.select_related("region").order_by("name"))


def subject_by_key(scheme, key):
    for subject in subjects(scheme):
        if subject_key(subject) == key:
            return subject
    return None


def subject_region(subject):
    return subject if hasattr(subject, "level") else subject.region


def evaluation_day(scheme, today=None):
    return min(today or timezone.localdate(), scheme.period_end)


def _tasks_of(subject):
    queryset = Task.objects.all()
    if hasattr(subject, "level"):
        return queryset.filter(region_q("region", subject))
    return queryset.filter(assignee=subject)


def delivered_on(task):
    if task.status == TaskStatus.ACCEPTED and task.completed_on:
        return task.completed_on
    if task.status == TaskStatus.REPORTED and task.reported_at:
        return timezone.localdate(task.reported_at)
    return None


def late_tasks(scheme, subject, today=None):
    """The subject's tasks due in the period, with the deadline passed, not delivered on time."""
    today = today or timezone.localdate()
    due = _tasks_of(subject).filter(deadline__gte=scheme.period_start, deadline__lte=scheme.period_end,
                                    deadline__lt=today)
    late = []
    total = 0
    for task in due:
        total += 1
        day = delivered_on(task)
        if day is None or day > task.deadline:
            late.append(task)
    return late, total


class Scorer:
    """Scores of one scheme on one day; statistics are computed once per subject."""

    def __init__(self, scheme, today=None):
        self.scheme = scheme
        self.today = today or timezone.localdate()
        self.day = evaluation_day(scheme, self.today)
        self.items = list(scheme.items.filter(voided=False).order_by("position", "id"))
        self._stats = {}
        self.entries = {}
        for entry in ScoreEntry.objects.filter(item__scheme=scheme).select_related("subject_region", "subject_unit"):
            self.entries.setdefault((entry.item_id, subject_key(entry.subject)), []).append(entry)

    def stats(self, subject):
        code = subject_region(subject).code
        if code not in self._stats:
            if self.day < self.scheme.period_start:
                self._stats[code] = None
            else:
                self._stats[code] = metrics.compute(self.scheme.period_start, self.day, code)
        return self._stats[code]

    def item_score(self, item, subject):
        deduction, detail = ZERO, ""
        if item.method == ScoringMethod.MANUAL:
            entries = self.entries.get((item.pk, subject_key(subject)), [])
            deduction = sum((entry.points for entry in entries), ZERO)
            detail = _("{count} deductions entered").format(count=len(entries)) if entries else ""
        elif item.method == ScoringMethod.STATISTIC:
            stats = self.stats(subject)
            value = metrics.value_at(stats, item.metric) if stats is not None else None
            if value is None:
                detail = str(metrics.NO_DATA)
            else:
                gap = metrics.shortfall(item.metric, value, item.target_value)
                steps = metrics.steps(gap, item.step)
                deduction = item.deduction * steps
                detail = _("figure {value}, target {target}: {steps} steps short").format(
                    value=metrics.format_value(item.metric, value),
                    target=metrics.describe_target(item.metric, item.target_value), steps=steps)
        elif item.method == ScoringMethod.TASKS:
            late, total = late_tasks(self.scheme, subject, self.today)
            deduction = item.deduction * len(late)
            detail = _("{late} of {total} tasks due were not delivered on time").format(late=len(late), total=total)
        deduction = metrics.quantize(min(deduction, item.max_points))
        score = metrics.quantize(item.max_points - deduction)
        return ItemScore(item.pk, item.position, item.title, metrics.quantize(item.max_points), deduction, score,
                         detail)

    def subject_score(self, subject):
        row = SubjectScore(key=subject_key(subject), name=str(subject), subject=subject)
        row.items = [self.item_score(item, subject) for item in self.items]
        row.total = metrics.quantize(sum((i.score for i in row.items), ZERO))
        return row

    def table(self):
        return rank([self.subject_score(subject) for subject in subjects(self.scheme)])


def _tie_order(row):
    kind, _, ident = row.key.partition("-")
    return (kind, int(ident) if ident.isdigit() else ident)


def rank(rows):
    """Order by total (highest first), then code; equal totals share a rank (competition ranking)."""
    rows = sorted(rows, key=lambda row: (-row.total, _tie_order(row)))
    for row in rows:
        row.rank = 1 + sum(1 for other in rows if other.total > row.total)
    return rows


def _from_result(result):
    subject = result.subject_region or result.subject_unit
    row = SubjectScore(key=subject_key(subject), name=str(subject), subject=subject,
                       total=result.total, rank=result.rank)
    row.items = [ItemScore(entry["item_id"], entry["position"], entry["title"], Decimal(entry["max_points"]),
                           Decimal(entry["deduction"]), Decimal(entry["score"]), entry.get("detail", ""))
                 for entry in result.breakdown]
    return row


def table(scheme, today=None):
    """The ranked table: stored results of a published scheme, else computed now."""
    if scheme.is_published:
        results = AssessmentResult.objects.filter(scheme=scheme).select_related("subject_region", "subject_unit")
        return sorted((_from_result(result) for result in results), key=lambda row: (row.rank, _tie_order(row)))
    return Scorer(scheme, today).table()
