"""Template filters of the enforcement pages."""

from django import template

from jindu.common.masking import mask_id_number

from ..tables import format_quantity

register = template.Library()


@register.filter
def masked(value):
    """An identity or passport number as pages show it: 540***********043X."""
    return mask_id_number(value) or "—"


@register.filter
def quantity(value):
    """A seizure quantity without trailing zeros: 12.500000 -> 12.5."""
    return format_quantity(value)
