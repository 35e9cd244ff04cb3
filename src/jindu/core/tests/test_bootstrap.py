"""The first accounts of an instance (``jindu bootstrap``)."""

import pytest

from jindu.core.choices import RoleCode
from jindu.core.management.commands.bootstrap import Command
from jindu.core.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_first_accounts_cover_the_province_and_admins_read_no_business_data(settings):
    created = Command().create_accounts()
    assert [username for username, _password, _role in created] == ["officer", "sysadmin", "secadmin", "auditor"]
    root = settings.JINDU_ROOT_REGION
    for user in User.objects.all():
        assert user.scope_region.code == root
        assert user.must_change_password
    sysadmin = User.objects.get(username="sysadmin")
    assert sysadmin.role_codes == {RoleCode.SYSTEM_ADMIN}
    # The system administrator maintains the organisations of the whole province...
    office = Organisation.objects.get()
    assert list(Organisation.objects.restrict(sysadmin, "change")) == [office]
    # ...and reads no business record.
    for perm in ("cases.view_case", "persons.view_person", "precursors.view_transaction", "outreach.view_event"):
        assert not sysadmin.has_perm(perm)
        assert not User.objects.get(username="secadmin").has_perm(perm)
        assert not User.objects.get(username="auditor").has_perm(perm)
