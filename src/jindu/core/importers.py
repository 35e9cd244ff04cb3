"""Import/export datasets of the core app (registered with the common import engine)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jindu.common import audit
from jindu.common.importing import Column, Dataset, RowError, parsers, register

from .choices import OrganisationKind
from .filtersets import OrganisationFilterSet
from .models import Organisation


@register
class OrganisationDataset(Dataset):
    """Organisations by name. ``parent`` names another organisation, which may be an existing one
    the importing user can see or one defined by an earlier row of the same file."""

    name = "organisations"
    label = gettext_lazy("Organisations")
    model = Organisation
    natural_key = ("name",)
    filterset_class = OrganisationFilterSet
    columns = (
        Column("name", "名称", parsers.Text(max_length=128), required=True, example="拉萨市城关区禁毒委员会办公室"),
        Column("kind", "类别", parsers.Choice(OrganisationKind), required=True, example="ncc_office"),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540102",
               export=lambda org: org.region.code),
        Column("parent", "上级单位", parsers.Text(max_length=128), field=None, example="",
               help=gettext_lazy("name of an existing organisation or of one in an earlier row"),
               export=lambda org: org.parent.name if org.parent_id else ""),
        Column("address", "地址", parsers.Text(max_length=200), example="拉萨市城关区北京中路 1 号"),
        Column("phone", "电话", parsers.Text(max_length=32), example="0891-1234567"),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        if "parent" in row:
            fields["parent"] = None
            if row["parent"]:
                parent = run.restrict(Organisation.objects.order_by()).filter(name=row["parent"]).first()
                if parent is None:
                    raise RowError("parent", _("Unknown organisation {value}.").format(value=row["parent"]))
                fields["parent"] = parent
        return fields

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("region", "parent")

    def export_objects(self, queryset):
        """Parents before their children, so that the file also imports into an empty database."""
        objects = list(queryset)
        by_pk = {org.pk: org for org in objects}

        def depth(org):
            level, seen = 0, set()
            while org.parent_id in by_pk and org.pk not in seen:
                seen.add(org.pk)
                org, level = by_pk[org.parent_id], level + 1
            return level

        return sorted(objects, key=depth)  # stable: within a depth, the list page's order


def organisation_by_name(run, name, *, region, kind="other", column=""):
    """The organisation called ``name``, for columns that name organisations (``agencies``,
    ``checkpoint``): an unknown name creates it in ``region`` and the import summary says so.

    Names are unique, so the match is made over all organisations: naming the prefecture's
    police unit in a county's case is normal, and a second organisation of that name could not
    exist anyway. Creating one is a write like any other: validated, in scope, audited.
    """
    organisation = Organisation.objects.order_by().filter(name=name).first()
    if organisation is not None:
        return organisation
    organisation = Organisation(name=name, kind=kind, region=region)
    try:
        organisation.full_clean()
    except ValidationError as error:
        raise RowError(column, " ".join(error.messages))
    run.require_scope(organisation, "add", column)
    organisation.save()
    audit.log_change(organisation, "created")
    run.created_by_name(Organisation._meta.verbose_name_plural, name)
    return organisation
