"""Test data for the enforcement records, written through the services as the system actor."""

import datetime
import itertools

from jindu.common.identifiers import id_check_char
from jindu.common.importing import SYSTEM
from jindu.common.testing import region
from jindu.core.models import Drug, Organisation

from .. import services

_counter = itertools.count(1)


def day(text):
    return datetime.date.fromisoformat(text)


def id_number(birth="19900101", sex="M", address="540102", serial=None):
    """A valid resident identity number (GB 11643) with this birth date and sex."""
    serial = serial if serial is not None else next(_counter) % 50
    seq = "{:02d}{}".format(serial % 100, 1 if sex == "M" else 2)
    body = address + birth + seq
    return body + id_check_char(body)


def case(region_code="540102", filed_on="2024-04-08", case_type="criminal", offence="trafficking", **data):
    number = data.pop("case_no", None) or f"A{region_code}-{next(_counter):05d}"
    return services.case_create(actor=SYSTEM, data={
        "case_no": number, "region": region(region_code), "filed_on": day(filed_on), "case_type": case_type,
        "offence": offence, **data})


def suspect(case, name=None, arrested_on=None, **data):
    values = {"case": case, "name": name or f"嫌疑人{next(_counter)}",
              "arrested_on": day(arrested_on) if arrested_on else None, **data}
    return services.suspect_create(actor=SYSTEM, data=values)


def seizure(case, drug="heroin", quantity="1", unit="g", seized_on="2024-04-08", **data):
    import decimal

    return services.seizure_create(actor=SYSTEM, data={
        "evidence_no": data.pop("evidence_no", None) or f"W{next(_counter):06d}", "case": case,
        "drug": Drug.objects.get(code=drug), "quantity": decimal.Decimal(quantity), "unit": unit,
        "seized_on": day(seized_on), **data})


def fugitive(region_code="540102", wanted_since="2023-01-01", captured_on=None, **data):
    return services.fugitive_create(actor=SYSTEM, data={
        "fugitive_no": data.pop("fugitive_no", None) or f"T{next(_counter):06d}",
        "name": data.pop("name", f"网逃{next(_counter)}"), "region": region(region_code),
        "wanted_since": day(wanted_since), "captured_on": day(captured_on) if captured_on else None, **data})


def eradication(region_code="540234", found_on="2024-05-01", plants=100, species="cannabis", **data):
    return services.eradication_create(actor=SYSTEM, data={
        "ref": data.pop("ref", None) or f"E{next(_counter):06d}", "region": region(region_code),
        "found_on": day(found_on), "species": species, "wild": data.pop("wild", True), "plants": plants, **data})


def checkpoint(name="那曲市乃古沟一级公安检查站", region_code="540602"):
    return Organisation.objects.get_or_create(name=name, defaults={"kind": "checkpoint",
                                                                   "region": region(region_code)})[0]


def interception(region_code="540602", on="2024-03-01", finding="drug_user", **data):
    return services.interception_create(actor=SYSTEM, data={
        "ref": data.pop("ref", None) or f"J{next(_counter):06d}",
        "checkpoint": data.pop("checkpoint", None) or checkpoint(), "region": region(region_code),
        "intercepted_on": day(on), "finding": finding, **data})
