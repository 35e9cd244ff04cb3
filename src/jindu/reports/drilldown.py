"""Drill-down: the list page of the records behind a figure of the statistics contract.

Each figure of DESIGN.md "Statistics definitions" maps to one app's existing list page and the
query string of that page's FilterSet that selects the same records, for the same period and region:
the list then counts what the figure counts (for the sums: lists the records whose quantities,
plants or people the figure adds up). Nothing is counted here; this module only writes links.

Paths are those of the statistics object, with the keys of the breakdowns appended
(``cases.by_offence.trafficking``, ``seizures.by_drug.triazolam.tablet``, ``interceptions.by_finding.drug_user``).
"""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

WEIGHT_UNITS = ("g", "kg")


def _cases_period(start, end):
    return {"date_from": start, "date_to": end}


def _since_until(start, end):
    return {"since": start, "until": end}


def _community(start, end):
    return {"community_from": start, "community_to": end}


# figure path -> (URL name of the list page, period parameters, fixed parameters).
# The period is None where the figure ignores it (registered persons up to the end; units as they stand).
FIXED = {
    "cases.total": ("cases:case_list", _cases_period, {}),
    "suspects_arrested": ("cases:suspect_list", _cases_period, {"arrested": "true"}),
    "foreign_suspects_arrested": ("cases:suspect_list", _cases_period, {"arrested": "true", "foreign": "true"}),
    "fugitives_captured": ("cases:fugitive_list", _cases_period, {"captured": "true"}),
    "seizures.total_grams": ("cases:seizure_list", _cases_period, {"weighed": "true"}),
    "eradication.records": ("cases:eradication_list", _cases_period, {}),
    "eradication.plants": ("cases:eradication_list", _cases_period, {}),
    "interceptions.total": ("cases:interception_list", _cases_period, {}),
    "persons.registered": ("persons:person_list", lambda start, end: {"registered_to": end}, {}),
    "persons.in_community": ("persons:person_list", _community, {}),
    "persons.tested": ("persons:person_list", _community, {"tested": "true"}),
    "persons.test_rate": ("persons:person_list", _community, {}),
    "precursors.units": ("precursors:unit_list", None, {}),
    "precursors.transactions": ("precursors:transaction_list", _cases_period, {}),
    "precursors.flagged_discrepancies": (
        "precursors:reconciliationflag_list",
        lambda start, end: {"month_from": start, "month_to": end},
        {"rule": "reconciliation", "active": "true"},
    ),
    "outreach.events": ("outreach:event_list", _since_until, {}),
    "outreach.people_reached": ("outreach:event_list", _since_until, {}),
    # Imported campaign counts (the quiz's attempts are added to them; attempts have no list of their own).
    "outreach.quiz_attempts": ("outreach:quizdailycount_list", _since_until, {}),
    "outreach.quiz_participants": ("outreach:quizdailycount_list", _since_until, {}),
    "outreach.videos_submitted": ("outreach:contestentry_list", _since_until, {}),
    "outreach.videos_selected": ("outreach:contestentry_list", _since_until, {"selected": "true"}),
}

# Breakdowns: prefix -> (the total's path, parameters of the key).
BREAKDOWNS = {
    "cases.by_type.": ("cases.total", lambda key: {"case_type": key}),
    "cases.by_offence.": ("cases.total", lambda key: {"offence": key}),
    "interceptions.by_finding.": ("interceptions.total", lambda key: {"finding": key}),
    # by_drug.<drug>.<unit>: "g" holds the kilograms folded into grams.
    "seizures.by_drug.": ("seizures.total_grams", lambda key: _drug_unit(*key.split(".", 1))),
}


def _drug_unit(drug, unit=""):
    params = {"drug": drug}
    if unit == "g":
        params["weighed"] = "true"
    elif unit:
        params["unit"] = unit
    return params


def params(path, start, end, region_code):
    """(URL name, query parameters) of the list behind ``path``, or None when no list stands behind it."""
    extra = {}
    for prefix, (total, key_params) in BREAKDOWNS.items():
        if path.startswith(prefix) and len(path) > len(prefix):
            extra = key_params(path[len(prefix) :])
            path = total
            break
    if path not in FIXED:
        return None
    name, period, fixed = FIXED[path]
    query = {"region": region_code}
    if period is not None:
        query.update({key: value.isoformat() for key, value in period(start, end).items()})
    query.update(fixed)
    if path == "seizures.total_grams" and "unit" in extra:
        query.pop("weighed")
    query.update(extra)
    return name, query


def link(path, start, end, region_code, user=None):
    """The URL of the list behind a figure; None when there is none or ``user`` may not view that list."""
    found = params(path, start, end, region_code)
    if found is None:
        return None
    name, query = found
    if user is not None and not user.has_perm(permission_of(name)):
        return None
    try:
        return reverse(name) + "?" + urlencode(query)
    except NoReverseMatch:  # the app is not installed
        return None


def permission_of(url_name):
    """``cases:case_list`` -> ``cases.view_case`` (list pages are named after their model)."""
    app, view = url_name.split(":")
    return f"{app}.view_{view.removesuffix('_list')}"


def links(stats, user=None):
    """Every figure of a statistics object that has a list behind it -> its URL (the breakdowns' keys too)."""
    import datetime

    start, end = datetime.date.fromisoformat(stats["from"]), datetime.date.fromisoformat(stats["to"])
    region = stats["region"]
    paths = list(FIXED)
    for prefix in ("cases.by_type.", "cases.by_offence.", "interceptions.by_finding."):
        section, key = prefix.rstrip(".").split(".")
        paths.extend(prefix + name for name in stats[section][key])
    for drug, units in stats["seizures"]["by_drug"].items():
        paths.extend(f"seizures.by_drug.{drug}.{unit}" for unit in units)
    result = {}
    for path in paths:
        url = link(path, start, end, region, user)
        if url:
            result[path] = url
    return result
