"""Building import files for tests: CSV in any encoding, real .xlsx workbooks, hostile archives."""

import csv
import io
import zipfile

import openpyxl

from jindu.common.importing import get, run_import

HEADER = ["name", "kind", "region_code", "parent", "address", "phone"]


def csv_bytes(rows, encoding="utf-8", bom=False):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def write_csv(path, rows, encoding="utf-8", bom=False):
    path.write_bytes(csv_bytes(rows, encoding, bom))
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def xlsx_parts(rows=(HEADER,)):
    """The parts of a real workbook, as {name: bytes}, to be tampered with."""
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def import_file(path, actor, dry_run=False, dataset="organisations"):
    return run_import(get(dataset), path, filename=path.name, actor=actor, dry_run=dry_run)


def errors_of(result):
    return [(error.row, error.column) for error in result.errors]
