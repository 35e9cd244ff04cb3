"""API adoption of the security mechanisms: idempotent creation, versions on update and void, voids with a
reason (the reconciliation follows)."""

import pytest

from jindu.precursors.choices import FlagRule
from jindu.precursors.models import ReconciliationFlag, Transaction, Unit

from .factories import make_unit, substance, tx

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_a_repeated_creation_with_the_same_key_writes_one_line(client, county_officer):
    unit = make_unit("540102")
    substance()
    client.force_login(county_officer)
    body = {
        "ref": "API-1",
        "credit_code": unit.credit_code,
        "chemical": "67-64-1",
        "direction": "purchase",
        "quantity": "5",
        "unit": "L",
        "on": "2024-05-01",
    }
    first = client.post("/api/v1/precursors/transactions", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/precursors/transactions", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Transaction.objects.filter(ref="API-1").count() == 1
    other = client.post(
        "/api/v1/precursors/transactions", {**body, "quantity": "6"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422


def test_unit_updates_name_their_version(client, county_officer):
    unit = make_unit("540102", name="旧名称")
    client.force_login(county_officer)
    body = {"credit_code": unit.credit_code, "name": "新名称", "kind": "trader", "region_code": "540102"}
    url = f"/api/v1/precursors/units/{unit.pk}"
    assert client.put(url, body, content_type=JSON).status_code == 428
    assert client.put(url, {**body, "version": unit.version}, content_type=JSON).status_code == 200
    stale = client.put(url, {**body, "name": "第三个名称", "version": unit.version}, content_type=JSON)
    assert stale.status_code == 409
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("新名称", 2)
    assert client.get(url).json()["version"] == 2


def test_voiding_a_ledger_line_through_the_api_needs_a_reason_and_clears_its_flag(client, county_officer):
    unit, sub = make_unit("540102"), substance()
    tx(unit, sub, "purchase", "10", "2024-01-05")
    wrong = tx(unit, sub, "stocktake", "5", "2024-01-31")
    from jindu.precursors.services import reconcile_pairs

    reconcile_pairs([(unit.pk, sub.pk)])
    assert ReconciliationFlag.objects.filter(unit=unit, rule=FlagRule.RECONCILIATION).exists()
    client.force_login(county_officer)
    url = f"/api/v1/precursors/transactions/{wrong.pk}"
    assert client.delete(url, {"reason": ""}, content_type=JSON).status_code == 422
    assert client.delete(url, {"reason": "盘点数录错"}, content_type=JSON).status_code == 204
    assert Transaction.all_objects.get(pk=wrong.pk).voided
    assert client.get(url).status_code == 404
    assert not ReconciliationFlag.objects.filter(unit=unit, rule=FlagRule.RECONCILIATION).exists()


def test_another_countys_unit_cannot_be_voided(client, county_officer):
    other = make_unit("542523")
    client.force_login(county_officer)
    assert client.delete(f"/api/v1/precursors/units/{other.pk}", {"reason": "x"}, content_type=JSON).status_code == 404
    assert not Unit.all_objects.get(pk=other.pk).voided
