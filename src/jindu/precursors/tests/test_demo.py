"""The precursor part of the seed scenario: plausible, zero diversion in the first half of 2024, idempotent."""

import pytest
from django.db.models import Q

from jindu.common.testing import region
from jindu.precursors import demo
from jindu.precursors.models import Cylinder, CylinderEvent, ReconciliationFlag, Substance, Transaction, Unit
from jindu.precursors.selectors import statistics

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_reconciles_without_flags():
    created = demo.load()
    assert created["units"] >= 20 and created["transactions"] > 1000
    assert demo.load() == {}
    stats = statistics("2024-01-01", "2024-06-30", region("540000"))["precursors"]
    assert stats["flagged_discrepancies"] == 0 and stats["units"] == Unit.objects.count()
    assert not ReconciliationFlag.objects.exists()  # no rule raises anything: zero diversion
    supervised = Substance.objects.filter(Q(transactions__isnull=False) | Q(licences__isnull=False)).distinct()
    assert supervised.count() >= 30
    prefectures = {unit.region.parent.code for unit in Unit.objects.select_related("region__parent")}
    assert len(prefectures) >= 6
    assert Unit.objects.filter(found_by="grid_sweep").count() == Unit.objects.count()
    sales = CylinderEvent.objects.filter(kind="sale")
    assert sales.exists() and all(event.buyer_id_number and event.buyer_name for event in sales)
    assert Cylinder.objects.count() == 18
    assert Transaction.objects.filter(date__year=2024, date__month__lte=6).count() == stats["transactions"]
