"""File checks and streaming readers: encodings, headers, row numbers, and the malicious-file corpus."""

import datetime
import zipfile

import openpyxl
import pytest

from jindu.common.importing.readers import FileRefused, detect_encoding, open_table

from .helpers import HEADER, write_csv, write_xlsx, write_zip, xlsx_parts


def read(path, name=None):
    with open_table(path, name or path.name) as table:
        return table.header, list(table.rows())


def refused(path, name=None):
    with pytest.raises(FileRefused) as info:
        read(path, name)
    return info.value.message


# --- encodings ---------------------------------------------------------------------------------


def test_utf8_with_and_without_bom(tmp_path):
    rows = [["name", "address"], ["城关区禁毒办", "北京中路"]]
    for bom in (False, True):
        path = write_csv(tmp_path / "f.csv", rows, bom=bom)
        header, data = read(path)
        assert header == ["name", "address"]  # the BOM does not stick to the first header
        assert data == [(2, ["城关区禁毒办", "北京中路"])]


def test_gb18030_is_detected(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["名称", "地址"], ["城关区禁毒办", "北京中路"]], encoding="gb18030")
    assert detect_encoding(path) == "gb18030"
    assert read(path)[1] == [(2, ["城关区禁毒办", "北京中路"])]


def test_utf8_is_checked_across_the_whole_file(tmp_path):
    """A GB18030 file whose first megabytes are ASCII is still recognised."""
    rows = [["name", "address"]] + [[f"unit {i}", "x" * 100] for i in range(30000)] + [["城关", "拉萨"]]
    path = write_csv(tmp_path / "f.csv", rows, encoding="gb18030")
    assert path.stat().st_size > 2 * 1024 * 1024
    assert detect_encoding(path) == "gb18030"
    assert read(path)[1][-1] == (30002, ["城关", "拉萨"])


# --- rows --------------------------------------------------------------------------------------


def test_row_numbers_are_spreadsheet_rows_and_quoted_newlines_do_not_shift_them(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'name,address\r\na,"two\r\nlines"\r\n,\r\nb,x\r\n')
    assert read(path)[1] == [(2, ["a", "two\r\nlines"]), (3, ["", ""]), (4, ["b", "x"])]


def test_xlsx_rows_and_date_cells(tmp_path):
    path = tmp_path / "f.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "date"])
    sheet.append(["a", datetime.date(2024, 4, 8)])
    sheet["A5"] = "b"
    workbook.save(path)
    header, rows = read(path)
    assert header == ["name", "date"]
    assert rows[0] == (2, ["a", datetime.datetime(2024, 4, 8)])
    assert rows[-1] == (5, ["b", None])


def test_row_limit(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    path = write_csv(tmp_path / "f.csv", [["name"]] + [["x"]] * 4)
    assert "3" in refused(path)


def test_too_many_columns(tmp_path):
    path = write_csv(tmp_path / "f.csv", [[f"c{i}" for i in range(300)]])
    assert "256" in refused(path)


def test_empty_header_row(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["", ""], ["a", "b"]])
    assert refused(path)


def test_declared_sheet_dimension_is_not_trusted(tmp_path):
    """A sheet claiming A1:XFD1048576 must not make the reader pad a million empty rows."""
    parts = xlsx_parts([HEADER, ["a"]])
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    import re

    parts["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', sheet)
    path = write_zip(tmp_path / "f.xlsx", parts)
    header, rows = read(path)
    assert len(rows) == 1


# --- the malicious-file corpus -----------------------------------------------------------------


def test_exe_renamed_to_xlsx(tmp_path):
    path = tmp_path / "invoice.xlsx"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    assert "xlsx" in refused(path)


def test_old_xls_renamed_to_xlsx(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    assert refused(path)


def test_binary_renamed_to_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    assert "CSV" in refused(path)


@pytest.mark.parametrize("name", ["data.xlsm", "data.xls", "data.exe", "data.txt", "data"])
def test_other_extensions_are_refused(tmp_path, name):
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER])
    assert refused(path, name)


def test_empty_file(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"")
    assert refused(path)


def test_file_size_limit(tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    path = write_csv(tmp_path / "f.csv", [["name"]] + [["x" * 50]] * 3)
    assert refused(path)


def test_vba_project_is_refused(tmp_path):
    parts = xlsx_parts()
    parts["xl/vbaProject.bin"] = b"\x00" * 100
    assert "macro" in refused(write_zip(tmp_path / "f.xlsx", parts))


def test_macro_enabled_content_type_is_refused(tmp_path):
    parts = xlsx_parts()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert "macro" in refused(write_zip(tmp_path / "f.xlsx", parts))


def test_external_links_are_refused(tmp_path):
    parts = xlsx_parts()
    parts["xl/externalLinks/externalLink1.xml"] = b"<externalLink/>"
    assert "link" in refused(write_zip(tmp_path / "f.xlsx", parts))


def test_zip_with_too_many_entries_is_refused(tmp_path, settings):
    parts = xlsx_parts()
    for i in range(settings.IMPORT_MAX_ZIP_ENTRIES + 1):
        parts[f"xl/media/pad{i}.bin"] = b""
    assert refused(write_zip(tmp_path / "f.xlsx", parts))


def test_zip_bomb_is_refused_before_parsing(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    parts = xlsx_parts()
    parts["xl/sharedStrings.xml"] = b"\x00" * (10 * 1024 * 1024)  # deflates to a few kB
    path = write_zip(tmp_path / "f.xlsx", parts)
    assert path.stat().st_size < 100 * 1024
    assert refused(path)


def test_damaged_zip(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    assert refused(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    assert refused(write_zip(tmp_path / "f.xlsx", {"hello.txt": b"hi"}))


def test_billion_laughs_in_shared_strings(tmp_path):
    parts = xlsx_parts()
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>'
    )
    ct = parts["[Content_Types].xml"]
    if b"sharedStrings" not in ct:
        parts["[Content_Types].xml"] = ct.replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    rels = parts["xl/_rels/workbook.xml.rels"]
    if b"sharedStrings" not in rels:
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(b"</Relationships>", (
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    assert refused(write_zip(tmp_path / "f.xlsx", parts))


def test_xxe_in_worksheet(tmp_path):
    parts = xlsx_parts()
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
    )
    assert refused(write_zip(tmp_path / "f.xlsx", parts))


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_zipfile_never_inflates_beyond_the_declared_size(tmp_path):
    """What the zip-bomb guard relies on: the sum of declared sizes bounds what reading can produce."""
    path = write_zip(tmp_path / "f.zip", {"a.bin": b"\x00" * 100000})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("a.bin")
    # lie in the central directory: declare 10 bytes
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    lying = tmp_path / "lying.zip"
    lying.write_bytes(bytes(data))
    with zipfile.ZipFile(lying) as archive:
        with pytest.raises(zipfile.BadZipFile):
            archive.read("a.bin")
    assert info.file_size == 100000
