"""Base FilterSet (STYLE rule 10): a search box and a region filter that covers descendants."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BaseFilterSet(django_filters.FilterSet):
    """Subclasses set ``search_fields`` (lookups OR-ed by the ``q`` box)."""

    search_fields = ()

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        query = Q()
        for lookup in self.search_fields:
            query |= Q(**{lookup: value})
        return queryset.filter(query)


class RegionCodeFilter(django_filters.CharFilter):
    """``?region=540100`` keeps records at or under that region (field: path to a Region FK)."""

    def filter(self, qs, value):
        if not value:
            return qs
        from django.apps import apps

        from .scope import region_q

        region = apps.get_model("core", "Region").objects.filter(code=value.strip()).first()
        return qs.filter(region_q(self.field_name, region))
