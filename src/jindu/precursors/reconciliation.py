"""The reconciliation (对账) of DESIGN.md, as a pure computation over monthly totals, and unit conversion.

Per unit x substance x calendar month, in the substance's base unit:

- opening(M) = the last stocktake dated in month M-1 if there is one, else closing_expected(M-1);
  0 before the first month with any transaction of the pair;
- closing_expected(M) = opening(M) + purchase + production - sale - use - loss over M (stocktakes excluded);
- a month holding a stocktake is flagged when |S - closing_expected(M)| > max(rate x closing_expected(M), minimum),
  S being its last stocktake (rate 0.01 and minimum 1 base unit unless the substance says otherwise).

Only months with transactions need to be looked at: a month without any keeps the stock where it was
(its closing_expected equals its opening), and it holds no stocktake, so the month after it opens with
what the last month with transactions left: its stocktake if it had one, else its closing_expected.
"""

import decimal
from dataclasses import dataclass

ZERO = decimal.Decimal(0)
PLACES = decimal.Decimal("0.000001")

# Factors to the base unit. t -> kg x 1000; a cylinder counts as one cylinder, a piece as one piece. A quantity
# recorded in kg for a substance reckoned in L (or the other way round) counts 1 kg = 1 L (the UNODC convention):
# the contract converts only tonnes, and a ledger in the "wrong" unit must still reconcile with itself.
FACTORS = {"kg": decimal.Decimal(1), "L": decimal.Decimal(1), "t": decimal.Decimal(1000),
           "cylinder": decimal.Decimal(1), "piece": decimal.Decimal(1)}
DIMENSION = {"kg": "kg", "t": "kg", "L": "L", "cylinder": "cylinder", "piece": "piece"}


def to_base(quantity, quantity_unit):
    """``quantity`` recorded in ``quantity_unit`` as an amount of the base unit (6 decimal places)."""
    return (decimal.Decimal(quantity) * FACTORS[quantity_unit]).quantize(PLACES, rounding=decimal.ROUND_HALF_UP)


def unit_matches(quantity_unit, base_unit):
    """Whether a recorded unit measures the same dimension as the base unit (kg and t for kg, ...)."""
    return DIMENSION.get(quantity_unit) == base_unit


@dataclass(frozen=True)
class MonthTotals:
    """The transactions of one pair in one month: inflow = purchase + production, outflow = sale + use + loss,
    stocktake = the quantity of the month's last stocktake (None: no stocktake)."""

    month: object
    inflow: decimal.Decimal = ZERO
    outflow: decimal.Decimal = ZERO
    stocktake: decimal.Decimal | None = None


@dataclass(frozen=True)
class MonthResult:
    month: object
    opening: decimal.Decimal
    inflow: decimal.Decimal
    outflow: decimal.Decimal
    expected: decimal.Decimal
    stocktake: decimal.Decimal | None
    difference: decimal.Decimal | None  # stocktake - expected
    tolerance: decimal.Decimal | None
    flagged: bool

    @property
    def closing(self):
        """What the next month opens with."""
        return self.stocktake if self.stocktake is not None else self.expected


def tolerance_for(expected, rate, minimum):
    return max(decimal.Decimal(rate) * expected, decimal.Decimal(minimum))


def reconcile(months, *, rate=decimal.Decimal("0.01"), minimum=decimal.Decimal(1)):
    """MonthResult for each MonthTotals of one pair (sorted by month, months with transactions only)."""
    results = []
    carry = ZERO
    for totals in months:
        opening = carry
        expected = opening + totals.inflow - totals.outflow
        difference = tolerance = None
        flagged = False
        if totals.stocktake is not None:
            difference = totals.stocktake - expected
            tolerance = tolerance_for(expected, rate, minimum)
            flagged = abs(difference) > tolerance
        result = MonthResult(totals.month, opening, totals.inflow, totals.outflow, expected, totals.stocktake,
                             difference, tolerance, flagged)
        results.append(result)
        carry = result.closing
    return results
