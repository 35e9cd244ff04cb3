"""The reconciliation of DESIGN.md with worked numbers: the pure computation, then the stored flags."""

import datetime
from decimal import Decimal as D

import pytest

from jindu.precursors.choices import FlagRule, FlagStatus
from jindu.precursors.models import ReconciliationFlag, StockBalance
from jindu.precursors.reconciliation import MonthTotals, reconcile, to_base, unit_matches
from jindu.precursors.services import month_results, reconcile_pairs

from .factories import make_unit, substance, tx

JAN, FEB, MAR, APR = (datetime.date(2024, m, 1) for m in (1, 2, 3, 4))


def months(*rows):
    return [MonthTotals(m, D(str(i)), D(str(o)), None if s is None else D(str(s))) for m, i, o, s in rows]


# --- the pure computation ------------------------------------------------------------------------------


def test_first_month_opens_at_zero():
    (jan,) = reconcile(months((JAN, 100, 30, 70)))
    assert (jan.opening, jan.expected, jan.difference, jan.flagged) == (0, 70, 0, False)


def test_opening_is_the_previous_months_stocktake_when_there_is_one():
    jan, feb = reconcile(months((JAN, 100, 0, 90), (FEB, 0, 20, 70)))
    assert jan.expected == 100 and jan.difference == -10 and jan.flagged  # 10 > max(1.00, 1)
    assert feb.opening == 90 and feb.expected == 70 and not feb.flagged


def test_opening_is_the_previous_expected_closing_without_a_stocktake():
    jan, feb, mar = reconcile(months((JAN, 100, 0, None), (FEB, 0, 20, None), (MAR, 5, 0, 85)))
    assert (jan.expected, feb.opening, feb.expected, mar.opening, mar.expected) == (100, 100, 80, 80, 85)
    assert not mar.flagged


def test_a_month_without_transactions_carries_the_stock_over():
    jan, mar = reconcile(months((JAN, 100, 0, 95), (MAR, 0, 10, 85)))
    assert mar.opening == 95 and mar.expected == 85 and not mar.flagged


def test_months_without_a_stocktake_are_never_flagged():
    results = reconcile(months((JAN, 0, 500, None), (FEB, 0, 500, None)))
    assert [r.expected for r in results] == [-500, -1000]
    assert not any(r.flagged for r in results)


def test_negative_expected_stock_is_compared_with_the_minimum():
    (jan,) = reconcile(months((JAN, 0, 10, 0)))
    assert jan.expected == -10 and jan.tolerance == 1 and jan.difference == 10 and jan.flagged


@pytest.mark.parametrize("stocktake, flagged", [("505", False), ("495", False), ("505.000001", True),
                                                ("494.999999", True)])
def test_tolerance_is_one_percent_of_expected_when_above_the_minimum(stocktake, flagged):
    (jan,) = reconcile(months((JAN, 500, 0, stocktake)))
    assert jan.tolerance == 5 and jan.flagged is flagged


@pytest.mark.parametrize("stocktake, flagged", [("51", False), ("49", False), ("51.01", True), ("48.99", True)])
def test_tolerance_is_the_minimum_when_one_percent_is_smaller(stocktake, flagged):
    (jan,) = reconcile(months((JAN, 50, 0, stocktake)))
    assert jan.tolerance == 1 and jan.flagged is flagged


def test_a_per_substance_minimum_and_rate():
    (jan,) = reconcile(months((JAN, 50, 0, 53)), rate=D("0.01"), minimum=D("5"))
    assert jan.tolerance == 5 and not jan.flagged
    (jan,) = reconcile(months((JAN, 1000, 0, 1040)), rate=D("0.05"), minimum=D("1"))
    assert jan.tolerance == 50 and not jan.flagged


def test_unit_conversion():
    assert to_base(D("1.5"), "t") == D("1500")
    assert to_base(D("2.25"), "kg") == D("2.25") and to_base(D("3"), "L") == D("3")
    assert to_base(D("4"), "cylinder") == D("4")
    assert to_base(D("0.0000004"), "kg") == D("0")  # six decimal places, half up
    assert unit_matches("t", "kg") and unit_matches("kg", "kg") and not unit_matches("L", "kg")


# --- the stored flags ------------------------------------------------------------------------------------


@pytest.fixture
def pair(db):
    unit = make_unit()
    sub = substance("7722-64-7")  # potassium permanganate, a solid: kg
    assert sub.base_unit == "kg"
    return unit, sub


def flags(unit, rule=FlagRule.RECONCILIATION, **filters):
    return ReconciliationFlag.objects.filter(unit=unit, rule=rule, **filters).order_by("month")


def test_worked_example_with_tonnes_and_the_last_stocktake_of_a_month(pair):
    unit, sub = pair
    tx(unit, sub, "purchase", "1.2", "2024-01-05", "t")       # 1200 kg
    tx(unit, sub, "use", "150", "2024-01-20", "kg")
    tx(unit, sub, "stocktake", "1000", "2024-01-25", "kg")    # an early count, superseded
    tx(unit, sub, "stocktake", "1040", "2024-01-31", "kg")    # expected 1050, tolerance 10.5: fine
    tx(unit, sub, "sale", "200", "2024-02-10", "kg")          # Feb opens at 1040
    tx(unit, sub, "loss", "5", "2024-02-11", "kg")
    tx(unit, sub, "stocktake", "800", "2024-02-29", "kg")     # expected 835, tolerance 8.35: flagged
    tx(unit, sub, "production", "0.1", "2024-04-02", "t")     # April opens at 800 (Feb stocktake, March empty)
    tx(unit, sub, "stocktake", "890", "2024-04-30", "kg")     # expected 900, tolerance 9: flagged
    reconcile_pairs([(unit.pk, sub.pk)])
    jan, feb, apr = month_results((unit.pk, sub.pk))
    assert (jan.expected, jan.stocktake, jan.flagged) == (1050, 1040, False)
    assert (feb.opening, feb.expected, feb.stocktake, feb.tolerance, feb.flagged) == (1040, 835, 800, D("8.35"), True)
    assert (apr.opening, apr.expected, apr.flagged) == (800, 900, True)
    stored = list(flags(unit))
    assert [f.month for f in stored] == [FEB, APR]
    assert (stored[0].expected, stored[0].stocktake, stored[0].difference, stored[0].tolerance) == (
        D(835), D(800), D(-35), D("8.35"))
    assert stored[0].month_end == datetime.date(2024, 2, 29)
    balance = StockBalance.objects.get(unit=unit, substance=sub)
    assert (balance.first_month, balance.last_month, balance.closing_expected) == (JAN, APR, D(900))
    assert (balance.last_stocktake, balance.last_stocktake_on) == (D(890), datetime.date(2024, 4, 30))


def test_recomputing_changes_nothing_and_a_correction_clears_the_flag(pair):
    unit, sub = pair
    tx(unit, sub, "purchase", "100", "2024-01-05")
    count = tx(unit, sub, "stocktake", "80", "2024-01-31")
    reconcile_pairs([(unit.pk, sub.pk)])
    first = list(flags(unit).values_list("pk", "last_updated"))
    assert len(first) == 1
    store = reconcile_pairs([(unit.pk, sub.pk)])
    assert (store.raised, store.cleared, store.updated) == (0, 0, 0)
    assert list(flags(unit).values_list("pk", "last_updated")) == first
    count.base_quantity = count.quantity = D(100)
    count.save()
    reconcile_pairs([(unit.pk, sub.pk)])
    assert not flags(unit).exists()  # nobody worked on it: gone


def test_a_worked_flag_is_kept_inactive_when_the_data_no_longer_raise_it(pair):
    unit, sub = pair
    tx(unit, sub, "purchase", "100", "2024-01-05")
    count = tx(unit, sub, "stocktake", "80", "2024-01-31")
    reconcile_pairs([(unit.pk, sub.pk)])
    flags(unit).update(status=FlagStatus.RESOLVED, resolution="count error")
    count.delete()
    reconcile_pairs([(unit.pk, sub.pk)])
    flag = flags(unit).get()
    assert not flag.active and flag.status == FlagStatus.RESOLVED


def test_negative_expected_stock_is_a_separate_rule(pair):
    unit, sub = pair
    tx(unit, sub, "sale", "10", "2024-01-05")
    reconcile_pairs([(unit.pk, sub.pk)])
    assert not flags(unit).exists()
    negative = flags(unit, FlagRule.NEGATIVE_STOCK).get()
    assert negative.expected == -10 and negative.month == JAN


def test_cylinders_reconcile_as_counts(db):
    from jindu.precursors.services import substance_hydrogen

    unit = make_unit(kind="gas_filling")
    gas = substance_hydrogen()
    tx(unit, gas, "purchase", "10", "2024-03-01", "cylinder")
    tx(unit, gas, "sale", "4", "2024-03-15", "cylinder")
    tx(unit, gas, "stocktake", "4", "2024-03-31", "cylinder")  # 6 expected, tolerance 1: flagged
    reconcile_pairs([(unit.pk, gas.pk)])
    flag = flags(unit).get()
    assert (flag.expected, flag.stocktake, flag.tolerance) == (6, 4, 1)


def test_one_substance_minimum_changes_the_flags(pair, officer):
    from jindu.precursors.services import substance_update

    unit, sub = pair
    tx(unit, sub, "purchase", "100", "2024-01-05")
    tx(unit, sub, "stocktake", "97", "2024-01-31")
    reconcile_pairs([(unit.pk, sub.pk)])
    assert flags(unit).count() == 1
    substance_update(actor=officer, instance=sub, data={"reconciliation_minimum": D(5)})
    assert flags(unit).count() == 0
