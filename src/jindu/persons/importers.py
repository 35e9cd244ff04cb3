"""Import/export datasets of the persons app: ``persons``, ``episodes``, ``drug_tests`` (DESIGN.md columns).

Writes go through the app's services, so an imported measure obeys the same overlap rules as one typed
in, and an ended compulsory isolation gets its handover.

Exports and identity numbers: lists and ordinary exports are masked (去标识化); a masked file cannot be
imported again. A file meant for re-import needs the full numbers, so an export holds them only when
asked for explicitly (``identities=full`` with a ``reason``, from the persons list page) by a user who
may see identity numbers (``persons.add_identitydisclosure``, not a community worker), or when the
command line exports as the built-in system actor (whoever runs ``jindu`` holds the database anyway).
Every export is audited by the engine with its filters, hence with ``identities`` and the reason.
"""

from django.db.models import Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jindu.common.identifiers import parse_id_number
from jindu.common.importing import CREATED, SYSTEM, UNCHANGED, UPDATED, Column, Dataset, RowError, parsers, register
from jindu.common.masking import mask_name

from . import services
from .choices import Measure, TestMethod, TestResult
from .crypto import blind_index
from .filtersets import DrugTestFilterSet, EpisodeFilterSet, PersonFilterSet
from .models import DrugTest, Episode, Person, worker_only


class IdNumber(parsers.Parser):
    """An 18-character resident identity number (GB 11643: check character and a real birth date)."""

    description = gettext_lazy("18-character resident identity number")

    def __call__(self, value):
        number, _birth, _sex = parse_id_number(parsers.as_text(value))
        return number


class SexCode(parsers.Parser):
    description = "M (男) / F (女)"
    WORDS = {"m": "M", "male": "M", "男": "M", "f": "F", "female": "F", "女": "F"}

    def __call__(self, value):
        code = self.WORDS.get(parsers.as_text(value).lower())
        if code is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Unknown value {value}; allowed: M, F.").format(value=value))
        return code


class Nationality(parsers.Parser):
    description = gettext_lazy("ISO 3166 alpha-2 code, default CN")

    def __call__(self, value):
        from django.core.exceptions import ValidationError

        code = parsers.as_text(value).upper()
        if len(code) != 2 or not code.isalpha() or not code.isascii():
            raise ValidationError(_("A nationality is a two-letter ISO 3166 code (CN, NP, IN, ...)."))
        return code


def actor_of(run):
    """The services' actor: None for the built-in system actor, else the importing user."""
    return None if run.actor is SYSTEM else run.actor


def changed(instance, data):
    """Whether writing ``data`` would change ``instance`` (compared field by field, references by id)."""
    for name, value in data.items():
        current = getattr(instance, name)
        if hasattr(current, "pk") or hasattr(value, "pk"):
            if getattr(current, "pk", None) != getattr(value, "pk", None):
                return True
        elif current != value:
            return True
    return False


class MaskingExportMixin:
    """Identity numbers and names in full only for an explicit, permitted, reasoned export (module docstring)."""

    def export_queryset(self, actor, params=None):
        queryset = super().export_queryset(actor, params)
        params = params or {}
        if actor is SYSTEM:
            full = True
        else:
            full = (params.get("identities") == "full" and len(str(params.get("reason", "")).strip()) >= 4
                    and actor.has_perm("persons.add_identitydisclosure") and not worker_only(actor))
        return queryset.annotate(export_full_identity=Value(full))

    @staticmethod
    def identity(person, obj):
        if getattr(obj, "export_full_identity", False):
            return person.id_number
        return person.id_masked

    @staticmethod
    def person_name(person, obj):
        return person.name if getattr(obj, "export_full_identity", False) else mask_name(person.name)


def resolve_person(row, run):
    number = row.get("id_number")
    person = run.restrict(Person.objects.all()).filter(id_hash=blind_index(number)).first() if number else None
    if person is None:
        raise RowError("id_number", _("No registered person has this identity number (import the person first)."))
    return person


@register
class PersonDataset(MaskingExportMixin, Dataset):
    """Registered persons. A Chinese citizen is found by identity number (through its keyed hash); a foreign
    national (empty id_number, nationality other than CN) by name, nationality and birth date."""

    name = "persons"
    label = gettext_lazy("People who use drugs")
    model = Person
    natural_key = ("id_number", "name")
    filterset_class = PersonFilterSet
    columns = (
        Column("id_number", "身份证号", IdNumber(), example="54010219900315043X",
               help=gettext_lazy("empty for a foreign national"),
               export=lambda p: MaskingExportMixin.identity(p, p)),
        Column("name", "姓名", parsers.Text(max_length=64), required=True, example="次仁多吉",
               export=lambda p: MaskingExportMixin.person_name(p, p)),
        Column("sex", "性别", SexCode(), example="M",
               help=gettext_lazy("follows from a Chinese identity number; required for a foreign national")),
        Column("birth_date", "出生日期", parsers.Date(), example="1990-03-15"),
        Column("nationality", "国籍", Nationality(), example="CN"),
        Column("region_code", "居住地区划代码", parsers.RegionCode(), required=True, field="region", example="540102",
               export=lambda p: p.region.code),
        Column("registered_on", "登记日期", parsers.Date(), required=True, example="2024-01-05"),
    )

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("region")

    def upsert(self, fields, run):
        data = {name: value for name, value in fields.items() if value is not None}  # empty: keep or derive
        data["nationality"] = data.get("nationality") or "CN"
        number = data.get("id_number") or ""
        data["id_number"] = number
        seen = run.__dict__.setdefault("persons_seen", set())
        if number:
            key = blind_index(number)
            if key in seen:
                raise RowError("id_number", _("This identity number appears twice in the file."))
            seen.add(key)
            instance = Person.objects.filter(id_hash=key).first()
        else:
            if data["nationality"] == "CN":
                raise RowError("id_number", _("A Chinese citizen needs an identity number; a foreign national "
                                              "needs a nationality other than CN."))
            instance = Person.objects.filter(id_hash__isnull=True, name=data["name"],
                                             nationality=data["nationality"],
                                             birth_date=data.get("birth_date")).first()
        actor = actor_of(run)
        if instance is None:
            services.person_create(actor=actor, data=data)
            return CREATED
        run.require_scope(instance, "view", "region_code")
        if not changed(instance, data):
            return UNCHANGED
        services.person_update(actor=actor, instance=instance, data=data)
        return UPDATED


@register
class EpisodeDataset(MaskingExportMixin, Dataset):
    """Management measures by reference; the person by identity number."""

    name = "episodes"
    label = gettext_lazy("Management measures")
    model = Episode
    natural_key = ("ref",)
    filterset_class = EpisodeFilterSet
    columns = (
        Column("ref", "编号", parsers.Text(max_length=40), required=True, example="EP-2024-001"),
        Column("id_number", "身份证号", IdNumber(), required=True, field=None, example="54010219900315043X",
               export=lambda e: MaskingExportMixin.identity(e.person, e)),
        Column("measure", "措施类型", parsers.Choice(Measure), required=True, example="community_detox"),
        Column("start_on", "开始日期", parsers.Date(), required=True, example="2024-01-10"),
        Column("end_on", "结束日期", parsers.Date(), example="", help=gettext_lazy("empty while the measure runs")),
    )

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("person")

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["person"] = resolve_person(row, run)
        return fields

    def upsert(self, fields, run):
        data = dict(fields)
        data.setdefault("end_on", None)
        instance = Episode.objects.filter(ref=data["ref"]).first()
        actor = actor_of(run)
        if instance is None:
            services.episode_create(actor=actor, data=data)
            return CREATED
        run.require_scope(instance, "view", "id_number")
        if not changed(instance, data):
            return UNCHANGED
        services.episode_update(actor=actor, instance=instance, data=data)
        return UPDATED


class DrugCode(parsers.Parser):
    description = gettext_lazy("drug code of the catalogue (data/drugs.csv)")

    def __call__(self, value):
        from django.apps import apps
        from django.core.exceptions import ValidationError

        code = parsers.as_text(value)
        drugs = parsers.cached("core.Drug", lambda: {d.code: d for d in apps.get_model("core", "Drug").objects.all()})
        drug = drugs.get(code) or drugs.get(code.lower())
        if drug is None:
            raise ValidationError(_("Unknown drug code {value}.").format(value=code))
        return drug


@register
class DrugTestDataset(MaskingExportMixin, Dataset):
    """Drug tests by reference; the person by identity number."""

    name = "drug_tests"
    label = gettext_lazy("Drug tests")
    model = DrugTest
    natural_key = ("ref",)
    filterset_class = DrugTestFilterSet
    columns = (
        Column("ref", "编号", parsers.Text(max_length=40), required=True, example="DT-2024-001"),
        Column("id_number", "身份证号", IdNumber(), required=True, field=None, example="54010219900315043X",
               export=lambda t: MaskingExportMixin.identity(t.person, t)),
        Column("tested_on", "检测日期", parsers.Date(), required=True, example="2024-03-01"),
        Column("method", "检测方法", parsers.Choice(TestMethod), required=True, example="urine"),
        Column("result", "检测结果", parsers.Choice(TestResult), required=True, example="negative"),
        Column("substance", "检出物质", DrugCode(), example="",
               export=lambda t: t.substance.code if t.substance_id else ""),
    )

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("person", "substance")

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        fields["person"] = resolve_person(row, run)
        return fields

    def upsert(self, fields, run):
        data = dict(fields)
        data.setdefault("substance", None)
        instance = DrugTest.objects.filter(ref=data["ref"]).first()
        actor = actor_of(run)
        if instance is None:
            services.drugtest_create(actor=actor, data=data)
            return CREATED
        run.require_scope(instance, "view", "id_number")
        if not changed(instance, data):
            return UNCHANGED
        services.drugtest_update(actor=actor, instance=instance, data=data)
        return UPDATED
