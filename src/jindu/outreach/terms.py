"""School terms (学期): ``2024-spring`` runs February to July, ``2024-autumn`` August to January.

Tibet's schools open in March (after the Tibetan New Year) and in September; the "first lesson
of the school year" is held at the start of each term. A term code sorts chronologically.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TERM_RE = re.compile(r"^(\d{4})-(spring|autumn)$")


def term_of(day):
    """The term a date falls in (January belongs to the autumn term of the year before)."""
    if day.month == 1:
        return f"{day.year - 1}-autumn"
    return "{}-{}".format(day.year, "spring" if day.month <= 7 else "autumn")


def term_bounds(term):
    """(first day, last day) of a term."""
    match = TERM_RE.match(term or "")
    if not match:
        raise ValueError(term)
    year = int(match.group(1))
    if match.group(2) == "spring":
        return datetime.date(year, 2, 1), datetime.date(year, 7, 31)
    return datetime.date(year, 8, 1), datetime.date(year + 1, 1, 31)


def term_label(term):
    match = TERM_RE.match(term or "")
    if not match:
        return term
    if match.group(2) == "spring":
        return _("{year} spring term").format(year=match.group(1))
    return _("{year} autumn term").format(year=match.group(1))


def validate_term(value):
    if not TERM_RE.match(value or ""):
        raise ValidationError(_("A term is written like 2024-spring or 2024-autumn."), code="term")


def recent_terms(today=None, count=6):
    """The current term and the ones before it, newest first (choices of the coverage page)."""
    day = today or datetime.date.today()
    terms = []
    for _i in range(count):
        term = term_of(day)
        terms.append(term)
        start, _end = term_bounds(term)
        day = start - datetime.timedelta(days=1)
    return terms
