"""UNODC Individual Drug Seizures (IDS): a year's seizures, one row each, for the Annual Report Questionnaire.

The columns are the IDS public columns (seizure date; country, ISO 3166 alpha-3; city/town; site of seizure;
drug; quantity; measurement unit; mode of transportation), then the restricted tier's countries of departure,
transit and destination (not recorded in Jindu: left empty), then what traces each row back to its record
(the evidence number, the quantity and unit as recorded). UNODC's conventions: bulk weight in kilograms, no
purity adjustment; volumes in litres; tablets, capsules and plants counted as recorded.

The file is written by the export engine (``common.importing.exporting.write_table``: formula-safe cells);
rows are the seizures the user may view (``cases.selectors.seizure_list``, i.e. ``restrict()``), and every
export is audited with its parameters and row count.
"""

import datetime
import decimal

from django.core.exceptions import PermissionDenied

from jindu.common import audit
from jindu.common.forms import live
from jindu.common.importing.datasets import SYSTEM
from jindu.common.importing.exporting import write_table
from jindu.common.scope import region_q

COUNTRY = "CHN"  # GB/T 2260 regions are China's
HEADER = [
    "SEIZURE DATE",
    "COUNTRY",
    "CITY/TOWN",
    "SITE OF SEIZURE",
    "DRUG",
    "QUANTITY",
    "MEASUREMENT UNIT",
    "MODE OF TRANSPORTATION",
    "COUNTRY OF DEPARTURE",
    "COUNTRY OF TRANSIT",
    "COUNTRY OF DESTINATION",
    "NATIONAL SEIZURE ID",
    "QUANTITY AS RECORDED",
    "UNIT AS RECORDED",
]
# recorded unit -> (factor to the IDS unit, IDS unit)
UNITS = {
    "g": (decimal.Decimal("0.001"), "kg"),
    "kg": (decimal.Decimal(1), "kg"),
    "ml": (decimal.Decimal("0.001"), "L"),
    "tablet": (decimal.Decimal(1), "tablets"),
    "capsule": (decimal.Decimal(1), "capsules"),
    "plant": (decimal.Decimal(1), "plants"),
}
# the case's channel -> IDS mode of transportation
TRANSPORT = {
    "postal": "Mail",
    "road": "Road",
    "border_port": "Land border crossing",
    "online": "Mail (ordered online)",
    "other": "Other",
}
EXPORT_PERMISSIONS = ("core.export_data", "cases.view_seizure")
AUDIT_ACTION = "reports.unodc_seizures.exported"


def can_export(user):
    return user is SYSTEM or all(user.has_perm(permission) for permission in EXPORT_PERMISSIONS)


def seizures(actor, year, region):
    """The seizures of ``year`` (by seizure date) under ``region`` that ``actor`` may view, oldest first."""
    from jindu.cases import selectors
    from jindu.cases.models import Seizure

    queryset = live(Seizure.objects.all() if actor is SYSTEM else selectors.seizure_list(actor))
    return (
        queryset.filter(
            region_q("region", region),
            seized_on__gte=datetime.date(year, 1, 1),
            seized_on__lte=datetime.date(year, 12, 31),
        )
        .select_related("region__parent", "drug", "case")
        .order_by("seized_on", "evidence_no")
    )


def city(region):
    """ "Chengguan District, Lhasa City": the county-level division and the city (prefecture) it lies in."""
    names = [region.name_en or region.name_zh]
    parent = region.parent
    if region.level == "county" and parent is not None:
        names.append(parent.name_en or parent.name_zh)
    return ", ".join(names)


def quantity(value):
    """A plain number: at most 6 decimals (a milligram in kilograms), no trailing zeros."""
    value = decimal.Decimal(value).quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def row(seizure):
    factor, unit = UNITS.get(seizure.unit, (decimal.Decimal(1), seizure.unit))
    return [
        seizure.seized_on,
        COUNTRY,
        city(seizure.region),
        seizure.place,
        seizure.drug.name_en or seizure.drug.name_zh,
        quantity(seizure.quantity * factor),
        unit,
        TRANSPORT.get(seizure.case.channel, ""),
        "",
        "",
        "",
        seizure.evidence_no,
        quantity(seizure.quantity),
        seizure.unit,
    ]


def export(actor, year, region, fileobj):
    """Write the .xlsx of ``year``'s seizures under ``region`` to ``fileobj`` and audit it. Returns the rows."""
    if not can_export(actor):
        raise PermissionDenied
    rows = (row(seizure) for seizure in seizures(actor, year, region).iterator(chunk_size=2000))
    count = write_table(fileobj, "xlsx", HEADER, rows, title=f"IDS {year}")
    audit.log(
        AUDIT_ACTION,
        object_type="cases.seizure",
        user=None if actor is SYSTEM else actor,
        extra={"year": year, "region": region.code, "rows": count, "format": "xlsx"},
    )
    return count
