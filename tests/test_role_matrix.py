"""The role x endpoint matrix, table-driven (security requirement 8), including the three administrator roles.

Each cell states who is allowed; everyone else is refused (403 on pages and on API creation, 404 on API
records: existence is not revealed). The expectations are written out here, reviewed, and not derived
from core/roles.py.
"""

import pytest
from django.urls import reverse

from jindu.common.testing import create_user, region
from jindu.core.choices import RoleCode
from jindu.core.models import Organisation

pytestmark = pytest.mark.django_db

SCOPE = {"regional_officer": "540000", "prefecture_officer": "540100", "county_officer": "540102",
         "community_worker": "540102", "school_reporter": "540102", "company_reporter": "540102",
         "leader": "540000", "system_admin": "540000", "security_admin": None, "audit_admin": None,
         "member_unit": "540102", "traffic_police": "540102"}
ROLES = sorted(RoleCode.values)
OFFICERS = {"regional_officer", "prefecture_officer", "county_officer"}
REFERENCE_READERS = OFFICERS | {"leader", "system_admin", "community_worker", "school_reporter", "company_reporter",
                                 "traffic_police"}  # a member unit sees its tasks only, not even the reference lists
BUSINESS_READERS = OFFICERS | {"leader"}

# endpoint -> (roles allowed, status when allowed, status when refused)
MATRIX = {
    "page core:organisation_list": (REFERENCE_READERS, 200, 403),
    "page core:region_list": (REFERENCE_READERS, 200, 403),
    "page core:organisation": (REFERENCE_READERS, 200, 403),
    "page core:organisation_add": (OFFICERS | {"system_admin"}, 200, 403),
    "page core:organisation_edit": (OFFICERS | {"system_admin"}, 200, 403),
    "page core:organisation_delete": ({"system_admin"}, 200, 403),
    "page core:organisation_voided": ({"system_admin"}, 200, 403),
    "page core:user_list": ({"system_admin", "security_admin"}, 200, 403),
    "page core:user_add": ({"system_admin"}, 200, 403),
    "page core:user_roles": ({"security_admin"}, 200, 403),
    "page core:auditlog_list": ({"audit_admin"}, 200, 403),
    "page core:security_settings": ({"security_admin"}, 200, 403),
    "page importing:index": (OFFICERS | {"leader", "company_reporter"}, 200, 403),  # reporters: own ledgers
    "page importing:export": (OFFICERS | {"leader"}, 200, 403),
    "page importing:upload": (OFFICERS, 200, 403),
    "api GET organisation": (REFERENCE_READERS, 200, 404),
    "api POST organisations": (OFFICERS | {"system_admin"}, 201, 403),
    "api PUT organisation": (OFFICERS | {"system_admin"}, 200, 404),
    "api DELETE organisation": ({"system_admin"}, 204, 404),
    # One list page of each business app, the forms of the narrow roles, the statistics.
    "page cases:case_list": (BUSINESS_READERS, 200, 403),
    "page cases:case_add": (OFFICERS, 200, 403),
    "page persons:person_list": (BUSINESS_READERS | {"community_worker"}, 200, 403),
    "page persons:drivingcheck_add": (OFFICERS | {"traffic_police"}, 200, 403),
    "page persons:licencecertificate_list": (BUSINESS_READERS | {"traffic_police"}, 200, 403),
    "page precursors:unit_list": (BUSINESS_READERS | {"company_reporter"}, 200, 403),
    "page outreach:school_list": (BUSINESS_READERS | {"school_reporter"}, 200, 403),
    "page outreach:event_list": (BUSINESS_READERS, 200, 403),
    "page supervision:task_list": (BUSINESS_READERS | {"member_unit"}, 200, 403),
    "page reports:dashboard_data": (BUSINESS_READERS, 200, 403),
    "api GET stats": (BUSINESS_READERS, 200, 403),
}


def request(client, endpoint, org, target, role):
    kind, name = endpoint.split(" ", 1)
    if kind == "page":
        args = {"core:organisation": [org.pk], "core:organisation_edit": [org.pk],
                "core:organisation_delete": [org.pk], "core:user_roles": [target.pk],
                "importing:export": ["organisations"], "importing:upload": ["organisations"]}.get(name, [])
        query = {"importing:export": {"format": "csv"},
                 "reports:dashboard_data": {"from": "2024-01-01", "to": "2024-06-30"}}.get(name)
        return client.get(reverse(name, args=args), query)
    if name == "GET stats":
        return client.get("/api/v1/stats", {"from": "2024-01-01", "to": "2024-06-30"})
    api = "/api/v1/core/organisations"
    body = {"name": f"矩阵{role}", "kind": "other", "region_code": "540102", "version": org.version}
    if name == "GET organisation":
        return client.get(f"{api}/{org.pk}")
    if name == "POST organisations":
        return client.post(api, body, content_type="application/json")
    if name == "PUT organisation":
        return client.put(f"{api}/{org.pk}", body, content_type="application/json")
    return client.delete(f"{api}/{org.pk}", {"reason": "矩阵测试"}, content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_role_endpoint_matrix(client, endpoint, role):
    allowed, ok, refused = MATRIX[endpoint]
    org = Organisation.objects.create(name="矩阵单位", kind="other", region=region("540102"))
    target = create_user("matrix_target", [])
    user = create_user("matrix_" + role, [role], SCOPE[role])
    client.force_login(user)
    response = request(client, endpoint, org, target, role)
    expected = ok if role in allowed else refused
    assert response.status_code == expected, (endpoint, role, response.status_code)


def test_matrix_size(security_figures):
    cells = len(MATRIX) * len(ROLES)
    admin_cells = len(MATRIX) * 3
    security_figures["role_endpoint_cells_asserted"] = f"{cells} ({len(MATRIX)} endpoints x {len(ROLES)} roles, " \
                                                       f"{admin_cells} of them for the three administrator roles)"
    assert cells >= 150
