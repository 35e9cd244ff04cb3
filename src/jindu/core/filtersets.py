import django_filters
from django.utils.translation import gettext_lazy as _

from jindu.common.filtersets import BaseFilterSet, RegionCodeFilter

from .choices import OrganisationKind, RegionLevel, RoleCode
from .models import AuditLog, Organisation, Region, User


class RegionFilterSet(BaseFilterSet):
    search_fields = ("code__startswith", "name_zh__icontains", "name_en__icontains", "name_bo__icontains")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("level"))
    within = RegionCodeFilter(field_name="parent", label=_("under region (code)"))

    class Meta:
        model = Region
        fields = ["q", "level"]


class OrganisationFilterSet(BaseFilterSet):
    search_fields = ("name__icontains", "address__icontains")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("kind"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "is_active"]


class UserFilterSet(BaseFilterSet):
    search_fields = ("username__icontains", "first_name__icontains", "last_name__icontains")
    role = django_filters.ChoiceFilter(field_name="roles__code", choices=RoleCode.choices, label=_("role"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = User
        fields = ["q", "role", "region", "is_active"]


class AuditLogFilterSet(BaseFilterSet):
    search_fields = ("object_repr__icontains", "actor_name__icontains", "action__icontains", "request_id",
                     "object_id")
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("action"))
    actor_name = django_filters.CharFilter(label=_("user"))
    object_type = django_filters.CharFilter(label=_("object type"))
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("from"))
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AuditLog
        fields = ["q", "action", "actor_name", "object_type", "source", "since", "until"]
