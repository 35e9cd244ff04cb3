"""Supervision visits: checklist, findings, rectification items followed up to closure, the DOCX report."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jindu.common.testing import region
from jindu.supervision import services
from jindu.supervision.choices import CheckResult, TaskKind, TaskStatus, VisitStatus
from jindu.supervision.models import Visit

from .helpers import exe_as, png_file

pytestmark = pytest.mark.django_db

FINDINGS = "互动体验设备损坏未修复。\n灭火器过期。"


@pytest.fixture
def visit(orgs, people):
    return services.visit_create(actor=people["office"], data={
        "title": "那曲市禁毒教育基地督导检查", "issuer": orgs["office"], "region": region("540600"),
        "site": "那曲市禁毒教育基地", "start_on": datetime.date(2024, 5, 28), "end_on": datetime.date(2024, 5, 30),
        "leader": "次仁多吉", "team": "次仁多吉 自治区禁毒办\n王敏 自治区禁毒办", "purpose": "督导基地升级改造",
        "status": VisitStatus.CONDUCTED, "findings": FINDINGS,
        "checklist": "展陈内容更新\n互动体验设备运行正常\n\n安全、消防设施符合要求\n",
    })


def test_checklist_is_seeded_and_edited(visit, people):
    assert [c.item for c in visit.checks.order_by("position")] == [
        "展陈内容更新", "互动体验设备运行正常", "安全、消防设施符合要求"]
    checks = list(visit.checks.order_by("position"))
    services.visit_set_checklist(actor=people["office"], visit=visit, rows=[
        {"id": checks[0].pk, "item": checks[0].item, "result": CheckResult.MET, "note": ""},
        {"id": checks[1].pk, "item": checks[1].item, "result": CheckResult.NOT_MET, "note": "设备损坏"},
        {"id": checks[2].pk, "item": checks[2].item, "delete": True},
        {"id": None, "item": "讲解员到位", "result": CheckResult.PARTLY, "note": ""},
        {"id": None, "item": "  ", "result": ""},
    ])
    assert [(c.position, c.item, c.result) for c in visit.checks.order_by("position")] == [
        (1, "展陈内容更新", "met"), (2, "互动体验设备运行正常", "not_met"), (3, "讲解员到位", "partly")]


def test_rectifications_are_tasks_and_the_visit_closes_when_all_are_accepted(visit, orgs, people):
    office = people["office"]
    item = services.visit_add_rectification(actor=office, visit=visit, data={
        "title": "更换损坏的互动体验设备", "assignee": orgs["education"], "deadline": datetime.date(2024, 6, 30)})
    assert item.kind == TaskKind.RECTIFICATION and item.visit == visit and item.region.code == "540600"
    assert item.issuer == orgs["office"] and item.start_on == visit.end_on
    with pytest.raises(ValidationError) as error:
        services.visit_close(actor=office, visit=visit)
    assert "1" in error.value.messages[0]
    services.task_report(actor=people["education"], task=item, text="已更换", final=True, uploads=[png_file()])
    services.task_review(actor=office, task=item, decision="accepted")
    closed = services.visit_close(actor=office, visit=visit, note="整改完成")
    assert closed.status == VisitStatus.CLOSED and closed.closed_at is not None
    with pytest.raises(ValidationError):
        services.visit_update(actor=office, instance=closed, data={"findings": "改"})
    with pytest.raises(ValidationError):
        services.visit_add_rectification(actor=office, visit=closed, data={
            "title": "x", "assignee": orgs["lhasa"], "deadline": datetime.date(2024, 7, 30)})


def test_a_planned_visit_cannot_close_and_close_is_not_an_edit(orgs, people):
    visit = services.visit_create(actor=people["office"], data={
        "title": "计划督导", "issuer": orgs["office"], "region": region("540100"),
        "start_on": datetime.date(2024, 7, 1), "end_on": datetime.date(2024, 7, 2)})
    assert visit.status == VisitStatus.PLANNED
    with pytest.raises(ValidationError):
        services.visit_close(actor=people["office"], visit=visit)
    with pytest.raises(ValidationError):
        services.visit_update(actor=people["office"], instance=visit, data={"status": VisitStatus.CLOSED})


def test_member_units_see_only_visits_to_them_or_with_their_rectifications(visit, orgs, people):
    assert not Visit.objects.restrict(people["education"]).exists()
    services.visit_add_rectification(actor=people["office"], visit=visit, data={
        "title": "补充藏汉双语讲解词", "assignee": orgs["education"], "deadline": datetime.date(2024, 6, 30)})
    assert list(Visit.objects.restrict(people["education"])) == [visit]
    with pytest.raises(PermissionDenied):
        services.visit_create(actor=people["education"], data={
            "title": "x", "issuer": orgs["office"], "region": region("540100"),
            "start_on": datetime.date(2024, 7, 1), "end_on": datetime.date(2024, 7, 2)})


def test_visit_files_are_type_checked(visit, people):
    with pytest.raises(ValidationError):
        services.visit_attach(actor=people["office"], visit=visit, uploads=[exe_as("照片.png")])
    [attachment] = services.visit_attach(actor=people["office"], visit=visit, uploads=[png_file("现场.png")])
    assert attachment.kind == "png" and attachment.name == "现场.png"
    assert not attachment.file.endswith("现场.png") and attachment.file.startswith("supervision/")


def test_docx_report_opens_and_holds_the_record(visit, orgs, people, client):
    from docx import Document
    from docx.oxml.ns import qn

    checks = list(visit.checks.order_by("position"))
    services.visit_set_checklist(actor=people["office"], visit=visit, rows=[
        {"id": c.pk, "item": c.item, "result": CheckResult.NOT_MET if i == 1 else CheckResult.MET, "note": "损坏"}
        for i, c in enumerate(checks)])
    services.visit_add_rectification(actor=people["office"], visit=visit, data={
        "title": "更换过期灭火器", "assignee": orgs["lhasa"], "deadline": datetime.date(2024, 6, 10)})
    client.force_login(people["office"])
    response = client.get(reverse("supervision:visit_report", args=[visit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "互动体验设备损坏未修复。" in text and "灭火器过期。" in text
    assert "那曲市禁毒教育基地督导检查" in text
    assert "更换过期灭火器" in cells and "2024-06-10" in cells and "拉萨市禁毒委员会办公室" in cells
    assert "互动体验设备运行正常" in cells and "王敏 自治区禁毒办" in cells
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"


def test_visit_pages_render(visit, orgs, people, client):
    services.visit_add_rectification(actor=people["office"], visit=visit, data={
        "title": "更换过期灭火器", "assignee": orgs["lhasa"], "deadline": datetime.date(2024, 6, 10)})
    client.force_login(people["office"])
    page = client.get(reverse("supervision:visit", args=[visit.pk]))
    assert page.status_code == 200 and "更换过期灭火器".encode() in page.content
    checklist = client.get(reverse("supervision:visit_checklist", args=[visit.pk]))
    assert checklist.status_code == 200
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-item": "新增项目", "form-0-result": "met",
            "form-1-item": ""}
    assert client.post(reverse("supervision:visit_checklist", args=[visit.pk]), data).status_code == 302
    assert visit.checks.count() == 1
    response = client.post(reverse("supervision:visit_rectification_add", args=[visit.pk]), {
        "title": "补充讲解员", "assignee": orgs["lhasa"].pk, "deadline": "2024-06-20"})
    assert response.status_code == 302 and visit.rectifications.count() == 2
    assert visit.rectifications.get(title="补充讲解员").status == TaskStatus.ASSIGNED
