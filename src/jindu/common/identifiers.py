"""Chinese identifiers: resident identity numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).

The one place these are validated: forms, importers and services of every app call these.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
# Province-level codes of GB/T 2260 (an address code may be any province's, and retired).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
}


def normalise_id_number(value):
    return str(value or "").strip().upper()


def id_check_char(body17):
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(value, today=None):
    """Validate an 18-character resident ID; return (normalised number, birth date, sex "M"/"F").

    Raises ValidationError with a Chinese-translatable message saying what is wrong.
    """
    number = normalise_id_number(value)
    if not ID_RE.match(number):
        raise ValidationError(_("An identity number has 17 digits and a final digit or X."), code="id_format")
    if number[:2] not in PROVINCES:
        raise ValidationError(_("The identity number's address code {code} is not a Chinese division.").format(
            code=number[:6]), code="id_address")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The identity number holds no real birth date ({date}).").format(
            date=number[6:14]), code="id_birth_date") from None
    if birth > (today or datetime.date.today()) or birth.year < 1880:
        raise ValidationError(_("The identity number's birth date {date} is impossible.").format(
            date=birth.isoformat()), code="id_birth_date")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("The identity number's check character is wrong: please check each digit."),
                              code="id_checksum")
    return number, birth, "M" if int(number[16]) % 2 else "F"


def validate_id_number(value):
    """Django field validator."""
    parse_id_number(value)


def check_id_consistency(number, birth_date=None, sex=None):
    """The birth date and sex given beside an ID number must agree with it. Returns (birth, sex)."""
    _number, birth, derived_sex = parse_id_number(number)
    errors = {}
    if birth_date and birth_date != birth:
        errors["birth_date"] = _("The birth date {given} differs from the identity number's {derived}.").format(
            given=birth_date, derived=birth)
    if sex and sex != derived_sex:
        errors["sex"] = _("The sex differs from the identity number's ({derived}).").format(derived=derived_sex)
    if errors:
        raise ValidationError(errors)
    return birth, derived_sex


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def credit_check_char(body17):
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value):
    """An 18-character unified social credit code with its GB 32100 check character."""
    code = str(value or "").strip().upper()
    if not CREDIT_RE.match(code):
        raise ValidationError(_("A unified social credit code has 18 characters (digits and capital letters "
                                "except I, O, Z, S, V)."), code="credit_format")
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The credit code's check character is wrong: please check each character."),
                              code="credit_checksum")
    return code
