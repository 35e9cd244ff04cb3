"""pytest fixtures available to every test (registered in the root conftest.py)."""

import shutil
from pathlib import Path

import pytest

from .helpers import create_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, one per test process: Playwright's sync API runs one event loop per
    process, so every browser test (tests/browser, the quiz's phone test) shares this one."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def officer(db):
    """A regional officer who sees all of Tibet (540000)."""
    return create_user("region_officer", ["regional_officer"], "540000")


@pytest.fixture
def county_officer(db):
    """A county officer of Chengguan District, Lhasa (540102)."""
    return create_user("chengguan_officer", ["county_officer"], "540102")


@pytest.fixture
def other_county_officer(db):
    """A county officer of Gar County, Ngari (542523)."""
    return create_user("gar_officer", ["county_officer"], "542523")


@pytest.fixture
def sysadmin(db):
    return create_user("sys_admin", ["system_admin"])


@pytest.fixture
def secadmin(db):
    return create_user("sec_admin", ["security_admin"])


@pytest.fixture
def auditor(db):
    return create_user("audit_admin", ["audit_admin"])


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _force_login_passes_both_factors(monkeypatch):
    """``client.force_login(user)`` stands for a complete login: password and second factor.

    Two-factor login stays enforced in every test (a session from the real password form reaches
    only the two-factor pages: ``core/tests/test_two_factor.py``); a test that wants a session with
    the password alone logs in through the form, or uses ``password_only_login``.
    """
    from django.test import Client

    from .helpers import mark_second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and locks live in the cache: every test starts with none.

    Only the per-process memory cache is cleared; a shared cache (REDIS_URL) is left alone.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    yield


@pytest.fixture
def password_only_login(client):
    """``password_only_login(user)``: a session that passed the password step only (the real form)."""
    from django.urls import reverse

    from .helpers import TEST_PASSWORD

    def _login(user, password=TEST_PASSWORD):
        response = client.post(reverse("login"), {"username": user.get_username(), "password": password})
        assert response.status_code == 302, response.status_code
        return client

    return _login
