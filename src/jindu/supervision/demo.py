"""The supervision part of the seed scenario (DESIGN.md; source document section 2), loaded by ``jindu demo``.

- The regional office's work plan of the "year of basics in preventing use and treating addiction"
  (禁吸戒毒基础年) with the duties of the Party committee's social work department, the education department,
  health, drug regulation, postal administration, the police narcotics corps and the prefecture offices;
  tasks generated from it in various states over the first half of 2024.
- A month of supervision visits (6 May - 5 June 2024) to the upgraded drug-education bases of the seven
  prefectures, with checklists, findings and rectification items.
- The 2024 assessment schemes for the prefectures and for the member units (drafts, with a few entries).

Idempotent: records are found by their natural keys; the history of a task is written only while the task
is new. Everything goes through the services as the system actor (no user accounts are created: ``jindu
bootstrap`` runs the demo before it creates the first accounts in an empty database).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from jindu.common.importing import SYSTEM
from jindu.core.models import Organisation, Region

from . import services
from .choices import (
    CheckResult,
    Metric,
    ReviewDecision,
    ScoringMethod,
    SubjectKind,
    TaskStatus,
    VisitStatus,
)
from .models import AssessmentItem, AssessmentScheme, PlanItem, ScoreEntry, Task, Visit, WorkPlan

PLAN_TITLE = "全区“禁吸戒毒基础年”活动工作方案"
PREFECTURES = ["540100", "540200", "540300", "540400", "540500", "540600", "542500"]

MEMBER_UNITS = {
    "social_work": ("自治区党委社会工作部", "social_work"),
    "education": ("自治区教育厅", "education"),
    "health": ("自治区卫生健康委员会", "health"),
    "drug_regulation": ("自治区药品监督管理局", "drug_regulation"),
    "postal": ("西藏自治区邮政管理局", "postal"),
    "police": ("自治区公安厅禁毒总队", "public_security"),
}


def at(day, hour=10):
    """A time on a 2024 working day, in the configured time zone."""
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def organisation(name, kind, region):
    """Found by name (names are unique; other parts of the demo may have created it already)."""
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "region": region})[0]


def office_of(region):
    return organisation(f"{region.name_zh}禁毒委员会办公室", "ncc_office", region)


# (position, duty, unit keys or "prefectures", one task per prefecture?, target text, metric, target, deadline)
ITEMS = [
    (1, "指导各地将社区戒毒社区康复人员纳入网格化服务管理，督促强制隔离戒毒出所人员与社区网格员衔接，"
        "签订服务管理协议。", ["social_work"], False, "出所人员衔接率100%", "", None, "2024-06-30"),
    (2, "组织全区学校开展“禁毒开学第一课”，落实毒品预防教育“五个一”活动。", ["education"], True,
     "每所学校完成“五个一”活动", "", None, "2024-03-31"),
    (3, "对社区戒毒社区康复人员开展全员吸毒检测。", "prefectures", False, "吸毒检测率100%", Metric.TEST_RATE,
     Decimal("1"), "2024-06-30"),
    (4, "加强对医疗机构、医药企业麻精药品的监管，堵塞管理漏洞，严防麻精药品流失滥用。",
     ["health", "drug_regulation"], False, "医疗机构、医药企业专项检查全覆盖", "", None, "2024-06-30"),
    (5, "落实寄递渠道收寄验视、实名收寄、过机安检制度，配合查缉邮寄毒品。", ["postal"], False,
     "寄递企业三项制度落实率100%", "", None, "2024-06-30"),
    (6, "组织社会面吸毒人员风险评估，严防脱管失控、肇事肇祸；会同交警部门开展“毒驾”治理。", ["police"], False,
     "风险评估全覆盖", "", None, "2024-05-31"),
    (7, "完成本地禁毒教育基地升级改造，对外开放并做好参观接待。", "prefectures", False, "升级改造完成并开放", "", None,
     "2024-05-31"),
    (8, "开展易制毒化学品网格化排查，做到用户底数清、使用情况明，对账异常及时核查清零。", ["police"], False,
     "对账异常清零", Metric.FLAGGED, Decimal("0"), "2024-06-30"),
]

# What happened to each task: (item, unit key or prefecture code, steps). A step is
# ("report", day, text, final) or ("review", day, decision, comment).
ACCEPT = ReviewDecision.ACCEPTED
RETURN = ReviewDecision.RETURNED
STORIES = [
    (1, "social_work", [("report", "2024-04-15", "已印发衔接工作指引，各地市完成出所人员衔接登记。", False),
                        ("report", "2024-06-20", "全区强制隔离戒毒出所人员均已与社区网格员衔接，"
                                                 "并签订服务管理协议。", True),
                        ("review", "2024-06-25", ACCEPT, "材料齐全，予以验收。")]),
    (3, "540100", [("report", "2024-06-24", "拉萨市社区戒毒社区康复人员已全部完成吸毒检测。", True),
                   ("review", "2024-06-28", ACCEPT, "检测记录完整。")]),
    (3, "540200", [("report", "2024-06-28", "日喀则市已完成全员检测，附检测登记表。", True)]),
    (3, "540300", [("report", "2024-05-15", "昌都市已完成八成人员检测，余下人员6月内完成。", False)]),
    (4, "health", [("report", "2024-06-18", "完成全区二级以上医疗机构麻精药品专项检查。", True),
                   ("review", "2024-06-24", ACCEPT, "")]),
    (4, "drug_regulation", [("report", "2024-05-30", "已检查医药企业32家，整改问题5个，检查仍在进行。", False)]),
    (5, "postal", [("report", "2024-06-25", "寄递企业收寄验视、实名收寄、过机安检三项制度全面落实。", True)]),
    (6, "police", [("report", "2024-05-28", "完成社会面吸毒人员风险评估；那曲市乃古沟一级公安检查站查获吸毒人员3名；"
                                           "协助交警部门开具驾驶证涉毒查询证明30余份。", True),
                   ("review", "2024-05-30", ACCEPT, "")]),
    (7, "540100", [("report", "2024-05-20", "拉萨市禁毒教育基地升级改造完成并对外开放。", True),
                   ("review", "2024-05-24", ACCEPT, "")]),
    (7, "540200", [("report", "2024-05-22", "日喀则市禁毒教育基地升级改造完成。", True),
                   ("review", "2024-05-27", ACCEPT, "")]),
    (7, "540300", [("report", "2024-05-29", "昌都市禁毒教育基地展陈更新完毕。", True)]),
    (7, "540400", [("report", "2024-05-21", "林芝市禁毒教育基地升级改造完成。", True),
                   ("review", "2024-05-28", ACCEPT, "")]),
    (7, "540500", [("report", "2024-05-23", "山南市禁毒教育基地升级改造完成。", True),
                   ("review", "2024-05-29", ACCEPT, "")]),
    (7, "540600", [("report", "2024-05-10", "那曲市禁毒教育基地展板已更新，互动设备正在采购。", False)]),
    (8, "police", [("report", "2024-06-10", "已完成拉萨、日喀则两市网格化排查，其余地市排查中。", False)]),
]
for number, code in enumerate(PREFECTURES):
    if code in ("540600", "542500"):
        continue
    STORIES.append((2, code, [
        ("report", f"2024-03-2{number}", "全市中小学均已开展“禁毒开学第一课”和“五个一”活动。", True),
        ("review", "2024-03-28", ACCEPT, ""),
    ]))
STORIES += [
    (2, "542500", [("report", "2024-03-29", "阿里地区各学校已开展“禁毒开学第一课”。", True),
                   ("review", "2024-04-03", RETURN, "缺少学校名单和活动照片，请补充后重新报送。")]),
    (2, "540600", [("report", "2024-04-10", "那曲市各学校已完成“五个一”活动，附学校名单和活动照片。", True)]),
]

CHECKLIST = [
    "展陈内容按要求更新（新型毒品、麻精药品等成瘾性物质滥用）",
    "多媒体、互动体验设备运行正常",
    "配备经过培训的专（兼）职讲解员",
    "藏汉双语展板和讲解",
    "开放时间公示，参观接待记录完整",
    "安全、消防设施符合要求",
]
MET, PARTLY, NOT_MET = CheckResult.MET, CheckResult.PARTLY, CheckResult.NOT_MET
# prefecture, dates, site, results, findings, rectifications [(title, deadline, steps)], closed on
VISITS = [
    ("540100", "2024-05-06", "2024-05-07", "拉萨市禁毒教育基地", [MET, MET, MET, MET, MET, MET],
     "基地升级改造完成，展陈内容新，讲解规范。", [], "2024-05-20"),
    ("540200", "2024-05-09", "2024-05-10", "日喀则市禁毒教育基地", [MET, MET, PARTLY, MET, MET, MET],
     "讲解员仅1名，接待高峰时不足。", [("增配并培训兼职讲解员", "2024-06-15",
                                  [("report", "2024-06-12", "已增配兼职讲解员2名并完成培训。", True),
                                   ("review", "2024-06-14", ACCEPT, "")])], "2024-06-20"),
    ("540300", "2024-05-14", "2024-05-16", "昌都市禁毒教育基地", [MET, MET, MET, PARTLY, MET, MET],
     "部分展板只有汉文，缺少藏文说明。", [("补充藏汉双语展板和讲解词", "2024-06-30",
                                     [("report", "2024-06-21", "已补制藏文展板12块，讲解词译成藏文。", True),
                                      ("review", "2024-06-26", ACCEPT, "")])], "2024-06-28"),
    ("540400", "2024-05-20", "2024-05-21", "林芝市禁毒教育基地", [MET, MET, MET, MET, PARTLY, MET],
     "参观接待记录不完整。", [("建立参观接待登记制度", "2024-06-10",
                              [("report", "2024-06-05", "已建立登记制度，补登5月接待记录。", True),
                               ("review", "2024-06-07", ACCEPT, "")])], "2024-06-11"),
    ("540500", "2024-05-23", "2024-05-24", "山南市禁毒教育基地", [MET, MET, MET, MET, MET, MET],
     "整体情况良好。", [], "2024-05-27"),
    ("540600", "2024-05-28", "2024-05-30", "那曲市禁毒教育基地", [PARTLY, NOT_MET, MET, MET, MET, PARTLY],
     "互动体验设备损坏未修复；灭火器过期。", [
         ("更换损坏的互动体验设备", "2024-06-30", [("report", "2024-06-20", "设备已完成采购，待安装。", False)]),
         ("更换过期灭火器", "2024-06-10", [("report", "2024-06-03", "已更换全部过期灭火器。", True),
                                          ("review", "2024-06-05", ACCEPT, "")]),
     ], None),
    ("542500", "2024-06-03", "2024-06-05", "阿里地区禁毒教育基地", [MET, PARTLY, MET, MET, MET, MET],
     "部分多媒体设备运行不稳定。", [("检修多媒体设备", "2024-06-30",
                                   [("report", "2024-06-27", "已完成检修，设备运行正常。", True)])], None),
]
TEAM = "次仁多吉 自治区禁毒办\n王敏 自治区禁毒办\n格桑卓玛 自治区教育厅"


def _apply(task, steps):
    """Write a task's history once (only while nobody has reported on it)."""
    if task.reports.exists() or task.status != TaskStatus.ASSIGNED:
        return
    for kind, day, *rest in steps:
        if kind == "report":
            text, final = rest
            services.task_report(actor=SYSTEM, task=task, text=text, final=final, at=at(day),
                                 author_name=str(task.assignee))
        else:
            decision, comment = rest
            services.task_review(actor=SYSTEM, task=task, decision=decision, comment=comment, at=at(day, 16))
        task.refresh_from_db()


def load_plan(root_office, units, prefectures):
    plan = WorkPlan.objects.filter(issuer=root_office, title=PLAN_TITLE).first() or services.workplan_create(
        actor=SYSTEM, data={
            "title": PLAN_TITLE, "document_no": "藏禁毒办〔2024〕3号", "issuer": root_office,
            "period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 12, 31),
            "summary": "深入开展全区“禁吸戒毒基础年”活动，明确自治区党委社会工作部、教育厅等禁毒委成员单位工作职责，"
                       "细化工作措施。",
        })
    offices = [office_of(region) for region in prefectures]
    for position, duty, keys, per_prefecture, target_text, metric, target, deadline in ITEMS:
        item = PlanItem.objects.filter(plan=plan, position=position).first()
        if item is None:
            item = services.planitem_create(actor=SYSTEM, data={
                "plan": plan, "position": position, "duty": duty, "target_text": target_text, "metric": metric,
                "target_value": target, "deadline": datetime.date.fromisoformat(deadline),
                "units": offices if keys == "prefectures" else [units[key] for key in keys],
                "regions": prefectures if per_prefecture else [],
            })
        services.planitem_generate_tasks(actor=SYSTEM, item=item)
    for position, key, steps in STORIES:
        tasks = Task.objects.filter(plan_item__plan=plan, plan_item__position=position)
        task = (tasks.filter(assignee=units[key]) if key in units else tasks.filter(region__code=key)).first()
        if task is not None:
            _apply(task, steps)
    return plan


def load_visits(root_office):
    for code, start, end, site, results, findings, rectifications, closed in VISITS:
        region = Region.objects.get(code=code)
        title = f"{site}督导检查"
        visit = Visit.objects.filter(issuer=root_office, title=title).first()
        if visit is None:
            visit = services.visit_create(actor=SYSTEM, data={
                "title": title, "issuer": root_office, "region": region, "unit": office_of(region), "site": site,
                "start_on": datetime.date.fromisoformat(start), "end_on": datetime.date.fromisoformat(end),
                "leader": "次仁多吉", "team": TEAM, "status": VisitStatus.CONDUCTED,
                "purpose": "督导禁毒教育基地升级改造工作落实情况。", "findings": findings,
                "checklist": "\n".join(CHECKLIST),
            })
            services.visit_set_checklist(actor=SYSTEM, visit=visit, rows=[
                {"id": check.pk, "item": check.item, "result": result, "note": ""}
                for check, result in zip(visit.checks.order_by("position"), results, strict=True)])
            for title_, deadline, steps in rectifications:
                task = services.visit_add_rectification(actor=SYSTEM, visit=visit, data={
                    "title": title_, "assignee": office_of(region), "deadline": datetime.date.fromisoformat(deadline),
                    "description": findings})
                _apply(task, steps)
            if closed:
                services.visit_close(actor=SYSTEM, visit=visit, note="整改完成，督导闭环。", at=at(closed, 17))


SCHEMES = [
    ("region", "2024年度全区禁毒工作考核（地市）", [
        (1, "组织领导", Decimal("10"), ScoringMethod.MANUAL, "", None, None, Decimal("0"),
         "禁毒工作纳入党委政府议事日程；未召开专题会议的扣2分。"),
        (2, "社区戒毒社区康复人员吸毒检测率", Decimal("20"), ScoringMethod.STATISTIC, Metric.TEST_RATE,
         Decimal("1"), Decimal("0.01"), Decimal("1"), "检测率每低于100%一个百分点扣1分。"),
        (3, "“禁吸戒毒基础年”工作任务按期完成", Decimal("30"), ScoringMethod.TASKS, "", None, None, Decimal("2"),
         "每项任务未按期完成扣2分。"),
        (4, "易制毒化学品对账异常", Decimal("10"), ScoringMethod.STATISTIC, Metric.FLAGGED, Decimal("0"),
         Decimal("1"), Decimal("2"), "每出现一次对账异常扣2分。"),
        (5, "禁毒宣传教育", Decimal("20"), ScoringMethod.MANUAL, "", None, None, Decimal("0"),
         "“八进”活动、开学第一课、有奖答题组织情况。"),
        (6, "督导检查发现问题整改", Decimal("10"), ScoringMethod.MANUAL, "", None, None, Decimal("0"),
         "督导发现问题未按期整改的，每项扣2分。"),
    ]),
    ("member_unit", "2024年度禁毒委成员单位履职考核", [
        (1, "禁毒工作任务按期完成", Decimal("60"), ScoringMethod.TASKS, "", None, None, Decimal("5"),
         "每项任务未按期完成扣5分。"),
        (2, "履行禁毒工作职责", Decimal("40"), ScoringMethod.MANUAL, "", None, None, Decimal("0"),
         "按职责清单逐项核查。"),
    ]),
]
ENTRIES = [
    ("region", 6, "540600", Decimal("2"), "禁毒教育基地互动体验设备损坏，督导后未按期整改。"),
    ("region", 5, "542500", Decimal("1.5"), "“八进”活动记录不完整。"),
    ("region", 1, "540300", Decimal("1"), "上半年未召开禁毒工作专题会议。"),
    ("member_unit", 2, "drug_regulation", Decimal("3"), "麻精药品专项检查未按期完成。"),
]


def load_assessments(root_office, units):
    schemes = {}
    for kind, title, items in SCHEMES:
        scheme = AssessmentScheme.objects.filter(issuer=root_office, year=2024, subject_kind=kind).first()
        if scheme is None:
            scheme = services.scheme_create(actor=SYSTEM, data={
                "year": 2024, "title": title, "issuer": root_office, "subject_kind": kind,
                "period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 12, 31),
                "units": list(units.values()) if kind == SubjectKind.MEMBER_UNIT else [],
                "notes": "满分100分。",
            })
        for position, name, points, method, metric, target, step, deduction, notes in items:
            if not AssessmentItem.objects.filter(scheme=scheme, position=position).exists():
                services.item_create(actor=SYSTEM, data={
                    "scheme": scheme, "position": position, "title": name, "max_points": points, "method": method,
                    "metric": metric, "target_value": target, "step": step, "deduction": deduction, "notes": notes})
        schemes[kind] = scheme
    for kind, position, key, points, reason in ENTRIES:
        scheme = schemes[kind]
        item = scheme.items.get(position=position)
        subject = units[key] if key in units else Region.objects.get(code=key)
        if not ScoreEntry.objects.filter(item=item, reason=reason).exists() and not scheme.is_published:
            services.entry_create(actor=SYSTEM, item=item, subject=subject, points=points, reason=reason)


def load():
    root = Region.objects.get(code=settings.JINDU_ROOT_REGION)
    root_office = office_of(root)
    units = {key: organisation(name, kind, root) for key, (name, kind) in MEMBER_UNITS.items()}
    prefectures = list(Region.objects.filter(code__in=PREFECTURES).order_by("code"))
    load_plan(root_office, units, prefectures)
    load_visits(root_office)
    load_assessments(root_office, units)
