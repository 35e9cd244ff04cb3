"""Reads of the reports app: the statistics a user may see (their region scope) and the dashboard's data."""

import datetime
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from jindu.common.scope import region_q

from . import drilldown
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
# The other figures of the contract a bulletin quotes.
MORE_FIGURES = [
    ("foreign_suspects_arrested", _("Of them, foreign nationals"), _("people")),
    ("eradication.records", _("Eradication records"), _("records")),
    ("persons.in_community", _("People under community measures"), _("people")),
    ("persons.tested", _("Of them, drug-tested"), _("people")),
    ("precursors.transactions", _("Precursor ledger lines"), _("lines")),
    ("outreach.quiz_participants", _("Quiz participants"), _("people")),
    ("outreach.videos_selected", _("Short videos selected"), _("entries")),
]
# Breakdowns: (prefix in the stats object, its label, model whose field's choices name the keys, field)
BREAKDOWN_LABELS = [
    ("cases.by_type", _("Drug cases"), "cases.Case", "case_type"),
    ("cases.by_offence", _("Drug cases"), "cases.Case", "offence"),
    ("interceptions.by_finding", _("Checkpoint interceptions"), "cases.Interception", "finding"),
]


def figure_rows(stats, user):
    """(label, value, unit, drill-down URL) of every figure of a statistics object, breakdowns included:
    the bulletin's web view, where each figure opens the records behind it."""
    links = drilldown.links(stats, user)
    rows = [(str(label), figure(stats, path), str(unit), links.get(path))
            for path, label, unit in FIGURES + MORE_FIGURES]
    for prefix, label, model_label, field in BREAKDOWN_LABELS:
        try:
            names = dict(apps.get_model(model_label)._meta.get_field(field).flatchoices)
        except LookupError:
            names = {}
        for key, value in sorted(figure(stats, prefix).items()):
            rows.append((f"{label} · {names.get(key, key)}", value, "", links.get(f"{prefix}.{key}")))
    Drug = apps.get_model("core", "Drug")
    drugs = {drug.code: drug.name for drug in Drug.objects.filter(code__in=list(stats["seizures"]["by_drug"]))}
    for code, units in sorted(stats["seizures"]["by_drug"].items()):
        for unit, value in sorted(units.items()):
            rows.append(("{} · {}".format(_("Drugs seized"), drugs.get(code, code)), value, unit,
                         links.get(f"seizures.by_drug.{code}.{unit}")))
    return rows


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


def half_years(today, count):
    """The ``count`` half years up to the one holding ``today``, latest first, as (first day, last day)."""
    start = datetime.date(today.year, 1 if today.month <= 6 else 7, 1)
    result = []
    for _step in range(count):
        end = datetime.date(start.year, 6, 30) if start.month == 1 else datetime.date(start.year, 12, 31)
        result.append((start, end))
        start = datetime.date(start.year - 1, 7, 1) if start.month == 1 else datetime.date(start.year, 1, 1)
    return result


DEFAULT_PERIOD_SEARCH = 10  # half years looked at (five years)


def default_period(region, today=None):
    """The half year the dashboard opens on: the latest (of the last five years) with both cases and
    publicity events, the dated work every report speaks of; failing that, the one with the most of them
    (the latest on a tie); with no records at all, the current half year (up to today).

    People under open measures are no sign of a period's work, so persons are not looked at. Only the cases
    and outreach sections of the engine are computed."""
    today = today or datetime.date.today()
    candidates = half_years(today, DEFAULT_PERIOD_SEARCH)
    best, best_count = None, 0
    for first, last in candidates:
        stats = compute(first, last, region.code, sections=("cases", "outreach"))
        cases, events = stats["cases"]["total"], stats["outreach"]["events"]
        if cases and events:
            return first, last
        if cases + events > best_count:
            best, best_count = (first, last), cases + events
    if best is not None:
        return best
    first, last = candidates[0]
    return first, min(last, today)


def dashboard_data(user, date_from, date_to, region_code=None, map_figure="cases.total"):
    """Everything the dashboard draws, each figure with the link to the records behind it (drill-down)."""
    region = region_for(user, region_code)
    start, end = parse_period(date_from, date_to)
    compared = compare(start, end, region.code, [path for path, _label, _unit in FIGURES])
    cards = [
        {"path": path, "label": str(label), "unit": str(unit), **compared["figures"][path],
         "url": drilldown.link(path, start, end, region.code, user)}
        for path, label, unit in FIGURES
    ]
    if map_figure not in MAP_FIGURES:
        map_figure = "cases.total"
    children = by_child_region(start, end, region.code)
    trend = by_month(start, end, region.code)
    trend_paths = [path for path, _label, _unit in FIGURES
                   if path in ("cases.total", "suspects_arrested", "outreach.events", "interceptions.total")]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "region": {"code": region.code, "name": region.name},
        "cards": cards,
        "map_figure": map_figure,
        "map_label": str(dict((p, label) for p, label, _u in FIGURES)[map_figure]),
        "children": [
            {"code": child.code, "name": child.name, "value": figure(stats, map_figure) or 0,
             "url": drilldown.link(map_figure, start, end, child.code, user)}
            for child, stats in children
        ],
        "trend": {
            "months": [first.strftime("%Y-%m") for first, _stats in trend],
            "series": [
                {"path": path, "label": str(label), "values": [figure(stats, path) or 0 for _first, stats in trend],
                 "urls": [drilldown.link(path, datetime.date.fromisoformat(stats["from"]),
                                         datetime.date.fromisoformat(stats["to"]), region.code, user)
                          for _first, stats in trend]}
                for path, label, _unit in FIGURES if path in trend_paths
            ],
        },
        "alerts": [{key: str(value) if key == "label" else value for key, value in row.items()}
                   for row in open_alerts(user, region)],
    }


# --- Open alerts ---------------------------------------------------------------------------------

# (selector returning the user's open items, list page, parameters selecting the same items on it,
#  field to split the rows by, or None, and the panel's label when not split)
ALERT_SOURCES = [
    ("jindu.persons.selectors.open_alerts", "persons:alert_list", {}, ("kind", "state"), None),
    ("jindu.precursors.selectors.open_flags", "precursors:reconciliationflag_list", {"active": "true"}, ("status",),
     _("Precursor stock flags")),
    ("jindu.precursors.selectors.overdue_inspections", "precursors:inspection_list", {"overdue": "true"}, (),
     _("Precursor rectifications overdue")),
    ("jindu.supervision.selectors.overdue_tasks", "supervision:task_list", {"overdue": "true"}, (),
     _("Member-unit tasks overdue")),
]


def optional_selector(path):
    """A selector of another app, or None when that app is not installed."""
    if path.split(".")[1] not in {config.label for config in apps.get_app_configs()}:
        return None
    try:
        return import_string(path)
    except ImportError:
        return None


def _choice_label(model, field, value):
    return dict(model._meta.get_field(field).flatchoices).get(value, value)


def open_alerts(user, region):
    """The open work items of ``user`` under ``region``, read through each app's selectors (so in the user's
    scope): loss of contact and other alerts on persons, precursor stock flags, overdue rectifications and
    overdue member-unit tasks. Rows: label, count, link to the list of the same items, app."""
    rows = []
    for path, url_name, fixed, split, label in ALERT_SOURCES:
        selector = optional_selector(path)
        if selector is None or not user.has_perm(drilldown.permission_of(url_name)):
            continue
        queryset = selector(user)
        model = queryset.model
        queryset = queryset.filter(region_q(model.scope_field, region))
        groups = queryset.order_by().values(*split).annotate(n=Count("pk")).order_by(*split) if split \
            else [{"n": queryset.count()}]
        for group in groups:
            if not group["n"]:
                continue
            keys = {field: group[field] for field in split}
            parts = [str(_choice_label(model, field, value)) for field, value in keys.items()]
            text = " · ".join(([str(label)] if label else []) + parts)
            query = {"region": region.code, **fixed, **keys}
            rows.append({"app": url_name.split(":")[0], "label": text, "count": group["n"],
                         "url": reverse(url_name) + "?" + urlencode(query)})
    return rows
