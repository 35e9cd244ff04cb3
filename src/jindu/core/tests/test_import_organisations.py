"""The ``organisations`` dataset: headers, kinds, parents, scope, encodings and formats."""

import io

import openpyxl
import pytest
from django.utils import translation

from jindu.common.importing import SYSTEM, ImportResult, ImportRun, RowError, export_dataset, get, run_import
from jindu.common.testing import region
from jindu.core.choices import OrganisationKind
from jindu.core.importers import organisation_by_name
from jindu.core.models import AuditLog, Organisation

pytestmark = pytest.mark.django_db

CHINESE_HEADER = ["名称", "类别", "行政区划代码", "上级单位", "地址", "电话"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_file(tmp_path, rows, encoding="utf-8", bom=False, name="orgs.csv"):
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def xlsx_file(tmp_path, rows, name="orgs.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def do_import(path, actor, **kwargs):
    return run_import(get("organisations"), path, filename=path.name, actor=actor, **kwargs)


def errors(result):
    return [(error.row, error.column) for error in result.errors]


ROWS = [
    ["拉萨市禁毒委员会办公室", "ncc_office", "540100", "", "拉萨市江苏路", "0891-6000000"],
    ["城关区禁毒委员会办公室", "ncc_office", "540102", "拉萨市禁毒委员会办公室", "北京中路", ""],
]


def test_chinese_headers_and_chinese_kind_labels(tmp_path, officer):
    with translation.override("zh-hans"):
        school = str(OrganisationKind.SCHOOL.label)
    rows = [CHINESE_HEADER, *ROWS, ["城关区第一中学", school, "540102", "城关区禁毒委员会办公室", "", ""]]
    result = do_import(csv_file(tmp_path, rows), officer)
    assert result.ok, result.errors
    assert Organisation.objects.get(name="城关区第一中学").kind == "school"


def test_utf8_bom_csv(tmp_path, officer):
    result = do_import(csv_file(tmp_path, [CHINESE_HEADER, *ROWS], bom=True), officer)
    assert result.ok and result.created == 2


def test_gb18030_csv_as_chinese_excel_writes_it(tmp_path, officer):
    result = do_import(csv_file(tmp_path, [CHINESE_HEADER, *ROWS], encoding="gb18030"), officer)
    assert result.ok and result.created == 2
    assert Organisation.objects.get(name="城关区禁毒委员会办公室").address == "北京中路"


def test_xlsx_file_with_numeric_cells(tmp_path, officer):
    rows = [CHINESE_HEADER, ["城关区禁毒办", "ncc_office", 540102, None, "北京中路", 13800000000]]
    result = do_import(xlsx_file(tmp_path, rows), officer)
    assert result.ok, result.errors
    org = Organisation.objects.get()
    assert org.region.code == "540102" and org.phone == "13800000000"


def test_parent_defined_earlier_in_the_same_file(tmp_path, officer):
    result = do_import(csv_file(tmp_path, [CHINESE_HEADER, *ROWS]), officer)
    assert result.ok
    assert Organisation.objects.get(name="城关区禁毒委员会办公室").parent.name == "拉萨市禁毒委员会办公室"


def test_parent_defined_later_or_unknown_is_a_bad_row(tmp_path, officer):
    rows = [CHINESE_HEADER, ROWS[1], ROWS[0], ["某单位", "school", "540102", "不存在的单位", "", ""]]
    result = do_import(csv_file(tmp_path, rows), officer)
    assert errors(result) == [(2, "parent"), (4, "parent")]
    assert result.errors[1].message == "Unknown organisation 不存在的单位."
    assert Organisation.objects.count() == 0


def test_an_empty_parent_cell_clears_the_parent(tmp_path, officer):
    do_import(csv_file(tmp_path, [CHINESE_HEADER, *ROWS]), officer)
    rows = [CHINESE_HEADER, ROWS[0], ROWS[1][:3] + ["", "北京中路", ""]]
    result = do_import(csv_file(tmp_path, rows, name="again.csv"), officer)
    assert result.updated == 1
    assert Organisation.objects.get(name="城关区禁毒委员会办公室").parent is None


def test_county_officer_out_of_scope_row_is_refused(tmp_path, county_officer):
    rows = [CHINESE_HEADER, ["城关区某单位", "school", "540102", "", "", ""],
            ["噶尔县某单位", "school", "542523", "", "", ""]]
    result = do_import(csv_file(tmp_path, rows), county_officer)
    assert errors(result) == [(3, "region_code")]
    assert Organisation.objects.count() == 0


def test_county_officer_may_name_the_prefecture_office_as_parent_but_not_a_neighbours(tmp_path, county_officer):
    Organisation.objects.create(name="拉萨市禁毒委员会办公室", kind="ncc_office", region=region("540100"))
    Organisation.objects.create(name="噶尔县禁毒办", kind="ncc_office", region=region("542523"))
    rows = [CHINESE_HEADER, ["城关区禁毒办", "ncc_office", "540102", "拉萨市禁毒委员会办公室", "", ""],
            ["城关区某单位", "school", "540102", "噶尔县禁毒办", "", ""]]
    result = do_import(csv_file(tmp_path, rows), county_officer)
    assert errors(result) == [(3, "parent")]


def test_county_officer_reimports_an_export_including_the_prefectures_records(tmp_path, county_officer):
    """A county officer sees the prefecture's organisations; unchanged, they need no change permission."""
    Organisation.objects.create(name="拉萨市禁毒委员会办公室", kind="ncc_office", region=region("540100"))
    Organisation.objects.create(name="城关区禁毒办", kind="ncc_office", region=region("540102"))
    path = tmp_path / "export.xlsx"
    with open(path, "wb") as handle:
        assert export_dataset(get("organisations"), county_officer, handle, "xlsx") == 2
    result = do_import(path, county_officer)
    assert result.ok and result.unchanged == 2
    sheet = openpyxl.load_workbook(path).active
    sheet["E2"] = "changed address"  # the prefecture's record: out of the county officer's change scope
    sheet.parent.save(path)
    result = do_import(path, county_officer)
    assert errors(result) == [(2, "region_code")]


def test_kind_and_region_are_required(tmp_path, officer):
    rows = [CHINESE_HEADER, ["某单位", "", "", "", "", ""]]
    result = do_import(csv_file(tmp_path, rows), officer)
    assert errors(result) == [(2, "kind"), (2, "region_code")]


def test_too_long_name_is_reported_on_its_column(tmp_path, officer):
    rows = [CHINESE_HEADER, ["名" * 129, "school", "540102", "", "", ""]]
    result = do_import(csv_file(tmp_path, rows), officer)
    assert errors(result) == [(2, "name")]


def test_round_trip_with_every_column(tmp_path, officer):
    do_import(csv_file(tmp_path, [CHINESE_HEADER, *ROWS]), officer)
    buffer = io.BytesIO()
    export_dataset(get("organisations"), SYSTEM, buffer, "csv")
    path = tmp_path / "export.csv"
    path.write_bytes(buffer.getvalue())
    changes = AuditLog.objects.filter(action__startswith="core.organisation.").count()
    result = do_import(path, officer)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert AuditLog.objects.filter(action__startswith="core.organisation.").count() == changes


def test_organisation_by_name_matches_or_creates_and_reports(county_officer):
    """The helper for columns naming organisations (cases.agencies, interceptions.checkpoint)."""
    prefecture = Organisation.objects.create(name="拉萨市公安局", kind="public_security", region=region("540100"))
    run = ImportRun(get("organisations"), county_officer, ImportResult(dataset="cases", filename="cases.csv"))
    assert organisation_by_name(run, "拉萨市公安局", region=region("540102"), column="agencies") == prefecture
    created = organisation_by_name(run, "城关区禁毒大队", region=region("540102"), kind="police_unit",
                                   column="agencies")
    assert created.region.code == "540102" and created.kind == "police_unit"
    assert run.result.created_by_name == {"organisations": ["城关区禁毒大队"]}
    assert AuditLog.objects.filter(action="core.organisation.created", object_id=str(created.pk)).exists()
    with pytest.raises(RowError) as info:
        organisation_by_name(run, "噶尔县公安局", region=region("542523"), column="agencies")
    assert info.value.column == "agencies"
