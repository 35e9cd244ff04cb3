"""Model-school review: weighted scoring sheet, reviewers' mean, decision with reasons; education bases."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jindu.core.models import AuditLog

from .. import selectors, services
from ..models import ModelSchoolApplication
from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    # Criteria: 组织领导 weight 30 (max 100), 课程教学 weight 70 (max 100); pass mark 85.
    return f.application(f.review(), f.school("540102"))


def panel(application_, name):
    """The reviewer ``name`` of the application's review (a paper-sheet reviewer), assigned the application."""
    return f.review_judge(application_.review, name, applications=[application_])


def scores(application_, *values):
    return dict(zip(application_.review.criteria.all(), values, strict=True))


def test_weighted_mean_of_reviewers(officer, application):
    services.review_scores_record(actor=officer, application=application, judge=panel(application, "张老师"),
                                  scores=scores(application, 90, 80))  # 0.3 x 90 + 0.7 x 80 = 83
    services.review_scores_record(actor=officer, application=application, judge=panel(application, "次仁"),
                                  scores=scores(application, 100, 90))  # 30 + 63 = 93
    result = selectors.application_score(application)
    assert result["by_reviewer"] == {"张老师": Decimal("83.000"), "次仁": Decimal("93.000")}
    assert result["score"] == Decimal("88.000") and result["suggests_approval"] is True
    # A reviewer who corrects the sheet replaces their scores, audited as an update.
    services.review_scores_record(actor=officer, application=application, judge=panel(application, "次仁"),
                                  scores=scores(application, 100, 70))  # 30 + 49 = 79 -> mean 81
    result = selectors.application_score(application)
    assert result["score"] == Decimal("81.000") and result["suggests_approval"] is False
    assert AuditLog.objects.filter(action="outreach.reviewscore.updated").count() == 1


def test_sheet_must_be_complete_and_within_the_maximum(officer, application):
    first = application.review.criteria.first()
    with pytest.raises(ValidationError, match="Every criterion"):
        services.review_scores_record(actor=officer, application=application, judge=panel(application, "张老师"),
                                      scores={first: Decimal("90")})
    with pytest.raises(ValidationError):
        services.review_scores_record(actor=officer, application=application, judge=panel(application, "张老师"),
                                      scores=scores(application, 101, 50))


def test_decision_needs_scores_and_reasons(officer, application):
    with pytest.raises(ValidationError, match="No reviewer"):
        services.application_decide(actor=officer, application=application, result="approved", reasons="好")
    services.review_scores_record(actor=officer, application=application, judge=panel(application, "张老师"),
                                  scores=scores(application, 90, 90))
    with pytest.raises(ValidationError) as error:
        services.application_decide(actor=officer, application=application, result="approved", reasons="  ")
    assert "reasons" in error.value.message_dict
    decided = services.application_decide(actor=officer, application=application, result="approved",
                                          reasons="阵地建设完善，课程开设齐全。")
    assert decided.result == "approved" and decided.decided_on is not None
    assert AuditLog.objects.filter(action="outreach.modelschoolapplication.decided").exists()
    with pytest.raises(ValidationError, match="already decided"):
        services.review_scores_record(actor=officer, application=decided, judge=panel(application, "次仁"),
                                      scores=scores(application, 50, 50))


def test_review_closes_only_when_every_application_is_decided(officer, application):
    with pytest.raises(ValidationError):
        services.review_close(actor=officer, review=application.review)
    services.review_scores_record(actor=officer, application=application, judge=panel(application, "张老师"),
                                  scores=scores(application, 60, 60))
    services.application_decide(actor=officer, application=application, result="rejected",
                                reasons="得分低于验收标准。")
    assert services.review_close(actor=officer, review=application.review).status == "closed"


def test_review_pages(client, officer, application):
    client.force_login(officer)
    judge = panel(application, "张老师")
    response = client.post(reverse("outreach:modelschoolapplication_score", args=[application.pk]), {
        "judge": judge.pk, **{f"c{c.pk}": "95" for c in application.review.criteria.all()}})
    assert response.status_code == 302
    response = client.post(reverse("outreach:modelschoolapplication_decide", args=[application.pk]), {
        "result": "approved", "reasons": "各项达标。"})
    assert response.status_code == 302
    assert ModelSchoolApplication.objects.get().result == "approved"
    page = client.get(reverse("outreach:modelschoolreview", args=[application.review.pk]))
    assert page.status_code == 200 and page.context["rows"][0][1]["score"] == Decimal("95.000")


def test_criteria_are_edited_from_the_review(client, officer):
    review = f.review()
    client.force_login(officer)
    page = client.get(reverse("outreach:reviewcriterion_add") + f"?review={review.pk}")
    assert page.status_code == 200 and page.context["cancel_url"] == review.get_absolute_url()
    response = client.post(reverse("outreach:reviewcriterion_add") + f"?review={review.pk}", {
        "review": review.pk, "name": "特色成效", "weight": "10", "max_score": "100", "order": 3})
    assert response.status_code == 302 and review.criteria.count() == 3


def test_inspection_follow_up(client, officer):
    inspection = f.inspection(f.base("540102"))
    assert inspection.follow_up_open
    client.force_login(officer)
    client.post(reverse("outreach:baseinspection_follow_up_done", args=[inspection.pk]))
    inspection.refresh_from_db()
    assert not inspection.follow_up_open and inspection.follow_up_done_on is not None
    with pytest.raises(ValidationError):
        services.inspection_follow_up_done(actor=officer, inspection=inspection)


def test_base_page_lists_upgrades_visits_inspections(client, officer):
    base = f.base("540102")
    f.upgrade(base)
    f.visit(base)
    f.inspection(base)
    client.force_login(officer)
    page = client.get(reverse("outreach:educationbase", args=[base.pk]))
    assert (len(page.context["upgrades"]), len(page.context["visits"]), len(page.context["inspections"])) == (1, 1, 1)


def test_completed_upgrade_needs_its_date(officer):
    base = f.base("540102")
    with pytest.raises(ValidationError):
        services.record_create(actor=officer, model=f.BaseUpgrade, data={
            "base": base, "title": "展厅改造", "budget": Decimal("300000"), "status": "completed"})
