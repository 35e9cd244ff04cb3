"""Exports and download templates.

An export holds the dataset's columns with the English keys as header, so that the file
imports again unchanged. CSV is UTF-8 with a BOM (Excel then reads Chinese correctly) with
RFC 4180 quoting; .xlsx is written by openpyxl in write-only mode, row by row.

Formula injection (CWE-1236): every text cell that starts with ``= + - @``, a tab, a carriage
return, NUL or any other control character is prefixed with an apostrophe, so that no
spreadsheet program evaluates it; the importer removes that apostrophe again.
"""

import csv
import datetime
import decimal
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.common import audit

from .datasets import SYSTEM
from .engine import model_label, starts_formula

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def escape_formula(value):
    if isinstance(value, str) and starts_formula(value):
        return "'" + value
    return value


def format_for(path):
    """"csv" or "xlsx" from a file name, or None."""
    suffix = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
    return suffix if suffix in FORMATS else None


def _plain(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    return value


def csv_cell(value):
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    return escape_formula(str(value))


def xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = _plain(value)
    if isinstance(value, bool | int | float | decimal.Decimal) or value is None:
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd" if not isinstance(value, datetime.datetime) else "yyyy-mm-dd hh:mm:ss"
        return cell
    text = escape_formula(ILLEGAL_CHARACTERS_RE.sub("", str(value)))  # escape what is left after cleaning
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # a string, whatever it looks like: openpyxl would take "=..." for a formula
    return cell


def write_table(fileobj, fmt, header, rows, title="data"):
    """Write ``header`` and ``rows`` (iterables of values) to a binary file object. Returns the row count."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([csv_cell(value) for value in header])
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
            count += 1
        text.flush()
        text.detach()  # leave the caller's file open
        return count
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([xlsx_cell(sheet, value) for value in header])
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
            count += 1
        workbook.save(fileobj)
        return count
    raise ValueError(f"unknown export format {fmt!r}")


def export_dataset(dataset, actor, fileobj, fmt, params=None):
    """Write the records of ``dataset`` that ``actor`` may view (filtered by the list page's
    ``params``) to ``fileobj`` and audit the export. Returns the number of rows."""
    from jindu.common.fieldrules import readable
    from jindu.common.forms import live

    queryset = live(dataset.export_queryset(actor, params))  # never voided or sealed records
    # The user's field allowlist: columns of fields their roles may not read are left out.
    keep = [index for index, column in enumerate(dataset.columns)
            if actor is SYSTEM or readable(actor, dataset.model, column.field_name or column.key)]
    header = [dataset.columns[index].key for index in keep]
    rows = ([row[index] for index in keep] for row in map(dataset.export_row, dataset.export_objects(queryset)))
    count = write_table(fileobj, fmt, header, rows, title=dataset.name)
    filters = {key: value for key, value in (params or {}).items() if key not in ("format", "page")}
    audit.log(f"{dataset.name}.exported", object_type=model_label(dataset),
              user=None if actor is SYSTEM else actor,
              extra={"dataset": dataset.name, "rows": count, "format": fmt, "filters": filters})
    return count


def write_template(dataset, fileobj):
    """The download template: Chinese headers and an example row, and a sheet "说明" explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = dataset.name[:31]
    bold = Font(bold=True)
    for index, column in enumerate(dataset.columns, start=1):
        header = sheet.cell(row=1, column=index, value=column.label_zh)
        header.font = bold if column.required or column.key in dataset.natural_key else Font()
        example = sheet.cell(row=2, column=index, value=escape_formula(column.example))
        if isinstance(example.value, str):
            example.data_type = "s"
        sheet.column_dimensions[header.column_letter].width = max(12, len(str(column.example)) + 4)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("说明")
    notes.append([_("Column"), _("Chinese header"), _("Required"), _("Format and allowed values")])
    for cell in notes[1]:
        cell.font = bold
    for column in dataset.columns:
        if column.key in dataset.natural_key:
            required = _("yes (identifies the record)")
        else:
            required = _("yes") if column.required else _("no")
        notes.append([column.key, column.label_zh, required, column.describe()])
    notes.append([])
    notes.append([_("Row 1 holds the column headers: the Chinese headers or the English column names. "
                    "Fill one record per row from row 2 on, and replace the example row.")])
    notes.append([_("Dates: YYYY-MM-DD. Yes/no: true/false, 1/0, 是/否. Importing the same file again "
                    "changes nothing; a file with any bad row is not imported at all.")])
    for letter, width in zip("ABCD", (16, 16, 22, 80), strict=True):
        notes.column_dimensions[letter].width = width
    workbook.save(fileobj)
