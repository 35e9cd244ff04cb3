"""The precursors section of DESIGN.md's statistics, against hand-computed figures."""

import pytest

from jindu.common.testing import region
from jindu.precursors.selectors import by_prefecture, by_substance, statistics
from jindu.precursors.services import reconcile_pairs
from jindu.reports.statistics import compute

from .factories import make_unit, substance, tx


def stats(date_from, date_to, code="540000"):
    return statistics(date_from, date_to, region(code))["precursors"]


@pytest.fixture
def scenario(db):
    """Two Lhasa units (Chengguan, Doilungdêqên) and one in Gar (Ngari).

    Chengguan, acetone (L): Feb +100, stocktake 28 Feb 90 -> flag Feb (|90-100| = 10 > 1);
      Mar -20 (opens at 90: 70), stocktake 31 Mar 70 -> fine; Apr stocktake 60 -> flag Apr.
    Doilungdêqên, toluene (L): 31 Jan purchase 2 t = 2000, stocktake 31 Jan 1975 -> |25| > max(20, 1): flag Jan.
    Gar, acetone: Jun +10, stocktake 30 Jun 12 -> |2| > 1 flagged Jun.
    """
    chengguan = make_unit("540102")
    doilung = make_unit("540103")
    gar = make_unit("542523")
    make_unit("540104")  # no transactions: still a unit
    acetone, toluene = substance("67-64-1"), substance("108-88-3")
    tx(chengguan, acetone, "purchase", "100", "2024-02-10")
    tx(chengguan, acetone, "stocktake", "90", "2024-02-28")
    tx(chengguan, acetone, "use", "20", "2024-03-05")
    tx(chengguan, acetone, "stocktake", "70", "2024-03-31")
    tx(chengguan, acetone, "stocktake", "60", "2024-04-30")
    tx(doilung, toluene, "purchase", "2", "2024-01-31", "t")
    tx(doilung, toluene, "stocktake", "1975", "2024-01-31")
    tx(gar, acetone, "purchase", "10", "2024-06-01")
    tx(gar, acetone, "stocktake", "12", "2024-06-30")
    reconcile_pairs([(chengguan.pk, acetone.pk), (doilung.pk, toluene.pk), (gar.pk, acetone.pk)])
    return chengguan, doilung, gar


def test_whole_region_first_half(scenario):
    assert stats("2024-01-01", "2024-06-30") == {"units": 4, "transactions": 9, "flagged_discrepancies": 4}


def test_region_subtree(scenario):
    assert stats("2024-01-01", "2024-06-30", "540100") == {"units": 3, "transactions": 7,
                                                           "flagged_discrepancies": 3}
    assert stats("2024-01-01", "2024-06-30", "540102") == {"units": 1, "transactions": 5,
                                                           "flagged_discrepancies": 2}
    assert stats("2024-01-01", "2024-06-30", "542500") == {"units": 1, "transactions": 2,
                                                           "flagged_discrepancies": 1}
    assert stats("2024-01-01", "2024-06-30", "540600") == {"units": 0, "transactions": 0,
                                                           "flagged_discrepancies": 0}


def test_units_count_regardless_of_period(scenario):
    assert stats("2030-01-01", "2030-01-31") == {"units": 4, "transactions": 0, "flagged_discrepancies": 0}


def test_a_flag_counts_when_its_month_ends_inside_the_period(scenario):
    # Feb flag: month ends 29 Feb. A period ending on 28 Feb holds the Feb stocktake but not the month end.
    assert stats("2024-02-01", "2024-02-28") == {"units": 4, "transactions": 2, "flagged_discrepancies": 0}
    assert stats("2024-02-29", "2024-02-29") == {"units": 4, "transactions": 0, "flagged_discrepancies": 1}
    assert stats("2024-01-31", "2024-03-31")["flagged_discrepancies"] == 2  # Jan (Doilungdêqên) and Feb
    assert stats("2024-04-30", "2024-06-29")["flagged_discrepancies"] == 1  # Apr only: June ends on the 30th


def test_transactions_count_stocktakes_and_use_the_date(scenario):
    assert stats("2024-01-31", "2024-01-31")["transactions"] == 2
    assert stats("2024-03-01", "2024-03-31")["transactions"] == 2


def test_the_engine_carries_the_precursors_section(scenario):
    result = compute("2024-01-01", "2024-06-30", "540000")
    assert result["precursors"] == {"units": 4, "transactions": 9, "flagged_discrepancies": 4}


def test_breakdowns(scenario):
    rows = {r["substance__cas"]: r for r in by_substance("2024-01-01", "2024-06-30", region("540000"))}
    assert rows["67-64-1"]["lines"] == 7 and rows["67-64-1"]["flags"] == 3 and rows["67-64-1"]["units"] == 2
    assert rows["108-88-3"]["inflow"] == 2000
    prefectures = {r["region"].code: r for r in by_prefecture("2024-01-01", "2024-06-30", region("540000"))}
    assert prefectures["540100"]["flagged_discrepancies"] == 3 and prefectures["542500"]["units"] == 1
