"""Fixtures of the supervision tests: offices, member units, their users, files, controlled statistics."""

import datetime

import pytest

from jindu.common.testing import create_user, region
from jindu.core.models import Organisation

from . import fakes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def orgs(db):
    def org(name, kind, code):
        return Organisation.objects.create(name=name, kind=kind, region=region(code))

    return {
        "office": org("西藏自治区禁毒委员会办公室", "ncc_office", "540000"),
        "education": org("自治区教育厅", "education", "540000"),
        "health": org("自治区卫生健康委员会", "health", "540000"),
        "lhasa": org("拉萨市禁毒委员会办公室", "ncc_office", "540100"),
        "shigatse": org("日喀则市禁毒委员会办公室", "ncc_office", "540200"),
        "chengguan": org("城关区禁毒委员会办公室", "ncc_office", "540102"),
        "gar": org("噶尔县禁毒委员会办公室", "ncc_office", "542523"),
    }


@pytest.fixture
def people(orgs):
    """Office staff (two, for the four-eyes rule), a member unit's staff, a prefecture office's staff."""
    return {
        "office": create_user("office1", ["regional_officer"], "540000", organisation=orgs["office"],
                              email="office1@example.org"),
        "office2": create_user("office2", ["regional_officer"], "540000", organisation=orgs["office"]),
        "education": create_user("edu1", ["regional_officer"], "540000", organisation=orgs["education"],
                                 email="edu1@example.org"),
        "lhasa": create_user("lhasa1", ["prefecture_officer"], "540100", organisation=orgs["lhasa"]),
        "chengguan": create_user("cg1", ["county_officer"], "540102", organisation=orgs["chengguan"]),
    }


@pytest.fixture
def make_task(orgs):
    from jindu.supervision.models import Task

    def _make(assignee="education", code="540000", deadline=datetime.date(2024, 6, 30), **fields):
        values = {"title": f"任务 {assignee} {code}", "issuer": orgs["office"],
                  "assignee": orgs[assignee], "region": region(code), "start_on": datetime.date(2024, 1, 1),
                  "deadline": deadline, **fields}
        return Task.objects.create(**values)

    return _make


@pytest.fixture
def stats(monkeypatch):
    """The statistics engine with one controlled provider: ``stats[code] = {...}`` sets a region's figures.

    The real engine (reports.statistics.compute) runs; only the domain providers are replaced, so the tests
    depend neither on the other apps' models nor on their progress."""
    from jindu.reports import statistics

    fakes.FIGURES.clear()
    fakes.CALLS.clear()
    monkeypatch.setattr(statistics, "PROVIDERS", {"supervision": "jindu.supervision.tests.fakes.statistics"})
    return fakes.FIGURES


@pytest.fixture
def zero_stats(monkeypatch):
    """The engine with no provider at all: every figure is the contract's zero."""
    from jindu.reports import statistics

    monkeypatch.setattr(statistics, "PROVIDERS", {})
