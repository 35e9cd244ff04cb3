"""Template filters of the precursors pages."""

from django import template

register = template.Library()


@register.filter
def counterparty_for(line, user):
    """A ledger line's counterparty as ``user`` may see it (``Transaction.counterparty_for``)."""
    return line.counterparty_for(user)
