"""The Data exchange pages: upload, dry-run preview, confirm, refusals (never a 500), export, template."""

import csv
import io
import os
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jindu.common.importing import uploads
from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog, Organisation

from .helpers import HEADER, csv_bytes, write_zip, xlsx_parts

pytestmark = pytest.mark.django_db

GOOD = [
    HEADER,
    ["城关区禁毒办", "ncc_office", "540102", "", "北京中路", ""],
    ["城关区一中", "school", "540102", "城关区禁毒办", "", ""],
]
UPLOAD = reverse("importing:upload", args=["organisations"])
CONFIRM = reverse("importing:confirm", args=["organisations"])
EXPORT = reverse("importing:export", args=["organisations"])


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return tmp_path / "uploads" / "imports"


@pytest.fixture
def english_client(client):
    client.cookies["jindu_language"] = "en"
    return client


def upload(client, data, name="orgs.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def stored_files(upload_dir):
    return sorted(os.listdir(upload_dir)) if upload_dir.exists() else []


def test_index_lists_datasets_and_the_menu_links_it(english_client, officer):
    english_client.force_login(officer)
    response = english_client.get(reverse("importing:index"))
    assert response.status_code == 200
    assert UPLOAD in response.content.decode()
    assert reverse("importing:template", args=["organisations"]) in response.content.decode()
    home = english_client.get(reverse("home")).content.decode()
    assert reverse("importing:index") in home


def test_index_and_upload_need_the_permission(client, auditor, sysadmin):
    for user in (auditor, sysadmin):
        client.force_login(user)
        assert client.get(reverse("importing:index")).status_code == 403
        assert client.get(UPLOAD).status_code == 403
        assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 403
        assert client.get(EXPORT + "?format=csv").status_code == 403


def test_anonymous_is_sent_to_login(client):
    for url in (reverse("importing:index"), UPLOAD, EXPORT, reverse("importing:template", args=["organisations"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_unknown_dataset_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("importing:upload", args=["nope"])).status_code == 404


def test_upload_page_offers_the_template(english_client, officer):
    english_client.force_login(officer)
    response = english_client.get(UPLOAD)
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("importing:template", args=["organisations"]) in content
    assert "data-busy" in content and "行政区划代码" in content


def test_dry_run_preview_then_confirm(english_client, officer, upload_dir):
    english_client.force_login(officer)
    response = upload(english_client, csv_bytes(GOOD))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Confirm import" in content
    assert Organisation.objects.count() == 0
    assert len(stored_files(upload_dir)) == 1
    token = response.context["token"]
    assert response.context["result"].created == 2

    response = english_client.post(CONFIRM, {"token": token})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.committed and result.created == 2
    assert Organisation.objects.count() == 2
    assert stored_files(upload_dir) == []
    assert AuditLog.objects.get(action="organisations.imported").extra["file"] == "orgs.csv"

    again = english_client.post(CONFIRM, {"token": token})  # the token is spent
    assert again.status_code == 302 and Organisation.objects.count() == 2


def test_preview_lists_every_error_and_offers_no_confirmation(english_client, officer, upload_dir):
    english_client.force_login(officer)
    rows = GOOD + [["x", "spaceship", "540102", "", "", ""], ["y", "school", "999999", "nowhere", "", ""]]
    response = upload(english_client, csv_bytes(rows))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Confirm import" not in content
    assert [(e.row, e.column, e.value) for e in response.context["errors"]] == [
        (4, "kind", "spaceship"), (5, "region_code", "999999")]
    assert "Unknown region code 999999." in content
    assert stored_files(upload_dir) == []
    assert Organisation.objects.count() == 0


def test_out_of_scope_row_is_shown_as_an_error(english_client, county_officer):
    english_client.force_login(county_officer)
    rows = [HEADER, ["噶尔县禁毒办", "ncc_office", "542523", "", "", ""]]
    response = upload(english_client, csv_bytes(rows))
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "region_code")]


def billion_laughs():
    parts = xlsx_parts()
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&d;</t></is></c></row></sheetData></worksheet>'
    )
    return parts


def malicious(tmp_path, kind):
    if kind == "exe":
        return b"MZ\x90\x00" + os.urandom(500), "report.xlsx"
    if kind == "xlsm":
        return write_zip(tmp_path / "m.zip", xlsx_parts()).read_bytes(), "report.xlsm"
    parts = xlsx_parts()
    if kind == "vba":
        parts["xl/vbaProject.bin"] = b"\x00" * 64
    elif kind == "entries":
        parts.update({f"xl/media/p{i}.bin": b"" for i in range(2100)})
    elif kind == "bomb":
        parts["xl/sharedStrings.xml"] = b"\x00" * (6 * 1024 * 1024)
    elif kind == "laughs":
        parts = billion_laughs()
    elif kind == "garbage":
        return b"PK\x03\x04" + os.urandom(2000), "report.xlsx"
    return write_zip(tmp_path / "f.zip", parts).read_bytes(), "report.xlsx"


@pytest.mark.parametrize("kind", ["exe", "xlsm", "vba", "entries", "bomb", "laughs", "garbage"])
def test_malicious_files_are_refused_with_a_message(english_client, officer, tmp_path, settings, upload_dir, kind):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    english_client.force_login(officer)
    data, name = malicious(tmp_path, kind)
    response = upload(english_client, data, name)
    assert response.status_code == 400
    assert response.context["refused"]
    assert "The file was refused" in response.content.decode()
    assert stored_files(upload_dir) == []
    assert AuditLog.objects.filter(action="organisations.import_refused").count() == 1


def test_too_large_upload_is_refused_before_it_is_stored(english_client, officer, settings, upload_dir):
    settings.IMPORT_MAX_FILE_BYTES = 50
    english_client.force_login(officer)
    response = upload(english_client, csv_bytes(GOOD))
    assert response.status_code == 400 and stored_files(upload_dir) == []


def test_upload_without_a_file(english_client, officer):
    english_client.force_login(officer)
    assert english_client.post(UPLOAD, {}).status_code == 400


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "0" * 32, "zz" * 16])
def test_confirm_with_an_unknown_token_does_nothing(client, officer, token):
    client.force_login(officer)
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 302 and response["Location"] == UPLOAD


def test_confirm_only_takes_a_token_of_this_session(client, officer, english_client):
    english_client.force_login(officer)
    token = upload(english_client, csv_bytes(GOOD)).context["token"]
    other = create_user("other_officer", ["regional_officer"], "540000")
    from django.test import Client

    stranger = Client()
    stranger.force_login(other)
    assert stranger.post(CONFIRM, {"token": token}).status_code == 302
    assert Organisation.objects.count() == 0


def test_a_new_upload_replaces_the_pending_one(english_client, officer, upload_dir):
    english_client.force_login(officer)
    upload(english_client, csv_bytes(GOOD))
    upload(english_client, csv_bytes(GOOD))
    assert len(stored_files(upload_dir)) == 1


def test_stale_uploads_are_purged(upload_dir):
    token, path = uploads.save(SimpleUploadedFile("x.csv", b"a"))
    old = time.time() - 2 * 24 * 3600
    os.utime(path, (old, old))
    uploads.purge_stale()
    assert not path.exists()


def test_template_download_has_chinese_headers(client, officer):
    client.force_login(officer)
    response = client.get(reverse("importing:template", args=["organisations"]))
    assert response.status_code == 200
    assert "organisations-template.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]][:3] == ["名称", "类别", "行政区划代码"]
    assert "说明" in workbook.sheetnames


def export_rows(response):
    data = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_export_view_streams_the_filtered_records_in_scope(client, county_officer, officer):
    Organisation.objects.create(name="城关区禁毒办", kind="ncc_office", region=region("540102"))
    Organisation.objects.create(name="城关区一中", kind="school", region=region("540102"))
    Organisation.objects.create(name="噶尔县禁毒办", kind="ncc_office", region=region("542523"))
    client.force_login(county_officer)
    response = client.get(EXPORT + "?kind=ncc_office&format=csv")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    assert export_rows(response) == [HEADER, ["城关区禁毒办", "ncc_office", "540102", "", "", ""]]
    client.force_login(officer)
    response = client.get(EXPORT + "?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 4
    assert AuditLog.objects.filter(action="organisations.exported").count() == 2


def test_export_view_refuses_unknown_formats(client, officer):
    client.force_login(officer)
    assert client.get(EXPORT + "?format=exe").status_code == 400


def test_leader_may_export_but_not_import(client):
    leader = create_user("leader", ["leader"], "540000")
    client.force_login(leader)
    assert client.get(EXPORT + "?format=csv").status_code == 200
    assert client.get(UPLOAD).status_code == 403


def test_list_page_buttons_lead_to_import_and_export(client, officer):
    client.force_login(officer)
    content = client.get(reverse("core:organisation_list")).content.decode()
    assert UPLOAD in content and EXPORT in content
