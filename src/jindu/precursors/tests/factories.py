"""Test data for the precursors app: valid identifiers and records built straight on the models.

Ledger lines are written through ``transaction_values`` (base quantity and month) but without the
services, so that tests can set up any ledger and then call the reconciliation themselves.
"""

import datetime
import decimal
import itertools

from jindu.common.identifiers import credit_check_char, id_check_char
from jindu.common.testing import region
from jindu.precursors.models import Substance, Transaction, Unit
from jindu.precursors.services import ensure_catalogue, transaction_values

_counter = itertools.count(1)


def credit_code(n=None):
    """A valid unified social credit code (GB 32100 check character) whose body encodes ``n``."""
    n = next(_counter) if n is None else n
    body = "91540100" + f"{n:09d}"
    return body + credit_check_char(body)


def id_number(n=1, birth="19850312", address="540102"):
    """A valid resident ID number (GB 11643) born on ``birth``."""
    body = f"{address}{birth}{n % 1000:03d}"
    return body + id_check_char(body)


def make_unit(region_code="540102", n=None, **fields):
    code = credit_code(n)
    values = {"name": f"单位{code[-6:]}", "kind": "trader", "region": region(region_code), **fields}
    return Unit.objects.create(credit_code=code, **values)


def substance(cas="67-64-1"):
    """A catalogue substance by CAS (acetone, reckoned in L, by default)."""
    ensure_catalogue()
    return Substance.objects.get(cas=cas)


def day(text):
    return datetime.date.fromisoformat(text)


def tx(unit, sub, direction, quantity, on, quantity_unit=None, ref=None, **fields):
    """A ledger line written directly (no reconciliation)."""
    data = transaction_values({
        "ref": ref or f"T{next(_counter)}", "unit": unit, "substance": sub, "direction": direction,
        "quantity": decimal.Decimal(str(quantity)), "quantity_unit": quantity_unit or sub.base_unit,
        "date": day(on) if isinstance(on, str) else on, **fields})
    return Transaction.objects.create(**data)
