"""Drill-down: every figure of the statistics contract links to a list page whose records give that figure.

On the seed scenario (one test on purpose: loading it takes a while), for the whole region and for a
prefecture, every figure's link is followed as the officer would and the list is counted (or its
quantities added up) and compared with the figure of the engine."""

import datetime
import decimal
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from jindu.common.testing import create_user
from jindu.reports import drilldown
from jindu.reports.selectors import default_period, half_years
from jindu.reports.statistics import compute, figure

pytestmark = pytest.mark.django_db

SUMS = {
    "eradication.plants": lambda rows: sum(row.plants for row in rows),
    "outreach.people_reached": lambda rows: sum(row.reached for row in rows),
    "outreach.quiz_attempts": lambda rows: sum(row.attempts for row in rows),
    "outreach.quiz_participants": lambda rows: sum(row.participants for row in rows),
}


def grams(rows):
    total = sum((row.quantity * (1000 if row.unit == "kg" else 1) for row in rows), decimal.Decimal(0))
    return float(total.quantize(decimal.Decimal("0.001")))


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    filterset = response.context["filterset"]
    assert filterset.is_valid(), (url, filterset.errors)
    return response.context["table"].paginator.count, list(filterset.qs)


def expected_from_list(client, path, url, links):
    count, rows = listed(client, url)
    if path in SUMS:
        return SUMS[path](rows)
    if path == "seizures.total_grams" or (path.startswith("seizures.by_drug.") and path.endswith(".g")):
        return grams(rows)
    if path.startswith("seizures.by_drug."):
        return float(sum(row.quantity for row in rows))
    if path == "persons.test_rate":
        tested, _rows = listed(client, links["persons.tested"])
        return round(tested / count, 4) if count else None
    return count


def check_every_figure(client, user, date_from, date_to, region_code):
    stats = compute(date_from, date_to, region_code)
    links = drilldown.links(stats, user)
    # Every figure of the contract has its list (breakdowns: every key present in the object).
    assert set(drilldown.FIXED) <= set(links)
    for path, url in links.items():
        value = figure(stats, path)
        if isinstance(value, dict):  # seizures.by_drug.<drug>.<unit>
            continue
        found = expected_from_list(client, path, url, links)
        if isinstance(value, float) and found is not None:
            assert found == pytest.approx(value), (path, url)
        else:
            assert found == value, (path, url, found, value)
    return stats, links


def test_every_figure_links_to_its_records_on_the_seed_scenario(client, officer):
    call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
    client.force_login(officer)
    stats, links = check_every_figure(client, officer, "2024-01-01", "2024-06-30", "540000")
    # The seed figures themselves reach the lists (not a comparison of zeros).
    assert stats["cases"]["total"] == 12 and "seizures.by_drug.triazolam.tablet" in links
    assert "interceptions.by_finding.drug_user" in links and "cases.by_type.criminal" in links
    assert listed(client, links["cases.total"])[0] == 12
    assert expected_from_list(client, "seizures.total_grams", links["seizures.total_grams"], links) == 38.12
    # A prefecture: the same rule, the links carry its code.
    prefecture_stats, prefecture_links = check_every_figure(client, officer, "2024-01-01", "2024-06-30", "540100")
    assert "region=540100" in prefecture_links["cases.total"]
    # The dashboard serves the same links, for the cards, the prefectures and the months.
    data = client.get(reverse("reports:dashboard_data"), {"from": "2024-01-01", "to": "2024-06-30"}).json()
    cards = {card["path"]: card["url"] for card in data["cards"]}
    assert cards["cases.total"] == links["cases.total"]
    lhasa = next(child for child in data["children"] if child["code"] == "540100")
    assert lhasa["url"] == prefecture_links["cases.total"] and lhasa["value"] == prefecture_stats["cases"]["total"]
    april = data["trend"]["series"][0]["urls"][3]
    assert listed(client, april)[0] == data["trend"]["series"][0]["values"][3]
    # The demo opens on its half year.
    from jindu.core.models import Region

    assert default_period(Region.objects.get(code="540000"), today=datetime.date(2026, 11, 29)) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 6, 30),
    )


def test_links_are_left_out_where_the_user_may_not_see_the_list(officer):
    stats = compute("2024-01-01", "2024-06-30", "540000")
    assert "persons.registered" in drilldown.links(stats, officer)
    no_persons = create_user("company", ["company_reporter"], "540102")
    assert "persons.registered" not in drilldown.links(stats, no_persons)


def test_breakdown_links_carry_their_key():
    day = datetime.date(2024, 1, 1)
    name, query = drilldown.params("seizures.by_drug.heroin.g", day, day, "540100")
    assert name == "cases:seizure_list" and query["weighed"] == "true" and query["drug"] == "heroin"
    name, query = drilldown.params("seizures.by_drug.triazolam.tablet", day, day, "540100")
    assert query["unit"] == "tablet" and "weighed" not in query
    assert drilldown.params("cases.by_offence.smuggling", day, day, "540000")[1]["offence"] == "smuggling"
    assert drilldown.params("no.such.figure", day, day, "540000") is None


def test_half_years_go_back_from_today():
    assert half_years(datetime.date(2026, 11, 29), 3) == [
        (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
    ]


def test_default_period_prefers_cases_and_events_then_the_busiest_half_year():
    from jindu.cases.models import Case
    from jindu.common.testing import region
    from jindu.outreach.models import Event

    def case(number, day):
        Case.objects.create(case_no=f"DP-{number}", region=region("540102"), filed_on=day, case_type="criminal",
                            offence="possession")  # fmt: skip

    today, lhasa = datetime.date(2026, 11, 29), region("540000")
    assert default_period(lhasa, today) == (datetime.date(2026, 7, 1), today)  # nothing: the current half year
    case(1, datetime.date(2025, 3, 1))
    case(2, datetime.date(2024, 8, 1))
    case(3, datetime.date(2024, 9, 1))
    # Only cases: the half year with the most of them.
    assert default_period(lhasa, today) == (datetime.date(2024, 7, 1), datetime.date(2024, 12, 31))
    case(4, datetime.date(2024, 2, 1))
    Event.objects.create(ref="DP-E", held_on=datetime.date(2024, 3, 1), region=region("540102"), kind="school")
    # Cases and events in one half year: that one, however few.
    assert default_period(lhasa, today) == (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
