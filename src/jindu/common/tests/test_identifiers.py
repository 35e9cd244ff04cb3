import datetime

import pytest
from django.core.exceptions import ValidationError

from jindu.common.identifiers import (
    check_id_consistency,
    credit_check_char,
    id_check_char,
    parse_id_number,
    validate_credit_code,
)


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [("54010219900315043X", datetime.date(1990, 3, 15), "M"), ("540202198511021280", datetime.date(1985, 11, 2), "F"),
     ("542523200107303577", datetime.date(2001, 7, 30), "M"), ("54010219900315043x", datetime.date(1990, 3, 15), "M"),
     # retired Tibetan codes and other provinces are fine: people move and codes change
     ("542301" + "19800101" + "123" + id_check_char("54230119800101123"), datetime.date(1980, 1, 1), "M"),
     ("110105" + "19791231" + "002" + id_check_char("11010519791231002"), datetime.date(1979, 12, 31), "F")],
)
def test_valid_numbers(number, birth, sex):
    assert parse_id_number(number)[1:] == (birth, sex)


@pytest.mark.parametrize(
    ("number", "code"),
    [("540102199003150430", "id_checksum"), ("540202202302291283", "id_birth_date"), ("5401021990031504", "id_format"),
     ("54010219900315043Y", "id_format"), ("990102199003150431", "id_address"),
     ("540102" + "20990101" + "123" + id_check_char("54010220990101123"), "id_birth_date")],
)
def test_invalid_numbers(number, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(number)
    assert error.value.code == code


def test_birth_date_and_sex_must_agree():
    assert check_id_consistency("54010219900315043X", datetime.date(1990, 3, 15), "M") == (
        datetime.date(1990, 3, 15), "M")
    with pytest.raises(ValidationError) as error:
        check_id_consistency("54010219900315043X", datetime.date(1990, 3, 16), "F")
    assert set(error.value.message_dict) == {"birth_date", "sex"}


def test_credit_codes():
    for published in ("9144030071526726XG", "91330100799655058B", "91110108551385082Q"):  # real companies' codes
        assert validate_credit_code(published) == published
    body = "91540100MA6T12345"
    code = body + credit_check_char(body)
    assert validate_credit_code(code.lower()) == code
    wrong = body + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        validate_credit_code(wrong)
    with pytest.raises(ValidationError):
        validate_credit_code("91540100MA6T1234I5")
