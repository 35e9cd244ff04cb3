"""Masking of identity numbers, phones and names (去标识化) for pages, exports and audit rows."""

import re

ID_RE = re.compile(r"^[0-9]{17}[0-9Xx]$")


def mask_id_number(value):
    """``540102********043X``: the address code's first three and the last four characters."""
    if not value:
        return value
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value):
    if not value:
        return value
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value):
    if not value:
        return value
    value = str(value)
    return value[0] + "*" * (len(value) - 1)


def mask_value(field_name, value):
    if value in (None, ""):
        return value
    if "phone" in field_name:
        return mask_phone(value)
    if "name" in field_name:
        return mask_name(value)
    return mask_id_number(value)
