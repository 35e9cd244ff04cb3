"""Region scope: a county officer never sees another county's record (404), on pages and in the API."""

import pytest
from django.urls import reverse

from jindu.common.scope import object_in_scope
from jindu.common.testing import ScopedModelViewTests, create_user, region
from jindu.core.models import Organisation

pytestmark = pytest.mark.django_db


class TestOrganisationAccess(ScopedModelViewTests):
    model = Organisation
    api_url = "/api/v1/core/organisations"

    def make_object(self, region_code):
        return Organisation.objects.create(name="单位" + region_code, kind="police_unit", region=region(region_code))


def test_county_officer_sees_units_above_but_not_beside():
    officer = create_user("cg", ["county_officer"], "540102")
    regional = Organisation.objects.create(name="自治区公安厅禁毒总队", kind="public_security", region=region("540000"))
    city = Organisation.objects.create(name="拉萨市公安局禁毒支队", kind="public_security", region=region("540100"))
    own = Organisation.objects.create(name="城关区禁毒办", kind="ncc_office", region=region("540102"))
    sibling = Organisation.objects.create(name="堆龙德庆区禁毒办", kind="ncc_office", region=region("540103"))
    visible = set(Organisation.objects.restrict(officer))
    assert {regional, city, own} <= visible
    assert sibling not in visible
    # Reading the units above is allowed; changing them is not.
    assert set(Organisation.objects.restrict(officer, "change")) == {own}
    assert object_in_scope(officer, regional, "view") and not object_in_scope(officer, regional, "change")


def test_edit_of_other_county_record_is_404_on_page_and_api(client):
    officer = create_user("cg", ["county_officer"], "540102")
    other = Organisation.objects.create(name="噶尔县公安局", kind="public_security", region=region("542523"))
    client.force_login(officer)
    assert client.get(reverse("core:organisation_edit", args=[other.pk])).status_code == 404
    response = client.put(
        f"/api/v1/core/organisations/{other.pk}",
        data={"name": "改名", "kind": "other", "region_code": "540102"},
        content_type="application/json",
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "噶尔县公安局"


def test_officer_cannot_create_outside_scope(client):
    officer = create_user("cg", ["county_officer"], "540102")
    client.force_login(officer)
    response = client.post(
        "/api/v1/core/organisations", data={"name": "越权单位", "kind": "other", "region_code": "542523"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="越权单位").exists()


def test_page_form_offers_only_regions_in_scope(client):
    officer = create_user("cg", ["county_officer"], "540102")
    client.force_login(officer)
    response = client.get(reverse("core:organisation_add"))
    codes = {r.code for r in response.context["form"].fields["region"].queryset}
    assert codes == {"540102"}
    response = client.post(reverse("core:organisation_add"), {"name": "越权", "kind": "other", "region": region(
        "542523").pk, "is_active": "on"})
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="越权").exists()


def test_officer_creates_in_scope_and_change_is_audited(client):
    from jindu.core.models import AuditLog

    officer = create_user("cg", ["county_officer"], "540102")
    client.force_login(officer)
    response = client.post(reverse("core:organisation_add"), {"name": "城关区社区", "kind": "community",
                                                              "region": region("540102").pk, "is_active": "on"})
    assert response.status_code == 302
    org = Organisation.objects.get(name="城关区社区")
    entry = AuditLog.objects.get(action="core.organisation.created", object_id=str(org.pk))
    assert entry.actor_id == officer.pk and entry.source == "web" and entry.after["name"] == "城关区社区"
    client.post(reverse("core:organisation_edit", args=[org.pk]), {"name": "城关区某社区", "kind": "community",
                                                                    "region": region("540102").pk, "is_active": "on",
                                                                    "version": org.version})
    updates = AuditLog.objects.filter(action="core.organisation.updated", object_id=str(org.pk))
    assert updates.count() == 1
    assert updates.get().before["name"] == "城关区社区" and updates.get().after["name"] == "城关区某社区"
