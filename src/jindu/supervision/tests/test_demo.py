"""The supervision part of the seed scenario: loads, is idempotent, and fits the accounts bootstrap creates."""

from collections import Counter

import pytest

from jindu.common.context import Source, actor_context
from jindu.common.testing import create_user
from jindu.core.models import AuditLog, Organisation, User
from jindu.supervision import demo, scoring, selectors, services
from jindu.supervision.models import (
    AssessmentScheme,
    PlanItem,
    ProgressReport,
    ScoreEntry,
    Task,
    Visit,
    VisitCheck,
    WorkPlan,
)

pytestmark = pytest.mark.django_db

MODELS = (WorkPlan, PlanItem, Task, ProgressReport, Visit, VisitCheck, AssessmentScheme, ScoreEntry)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def load():
    with actor_context(source=Source.CLI):
        demo.load()


def test_demo_loads_the_scenario_once(zero_stats):
    load()
    first = counts()
    audit_rows = AuditLog.objects.count()
    load()
    assert counts() == first
    assert AuditLog.objects.count() == audit_rows  # nothing rewritten either
    assert not User.objects.exists()  # bootstrap creates the first accounts after the demo

    plan = WorkPlan.objects.get(title=demo.PLAN_TITLE)
    units = set(Organisation.objects.filter(planitem_units_for_test(plan)).values_list("name", flat=True))
    assert {"自治区党委社会工作部", "自治区教育厅"} <= units
    statuses = Counter(Task.objects.values_list("status", flat=True))
    assert set(statuses) == {"assigned", "in_progress", "reported", "accepted", "returned"}
    assert all(r.submitted_at.year == 2024 and r.submitted_at.month <= 6 for r in ProgressReport.objects.all())
    visits = Visit.objects.order_by("start_on")
    assert visits.count() == 7
    assert visits.first().start_on.isoformat() == "2024-05-06" and visits.last().end_on.isoformat() == "2024-06-05"
    assert all("教育基地" in visit.site for visit in visits)
    assert {s.subject_kind for s in AssessmentScheme.objects.all()} == {"region", "member_unit"}
    assert len(scoring.table(AssessmentScheme.objects.get(subject_kind="region"))) == 7


def planitem_units_for_test(plan):
    from django.db.models import Q

    return Q(pk__in=PlanItem.units.through.objects.filter(planitem__plan=plan).values("organisation_id"))


def test_the_bootstrap_officer_is_the_assigning_office(zero_stats):
    """bootstrap names the regional office "<root>禁毒委员会办公室": the demo's plan is issued by that office,
    so its officer reviews the demo's reported tasks and sees their notifications."""
    load()
    office = Organisation.objects.get(name="西藏自治区禁毒委员会办公室")
    officer = create_user("officer", ["regional_officer"], "540000", organisation=office)
    task = Task.objects.filter(status="reported", plan_item__isnull=False).first()
    assert selectors.task_permissions(officer, task)["can_review"]
    services.task_review(actor=officer, task=task, decision="accepted")
    assert Task.objects.get(pk=task.pk).status == "accepted"


def test_every_demo_page_renders(zero_stats, client):
    from django.urls import reverse

    load()
    office = Organisation.objects.get(name="西藏自治区禁毒委员会办公室")
    client.force_login(create_user("officer", ["regional_officer"], "540000", organisation=office))
    urls = [task.get_absolute_url() for task in Task.objects.all()]
    urls += [visit.get_absolute_url() for visit in Visit.objects.all()]
    urls += [reverse("supervision:visit_report", args=[visit.pk]) for visit in Visit.objects.all()]
    for scheme in AssessmentScheme.objects.all():
        urls.append(scheme.get_absolute_url())
        urls += [reverse("supervision:assessment_subject", args=[scheme.pk, row.key]) for row in scoring.table(scheme)]
    urls += [plan.get_absolute_url() for plan in WorkPlan.objects.all()]
    urls += [item.get_absolute_url() for item in PlanItem.objects.all()]
    for url in urls:
        assert client.get(url).status_code == 200, url
