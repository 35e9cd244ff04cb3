"""The ``units``, ``transactions``, ``inspections`` and ``cylinders`` datasets."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

import jindu.precursors.importers  # noqa: F401  (registers the datasets)
from jindu.common.importing import SYSTEM, export_dataset, get, run_import
from jindu.common.testing import create_user, region
from jindu.precursors import services
from jindu.precursors.choices import FlagRule, UnitKind
from jindu.precursors.models import Cylinder, Inspection, ReconciliationFlag, Transaction, Unit

from .factories import credit_code, id_number, make_unit

pytestmark = pytest.mark.django_db

UNIT_HEADER_ZH = ["统一社会信用代码", "单位名称", "单位类别", "行政区划代码", "地址", "许可证号"]
TX_HEADER = ["ref", "credit_code", "chemical", "direction", "quantity", "unit", "on", "counterparty"]


def write_csv(tmp_path, rows, name="file.csv"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return path


def do_import(dataset, path, actor=SYSTEM, **kwargs):
    return run_import(get(dataset), path, filename=path.name, actor=actor, **kwargs)


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def recomputes(monkeypatch):
    """Every call of the reconciliation: (pairs, buyers)."""
    calls = []
    original = services.reconcile_pairs

    def spy(pairs, buyer_ids=(), **kwargs):
        calls.append((set(pairs), set(buyer_ids)))
        return original(pairs, buyer_ids=buyer_ids, **kwargs)

    monkeypatch.setattr(services, "reconcile_pairs", spy)
    return calls


# --- units ---------------------------------------------------------------------------------------------


def test_units_with_chinese_headers_and_labels(tmp_path, officer):
    from django.utils import translation

    a, b = credit_code(), credit_code()
    with translation.override("zh-hans"):
        label = str(UnitKind.GAS_FILLING.label)  # the Chinese label once translated
    rows = [UNIT_HEADER_ZH, [a, "拉萨某化工贸易公司", "trader", "540102", "金珠西路", "(藏)3S540100001"],
            [b.lower(), "那曲某加气站", label, "540602", "", ""]]
    result = do_import("units", write_csv(tmp_path, rows), officer)
    assert result.ok, result.errors
    assert result.created == 2
    unit = Unit.objects.get(credit_code=b)  # lower case in the file, normalised
    assert unit.kind == "gas_filling" and unit.region.code == "540602"


def test_a_bad_credit_code_writes_nothing(tmp_path):
    good = credit_code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [["credit_code", "name", "kind", "region_code"], [good, "甲", "trader", "540102"],
            [bad, "乙", "trader", "540102"], ["ABC", "丙", "trader", "540102"]]
    result = do_import("units", write_csv(tmp_path, rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "credit_code"), (4, "credit_code")]
    assert "check character" in result.errors[0].message
    assert not Unit.objects.exists()


def test_units_reimport_changes_nothing_and_a_changed_row_updates(tmp_path):
    code = credit_code()
    rows = [["credit_code", "name", "kind", "region_code", "address"], [code, "甲公司", "trader", "540102", "A"]]
    assert do_import("units", write_csv(tmp_path, rows)).created == 1
    again = do_import("units", write_csv(tmp_path, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    rows[1][4] = "B"
    assert do_import("units", write_csv(tmp_path, rows)).updated == 1
    assert Unit.objects.get().address == "B"


def test_a_county_officer_cannot_import_a_unit_of_another_county(tmp_path, county_officer):
    rows = [["credit_code", "name", "kind", "region_code"], [credit_code(), "甲", "trader", "542523"]]
    result = do_import("units", write_csv(tmp_path, rows), county_officer)
    assert not result.ok and result.errors[0].column == "region_code"
    assert not Unit.objects.exists()


# --- transactions -------------------------------------------------------------------------------------


@pytest.fixture
def units(db):
    return make_unit("540102"), make_unit("540103"), make_unit("542523")


def test_transactions_import_converts_and_reconciles_once_per_pair(tmp_path, units, recomputes,
                                                                  django_capture_on_commit_callbacks):
    seller, buyer, _ = units
    person = id_number(7)
    rows = [TX_HEADER,
            ["R1", seller.credit_code, "7722-64-7", "purchase", "1.5", "t", "2024-01-03", ""],
            ["R2", seller.credit_code, "高锰酸钾", "sale", "200", "kg", "2024-01-10", buyer.credit_code],
            ["R3", seller.credit_code, "Potassium permanganate", "stocktake", "1250", "kg", "2024-01-31", ""],
            ["R4", seller.credit_code, "67-64-1", "sale", "3", "L", "2024-01-12", person],
            ["R5", seller.credit_code, "67-64-1", "stocktake", "0", "L", "2024-01-31", ""]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = do_import("transactions", write_csv(tmp_path, rows))
    assert result.ok, result.errors
    assert result.created == 5 and len(callbacks) == 1
    assert len(recomputes) == 1
    pairs, buyers = recomputes[0]
    assert len(pairs) == 2 and buyers == {person}
    r1 = Transaction.objects.get(ref="R1")
    assert (r1.base_quantity, r1.month) == (D(1500), datetime.date(2024, 1, 1))
    assert Transaction.objects.get(ref="R2").counterparty_unit == buyer
    assert Transaction.objects.get(ref="R4").counterparty_id_number == person
    flag = ReconciliationFlag.objects.get(rule=FlagRule.RECONCILIATION, substance__cas="7722-64-7")
    assert (flag.substance.cas, flag.expected, flag.stocktake) == ("7722-64-7", D(1300), D(1250))
    assert ReconciliationFlag.objects.filter(rule=FlagRule.RECONCILIATION, substance__cas="67-64-1").count() == 1


def test_transactions_reimport_changes_nothing_and_recomputes_nothing(tmp_path, units, recomputes,
                                                                      django_capture_on_commit_callbacks):
    seller = units[0]
    rows = [TX_HEADER, ["R1", seller.credit_code, "67-64-1", "purchase", "10", "L", "2024-01-03", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        assert do_import("transactions", write_csv(tmp_path, rows)).created == 1
    recomputes.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = do_import("transactions", write_csv(tmp_path, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert not callbacks and not recomputes


def test_a_changed_line_recomputes_its_old_and_new_pair(tmp_path, units, recomputes,
                                                        django_capture_on_commit_callbacks):
    seller, other, _ = units
    rows = [TX_HEADER, ["R1", seller.credit_code, "67-64-1", "purchase", "10", "L", "2024-01-03", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        do_import("transactions", write_csv(tmp_path, rows))
    recomputes.clear()
    rows[1][1] = other.credit_code
    with django_capture_on_commit_callbacks(execute=True):
        assert do_import("transactions", write_csv(tmp_path, rows)).updated == 1
    (pairs, _), = recomputes
    assert {u for u, _ in pairs} == {seller.pk, other.pk}


def test_a_changed_buyer_id_is_noticed_even_when_the_masks_are_equal(tmp_path, units,
                                                                    django_capture_on_commit_callbacks):
    seller = units[0]
    first, second = id_number(101), id_number(201)  # same first three and, by construction, other last four
    rows = [TX_HEADER, ["R1", seller.credit_code, "67-64-1", "sale", "1", "L", "2024-01-03", first]]
    with django_capture_on_commit_callbacks(execute=True):
        do_import("transactions", write_csv(tmp_path, rows))
    rows[1][7] = second
    with django_capture_on_commit_callbacks(execute=True):
        assert do_import("transactions", write_csv(tmp_path, rows)).updated == 1
    assert Transaction.objects.get().counterparty_id_number == second


@pytest.mark.parametrize("column, value, message", [
    (1, "91540100MA6T1234X0", "check character"),
    (2, "no such chemical", "Unknown chemical"),
    (3, "gift", "Unknown value"),
    (4, "-1", "at least 0"),
    (5, "g", "Unknown value"),
    (6, "2024-02-30", "No such date"),
    (7, "540102198503120000", "check character"),
    (7, "ABC123", "Neither"),
])
def test_bad_transaction_rows_write_nothing(tmp_path, units, column, value, message):
    seller = units[0]
    good = ["R1", seller.credit_code, "67-64-1", "purchase", "10", "L", "2024-01-03", ""]
    bad = ["R2", seller.credit_code, "67-64-1", "sale", "1", "L", "2024-01-04", ""]
    bad[column] = value
    result = do_import("transactions", write_csv(tmp_path, [TX_HEADER, good, bad]))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, TX_HEADER[column])]
    assert message in result.errors[0].message
    assert not Transaction.objects.exists()


def test_references_must_resolve(tmp_path, units):
    seller = units[0]
    unknown = credit_code()
    rows = [TX_HEADER, ["R1", unknown, "67-64-1", "purchase", "10", "L", "2024-01-03", ""],
            ["R2", seller.credit_code, "67-64-1", "sale", "1", "L", "2024-01-04", unknown]]
    result = do_import("transactions", write_csv(tmp_path, rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "credit_code"), (3, "counterparty")]
    assert "No unit" in result.errors[1].message


def test_a_county_officer_imports_only_own_units_lines(tmp_path, units, county_officer):
    own, _, gar = units
    rows = [TX_HEADER, ["R1", own.credit_code, "67-64-1", "purchase", "10", "L", "2024-01-03", gar.credit_code],
            ["R2", gar.credit_code, "67-64-1", "purchase", "10", "L", "2024-01-03", ""]]
    result = do_import("transactions", write_csv(tmp_path, rows), county_officer)
    assert [(e.row, e.column) for e in result.errors] == [(3, "credit_code")]


def test_chinese_headers_for_transactions(tmp_path, units, django_capture_on_commit_callbacks):
    seller = units[0]
    header = [c.label_zh for c in get("transactions").columns]
    rows = [header, ["R1", seller.credit_code, "丙酮", "purchase", "10", "L", "2024-01-03", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        result = do_import("transactions", write_csv(tmp_path, rows))
    assert result.ok, result.errors
    assert Transaction.objects.get().substance.cas == "67-64-1"


def test_export_masks_buyer_ids_for_users_and_round_trips_for_the_system(tmp_path, units, officer,
                                                                       django_capture_on_commit_callbacks):
    seller = units[0]
    person = id_number(9)
    rows = [TX_HEADER, ["R1", seller.credit_code, "7722-64-7", "sale", "1.5", "t", "2024-01-03", person]]
    with django_capture_on_commit_callbacks(execute=True):
        do_import("transactions", write_csv(tmp_path, rows))
    buffer = io.BytesIO()
    export_dataset(get("transactions"), officer, buffer, "csv")
    text = buffer.getvalue().decode("utf-8-sig")
    assert person not in text and person[-4:] in text
    buffer = io.BytesIO()
    export_dataset(get("transactions"), SYSTEM, buffer, "csv")
    exported = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    assert exported == [TX_HEADER, ["R1", seller.credit_code, "7722-64-7", "sale", "1.5", "t", "2024-01-03", person]]
    path = tmp_path / "again.csv"
    path.write_bytes(buffer.getvalue())
    assert do_import("transactions", path).unchanged == 1


def test_cli_import_and_stats(tmp_path, units, capsys, django_capture_on_commit_callbacks):
    seller = units[0]
    rows = [TX_HEADER, ["R1", seller.credit_code, "67-64-1", "purchase", "10", "L", "2024-01-03", ""],
            ["R2", seller.credit_code, "67-64-1", "stocktake", "5", "L", "2024-01-31", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import", "transactions", str(write_csv(tmp_path, rows)))
    call_command("stats", "--from", "2024-01-01", "--to", "2024-01-31", "--format", "json")
    import json

    out = capsys.readouterr().out
    stats = json.loads(out[out.index("{"):])
    assert stats["precursors"] == {"units": 3, "transactions": 2, "flagged_discrepancies": 1}
    bad = write_csv(tmp_path, [TX_HEADER, ["R3", "X", "67-64-1", "purchase", "1", "L", "2024-01-03", ""]], "bad.csv")
    with pytest.raises(CommandError) as refused:
        call_command("import", "transactions", str(bad))
    assert refused.value.returncode == 2


# --- inspections and cylinders ----------------------------------------------------------------------------


def test_inspections_and_cylinders_templates_import(tmp_path, units):
    unit = units[0]
    inspections = [[c.key for c in get("inspections").columns],
                   ["XC1", unit.credit_code, "2024-04-12", "grid_sweep", "格桑", "台账不全", "是", "2024-05-12", ""],
                   ["XC2", unit.credit_code, "2024-04-13", "routine", "", "", "否", "", ""]]
    result = do_import("inspections", write_csv(tmp_path, inspections))
    assert result.ok, result.errors
    assert Inspection.objects.get(ref="XC1").rectification_deadline == datetime.date(2024, 5, 12)
    no_deadline = [inspections[0], ["XC3", unit.credit_code, "2024-04-12", "routine", "", "", "是", "", ""]]
    assert not do_import("inspections", write_csv(tmp_path, no_deadline, "b.csv")).ok
    cylinders = [[c.label_zh for c in get("cylinders").columns], ["QP1", unit.credit_code, "2024-01-15", "40", "", ""]]
    result = do_import("cylinders", write_csv(tmp_path, cylinders, "c.csv"))
    assert result.ok, result.errors
    cylinder = Cylinder.objects.get()
    assert cylinder.substance.cas == "1333-74-0" and cylinder.status == "empty"
    assert do_import("cylinders", write_csv(tmp_path, cylinders, "c.csv")).unchanged == 1


@pytest.fixture
def reporter_and_units(db):
    from jindu.core.models import Organisation

    company = Organisation.objects.create(name="拉萨某化工", kind="company", region=region("540102"))
    own, neighbour = make_unit("540102", organisation=company), make_unit("540102")
    return create_user("reporter", ["company_reporter"], "540102", organisation=company), own, neighbour


def test_company_reporters_import_their_own_units_ledger_and_nothing_else(
        tmp_path, reporter_and_units, django_capture_on_commit_callbacks):
    reporter, own, neighbour = reporter_and_units
    rows = [TX_HEADER, ["C1", own.credit_code, "67-64-1", "purchase", "50", "L", "2024-03-02", ""],
            ["C2", own.credit_code, "67-64-1", "stocktake", "40", "L", "2024-03-31", ""]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = do_import("transactions", write_csv(tmp_path, rows), actor=reporter)
    assert result.ok and result.created == 2, result.errors
    assert len(callbacks) == 1  # the reconciliation, after the commit
    flag = ReconciliationFlag.objects.get(unit=own, rule=FlagRule.RECONCILIATION)
    assert (flag.expected, flag.stocktake) == (D(50), D(40))
    # A line of a neighbour in the same county: every such row refused, saying why; nothing written.
    rows = [TX_HEADER, ["C3", own.credit_code, "67-64-1", "use", "5", "L", "2024-04-02", ""],
            ["C4", neighbour.credit_code, "67-64-1", "purchase", "5", "L", "2024-04-02", ""],
            ["C5", neighbour.credit_code, "67-64-1", "sale", "5", "L", "2024-04-03", ""]]
    refused = do_import("transactions", write_csv(tmp_path, rows), actor=reporter)
    assert [(e.row, e.column) for e in refused.errors] == [(3, "credit_code"), (4, "credit_code")]
    assert "not one of your company's units" in refused.errors[0].message
    assert neighbour.credit_code in refused.errors[0].message
    assert not Transaction.objects.filter(ref__in=["C3", "C4", "C5"]).exists()
    # The same file by the county officer imports all three: the refusal is the reporter's rule, not the data's.
    officer = create_user("officer540102", ["county_officer"], "540102")
    assert do_import("transactions", write_csv(tmp_path, rows), actor=officer).created == 3
    # Every other dataset, of this app or another, is refused to the reporter.
    from jindu.common.importing import all_datasets

    importable = [dataset.name for dataset in all_datasets() if dataset.can_import(reporter)]
    assert importable == ["transactions"]
    with pytest.raises(PermissionDenied):
        do_import("units", write_csv(tmp_path, [["credit_code", "name", "kind", "region_code"],
                                                [credit_code(), "某单位", "trader", "540102"]]), actor=reporter)


def test_the_upload_page_offers_a_company_reporter_only_transactions(client, reporter_and_units):
    reporter = reporter_and_units[0]
    client.force_login(reporter)
    assert client.get(reverse("importing:upload", args=["transactions"])).status_code == 200
    for name in ("units", "inspections", "cylinders", "organisations"):
        assert client.get(reverse("importing:upload", args=[name])).status_code == 403
    index = client.get(reverse("importing:index")).content.decode()
    assert reverse("importing:upload", args=["transactions"]) in index
    assert reverse("importing:upload", args=["organisations"]) not in index
