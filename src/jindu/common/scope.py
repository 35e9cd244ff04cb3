"""Region scope: the one filter every read goes through.

A model declares ``scope_field``, the path from the model to its ``Region`` foreign key
(``"region"``, ``"case__region"``). A user's scope is a region (``user.scope_region``); a
record is in scope when its region lies at or under that region. Regions carry a
materialised ``path`` (``"540000/540100/540102/"``), so "at or under" is one prefix test.

Permissions come first: without ``<app>.<action>_<model>`` a user sees nothing at all.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q


def permission_name(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def region_q(field, region):
    """Q for rows whose ``field`` (a Region foreign key path) lies at or under ``region``.

    The single helper for "region code R covers its descendants": selectors, statistics and
    the scope filter all use it.
    """
    if region is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": region.path})


def ancestor_codes(region):
    """Codes of the regions above ``region`` (its path without itself)."""
    return region.path.strip("/").split("/")[:-1] if region is not None else []


def scope_q(user, model, action="view"):
    """The Q that limits ``model`` rows to ``user``'s region, or None when unlimited."""
    field = getattr(model, "scope_field", None)
    if field is None:
        return None
    region = getattr(user, "scope_region", None)
    q = region_q(field, region)
    if action == "view" and getattr(model, "scope_view_ancestors", False) and region is not None:
        q |= Q(**{f"{field}__code__in": ancestor_codes(region)})
    return q


def restrict_queryset(queryset, user, action="view"):
    model = queryset.model
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if not user.has_perm(permission_name(model, action)):
        return queryset.none()
    q = scope_q(user, model, action)
    return queryset if q is None else queryset.filter(q)


def _resolve(obj, path):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def object_in_scope(user, obj, action="view"):
    """The same rule as :func:`restrict_queryset`, evaluated on one object in memory.

    Services and importers call it before and after a write so that a user can neither
    create nor move a record outside their region.
    """
    model = type(obj)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not user.has_perm(permission_name(model, action)):
        return False
    field = getattr(model, "scope_field", None)
    if field is None:
        return True
    region = _resolve(obj, field)
    scope = getattr(user, "scope_region", None)
    if region is None or scope is None:
        return False
    if action == "view" and getattr(model, "scope_view_ancestors", False) and region.code in ancestor_codes(scope):
        return True
    return region.path.startswith(scope.path)


def require_scope(user, obj, action):
    if not object_in_scope(user, obj, action):
        raise PermissionDenied("out of scope")
