"""The prize draw: a pure function of a published record, so that anyone can re-run it.

The record (``record_json``) holds the seed, the prizes in drawing order (name, number, minimum score) and
the candidates (pseudonymous participant code, best score). The algorithm:

1. every candidate gets the ticket ``SHA-256(seed + "\\n" + code)`` (hex);
2. candidates are ordered by ticket (then code);
3. prizes are drawn in their order: each takes, walking that order, the first ``count`` candidates whose
   best score reaches its minimum and who have not won yet (one prize per participant).

In Python, with the JSON record saved as ``draw.json``::

    import hashlib, json
    record = json.load(open("draw.json", encoding="utf-8"))
    def ticket(code): return hashlib.sha256((record["seed"] + "\\n" + code).encode()).hexdigest()
    order = sorted(record["candidates"], key=lambda c: (ticket(c["code"]), c["code"]))
    won = set()
    for prize in record["prizes"]:
        picked = [c["code"] for c in order if c["score"] >= prize["min_score"] and c["code"] not in won]
        picked = picked[:prize["count"]]
        won.update(picked)
        print(prize["name"], picked)

The candidate list and its SHA-256 are published when the list is frozen, before the seed is known.
"""

import hashlib
import json


def canonical(candidates):
    """The candidate list as published: sorted by code, compact JSON (its SHA-256 is published)."""
    rows = sorted(({"code": c["code"], "score": int(c["score"])} for c in candidates), key=lambda c: c["code"])
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def candidates_sha256(candidates):
    return hashlib.sha256(canonical(candidates).encode("utf-8")).hexdigest()


def ticket(seed, code):
    return hashlib.sha256(f"{seed}\n{code}".encode()).hexdigest()


def run(seed, prizes, candidates):
    """Winners per prize: ``prizes`` is [{"name", "count", "min_score"}] in drawing order, ``candidates``
    [{"code", "score"}]. Returns [(prize index, [(position, code), ...]), ...]."""
    if not seed:
        raise ValueError("the draw needs a seed")
    order = sorted(candidates, key=lambda c: (ticket(seed, c["code"]), c["code"]))
    positions = {c["code"]: number for number, c in enumerate(order, start=1)}
    won = set()
    result = []
    for index, prize in enumerate(prizes):
        picked = []
        for candidate in order:
            if len(picked) >= prize["count"]:
                break
            if candidate["score"] >= prize["min_score"] and candidate["code"] not in won:
                picked.append((positions[candidate["code"]], candidate["code"]))
                won.add(candidate["code"])
        result.append((index, picked))
    return result


def verify(record):
    """Re-run a published record: True when its candidates match their hash and its winners come out again."""
    if candidates_sha256(record["candidates"]) != record["candidates_sha256"]:
        return False
    again = run(record["seed"], record["prizes"], record["candidates"])
    expected = [[w["code"] for w in prize.get("winners", [])] for prize in record["prizes"]]
    return [[code for _position, code in picked] for _index, picked in again] == expected
