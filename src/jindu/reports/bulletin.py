"""Work-report drafts (简报/工作情况报告) written from the statistics engine, as DOCX and PDF.

The draft follows the source document's structure: enforcement; managing people who use drugs;
precursor control; publicity and education; coordination. Every figure comes from
``statistics.compare`` (so it matches ``jindu stats``); notable cases come from the cases app's
selectors when it is installed. The officer edits the DOCX in Word afterwards.
"""

import base64
import datetime
import hashlib
import io
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from .statistics import by_child_region, by_month, compare, get_region, parse_period

CJK_FONT = "Noto Sans CJK SC"
TIBETAN_FONT = "Noto Serif Tibetan"
UNIT_ZH = {"g": "克", "kg": "千克", "tablet": "粒", "capsule": "粒", "ml": "毫升", "plant": "株"}
PATHS = [
    "cases.total", "suspects_arrested", "foreign_suspects_arrested", "fugitives_captured", "seizures.total_grams",
    "eradication.records", "eradication.plants", "interceptions.total", "persons.registered", "persons.in_community",
    "persons.tested", "persons.test_rate", "precursors.units", "precursors.transactions",
    "precursors.flagged_discrepancies", "outreach.events", "outreach.people_reached", "outreach.quiz_attempts",
    "outreach.quiz_participants", "outreach.videos_submitted", "outreach.videos_selected",
]


class FontsMissing(RuntimeError):
    """The PDF needs the Noto CJK and Tibetan fonts (Debian: fonts-noto-cjk, fonts-noto-core)."""


def number(value):
    """38.12 rather than 38.120; 14,000 as 14000 (reports write plain digits)."""
    if value is None:
        return "0"
    if isinstance(value, float | Decimal):
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def change_phrase(name, entry):
    """“案件数同比上升20.0%” from a compare() figure, or "" when there is nothing to compare with."""
    if entry["yoy_change"] is None:
        return ""
    delta = entry["yoy_change"]
    if delta == 0:
        return f"{name}与去年同期持平"
    return "{}同比{}{}%".format(name, "上升" if delta > 0 else "下降", number(abs(delta)))


def period_name(start, end):
    if start.month == 1 and start.day == 1 and end.month == 6 and end.day == 30 and start.year == end.year:
        return f"{start.year}年上半年"
    if start.month == 7 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
        return f"{start.year}年下半年"
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
        return f"{start.year}年"
    return f"{chinese_date(start)}至{chinese_date(end)}"


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def scope_word(region):
    return {"region": "全区", "prefecture": "全市（地区）", "county": "全县（区）"}.get(region.level, "全区")


def _optional(path, *args, default=None):
    """Call a selector of an optional app; the default when the app is not installed."""
    label = path.split(".")[1]
    if label not in {config.label for config in apps.get_app_configs()}:
        return default
    try:
        function = import_string(path)
    except ImportError:
        return default
    return function(*args)


@dataclass
class Draft:
    start: datetime.date
    end: datetime.date
    region: object
    stats: dict
    figures: dict
    sections: list = field(default_factory=list)  # (heading, [paragraphs])
    table: list = field(default_factory=list)  # rows per division
    trend: list = field(default_factory=list)  # (month label, cases, events)
    summary_bo: list = field(default_factory=list)  # the Tibetan summary's paragraphs

    @property
    def title(self):
        return f"{self.region.name_zh}禁毒工作情况报告"

    @property
    def subtitle(self):
        return f"（{period_name(self.start, self.end)}）"

    def fingerprint(self):
        """SHA-256 over the parameters and every figure used: the same records give the same hash."""
        payload = {"from": self.start.isoformat(), "to": self.end.isoformat(), "region": self.region.code,
                   "stats": self.stats, "table": self.table}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _seizure_phrase(stats):
    parts = []
    for drug_code, units in sorted(stats["seizures"]["by_drug"].items()):
        for unit, quantity in sorted(units.items()):
            if unit in ("g", "kg"):
                continue
            Drug = apps.get_model("core", "Drug")
            drug = Drug.objects.filter(code=drug_code).first()
            parts.append(f"{drug.name_zh if drug else drug_code}{number(quantity)}{UNIT_ZH.get(unit, unit)}")
    return "，另缴获" + "、".join(parts) if parts else ""


def draft(date_from, date_to, region_code=None):
    """Compose the report from the records; nothing here is typed by hand."""
    start, end = parse_period(date_from, date_to)
    region = get_region(region_code)
    compared = compare(start, end, region.code, PATHS)
    stats, figs = compared["current"], compared["figures"]
    where = scope_word(region)
    result = Draft(start=start, end=end, region=region, stats=stats, figures=figs)

    operations = _optional("jindu.cases.selectors.operation_names", start, end, region, default=[]) or ["清源断流"]
    result.sections.append(("", [
        "{}以来，{}各级禁毒部门以开展“{}”行动为抓手，以防控重大涉毒风险为底线，从严从实从细抓好打防管控建宣"
        "各项措施的落实，保持了禁毒斗争形势持续向好的局面。".format(
            period_name(start, end), region.name_zh, "”“".join(operations[:3])),
    ]))

    # 一、打击
    strike = ["{}共查获涉毒案件{}起，抓获犯罪嫌疑人{}名{}，查获涉毒网逃人员{}人，缴获各类毒品{}克{}。".format(
        where, stats["cases"]["total"], stats["suspects_arrested"],
        "（其中外籍{}名）".format(stats["foreign_suspects_arrested"]) if stats["foreign_suspects_arrested"] else "",
        stats["fugitives_captured"], number(stats["seizures"]["total_grams"]), _seizure_phrase(stats))]
    comparison = "，".join(p for p in (change_phrase("案件数", figs["cases.total"]),
                                      change_phrase("抓获犯罪嫌疑人数", figs["suspects_arrested"])) if p)
    if comparison:
        strike.append(comparison + "。")
    for case in _optional("jindu.cases.selectors.notable_cases", start, end, region, default=[]) or []:
        strike.append(case if isinstance(case, str) else str(case))
    result.sections.append(("一、始终保持对毒品犯罪的严打高压态势", strike))

    # 二、管理
    manage = []
    drug_users_found = stats["interceptions"]["by_finding"].get("drug_user", 0)
    if stats["interceptions"]["total"]:
        manage.append("持续开展“毒驾”整治行动，各公安检查站共查获涉毒人员{}名，其中吸毒人员{}名。".format(
            stats["interceptions"]["total"], drug_users_found))
    certificates = _optional("jindu.persons.selectors.certificates_issued", start, end, region, default=None)
    if certificates:
        manage.append(f"协助交警部门开具机动车驾驶证涉毒查询证明{certificates}份。")
    persons = stats["persons"]
    if persons["in_community"]:
        manage.append("对{}社区戒毒社区康复人员{}名开展吸毒检测，检测{}名，吸毒检测率达到{}%。".format(
            where, persons["in_community"], persons["tested"], number(round(persons["test_rate"] * 100, 2))))
    manage.append("{}累计登记吸毒人员{}名，深入开展社会面吸毒人员风险评估，最大限度防止脱管失控、肇事肇祸。".format(
        where, persons["registered"]))
    manage.append("扎实开展禁种铲毒工作，查获禁种铲毒案件{}起，铲除毒品原植物{}株。".format(
        stats["eradication"]["records"], stats["eradication"]["plants"]))
    result.sections.append(("二、强化吸毒人员管理服务，持续开展“毒驾”整治", manage))

    # 三、管控
    precursors = stats["precursors"]
    control = ["{}纳入监管的涉易制毒化学品单位{}家，期间登记购销、使用、盘点等流向记录{}笔，"
               "对账发现异常{}起{}。".format(
        where, precursors["units"], precursors["transactions"], precursors["flagged_discrepancies"],
        "，均已核查处置" if precursors["flagged_discrepancies"] else "，实现制毒物品“零流失”")]
    result.sections.append(("三、强化制毒物品监管，严防流弊案（事）件发生", control))

    # 四、宣传
    outreach = stats["outreach"]
    publicise = ["{}开展禁毒宣传教育活动{}场，覆盖群众{}人次。".format(
        where, outreach["events"], outreach["people_reached"])]
    if outreach["quiz_attempts"]:
        publicise.append("开展禁毒有奖答题活动，{}人次参与答题。".format(outreach["quiz_attempts"]))
    if outreach["videos_submitted"]:
        publicise.append("组织青少年防范成瘾性物质滥用短视频征集活动，共收到作品{}件，{}件作品入选。".format(
            outreach["videos_submitted"], outreach["videos_selected"]))
    result.sections.append(("四、创新开展禁毒宣传教育", publicise))

    # 五、协调
    coordination = _optional("jindu.supervision.selectors.bulletin_sentences", start, end, region, default=None)
    if coordination:
        result.sections.append(("五、加强统筹协调和督导检查", list(coordination)))

    result.summary_bo = tibetan_summary(result)

    for child, child_stats in by_child_region(start, end, region.code):
        result.table.append([
            child.name_zh, child_stats["cases"]["total"], child_stats["suspects_arrested"],
            number(child_stats["seizures"]["total_grams"]), child_stats["outreach"]["events"],
            child_stats["outreach"]["people_reached"],
        ])
    for first, month_stats in by_month(start, end, region.code):
        result.trend.append((first.strftime("%Y-%m"), month_stats["cases"]["total"],
                             month_stats["outreach"]["events"]))
    return result


# --- Tibetan summary (བོད་ཡིག་གི་གནད་བསྡུས།) -------------------------------------------------------------
#
# Written in Tibetan, not translated from the Chinese sentences: the same figures from the same engine, in
# the terms of the platform's Tibetan interface (མྱོས་རྫས drugs, གྱོད་དོན cases, ...). Figures are written in
# Arabic digits, as Tibetan official documents do, so that they can be checked against the Chinese report.

SUMMARY_BO_TITLE = "མྱོས་རྫས་བཀག་སྡོམ་ལས་དོན་གྱི་སྙན་ཞུའི་གནད་བསྡུས།"
SUMMARY_BO_FOOTER = "གནད་བསྡུས་འདིའི་གྲངས་ཀ་ཡོངས་རྫོགས་ལས་དོན་ཟིན་ཐོ་ནས་རང་འགུལ་གྱིས་བསྡོམས་པ་ཡིན། ཞིབ་བཤེར་ཨང་རྟགས།"
UNIT_BO = {"g": "ཀ་རམ", "kg": "ཀི་ལོ་ཀ་རམ", "tablet": "ལྷེབ", "capsule": "ལྷེབ", "ml": "མི་ལི་ལི་ཊར",
           "plant": "སྡོང་པོ"}  # fmt: skip


def tibetan_date(day):
    return f"སྤྱི་ལོ་{day.year}ལོའི་ཟླ་{day.month}ཚེས་{day.day}"


def tibetan_change(name, entry):
    """“… ལོ་སྔ་མའི་དུས་མཚུངས་དང་བསྡུར་ན་20%འཕར།” (year on year), or "" with nothing to compare with."""
    delta = entry["yoy_change"]
    if delta is None:
        return ""
    if delta == 0:
        return f"{name}ལོ་སྔ་མའི་དུས་མཚུངས་དང་འདྲ་མཉམ་ཡིན།"
    return "{}ལོ་སྔ་མའི་དུས་མཚུངས་དང་བསྡུར་ན་{}%{}།".format(name, number(abs(delta)), "འཕར" if delta > 0 else "ཆག")


def _tibetan_other_seizures(stats):
    parts = []
    Drug = apps.get_model("core", "Drug")
    for drug_code, units in sorted(stats["seizures"]["by_drug"].items()):
        for unit, quantity in sorted(units.items()):
            if unit in ("g", "kg"):
                continue
            drug = Drug.objects.filter(code=drug_code).first()
            name = (drug.name_bo or drug.name_zh) if drug else drug_code
            parts.append(f"{name}{UNIT_BO.get(unit, unit)}་{number(quantity)}")
    return " དེ་མིན་{}བཅས་བཟུང་།".format("དང་། ".join(parts)) if parts else ""


def tibetan_summary(result):
    """The Tibetan summary of the report: one paragraph per part of the Chinese report, same figures."""
    stats, figs = result.stats, result.figures
    where = result.region.name_bo or result.region.name_zh
    paragraphs = [f"ས་ཁུལ། {where}  དུས་ཚིགས། {tibetan_date(result.start)}ནས་{tibetan_date(result.end)}བར།"]
    strike = "མྱོས་རྫས་གྱོད་དོན་{}ཞིབ་བཤེར་བྱས་ཤིང་། ནག་ཉེས་དོགས་གཞི་ཅན་{}བཟུང་།".format(
        stats["cases"]["total"], stats["suspects_arrested"])
    if stats["foreign_suspects_arrested"]:
        strike += " དེའི་ནང་ཕྱི་རྒྱལ་བ་{}ཡོད།".format(stats["foreign_suspects_arrested"])
    strike += " བྲོས་བྱེས་མི་སྣ་{}བཟུང་། མྱོས་རྫས་ཁྱོན་བསྡོམས་ཀ་རམ་{}བཟུང་།{}".format(
        stats["fugitives_captured"], number(stats["seizures"]["total_grams"]), _tibetan_other_seizures(stats))
    comparison = tibetan_change("གྱོད་དོན་གྲངས་", figs["cases.total"])
    paragraphs.append(strike + (" " + comparison if comparison else ""))

    persons = stats["persons"]
    manage = "ཐོ་འགོད་བྱས་པའི་མྱོས་རྫས་ཟ་འཐེན་པ་{}ཡོད།".format(persons["registered"])
    if persons["in_community"]:
        manage += (" སྡོད་ཁུལ་དུ་མྱོས་རྫས་སྤོང་བ་དང་སླར་གསོ་བྱེད་མཁན་{}ཡོད་པའི་ནང་ནས་{}ལ་མྱོས་རྫས་བརྟག་དཔྱད་བྱས་ཏེ། "
                   "བརྟག་དཔྱད་བསྡུར་ཚད་{}%ལ་སླེབས།").format(
            persons["in_community"], persons["tested"], number(round(persons["test_rate"] * 100, 2)))
    if stats["interceptions"]["total"]:
        manage += " ཞིབ་བཤེར་ས་ཚིགས་སུ་མྱོས་རྫས་དང་འབྲེལ་བའི་མི་{}བཀག་འཛིན་བྱས།".format(stats["interceptions"]["total"])
    manage += " མྱོས་རྫས་རྩ་ཐོག་རྩ་མེད་གཏོང་བ་ཐེངས་{}བྱས་ཏེ། སྡོང་པོ་{}རྩ་མེད་བཏང་།".format(
        stats["eradication"]["records"], stats["eradication"]["plants"])
    paragraphs.append(manage)

    precursors = stats["precursors"]
    control = ("ལྟ་སྐྱོང་འོག་གི་མྱོས་རྫས་བཟོ་སླ་བའི་དངོས་པོའི་ལས་ཁུངས་{}ཡོད། ཉོ་འཚོང་དང་། བེད་སྤྱོད། མཛོད་བཤེར་སོགས་ཀྱི་"
               "ཐོ་འགོད་ཐེངས་{}བྱས།").format(precursors["units"], precursors["transactions"])
    if precursors["flagged_discrepancies"]:
        control += " ཨང་རྩིས་བསྡུར་ཞིབ་ཀྱི་ཁྲོད་མཛོད་རྫས་ཁྱད་པར་རྒྱུན་འགལ་{}རྙེད།".format(precursors["flagged_discrepancies"])
    else:
        control += " ཨང་རྩིས་བསྡུར་ཞིབ་ཀྱི་ཁྲོད་མཛོད་རྫས་ཁྱད་པར་རྒྱུན་འགལ་མ་རྙེད།"
    paragraphs.append(control)

    outreach = stats["outreach"]
    publicise = "མྱོས་རྫས་བཀག་སྡོམ་གྱི་ཁྱབ་བསྒྲགས་བྱ་འགུལ་{}སྤེལ་ཏེ་མི་ཐེངས་{}ལ་ཁྱབ།".format(
        outreach["events"], outreach["people_reached"])
    if outreach["quiz_attempts"]:
        publicise += " ཤེས་བྱའི་དྲི་ལན་ལ་མི་ཐེངས་{}ཞུགས།".format(outreach["quiz_attempts"])
    if outreach["videos_submitted"]:
        publicise += " བརྙན་ཐུང་{}ཕུལ་བའི་ནང་ནས་{}གདམ་གསེས་ཐོབ།".format(
            outreach["videos_submitted"], outreach["videos_selected"])
    paragraphs.append(publicise)
    return paragraphs


FOOTER = "本报告由禁毒工作平台根据业务记录自动生成，数据校验码："
TABLE_HEADER = ["地区", "涉毒案件（起）", "抓获嫌疑人（名）", "缴获毒品（克）", "宣传活动（场）", "覆盖人次"]


# --- Chart ----------------------------------------------------------------------------------------


def chart_png(result):
    """Monthly cases and events as a PNG, drawn with a CJK font (matplotlib, Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    cjk = [f for f in font_manager.fontManager.ttflist if "CJK SC" in f.name or "CJK" in f.name]
    if cjk:
        matplotlib.rcParams["font.family"] = [cjk[0].name, "sans-serif"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    labels = [m for m, _c, _e in result.trend]
    figure_, axis = pyplot.subplots(figsize=(6.4, 2.6), dpi=150)
    axis.plot(labels, [c for _m, c, _e in result.trend], marker="o", color="#b42318", label="涉毒案件")
    axis.plot(labels, [e for _m, _c, e in result.trend], marker="s", color="#206bc4", label="宣传活动")
    axis.set_title("分月趋势")
    axis.legend(loc="upper left", fontsize=8)
    axis.grid(alpha=0.3)
    figure_.tight_layout()
    buffer = io.BytesIO()
    figure_.savefig(buffer, format="png")
    pyplot.close(figure_)
    return buffer.getvalue()


# --- DOCX -----------------------------------------------------------------------------------------


def render_docx(result):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    document = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[style_name]
        style.font.name = CJK_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    document.styles["Normal"].font.size = Pt(12)
    title = document.add_heading(result.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(result.subtitle)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for heading, paragraphs in result.sections:
        if heading:
            document.add_heading(heading, level=1)
        for text in paragraphs:
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(24)
    document.add_heading("附表：分地区主要数据", level=1)
    table = document.add_table(rows=1, cols=len(TABLE_HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, TABLE_HEADER, strict=True):
        cell.text = text
    for row in result.table:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    if result.trend:
        document.add_paragraph()
        document.add_picture(io.BytesIO(chart_png(result)), width=Inches(6))
    footer = document.add_paragraph(FOOTER + result.fingerprint()[:16])
    footer.runs[0].font.size = Pt(9)
    if result.summary_bo:
        _docx_tibetan_summary(document, result)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_tibetan_summary(document, result):
    """The Tibetan summary on a page of its own, in the Tibetan font (Word's complex-script slot)."""
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def tibetan(paragraph, text, size=12, bold=False):
        run = paragraph.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), TIBETAN_FONT)
        return run

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    tibetan(document.add_paragraph(), SUMMARY_BO_TITLE, size=16, bold=True)
    for text in result.summary_bo:
        tibetan(document.add_paragraph(), text)
    tibetan(document.add_paragraph(), SUMMARY_BO_FOOTER + " " + result.fingerprint()[:16], size=9)


# --- PDF ------------------------------------------------------------------------------------------


def check_fonts():
    """WeasyPrint finds fonts through fontconfig: refuse clearly rather than print empty boxes."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise FontsMissing("fontconfig is missing: apt-get install fontconfig fonts-noto-cjk fonts-noto-core")
    installed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, check=False).stdout
    missing = [name for name in (CJK_FONT, TIBETAN_FONT) if name not in installed]
    if missing:
        raise FontsMissing("fonts missing for the PDF: {} (Debian: apt-get install fonts-noto-cjk fonts-noto-core)"
                           .format(", ".join(missing)))


def render_pdf(result):
    check_fonts()
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string("reports/bulletin_pdf.html", {
            "draft": result, "header": TABLE_HEADER,
            "chart": base64.b64encode(chart_png(result)).decode() if result.trend else "",
            "fingerprint": result.fingerprint()[:16],
            "summary_bo_title": SUMMARY_BO_TITLE, "summary_bo_footer": SUMMARY_BO_FOOTER,
        })
    return HTML(string=html).write_pdf()


def render(result, fmt):
    if fmt == "docx":
        return render_docx(result)
    if fmt == "pdf":
        return render_pdf(result)
    raise ValueError("format must be docx or pdf")
