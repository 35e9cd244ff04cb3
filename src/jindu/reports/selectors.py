"""Reads of the reports app: the statistics a user may see (their region scope) and the dashboard's data."""

import datetime

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .statistics import by_child_region, by_month, compare, compute, figure, get_region, parse_period

VIEW_PERMISSION = "reports.view_statistics"

# Figures of the dashboard and the bulletins: (path in the stats object, label, unit).
FIGURES = [
    ("cases.total", _("Drug cases"), _("cases")),
    ("suspects_arrested", _("Suspects arrested"), _("people")),
    ("fugitives_captured", _("Fugitives captured"), _("people")),
    ("seizures.total_grams", _("Drugs seized"), _("g")),
    ("eradication.plants", _("Drug plants eradicated"), _("plants")),
    ("interceptions.total", _("Checkpoint interceptions"), _("times")),
    ("persons.registered", _("Registered people who use drugs"), _("people")),
    ("persons.test_rate", _("Community drug-test rate"), "%"),
    ("precursors.units", _("Precursor units supervised"), _("units")),
    ("precursors.flagged_discrepancies", _("Stock discrepancies flagged"), _("flags")),
    ("outreach.events", _("Publicity events"), _("events")),
    ("outreach.people_reached", _("People reached"), _("people")),
    ("outreach.quiz_attempts", _("Quiz participations"), _("times")),
    ("outreach.videos_submitted", _("Short videos submitted"), _("entries")),
]
MAP_FIGURES = [path for path, _label, _unit in FIGURES if path != "persons.test_rate"]


def region_for(user, code=None):
    """The region whose statistics ``user`` asks for: theirs by default; outside their scope -> 404."""
    scope = getattr(user, "scope_region", None)
    if scope is None or not user.has_perm(VIEW_PERMISSION):
        raise Http404
    if not code:
        return scope
    region = get_region(code)
    if not region.path.startswith(scope.path):
        raise Http404
    return region


def default_period(region, today=None):
    """The current half year; if it holds no cases or events yet, the latest half year (of the last three years)
    that does."""
    today = today or datetime.date.today()
    start = datetime.date(today.year, 1 if today.month <= 6 else 7, 1)
    candidates = []
    for _step in range(6):
        end = datetime.date(start.year, 6, 30) if start.month == 1 else datetime.date(start.year, 12, 31)
        candidates.append((start, min(end, today) if start <= today else end))
        start = datetime.date(start.year - 1, 7, 1) if start.month == 1 else datetime.date(start.year, 1, 1)
    for first, last in candidates:
        stats = compute(first, last, region.code)
        # Cases and events are dated work of the period; people under open measures are not.
        if stats["cases"]["total"] or stats["outreach"]["events"]:
            return first, last
    return candidates[0]


def dashboard_data(user, date_from, date_to, region_code=None, map_figure="cases.total"):
    region = region_for(user, region_code)
    start, end = parse_period(date_from, date_to)
    compared = compare(start, end, region.code, [path for path, _label, _unit in FIGURES])
    cards = [
        {"path": path, "label": str(label), "unit": str(unit), **compared["figures"][path]}
        for path, label, unit in FIGURES
    ]
    if map_figure not in MAP_FIGURES:
        map_figure = "cases.total"
    children = by_child_region(start, end, region.code)
    trend = by_month(start, end, region.code)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "region": {"code": region.code, "name": region.name},
        "cards": cards,
        "map_figure": map_figure,
        "map_label": str(dict((p, label) for p, label, _u in FIGURES)[map_figure]),
        "children": [
            {"code": child.code, "name": child.name, "value": figure(stats, map_figure) or 0}
            for child, stats in children
        ],
        "trend": {
            "months": [first.strftime("%Y-%m") for first, _stats in trend],
            "series": [
                {"path": path, "label": str(label), "values": [figure(stats, path) or 0 for _first, stats in trend]}
                for path, label, _unit in FIGURES
                if path in ("cases.total", "suspects_arrested", "outreach.events", "interceptions.total")
            ],
        },
    }
