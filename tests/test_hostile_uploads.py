"""Hostile upload files get a clear 4xx, never a 5xx (security requirement 24): the corpus, counted."""

import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jindu.common.importing.tests.helpers import HEADER, csv_bytes, write_zip, xlsx_parts
from jindu.common.importing.tests.test_views import billion_laughs, malicious

pytestmark = pytest.mark.django_db

SHARED = ["exe", "xlsm", "vba", "entries", "bomb", "laughs", "garbage"]


def hostile(tmp_path, kind):
    """(bytes, file name) of one hostile file."""
    if kind in SHARED:
        return malicious(tmp_path, kind)
    if kind == "xxe":
        parts = xlsx_parts()
        parts["xl/worksheets/sheet1.xml"] = (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>')
        return write_zip(tmp_path / "x.zip", parts).read_bytes(), "report.xlsx"
    if kind == "external_link":
        parts = xlsx_parts()
        parts["xl/externalLinks/externalLink1.xml"] = b'<externalLink xmlns="x"/>'
        return write_zip(tmp_path / "e.zip", parts).read_bytes(), "report.xlsx"
    if kind == "laughs_in_shared_strings":
        parts = billion_laughs()
        parts["xl/sharedStrings.xml"] = parts.pop("xl/worksheets/sheet1.xml")
        return write_zip(tmp_path / "s.zip", parts).read_bytes(), "report.xlsx"
    if kind == "zip_slip":
        path = tmp_path / "slip.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in xlsx_parts().items():
                archive.writestr(name, data)
            archive.writestr("../../../../tmp/evil.txt", b"owned")
        return path.read_bytes(), "report.xlsx"
    if kind == "pdf_as_csv":
        return b"%PDF-1.7\n" + os.urandom(800), "orgs.csv"
    if kind == "png_as_xlsx":
        return b"\x89PNG\r\n\x1a\n" + os.urandom(800), "report.xlsx"
    if kind == "csv_nul":
        return csv_bytes([HEADER]) + b"a\x00b,other,540102,,,\r\n", "orgs.csv"
    if kind == "csv_binary":
        return os.urandom(4000), "orgs.csv"
    if kind == "csv_huge_cell":
        return csv_bytes([HEADER]) + b'"' + b"x" * (3 * 1024 * 1024) + b'",other,540102,,,\r\n', "orgs.csv"
    if kind == "empty":
        return b"", "orgs.csv"
    if kind == "html_as_csv":
        return b"<html><script>alert(1)</script></html>", "orgs.csv"
    if kind == "wrong_extension":
        return csv_bytes([HEADER]), "orgs.exe"
    raise ValueError(kind)


KINDS = SHARED + ["xxe", "external_link", "laughs_in_shared_strings", "zip_slip", "pdf_as_csv", "png_as_xlsx",
                  "csv_nul", "csv_binary", "csv_huge_cell", "empty", "html_as_csv", "wrong_extension"]
RESULTS = {}


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_file_gets_a_clear_4xx(client, officer, tmp_path, settings, kind):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    client.force_login(officer)
    data, name = hostile(tmp_path, kind)
    response = client.post(reverse("importing:upload", args=["organisations"]),
                           {"file": SimpleUploadedFile(name, data)})
    RESULTS[kind] = response.status_code
    assert 400 <= response.status_code < 500, (kind, response.status_code)
    assert not (tmp_path / "uploads" / "imports").exists() or not os.listdir(tmp_path / "uploads" / "imports")
    assert not os.path.exists("/tmp/evil.txt")


def test_corpus_figure(security_figures):
    tried = len(RESULTS)
    security_figures["hostile_upload_files_tried"] = tried
    security_figures["hostile_upload_files_answered_5xx"] = sum(1 for status in RESULTS.values() if status >= 500)
    assert tried in (0, len(KINDS))
