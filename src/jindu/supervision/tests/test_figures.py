"""Targets linked to statistics: the task shows the engine's live figure for its region beside the target."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jindu.reports.statistics import compute
from jindu.supervision import metrics, selectors
from jindu.supervision.choices import Metric

from . import fakes

pytestmark = pytest.mark.django_db


def persons(in_community, tested):
    rate = round(tested / in_community, 4) if in_community else None
    return {"persons": {"registered": in_community, "in_community": in_community, "tested": tested,
                        "test_rate": rate}}


def test_live_figure_equals_the_engine_for_the_tasks_region_and_period(stats, make_task):
    stats["540100"] = persons(40, 38)
    stats["540200"] = persons(10, 10)
    task = make_task("lhasa", "540100", deadline=datetime.date(2024, 6, 30), metric=Metric.TEST_RATE,
                     target_value=1, target_text="检测率100%")
    with freeze_time("2024-09-01"):
        figure = selectors.task_figure(task)
    engine = compute("2024-01-01", "2024-06-30", "540100")
    assert figure.value == engine["persons"]["test_rate"] == 0.95
    assert (figure.date_from, figure.date_to, figure.region_code) == (
        datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), "540100")
    assert figure.display == "95.0%" and figure.target == "≥ 100.0%" and figure.met is False
    # The engine was asked for exactly that region and period.
    assert (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), "540100") in fakes.CALLS


def test_before_the_deadline_the_figure_runs_to_today(stats, make_task):
    stats["540200"] = persons(10, 10)
    task = make_task("shigatse", "540200", deadline=datetime.date(2024, 6, 30), metric=Metric.TEST_RATE,
                     target_value=1)
    with freeze_time("2024-04-15"):
        figure = selectors.task_figure(task)
    assert figure.date_to == datetime.date(2024, 4, 15) and figure.met is True and figure.display == "100.0%"
    with freeze_time("2023-12-01"):
        assert selectors.task_figure(task) is None  # the period has not started


def test_lower_is_better_for_flags(stats, make_task):
    stats["540000"] = {"precursors": {"units": 12, "transactions": 80, "flagged_discrepancies": 2}}
    task = make_task("office", "540000", metric=Metric.FLAGGED, target_value=0)
    with freeze_time("2024-07-01"):
        figure = selectors.task_figure(task)
    assert figure.value == 2 and figure.target == "≤ 0" and figure.met is False


def test_zero_output_of_the_engine_is_no_data_not_a_failure(zero_stats, make_task):
    task = make_task("lhasa", "540100", metric=Metric.TEST_RATE, target_value=1)
    with freeze_time("2024-07-01"):
        figure = selectors.task_figure(task)
    assert figure.value is None and figure.met is None and figure.display == "—"


def test_task_page_and_api_show_the_live_figure(stats, make_task, people, client):
    stats["540100"] = persons(40, 38)
    task = make_task("lhasa", "540100", metric=Metric.TEST_RATE, target_value=1, target_text="检测率100%")
    client.force_login(people["office"])
    with freeze_time("2024-07-05"):
        page = client.get(reverse("supervision:task", args=[task.pk]))
        data = client.get(f"/api/v1/supervision/tasks/{task.pk}").json()
    assert page.status_code == 200
    assert b'id="live-figure"' in page.content and b"95.0%" in page.content
    assert data["figure"]["value"] == 0.95 and data["figure"]["met"] is False
    assert data["figure"]["date_to"] == "2024-06-30"


def test_a_task_without_metric_has_no_figure(make_task):
    assert selectors.task_figure(make_task("education")) is None


@pytest.mark.parametrize(("metric", "value", "expected"), [
    (Metric.TEST_RATE, 0.9512, "95.1%"), (Metric.CASES, 12, "12"), (Metric.PLANTS, 14000.0, "14000"),
    (Metric.CASES, None, "—"),
])
def test_format_value(metric, value, expected):
    assert metrics.format_value(metric, value) == expected


def test_steps_count_part_steps():
    from decimal import Decimal

    assert metrics.steps(Decimal("0.015"), Decimal("0.01")) == 2
    assert metrics.steps(Decimal("0.05"), Decimal("0.01")) == 5
    assert metrics.steps(Decimal("0"), Decimal("0.01")) == 0
    assert metrics.steps(Decimal("3"), None) == 3


def test_a_failing_engine_does_not_take_the_pages_down(monkeypatch, make_task, people, client, orgs):
    from jindu.supervision import services
    from jindu.supervision.choices import ScoringMethod, SubjectKind

    def broken(*args):
        raise RuntimeError("a provider is broken")

    monkeypatch.setattr(metrics, "compute", broken)
    task = make_task("lhasa", "540100", metric=Metric.TEST_RATE, target_value=1)
    scheme = services.scheme_create(actor=people["office"], data={
        "year": 2024, "title": "考核", "issuer": orgs["office"], "subject_kind": SubjectKind.REGION,
        "period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 6, 30)})
    services.item_create(actor=people["office"], data={
        "scheme": scheme, "position": 1, "title": "检测率", "max_points": 20, "method": ScoringMethod.STATISTIC,
        "metric": Metric.TEST_RATE, "target_value": 1, "step": "0.01", "deduction": 1})
    client.force_login(people["office"])
    with freeze_time("2024-07-05"):
        page = client.get(reverse("supervision:task", args=[task.pk]))
        assert page.status_code == 200 and page.context["figure_failed"]
        assert client.get(reverse("supervision:assessmentscheme", args=[scheme.pk])).status_code == 200
        client.post(reverse("supervision:assessment_publish", args=[scheme.pk]))
    scheme.refresh_from_db()
    assert not scheme.is_published and not scheme.results.exists()
