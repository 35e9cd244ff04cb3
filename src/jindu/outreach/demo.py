"""The outreach part of the seed scenario (DESIGN.md; source document section 4), loaded by ``jindu demo``.

For 2024-01-01 to 2024-06-30, region 540000:
- the 40-day spring travel season campaign (26 January to 5 March 2024) with events at railway stations,
  airports, bus stations, markets and entertainment venues in all seven prefectures (the campaign notes
  the 1,000,000+ air and rail travellers of the season; ``reached`` counts the people the events reached);
- the "first lesson of the school year" in 30 schools with the "five ones" and contests ticked per school:
  nearly 120,000 students reached (119,486: per school the largest activity, see selectors.school_coverage);
  27 schools completed all five;
- rural "eight into" activities from January to May, among them the Chamdo event where a man who uses
  drugs came forward, registered with the police and handed in 54 self-grown poppy capsules;
- the 6.26 publicity month in June;
- the upgrade of every prefecture and county education base (14 bases) with a month of supervision and
  inspection visits (13 May to 8 June) and their follow-up;
- the review of applications for regional model schools (8 applications, 6 approved, 2 rejected);
- the short-video contest on preventing youth abuse of addictive substances: exactly 38 entries
  submitted in April and May, judged by five judges (paper sheets loaded by the system; two entries come
  from a judge's own unit and are not scored by that judge) and closed on 20 June with 10 selected.

The online prize quiz: the 690,000 participations of the 6.26 month are loaded as imported daily counts
per prefecture (an aggregate, see ``quiz/demo.py``); the platform's own quiz is demonstrated with a reviewed
question bank, a closed autumn quiz with real attempts and its prize draw, and an always-open practice quiz.

Idempotent: every record is found by its natural key (reference, name) before it is created; a
closed contest is left alone. Everything goes through the services as the system actor; no user
accounts are created (``jindu bootstrap`` creates the first accounts only in a database without users).
"""

import datetime
import random
from decimal import Decimal

from jindu.common import audit
from jindu.common.importing import SYSTEM
from jindu.core.models import Organisation, Region

from . import services
from .choices import FIVE_ONES, ContestStatus, ReviewResult, SchoolActivityKind
from .models import (
    BaseInspection,
    BaseUpgrade,
    BaseVisit,
    Campaign,
    ContestCriterion,
    ContestEntry,
    ContestJudge,
    EducationBase,
    Event,
    ModelSchoolApplication,
    ModelSchoolReview,
    ReviewCriterion,
    ReviewJudge,
    ReviewScore,
    School,
    SchoolActivity,
    VideoContest,
)

D = datetime.date
ACTOR = SYSTEM
TERM = "2024-spring"
STUDENTS_REACHED = 119_486
PREFECTURES = ["540100", "540200", "540300", "540400", "540500", "540600", "542500"]

SPRING = "2024年春运禁毒集中宣传"
FIRST_LESSON = "2024年春季学期“禁毒开学第一课”"
EIGHT_INTO = "2024年农村毒品预防教育“八进”活动"
JUNE_26 = "2024年“6·26”国际禁毒日集中宣传月"
CONTEST = "防范青少年涉麻精药品等成瘾性物质滥用短视频征集"
REVIEW = "2024年自治区级禁毒示范学校验收评审"


def region(code):
    return Region.objects.get(code=code)


def organisation(name, kind, region_code):
    """An organisation by name (other parts of the scenario use the same names); created when missing."""
    existing = Organisation.objects.filter(name=name).first()
    if existing is not None:
        return existing
    created = Organisation(name=name, kind=kind, region=region(region_code))
    created.full_clean()
    created.save()
    audit.log_change(created, "created")
    return created


def office(region_code):
    reg = region(region_code)
    return organisation(f"{reg.name_zh}禁毒委员会办公室", "ncc_office", region_code)


def load():
    rng = random.Random(20240630)
    campaigns = _campaigns()
    _events(rng, campaigns)
    schools = _schools(campaigns[FIRST_LESSON])
    _bases(rng)
    _review(schools)
    _contest(rng)
    from .quiz import demo as quiz_demo

    quiz_demo.load()


# --- Campaigns and events ---------------------------------------------------------------------


def _campaigns():
    members = {
        "public_security": organisation("西藏自治区公安厅禁毒总队", "public_security", "540000"),
        "education": organisation("西藏自治区教育厅", "education", "540000"),
        "transport": organisation("西藏自治区交通运输厅", "transport", "540000"),
        "health": organisation("西藏自治区卫生健康委员会", "health", "540000"),
        "social_work": organisation("自治区党委社会工作部", "social_work", "540000"),
    }
    lead = office("540000")
    specs = [
        (SPRING, "spring_travel", D(2024, 1, 26), D(2024, 3, 5), lead,
         ["public_security", "transport"], 40, 70_000,
         "借助春运期间外出务工人员集中返乡、春节和藏历新年置办年货等人员流动大的契机，在火车站、汽车站、机场等"
         "交通要道和娱乐服务场所、集贸市场开展集中宣传。为期40天，民航、铁路进出藏旅客超100万人次。"),
        (FIRST_LESSON, "first_lesson", D(2024, 2, 26), D(2024, 3, 31), members["education"],
         ["education", "public_security"], 7, 5_000,
         "以一次国旗下讲话、参观一次禁毒展览、观看一部禁毒电影、开展一次禁毒讲座、召开一次禁毒班会（“五个一”）"
         "以及征文、知识竞赛、演讲、黑板报、手抄报、书画比赛为形式，推动学校毒品预防教育“五个一”活动落实落地。"),
        (EIGHT_INTO, "eight_into", D(2024, 1, 1), D(2024, 5, 31), lead,
         ["public_security", "social_work", "health"], 30, 5_000,
         "协调乡镇人民政府、村委会、驻寺管委会、驻村工作队，借助春节、藏历新年、三月综治宣传月、“3·5”学雷锋日、"
         "“3·8”妇女节等节点，深入主干道、商铺、饭馆、社区、村居、寺庙开展禁毒宣传“八进”活动。"),
        (JUNE_26, "june_26", D(2024, 6, 1), D(2024, 6, 30), lead, ["public_security", "education", "health"], 12,
         60_000, "围绕“6·26”国际禁毒日开展集中宣传月活动，线上线下相结合。"),
    ]
    campaigns = {}
    for name, theme, start, end, lead_unit, member_keys, target_events, target_reached, description in specs:
        campaign = Campaign.objects.filter(name=name).first()
        if campaign is None:
            campaign = services.campaign_create(actor=ACTOR, data={
                "name": name, "theme": theme, "region": region("540000"), "start_on": start, "end_on": end,
                "lead_unit": lead_unit, "target_events": target_events, "target_reached": target_reached,
                "description": description, "member_units": [members[key] for key in member_keys]})
        campaigns[name] = campaign
    return campaigns


# (region code, venue, kind, activity type, typical reach)
SPRING_VENUES = [
    ("540103", "拉萨火车站", "transport_hub", "stall", 4200),
    ("540522", "拉萨贡嘎国际机场", "transport_hub", "leaflets", 5200),
    ("540102", "拉萨汽车客运总站", "transport_hub", "stall", 2600),
    ("540102", "八廓街商圈", "market", "stall", 2200),
    ("540102", "冲赛康农贸市场", "market", "leaflets", 1500),
    ("540102", "城关区娱乐服务场所", "venue", "lecture", 260),
    ("540202", "日喀则火车站", "transport_hub", "stall", 2400),
    ("540202", "日喀则和平机场", "transport_hub", "leaflets", 1800),
    ("540202", "日喀则上海广场集贸市场", "market", "stall", 1200),
    ("540326", "昌都邦达机场", "transport_hub", "leaflets", 1300),
    ("540302", "昌都市汽车客运站", "transport_hub", "stall", 1500),
    ("540302", "卡若区农贸市场", "market", "stall", 1100),
    ("540402", "林芝火车站", "transport_hub", "stall", 1900),
    ("540481", "林芝米林机场", "transport_hub", "leaflets", 1400),
    ("540502", "山南火车站", "transport_hub", "stall", 1500),
    ("540502", "泽当农贸市场", "market", "stall", 900),
    ("540602", "那曲火车站", "transport_hub", "stall", 1400),
    ("540602", "那曲市汽车站", "transport_hub", "leaflets", 1000),
    ("542523", "阿里昆莎机场", "transport_hub", "leaflets", 700),
    ("542523", "狮泉河农贸市场", "market", "stall", 600),
]

EIGHT_INTO_VENUES = [
    ("540121", "林周县甘丹曲果村", "village", "lecture", 180),
    ("540127", "墨竹工卡县甲玛乡", "village", "film", 240),
    ("540102", "城关区色拉寺", "monastery", "lecture", 120),
    ("540224", "萨迦县萨迦寺", "monastery", "lecture", 90),
    ("540222", "江孜县江孜镇集市", "market", "stall", 600),
    ("540234", "吉隆县吉隆镇", "village", "door_to_door", 150),
    ("540302", "卡若区城关镇社区", "village", "lecture", 210),
    ("540321", "江达县岗托镇", "village", "film", 160),
    ("540328", "芒康县盐井乡", "village", "door_to_door", 130),
    ("540424", "波密县扎木镇", "village", "stall", 220),
    ("540402", "巴宜区鲁朗镇", "village", "exhibition", 140),
    ("540521", "扎囊县桑耶寺", "monastery", "lecture", 100),
    ("540502", "乃东区昌珠镇", "village", "film", 170),
    ("540624", "安多县帕那镇", "village", "lecture", 110),
    ("540626", "索县赞丹寺", "monastery", "lecture", 80),
    ("542521", "普兰县普兰镇", "village", "door_to_door", 90),
    ("542526", "改则县改则镇", "village", "film", 70),
]


def _event(ref, campaign, held_on, region_code, venue, kind, activity, reached, organiser, **extra):
    if Event.objects.filter(ref=ref).exists():
        return
    services.event_create(actor=ACTOR, data={
        "ref": ref, "campaign": campaign, "held_on": held_on, "region": region(region_code), "venue": venue,
        "kind": kind, "activity_type": activity, "reached": reached, "materials": reached // 2,
        "organiser": organiser, **extra})


def _events(rng, campaigns):
    spring = campaigns[SPRING]
    for index, (code, venue, kind, activity, reach) in enumerate(SPRING_VENUES):
        for visit in range(2):  # before the Spring Festival rush and again around Losar
            day = D(2024, 1, 26) + datetime.timedelta(days=rng.randrange(0, 20) + 20 * visit)
            reached = int(reach * rng.uniform(0.8, 1.2))
            _event(f"CY2024-{index + 1:02d}{visit + 1}", spring, day, code, venue, kind, activity, reached,
                   office(code[:4] + "00"))
    eight = campaigns[EIGHT_INTO]
    for index, (code, venue, kind, activity, reach) in enumerate(EIGHT_INTO_VENUES):
        for visit in range(2):
            day = D(2024, 1, 8) + datetime.timedelta(days=rng.randrange(0, 140))
            _event(f"BJ2024-{index + 1:02d}{visit + 1}", eight, day, code, venue, kind, activity,
                   int(reach * rng.uniform(0.7, 1.3)), office(code[:4] + "00"))
    _event("BJ2024-CD01", eight, D(2024, 3, 18), "540302", "卡若区俄洛镇", "village", "door_to_door", 85,
           office("540300"),
           description="驻村工作队与镇禁毒办联合入户宣讲禁毒法律法规和禁种铲毒政策。",
           outcomes="经宣传感化，一名吸毒成瘾人员主动前往公安机关登记，并上交自行种植的罂粟壳54粒；"
                    "已纳入社区戒毒管理，其种植地块已依法铲除。",
           related_record="CD2024-540302-01")  # the cases app's eradication record of that poppy plot
    first = campaigns[FIRST_LESSON]
    for index, code in enumerate(PREFECTURES):
        reg = region(code)
        _event(f"KX2024-{index + 1:02d}", first, D(2024, 3, 4) + datetime.timedelta(days=index % 3), code,
               f"{reg.name_zh}“禁毒开学第一课”启动仪式", "school", "lecture", 600 + 90 * index,
               organisation("西藏自治区教育厅", "education", "540000"))
    june = campaigns[JUNE_26]
    june_events = [
        ("540102", "布达拉宫广场“6·26”禁毒宣传主会场", "other", "exhibition", 8000, D(2024, 6, 26)),
        ("540000", "“西藏禁毒”微信公众号禁毒知识推送", "online", "online", 42000, D(2024, 6, 20)),
        ("540202", "日喀则市“6·26”广场宣传", "other", "stall", 3000, D(2024, 6, 26)),
        ("540302", "昌都市“6·26”广场宣传", "other", "stall", 2500, D(2024, 6, 26)),
        ("540402", "林芝市禁毒文艺演出", "venue", "performance", 1800, D(2024, 6, 25)),
        ("540502", "山南市禁毒图片展", "other", "exhibition", 1500, D(2024, 6, 24)),
        ("540602", "那曲市禁毒宣传进社区", "village", "stall", 900, D(2024, 6, 26)),
        ("542523", "阿里地区禁毒宣传进市场", "market", "stall", 700, D(2024, 6, 26)),
    ]
    for index, (code, venue, kind, activity, reached, day) in enumerate(june_events):
        _event(f"LY2024-{index + 1:02d}", june, day, code, venue, kind, activity, reached,
               office(code if code == "540000" else code[:4] + "00"))


# --- Schools and the "five ones" --------------------------------------------------------------

# (name, region code, level, students enrolled, students at the flag speech, five-ones missing)
SCHOOLS = [
    ("拉萨中学", "540102", "high", 4300, 4200, None),
    ("拉萨市第一中学", "540102", "middle", 4600, 4500, None),
    ("拉萨北京实验中学", "540102", "middle", 6200, 6050, None),
    ("拉萨江苏实验中学", "540103", "middle", 3900, 3800, None),
    ("城关区实验小学", "540102", "primary", 3300, 3250, None),
    ("西藏大学", "540102", "university", 17000, 16200, None),
    ("西藏职业技术学院", "540102", "vocational", 11000, 10200, None),
    ("日喀则市第一高级中学", "540202", "high", 6200, 6100, None),
    ("日喀则市上海实验学校", "540202", "middle", 4800, 4700, None),
    ("江孜县中学", "540222", "middle", 2600, 2500, None),
    ("吉隆县完全小学", "540234", "primary", 900, 880, "exhibition"),
    ("昌都市第一高级中学", "540302", "high", 5800, 5650, None),
    ("昌都市实验小学", "540302", "primary", 3100, 3000, None),
    ("芒康县中学", "540328", "middle", 2100, 2050, None),
    ("林芝市第一中学", "540402", "middle", 3600, 3500, None),
    ("林芝市第二高级中学", "540402", "high", 4900, 4800, None),
    ("西藏农牧学院", "540402", "university", 9800, 9100, None),
    ("波密县中学", "540424", "middle", 1500, 1450, None),
    ("山南市第一高级中学", "540502", "high", 5400, 5300, None),
    ("山南市第二高级中学", "540502", "high", 3600, 3500, None),
    ("西藏民族大学附属中学", "540502", "middle", 2400, 2350, None),
    ("扎囊县中学", "540521", "middle", 1300, 1250, None),
    ("那曲市高级中学", "540602", "high", 5100, 5000, None),
    ("那曲市第一中学", "540602", "middle", 3200, 3100, None),
    ("安多县完全小学", "540624", "primary", 1100, 1060, "exhibition"),
    ("阿里地区高级中学", "542523", "high", 2600, 2520, None),
    ("噶尔县中学", "542523", "middle", 1500, 1450, None),
    ("改则县完全小学", "542526", "primary", 700, 690, "film"),
    ("普兰县中学", "542521", "middle", 800, 780, None),
    ("日土县完全小学", "542524", "primary", 600, 0, None),  # filled in so that the total is exact
]


def _schools(campaign):
    rows = list(SCHOOLS)
    known = sum(row[4] for row in rows[:-1])
    name, code, level, students, _, missing = rows[-1]
    rows[-1] = (name, code, level, students, STUDENTS_REACHED - known, missing)
    schools = {}
    for name, code, level, students, reached, missing in rows:
        school = School.objects.filter(organisation__name=name).first()
        if school is None:
            school = services.school_create(actor=ACTOR, name=name, region=region(code), level=level,
                                            students=students)
        schools[name] = school
        day = D(2024, 3, 4)
        for offset, kind in enumerate(FIVE_ONES):
            if kind == missing:
                continue
            share = 1 if kind == SchoolActivityKind.FLAG_SPEECH else (0.92 - 0.05 * offset)
            _tick(school, kind, day + datetime.timedelta(days=offset * 3), int(reached * share), campaign)
        for offset, kind in enumerate(("essay", "quiz", "blackboard", "newspaper", "painting", "speech")):
            if (len(name) + offset) % 3 == 0:
                _tick(school, kind, D(2024, 3, 25) + datetime.timedelta(days=offset), int(reached * 0.3), campaign)
    return schools


def _tick(school, kind, day, students, campaign):
    if SchoolActivity.objects.filter(school=school, term=TERM, activity=kind).exists():
        return
    services.school_activity_create(actor=ACTOR, data={"school": school, "term": TERM, "activity": kind,
                                                       "held_on": day, "students": students, "campaign": campaign})


# --- Education bases, upgrades, inspections ---------------------------------------------------

BASES = [
    ("540100", "prefecture", "拉萨市禁毒教育基地"), ("540102", "county", "城关区禁毒教育基地"),
    ("540200", "prefecture", "日喀则市禁毒教育基地"), ("540234", "county", "吉隆县禁毒教育基地"),
    ("540300", "prefecture", "昌都市禁毒教育基地"), ("540302", "county", "卡若区禁毒教育基地"),
    ("540400", "prefecture", "林芝市禁毒教育基地"), ("540402", "county", "巴宜区禁毒教育基地"),
    ("540500", "prefecture", "山南市禁毒教育基地"), ("540502", "county", "乃东区禁毒教育基地"),
    ("540600", "prefecture", "那曲市禁毒教育基地"), ("540602", "county", "色尼区禁毒教育基地"),
    ("542500", "prefecture", "阿里地区禁毒教育基地"), ("542523", "county", "噶尔县禁毒教育基地"),
]
FINDINGS = [
    ("展陈内容已按新版要求更新，新型毒品、麻精药品滥用危害展区建成。", ""),
    ("多媒体互动设备已安装，藏汉双语讲解词尚未完成。", "补齐藏汉双语讲解词并培训讲解员。"),
    ("升级改造按期完工，参观预约登记台账规范。", ""),
    ("展厅消防通道被展板遮挡，部分展板褪色。", "一周内整改消防通道，更换褪色展板。"),
    ("VR禁毒体验区建成，日常开放时间未公示。", "在门口及公众号公示开放时间。"),
]


def _bases(rng):
    inspection_day = D(2024, 5, 13)
    for index, (code, level, name) in enumerate(BASES):
        base = EducationBase.objects.filter(name=name).first()
        if base is None:
            base = services.record_create(actor=ACTOR, model=EducationBase, data={
                "name": name, "region": region(code), "level": level, "managing_unit": office(code),
                "area_m2": 400 if level == "prefecture" else 180, "opened_on": D(2019 + index % 4, 6, 26),
                "description": "集展示、体验、教育于一体的禁毒教育阵地。"})
        completed = index % 5 != 3  # a few upgrades are still being finished at the end of June
        upgrade = BaseUpgrade.objects.filter(base=base).first()
        if upgrade is None:
            upgrade = services.record_create(actor=ACTOR, model=BaseUpgrade, data={
                "base": base, "title": "2024年禁毒教育基地升级改造",
                "budget": Decimal(600000 if level == "prefecture" else 300000), "funded_by": "自治区禁毒办专项经费",
                "status": "completed" if completed else "in_progress", "started_on": D(2024, 3, 1),
                "completed_on": D(2024, 5, 6) + datetime.timedelta(days=index) if completed else None})
        finding, follow_up = FINDINGS[index % len(FINDINGS)]
        day = inspection_day + datetime.timedelta(days=index * 2)
        if not BaseInspection.objects.filter(base=base, inspected_on=day).exists():
            services.inspection_create(actor=ACTOR, data={
                "base": base, "upgrade": upgrade, "inspected_on": day, "inspectors": "自治区禁毒办督导检查组",
                "findings": finding, "follow_up": follow_up,
                "follow_up_due": day + datetime.timedelta(days=14) if follow_up else None,
                "follow_up_done_on": day + datetime.timedelta(days=10) if follow_up and index % 2 else None})
        visit_day = D(2024, 4, 10) + datetime.timedelta(days=index)
        if not BaseVisit.objects.filter(base=base, visited_on=visit_day).exists():
            services.record_create(actor=ACTOR, model=BaseVisit, data={
                "base": base, "visited_on": visit_day, "group": rng.choice(
                    ["单位干部职工", "社区居民", "外来务工人员", "中学生"]), "visitors": rng.randrange(30, 120)})


# --- Model-school review ----------------------------------------------------------------------

REVIEW_CRITERIA = [("组织领导", 20), ("课程教学", 25), ("阵地建设", 20), ("活动开展", 20), ("工作成效", 15)]
REVIEWERS = ["次仁卓玛", "王建国", "扎西平措"]
# school, scores per reviewer (one list per reviewer, in criterion order), result, reasons
APPLICATIONS = [
    ("拉萨北京实验中学", [[95, 92, 90, 93, 90], [92, 90, 94, 95, 88], [94, 93, 92, 90, 92]], ReviewResult.APPROVED,
     "组织机构健全，禁毒课程课时落实，禁毒教育阵地建设规范，各项指标达到自治区级示范学校标准。"),
    ("拉萨中学", [[90, 88, 92, 90, 86], [88, 92, 90, 89, 90], [91, 90, 88, 92, 87]], ReviewResult.APPROVED,
     "“五个一”活动常态化开展，禁毒知识竞赛成绩突出，达到示范学校标准。"),
    ("日喀则市上海实验学校", [[92, 90, 95, 90, 88], [90, 91, 92, 93, 90], [93, 88, 90, 91, 89]],
     ReviewResult.APPROVED, "禁毒教育阵地建设有特色，藏汉双语教材使用规范。"),
    ("昌都市第一高级中学", [[88, 90, 86, 92, 88], [90, 87, 88, 90, 86], [89, 88, 90, 88, 87]],
     ReviewResult.APPROVED, "家校共育禁毒宣传成效明显，达到示范学校标准。"),
    ("林芝市第一中学", [[91, 89, 90, 88, 92], [88, 90, 91, 90, 89], [90, 92, 88, 89, 90]], ReviewResult.APPROVED,
     "禁毒课程与心理健康教育融合，成效显著。"),
    ("山南市第一高级中学", [[87, 88, 90, 86, 88], [90, 86, 88, 88, 87], [88, 89, 86, 90, 88]],
     ReviewResult.APPROVED, "各项工作扎实，达到示范学校标准。"),
    ("那曲市第一中学", [[80, 78, 70, 82, 75], [78, 80, 72, 80, 76], [82, 76, 74, 79, 78]], ReviewResult.REJECTED,
     "禁毒教育阵地尚未建成，课时落实台账不全，加权得分低于85分，暂不予通过，整改后可再次申报。"),
    ("噶尔县中学", [[82, 80, 78, 84, 80], [80, 83, 76, 82, 78], [84, 79, 80, 81, 79]], ReviewResult.REJECTED,
     "活动开展较好，但阵地建设和工作成效材料不足，加权得分低于85分，暂不予通过。"),
]


def _review(schools):
    review = ModelSchoolReview.objects.filter(name=REVIEW).first()
    if review is None:
        review = services.record_create(actor=ACTOR, model=ModelSchoolReview, data={
            "name": REVIEW, "region": region("540000"), "year": 2024, "pass_mark": Decimal("85"),
            "description": "对各地（市）推荐申报自治区级禁毒示范学校的学校进行实地验收评审。"})
    for order, (name, weight) in enumerate(REVIEW_CRITERIA):
        if not ReviewCriterion.objects.filter(review=review, name=name).exists():
            services.record_create(actor=ACTOR, model=ReviewCriterion, data={
                "review": review, "name": name, "weight": Decimal(weight), "max_score": Decimal(100), "order": order})
    if review.status == "closed":
        return
    criteria = list(review.criteria.all())
    judges = []
    for name in REVIEWERS:
        judge = ReviewJudge.objects.filter(review=review, name=name).first()
        judges.append(judge or services.review_judge_add(actor=ACTOR, review=review, name=name))
    for index, (school_name, sheets, result, reasons) in enumerate(APPLICATIONS):
        school = schools[school_name]
        application = ModelSchoolApplication.objects.filter(review=review, school=school).first()
        if application is None:
            application = services.record_create(actor=ACTOR, model=ModelSchoolApplication, data={
                "review": review, "school": school, "applied_on": D(2024, 4, 8) + datetime.timedelta(days=index),
                "statement": "我校申报自治区级禁毒示范学校，现将创建工作情况报告如下。"})
        if application.result != ReviewResult.PENDING:
            continue
        for judge, values in zip(judges, sheets, strict=True):
            services.review_judge_assign(actor=ACTOR, judge=judge, applications=[application])
            if not ReviewScore.objects.filter(application=application, judge=judge).exists():
                services.review_scores_record(actor=ACTOR, application=application, judge=judge, scores={
                    c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)})
        services.application_decide(actor=ACTOR, application=application, result=result, reasons=reasons,
                                    decided_on=D(2024, 6, 14))
    services.review_close(actor=ACTOR, review=review)


# --- Short-video contest ----------------------------------------------------------------------

CONTEST_CRITERIA = [("主题思想", 40), ("创意表现", 30), ("制作水平", 30)]
JUDGES = [("格桑曲珍", "西藏自治区禁毒委员会办公室", "ncc_office"),
          ("李卫东", "西藏自治区教育厅", "education"),
          ("达瓦次仁", "西藏广播电视台", "other"),
          ("张晓梅", "西藏大学", "school"),
          ("尼玛扎西", "自治区党委宣传部", "member_unit")]
TITLES = [
    "远离“笑气”", "别让好奇毁了你", "药不是糖", "守护青春", "拒绝第一口", "迷幻的陷阱", "奶茶里的秘密",
    "一粒药的代价", "向成瘾说不", "青春不“麻”木", "健康上网 远离毒品", "雪域少年的选择", "小心“聪明药”",
    "我的同桌", "止咳水之殇", "不做“瘾”形人", "阳光下的约定", "格桑花开", "一次聚会", "妈妈的叮嘱",
    "真相", "边境线上的守望", "课间十分钟", "放学路上", "珍爱生命", "不一样的糖果", "别碰", "青春无毒",
    "梦想的翅膀", "拒绝诱惑", "倒计时", "镜子", "清醒", "选择", "回家", "守望", "明天", "光",
]
AUTHORS = ["拉萨中学学生会", "日喀则市禁毒办", "昌都市第一高级中学", "林芝市公安局禁毒支队", "山南市禁毒办",
           "那曲市禁毒办", "阿里地区禁毒办", "西藏职业技术学院", "拉萨市禁毒志愿者协会", "个人"]


def _contest(rng):
    contest = VideoContest.objects.filter(name=CONTEST).first()
    if contest is None:
        contest = services.contest_create(actor=ACTOR, data={
            "name": CONTEST, "theme": "防范青少年涉麻精药品等成瘾性物质滥用", "region": region("540000"),
            "opens_on": D(2024, 4, 1), "closes_on": D(2024, 5, 31), "select_count": 10,
            "description": "在全区禁毒委成员单位、各地（市）禁毒办、学校、相关团体、个人中征集，"
                           "评选优秀作品报送国家禁毒办参加全国征集活动。"})
    if contest.status == ContestStatus.CLOSED:
        _posters(contest)
        return
    for order, (name, weight) in enumerate(CONTEST_CRITERIA):
        if not ContestCriterion.objects.filter(contest=contest, name=name).exists():
            services.record_create(actor=ACTOR, model=ContestCriterion, data={
                "contest": contest, "name": name, "weight": Decimal(weight), "max_score": Decimal(10),
                "order": order})
    judges = []
    for name, unit_name, kind in JUDGES:
        judge = ContestJudge.objects.filter(contest=contest, name=name).first()
        if judge is None:
            unit = organisation(unit_name, kind, "540100" if kind == "school" else "540000")
            judge = services.judge_add(actor=ACTOR, contest=contest, name=name, unit=unit)
        judges.append(judge)
    tibet_university = judges[3].unit
    codes = [c.code for c in Region.objects.filter(level="county").order_by("code")]
    for index, title in enumerate(TITLES):
        if ContestEntry.objects.filter(contest=contest, title=title).exists():
            continue
        author = AUTHORS[index % len(AUTHORS)]
        unit = tibet_university if index in (6, 20) else None  # two entries of students of Tibet University
        code = "540102" if unit else rng.choice(codes)
        services.entry_submit(actor=ACTOR, data={
            "contest": contest, "title": title, "author": author if not unit else "西藏大学学生创作团队",
            "author_unit": unit, "region": region(code),
            "submitted_on": D(2024, 4, 1) + datetime.timedelta(days=(index * 61) // len(TITLES)),
            "description": "短视频作品，时长约3分钟。视频文件由作者通过邮件报送，未上传至平台。"})
    if contest.status == ContestStatus.OPEN:
        contest = services.contest_start_judging(actor=ACTOR, contest=contest)
    criteria = list(contest.criteria.all())
    entries = list(ContestEntry.objects.filter(contest=contest).order_by("id"))
    quality = {entry.pk: rng.uniform(5.5, 9.2) for entry in entries}
    for judge in judges:
        for entry in entries:
            if judge.has_conflict(entry) or entry.scores.filter(judge=judge).exists():
                continue
            scores = {c.pk: Decimal(str(round(min(10, max(0, quality[entry.pk] + rng.uniform(-0.8, 0.8))) * 2) / 2))
                      for c in criteria}
            services.judge_score_entry(actor=ACTOR, judge=judge, entry=entry, scores=scores)
    from django.utils import timezone

    closed_at = timezone.make_aware(datetime.datetime(2024, 6, 20, 16, 0))
    services.contest_close(actor=ACTOR, contest=contest, closed_at=closed_at)
    _posters(contest)


def _posters(contest):
    """Title cards for the entries whose video was sent by mail: their pages show an image, not a gap.
    The files are small and generated here (nothing binary in the repository); a missing one is remade."""
    from django.core.files.storage import default_storage

    for entry in ContestEntry.objects.filter(contest=contest, video="").order_by("id"):
        if not entry.poster or not default_storage.exists(entry.poster):
            services.entry_poster_generate(actor=ACTOR, entry=entry)
