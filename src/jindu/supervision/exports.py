"""Excel export of an assessment: the ranked table and the per-subject breakdown.

Cells go through the import engine's ``xlsx_cell`` (text cells typed as strings, formula triggers
escaped), so that a reason such as "=HYPERLINK(...)" can never run in the recipient's spreadsheet.
"""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.importing.exporting import xlsx_cell

from . import scoring

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def assessment_workbook(scheme, rows):
    """The .xlsx bytes for ``rows`` (scoring.table) of ``scheme``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ranking = workbook.create_sheet(title=_("Ranking")[:31])

    def append(sheet, values):
        sheet.append([xlsx_cell(sheet, _number(value)) for value in values])

    append(ranking, [scheme.title])
    status = _("published {date}").format(date=timezone.localtime(scheme.published_at).strftime("%Y-%m-%d %H:%M")) \
        if scheme.is_published else _("draft, computed {date}").format(date=timezone.localdate().isoformat())
    append(ranking, [f"{scheme.period_start.isoformat()} — {scheme.period_end.isoformat()} · {status}"])
    items = rows[0].items if rows else []
    append(ranking, [_("Rank"), _("Assessed"), _("Total")]
           + [f"{item.position}. {item.title} ({item.max_points})" for item in items])
    for row in rows:
        append(ranking, [row.rank, row.name, row.total] + [item.score for item in row.items])

    breakdown = workbook.create_sheet(title=_("Breakdown")[:31])
    append(breakdown, [_("Assessed"), _("Item"), _("Maximum"), _("Deduction"), _("Score"), _("Basis")])
    for row in rows:
        for item in row.items:
            append(breakdown, [row.name, f"{item.position}. {item.title}", item.max_points,
                               item.deduction, item.score, item.detail])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_assessment(scheme, actor):
    """The workbook of the scheme's current table, and an audit row of the export."""
    rows = scoring.table(scheme)
    content = assessment_workbook(scheme, rows)
    audit.log("supervision.assessmentscheme.exported", obj=scheme, user=actor,
              extra={"rows": len(rows), "format": "xlsx", "published": scheme.is_published})
    return content
