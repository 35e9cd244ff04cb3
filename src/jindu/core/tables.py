import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jindu.common.tables import BaseTable

from .models import AuditLog, Organisation, Region, User


class RegionTable(BaseTable):
    code = tables.Column(verbose_name=_("code"), linkify=True)
    name = tables.Column(verbose_name=_("name"), accessor="name_zh", linkify=True)
    name_bo = tables.Column(verbose_name=_("Tibetan name"))
    name_en = tables.Column(verbose_name=_("English name"))
    level = tables.Column(verbose_name=_("level"))
    parent = tables.Column(verbose_name=_("parent"))

    class Meta(BaseTable.Meta):
        model = Region
        fields = ("code", "name", "name_bo", "name_en", "level", "parent")


class OrganisationTable(BaseTable):
    name = tables.Column(verbose_name=_("name"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "kind", "region", "parent", "phone", "is_active")


class UserTable(BaseTable):
    username = tables.Column(verbose_name=_("username"), linkify=True)
    full_name = tables.Column(verbose_name=_("name"), accessor="get_full_name", order_by=("last_name",))
    roles = tables.ManyToManyColumn(verbose_name=_("roles"), orderable=False)

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "full_name", "organisation", "region", "roles", "is_active", "last_login")


class AuditLogTable(BaseTable):
    seq = tables.Column(verbose_name="#", linkify=("core:auditlog", {"pk": tables.A("pk")}))
    time = tables.DateTimeColumn(verbose_name=_("time"), format="Y-m-d H:i:s")
    actor_name = tables.Column(verbose_name=_("user"))
    action = tables.Column(verbose_name=_("action"))
    source = tables.Column(verbose_name=_("source"))
    object_type = tables.Column(verbose_name=_("object type"))
    object_repr = tables.Column(verbose_name=_("object"))
    remote_addr = tables.Column(verbose_name=_("address"))

    class Meta(BaseTable.Meta):
        model = AuditLog
        fields = ("seq", "time", "actor_name", "action", "source", "object_type", "object_repr", "remote_addr")
