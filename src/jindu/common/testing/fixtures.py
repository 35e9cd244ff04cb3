"""pytest fixtures available to every test (registered in the root conftest.py)."""

import pytest

from .helpers import create_user


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
