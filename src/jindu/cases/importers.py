"""Import/export datasets of the enforcement records, with exactly the columns of DESIGN.md.

cases, suspects, seizures, fugitives, eradications, interceptions. Each row is written through
the app's services (so an imported suspect is checked and matched to its identity like one
typed in a form); an unchanged row is neither written nor audited. References must resolve:
a ``case_no`` names a case of an earlier import or of an earlier row of the same file, in the
importing user's region. Organisation names (``agencies``, ``checkpoint``) are matched by name;
an unknown name creates the organisation, and so does an unknown ``operation``; the import
summary lists what was created.
"""

import decimal
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jindu.common.identifiers import parse_id_number
from jindu.common.importing import CREATED, UNCHANGED, UPDATED, Column, Dataset, RowError, parsers, register
from jindu.common.importing.datasets import normalise_field_value

from . import filtersets, services
from .choices import CaseType, Finding, Offence, Sex, Species, Unit
from .models import Case, Eradication, Fugitive, Interception, Operation, Seizure, Suspect, id_hash_of

AGENCY_SEPARATORS = re.compile(r"[;；]")
# Kind of an organisation created from a name, by the words in it (an officer can correct it later).
KIND_WORDS = (
    ("检查站", "checkpoint"), ("海关", "customs"), ("缉私", "customs"), ("禁毒办", "ncc_office"),
    ("禁毒委", "ncc_office"), ("派出所", "police_unit"), ("公安", "police_unit"), ("边境管理", "police_unit"),
    ("邮政", "postal"), ("卫生", "health"), ("药品监督", "drug_regulation"), ("药监", "drug_regulation"),
)


def kind_from_name(name):
    for word, kind in KIND_WORDS:
        if word in name:
            return kind
    return "other"


def organisation_by_name(run, name, *, region, kind, column):
    """The organisation called ``name``; an unknown one is created (see core.importers)."""
    from jindu.core.importers import organisation_by_name as core_organisation_by_name

    return core_organisation_by_name(run, name, region=region, kind=kind, column=column)


class IdNumber(parsers.Parser):
    """A resident identity number (GB 11643: 18 characters, check character, real birth date)."""

    description = gettext_lazy("18-character resident identity number (GB 11643)")

    def __call__(self, value):
        number, _birth, _sex = parse_id_number(parsers.as_text(value))
        return number


class SexCode(parsers.Choice):
    """M or F; 男 and 女 are understood too."""

    WORDS = {"男": "M", "女": "F"}

    def __call__(self, value):
        text = parsers.as_text(value)
        return self.WORDS.get(text) or super().__call__(text)


class Nationality(parsers.Parser):
    description = gettext_lazy("ISO 3166 two-letter code (CN, NP, IN ...); empty means CN")

    def __call__(self, value):
        text = parsers.as_text(value).upper()
        if not re.fullmatch(r"[A-Z]{2}", text):
            raise ValidationError(_("A nationality is a two-letter ISO 3166 code in capitals, e.g. CN, NP, IN."))
        return text


class RoundedDecimal(parsers.Decimal):
    """A number rounded half up to ``places`` decimals (a spreadsheet's 29.652491234 is a fine latitude)."""

    def __init__(self, places, **kwargs):
        super().__init__(**kwargs)
        self.places = places

    def __call__(self, value):
        number = super().__call__(value)
        return number.quantize(decimal.Decimal(1).scaleb(-self.places), rounding=decimal.ROUND_HALF_UP)


def plain_decimal(value):
    """12.500000000 -> 12.5 and 10.000000000 -> 10 in exports (never 1E+1)."""
    if value is None:
        return None
    return decimal.Decimal(format(value.normalize(), "f"))


def case_by_number(run, case_no, column="case_no"):
    """The case with this number that the importing user may see; a bad row otherwise."""
    case = run.restrict(Case.objects.order_by()).filter(case_no=case_no).first()
    if case is None:
        raise RowError(column, _("Unknown case number {value}: import the case first.").format(value=case_no))
    return case


class ServiceDataset(Dataset):
    """A dataset whose rows are written through the app's services.

    Subclasses set ``create_service`` and ``update_service`` (functions of ``services``), and for
    exports the related records to read along (``export_related``, ``export_prefetch``) and the
    file order (``export_order``)."""

    create_service = None
    update_service = None
    export_related = ()
    export_prefetch = ()
    export_order = ("pk",)

    def export_queryset(self, actor, params=None):
        queryset = super().export_queryset(actor, params).select_related(*self.export_related)
        return queryset.prefetch_related(*self.export_prefetch) if self.export_prefetch else queryset

    def export_objects(self, queryset):
        return queryset.order_by(*self.export_order)

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        for name in list(fields):
            model_field = self.model._meta.get_field(name)
            if fields[name] is None and not model_field.null and not model_field.is_relation and (
                    model_field.blank):
                fields[name] = ""  # an empty optional text column
        return fields

    def differs(self, instance, fields):
        for name, value in fields.items():
            model_field = self.model._meta.get_field(name)
            if model_field.many_to_many:
                if {v.pk for v in value or []} != set(getattr(instance, name).values_list("pk", flat=True)):
                    return True
            elif model_field.is_relation:
                if (value.pk if value is not None else None) != getattr(instance, model_field.attname):
                    return True
            elif normalise_field_value(model_field, value) != getattr(instance, name):
                return True
        return False

    def upsert(self, fields, run):
        instance = self.model._base_manager.select_for_update().filter(**self.lookup(fields)).first()
        if instance is None:
            type(self).create_service(actor=run.actor, data=fields)
            return CREATED
        if getattr(instance, "voided", False):
            # As the common engine: a voided record is restored on its page first, never by an import.
            raise RowError(self.natural_key[0], _("An existing record with this key cannot be changed by an "
                                                  "import."))
        run.require_scope(instance, "view", self.scope_column())
        if not self.differs(instance, fields):
            return UNCHANGED
        if not run.in_scope(instance, "change"):
            raise RowError(self.scope_column(), run.out_of_scope_message())
        type(self).update_service(actor=run.actor, instance=instance, data=fields)
        return UPDATED


@register
class CaseDataset(ServiceDataset):
    """Cases by case number. ``agencies`` lists organisation names separated by ``;``."""

    name = "cases"
    label = gettext_lazy("Cases")
    model = Case
    natural_key = ("case_no",)
    filterset_class = filtersets.CaseFilterSet
    create_service = services.case_create
    update_service = services.case_update
    columns = (
        Column("case_no", "案件编号", parsers.Text(max_length=40), required=True, example="A5401022024040001"),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540102",
               export=lambda case: case.region.code),
        Column("filed_on", "立案日期", parsers.Date(), required=True, example="2024-04-08"),
        Column("case_type", "案件类型", parsers.Choice(CaseType), required=True, example="criminal"),
        Column("offence", "案由", parsers.Choice(Offence), required=True, example="smuggling"),
        Column("agencies", "办案单位", parsers.Text(max_length=2000), example="自治区公安厅禁毒总队;拉萨海关缉私局",
               help=gettext_lazy("names separated by ;  an unknown name creates the organisation"),
               export=lambda case: ";".join(sorted(agency.name for agency in case.agencies.all()))),
        Column("operation", "专项行动", parsers.Text(max_length=64), example="清源断流",
               help=gettext_lazy("name of the operation; an unknown name creates it"),
               export=lambda case: case.operation.name if case.operation_id else ""),
        Column("summary", "简要案情", parsers.Text(max_length=5000), example="邮寄三唑仑走私案"),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        if "agencies" in row:
            names = [name.strip() for name in AGENCY_SEPARATORS.split(row["agencies"] or "") if name.strip()]
            fields["agencies"] = [
                organisation_by_name(run, name, region=fields["region"], kind=kind_from_name(name), column="agencies")
                for name in dict.fromkeys(names)
            ]
        if "operation" in row:
            fields["operation"] = None
            if row["operation"]:
                operation, created = services.operation_get_or_create(actor=run.actor, name=row["operation"])
                if created:
                    run.created_by_name(Operation._meta.verbose_name_plural, operation.name)
                fields["operation"] = operation
        return fields

    export_related = ("region", "operation")
    export_prefetch = ("agencies",)
    export_order = ("filed_on", "case_no")


@register
class SuspectDataset(ServiceDataset):
    """Suspects by case, name and identity number (empty for people without a Chinese ID).

    Birth date and sex are derived from a Chinese ID and must agree with it when given."""

    name = "suspects"
    label = gettext_lazy("Suspects")
    model = Suspect
    natural_key = ("case_no", "name", "id_number")
    filterset_class = filtersets.SuspectFilterSet
    create_service = services.suspect_create
    update_service = services.suspect_update
    columns = (
        Column("case_no", "案件编号", parsers.Text(max_length=40), required=True, field="case",
               example="A5401022024040001", export=lambda suspect: suspect.case.case_no),
        Column("name", "姓名", parsers.Text(max_length=64), required=True, example="张某"),
        Column("id_number", "公民身份号码", IdNumber(), example="540102199001010011",
               help=gettext_lazy("empty for people without a Chinese ID (foreign nationals)")),
        Column("nationality", "国籍", Nationality(), example="CN"),
        Column("sex", "性别", SexCode(Sex), example="M"),
        Column("birth_date", "出生日期", parsers.Date(), example="",
               help=gettext_lazy("optional; derived from a Chinese ID")),
        Column("arrested_on", "抓获日期", parsers.Date(), example="2024-04-08",
               help=gettext_lazy("empty: not (yet) arrested")),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["case"] = case_by_number(run, row["case_no"])
        fields["id_number"] = fields.get("id_number") or ""
        if "nationality" in fields and not fields["nationality"]:
            fields["nationality"] = "CN"
        # The same derivation as the service, so that comparing with the stored record is exact.
        return services.prepare_suspect_data(fields)

    export_related = ("case",)
    export_order = ("case__case_no", "pk")

    def lookup(self, fields):
        """The identity number is stored encrypted: the suspect is found by its keyed hash."""
        return {"case": fields.get("case"), "name": fields.get("name"), "id_hash": id_hash_of(fields.get("id_number"))}


@register
class SeizureDataset(ServiceDataset):
    """Seizures by evidence number; the quantity stays in its unit (g, kg, tablet, capsule, ml, plant)."""

    name = "seizures"
    label = gettext_lazy("Seizures")
    model = Seizure
    natural_key = ("evidence_no",)
    filterset_class = filtersets.SeizureFilterSet
    create_service = services.seizure_create
    update_service = services.seizure_update
    columns = (
        Column("evidence_no", "物证编号", parsers.Text(max_length=40), required=True, example="W5401022024040001"),
        Column("case_no", "案件编号", parsers.Text(max_length=40), required=True, field="case",
               example="A5401022024040001", export=lambda seizure: seizure.case.case_no),
        Column("drug", "毒品种类", parsers.Text(max_length=40), required=True, example="triazolam",
               help=gettext_lazy("code of the drug catalogue (data/drugs.csv)"),
               export=lambda seizure: seizure.drug.code),
        Column("quantity", "数量", RoundedDecimal(9, min_value=0, min_exclusive=True), required=True, example="10",
               export=lambda seizure: plain_decimal(seizure.quantity)),
        Column("unit", "计量单位", parsers.Choice(Unit), required=True, example="tablet"),
        Column("seized_on", "缴获日期", parsers.Date(), required=True, example="2024-04-08"),
    )

    def to_fields(self, row, run):
        from jindu.core.models import Drug

        fields = super().to_fields(row, run)
        fields["case"] = case_by_number(run, row["case_no"])
        drugs = parsers.cached("core.Drug", lambda: {drug.code: drug for drug in Drug.objects.all()})
        drug = drugs.get(row["drug"]) or drugs.get(str(row["drug"]).lower())
        if drug is None:
            raise RowError("drug", _("Unknown drug code {value}.").format(value=row["drug"]))
        fields["drug"] = drug
        return fields

    export_related = ("case", "drug")
    export_order = ("seized_on", "evidence_no")


@register
class FugitiveDataset(ServiceDataset):
    """Drug-related fugitives by fugitive number."""

    name = "fugitives"
    label = gettext_lazy("Fugitives")
    model = Fugitive
    natural_key = ("fugitive_no",)
    filterset_class = filtersets.FugitiveFilterSet
    create_service = services.fugitive_create
    update_service = services.fugitive_update
    columns = (
        Column("fugitive_no", "网逃人员编号", parsers.Text(max_length=40), required=True, example="T5401002023000001"),
        Column("name", "姓名", parsers.Text(max_length=64), required=True, example="李某"),
        Column("id_number", "公民身份号码", IdNumber(), example="540102199001010011"),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540100",
               export=lambda fugitive: fugitive.region.code),
        Column("wanted_since", "上网日期", parsers.Date(), required=True, example="2023-05-10"),
        Column("captured_on", "抓获日期", parsers.Date(), example="2024-03-02",
               help=gettext_lazy("empty: still at large")),
    )

    export_related = ("region",)
    export_order = ("fugitive_no",)


@register
class EradicationDataset(ServiceDataset):
    """Eradication of drug plants by reference; an optional ``case_no`` links a cultivation case."""

    name = "eradications"
    label = gettext_lazy("Eradication")
    model = Eradication
    natural_key = ("ref",)
    filterset_class = filtersets.EradicationFilterSet
    create_service = services.eradication_create
    update_service = services.eradication_update
    columns = (
        Column("ref", "编号", parsers.Text(max_length=40), required=True, example="CD5402342024050001"),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540234",
               export=lambda item: item.region.code),
        Column("found_on", "发现日期", parsers.Date(), required=True, example="2024-05-20"),
        Column("species", "种类", parsers.Choice(Species), required=True, example="cannabis"),
        Column("wild", "是否野生", parsers.Boolean(), required=True, example="是"),
        Column("plants", "铲除株数", parsers.Integer(min_value=0, max_value=2_000_000_000), required=True,
               example="3200"),
        Column("area_m2", "面积（平方米）", RoundedDecimal(2, min_value=0, max_value=10**12), example="450"),
        Column("latitude", "纬度", RoundedDecimal(6, min_value=-90, max_value=90), example="28.852"),
        Column("longitude", "经度", RoundedDecimal(6, min_value=-180, max_value=180), example="85.298"),
        Column("case_no", "案件编号", parsers.Text(max_length=40), field="case", example="",
               help=gettext_lazy("optional: the cultivation case"),
               export=lambda item: item.case.case_no if item.case_id else ""),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        if "case_no" in row:
            fields["case"] = case_by_number(run, row["case_no"]) if row["case_no"] else None
        return fields

    export_related = ("region", "case")
    export_order = ("found_on", "ref")


@register
class InterceptionDataset(ServiceDataset):
    """Checkpoint interceptions by reference; ``checkpoint`` names the checkpoint (created when unknown)."""

    name = "interceptions"
    label = gettext_lazy("Checkpoint interceptions")
    model = Interception
    natural_key = ("ref",)
    filterset_class = filtersets.InterceptionFilterSet
    create_service = services.interception_create
    update_service = services.interception_update
    columns = (
        Column("ref", "编号", parsers.Text(max_length=40), required=True, example="JC5406022024030001"),
        Column("checkpoint", "检查站", parsers.Text(max_length=128), required=True,
               example="那曲市乃古沟一级公安检查站", export=lambda item: item.checkpoint.name,
               help=gettext_lazy("name of the checkpoint; an unknown name creates it")),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540602",
               export=lambda item: item.region.code),
        Column("on", "查获日期", parsers.Date(), required=True, field="intercepted_on", example="2024-03-15"),
        Column("id_number", "公民身份号码", IdNumber(), example=""),
        Column("finding", "查获类型", parsers.Choice(Finding), required=True, example="drug_user"),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["checkpoint"] = organisation_by_name(run, row["checkpoint"], region=fields["region"],
                                                    kind="checkpoint", column="checkpoint")
        if fields.get("id_number") is None and "id_number" in row:
            fields["id_number"] = ""
        return fields

    export_related = ("region", "checkpoint")
    export_order = ("intercepted_on", "ref")
