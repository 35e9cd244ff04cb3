"""Every record view of the app against a record of another county (404 on GET and POST, never 403 or 200),
and the field rules for company reporters: their own unit's pages, API and exports carry no buyer's ID
number, name or phone, and no contact phone (security requirements 10 and 12)."""

import datetime
import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from jindu.common.masking import mask_id_number, mask_name
from jindu.common.testing import create_user, region
from jindu.core.models import Organisation
from jindu.precursors import services
from jindu.precursors.models import (
    Cylinder,
    Equipment,
    EquipmentType,
    Inspection,
    InspectionPhoto,
    Licence,
    ReconciliationFlag,
    Transaction,
)

from .factories import id_number, make_unit, substance, tx

pytestmark = pytest.mark.django_db

CATALOGUE = ("substance", "equipmenttype", "checklistitem")  # not scoped: the same for every region
BUYER_ID, BUYER_NAME, BUYER_PHONE, CONTACT_PHONE = id_number(77), "扎西顿珠", "13908907777", "13989016666"
ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)
MASKED_ID, MASKED_NAME = mask_id_number(BUYER_ID), mask_name(BUYER_NAME)
PHONE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def records(region_code, organisation=None, actor=None):
    """One record of every kind at a unit of ``region_code``, with a real-name sale and a cylinder sale."""
    actor = actor or create_user(f"clerk{region_code}", ["county_officer"], region_code)
    unit = make_unit(region_code, organisation=organisation, kind="gas_filling", contact_phone=CONTACT_PHONE)
    sub = substance()
    licence = Licence.objects.create(
        unit=unit,
        substance=sub,
        number="L" + region_code,
        kind="purchase",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2026, 12, 31),
    )
    line = tx(unit, sub, "sale", "3", "2024-01-06", counterparty_id_number=BUYER_ID, counterparty_name=BUYER_NAME)
    tx(unit, sub, "stocktake", "80", "2024-01-31")
    services.reconcile_pairs([(unit.pk, sub.pk)], buyer_ids=[BUYER_ID])
    flag = ReconciliationFlag.objects.filter(unit=unit).first()
    cylinder = services.cylinder_create(
        actor=actor, data={"serial": "QP" + region_code, "unit": unit, "filed_on": datetime.date(2024, 1, 2)}
    )
    services.cylinder_event_record(actor=actor, cylinder=cylinder, kind="filling", date=datetime.date(2024, 1, 3))
    services.cylinder_event_record(
        actor=actor,
        cylinder=cylinder,
        kind="sale",
        date=datetime.date(2024, 1, 4),
        buyer_name=BUYER_NAME,
        buyer_id_number=BUYER_ID,
        buyer_phone=BUYER_PHONE,
    )
    kettle, _ = EquipmentType.objects.get_or_create(name_zh="玻璃反应釜")
    equipment = Equipment.objects.create(
        unit=unit, equipment_type=kettle, serial="K" + region_code, quantity=5, registered_on=datetime.date(2024, 1, 1)
    )
    services.equipment_sale_record(
        actor=actor,
        equipment=equipment,
        data={
            "date": datetime.date(2024, 2, 1),
            "quantity": 1,
            "buyer_name": BUYER_NAME,
            "buyer_id_number": BUYER_ID,
            "buyer_phone": BUYER_PHONE,
        },
    )
    inspection = Inspection.objects.create(ref="I" + region_code, unit=unit, date=datetime.date(2024, 4, 1))
    photo = InspectionPhoto.objects.create(inspection=inspection, image="precursors/none.png", content_type="image/png")
    return {
        "unit": unit,
        "transaction": line,
        "licence": licence,
        "reconciliationflag": flag,
        "cylinder": cylinder,
        "equipment": equipment,
        "inspection": inspection,
        "inspectionphoto": photo,
        "substance": sub,
    }


def record_routes():
    """(url name, route) of every precursors pattern that names a record by pk."""
    resolver = get_resolver()
    for prefix, inner in resolver.namespace_dict.values():
        if getattr(inner, "namespace", None) != "precursors":
            continue
        for pattern in inner.url_patterns:
            if isinstance(pattern, URLPattern) and "<int:pk>" in str(pattern.pattern):
                yield pattern.name, prefix + str(pattern.pattern)


def path_for(route, objects):
    name_model = {
        "reconciliationflag": "reconciliationflag",
        "inspectionphoto": "inspectionphoto",
        "photos": "inspectionphoto",
        "flags": "reconciliationflag",
        "units": "unit",
        "transactions": "transaction",
        "licences": "licence",
        "cylinders": "cylinder",
        "equipment": "equipment",
        "inspections": "inspection",
    }
    first = route.split("/")[1]
    obj = objects[name_model[first]]
    path = "/" + route.replace("<int:pk>", str(obj.pk))
    return path.replace("<int:substance_pk>", str(objects["substance"].pk)).replace("<slug:step>", "assign")


def test_every_record_view_answers_404_for_another_county(client, county_officer):
    other = records("542523")
    routes = [(name, route) for name, route in record_routes() if not name.startswith(CATALOGUE)]
    assert len(routes) >= 25  # pages, edits, voids, restores, steps of every record type
    client.force_login(county_officer)
    checked = []
    for name, route in routes:
        path = path_for(route, other)
        answers = {method: getattr(client, method)(path).status_code for method in ("get", "post")}
        # 405 where the view has no such method (it is answered before any look-up); every view finds nothing.
        assert set(answers.values()) <= {404, 405} and 404 in answers.values(), (name, path, answers)
        checked += [(method, name) for method, status in answers.items() if status == 404]
    # The same pages of the officer's own county answer (200, or a redirect after a POST).
    own = records("540102")
    for name, route in routes:
        if name.endswith(("_restore", "_action")) or name == "inspectionphoto":
            continue
        assert client.get(path_for(route, own)).status_code == 200, name
    assert len(checked) >= 35


def test_voided_records_of_another_county_cannot_be_restored(client, county_officer):
    other = records("542523")
    clerk = create_user("clerk2", ["county_officer"], "542523")
    services.licence_delete(actor=clerk, instance=other["licence"], reason="entered twice")
    client.force_login(county_officer)
    assert (
        client.post(reverse("precursors:licence_restore", args=[other["licence"].pk]), {"reason": "x"}).status_code
        == 404
    )
    assert Licence.all_objects.get(pk=other["licence"].pk).voided
    assert str(other["licence"].number) not in client.get(reverse("precursors:licence_voided")).content.decode()


# --- field rules for company reporters -----------------------------------------------------------------------


def leak_urls(objects):
    """Every GET page and API resource of the app about the reporter's own unit, and the exports."""
    result = [
        "/precursors/",
        "/api/v1/precursors/units",
        "/api/v1/precursors/transactions",
        "/api/v1/precursors/cylinders",
        "/api/v1/precursors/equipment",
        "/api/v1/precursors/inspections",
        "/api/v1/precursors/flags",
        "/api/v1/precursors/licences",
        "/data/transactions/export/?format=csv",
        "/data/units/export/?format=csv",
    ]
    for api in (
        "units/{}".format(objects["unit"].pk),
        "transactions/{}".format(objects["transaction"].pk),
        "cylinders/{}".format(objects["cylinder"].pk),
        "equipment/{}".format(objects["equipment"].pk),
    ):
        result.append("/api/v1/precursors/" + api)
    for name, route in record_routes():
        if name.startswith(CATALOGUE) or name.endswith(("_restore", "_action", "_delete")) or name == "inspectionphoto":
            continue
        result.append(path_for(route, objects))
    for list_name in ("unit", "transaction", "licence", "reconciliationflag", "cylinder", "equipment", "inspection"):
        result.append(reverse(f"precursors:{list_name}_list"))
    return result


def scan(client, paths):
    found, scanned = [], 0
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200:
            continue
        scanned += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        found += [(path, match) for match in ID_RE.findall(text) + PHONE_RE.findall(text)]
        found += [(path, text_) for text_ in (BUYER_NAME, MASKED_ID, MASKED_NAME) if text_ in text]
    return found, scanned


@pytest.fixture
def company_unit(db):
    company = Organisation.objects.create(name="拉萨某加气站", kind="company", region=region("540102"))
    return company, records("540102", organisation=company)


def test_a_company_reporter_receives_no_buyer_identity_or_phone(client, company_unit):
    company, objects = company_unit
    reporter = create_user("reporter", ["company_reporter"], "540102", organisation=company)
    client.force_login(reporter)
    found, scanned = scan(client, leak_urls(objects))
    assert found == [], found
    assert scanned >= 15  # the reporter does see their own unit's pages
    detail = client.get(f"/api/v1/precursors/transactions/{objects['transaction'].pk}").json()
    assert "counterparty_id_number" not in detail and "counterparty_name" not in detail


def test_the_scan_finds_them_for_an_officer(client, company_unit, county_officer):
    """The positive control: an officer's pages do show the buyer (masked) and the unit's contact phone."""
    client.force_login(county_officer)
    found = {match for _, match in scan(client, leak_urls(company_unit[1]))[0]}
    assert {MASKED_ID, MASKED_NAME} <= found, found


def test_a_database_dump_holds_no_plaintext_buyer_id_number(company_unit):
    """The numbers are encrypted at rest; the keyed hash finds them (buyer rules, search)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table, column in (
            ("precursors_transaction", "counterparty_id_number"),
            ("precursors_cylinderevent", "buyer_id_number"),
            ("precursors_equipmentsale", "buyer_id_number"),
        ):
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
            stored = [row[0] for row in cursor.fetchall()]
            assert stored and all(BUYER_ID not in value for value in stored), table
    line = Transaction.objects.get(pk=company_unit[1]["transaction"].pk)
    assert line.counterparty_id_number == BUYER_ID
    from jindu.precursors.filtersets import CylinderFilterSet, TransactionFilterSet

    assert line.pk in TransactionFilterSet({"q": BUYER_ID}, queryset=Transaction.objects.all()).qs.values_list(
        "pk", flat=True
    )
    assert not TransactionFilterSet({"q": id_number(78)}, queryset=Transaction.objects.all()).qs.exists()
    assert list(CylinderFilterSet({"q": BUYER_ID}, queryset=Cylinder.objects.all()).qs) == [company_unit[1]["cylinder"]]
