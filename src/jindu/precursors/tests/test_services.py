"""Services of the precursors app on a real database: licence rules, buyer rules, cylinders, equipment,
inspections, the company reporter's limits, row locking."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jindu.common.testing import create_user, region
from jindu.core.models import Organisation
from jindu.precursors import services
from jindu.precursors.choices import FlagRule
from jindu.precursors.models import (
    ChecklistItem,
    Cylinder,
    Equipment,
    EquipmentType,
    Inspection,
    Licence,
    ReconciliationFlag,
    StockBalance,
    Transaction,
    Unit,
)

from .factories import credit_code, id_number, make_unit, substance

pytestmark = pytest.mark.django_db
D0 = datetime.date


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def line(actor, unit, sub, direction, quantity, on, quantity_unit=None, **fields):
    return services.transaction_create(actor=actor, data={
        "unit": unit, "substance": sub, "direction": direction, "quantity": D(str(quantity)),
        "quantity_unit": quantity_unit or sub.base_unit, "date": D0.fromisoformat(on), **fields})


def rules(unit=None, **filters):
    queryset = ReconciliationFlag.objects.filter(active=True, **filters)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return sorted((f.rule, f.transaction.ref if f.transaction else f.month.isoformat()) for f in queryset)


# --- units ------------------------------------------------------------------------------------------------


def test_unit_credit_code_is_validated_and_normalised(officer):
    code = credit_code()
    unit = services.unit_create(actor=officer, data={"credit_code": code.lower(), "name": "甲", "kind": "trader",
                                                     "region": region("540102")})
    assert unit.credit_code == code
    with pytest.raises(ValidationError) as error:
        services.unit_create(actor=officer, data={"credit_code": code[:-1] + "0" if code[-1] != "0" else code[:-1]
                                                  + "1", "name": "乙", "kind": "trader", "region": region("540102")})
    assert "credit_code" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.unit_create(actor=officer, data={"credit_code": code, "name": "丙", "kind": "trader",
                                                  "region": region("540102")})


def test_a_county_officer_cannot_register_a_unit_elsewhere(county_officer):
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=county_officer, data={"credit_code": credit_code(), "name": "甲",
                                                         "kind": "trader", "region": region("542523")})


# --- counterparties -------------------------------------------------------------------------------------


def test_counterparty_resolution():
    buyer = make_unit()
    assert services.resolve_counterparty(buyer.credit_code.lower()) == (buyer, "")
    person = id_number(5)
    assert services.resolve_counterparty(person.lower()) == (None, person)
    assert services.resolve_counterparty("") == (None, "")
    with pytest.raises(ValidationError, match="check character"):
        services.resolve_counterparty(person[:-1] + ("1" if person[-1] != "1" else "2"))
    with pytest.raises(ValidationError) as unknown:
        services.resolve_counterparty(credit_code())
    assert unknown.value.code == "unknown_unit"
    with pytest.raises(ValidationError):
        services.resolve_counterparty("hello")


def test_a_real_birth_date_is_required():
    from jindu.common.identifiers import id_check_char

    body = "54010219850230123"  # 30 February
    with pytest.raises(ValidationError, match="birth date"):
        services.resolve_counterparty(body + id_check_char(body))


# --- licence rules -------------------------------------------------------------------------------------------


@pytest.fixture
def acetone():
    return substance("67-64-1")


def test_licence_validity_and_quantity(officer, acetone):
    unit = make_unit()
    Licence.objects.create(unit=unit, substance=acetone, number="P-1", kind="purchase",
                           valid_from=D0(2024, 1, 1), valid_until=D0(2024, 3, 31), quantity_allowed=D(100))
    line(officer, unit, acetone, "purchase", 60, "2024-01-10", ref="A")
    line(officer, unit, acetone, "purchase", 40, "2024-02-10", ref="B")  # exactly 100: fine
    line(officer, unit, acetone, "purchase", 1, "2024-03-10", ref="C")   # 101: beyond
    line(officer, unit, acetone, "purchase", 5, "2024-04-10", ref="D")   # expired
    line(officer, unit, acetone, "use", 50, "2024-04-11", ref="E")       # use needs no licence
    assert rules(unit) == [(FlagRule.LICENCE_QUANTITY, "C"), (FlagRule.LICENCE_VALIDITY, "D")]
    flag = ReconciliationFlag.objects.get(rule=FlagRule.LICENCE_VALIDITY)
    assert "P-1" in flag.detail and "2024-03-31" in flag.detail
    # A second licence covering April clears D; raising the quantity clears C.
    services.licence_create(actor=officer, data={
        "unit": unit, "substance": acetone, "number": "P-2", "kind": "purchase", "form": "filing",
        "valid_from": D0(2024, 4, 1), "valid_until": D0(2024, 12, 31)})
    services.licence_update(actor=officer, instance=Licence.objects.get(number="P-1"),
                            data={"quantity_allowed": D(101)})
    assert rules(unit) == []


def test_a_purchase_without_any_licence_is_flagged(officer, acetone):
    unit = make_unit()
    line(officer, unit, acetone, "purchase", 1, "2024-01-10", ref="A")
    assert rules(unit) == [(FlagRule.LICENCE_VALIDITY, "A")]


def test_watched_substances_need_no_licence(officer):
    unit = make_unit(kind="gas_filling")
    line(officer, unit, services.substance_hydrogen(), "purchase", 3, "2024-01-10", ref="A")
    assert rules(unit) == []


def test_sale_to_a_unit_without_a_valid_purchase_licence(officer, acetone):
    seller, buyer = make_unit(), make_unit()
    Licence.objects.create(unit=seller, substance=acetone, number="T-1", kind="trade",
                           valid_from=D0(2024, 1, 1), valid_until=D0(2024, 12, 31))
    line(officer, seller, acetone, "sale", 10, "2024-02-01", ref="S1", counterparty_unit=buyer)
    assert rules(seller, rule=FlagRule.UNLICENSED_BUYER) == [(FlagRule.UNLICENSED_BUYER, "S1")]
    licence = services.licence_create(actor=officer, data={
        "unit": buyer, "substance": acetone, "number": "P-9", "kind": "purchase", "form": "filing",
        "valid_from": D0(2024, 1, 1), "valid_until": D0(2024, 6, 30)})
    assert rules(seller, rule=FlagRule.UNLICENSED_BUYER) == []  # the buyer's filing re-checks the seller's sales
    services.licence_update(actor=officer, instance=licence, data={"valid_until": D0(2024, 1, 31)})
    assert rules(seller, rule=FlagRule.UNLICENSED_BUYER) == [(FlagRule.UNLICENSED_BUYER, "S1")]


def test_category_1_and_2_may_not_be_sold_to_a_person(officer):
    seller = make_unit()
    ephedrine, acetone = substance("299-42-3"), substance("67-64-1")
    person = id_number(8)
    line(officer, seller, ephedrine, "sale", "0.1", "2024-02-01", ref="E1", counterparty_id_number=person)
    line(officer, seller, acetone, "sale", "1", "2024-02-01", ref="A1", counterparty_id_number=person)
    assert (FlagRule.UNLICENSED_BUYER, "E1") in rules(seller)
    assert (FlagRule.UNLICENSED_BUYER, "A1") not in rules(seller)


# --- buyer rules ----------------------------------------------------------------------------------------------


def test_real_name_buyer_above_two_cylinders_in_30_days_across_stations(officer):
    gas = services.substance_hydrogen()
    one, two = make_unit(kind="gas_filling"), make_unit("540103", kind="gas_filling")
    person = id_number(11)
    line(officer, one, gas, "sale", 1, "2024-03-01", ref="H1", counterparty_id_number=person)
    line(officer, two, gas, "sale", 1, "2024-03-20", ref="H2", counterparty_id_number=person)
    assert rules(rule=FlagRule.REALNAME_VOLUME) == []
    line(officer, one, gas, "sale", 1, "2024-03-30", ref="H3", counterparty_id_number=person)  # 3 within 30 days
    line(officer, two, gas, "sale", 1, "2024-04-25", ref="H4", counterparty_id_number=person)  # H2..H4: 3 in 30 days?
    # 2024-04-25 minus 29 days = 2024-03-27: H3 and H4 only -> 2, fine.
    assert rules(rule=FlagRule.REALNAME_VOLUME) == [(FlagRule.REALNAME_VOLUME, "H3")]
    flag = ReconciliationFlag.objects.get(rule=FlagRule.REALNAME_VOLUME)
    assert flag.unit == one and "3" in flag.detail
    with pytest.raises(ValidationError):  # voiding needs a reason
        services.transaction_delete(actor=officer, instance=Transaction.objects.get(ref="H1"))
    services.transaction_delete(actor=officer, instance=Transaction.objects.get(ref="H1"), reason="entered twice")
    assert rules(rule=FlagRule.REALNAME_VOLUME) == []
    voided = Transaction.all_objects.get(ref="H1")
    assert voided.voided and not Transaction.objects.filter(ref="H1").exists()
    services.transaction_restore(actor=officer, instance=voided, reason="was right")
    assert rules(rule=FlagRule.REALNAME_VOLUME) == [(FlagRule.REALNAME_VOLUME, "H3")]


def test_changing_a_lines_buyer_rechecks_the_former_buyer(officer):
    gas = services.substance_hydrogen()
    station = make_unit(kind="gas_filling")
    first, second = id_number(21), id_number(22)
    for n, day in enumerate(["2024-03-01", "2024-03-02", "2024-03-03"]):
        line(officer, station, gas, "sale", 1, day, ref=f"H{n}", counterparty_id_number=first)
    assert rules(rule=FlagRule.REALNAME_VOLUME) == [(FlagRule.REALNAME_VOLUME, "H2")]
    services.transaction_update(actor=officer, instance=Transaction.objects.get(ref="H0"),
                                data={"counterparty_id_number": second})
    assert rules(rule=FlagRule.REALNAME_VOLUME) == []


def test_a_buyer_registered_for_drug_use_is_flagged_when_persons_exist(officer, monkeypatch):
    gas = services.substance_hydrogen()
    station = make_unit(kind="gas_filling")
    person = id_number(31)
    monkeypatch.setattr(services, "_drug_record_lookup", lambda: (lambda number: object() if number == person
                                                                   else None))
    line(officer, station, gas, "sale", 1, "2024-03-01", ref="X1", counterparty_id_number=person)
    line(officer, station, gas, "sale", 1, "2024-03-01", ref="X2", counterparty_id_number=id_number(32))
    assert rules(rule=FlagRule.BUYER_DRUG_RECORD) == [(FlagRule.BUYER_DRUG_RECORD, "X1")]
    from jindu.core.models import AuditLog

    assert AuditLog.objects.filter(action="precursors.buyer.checked").exists()


def test_reporters_never_see_drug_record_flags(officer, monkeypatch):
    company = Organisation.objects.create(name="某加气站有限公司", kind="company", region=region("540102"))
    station = make_unit(kind="gas_filling", organisation=company)
    person = id_number(41)
    monkeypatch.setattr(services, "_drug_record_lookup", lambda: (lambda number: object()))
    line(officer, station, services.substance_hydrogen(), "sale", 1, "2024-03-01", ref="X1",
         counterparty_id_number=person)
    reporter = create_user("reporter", ["company_reporter"], "540102", organisation=company)
    assert ReconciliationFlag.objects.restrict(officer).filter(rule=FlagRule.BUYER_DRUG_RECORD).count() == 1
    assert ReconciliationFlag.objects.restrict(reporter).filter(rule=FlagRule.BUYER_DRUG_RECORD).count() == 0


# --- ledger services ---------------------------------------------------------------------------------------


def test_transaction_services_keep_balance_and_flags_current(officer, acetone):
    unit = make_unit()
    line(officer, unit, acetone, "purchase", 100, "2024-01-05", ref="P")
    count = line(officer, unit, acetone, "stocktake", 90, "2024-01-31", ref="S")
    assert rules(unit, rule=FlagRule.RECONCILIATION) == [(FlagRule.RECONCILIATION, "2024-01-01")]
    services.transaction_update(actor=officer, instance=count, data={"quantity": D(99.5)})
    assert rules(unit, rule=FlagRule.RECONCILIATION) == []
    balance = StockBalance.objects.get(unit=unit, substance=acetone)
    assert (balance.closing_expected, balance.last_stocktake) == (D(100), D("99.5"))
    services.transaction_update(actor=officer, instance=count, data={"quantity": D("0.05"), "quantity_unit": "t"})
    count.refresh_from_db()
    assert count.base_quantity == 50 and rules(unit, rule=FlagRule.RECONCILIATION)
    services.transaction_delete(actor=officer, instance=count, reason="wrong count")
    assert rules(unit, rule=FlagRule.RECONCILIATION) == []


def test_moving_a_line_to_another_unit_recomputes_both(officer, acetone):
    first, second = make_unit(), make_unit()
    line(officer, first, acetone, "stocktake", 10, "2024-01-31", ref="S")  # expected 0: flagged
    assert rules(first, rule=FlagRule.RECONCILIATION)
    services.transaction_update(actor=officer, instance=Transaction.objects.get(ref="S"), data={"unit": second})
    assert not rules(first, rule=FlagRule.RECONCILIATION) and rules(second, rule=FlagRule.RECONCILIATION)


def test_writes_lock_the_pairs_balance_row(officer, acetone):
    unit = make_unit()
    with CaptureQueriesContext(connection) as queries:
        line(officer, unit, acetone, "purchase", 1, "2024-01-05")
    locks = [q["sql"] for q in queries if "precursors_stockbalance" in q["sql"] and "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert locks, "the balance row must be locked before the ledger changes"


def test_monthly_return_is_idempotent_for_officers(officer, acetone):
    unit = make_unit()
    args = {"actor": officer, "unit": unit, "substance": acetone, "month": D0(2024, 3, 1), "quantity_unit": "L"}
    services.monthly_report_submit(totals={"purchase": D(50), "use": D(20)}, stocktake=D(30), **args)
    services.monthly_report_submit(totals={"purchase": D(50), "use": D(25)}, stocktake=D(30), **args)
    assert Transaction.objects.filter(unit=unit).count() == 3
    assert Transaction.objects.get(direction="use").quantity == 25
    assert rules(unit, rule=FlagRule.RECONCILIATION) == [(FlagRule.RECONCILIATION, "2024-03-01")]
    services.monthly_report_submit(totals={"purchase": D(50), "use": D(20)}, stocktake=None, **args)
    assert not Transaction.objects.filter(direction="stocktake").exists()
    assert rules(unit, rule=FlagRule.RECONCILIATION) == []


# --- company reporters ----------------------------------------------------------------------------------------


@pytest.fixture
def reporter_setup(db):
    company = Organisation.objects.create(name="某化工有限公司", kind="company", region=region("540102"))
    own = make_unit(organisation=company)
    other = make_unit()
    reporter = create_user("reporter", ["company_reporter"], "540102", organisation=company)
    return reporter, own, other


def test_a_reporter_sees_and_writes_only_own_units(reporter_setup, acetone):
    reporter, own, other = reporter_setup
    assert list(Unit.objects.restrict(reporter)) == [own]
    line(reporter, own, acetone, "purchase", 1, "2024-01-05", ref="OWN")
    with pytest.raises(PermissionDenied):
        line(reporter, other, acetone, "purchase", 1, "2024-01-05", ref="OTHER")
    assert list(Transaction.objects.restrict(reporter).values_list("ref", flat=True)) == ["OWN"]
    with pytest.raises(PermissionDenied):
        services.transaction_delete(actor=reporter, instance=Transaction.objects.get(ref="OWN"), reason="x")


def test_a_reporter_without_an_organisation_sees_nothing(db):
    make_unit()
    reporter = create_user("lost_reporter", ["company_reporter"], "540102")
    assert not Unit.objects.restrict(reporter).exists()


# --- cylinders and equipment --------------------------------------------------------------------------------


def test_cylinder_life_and_its_ledger(officer):
    station = make_unit(kind="gas_filling")
    cylinder = services.cylinder_create(actor=officer, data={"serial": "QP-1", "unit": station,
                                                             "filed_on": D0(2024, 1, 1)})
    assert cylinder.substance.cas == "1333-74-0"
    with pytest.raises(ValidationError):
        services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="sale", date=D0(2024, 1, 2),
                                       buyer_name="李四", buyer_id_number=id_number(4))
    services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="filling", date=D0(2024, 1, 2))
    with pytest.raises(ValidationError):
        services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="sale", date=D0(2024, 1, 3),
                                       buyer_name="李四", buyer_id_number="540102198503121234")
    services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="sale", date=D0(2024, 1, 3),
                                   buyer_name="李四", buyer_id_number=id_number(4))
    with pytest.raises(ValidationError):
        services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="return", date=D0(2024, 1, 1))
    services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="return", date=D0(2024, 1, 20))
    cylinder.refresh_from_db()
    assert cylinder.status == "empty"
    ledger = list(Transaction.objects.filter(unit=station).order_by("date").values_list("direction", "quantity",
                                                                                          "quantity_unit"))
    assert ledger == [("production", D(1), "cylinder"), ("sale", D(1), "cylinder")]
    assert Transaction.objects.get(direction="sale").counterparty_id_number == id_number(4)


def test_equipment_sale_decrements_under_a_lock(officer):
    kettle = EquipmentType.objects.create(name_zh="玻璃反应釜")
    unit = make_unit()
    equipment = services.equipment_create(actor=officer, data={"unit": unit, "equipment_type": kettle,
                                                                "quantity": 2, "registered_on": D0(2024, 1, 1)})
    with CaptureQueriesContext(connection) as queries:
        services.equipment_sale_record(actor=officer, equipment=equipment, data={
            "date": D0(2024, 2, 1), "quantity": 1, "buyer_name": "赵六", "buyer_id_number": id_number(6)})
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] and "precursors_equipment" in q["sql"] for q in queries)
    with pytest.raises(ValidationError):
        services.equipment_sale_record(actor=officer, equipment=equipment, data={
            "date": D0(2024, 2, 2), "quantity": 2, "buyer_unit": make_unit()})
    with pytest.raises(ValidationError):
        services.equipment_sale_record(actor=officer, equipment=equipment, data={"date": D0(2024, 2, 2),
                                                                                 "buyer_name": "无证"})
    services.equipment_sale_record(actor=officer, equipment=equipment, data={
        "date": D0(2024, 2, 3), "quantity": 1, "buyer_unit": make_unit()})
    equipment.refresh_from_db()
    assert equipment.quantity == 0 and equipment.status == "sold"
    assert Equipment.objects.get().sales.count() == 2


# --- inspections ---------------------------------------------------------------------------------------------


def test_inspection_with_checklist_and_confirmed_follow_up(officer):
    unit = make_unit()
    ledger = ChecklistItem.objects.create(code="ledger", name_zh="台账按日登记")
    locked = ChecklistItem.objects.create(code="locked", name_zh="专库专柜双人双锁")
    first = services.inspection_save(actor=officer, data={
        "ref": "XC-1", "unit": unit, "date": D0(2024, 4, 1), "kind": "grid_sweep", "findings": "台账缺失",
        "rectification_required": True, "rectification_deadline": D0(2024, 4, 30)},
        checks={ledger: ("fail", "三月无记录"), locked: ("pass", "")})
    assert first.checks.count() == 2 and first.is_overdue(today=D0(2024, 5, 1))
    assert not first.is_overdue(today=D0(2024, 4, 30))
    with pytest.raises(ValidationError):
        services.inspection_save(actor=officer, data={"ref": "XC-X", "unit": unit, "date": D0(2024, 4, 1),
                                                      "rectification_required": True})
    services.inspection_save(actor=officer, data={
        "ref": "XC-2", "unit": unit, "date": D0(2024, 4, 20), "kind": "follow_up", "follow_up_of": first},
        checks={ledger: ("pass", "")}, confirms_rectification=True)
    first.refresh_from_db()
    assert first.rectified_on == D0(2024, 4, 20) and not first.is_overdue(today=D0(2024, 5, 1))
    assert Inspection.objects.count() == 2


def test_overdue_selector(officer):
    from jindu.precursors.selectors import overdue_inspections

    unit = make_unit()
    Inspection.objects.create(ref="A", unit=unit, date=D0(2024, 1, 1), rectification_required=True,
                              rectification_deadline=D0(2024, 1, 31))
    Inspection.objects.create(ref="B", unit=unit, date=D0(2024, 1, 1), rectification_required=True,
                              rectification_deadline=D0(2024, 1, 31), rectified_on=D0(2024, 1, 20))
    assert [i.ref for i in overdue_inspections(officer, today=D0(2024, 2, 1))] == ["A"]
    assert list(overdue_inspections(officer, today=D0(2024, 1, 31))) == []


def test_cylinder_listing_by_buyer_id(officer):
    station = make_unit(kind="gas_filling")
    cylinder = services.cylinder_create(actor=officer, data={"serial": "QP-5", "unit": station,
                                                             "filed_on": D0(2024, 1, 1)})
    services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="filling", date=D0(2024, 1, 2))
    services.cylinder_event_record(actor=officer, cylinder=cylinder, kind="sale", date=D0(2024, 1, 3),
                                   buyer_name="李四", buyer_id_number=id_number(4))
    from jindu.precursors.filtersets import CylinderFilterSet

    found = CylinderFilterSet({"q": id_number(4)}, queryset=Cylinder.objects.all()).qs
    assert list(found) == [cylinder]
