"""Datasets persons, episodes, drug_tests: DESIGN.md columns, Chinese headers, all or nothing, idempotent,
references by identity number, the overlap rules, and identity numbers in exports."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jindu.common.importing import SYSTEM, export_dataset, get, run_import
from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog
from jindu.persons.models import DrugTest, Episode, Handover, Person
from jindu.persons.selectors import statistics

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield

A, B = f.make_id("540102", "19900315", 43), f.make_id("542523", "19851102", 128)
C = f.make_id("540202", "20010730", 357)


def csv_file(tmp_path, rows, name="data.csv"):
    path = tmp_path / name
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return path


def do_import(dataset, path, actor=SYSTEM):
    return run_import(get(dataset), path, filename=path.name, actor=actor)


PERSONS = [["id_number", "name", "sex", "birth_date", "nationality", "region_code", "registered_on"],
           [A, "次仁", "", "", "", "540102", "2023-05-01"],
           [B.lower(), "卓玛", "F", "1985-11-02", "CN", "542523", "2024-02-01"],
           ["", "Ram Bahadur", "M", "", "NP", "540234", "2024-04-08"],
           ["", "Sita Gurung", "F", "", "NP", "540234", "2024-04-08"]]


def test_persons_with_chinese_headers(tmp_path):
    rows = [["身份证号", "姓名", "性别", "出生日期", "国籍", "居住地区划代码", "登记日期"], *PERSONS[1:]]
    result = do_import("persons", csv_file(tmp_path, rows))
    assert result.ok, result.errors
    assert result.created == 4 and result.committed
    first = Person.objects.get(name="次仁")
    assert first.id_number == A and first.sex == "M" and str(first.birth_date) == "1990-03-15"
    assert Person.objects.filter(nationality="NP").count() == 2
    assert Person.objects.get(name="卓玛").id_number == B  # lower-case x normalised


def test_reimport_changes_nothing_and_a_changed_row_updates(tmp_path):
    path = csv_file(tmp_path, PERSONS)
    assert do_import("persons", path).created == 4
    audit_rows = AuditLog.objects.count()
    again = do_import("persons", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditLog.objects.filter(action__in=["persons.person.created", "persons.person.updated"],
                                   seq__gt=audit_rows).count() == 0
    changed = [row[:] for row in PERSONS]
    changed[1][6] = "2023-06-01"
    result = do_import("persons", csv_file(tmp_path, changed, "changed.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert str(Person.objects.get(name="次仁").registered_on) == "2023-06-01"


def test_a_bad_row_writes_nothing_and_every_bad_row_is_reported(tmp_path):
    rows = [*PERSONS,
            [A[:-1] + ("0" if A[-1] != "0" else "1"), "错号", "", "", "", "540102", "2024-01-01"],  # check digit
            [f.make_id("540102", "20230229", 1)[:17] + "3", "闰日", "", "", "", "540102", "2024-01-01"],
            [f.make_id("540102", "19900315", 44), "性别错", "M", "", "", "540102", "2024-01-01"],  # even = female
            [f.make_id("540102", "19900315", 45), "区划错", "", "", "", "999999", "2024-01-01"],
            ["", "无证件", "M", "", "CN", "540102", "2024-01-01"]]
    result = do_import("persons", csv_file(tmp_path, rows))
    assert not result.committed and Person.objects.count() == 0
    assert sorted((e.row, e.column) for e in result.errors) == [
        (6, "id_number"), (7, "id_number"), (8, "sex"), (9, "region_code"), (10, "id_number")], result.errors


def test_cli_import_exit_status(tmp_path):
    good, bad = csv_file(tmp_path, PERSONS, "good.csv"), csv_file(tmp_path, [*PERSONS, ["x", "y", "", "", "", "540102",
                                                                                       "2024-01-01"]], "bad.csv")
    with pytest.raises(CommandError) as refused:
        call_command("import", "persons", str(bad))
    assert refused.value.returncode == 2 and Person.objects.count() == 0
    call_command("import", "persons", str(good))
    assert Person.objects.count() == 4


def test_episodes_and_tests_resolve_persons_by_identity_number(tmp_path):
    do_import("persons", csv_file(tmp_path, PERSONS, "p.csv"))
    episodes = [["编号", "身份证号", "措施类型", "开始日期", "结束日期"],
                ["EP-1", A, "community_detox", "2023-05-01", ""],
                ["EP-2", B, "compulsory_isolation", "2022-01-10", "2024-01-10"],
                ["EP-3", B, "community_rehab", "2024-01-11", ""]]
    result = do_import("episodes", csv_file(tmp_path, episodes, "e.csv"))
    assert result.ok, result.errors
    assert Handover.objects.filter(person__name="卓玛").count() == 1  # isolation ended: a handover is due
    tests = [["编号", "身份证号", "检测日期", "检测方法", "检测结果", "检出物质"],
             ["T-1", A, "2024-02-01", "urine", "negative", ""],
             ["T-2", B, "2024-03-01", "hair", "positive", "heroin"]]
    result = do_import("drug_tests", csv_file(tmp_path, tests, "t.csv"))
    assert result.ok, result.errors
    assert DrugTest.objects.get(ref="T-2").substance.code == "heroin"
    assert statistics("2024-01-01", "2024-06-30", region("540000"))["persons"] == {
        "registered": 4, "in_community": 2, "tested": 2, "test_rate": 1.0}
    again = do_import("drug_tests", csv_file(tmp_path, tests, "t.csv"))
    assert (again.created, again.unchanged) == (0, 2)
    again = do_import("episodes", csv_file(tmp_path, episodes, "e.csv"))
    assert (again.created, again.unchanged) == (0, 3)


def test_unknown_person_and_overlap_are_bad_rows(tmp_path):
    do_import("persons", csv_file(tmp_path, PERSONS, "p.csv"))
    episodes = [["ref", "id_number", "measure", "start_on", "end_on"],
                ["EP-1", A, "community_detox", "2023-05-01", ""],
                ["EP-2", C, "community_detox", "2023-05-01", ""],                 # nobody registered
                ["EP-3", A, "compulsory_isolation", "2024-01-01", "2024-12-31"],  # overlaps EP-1
                ["EP-4", A, "voluntary_treatment", "2024-01-01", "2024-03-01"]]   # beside detox: allowed
    result = do_import("episodes", csv_file(tmp_path, episodes))
    assert [(e.row, e.column) for e in result.errors] == [(3, "id_number"), (4, "start_on")]
    assert "only one of community detox" in result.errors[1].message
    assert Episode.objects.count() == 0


def test_drug_test_unknown_substance_is_a_bad_row(tmp_path):
    do_import("persons", csv_file(tmp_path, PERSONS, "p.csv"))
    tests = [["ref", "id_number", "tested_on", "method", "result", "substance"],
             ["T-1", A, "2024-02-01", "sweat", "negative", ""],
             ["T-2", A, "2024-02-01", "urine", "positive", "nonsense"]]
    result = do_import("drug_tests", csv_file(tmp_path, tests))
    assert [(e.row, e.column) for e in result.errors] == [(2, "method"), (3, "substance")]


def test_county_officer_imports_only_into_own_county(tmp_path, county_officer):
    result = do_import("persons", csv_file(tmp_path, PERSONS[:3]), county_officer)
    assert [(e.row, e.column) for e in result.errors] == [(3, "region_code")]


def _export(dataset, actor, params=None):
    buffer = io.BytesIO()
    export_dataset(get(dataset), actor, buffer, "csv", params)
    return buffer.getvalue().decode("utf-8-sig")


def test_exports_mask_identities_unless_asked_for_with_a_reason(tmp_path, county_officer):
    do_import("persons", csv_file(tmp_path, PERSONS, "p.csv"))
    masked = _export("persons", county_officer)
    assert A not in masked and A[:3] + "*" * 11 + A[-4:] in masked and "次仁" not in masked
    assert A not in _export("persons", county_officer, {"identities": "full"})  # no reason: masked
    full = _export("persons", county_officer, {"identities": "full", "reason": "迁移到新系统"})
    assert A in full and "次仁" in full
    entry = AuditLog.objects.filter(action="persons.exported").order_by("-seq").first()
    assert entry.extra["filters"]["reason"] == "迁移到新系统"
    leader = create_user("leader", ["leader"], "540000")
    assert A not in _export("persons", leader, {"identities": "full", "reason": "迁移到新系统"})


def test_system_export_imports_again_unchanged(tmp_path):
    do_import("persons", csv_file(tmp_path, PERSONS, "p.csv"))
    path = tmp_path / "export.csv"
    path.write_text(_export("persons", SYSTEM), encoding="utf-8")
    result = do_import("persons", path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)


def test_template_has_the_chinese_headers(tmp_path):
    import openpyxl

    from jindu.common.importing import write_template

    buffer = io.BytesIO()
    write_template(get("drug_tests"), buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in sheet[1]] == ["编号", "身份证号", "检测日期", "检测方法", "检测结果", "检出物质"]


