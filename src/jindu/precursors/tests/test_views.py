"""Pages and API of the precursors app: access rules per record type (ScopedModelViewTests), the unit page,
the overview, the work list steps, query counts."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jindu.common.testing import ScopedModelViewTests, create_user, region
from jindu.precursors.choices import FlagRule, FlagStatus
from jindu.precursors.models import (
    Cylinder,
    Equipment,
    EquipmentType,
    Inspection,
    Licence,
    ReconciliationFlag,
    Transaction,
    Unit,
)
from jindu.precursors.services import reconcile_pairs, substance_hydrogen

from .factories import credit_code, id_number, make_unit, substance, tx


class TestUnitViews(ScopedModelViewTests):
    model = Unit
    api_url = "/api/v1/precursors/units"

    def make_object(self, region_code):
        return make_unit(region_code)


class TestTransactionViews(ScopedModelViewTests):
    model = Transaction
    api_url = "/api/v1/precursors/transactions"

    def make_object(self, region_code):
        return tx(make_unit(region_code), substance(), "purchase", "10", "2024-01-05")


class TestLicenceViews(ScopedModelViewTests):
    model = Licence
    api_url = "/api/v1/precursors/licences"

    def make_object(self, region_code):
        return Licence.objects.create(unit=make_unit(region_code), substance=substance(), number="L" + region_code,
                                      kind="purchase", valid_from=datetime.date(2024, 1, 1),
                                      valid_until=datetime.date(2026, 12, 31))


class TestFlagViews(ScopedModelViewTests):
    model = ReconciliationFlag
    api_url = "/api/v1/precursors/flags"

    def make_object(self, region_code):
        unit, sub = make_unit(region_code), substance()
        tx(unit, sub, "purchase", "10", "2024-01-05")
        tx(unit, sub, "stocktake", "5", "2024-01-31")
        reconcile_pairs([(unit.pk, sub.pk)])
        return ReconciliationFlag.objects.get(unit=unit, rule=FlagRule.RECONCILIATION)

    def list_url(self):
        return reverse("precursors:reconciliationflag_list")

    def detail_url(self, obj):
        return reverse("precursors:reconciliationflag", args=[obj.pk])


class TestCylinderViews(ScopedModelViewTests):
    model = Cylinder
    api_url = "/api/v1/precursors/cylinders"

    def make_object(self, region_code):
        return Cylinder.objects.create(serial="C" + region_code, unit=make_unit(region_code, kind="gas_filling"),
                                       substance=substance_hydrogen(), filed_on=datetime.date(2024, 1, 1))


class TestEquipmentViews(ScopedModelViewTests):
    model = Equipment
    api_url = "/api/v1/precursors/equipment"

    def make_object(self, region_code):
        kettle, _ = EquipmentType.objects.get_or_create(name_zh="玻璃反应釜")
        return Equipment.objects.create(unit=make_unit(region_code), equipment_type=kettle, serial="K1",
                                        registered_on=datetime.date(2024, 1, 1))


class TestInspectionViews(ScopedModelViewTests):
    model = Inspection
    api_url = "/api/v1/precursors/inspections"

    def make_object(self, region_code):
        return Inspection.objects.create(ref="I" + region_code, unit=make_unit(region_code),
                                         date=datetime.date(2024, 4, 1))


# --- pages ---------------------------------------------------------------------------------------------------


@pytest.fixture
def busy_unit(db):
    """A Chengguan trader with a ledger, a licence, a flag, a cylinder, a kettle and an overdue inspection."""
    unit = make_unit("540102", name="城关化工贸易", kind="trader", grid="八廓街道第三网格")
    sub = substance()
    Licence.objects.create(unit=unit, substance=sub, number="(藏)3S-001", kind="purchase",
                           valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2024, 12, 31))
    tx(unit, sub, "purchase", "100", "2024-01-05")
    tx(unit, sub, "sale", "3", "2024-01-06", counterparty_id_number=id_number(3), counterparty_name="张三")
    tx(unit, sub, "stocktake", "80", "2024-01-31")
    reconcile_pairs([(unit.pk, sub.pk)])
    Cylinder.objects.create(serial="QP-1", unit=unit, substance=substance_hydrogen(),
                            filed_on=datetime.date(2024, 1, 1))
    kettle, _ = EquipmentType.objects.get_or_create(name_zh="玻璃反应釜")
    Equipment.objects.create(unit=unit, equipment_type=kettle, serial="K-9", registered_on=datetime.date(2024, 1, 1))
    Inspection.objects.create(ref="XC-1", unit=unit, date=datetime.date(2024, 3, 1), rectification_required=True,
                              rectification_deadline=datetime.date(2024, 3, 31))
    return unit


def test_the_unit_page_shows_everything_and_masks_buyers(client, county_officer, busy_unit):
    client.force_login(county_officer)
    response = client.get(busy_unit.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("城关化工贸易", "八廓街道第三网格", "(藏)3S-001", "QP-1", "K-9", "unit-stock", "unit-flags",
                 "rectification-overdue"):
        assert text in html, text
    number = id_number(3)
    assert number not in html and number[-4:] in html and "张三" not in html and "张*" in html


def test_the_reconciliation_page(client, county_officer, busy_unit):
    client.force_login(county_officer)
    sub = substance()
    response = client.get(reverse("precursors:unit_reconciliation", args=[busy_unit.pk, sub.pk]))
    assert response.status_code == 200 and "table-danger" in response.content.decode()


def test_the_overview(client, officer, busy_unit):
    client.force_login(officer)
    response = client.get(reverse("precursors:overview") + "?date_from=2024-01-01&date_to=2024-06-30")
    assert response.status_code == 200
    assert response.context["stats"] == {"units": 1, "transactions": 3, "flagged_discrepancies": 1}
    assert any(row["region"].code == "540100" and row["units"] == 1 for row in response.context["by_prefecture"])
    # "Zero diversion": the flags still open (any rule, today), on the page; a resolved flag leaves the figure.
    open_now = ReconciliationFlag.objects.filter(active=True, status__in=[FlagStatus.OPEN, FlagStatus.ASSIGNED])
    assert response.context["unresolved"] == open_now.count() >= 1
    html = response.content.decode()
    assert f'id="figure-unresolved">{open_now.count()}<' in html
    from jindu.precursors.services import flag_resolve

    flag_resolve(actor=officer, flag=open_now.first(), resolution="账实相符，系录入错误")
    again = client.get(reverse("precursors:overview") + "?date_from=2024-01-01&date_to=2024-06-30")
    assert again.context["unresolved"] == response.context["unresolved"] - 1


def test_no_system_check_warning_about_the_stocktake_index():
    """The covering index is declared with key columns only: SQLite has no INCLUDE (models.W040)."""
    from django.core import checks

    assert [m.id for m in checks.run_checks() if m.id == "models.W040"] == []


def test_the_list_page_query_count_does_not_grow_with_rows(client, county_officer, django_assert_max_num_queries):
    sub = substance()
    unit = make_unit("540102")
    for _n in range(30):
        tx(unit, sub, "purchase", "1", "2024-01-05", counterparty_unit=make_unit("540103"))
    client.force_login(county_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("precursors:transaction_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("precursors:unit_list")).status_code == 200


def test_add_a_transaction_through_the_form(client, county_officer):
    unit, buyer = make_unit("540102"), make_unit("542523")
    sub = substance()
    client.force_login(county_officer)
    response = client.post(reverse("precursors:transaction_add"), {
        "unit": unit.pk, "substance": sub.pk, "direction": "sale", "date": "2024-02-01", "quantity": "2",
        "quantity_unit": "t", "counterparty": buyer.credit_code})
    assert response.status_code == 302, response.context["form"].errors
    line = Transaction.objects.get()
    assert line.base_quantity == 2000 and line.counterparty_unit == buyer and line.ref.startswith("W")
    assert ReconciliationFlag.objects.filter(transaction=line, rule=FlagRule.UNLICENSED_BUYER).exists()


def test_a_bad_counterparty_is_a_form_error(client, county_officer):
    unit = make_unit("540102")
    client.force_login(county_officer)
    response = client.post(reverse("precursors:transaction_add"), {
        "unit": unit.pk, "substance": substance().pk, "direction": "sale", "date": "2024-02-01", "quantity": "2",
        "quantity_unit": "kg", "counterparty": "540102198503120000"})
    assert response.status_code == 200 and "counterparty" in response.context["form"].errors


def test_flag_work_list_steps(client, county_officer, busy_unit):
    flag = ReconciliationFlag.objects.get(unit=busy_unit, rule=FlagRule.RECONCILIATION)
    client.force_login(county_officer)
    url = lambda step: reverse("precursors:reconciliationflag_action", args=[flag.pk, step])  # noqa: E731
    assert client.get(flag.get_absolute_url()).status_code == 200
    client.post(url("assign"), {"assigned_to": county_officer.pk})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ASSIGNED and flag.assigned_to == county_officer
    inspection = Inspection.objects.get(unit=busy_unit)
    client.post(url("inspection"), {"inspection": inspection.pk})
    client.post(url("resolve"), {"resolution": "少记一笔使用：已补录"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED and flag.inspection == inspection and flag.resolved_on
    client.post(url("reopen"))
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ASSIGNED


def test_monthly_return_by_a_company_reporter(client, db):
    from jindu.core.models import Organisation

    company = Organisation.objects.create(name="拉萨某化工", kind="company", region=region("540102"))
    own = make_unit("540102", organisation=company)
    other = make_unit("540102")
    reporter = create_user("reporter", ["company_reporter"], "540102", organisation=company)
    client.force_login(reporter)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/precursors/units/{other.pk}").status_code == 404
    sub = substance()
    data = {"unit": own.pk, "substance": sub.pk, "month": "2024-03", "quantity_unit": "L", "purchase": "50",
            "use": "20", "stocktake": "30"}
    response = client.post(reverse("precursors:monthly_report"), data)
    assert response.status_code == 302
    assert Transaction.objects.filter(unit=own).count() == 3
    assert Transaction.objects.get(direction="stocktake").date == datetime.date(2024, 3, 31)
    response = client.post(reverse("precursors:monthly_report"), {**data, "unit": other.pk})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    response = client.post(reverse("precursors:monthly_report"), data)  # again: only the county corrects
    assert response.status_code == 200 and Transaction.objects.count() == 3
    assert client.get(reverse("precursors:unit_list")).context["table"].rows.__len__() == 1


def test_cylinder_life_through_the_pages(client, county_officer):
    station = make_unit("540102", kind="gas_filling")
    client.force_login(county_officer)
    response = client.post(reverse("precursors:cylinder_add"), {"serial": "QP-9", "unit": station.pk,
                                                                 "filed_on": "2024-01-02"})
    assert response.status_code == 302
    cylinder = Cylinder.objects.get()
    record = reverse("precursors:cylinder_record", args=[cylinder.pk])
    client.post(record, {"kind": "filling", "date": "2024-01-03"})
    response = client.post(record, {"kind": "sale", "date": "2024-01-04", "buyer_name": "李四"})
    assert response.status_code == 200  # no ID number
    client.post(record, {"kind": "sale", "date": "2024-01-04", "buyer_name": "李四", "buyer_id_number": id_number(4)})
    client.post(record, {"kind": "return", "date": "2024-01-20"})
    cylinder.refresh_from_db()
    assert cylinder.status == "empty" and cylinder.events.count() == 3
    html = client.get(cylinder.get_absolute_url()).content.decode()
    assert id_number(4) not in html and "李*" in html


def test_photo_upload_and_streaming(client, county_officer, other_county_officer, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    inspection = Inspection.objects.create(ref="XC", unit=make_unit("540102"), date=datetime.date(2024, 4, 1))
    client.force_login(county_officer)
    url = reverse("precursors:inspection_photo", args=[inspection.pk])
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    assert client.post(url, {"image": fake}).status_code == 200
    png = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    assert client.post(url, {"image": png, "caption": "库房"}).status_code == 302
    photo = inspection.photos.get()
    response = client.get(reverse("precursors:inspectionphoto", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(other_county_officer)
    assert client.get(reverse("precursors:inspectionphoto", args=[photo.pk])).status_code == 404


def test_api_create_transaction_and_masked_output(client, county_officer):
    unit = make_unit("540102")
    client.force_login(county_officer)
    response = client.post("/api/v1/precursors/transactions", {
        "ref": "API-1", "credit_code": unit.credit_code, "chemical": "丙酮", "direction": "sale", "quantity": "1.5",
        "unit": "L", "on": "2024-05-01", "counterparty": id_number(5), "counterparty_name": "王五"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counterparty_id_number"] != id_number(5) and body["counterparty_name"] == "王*"
    response = client.post("/api/v1/precursors/transactions", {
        "ref": "API-2", "credit_code": unit.credit_code, "chemical": "丙酮", "direction": "sale", "quantity": "-1",
        "unit": "L", "on": "2024-05-01"}, content_type="application/json")
    assert response.status_code == 422
    other = make_unit("542523")
    response = client.post("/api/v1/precursors/transactions", {
        "ref": "API-3", "credit_code": other.credit_code, "chemical": "丙酮", "direction": "use", "quantity": "1",
        "unit": "L", "on": "2024-05-01"}, content_type="application/json")
    assert response.status_code == 422 and not Transaction.objects.filter(ref="API-3").exists()


def test_api_unit_create_validates_the_credit_code(client, county_officer):
    client.force_login(county_officer)
    good = {"credit_code": credit_code(), "name": "甲", "kind": "trader", "region_code": "540102"}
    assert client.post("/api/v1/precursors/units", good, content_type="application/json").status_code == 201
    bad = {**good, "credit_code": good["credit_code"][:-1] + "Z"}
    assert client.post("/api/v1/precursors/units", bad, content_type="application/json").status_code == 422
    outside = {**good, "credit_code": credit_code(), "region_code": "542523"}
    assert client.post("/api/v1/precursors/units", outside, content_type="application/json").status_code == 404


def test_licence_states_in_the_list(client, county_officer):
    unit, sub = make_unit("540102"), substance()
    today = datetime.date.today()
    Licence.objects.create(unit=unit, substance=sub, number="OLD", kind="purchase",
                           valid_from=today - datetime.timedelta(days=400), valid_until=today - datetime.timedelta(1))
    Licence.objects.create(unit=unit, substance=sub, number="SOON", kind="purchase", valid_from=today,
                           valid_until=today + datetime.timedelta(days=10), quantity_allowed=D(5))
    client.force_login(county_officer)
    html = client.get(reverse("precursors:licence_list")).content.decode()
    assert "bg-red-lt" in html and "bg-yellow-lt" in html
    rows = client.get(reverse("precursors:licence_list") + "?state=expiring").context["table"].rows
    assert [row.record.number for row in rows] == ["SOON"]


def test_editing_a_real_name_sale_keeps_the_masked_buyer(client, county_officer):
    unit, sub = make_unit("540102"), substance()
    person = id_number(12)
    line = tx(unit, sub, "sale", "1", "2024-02-01", counterparty_id_number=person, counterparty_name="扎西顿珠")
    client.force_login(county_officer)
    url = reverse("precursors:transaction_edit", args=[line.pk])
    html = client.get(url).content.decode()
    assert person not in html and "扎西顿珠" not in html
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in ("ref", "direction", "quantity_unit", "counterparty",
                                                            "counterparty_name", "document_no", "notes")}
    data.update(unit=unit.pk, substance=sub.pk, date="2024-02-01", quantity="2", version=line.version)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    line.refresh_from_db()
    assert (line.quantity, line.counterparty_id_number, line.counterparty_name) == (2, person, "扎西顿珠")


def test_overdue_rectifications_alert_in_the_header(client, county_officer, other_county_officer):
    unit = make_unit("540102")
    Inspection.objects.create(ref="OD1", unit=unit, date=datetime.date(2024, 3, 1), rectification_required=True,
                              rectification_deadline=datetime.date(2024, 3, 31))
    Inspection.objects.create(ref="OD2", unit=unit, date=datetime.date(2024, 3, 1), rectification_required=True,
                              rectification_deadline=datetime.date(2024, 3, 31),
                              rectified_on=datetime.date(2024, 3, 20))
    Inspection.objects.create(ref="OD3", unit=unit, date=datetime.date.today(), rectification_required=True,
                              rectification_deadline=datetime.date.today() + datetime.timedelta(days=5))
    client.force_login(county_officer)
    page = client.get(reverse("precursors:unit_list")).content.decode()
    assert reverse("precursors:overdue_alert") in page  # loaded after the page, beside the bell
    alert = client.get(reverse("precursors:overdue_alert")).content.decode()
    assert "?overdue=true" in alert and ">1</span>" in alert
    client.force_login(other_county_officer)
    assert "overdue" not in client.get(reverse("precursors:overdue_alert")).content.decode()


def test_a_company_reporter_gets_their_units_not_the_region_overview(client, db):
    from jindu.core.models import Organisation

    company = Organisation.objects.create(name="拉萨某化工", kind="company", region=region("540102"))
    client.force_login(create_user("reporter", ["company_reporter"], "540102", organisation=company))
    response = client.get(reverse("precursors:overview"))
    assert response.status_code == 302 and response["Location"] == reverse("precursors:unit_list")
