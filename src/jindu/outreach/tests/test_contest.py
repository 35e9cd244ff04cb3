"""Judging rules of the short-video contest: sealed scores, conflict of interest, ranking and ties, top N."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jindu.common.importing import SYSTEM
from jindu.common.testing import create_user
from jindu.core.models import AuditLog

from .. import selectors, services
from ..models import ContestEntry, JudgeScore
from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def jury(officer):
    """A contest judging three entries, two judges with accounts (units A and B), one entry of unit A."""
    unit_a, unit_b = f.organisation("拉萨市教育局", "540100"), f.organisation("日喀则市禁毒办", "540200")
    contest = f.contest()
    judge_a_user = create_user("judge_a", ["regional_officer"], "540000", organisation=unit_a)
    judge_b_user = create_user("judge_b", ["regional_officer"], "540000", organisation=unit_b)
    judge_a = services.judge_add(actor=officer, contest=contest, user=judge_a_user)
    judge_b = services.judge_add(actor=officer, contest=contest, user=judge_b_user)
    entries = [f.entry(contest, "540102", title="甲"), f.entry(contest, "540102", title="乙"),
               f.entry(contest, "540102", title="丙", unit=unit_a)]
    contest = services.contest_start_judging(actor=officer, contest=contest)
    criteria = list(contest.criteria.all())
    return {"contest": contest, "a": judge_a, "b": judge_b, "ua": judge_a_user, "ub": judge_b_user,
            "entries": entries, "criteria": criteria}


def sheet(criteria, *values):
    return {c.pk: Decimal(str(v)) for c, v in zip(criteria, values, strict=True)}


def test_judge_unit_defaults_to_the_account_organisation(jury):
    assert jury["a"].unit == jury["ua"].organisation
    assert jury["a"].has_conflict(jury["entries"][2]) and not jury["b"].has_conflict(jury["entries"][2])


def test_conflict_of_interest_is_refused(jury):
    with pytest.raises(ValidationError, match="own unit"):
        services.judge_score_entry(actor=jury["ua"], judge=jury["a"], entry=jury["entries"][2],
                                   scores=sheet(jury["criteria"], 9, 9, 9))
    assert not JudgeScore.objects.exists()


def test_conflict_page_offers_no_sheet(client, jury):
    client.force_login(jury["ua"])
    response = client.get(reverse("outreach:contestentry_score", args=[jury["entries"][2].pk]))
    assert response.status_code == 200 and response.context["form"] is None and response.context["conflict"]
    response = client.post(reverse("outreach:contestentry_score", args=[jury["entries"][2].pk]),
                           {f"c{c.pk}": "9" for c in jury["criteria"]})
    assert response.status_code == 200 and not JudgeScore.objects.exists()


def test_only_the_judge_scores_as_themselves(jury, officer):
    with pytest.raises(PermissionDenied):
        services.judge_score_entry(actor=jury["ub"], judge=jury["a"], entry=jury["entries"][0],
                                   scores=sheet(jury["criteria"], 1, 1, 1))
    with pytest.raises(PermissionDenied):
        services.judge_score_entry(actor=officer, judge=jury["a"], entry=jury["entries"][0],
                                   scores=sheet(jury["criteria"], 1, 1, 1))


def test_a_sheet_is_complete_or_refused(jury):
    with pytest.raises(ValidationError, match="Every criterion"):
        services.judge_score_entry(actor=jury["ua"], judge=jury["a"], entry=jury["entries"][0],
                                   scores=dict(list(sheet(jury["criteria"], 5, 5, 5).items())[:2]))
    with pytest.raises(ValidationError):
        services.judge_score_entry(actor=jury["ua"], judge=jury["a"], entry=jury["entries"][0],
                                   scores=sheet(jury["criteria"], 11, 5, 5))  # above the maximum of 10


def _score_all(jury, a_values, b_values):
    for entry, values in zip(jury["entries"][:2], a_values, strict=True):
        services.judge_score_entry(actor=jury["ua"], judge=jury["a"], entry=entry,
                                   scores=sheet(jury["criteria"], *values))
    for entry, values in zip(jury["entries"], b_values, strict=True):
        services.judge_score_entry(actor=jury["ub"], judge=jury["b"], entry=entry,
                                   scores=sheet(jury["criteria"], *values))


def test_judges_never_see_each_others_scores_before_closing(client, jury, officer):
    _score_all(jury, [(8, 8, 8), (7, 7, 7)], [(6, 6, 6), (9, 9, 9), (5, 5, 5)])
    contest = jury["contest"]
    own = selectors.visible_scores(jury["ua"], contest)
    assert own.count() == 6 and {s.judge_id for s in own} == {jury["a"].pk}
    assert selectors.visible_scores(officer, contest).count() == 0  # organisers see none either
    # Pages and API: the other judge's scores are nowhere, the ranking is sealed.
    client.force_login(jury["ua"])
    api = client.get(f"/api/v1/outreach/contests/{contest.pk}/scores").json()
    assert len(api) == 6 and {row["judge"] for row in api} == {jury["a"].name}
    page = client.get(reverse("outreach:contestentry", args=[jury["entries"][1].pk]))
    assert [s.judge_id for s in page.context["scores"]] == [jury["a"].pk] * 3
    assert client.get(reverse("outreach:videocontest_ranking", args=[contest.pk])).status_code == 404
    assert client.get(f"/api/v1/outreach/contests/{contest.pk}/ranking").status_code == 404
    entry = client.get(f"/api/v1/outreach/entries/{jury['entries'][0].pk}").json()
    assert entry["total_score"] is None and entry["rank"] is None
    # The generic score list never leaks through restrict() either.
    assert not JudgeScore.objects.restrict(jury["ua"]).filter(judge=jury["b"]).exists()
    # After closing, everyone with access sees every score.
    services.contest_close(actor=officer, contest=contest)
    assert selectors.visible_scores(jury["ua"], contest).count() == 15
    assert client.get(reverse("outreach:videocontest_ranking", args=[contest.pk])).status_code == 200


def test_closing_needs_every_sheet(jury, officer):
    _score_all(jury, [(8, 8, 8), (7, 7, 7)], [(6, 6, 6), (9, 9, 9), (5, 5, 5)])
    JudgeScore.objects.filter(judge=jury["b"], entry=jury["entries"][2]).delete()
    with pytest.raises(ValidationError, match="1 score sheets are still missing"):
        services.contest_close(actor=officer, contest=jury["contest"])


def test_ranking_and_top_n(jury, officer):
    # weighted = (0.4 x s1 + 0.3 x s2 + 0.3 x s3) / 10 x 100
    # 甲: A 80, B 60 -> 70;  乙: A 70, B 90 -> 80;  丙 (only B, A has a conflict): 50 -> 50
    _score_all(jury, [(8, 8, 8), (7, 7, 7)], [(6, 6, 6), (9, 9, 9), (5, 5, 5)])
    contest = services.contest_close(actor=officer, contest=jury["contest"])
    ranked = {e.title: e for e in ContestEntry.objects.filter(contest=contest)}
    assert [(ranked[t].rank, ranked[t].total_score, ranked[t].selected) for t in ("乙", "甲", "丙")] == [
        (1, Decimal("80.000"), True), (2, Decimal("70.000"), True), (3, Decimal("50.000"), False)]
    entry = AuditLog.objects.filter(action="outreach.videocontest.closed").get()
    assert set(entry.extra["selected"]) == {ranked["乙"].pk, ranked["甲"].pk}
    with pytest.raises(ValidationError):
        services.judge_score_entry(actor=jury["ua"], judge=jury["a"], entry=jury["entries"][0],
                                   scores=sheet(jury["criteria"], 1, 1, 1))


def test_tie_broken_by_the_heaviest_criterion_then_date_then_number(officer):
    contest = f.contest(select_count=1)
    criteria = list(contest.criteria.all())  # weights 40, 30, 30
    judge = f.judge(contest)
    early = f.entry(contest, submitted_on=f.D(2024, 4, 10), title="早")
    late = f.entry(contest, submitted_on=f.D(2024, 4, 20), title="晚")
    heavy = f.entry(contest, submitted_on=f.D(2024, 4, 30), title="重")
    twin = f.entry(contest, submitted_on=f.D(2024, 4, 10), title="同日")
    services.contest_start_judging(actor=officer, contest=contest)
    # All four score exactly 70: 0.4 x 7 + 0.3 x 7 + 0.3 x 7 = 0.4 x 8.5 + 0.3 x 6 + 0.3 x 6 (= 7.0).
    for entry, values in ((early, (7, 7, 7)), (late, (7, 7, 7)), (heavy, (8.5, 6, 6)), (twin, (7, 7, 7))):
        services.judge_score_entry(actor=SYSTEM, judge=judge, entry=entry, scores=sheet(criteria, *values))
    ranking = selectors.contest_ranking(contest)
    assert {row.rounded_score for row in ranking} == {Decimal("70.000")}
    assert [(row.entry.title, row.tie_rule) for row in ranking] == [
        ("重", "criterion: 主题"), ("早", "criterion: 主题"), ("同日", "entry number"), ("晚", "submission date")]
    services.contest_close(actor=officer, contest=contest)
    assert list(ContestEntry.objects.filter(contest=contest, selected=True).values_list("title", flat=True)) == ["重"]


def test_judge_needs_an_account_that_sees_the_whole_contest(officer, county_officer):
    contest = f.contest()
    with pytest.raises(ValidationError, match="does not see every entry"):
        services.judge_add(actor=officer, contest=contest, user=county_officer)
    leader = create_user("leader", ["leader"], "540000")
    with pytest.raises(ValidationError, match="may not score"):
        services.judge_add(actor=officer, contest=contest, user=leader)


def test_entries_close_when_judging_starts(jury, officer):
    with pytest.raises(ValidationError, match="no longer takes entries"):
        services.entry_submit(actor=officer, data={"contest": jury["contest"], "title": "迟到", "author": "某",
                                                   "region": jury["entries"][0].region,
                                                   "submitted_on": f.D(2024, 5, 1)})


def test_entry_date_and_region_must_fit_the_contest(officer):
    contest = f.contest("540100")  # Lhasa's contest
    data = {"contest": contest, "title": "片", "author": "某", "region": f.region("542523"),
            "submitted_on": f.D(2024, 6, 30)}
    with pytest.raises(ValidationError) as error:
        services.entry_submit(actor=officer, data=data)
    assert set(error.value.message_dict) == {"submitted_on", "region"}


def test_export_of_the_selected_list(client, jury, officer):
    _score_all(jury, [(8, 8, 8), (7, 7, 7)], [(6, 6, 6), (9, 9, 9), (5, 5, 5)])
    contest = services.contest_close(actor=officer, contest=jury["contest"])
    client.force_login(officer)
    response = client.get(reverse("outreach:videocontest_export", args=[contest.pk]) + "?format=csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and lines[1].startswith("1,乙") and lines[2].startswith("2,甲")
    response = client.get(reverse("outreach:videocontest_export", args=[contest.pk]) + "?format=xlsx")
    from openpyxl import load_workbook

    sheet_ = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet_.iter_rows(min_row=3, values_only=True)] == ["乙", "甲"]
    assert AuditLog.objects.filter(action="outreach.videocontest.exported").count() == 2


def test_judging_pages(client, jury):
    client.force_login(jury["ua"])
    page = client.get(reverse("outreach:judging"))
    rows = page.context["contests"][0]["rows"]
    assert [(r["conflict"], r["done"]) for r in rows] == [(False, False), (False, False), (True, False)]
    criteria = jury["criteria"]
    response = client.post(reverse("outreach:contestentry_score", args=[jury["entries"][0].pk]),
                           {f"c{c.pk}": "8" for c in criteria})
    assert response.status_code == 302
    assert JudgeScore.objects.filter(judge=jury["a"], entry=jury["entries"][0]).count() == 3
    response = client.put(f"/api/v1/outreach/entries/{jury['entries'][1].pk}/my-scores",
                          data={"scores": {str(c.pk): "6.5" for c in criteria}}, content_type="application/json")
    assert response.status_code == 200 and len(response.json()) == 3
    response = client.put(f"/api/v1/outreach/entries/{jury['entries'][2].pk}/my-scores",
                          data={"scores": {str(c.pk): "6.5" for c in criteria}}, content_type="application/json")
    assert response.status_code == 422  # conflict of interest
