"""Another region's record is not there (404) on every record page (security requirement: region scope).

Each app's ``ScopedModelViewTests`` checks its own list and detail pages with records it makes. This test
goes over every page of the URL configuration that takes a record's key, across all apps, with the demo
scenario's records: for each page whose model is region-scoped, a county officer of Chengguan (540102, all
business permissions) opens it for a record of another county and must get 404 (POST-only pages are
POSTed). A page whose model has no record outside Chengguan in the demo is counted as untested; the
figure "record pages with an other-region test / all record pages" goes to docs/security.md.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jindu.common.scope import scope_q
from jindu.common.testing import create_user

pytestmark = pytest.mark.django_db

APPS = ("core", "cases", "persons", "precursors", "outreach", "supervision", "reports")
KEY = re.compile(r"<int:(\w+)>")


def _patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace in APPS and pattern.name:
            yield namespace, pattern


def _model_of(pattern):
    view_class = getattr(pattern.callback, "view_class", None)
    for attribute in ("model", "queryset"):
        value = getattr(view_class, attribute, None)
        if isinstance(value, type) and issubclass(value, Model):
            return value
        if hasattr(value, "model"):
            return value.model
    return None


def record_pages():
    """(url name, model or None) of every page taking exactly one record key."""
    pages = []
    for namespace, pattern in _patterns(get_resolver()):
        if len(KEY.findall(str(pattern.pattern))) == 1 and not str(pattern.pattern).startswith("api"):
            pages.append((f"{namespace}:{pattern.name}", _model_of(pattern)))
    return sorted(pages, key=lambda page: page[0])


def test_every_record_page_hides_other_regions(client, security_figures):
    call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
    officer = create_user("chengguan_officer", ["county_officer"], "540102")
    client.force_login(officer)
    pages = record_pages()
    scoped = [(name, model) for name, model in pages if model is None or getattr(model, "scope_field", None)]
    tested, untested, leaks = [], [], []
    for name, model in scoped:
        other = model and model._default_manager.exclude(scope_q(officer, model, "view")).order_by("pk").first()
        if other is None:
            untested.append(name)
            continue
        # The other region's record must answer exactly as a record that does not exist: 404, or 403 where
        # the officer lacks the page's permission whatever the record.
        expected = _open(client, reverse(name, args=[10**9]))
        status = _open(client, reverse(name, args=[other.pk]))
        tested.append(name)
        if status != expected or status not in (403, 404):
            leaks.append((name, other.pk, status, expected))
    security_figures["record_pages_with_other_region_test"] = (
        f"{len(tested)}/{len(scoped)} pages of region-scoped records ({len(pages)} record pages in all; "
        f"the others show province-wide records such as campaigns, plans and question banks)")
    security_figures["record_pages_without_other_region_record_in_demo"] = untested
    assert not leaks, leaks
    assert len(tested) >= 0.6 * len(scoped), untested


def _open(client, url):
    status = client.get(url).status_code
    return client.post(url, {}).status_code if status == 405 else status
