"""UNODC Individual Drug Seizures export: the columns, UNODC's units, scope and audit; the file is read back."""

import datetime
import decimal
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from jindu.cases.models import Case, Seizure
from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog, Drug
from jindu.reports import unodc

pytestmark = pytest.mark.django_db


def seizure(code, evidence_no, drug, quantity, unit, seized_on, channel="road", place="G318 沿线"):
    case = Case.objects.create(
        case_no=f"C-{evidence_no}",
        region=region(code),
        filed_on=seized_on,
        case_type="criminal",
        offence="trafficking",
        channel=channel,
    )
    return Seizure.objects.create(
        evidence_no=evidence_no,
        case=case,
        region=region(code),
        drug=Drug.objects.get(code=drug),
        quantity=decimal.Decimal(quantity),
        unit=unit,
        seized_on=seized_on,
        place=place,
    )


def read(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def seizures():
    seizure("540102", "E-1", "heroin", "12.35", "g", datetime.date(2024, 2, 20))
    seizure(
        "540102",
        "E-2",
        "triazolam",
        "10",
        "tablet",
        datetime.date(2024, 4, 8),
        channel="postal",
        place='=HYPERLINK("x")',
    )
    seizure("542523", "E-3", "heroin", "1.5", "kg", datetime.date(2024, 12, 31))
    seizure("540102", "E-4", "heroin", "3", "g", datetime.date(2023, 12, 31))  # another year


def test_file_has_the_unodc_columns_and_units(client, officer, seizures):
    client.force_login(officer)
    response = client.get(reverse("reports:unodc_export"), {"year": "2024"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    header, rows = read(b"".join(response.streaming_content))
    assert header[:8] == [
        "SEIZURE DATE",
        "COUNTRY",
        "CITY/TOWN",
        "SITE OF SEIZURE",
        "DRUG",
        "QUANTITY",
        "MEASUREMENT UNIT",
        "MODE OF TRANSPORTATION",
    ]
    assert [row["NATIONAL SEIZURE ID"] for row in rows] == ["E-1", "E-2", "E-3"]
    heroin, triazolam, kilos = rows
    assert heroin["SEIZURE DATE"].date() == datetime.date(2024, 2, 20) and heroin["COUNTRY"] == "CHN"
    assert heroin["QUANTITY"] == pytest.approx(0.01235) and heroin["MEASUREMENT UNIT"] == "kg"
    assert heroin["QUANTITY AS RECORDED"] == pytest.approx(12.35) and heroin["UNIT AS RECORDED"] == "g"
    assert heroin["CITY/TOWN"] == "{}, {}".format(region("540102").name_en, region("540100").name_en)
    assert heroin["DRUG"] == Drug.objects.get(code="heroin").name_en and heroin["MODE OF TRANSPORTATION"] == "Road"
    assert triazolam["QUANTITY"] == 10 and triazolam["MEASUREMENT UNIT"] == "tablets"
    assert triazolam["MODE OF TRANSPORTATION"] == "Mail"
    assert triazolam["SITE OF SEIZURE"] == '\'=HYPERLINK("x")'  # never a formula
    assert kilos["QUANTITY"] == 1.5 and kilos["MEASUREMENT UNIT"] == "kg"
    entry = AuditLog.objects.get(action=unodc.AUDIT_ACTION)
    assert entry.actor_id == officer.pk and entry.extra["rows"] == 3 and entry.extra["year"] == 2024


def test_export_is_limited_to_the_users_scope(client, seizures):
    county = create_user("cg", ["county_officer"], "540102")
    client.force_login(county)
    response = client.get(reverse("reports:unodc_export"), {"year": "2024"})
    _header, rows = read(b"".join(response.streaming_content))
    assert [row["NATIONAL SEIZURE ID"] for row in rows] == ["E-1", "E-2"]
    # A region outside the scope is not offered.
    assert (
        client.get(reverse("reports:unodc_export"), {"year": "2024", "region": region("540000").pk}).status_code == 200
    )  # the form again, with an error
    assert AuditLog.objects.filter(action=unodc.AUDIT_ACTION).count() == 1


def test_form_and_refusals(client, officer):
    client.force_login(officer)
    page = client.get(reverse("reports:unodc_export"))
    assert page.status_code == 200 and "SEIZURE DATE" in page.content.decode()
    client.force_login(create_user("cw", ["company_reporter"], "540102"))
    assert client.get(reverse("reports:unodc_export"), {"year": "2024"}).status_code == 403


def test_cli_writes_the_whole_region(tmp_path, seizures):
    out = tmp_path / "ids.xlsx"
    call_command("unodc_seizures", "--year", "2024", "--out", str(out), stderr=io.StringIO())
    _header, rows = read(out.read_bytes())
    assert len(rows) == 3
    entry = AuditLog.objects.get(action=unodc.AUDIT_ACTION)
    assert entry.actor_id is None and entry.source == "cli"
