"""Management pages (users, roles, audit log, security settings) only from JINDU_ADMIN_ALLOWED_NETWORKS."""

import pytest
from django.test import Client
from django.urls import reverse

from jindu.core.models import AuditLog

pytestmark = pytest.mark.django_db

MANAGEMENT = [("sysadmin", "core:user_list", []), ("secadmin", "core:security_settings", []),
              ("auditor", "core:auditlog_list", [])]


@pytest.mark.parametrize(("who", "url_name", "args"), MANAGEMENT)
def test_outside_the_allowlist_is_403_and_audited(request, settings, who, url_name, args):
    settings.JINDU_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16", "192.168.8.1"]
    user = request.getfixturevalue(who)
    outside = Client(REMOTE_ADDR="172.16.5.9")
    outside.force_login(user)
    assert outside.get(reverse(url_name, args=args)).status_code == 403
    entry = AuditLog.objects.get(action="security.management_network_refused")
    assert entry.remote_addr == "172.16.5.9" and entry.actor_id == user.pk
    for address in ("10.20.3.4", "192.168.8.1"):
        inside = Client(REMOTE_ADDR=address)
        inside.force_login(user)
        assert inside.get(reverse(url_name, args=args)).status_code == 200, address


def test_without_an_allowlist_management_pages_open_from_anywhere(sysadmin):
    client = Client(REMOTE_ADDR="172.16.5.9")
    client.force_login(sysadmin)
    assert client.get(reverse("core:user_list")).status_code == 200


def test_business_pages_are_not_limited(settings, officer):
    settings.JINDU_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    client = Client(REMOTE_ADDR="172.16.5.9")
    client.force_login(officer)
    assert client.get(reverse("core:organisation_list")).status_code == 200


def test_user_detail_roles_and_resets_are_management_pages(settings, sysadmin, secadmin, officer):
    settings.JINDU_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    client = Client(REMOTE_ADDR="172.16.5.9")
    client.force_login(sysadmin)
    assert client.get(reverse("core:user", args=[officer.pk])).status_code == 403
    assert client.post(reverse("core:user_reset_password", args=[officer.pk])).status_code == 403
    client.force_login(secadmin)
    assert client.get(reverse("core:user_roles", args=[officer.pk])).status_code == 403
    assert client.post(reverse("core:user_reset_2fa", args=[officer.pk])).status_code == 403


def test_a_forged_real_ip_header_is_ignored_without_a_trusted_proxy(settings, sysadmin):
    settings.JINDU_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.JINDU_TRUST_PROXY = False
    client = Client(REMOTE_ADDR="172.16.5.9", HTTP_X_REAL_IP="10.20.1.1")
    client.force_login(sysadmin)
    assert client.get(reverse("core:user_list")).status_code == 403
