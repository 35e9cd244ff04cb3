"""Value parsers of import columns: one raw cell in, one Python value out.

A parser is a small object: calling it with a raw cell value (a ``str`` from a CSV file;
``str``, ``int``, ``float``, ``bool``, ``datetime`` from an .xlsx file) returns the parsed
value or raises ``ValidationError`` with a short reason that reads well in Chinese after
translation. ``describe()`` gives the format shown in the download template.

The engine has already stripped the cell, removed the apostrophe the exporter puts before
``= + - @`` and turned empty cells into ``None`` (parsers never see empty values).

Parsers that look records up (``RegionCode``) cache them for the duration of one import run
(:func:`run_cache`), so that 100,000 rows do not mean 100,000 queries for the same regions.
"""

import contextvars
import datetime
import decimal
import re
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_cache = contextvars.ContextVar("jindu_import_cache", default=None)


@contextmanager
def run_cache():
    """Cache look-ups made by parsers for one import run (per thread, thrown away afterwards)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def cached(key, load):
    """``load()`` once per import run; outside a run, every call loads afresh."""
    cache = _cache.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def as_text(value):
    """A cell as text: numbers from .xlsx cells lose a meaningless ``.0`` (1380000.0 -> "1380000")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class Parser:
    description = ""

    def __call__(self, value):
        raise NotImplementedError

    def describe(self):
        return str(self.description)


class Text(Parser):
    description = gettext_lazy("text")

    def __init__(self, max_length=None):
        self.max_length = max_length

    def __call__(self, value):
        if isinstance(value, datetime.datetime | datetime.date):
            raise ValidationError(_("A date is not allowed here."))
        text = as_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValidationError(_("Longer than {max} characters.").format(max=self.max_length))
        return text

    def describe(self):
        if self.max_length:
            return _("text, at most {max} characters").format(max=self.max_length)
        return str(self.description)


class Integer(Parser):
    def __init__(self, min_value=None, max_value=None):
        self.min_value, self.max_value = min_value, max_value

    def __call__(self, value):
        if isinstance(value, bool) or isinstance(value, datetime.date):
            raise ValidationError(_("Not a whole number."))
        if isinstance(value, float):
            if not value.is_integer():
                raise ValidationError(_("Not a whole number."))
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?[0-9]{1,18}", text):
                raise ValidationError(_("Not a whole number."))
            number = int(text)
        return check_bounds(number, self.min_value, self.max_value)

    def describe(self):
        return describe_bounds(_("whole number"), self.min_value, self.max_value)


MAX_DECIMAL_DIGITS = 15


class Decimal(Parser):
    def __init__(self, min_value=None, max_value=None, decimal_places=None, min_exclusive=False):
        self.min_value = None if min_value is None else decimal.Decimal(str(min_value))
        self.max_value = None if max_value is None else decimal.Decimal(str(max_value))
        self.decimal_places = decimal_places
        self.min_exclusive = min_exclusive

    def __call__(self, value):
        if isinstance(value, bool) or isinstance(value, datetime.date):
            raise ValidationError(_("Not a number."))
        text = repr(value) if isinstance(value, float) else str(value).strip()
        if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", text) or len(text) > 40:
            raise ValidationError(_("Not a number."))
        number = decimal.Decimal(text)
        if number and number.adjusted() >= MAX_DECIMAL_DIGITS:  # 1E30 and the like: no field holds them
            raise ValidationError(_("The number is too large."))
        if self.decimal_places is not None:
            quantum = decimal.Decimal(1).scaleb(-self.decimal_places)
            if number != number.quantize(quantum, rounding=decimal.ROUND_HALF_UP):
                raise ValidationError(_("At most {places} decimal places.").format(places=self.decimal_places))
            number = number.quantize(quantum)
        if self.min_exclusive and self.min_value is not None and number <= self.min_value:
            raise ValidationError(_("Must be greater than {min}.").format(min=self.min_value))
        return check_bounds(number, self.min_value, self.max_value)

    def describe(self):
        if self.min_exclusive and self.min_value is not None:
            text = _("number greater than {min}").format(min=self.min_value)
            return text if self.max_value is None else f"{text}, ≤ {self.max_value}"
        return describe_bounds(_("number"), self.min_value, self.max_value)


def check_bounds(number, min_value, max_value):
    if min_value is not None and number < min_value:
        raise ValidationError(_("Must be at least {min}.").format(min=min_value))
    if max_value is not None and number > max_value:
        raise ValidationError(_("Must be at most {max}.").format(max=max_value))
    return number


def describe_bounds(kind, min_value, max_value):
    if min_value is not None and max_value is not None:
        return f"{kind}, {min_value} – {max_value}"
    if min_value is not None:
        return f"{kind}, ≥ {min_value}"
    if max_value is not None:
        return f"{kind}, ≤ {max_value}"
    return str(kind)


TRUE_WORDS = {"true", "1", "yes", "y", "是"}
FALSE_WORDS = {"false", "0", "no", "n", "否"}


class Boolean(Parser):
    description = "true / false, 1 / 0, 是 / 否"

    def __call__(self, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValidationError(_("Not a yes/no value (true/false, 1/0, 是/否)."))


DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Date(Parser):
    """ISO ``YYYY-MM-DD`` text, or a date cell of Excel (openpyxl gives a datetime)."""

    description = "YYYY-MM-DD"

    def __init__(self, min_value=None, max_value=None):
        self.min_value, self.max_value = min_value, max_value

    def __call__(self, value):
        if isinstance(value, datetime.datetime):
            if value.time() != datetime.time(0, 0):
                raise ValidationError(_("A date without a time is expected."))
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        else:
            text = str(value).strip()
            if text.endswith(" 00:00:00"):  # a date cell saved as CSV by some spreadsheet programs
                text = text[:-9]
            if not DATE_RE.fullmatch(text):
                raise ValidationError(_("Not a date in the form YYYY-MM-DD."))
            try:
                day = datetime.date.fromisoformat(text)
            except ValueError:
                raise ValidationError(_("No such date."))
        return check_bounds(day, self.min_value, self.max_value)


class Choice(Parser):
    """A code of a ``TextChoices`` class; its Chinese (or English) label is accepted too."""

    def __init__(self, choices):
        self.choices = choices
        self._labels = None

    def lookup(self):
        if self._labels is None:
            labels = {}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    for code, label in self.choices.choices:
                        labels.setdefault(str(label).strip().lower(), code)
            labels.update({str(code).lower(): code for code in self.choices.values})
            self._labels = labels
        return self._labels

    def __call__(self, value):
        text = as_text(value)
        code = self.lookup().get(text.lower())
        if code is None:
            raise ValidationError(_("Unknown value {value}; allowed: {allowed}.").format(
                value=text, allowed=", ".join(self.choices.values)))
        return code

    def describe(self):
        return "; ".join(f"{code} ({label})" for code, label in self.choices.choices)


class RegionCode(Parser):
    """A GB/T 2260 code of a region loaded in ``core.Region``; returns the Region."""

    description = gettext_lazy("six-digit region code (GB/T 2260)")

    def __call__(self, value):
        text = as_text(value)
        regions = cached("core.Region", lambda: {r.code: r for r in apps.get_model("core", "Region").objects.all()})
        region = regions.get(text)
        if region is None:
            raise ValidationError(_("Unknown region code {value}.").format(value=text))
        return region
