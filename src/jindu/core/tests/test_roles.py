"""Roles: the three administrators (三权分立) are separate and read no business data; permissions come from roles."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jindu.common.testing import create_user, region
from jindu.core.choices import RoleCode
from jindu.core.models import AuditLog, Organisation
from jindu.core.roles import ADMIN_ROLES, ROLE_PERMISSIONS
from jindu.core.services import user_set_roles, validate_roles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("first", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("second", sorted(set(RoleCode.values)))
def test_an_admin_role_is_held_alone(first, second):
    if first == second:
        return
    scope = region("540000") if second == "regional_officer" else region("540102")
    with pytest.raises(ValidationError):
        validate_roles([first, second], scope)


@pytest.mark.parametrize(
    ("role", "code", "ok"),
    [("regional_officer", "540000", True), ("regional_officer", "540100", False),
     ("prefecture_officer", "540100", True), ("prefecture_officer", "540102", False),
     ("county_officer", "540102", True), ("county_officer", None, False), ("leader", "540100", True)],
)
def test_officer_roles_need_scope_at_their_level(role, code, ok):
    scope = region(code) if code else None
    if ok:
        validate_roles([role], scope)
    else:
        with pytest.raises(ValidationError):
            validate_roles([role], scope)


def test_admin_roles_share_no_permission():
    system, security, auditing = (ROLE_PERMISSIONS[r] for r in ("system_admin", "security_admin", "audit_admin"))
    assert not (system & auditing) and not (security & auditing)
    assert "core.view_auditlog" in auditing and "core.view_auditlog" not in system | security
    assert "core.assign_roles" in security and "core.assign_roles" not in system | auditing


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_no_admin_reads_business_data(role):
    user = create_user("admin_" + role, [role])
    for app in ("cases", "persons", "precursors", "outreach", "supervision"):
        assert not user.has_perm(f"{app}.view_case")
        assert not user.has_perm(f"{app}.view_person")


# The role x page matrix: (role, url name, kwargs, expected status).
MATRIX = [
    ("system_admin", "core:user_list", 200),
    ("system_admin", "core:auditlog_list", 403),
    ("security_admin", "core:user_list", 200),
    ("security_admin", "core:auditlog_list", 403),
    ("security_admin", "core:user_add", 403),
    ("audit_admin", "core:auditlog_list", 200),
    ("audit_admin", "core:user_list", 403),
    ("audit_admin", "core:organisation_list", 403),
    ("regional_officer", "core:organisation_list", 200),
    ("regional_officer", "core:user_list", 403),
    ("regional_officer", "core:auditlog_list", 403),
    ("county_officer", "core:organisation_add", 200),
    ("leader", "core:organisation_list", 200),
    ("leader", "core:organisation_add", 403),
]


@pytest.mark.parametrize(("role", "url_name", "status"), MATRIX)
def test_role_page_matrix(client, role, url_name, status):
    scope = {"regional_officer": "540000", "county_officer": "540102", "leader": "540000"}.get(role)
    client.force_login(create_user("u_" + role, [role], scope))
    assert client.get(reverse(url_name)).status_code == status


def test_audit_log_cannot_be_written_through_the_app(client, auditor):
    client.force_login(auditor)
    entry = AuditLog.objects.order_by("-seq").first()
    assert client.post(reverse("core:auditlog_list")).status_code == 405
    assert client.post(reverse("core:auditlog", args=[entry.pk])).status_code == 405
    assert client.delete(reverse("core:auditlog", args=[entry.pk])).status_code == 405


def test_security_admin_cannot_change_own_roles(secadmin):
    with pytest.raises(PermissionDenied):
        user_set_roles(actor=secadmin, user=secadmin, role_codes=["audit_admin"])


def test_system_admin_cannot_assign_roles(sysadmin):
    target = create_user("target", [])
    with pytest.raises(PermissionDenied):
        user_set_roles(actor=sysadmin, user=target, role_codes=["regional_officer"], region=region("540000"))


def test_security_admin_assigns_roles_and_it_is_audited(client, secadmin):
    target = create_user("target", [])
    client.force_login(secadmin)
    response = client.post(reverse("core:user_roles", args=[target.pk]),
                           {"region": region("540100").pk, "roles": ["prefecture_officer"]})
    assert response.status_code == 302
    target.refresh_from_db()
    assert set(target.roles.values_list("code", flat=True)) == {"prefecture_officer"}
    assert target.region.code == "540100"
    entry = AuditLog.objects.filter(action="core.user.roles_changed", object_id=str(target.pk)).get()
    assert entry.after == {"roles": ["prefecture_officer"]} and entry.actor_id == secadmin.pk
    # Two admin roles at once are refused with a message and nothing changes.
    response = client.post(reverse("core:user_roles", args=[target.pk]),
                           {"roles": ["system_admin", "audit_admin"]})
    assert response.status_code == 200 and response.context["form"].errors
    assert set(target.roles.values_list("code", flat=True)) == {"prefecture_officer"}


def test_is_superuser_grants_nothing(client):
    user = create_user("root_like", [], is_superuser=True, is_staff=True)
    assert not user.has_perm("core.view_auditlog")
    assert Organisation.objects.restrict(user).count() == 0
    client.force_login(user)
    assert client.get(reverse("core:auditlog_list")).status_code == 403
    assert client.get(reverse("core:user_list")).status_code == 403


def test_navigation_lists_only_what_the_user_may_open(client, auditor, officer):
    client.force_login(auditor)
    body = client.get(reverse("home")).content.decode()
    assert reverse("core:auditlog_list") in body and reverse("core:user_list") not in body
    client.force_login(officer)
    body = client.get(reverse("home")).content.decode()
    assert reverse("core:organisation_list") in body and reverse("core:auditlog_list") not in body
