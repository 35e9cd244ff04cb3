"""Exports (CSV with BOM, .xlsx), formula injection, round trips and the download template."""

import csv
import io

import openpyxl
import pytest

from jindu.common.importing import SYSTEM, export_dataset, get, write_template
from jindu.common.importing.exporting import escape_formula, write_table
from jindu.common.testing import region
from jindu.core.models import AuditLog, Organisation

from .helpers import HEADER, import_file

pytestmark = pytest.mark.django_db

PAYLOADS = ["=HYPERLINK(\"http://evil\",\"x\")", "@SUM(1)", "+1", "-2+3", "\tcmd", "\rcmd", "=1+2"]


def organisations():
    parent = Organisation.objects.create(name="拉萨市禁毒办", kind="ncc_office", region=region("540100"),
                                         phone="+86 891 600", address='Quote " and, comma')
    Organisation.objects.create(name="城关区禁毒办", kind="ncc_office", region=region("540102"), parent=parent,
                                address="line one\nline two")
    Organisation.objects.create(name="噶尔县禁毒办", kind="ncc_office", region=region("542523"))


def export(actor, fmt, params=None):
    buffer = io.BytesIO()
    count = export_dataset(get("organisations"), actor, buffer, fmt, params)
    return count, buffer.getvalue()


def test_csv_export_is_utf8_with_bom_and_rfc4180(officer):
    organisations()
    count, data = export(officer, "csv")
    assert count == 3
    assert data.startswith(b"\xef\xbb\xbfname,kind,region_code,parent,address,phone\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    assert ["城关区禁毒办", "ncc_office", "540102", "拉萨市禁毒办", "line one\nline two", ""] in rows
    assert '"Quote "" and, comma"' in data.decode("utf-8-sig")
    assert ["拉萨市禁毒办", "ncc_office", "540100", "", 'Quote " and, comma', "'+86 891 600"] in rows


def test_export_is_audited(officer):
    organisations()
    export(officer, "xlsx", {"region": "540100"})
    entry = AuditLog.objects.get(action="organisations.exported")
    assert entry.actor_id == officer.pk
    assert entry.extra["rows"] == 2 and entry.extra["format"] == "xlsx"
    assert entry.extra["filters"] == {"region": "540100"}


def test_export_respects_scope_and_filters(county_officer, officer):
    organisations()
    _, data = export(county_officer, "csv")
    names = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert "噶尔县禁毒办" not in names and "城关区禁毒办" in names
    _, data = export(officer, "csv", {"region": "542500"})
    names = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert names == ["噶尔县禁毒办"]


def test_parents_come_before_their_children():
    """拉萨 (540100) sorts before 城关 (540102) anyway; a parent in a later region must move up."""
    gar = Organisation.objects.create(name="阿里地区禁毒办", kind="ncc_office", region=region("542500"))
    Organisation.objects.create(name="城关区某单位", kind="school", region=region("540102"), parent=gar)
    _, data = export(SYSTEM, "csv")
    names = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert names.index("阿里地区禁毒办") < names.index("城关区某单位")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_reimport_changes_nothing(tmp_path, officer, fmt):
    organisations()
    Organisation.objects.create(name=PAYLOADS[0], kind="other", region=region("540102"), address="@SUM(1)",
                                phone="-2+3")
    _, data = export(officer, fmt)
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(data)
    result = import_file(path, officer)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_into_an_empty_database_recreates_the_records(tmp_path, fmt):
    gar = Organisation.objects.create(name="阿里地区禁毒办", kind="ncc_office", region=region("542500"))
    Organisation.objects.create(name="城关区某单位", kind="school", region=region("540102"), parent=gar)
    _, data = export(SYSTEM, fmt)
    Organisation.objects.filter(parent__isnull=False).delete()
    Organisation.objects.all().delete()
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(data)
    assert import_file(path, SYSTEM).created == 2
    assert Organisation.objects.get(name="城关区某单位").parent.name == "阿里地区禁毒办"


def test_formula_injection_is_neutralised_in_xlsx(officer):
    for i, payload in enumerate(PAYLOADS):
        Organisation.objects.create(name=f"unit {i}", kind="other", region=region("540102"), address=payload,
                                    phone=payload[:32])
    _, data = export(officer, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))  # not read-only: data_type as Excel would see it
    cells = [cell for row in workbook.active.iter_rows(min_row=2) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    addresses = [row[4].value for row in workbook.active.iter_rows(min_row=2)]
    assert len(addresses) == len(PAYLOADS)
    for value in addresses:
        assert value.startswith("'") and value[1] in "=+-@\t\r\n"  # XML reads a lone \r back as \n


def test_formula_injection_is_neutralised_in_csv(officer):
    for i, payload in enumerate(PAYLOADS):
        Organisation.objects.create(name=f"unit {i}", kind="other", region=region("540102"), address=payload)
    _, data = export(officer, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\0"))
    assert {row[4] for row in rows} == {escape_formula(p) for p in PAYLOADS}


def test_nul_and_control_characters_cannot_smuggle_a_formula():
    """NUL cannot be stored in PostgreSQL text, so this goes through the writer directly."""
    buffer = io.BytesIO()
    write_table(buffer, "xlsx", ["a"], [["\0=cmd|' /C calc'!A0"], ["\x01=1+2"]])
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    values = [cell.value for cell in sheet["A"]][1:]
    assert all(cell.data_type != "f" for cell in sheet["A"])
    assert values[0].startswith("'=")
    assert not values[1].startswith("=")
    buffer = io.BytesIO()
    write_table(buffer, "csv", ["a"], [["\0=cmd"]])
    assert buffer.getvalue().decode("utf-8-sig").splitlines()[1].startswith("'")


def test_write_table_types():
    import datetime
    import decimal

    buffer = io.BytesIO()
    write_table(buffer, "csv", ["a", "b", "c", "d", "e"],
                [[True, None, datetime.date(2024, 4, 8), decimal.Decimal("1.50"), -3]])
    assert buffer.getvalue().decode("utf-8-sig").splitlines()[1] == "true,,2024-04-08,1.50,-3"


def test_template_has_chinese_headers_an_example_and_an_explanation_sheet(tmp_path, officer):
    buffer = io.BytesIO()
    write_template(get("organisations"), buffer)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["名称", "类别", "行政区划代码", "上级单位", "地址", "电话"]
    assert sheet["A2"].value and sheet["C2"].value == "540102"
    notes = workbook["说明"]
    keys = [row[0] for row in notes.iter_rows(min_row=2, values_only=True) if row and row[0]]
    assert keys[:6] == HEADER
    kind_row = next(row for row in notes.iter_rows(values_only=True) if row[0] == "kind")
    assert "ncc_office" in kind_row[3] and "school" in kind_row[3]
    path = tmp_path / "template.xlsx"
    path.write_bytes(buffer.getvalue())
    result = import_file(path, officer)  # the filled-in template, example row included, imports
    assert result.ok and result.created == 1
