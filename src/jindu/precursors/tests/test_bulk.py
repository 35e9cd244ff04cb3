"""The set-based month rules give exactly what the pair-by-pair reconciliation gives."""

import random

import pytest
from django.core.management import call_command

from jindu.common.testing import region
from jindu.precursors.bulk import reconcile_region_months
from jindu.precursors.choices import FlagRule
from jindu.precursors.models import ReconciliationFlag, StockBalance, Transaction
from jindu.precursors.services import reconcile_pairs

from .factories import make_unit, substance, tx

pytestmark = pytest.mark.django_db
FIELDS = ("unit_id", "substance_id", "rule", "month", "month_end", "opening", "expected", "stocktake", "difference",
          "tolerance", "active")


def flags():
    return sorted(ReconciliationFlag.objects.filter(rule__in=[FlagRule.RECONCILIATION, FlagRule.NEGATIVE_STOCK])
                  .values_list(*FIELDS))


def balances():
    return sorted(StockBalance.objects.exclude(first_month__isnull=True).values_list(
        "unit_id", "substance_id", "first_month", "last_month", "closing_expected", "last_stocktake",
        "last_stocktake_on"))


@pytest.fixture
def ledger():
    rng = random.Random(7)
    units = [make_unit(code) for code in ("540102", "540103", "542523", "540602")]
    subs = [substance(cas) for cas in ("67-64-1", "7722-64-7", "108-88-3")]
    for _n in range(500):
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        direction = rng.choice(["purchase", "production", "sale", "use", "loss", "stocktake", "stocktake",
                                "transfer"])
        tx(rng.choice(units), rng.choice(subs), direction, rng.choice(["10", "25.5", "100", "0.2", "3"]), day,
           rng.choice(["kg", "t", "L"]))
    return units, subs


def test_bulk_equals_pair_by_pair(ledger):
    pairs = set(Transaction.objects.values_list("unit_id", "substance_id"))
    reconcile_pairs(pairs)
    by_pairs, by_pairs_balances = flags(), balances()
    assert by_pairs and any(f[2] == FlagRule.RECONCILIATION for f in by_pairs)
    counts = reconcile_region_months()
    assert (counts["raised"], counts["cleared"]) == (0, 0)
    assert flags() == by_pairs and balances() == by_pairs_balances
    ReconciliationFlag.objects.all().delete()
    StockBalance.objects.all().delete()
    reconcile_region_months()
    assert flags() == by_pairs and balances() == by_pairs_balances


def test_bulk_for_one_region_leaves_the_others(ledger):
    units, _ = ledger
    reconcile_region_months(region("540100"))
    assert {f[0] for f in flags()} <= {units[0].pk, units[1].pk}
    reconcile_region_months(region("540000"))
    assert {f[0] for f in flags()} - {units[0].pk, units[1].pk}


def test_reconcile_command(ledger, capsys):
    call_command("reconcile")
    assert '"pairs": 12' in capsys.readouterr().out
    assert ReconciliationFlag.objects.filter(rule=FlagRule.LICENCE_VALIDITY).exists()


def test_a_pair_without_lines_loses_its_balance(ledger):
    units, _ = ledger
    reconcile_region_months()
    gar = units[2]
    assert StockBalance.objects.filter(unit=gar).exclude(first_month__isnull=True).exists()
    ReconciliationFlag.objects.filter(unit=gar).delete()
    Transaction.objects.filter(unit=gar).delete()
    reconcile_region_months(region("540100"))  # another region: Gar's balances stay as they were
    assert StockBalance.objects.filter(unit=gar).exclude(first_month__isnull=True).exists()
    reconcile_region_months(region("542500"))
    assert not StockBalance.objects.filter(unit=gar).exclude(first_month__isnull=True).exists()
    assert StockBalance.objects.filter(unit=units[0]).exclude(first_month__isnull=True).exists()


def test_a_changed_ledger_changes_the_balance(ledger):
    from decimal import Decimal

    reconcile_region_months()
    line = Transaction.objects.exclude(direction__in=["stocktake", "transfer"]).order_by("-date").first()
    line.quantity = line.base_quantity = line.base_quantity + Decimal(7)
    line.quantity_unit = "kg"
    line.save()
    reconcile_region_months()
    after_bulk = balances()
    reconcile_pairs(set(Transaction.objects.values_list("unit_id", "substance_id")))
    assert balances() == after_bulk
