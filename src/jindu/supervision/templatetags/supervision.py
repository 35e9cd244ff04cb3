"""The notification bell of the page header.

templates/base.html includes supervision/includes/notification_bell.html, which calls this tag."""

from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("supervision/includes/bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = user is not None and user.is_authenticated
    return {"show": show, "count": unread_count(user) if show else 0}


@register.filter
def percent(value):
    """0.9512 -> 95.1%"""
    if value in (None, ""):
        return "—"
    return f"{float(value) * 100:.1f}%"
