"""Reads of the enforcement records: list selectors for pages, the API and other apps, and the
enforcement part of the statistics engine (DESIGN.md "Statistics definitions").

Selectors that answer a user start from ``restrict()``; the statistics start from ``region_q()``
(the engine decides who may ask). Everything reads ``Model.objects``: voided records are not there.
Identity numbers are stored encrypted: look-ups go through their keyed hash (``id_hash_of``).
"""

import decimal

from django.db import models
from django.db.models import Count, F, Q, Sum, Value

from jindu.common.scope import region_q

from .choices import WEIGHT_UNITS, Unit
from .models import Case, Eradication, Fugitive, Identity, Interception, Seizure, Suspect, id_hash_of

GRAMS_QUANTUM = decimal.Decimal("0.001")


# --- Lists -------------------------------------------------------------------------------------


def case_list(user, action="view"):
    return Case.objects.restrict(user, action).select_related("region", "operation")


def suspect_list(user, action="view"):
    return Suspect.objects.restrict(user, action).select_related("case", "region")


def seizure_list(user, action="view"):
    return Seizure.objects.restrict(user, action).select_related("case", "region", "drug")


def fugitive_list(user, action="view"):
    return Fugitive.objects.restrict(user, action).select_related("region", "capturing_unit")


def eradication_list(user, action="view"):
    return Eradication.objects.restrict(user, action).select_related("region", "case")


def interception_list(user, action="view"):
    return Interception.objects.restrict(user, action).select_related("region", "checkpoint")


def identity_list(user, action="view"):
    return Identity.objects.restrict(user, action)


def cases_of_identity(user, identity):
    """The cases of ``identity`` the user may see, and how many more lie outside their region.

    Returns (suspect records with their cases, number of suspect records out of scope)."""
    visible = suspect_list(user).filter(identity=identity).order_by("case__filed_on", "pk")
    total = Suspect.objects.filter(identity=identity).count()
    rows = list(visible)
    return rows, total - len(rows)


def suspects_with_id_number(user, id_number):
    """Suspect records (in the user's scope) of the person with this resident identity number.

    For other apps: the persons module shows a registered person's cases with it."""
    return suspect_list(user).filter(id_hash=id_hash_of(id_number) or None).order_by("case__filed_on")


def interceptions_with_id_number(user, id_number):
    """Checkpoint interceptions (in the user's scope) of the person with this identity number."""
    return interception_list(user).filter(id_hash=id_hash_of(id_number) or None).order_by("intercepted_on")


def registered_person(user, interception):
    """The registered drug user (persons module) an interception's identity number belongs to, when
    ``user`` may see that person and read identity data; None otherwise, or without the persons app.

    Matched on the keyed hash both apps store (``id_hash``), through the persons app's selectors."""
    from django.apps import apps

    from jindu.common.fieldrules import readable

    if not interception.id_hash or not apps.is_installed("jindu.persons"):
        return None
    if not readable(user, Interception, "id_number"):
        return None
    from jindu.persons import selectors as persons

    return persons.person_list(user).filter(id_hash=interception.id_hash).first()


def unit_totals(seizures):
    """{unit: total} of a set of seizures with kilograms folded into grams; other units apart."""
    totals = {}
    for row in seizures.order_by().values("unit").annotate(total=Sum("quantity")):
        unit, total = _fold(row["unit"], row["total"])
        totals[unit] = totals.get(unit, decimal.Decimal(0)) + total
    return totals


def _fold(unit, total):
    total = decimal.Decimal(total or 0)
    if unit in WEIGHT_UNITS:
        return Unit.GRAM.value, total * WEIGHT_UNITS[unit]
    return unit, total


# --- For the bulletins (reports app) ----------------------------------------------------------------

OFFENCE_ZH = {
    "trafficking": "贩卖毒品", "smuggling": "走私毒品", "transport": "运输毒品", "manufacture": "制造毒品",
    "possession": "非法持有毒品", "harbouring": "容留他人吸毒", "cultivation": "非法种植毒品原植物",
    "drug_use": "吸毒", "precursor": "涉易制毒化学品", "other": "涉毒",
}
CHANNEL_ZH = {"postal": "邮寄", "road": "公路运输", "border_port": "口岸", "online": "网络"}
UNIT_ZH = {"g": "克", "tablet": "粒", "capsule": "粒", "ml": "毫升", "plant": "株"}


def _cases_in(date_from, date_to, region):
    return Case.objects.filter(region_q("region", region), filed_on__range=(date_from, date_to))


def operation_names(date_from, date_to, region):
    """Names of the operations the period's cases were counted under, the busiest first."""
    rows = (_cases_in(date_from, date_to, region).exclude(operation=None).order_by()
            .values("operation__name").annotate(n=Count("*")).order_by("-n", "operation__name"))
    return [row["operation__name"] for row in rows]


def notable_cases(date_from, date_to, region):
    """One sentence (Chinese, for the work report) per case flagged notable and filed in the period,
    composed from the records: date, agencies, channel and offence, suspects arrested, seizures."""
    sentences = []
    cases = _cases_in(date_from, date_to, region).filter(notable=True).order_by("filed_on", "case_no")
    for case in cases.prefetch_related("agencies__region"):
        # Higher levels first (the regional corps before the city's units), then as recorded.
        agencies = sorted(case.agencies.all(), key=lambda agency: (len(agency.region.path), agency.pk))
        who = "、".join(agency.name for agency in agencies) + ("联合工作专班" if len(agencies) > 1 else "")
        who = who or "公安机关"
        arrested = case.suspects.exclude(arrested_on=None).count()
        seized = []
        for (_code, name), units in _seizures_by_drug(case.seizures.all()).items():
            for unit, quantity in units.items():
                seized.append(f"{name}{_plain(quantity)}{UNIT_ZH.get(unit, unit)}")
        sentence = "{}月{}日，{}成功破获一起{}{}案件".format(
            case.filed_on.month, case.filed_on.day, who, CHANNEL_ZH.get(case.channel, ""),
            OFFENCE_ZH.get(case.offence, "涉毒"))
        if arrested:
            sentence += f"，抓获犯罪嫌疑人{arrested}名"
        if seized:
            sentence += "，缴获" + "、".join(seized)
        sentences.append(sentence + "。")
    return sentences


def _seizures_by_drug(seizures):
    totals = {}
    for row in seizures.order_by().values("drug__code", "drug__name_zh", "unit").annotate(total=Sum("quantity")):
        unit, quantity = _fold(row["unit"], row["total"])
        units = totals.setdefault((row["drug__code"], row["drug__name_zh"]), {})
        units[unit] = units.get(unit, decimal.Decimal(0)) + quantity
    return totals


def _plain(quantity):
    return format(decimal.Decimal(quantity).normalize(), "f")


# --- Statistics --------------------------------------------------------------------------------


def _number(value):
    """A JSON number: 3 decimals at most; a whole number as an int."""
    value = decimal.Decimal(value).quantize(GRAMS_QUANTUM, rounding=decimal.ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


AMOUNT = models.DecimalField(max_digits=30, decimal_places=9)


def _part(queryset, kind, key1=None, key2=None, amount=None):
    """One part of the statistics query: rows (kind, key1, key2, n, amount), grouped by the keys.

    ``amount`` is a field to add up, or an aggregate expression."""
    keys = {"key1": F(key1) if key1 else Value(""), "key2": F(key2) if key2 else Value("")}
    if amount is None:
        amount = Value(0, output_field=AMOUNT)
    elif isinstance(amount, str):
        amount = Sum(amount, output_field=AMOUNT)
    return queryset.order_by().values(kind=Value(kind), **keys).annotate(n=Count("*"), amount=amount)


def statistics(date_from, date_to, region):
    """The enforcement figures of DESIGN.md for the inclusive period and the region subtree.

    - cases by ``filed_on``, in the case's region;
    - suspects by ``arrested_on``, in their case's region (copied onto the suspect); foreign =
      nationality other than CN;
    - fugitives by ``captured_on``; eradication by ``found_on``; interceptions by their date;
    - seizures by ``seized_on``, in their case's region (copied onto the seizure): per drug and
      unit, kilograms folded into grams; ``total_grams`` = every seizure in g or kg, in grams,
      rounded to 3 decimals.

    One database round trip: the six counts are the parts of one UNION ALL, each read from the
    index made for it (see the models' ``Meta.indexes``).
    """
    period = (date_from, date_to)
    parts = [
        _part(Case.objects.filter(region_q("region", region), filed_on__range=period), "case",
              "case_type", "offence"),
        _part(Suspect.objects.filter(region_q("region", region), arrested_on__range=period), "suspect",
              amount=Count("nationality", filter=~Q(nationality="CN"))),
        _part(Fugitive.objects.filter(region_q("region", region), captured_on__range=period), "fugitive"),
        _part(Seizure.objects.filter(region_q("region", region), seized_on__range=period), "seizure",
              "drug__code", "unit", amount="quantity"),
        _part(Eradication.objects.filter(region_q("region", region), found_on__range=period), "eradication",
              amount="plants"),
        _part(Interception.objects.filter(region_q("region", region), intercepted_on__range=period),
              "interception", "finding"),
    ]
    cases = {"total": 0, "by_type": {}, "by_offence": {}}
    arrested = foreign = fugitives = 0
    by_drug, grams = {}, decimal.Decimal(0)
    eradication = {"records": 0, "plants": 0}
    interceptions = {"total": 0, "by_finding": {}}
    for row in parts[0].union(*parts[1:], all=True):
        kind, key1, key2, n = row["kind"], row["key1"], row["key2"], row["n"]
        if kind == "case":
            cases["total"] += n
            cases["by_type"][key1] = cases["by_type"].get(key1, 0) + n
            cases["by_offence"][key2] = cases["by_offence"].get(key2, 0) + n
        elif kind == "suspect":
            arrested, foreign = n, int(row["amount"] or 0)
        elif kind == "fugitive":
            fugitives = n
        elif kind == "seizure":
            unit, quantity = _fold(key2, row["amount"])
            units = by_drug.setdefault(key1, {})
            units[unit] = units.get(unit, decimal.Decimal(0)) + quantity
            if unit == Unit.GRAM:
                grams += quantity
        elif kind == "eradication":
            eradication = {"records": n, "plants": int(row["amount"] or 0)}
        elif kind == "interception":
            interceptions["by_finding"][key1] = n
            interceptions["total"] += n
    return {
        "cases": cases,
        "suspects_arrested": arrested,
        "foreign_suspects_arrested": foreign,
        "fugitives_captured": fugitives,
        "seizures": {
            "by_drug": {drug: {unit: _number(q) for unit, q in units.items()} for drug, units in by_drug.items()},
            "total_grams": float(grams.quantize(GRAMS_QUANTUM, rounding=decimal.ROUND_HALF_UP)),
        },
        "eradication": eradication,
        "interceptions": interceptions,
    }
