"""The visit report (督导检查报告) drafted as DOCX from the record, for the office to finish in Word/WPS.

python-docx sets only the Latin font with ``font.name``; Chinese text needs the eastAsia font on the
run properties too (RECIPES.md), or Word falls back to a font without CJK glyphs.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import TaskStatus

CJK_FONT = "Noto Sans CJK SC"


def _set_font(style, size=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = CJK_FONT
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    if size:
        style.font.size = Pt(size)


def _table(document, header, rows):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = "" if text is None else str(text)
    return table


def _paragraphs(document, text, empty):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or [empty]:
        document.add_paragraph(line)


def visit_report(visit, today=None):
    """The DOCX bytes of the report of ``visit``: details, checklist, findings, rectifications, follow-up."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    for name, size in (("Normal", 11), ("Title", 18), ("Heading 1", 14), ("Heading 2", 12)):
        _set_font(document.styles[name], size)
    _set_font(document.styles["Table Grid"])

    title = document.add_paragraph(style="Title")
    title.add_run(_("Supervision visit report: {title}").format(title=visit.title))
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    period = visit.start_on.isoformat()
    if visit.end_on != visit.start_on:
        period = f"{period} — {visit.end_on.isoformat()}"
    visited = "、".join(str(part) for part in (visit.region, visit.unit, visit.site) if part)
    _table(document, [_("Item"), _("Details")], [
        (_("Organising office"), visit.issuer),
        (_("Dates"), period),
        (_("Visited"), visited),
        (_("Team leader"), visit.leader or "—"),
        (_("Team members"), "；".join(visit.team_members) or "—"),
        (_("Purpose"), visit.purpose or "—"),
    ])

    document.add_heading(_("1. What was checked"), level=1)
    checks = list(visit.checks.all())
    if checks:
        _table(document, ["#", _("Checklist item"), _("Result"), _("Note")],
               [(check.position, check.item, check.get_result_display() or "—", check.note) for check in checks])
    else:
        document.add_paragraph(_("No checklist was recorded."))

    document.add_heading(_("2. Findings"), level=1)
    _paragraphs(document, visit.findings, _("No findings were recorded."))

    document.add_heading(_("3. Rectification required"), level=1)
    rectifications = list(
        visit.rectifications.filter(voided=False).select_related("assignee").order_by("deadline", "id"))
    if rectifications:
        _table(document, ["#", _("Rectification item"), _("Responsible unit"), _("Deadline"), _("Status")],
               [(number, task.title, task.assignee, task.deadline.isoformat(), task.get_status_display())
                for number, task in enumerate(rectifications, start=1)])
    else:
        document.add_paragraph(_("No rectification was required."))

    document.add_heading(_("4. Follow-up"), level=1)
    done = sum(1 for task in rectifications if task.status == TaskStatus.ACCEPTED)
    document.add_paragraph(_("{done} of {total} rectification items accepted.").format(
        done=done, total=len(rectifications)))
    if visit.closing_note:
        document.add_paragraph(visit.closing_note)
    if visit.closed_at:
        document.add_paragraph(_("The visit was closed on {date}.").format(
            date=timezone.localdate(visit.closed_at).isoformat()))

    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.add_run(f"{visit.issuer}\n{(today or timezone.localdate()).isoformat()}")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
