"""Random data through ``jindu import`` compared with a naive computation of the contract, as the independent
checks do: persons, episodes and drug tests as CSV files, then ``jindu stats`` for random periods and regions."""

import csv
import datetime
import io
import json
import random

import pytest
from django.core.management import call_command

from jindu.core.models import Region

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return str(path)


def naive(persons, episodes, tests, start, end, prefix):
    """The contract read literally; ``prefix`` of the codes under the region (GB/T 2260 is hierarchical)."""
    inside = {n for n, (region, _registered) in persons.items() if region.startswith(prefix)}
    registered = sum(1 for n in inside if persons[n][1] <= end)
    community = [e for e in episodes if e[1] in ("community_detox", "community_rehab") and e[0] in inside]
    in_community = {n for n, _m, s, e in community if s <= end and (e is None or e >= start)}
    tested = set()
    for n, day in tests:
        if n in in_community and start <= day <= end and any(
                m == n and s <= day and (e is None or e >= day) for m, _x, s, e in community):
            tested.add(n)
    rate = round(len(tested) / len(in_community), 4) if in_community else None
    return {"registered": registered, "in_community": len(in_community), "tested": len(tested), "test_rate": rate}


def test_random_imports_match_a_naive_computation(tmp_path):
    rng = random.Random(7)
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    persons = {}
    for _ in range(60):
        code = rng.choice(counties)
        birth = D(rng.randrange(1960, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
        number = f.make_id(code, f"{birth:%Y%m%d}", rng.randrange(1000))
        persons[number] = (code, D(2020, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1800)))
    episodes, tests = [], []
    for number in persons:
        day = D(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
        for _ in range(rng.randrange(0, 3)):  # consecutive, never overlapping
            measure = rng.choice(["community_detox", "community_rehab", "compulsory_isolation", "voluntary_treatment"])
            end = day + datetime.timedelta(days=rng.randrange(30, 500)) if rng.random() < 0.7 else None
            episodes.append((number, measure, day, end))
            if end is None:
                break
            day = end + datetime.timedelta(days=rng.randrange(1, 60))
        for _ in range(rng.randrange(0, 6)):
            tests.append((number, D(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1500))))
    call_command("import", "persons", write(tmp_path / "p.csv", [
        ["id_number", "name", "sex", "birth_date", "nationality", "region_code", "registered_on"],
        *[[n, "某某", "", "", "CN", c, r.isoformat()] for n, (c, r) in persons.items()]]), stdout=io.StringIO())
    call_command("import", "episodes", write(tmp_path / "e.csv", [
        ["ref", "id_number", "measure", "start_on", "end_on"],
        *[[f"E{i}", n, m, s.isoformat(), e.isoformat() if e else ""] for i, (n, m, s, e) in enumerate(episodes)]]),
        stdout=io.StringIO())
    call_command("import", "drug_tests", write(tmp_path / "t.csv", [
        ["ref", "id_number", "tested_on", "method", "result", "substance"],
        *[[f"T{i}", n, d.isoformat(), "urine", rng.choice(["negative", "positive"]), ""]
          for i, (n, d) in enumerate(tests)]]), stdout=io.StringIO())
    regions = ["540000", "540100", "540200", "542500", rng.choice(counties), rng.choice(counties)]
    for _ in range(12):
        start = D(2021, 6, 1) + datetime.timedelta(days=rng.randrange(0, 1000))
        end = start + datetime.timedelta(days=rng.randrange(0, 400))
        code = rng.choice(regions)
        out = io.StringIO()
        call_command("stats", "--from", start.isoformat(), "--to", end.isoformat(), "--region", code, stdout=out)
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        expected = naive(persons, episodes, tests, start, end, prefix)
        assert json.loads(out.getvalue())["persons"] == expected, (start, end, code)
