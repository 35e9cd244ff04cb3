"""Test data for the persons app: valid identity numbers and records built directly (services are
tested on their own; these build any situation, including ones the services refuse)."""

import datetime
import itertools

from jindu.common.identifiers import id_check_char
from jindu.common.testing import region

from ..models import DrugTest, Episode, Person

_seq = itertools.count(11)


def make_id(address="540102", birth="19900315", seq=None):
    """A valid 18-character resident identity number (odd sequence = male)."""
    seq = next(_seq) % 1000 if seq is None else seq
    body = f"{address}{birth}{seq:03d}"
    return body + id_check_char(body)


def person(region_code="540102", registered_on=datetime.date(2023, 1, 1), name="次仁", **fields):
    number = fields.pop("id_number", None) or make_id(region_code if region_code.startswith("54") else "540102")
    obj = Person(id_number=number, name=name, region=region(region_code), registered_on=registered_on, **fields)
    obj.full_clean()
    obj.save()
    return obj


def episode(person, measure, start_on, end_on=None, **fields):
    obj = Episode(person=person, measure=measure, start_on=start_on, end_on=end_on,
                  ref=fields.pop("ref", f"EP-{next(_seq)}"), **fields)
    obj.save()
    return obj


def test(person, tested_on, result="negative", **fields):
    obj = DrugTest(person=person, tested_on=tested_on, result=result, method=fields.pop("method", "urine"),
                   ref=fields.pop("ref", f"DT-{next(_seq)}"), **fields)
    obj.save()
    return obj


test.__test__ = False  # not a pytest test
