"""Fair judging of the model-school review: reviewers with accounts score only what is assigned to them,
never their own school or unit, and do not see each other's scores while the review is open."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jindu.common.testing import create_user

from .. import selectors, services
from ..models import ReviewScore
from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return f.review()


@pytest.fixture
def schools():
    return f.school("540102", name="拉萨中学"), f.school("540302", name="昌都一中")


@pytest.fixture
def applications(review, schools):
    return [f.application(review, school) for school in schools]


def reviewer_account(username, organisation=None):
    return create_user(username, ["regional_officer"], "540000", organisation=organisation)


def sheet(review, *values):
    return dict(zip(review.criteria.all(), [Decimal(v) for v in values], strict=True))


def test_a_reviewer_scores_only_the_applications_assigned(officer, review, applications):
    lhasa, chamdo = applications
    account = reviewer_account("reviewer_a")
    judge = services.review_judge_add(actor=officer, review=review, user=account, applications=[lhasa])
    services.review_scores_record(actor=account, application=lhasa, judge=judge, scores=sheet(review, 90, 90))
    with pytest.raises(ValidationError, match="not assigned"):
        services.review_scores_record(actor=account, application=chamdo, judge=judge, scores=sheet(review, 90, 90))
    services.review_judge_assign(actor=officer, judge=judge, applications=[chamdo])
    services.review_scores_record(actor=account, application=chamdo, judge=judge, scores=sheet(review, 80, 80))
    assert ReviewScore.objects.filter(judge=judge).count() == 4


def test_a_reviewer_never_scores_their_own_school_or_unit(officer, review, schools, applications):
    lhasa_school, _ = schools
    lhasa, chamdo = applications
    teacher = reviewer_account("teacher", organisation=lhasa_school.organisation)
    with pytest.raises(ValidationError, match="own school or unit"):
        services.review_judge_add(actor=officer, review=review, user=teacher, applications=[lhasa])
    judge = services.review_judge_add(actor=officer, review=review, user=teacher, applications=[chamdo])
    assert judge.unit == lhasa_school.organisation  # the account's organisation by default
    with pytest.raises(ValidationError, match="own school or unit"):
        services.review_judge_assign(actor=officer, judge=judge, applications=[lhasa])
    judge.applications.add(lhasa)  # even if an assignment slipped through, the sheet is refused
    with pytest.raises(ValidationError, match="own school or unit"):
        services.review_scores_record(actor=teacher, application=lhasa, judge=judge, scores=sheet(review, 99, 99))
    # A paper-sheet reviewer named with a unit is held to the same rule.
    paper = services.review_judge_add(actor=officer, review=review, name="王老师", unit=chamdo.school.organisation)
    with pytest.raises(ValidationError, match="own school or unit"):
        services.review_judge_assign(actor=officer, judge=paper, applications=[chamdo])


def test_only_the_reviewer_enters_their_sheet(officer, review, applications):
    lhasa, _ = applications
    account = reviewer_account("reviewer_b")
    judge = services.review_judge_add(actor=officer, review=review, user=account, applications=[lhasa])
    with pytest.raises(PermissionDenied):
        services.review_scores_record(actor=officer, application=lhasa, judge=judge, scores=sheet(review, 60, 60))
    other = reviewer_account("reviewer_c")
    services.review_judge_add(actor=officer, review=review, user=other, applications=[lhasa])
    with pytest.raises(PermissionDenied):
        services.review_scores_record(actor=other, application=lhasa, judge=judge, scores=sheet(review, 60, 60))
    assert not ReviewScore.objects.exists()


def test_a_paper_sheet_is_typed_in_by_the_organising_office_only(officer, county_officer, review, applications):
    lhasa, _ = applications
    paper = services.review_judge_add(actor=officer, review=review, name="次仁", applications=[lhasa])
    with pytest.raises(PermissionDenied):  # the county cannot change the region's review
        services.review_scores_record(
            actor=county_officer, application=lhasa, judge=paper, scores=sheet(review, 70, 70)
        )
    services.review_scores_record(actor=officer, application=lhasa, judge=paper, scores=sheet(review, 70, 70))
    assert ReviewScore.objects.filter(judge=paper, reviewer="次仁").count() == 2


def test_reviewers_do_not_see_each_others_scores_until_the_review_closes(client, officer, review, applications):
    lhasa, chamdo = applications
    first, second = reviewer_account("reviewer_d"), reviewer_account("reviewer_e")
    judge_1 = services.review_judge_add(actor=officer, review=review, user=first, applications=applications)
    judge_2 = services.review_judge_add(actor=officer, review=review, user=second, applications=applications)
    services.review_scores_record(actor=first, application=lhasa, judge=judge_1, scores=sheet(review, 90, 80))
    services.review_scores_record(actor=second, application=lhasa, judge=judge_2, scores=sheet(review, 60, 60))

    def visible(user):
        return set(ReviewScore.objects.restrict(user).filter(application=lhasa).values_list("judge", flat=True))

    assert visible(first) == {judge_1.pk} and visible(second) == {judge_2.pk}
    assert visible(officer) == {judge_1.pk, judge_2.pk}  # the office decides on the sheets
    assert selectors.application_score(lhasa, first)["by_reviewer"] == {judge_1.name: Decimal("83.000")}
    client.force_login(first)
    page = client.get(reverse("outreach:modelschoolapplication", args=[lhasa.pk]))
    assert page.status_code == 200 and [name for name, _values in page.context["sheet_rows"]] == [judge_1.name]
    api = client.get(f"/api/v1/outreach/applications/{lhasa.pk}/scores").json()
    assert {row["reviewer"] for row in api} == {judge_1.name}
    # Once every application is decided and the review closed, the sheets are open to the panel.
    for application in applications:
        if application == chamdo:
            services.review_scores_record(actor=first, application=chamdo, judge=judge_1, scores=sheet(review, 50, 50))
        services.application_decide(actor=officer, application=application, result="rejected", reasons="未达标。")
    services.review_close(actor=officer, review=review)
    assert visible(first) == {judge_1.pk, judge_2.pk}


def test_reviewer_pages_and_api(client, officer, review, applications):
    lhasa, chamdo = applications
    account = reviewer_account("reviewer_f")
    client.force_login(officer)
    response = client.post(
        reverse("outreach:reviewjudge_add", args=[review.pk]), {"username": "reviewer_f", "applications": [lhasa.pk]}
    )
    assert response.status_code == 302
    judge = review.judges.get()
    assert judge.user == account and list(judge.applications.all()) == [lhasa]
    response = client.post(
        f"/api/v1/outreach/reviewers/{judge.pk}/assignments",
        {"application_ids": [chamdo.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["application_ids"] == sorted([lhasa.pk, chamdo.pk])
    page = client.get(reverse("outreach:modelschoolreview", args=[review.pk]))
    assert page.status_code == 200 and list(page.context["judges"]) == [judge]
    client.force_login(account)
    criteria = list(review.criteria.all())
    response = client.put(
        f"/api/v1/outreach/applications/{lhasa.pk}/my-scores",
        {"scores": {str(c.pk): "88" for c in criteria}},
        content_type="application/json",
    )
    assert response.status_code == 200 and len(response.json()) == 2
    response = client.post(
        reverse("outreach:modelschoolapplication_score", args=[chamdo.pk]), {f"c{c.pk}": "77" for c in criteria}
    )
    assert response.status_code == 302
    assert ReviewScore.objects.filter(judge=judge).count() == 4
