"""Generic access tests for a region-scoped model's pages and API.

Subclass in an app's tests and declare the data::

    class TestOrganisationViews(ScopedModelViewTests):
        model = Organisation
        api_url = "/api/v1/core/organisations"

        def make_object(self, region_code):
            return Organisation.objects.create(name="X" + region_code, kind="other", region=region(region_code))

The mixin then checks: anonymous users are sent to login (pages) or get 401 (API); a user
without the permission gets 403; a county officer sees own-county records and gets 404 for
another county's, on the detail page and in the API; lists never contain the other county's rows.
"""

import pytest
from django.urls import reverse

from .helpers import create_user


class ScopedModelViewTests:
    model = None
    api_url = None  # e.g. "/api/v1/core/organisations" (detail: api_url + "/<pk>")
    own_region = "540102"
    other_region = "542523"

    def make_object(self, region_code):
        raise NotImplementedError

    @property
    def name(self):
        return self.model._meta.model_name

    def list_url(self):
        return reverse(f"{self.model._meta.app_label}:{self.name}_list")

    def detail_url(self, obj):
        return reverse(f"{self.model._meta.app_label}:{self.name}", args=[obj.pk])

    @pytest.fixture
    def objects(self, db):
        return self.make_object(self.own_region), self.make_object(self.other_region)

    @pytest.fixture
    def own_officer(self, db):
        return create_user("own_officer", ["county_officer"], self.own_region)

    def test_anonymous_is_sent_to_login(self, client, objects):
        own, _ = objects
        for url in (self.list_url(), self.detail_url(own)):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_api_anonymous_is_401(self, client, objects):
        if not self.api_url:
            pytest.skip("no API")
        own, _ = objects
        assert client.get(self.api_url).status_code == 401
        assert client.get(f"{self.api_url}/{own.pk}").status_code == 401

    def test_without_permission_is_403(self, client, objects):
        own, _ = objects
        auditor = create_user("only_auditor", ["audit_admin"])
        client.force_login(auditor)
        assert client.get(self.list_url()).status_code == 403
        assert client.get(self.detail_url(own)).status_code == 403

    def test_own_region_record_is_visible(self, client, objects, own_officer):
        own, _ = objects
        client.force_login(own_officer)
        assert client.get(self.detail_url(own)).status_code == 200
        assert client.get(self.list_url()).status_code == 200

    def test_other_region_record_is_404(self, client, objects, own_officer):
        _, other = objects
        client.force_login(own_officer)
        assert client.get(self.detail_url(other)).status_code == 404
        if self.api_url:
            assert client.get(f"{self.api_url}/{other.pk}").status_code == 404

    def test_list_holds_only_own_region(self, client, objects, own_officer):
        own, other = objects
        client.force_login(own_officer)
        pks = set(self.model.objects.restrict(own_officer).values_list("pk", flat=True))
        assert own.pk in pks and other.pk not in pks
        if self.api_url:
            items = client.get(self.api_url).json()["items"]
            ids = {item["id"] for item in items}
            assert own.pk in ids and other.pk not in ids
