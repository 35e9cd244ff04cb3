"""The statistics engine: DESIGN.md "Statistics definitions" (统计口径), the only place figures are computed.

``jindu stats``, the REST API, the dashboard and the bulletins all call :func:`compute`.
Each domain app contributes its part through a function in its own ``selectors`` module::

    def statistics(date_from, date_to, region) -> dict   # top-level keys of the contract it owns

``region`` is a core ``Region``; a record belongs to it when its region lies at or under it
(``jindu.common.scope.region_q``). Periods include both dates. An app that is not installed
contributes zeros, so every key of the contract is always present.
"""

import copy
import datetime

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

# app label -> dotted path of its contribution
PROVIDERS = {
    "cases": "jindu.cases.selectors.statistics",
    "persons": "jindu.persons.selectors.statistics",
    "precursors": "jindu.precursors.selectors.statistics",
    "outreach": "jindu.outreach.selectors.statistics",
}

ZERO = {
    "cases": {"total": 0, "by_type": {}, "by_offence": {}},
    "suspects_arrested": 0,
    "foreign_suspects_arrested": 0,
    "fugitives_captured": 0,
    "seizures": {"by_drug": {}, "total_grams": 0.0},
    "eradication": {"records": 0, "plants": 0},
    "interceptions": {"total": 0, "by_finding": {}},
    "persons": {"registered": 0, "in_community": 0, "tested": 0, "test_rate": None},
    "precursors": {"units": 0, "transactions": 0, "flagged_discrepancies": 0},
    "outreach": {"events": 0, "people_reached": 0, "quiz_attempts": 0, "quiz_participants": 0,
                 "videos_submitted": 0, "videos_selected": 0},
}


class StatisticsError(ValueError):
    """Bad parameters (dates, region): the CLI and the API turn it into a clear message."""


def parse_period(date_from, date_to):
    try:
        start = date_from if isinstance(date_from, datetime.date) else datetime.date.fromisoformat(date_from)
        end = date_to if isinstance(date_to, datetime.date) else datetime.date.fromisoformat(date_to)
    except (TypeError, ValueError) as error:
        raise StatisticsError("dates must be YYYY-MM-DD") from error
    if start > end:
        raise StatisticsError("the period starts after it ends")
    return start, end


def get_region(code=None):
    Region = apps.get_model("core", "Region")
    code = code or settings.JINDU_ROOT_REGION
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise StatisticsError(f"unknown region code {code}")
    return region


def compute(date_from, date_to, region_code=None, sections=None):
    """The statistics object of DESIGN.md for the inclusive period and the region subtree.

    ``sections`` (app labels of :data:`PROVIDERS`) limits the work to those apps' parts when a caller needs
    only them; the other figures are then left at zero."""
    start, end = parse_period(date_from, date_to)
    region = get_region(region_code)
    result = {"from": start.isoformat(), "to": end.isoformat(), "region": region.code}
    result.update(copy.deepcopy(ZERO))
    installed = {config.label for config in apps.get_app_configs()}
    for label, path in PROVIDERS.items():
        if label not in installed or (sections is not None and label not in sections):
            continue
        part = import_string(path)(start, end, region)
        unknown = set(part) - set(ZERO)
        if unknown:
            raise RuntimeError(f"{path} returned keys outside the contract: {sorted(unknown)}")
        result.update(part)
    return result


def format_text(stats):
    """A short human-readable rendering for ``jindu stats --format text``."""
    lines = ["统计期间 {from} 至 {to}，区划 {region}".format(**stats)]
    cases = stats["cases"]
    lines.append("涉毒案件 {} 起（{}）".format(
        cases["total"], "，".join(f"{k} {v}" for k, v in sorted(cases["by_type"].items())) or "—"))
    lines.append("抓获犯罪嫌疑人 {} 名，其中外籍 {} 名".format(
        stats["suspects_arrested"], stats["foreign_suspects_arrested"]))
    lines.append("查获涉毒网逃人员 {} 人".format(stats["fugitives_captured"]))
    lines.append("缴获毒品 {:.3f} 克".format(stats["seizures"]["total_grams"]))
    for drug, units in sorted(stats["seizures"]["by_drug"].items()):
        lines.append("  {}: {}".format(drug, "，".join(f"{v} {u}" for u, v in sorted(units.items()))))
    lines.append("禁种铲毒 {} 起，铲除 {} 株".format(stats["eradication"]["records"], stats["eradication"]["plants"]))
    lines.append("检查站查获 {} 起".format(stats["interceptions"]["total"]))
    persons = stats["persons"]
    rate = "—" if persons["test_rate"] is None else "{:.2%}".format(persons["test_rate"])
    lines.append("登记吸毒人员 {}，社区戒毒康复 {}，检测 {}，检测率 {}".format(
        persons["registered"], persons["in_community"], persons["tested"], rate))
    p = stats["precursors"]
    lines.append("易制毒单位 {}，交易 {}，对账异常 {}".format(
        p["units"], p["transactions"], p["flagged_discrepancies"]))
    o = stats["outreach"]
    lines.append("宣传活动 {} 场，覆盖 {} 人次；答题 {} 人次（{} 人）；短视频 {} 件，入选 {} 件".format(
        o["events"], o["people_reached"], o["quiz_attempts"], o["quiz_participants"], o["videos_submitted"],
        o["videos_selected"]))
    return "\n".join(lines)


# --- Comparisons and breakdowns (同比, 环比, by month, by prefecture) --------------------------------


def shift_year(day, years=-1):
    """The same calendar day ``years`` away; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _is_month_end(day):
    return (day + datetime.timedelta(days=1)).day == 1


def _add_months(day, count):
    month = day.year * 12 + day.month - 1 + count
    return datetime.date(month // 12, month % 12 + 1, 1)


def previous_period(start, end):
    """The period before (环比): as many whole calendar months as the period spans when it is made of whole
    months (a half year -> the previous half year, a month -> the previous month); otherwise the same number
    of days ending the day before ``start``."""
    if start.day == 1 and _is_month_end(end):
        count = (end.year - start.year) * 12 + end.month - start.month + 1
        return _add_months(start, -count), start - datetime.timedelta(days=1)
    length = (end - start).days + 1
    return start - datetime.timedelta(days=length), start - datetime.timedelta(days=1)


def same_period_last_year(start, end):
    """The same dates one year earlier (同比)."""
    return shift_year(start), shift_year(end)


# The figures shown on the dashboard and compared in bulletins: (key, path in the stats object, label).
def figure(stats, path):
    value = stats
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def change(current, before):
    """Relative change in percent, 1 decimal, or None when there is nothing to compare with."""
    if current is None or before in (None, 0):
        return None
    return round((current - before) * 100.0 / before, 1)


def compare(date_from, date_to, region_code=None, paths=()):
    """The statistics of a period with 同比 and 环比 for each figure in ``paths``."""
    start, end = parse_period(date_from, date_to)
    current = compute(start, end, region_code)
    yoy = compute(*same_period_last_year(start, end), region_code)
    mom = compute(*previous_period(start, end), region_code)
    figures = {}
    for path in paths:
        value = figure(current, path)
        figures[path] = {
            "value": value,
            "last_year": figure(yoy, path),
            "previous": figure(mom, path),
            "yoy_change": change(value, figure(yoy, path)),
            "previous_change": change(value, figure(mom, path)),
        }
    return {"current": current, "last_year": yoy, "previous": mom, "figures": figures}


def months(start, end):
    """(first day, last day) of each calendar month overlapping the period, clipped to it."""
    result = []
    cursor = start.replace(day=1)
    while cursor <= end:
        following = (cursor.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        result.append((max(cursor, start), min(following - datetime.timedelta(days=1), end)))
        cursor = following
    return result


def by_month(date_from, date_to, region_code=None):
    start, end = parse_period(date_from, date_to)
    return [(first, compute(first, last, region_code)) for first, last in months(start, end)]


def by_child_region(date_from, date_to, region_code=None):
    """The statistics of each division directly under the region (prefectures under 540000)."""
    region = get_region(region_code)
    return [(child, compute(date_from, date_to, child.code)) for child in region.children.order_by("code")]
