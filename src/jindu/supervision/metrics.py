"""Targets linked to statistics: the live figure comes from the one statistics engine (reports.statistics).

A task or an assessment item may name a :class:`~.choices.Metric` (a path into the statistics object of
DESIGN.md) and a target value. Nothing here counts records itself: every figure is
``reports.statistics.compute(...)`` for the region and period asked, so that a task page, the assessment
and the bulletin can never disagree.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .choices import Metric

# Figures where less is better (a flag is a problem, not an achievement).
LOWER_IS_BETTER = frozenset({Metric.FLAGGED})
RATES = frozenset({Metric.TEST_RATE})


def compute(date_from, date_to, region_code):
    """The statistics object (imported late: reports sits above the domain apps and imports them)."""
    from jindu.reports.statistics import compute as engine

    return engine(date_from, date_to, region_code)


def value_at(stats, metric):
    """The figure at ``metric`` (a dotted path) in a statistics object, or None."""
    value = stats
    for part in str(metric).split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def figure(metric, region_code, date_from, date_to):
    """The live figure of ``metric`` for the region subtree and the inclusive period."""
    return value_at(compute(date_from, date_to, region_code), metric)


def is_rate(metric):
    return metric in RATES


def format_value(metric, value):
    """A rate as a percentage (``100.0%``), a count as it is, no data as an em dash."""
    if value is None or value == "":
        return "—"
    if is_rate(metric):
        return f"{float(value) * 100:.1f}%"
    number = Decimal(str(value))
    return str(number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize())


def shortfall(metric, value, target):
    """How far ``value`` falls short of ``target`` (0 when met), or None when there is no figure."""
    if value is None or target is None:
        return None
    value, target = Decimal(str(value)), Decimal(str(target))
    gap = value - target if metric in LOWER_IS_BETTER else target - value
    return max(gap, Decimal(0))


def target_met(metric, value, target):
    gap = shortfall(metric, value, target)
    return None if gap is None else gap == 0


def describe_target(metric, target):
    """``≥ 100.0%`` / ``≤ 0``: the target as the task page shows it."""
    if not metric or target is None:
        return ""
    sign = "≤" if metric in LOWER_IS_BETTER else "≥"
    return f"{sign} {format_value(metric, target)}"


def figure_period(start, deadline, today):
    """The period a task's live figure covers: from its start to the deadline, or to today before that."""
    end = min(deadline, today) if deadline else today
    if start is None or end < start:
        return None
    return start, end


def steps(gap, step):
    """Whole steps a gap spans (a part step counts as a step): 0.015 short in steps of 0.01 -> 2."""
    if gap is None or gap <= 0:
        return 0
    step = Decimal(str(step or 1))
    return int((gap / step).to_integral_value(rounding=ROUND_CEILING))


def quantize(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


NO_DATA = _("no data for the period")
