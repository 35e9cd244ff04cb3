import datetime
import decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from jindu.common.importing import parsers
from jindu.core.choices import OrganisationKind


class Grade(models.TextChoices):
    A = "a", "甲级"
    B = "b", "乙级"


def refused(parser, value):
    with pytest.raises(ValidationError) as info:
        parser(value)
    return info.value.messages[0]


def test_text_keeps_numbers_from_excel_cells_readable():
    assert parsers.Text()(13800000000.0) == "13800000000"
    assert parsers.Text()(" abc ") == "abc"
    assert "5" in refused(parsers.Text(max_length=5), "abcdef")
    refused(parsers.Text(), datetime.date(2024, 1, 1))


@pytest.mark.parametrize("value, expected", [("12", 12), (12, 12), (12.0, 12), ("-3", -3), ("+4", 4)])
def test_integer_accepts(value, expected):
    assert parsers.Integer()(value) == expected


@pytest.mark.parametrize("value", ["1.5", 1.5, "abc", True, "1e3", "", datetime.date(2024, 1, 1)])
def test_integer_refuses(value):
    refused(parsers.Integer(), value)


def test_integer_bounds():
    assert parsers.Integer(min_value=0, max_value=10)("10") == 10
    assert "0" in refused(parsers.Integer(min_value=0), "-1")
    assert "10" in refused(parsers.Integer(max_value=10), "11")


def test_decimal():
    parse = parsers.Decimal(min_value=0, min_exclusive=True, decimal_places=3)
    assert parse("1.25") == decimal.Decimal("1.250")
    assert parse(0.1) == decimal.Decimal("0.100")
    refused(parse, "0")
    refused(parse, "1.2345")
    refused(parse, "abc")
    refused(parse, "nan")
    refused(parsers.Decimal(max_value=5), "5.5")
    assert "large" in refused(parse, "1E30")  # found by tests/test_import_fuzz.py: quantize() raised
    assert parse("1E-3") == decimal.Decimal("0.001")


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("FALSE", False), ("1", True), ("0", False), ("是", True), ("否", False),
    ("yes", True), ("No", False), (True, True), (0, False),
])
def test_boolean(value, expected):
    assert parsers.Boolean()(value) is expected


def test_boolean_refuses_other_words():
    refused(parsers.Boolean(), "maybe")


def test_date_accepts_iso_text_and_excel_date_cells():
    parse = parsers.Date()
    assert parse("2024-03-01") == datetime.date(2024, 3, 1)
    assert parse(datetime.datetime(2024, 3, 1)) == datetime.date(2024, 3, 1)
    assert parse(datetime.date(2024, 3, 1)) == datetime.date(2024, 3, 1)
    assert parse("2024-03-01 00:00:00") == datetime.date(2024, 3, 1)


@pytest.mark.parametrize("value", ["2024-02-30", "01/03/2024", "20240301", "2024-3-1", 45000,
                                   datetime.datetime(2024, 3, 1, 12, 30)])
def test_date_refuses(value):
    refused(parsers.Date(), value)


def test_date_bounds():
    parse = parsers.Date(max_value=datetime.date(2024, 12, 31))
    refused(parse, "2025-01-01")


def test_choice_by_code_or_chinese_label():
    parse = parsers.Choice(Grade)
    assert parse("a") == "a"
    assert parse("A") == "a"
    assert parse("乙级") == "b"
    message = refused(parse, "c")
    assert "c" in message and "a, b" in message


def test_choice_accepts_the_label_of_the_chinese_interface():
    with translation.override("zh-hans"):
        label = str(OrganisationKind.SCHOOL.label)
    assert parsers.Choice(OrganisationKind)(label) == "school"


@pytest.mark.django_db
def test_region_code():
    parse = parsers.RegionCode()
    assert parse("540102").code == "540102"
    assert parse(540102).code == "540102"
    assert "999999" in refused(parse, "999999")


@pytest.mark.django_db
def test_region_lookups_are_cached_for_one_run(django_assert_num_queries):
    parse = parsers.RegionCode()
    with parsers.run_cache():
        with django_assert_num_queries(1):
            for _ in range(5):
                parse("540102")
