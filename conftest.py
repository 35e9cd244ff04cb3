"""Test configuration shared by every app: reference data once per test database."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # pytest-django's live_server with Playwright


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load regions, drugs, chemicals and roles once; each test runs in a rolled-back transaction."""
    from jindu.core.services import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


pytest_plugins = ["jindu.common.testing.fixtures"]
