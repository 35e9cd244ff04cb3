"""An independent check of the statistics contract, as an outside checker would run it: random units and
transactions imported with ``jindu import``, ``jindu stats`` compared with a computation written here straight
from DESIGN.md (floats, its own month arithmetic, no code of the app)."""

import csv
import json
import random

import pytest
from django.core.management import call_command

from jindu.common.identifiers import credit_check_char, id_check_char

COUNTIES = ["540102", "540103", "540104", "540602", "542523", "540202"]
CHEMICALS = ["67-64-1", "108-88-3", "7722-64-7", "高锰酸钾", "Sulfuric acid", "1333-74-0"]
DIRECTIONS = ["purchase", "production", "sale", "use", "loss", "stocktake"]
FACTOR = {"kg": 1.0, "L": 1.0, "t": 1000.0, "cylinder": 1.0}


def chemical_key(name):
    return {"高锰酸钾": "7722-64-7", "Sulfuric acid": "7664-93-9"}.get(name, name)


def month_index(day):
    year, month, _ = (int(part) for part in day.split("-"))
    return year * 12 + month - 1


def month_end(index):
    import calendar

    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}-{calendar.monthrange(year, month + 1)[1]:02d}"


def expected_stats(units, rows, start, end, prefix):
    """DESIGN.md, precursors section, read literally."""
    region_of = {code: region for code, region in units}
    in_region = {code for code, region in units if region.startswith(prefix)}
    transactions = sum(1 for r in rows if r["credit_code"] in in_region and start <= r["on"] <= end)
    pairs = {}
    for order, r in enumerate(rows):
        pairs.setdefault((r["credit_code"], chemical_key(r["chemical"])), []).append((order, r))
    flags = 0
    for (code, _chemical), lines in pairs.items():
        if code not in in_region:
            continue
        months = sorted({month_index(r["on"]) for _, r in lines})
        opening = 0.0
        for index in range(months[0], months[-1] + 1):
            moves = [r for _, r in lines if month_index(r["on"]) == index]
            expected = opening
            for r in moves:
                quantity = float(r["quantity"]) * FACTOR[r["unit"]]
                if r["direction"] in ("purchase", "production"):
                    expected += quantity
                elif r["direction"] in ("sale", "use", "loss"):
                    expected -= quantity
            stocktakes = sorted(((r["on"], order), r) for order, r in lines
                                if month_index(r["on"]) == index and r["direction"] == "stocktake")
            if stocktakes:
                counted = float(stocktakes[-1][1]["quantity"]) * FACTOR[stocktakes[-1][1]["unit"]]
                if abs(counted - expected) > max(0.01 * expected, 1.0) and start <= month_end(index) <= end:
                    flags += 1
                opening = counted
            else:
                opening = expected
    units_count = sum(1 for code, region in units if region.startswith(prefix))
    del region_of
    return {"units": units_count, "transactions": transactions, "flagged_discrepancies": flags}


def random_data(rng, n_units=12, n_rows=600):
    units = []
    for n in range(n_units):
        body = f"9154010{rng.randint(0, 9)}{n:09d}"
        units.append((body + credit_check_char(body), rng.choice(COUNTIES)))
    rows = []
    for n in range(n_rows):
        code = rng.choice(units)[0]
        direction = rng.choices(DIRECTIONS, weights=[4, 1, 3, 3, 1, 3])[0]
        unit = rng.choice(["kg", "kg", "L", "t", "cylinder"])
        quantity = round(rng.uniform(0, 5 if unit == "t" else 400), rng.choice([0, 1, 2, 3]))
        day = f"2023-{rng.randint(10, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.2 else \
            f"2024-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.05:
            day = "2024-02-29"
        counterparty = ""
        if direction == "sale" and rng.random() < 0.5:
            if rng.random() < 0.5:
                counterparty = rng.choice(units)[0]
            else:
                birth = f"{rng.randint(1950, 2004)}0{rng.randint(1, 9)}{rng.randint(10, 28)}"
                body = f"540102{birth}{rng.randint(100, 999)}"
                counterparty = body + id_check_char(body)
        if counterparty == code:
            counterparty = ""
        rows.append({"ref": f"RND-{n:05d}", "credit_code": code, "chemical": rng.choice(CHEMICALS),
                     "direction": direction, "quantity": str(quantity), "unit": unit, "on": day,
                     "counterparty": counterparty})
    return units, rows


def write(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_import_matches_an_independent_computation(tmp_path, capsys, seed,
                                                          django_capture_on_commit_callbacks):
    rng = random.Random(seed)
    units, rows = random_data(rng)
    write_units = write(tmp_path / "units.csv", ["credit_code", "name", "kind", "region_code"],
                        [(code, f"单位{i}", "trader", region) for i, (code, region) in enumerate(units)])
    header = ["ref", "credit_code", "chemical", "direction", "quantity", "unit", "on", "counterparty"]
    write_rows = write(tmp_path / "tx.csv", header, [[r[k] for k in header] for r in rows])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import", "units", write_units)
        call_command("import", "transactions", write_rows)
    capsys.readouterr()
    for start, end, region in [("2024-01-01", "2024-06-30", "540000"), ("2023-11-15", "2024-02-29", "540100"),
                               ("2024-02-29", "2024-09-30", "542500"), ("2024-03-01", "2024-03-30", "540000")]:
        call_command("stats", "--from", start, "--to", end, "--region", region, "--format", "json")
        stats = json.loads(capsys.readouterr().out)
        assert stats["precursors"] == expected_stats(units, rows, start, end, region.rstrip("0")), (start, end, region)
