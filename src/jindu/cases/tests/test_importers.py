"""Import datasets cases, suspects, seizures, fugitives, eradications, interceptions: exact DESIGN.md
columns, Chinese headers, all or nothing with row and column of each bad row, idempotent re-import,
references that must resolve, organisations and operations created by name; exports import again."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jindu.common.importing import SYSTEM, export_dataset, get, run_import
from jindu.core.models import AuditLog, Organisation
from jindu.reports.statistics import compute

from ..models import Case, Eradication, Fugitive, Identity, Interception, Operation, Seizure, Suspect
from . import factories as f

pytestmark = pytest.mark.django_db

DESIGN_COLUMNS = {
    "cases": ["case_no", "region_code", "filed_on", "case_type", "offence", "agencies", "operation", "summary"],
    "suspects": ["case_no", "name", "id_number", "nationality", "sex", "birth_date", "arrested_on"],
    "seizures": ["evidence_no", "case_no", "drug", "quantity", "unit", "seized_on"],
    "fugitives": ["fugitive_no", "name", "id_number", "region_code", "wanted_since", "captured_on"],
    "eradications": ["ref", "region_code", "found_on", "species", "wild", "plants", "area_m2", "latitude",
                     "longitude", "case_no"],
    "interceptions": ["ref", "checkpoint", "region_code", "on", "id_number", "finding"],
}
ID_A = f.id_number("19880808", "M", serial=11)
ID_B = f.id_number("19920220", "F", serial=12)

CASES = [
    DESIGN_COLUMNS["cases"],
    ["C-1", "540102", "2024-04-08", "criminal", "smuggling", "自治区公安厅禁毒总队;拉萨海关缉私局;拉萨市公安局禁毒支队",
     "清源断流", "邮寄三唑仑"],
    ["C-2", "540234", "2024-02-01", "administrative", "drug_use", "", "", ""],
    ["C-3", "540602", "2024-06-30", "criminal", "transport", "拉萨市公安局禁毒支队", "集群打零", "路面查缉"],
]
SUSPECTS = [
    DESIGN_COLUMNS["suspects"],
    ["C-1", "扎西", ID_A, "", "M", "", "2024-04-08"],
    ["C-1", "卓玛", ID_B, "CN", "", "1992-02-20", "2024-04-08"],
    ["C-2", "RAM THAPA", "", "NP", "M", "1990-01-01", "2024-02-01"],
    ["C-3", "扎西", ID_A, "CN", "", "", ""],
]
SEIZURES = [
    DESIGN_COLUMNS["seizures"],
    ["S-1", "C-1", "triazolam", "10", "tablet", "2024-04-08"],
    ["S-2", "C-2", "wild_cannabis", "0.01212", "kg", "2024-02-01"],
    ["S-3", "C-3", "heroin", "26", "g", "2024-06-30"],
]
FUGITIVES = [
    DESIGN_COLUMNS["fugitives"],
    ["F-1", "李某", ID_A, "540100", "2023-05-10", "2024-03-02"],
    ["F-2", "王某", "", "540234", "2022-01-01", ""],
]
ERADICATIONS = [
    DESIGN_COLUMNS["eradications"],
    ["E-1", "540234", "2024-05-20", "cannabis", "是", "3200", "450", "28.852123456", "85.298", ""],
    ["E-2", "540234", "2024-06-01", "poppy", "false", "54", "", "", "", "C-2"],
]
INTERCEPTIONS = [
    DESIGN_COLUMNS["interceptions"],
    ["I-1", "那曲市乃古沟一级公安检查站", "540602", "2024-03-15", ID_B, "drug_user"],
    ["I-2", "那曲市乃古沟一级公安检查站", "540602", "2024-03-16", "", "drug_driving"],
]
ALL = [("cases", CASES), ("suspects", SUSPECTS), ("seizures", SEIZURES), ("fugitives", FUGITIVES),
       ("eradications", ERADICATIONS), ("interceptions", INTERCEPTIONS)]


def write(tmp_path, name, rows):
    path = tmp_path / f"{name}.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return path


def do_import(tmp_path, dataset, rows, actor=SYSTEM, **kwargs):
    path = write(tmp_path, dataset, rows)
    return run_import(get(dataset), path, filename=path.name, actor=actor, **kwargs)


def import_all(tmp_path, actor=SYSTEM):
    results = {}
    for name, rows in ALL:
        results[name] = do_import(tmp_path, name, rows, actor)
        assert results[name].ok, (name, [(e.row, e.column, e.message) for e in results[name].errors])
    return results


def counts():
    return tuple(model.objects.count() for model in (Case, Suspect, Seizure, Fugitive, Eradication, Interception,
                                                     Identity, Organisation, Operation))


def test_columns_are_exactly_those_of_design():
    for name, columns in DESIGN_COLUMNS.items():
        assert [column.key for column in get(name).columns] == columns


def test_import_all_datasets_and_the_statistics_follow(tmp_path):
    results = import_all(tmp_path)
    assert results["cases"].created == 3
    assert sorted(results["cases"].created_by_name[str(Organisation._meta.verbose_name_plural)]) == sorted(
        ["自治区公安厅禁毒总队", "拉萨海关缉私局", "拉萨市公安局禁毒支队"])
    assert set(results["cases"].created_by_name[str(Operation._meta.verbose_name_plural)]) == {"集群打零", "清源断流"}
    joint = Case.objects.get(case_no="C-1")
    assert sorted(a.name for a in joint.agencies.all()) == sorted(CASES[1][5].split(";"))
    assert Organisation.objects.get(name="拉萨海关缉私局").kind == "customs"
    assert Organisation.objects.get(name="那曲市乃古沟一级公安检查站").kind == "checkpoint"
    assert joint.status_changes.get().status == "open"
    # One identity across cases (matched on the ID number); birth date and sex derived from it.
    tashi = Suspect.objects.filter(name="扎西")
    assert tashi.count() == 2 and len({s.identity_id for s in tashi}) == 1
    assert (tashi[0].sex, tashi[0].birth_date.isoformat()) == ("M", "1988-08-08")
    assert str(Eradication.objects.get(ref="E-1").latitude) == "28.852123"
    stats = compute("2024-01-01", "2024-06-30")
    assert stats["cases"]["total"] == 3 and stats["suspects_arrested"] == 3
    assert stats["foreign_suspects_arrested"] == 1 and stats["fugitives_captured"] == 1
    assert stats["seizures"] == {"by_drug": {"triazolam": {"tablet": 10}, "wild_cannabis": {"g": 12.12},
                                             "heroin": {"g": 26}}, "total_grams": 38.12}
    assert stats["eradication"] == {"records": 2, "plants": 3254}
    assert stats["interceptions"] == {"total": 2, "by_finding": {"drug_user": 1, "drug_driving": 1}}


def test_reimport_changes_nothing(tmp_path):
    import_all(tmp_path)
    before, audit_rows = counts(), AuditLog.objects.count()
    for name, rows in ALL:
        result = do_import(tmp_path, name, rows)
        assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, len(rows) - 1), name
    assert counts() == before
    # Only the import action records themselves; no change record.
    assert AuditLog.objects.count() == audit_rows + len(ALL)


def test_changed_row_updates_its_record(tmp_path):
    import_all(tmp_path)
    rows = [CASES[0], ["C-2", "540234", "2024-02-02", "criminal", "harbouring", "吉隆口岸公安分局", "", "容留"]]
    result = do_import(tmp_path, "cases", rows)
    assert (result.created, result.updated) == (0, 1)
    case = Case.objects.get(case_no="C-2")
    assert (case.offence, case.filed_on.isoformat()) == ("harbouring", "2024-02-02")
    assert [a.name for a in case.agencies.all()] == ["吉隆口岸公安分局"]
    assert case.status_changes.get().changed_on.isoformat() == "2024-02-02"
    rows = [SEIZURES[0], ["S-2", "C-2", "wild_cannabis", "12.12", "g", "2024-02-01"]]
    assert do_import(tmp_path, "seizures", rows).updated == 1
    rows = [FUGITIVES[0], ["F-2", "王某", "", "540234", "2022-01-01", "2024-06-30"]]
    assert do_import(tmp_path, "fugitives", rows).updated == 1
    assert compute("2024-01-01", "2024-06-30")["fugitives_captured"] == 2


def test_chinese_headers_are_accepted(tmp_path):
    for name, rows in ALL:
        header = [get(name).by_key[key].label_zh for key in rows[0]]
        result = do_import(tmp_path, name, [header, *rows[1:]])
        assert result.ok and result.created == len(rows) - 1, (name, result.errors)


def test_a_bad_row_writes_nothing_and_names_row_and_column(tmp_path):
    do_import(tmp_path, "cases", CASES)
    before = counts()
    cases = [CASES[0], ["C-9", "540102", "2024-04-31", "criminal", "smuggling", "", "", ""],
             ["C-10", "999999", "2024-04-01", "criminal", "smuggling", "", "", ""],
             ["C-11", "540102", "2024-04-01", "civil", "smuggling", "", "", ""],
             ["C-12", "540102", "2024-04-01", "criminal", "smuggling", "", "", ""]]
    result = do_import(tmp_path, "cases", cases)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(2, "filed_on"), (3, "region_code"), (4, "case_type")]
    bad_id = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    suspects = [SUSPECTS[0], ["C-1", "甲", bad_id, "", "", "", ""],
                ["C-404", "乙", "", "NP", "", "", ""],
                ["C-1", "丙", ID_A, "NP", "", "", ""],
                ["C-1", "丁", ID_B, "", "M", "", ""],
                ["C-1", "戊", ID_B, "", "", "1999-01-01", ""],
                ["C-1", "己", "", "china", "", "", ""],
                ["C-1", "扎西", ID_A, "", "M", "", "2024-04-08"]]
    result = do_import(tmp_path, "suspects", suspects)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "id_number"), (3, "case_no"), (4, "id_number"), (5, "sex"), (6, "birth_date"), (7, "nationality")]
    seizures = [SEIZURES[0], ["S-9", "C-1", "heroin", "0", "g", "2024-04-08"],
                ["S-10", "C-1", "nosuchdrug", "1", "g", "2024-04-08"],
                ["S-11", "C-1", "heroin", "1", "pound", "2024-04-08"],
                ["S-12", "C-404", "heroin", "1", "g", "2024-04-08"],
                ["S-13", "C-1", "heroin", "-1", "g", "2024-04-08"]]
    result = do_import(tmp_path, "seizures", seizures)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "quantity"), (3, "drug"), (4, "unit"), (5, "case_no"), (6, "quantity")]
    eradications = [ERADICATIONS[0], ["E-9", "540234", "2024-05-20", "cannabis", "maybe", "3", "", "", "", ""],
                    ["E-10", "540234", "2024-05-20", "cannabis", "1", "-3", "", "", "", ""],
                    ["E-11", "540234", "2024-05-20", "cannabis", "1", "3", "", "91", "85", ""],
                    ["E-12", "540234", "2024-05-20", "cannabis", "1", "3", "", "29", "", ""],
                    ["E-13", "540234", "2024-05-20", "cannabis", "1", "3", "", "", "", "C-404"]]
    result = do_import(tmp_path, "eradications", eradications)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "wild"), (3, "plants"), (4, "latitude"), (5, "longitude"), (6, "case_no")]
    fugitives = [FUGITIVES[0], ["F-9", "某", "", "540100", "2024-05-10", "2024-03-02"]]
    result = do_import(tmp_path, "fugitives", fugitives)
    assert [(e.row, e.column) for e in result.errors] == [(2, "captured_on")]
    assert "captured before being wanted" in result.errors[0].message
    checkpoint_like = Organisation.objects.get(name="拉萨海关缉私局")
    interceptions = [INTERCEPTIONS[0], ["I-9", checkpoint_like.name, "540602", "2024-03-15", "", "drug_user"],
                     ["I-10", "某检查站", "540602", "2024-03-15", "", "nothing"]]
    result = do_import(tmp_path, "interceptions", interceptions)
    assert [(e.row, e.column) for e in result.errors] == [(2, "checkpoint"), (3, "finding")]
    assert counts() == before


def test_references_resolve_within_the_same_file_order_only(tmp_path):
    rows = [SEIZURES[0], ["S-1", "C-1", "heroin", "1", "g", "2024-04-08"]]
    result = do_import(tmp_path, "seizures", rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "case_no")]


def test_county_officer_imports_only_into_their_county(tmp_path, county_officer):
    rows = [CASES[0], ["C-OWN", "540102", "2024-04-08", "criminal", "smuggling", "", "", ""],
            ["C-OTHER", "542523", "2024-04-08", "criminal", "smuggling", "", "", ""]]
    result = do_import(tmp_path, "cases", rows, county_officer)
    assert [(e.row, e.column) for e in result.errors] == [(3, "region_code")]
    f.case("542523", case_no="C-FAR")
    rows = [SEIZURES[0], ["S-FAR", "C-FAR", "heroin", "1", "g", "2024-04-08"]]
    result = do_import(tmp_path, "seizures", rows, county_officer)
    assert [(e.row, e.column) for e in result.errors] == [(2, "case_no")]  # not visible: unknown to them
    assert not Case.objects.filter(case_no="C-OWN").exists()


def test_import_is_audited_to_the_user_and_the_file(tmp_path, officer):
    do_import(tmp_path, "cases", CASES, officer)
    entry = AuditLog.objects.filter(action="cases.case.created").latest("seq")
    assert entry.actor_id == officer.pk and entry.source == "import" and entry.extra["file"] == "cases.csv"
    assert AuditLog.objects.filter(action="cases.imported").exists()


def test_exports_hold_the_same_columns_and_import_again_unchanged(tmp_path):
    import_all(tmp_path)
    before = counts()
    for name, rows in ALL:
        buffer = io.BytesIO()
        export_dataset(get(name), SYSTEM, buffer, "csv")
        exported = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
        assert exported[0] == DESIGN_COLUMNS[name]
        assert len(exported) == len(rows)
        path = tmp_path / f"export-{name}.csv"
        path.write_bytes(buffer.getvalue())
        result = run_import(get(name), path, filename=path.name, actor=SYSTEM)
        assert result.ok and result.unchanged == len(rows) - 1, (name, result.errors, result.counts())
    assert counts() == before
    buffer = io.BytesIO()
    export_dataset(get("seizures"), SYSTEM, buffer, "csv")
    assert "0.01212,kg" in buffer.getvalue().decode("utf-8-sig")


def test_xlsx_import_with_excel_dates_and_numbers(tmp_path):
    import datetime

    import openpyxl

    do_import(tmp_path, "cases", CASES)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["物证编号", "案件编号", "毒品种类", "数量", "计量单位", "缴获日期"])
    sheet.append(["X-1", "C-1", "heroin", 1.25, "g", datetime.datetime(2024, 4, 8)])
    sheet.append(["X-2", "C-1", "heroin", 2, "kg", datetime.date(2024, 4, 9)])
    path = tmp_path / "seizures.xlsx"
    workbook.save(path)
    result = run_import(get("seizures"), path, filename=path.name, actor=SYSTEM)
    assert result.ok and result.created == 2
    assert compute("2024-04-08", "2024-04-09")["seizures"]["total_grams"] == 2001.25


def test_cli_import_and_stats(tmp_path):
    """``jindu import`` then ``jindu stats`` as the independent checks run them (in this test's database)."""

    out = io.StringIO()
    for name, rows in ALL:
        call_command("import", name, str(write(tmp_path, name, rows)), stdout=out)
    assert "created by name" in out.getvalue()
    out = io.StringIO()
    call_command("stats", "--from", "2024-01-01", "--to", "2024-06-30", "--region", "540200", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["cases"]["total"] == 1 and stats["foreign_suspects_arrested"] == 1
    assert stats["eradication"] == {"records": 2, "plants": 3254}
    bad = write(tmp_path, "bad", [SEIZURES[0], ["Z-1", "C-404", "heroin", "1", "g", "2024-04-08"]])

    with pytest.raises(CommandError) as refused:
        call_command("import", "seizures", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert refused.value.returncode == 2
