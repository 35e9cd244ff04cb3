"""What each role may do, reviewed with the code.

A permission is Django's ``<app>.<action>_<model>`` string; a role grants a set of glob
patterns over those strings. The three administrator roles (三权分立) share nothing with each
other and nothing with the business roles: an account holding one of them holds no other role.
Domain apps extend the business patterns by naming their app label in ``BUSINESS_APPS``.
"""

from fnmatch import fnmatchcase

from .choices import RegionLevel, RoleCode

BUSINESS_APPS = ("cases", "persons", "precursors", "outreach", "supervision", "reports")

ADMIN_ROLES = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDIT_ADMIN})

READ_REFERENCE = frozenset({"core.view_region", "core.view_organisation", "core.view_drug", "core.view_chemical"})
WRITE_ORGANISATIONS = frozenset({"core.add_organisation", "core.change_organisation"})
DATA_EXCHANGE = frozenset({"core.import_data", "core.export_data"})


def _all(app_labels, actions=("view", "add", "change", "delete")):
    return frozenset(f"{app}.{action}_*" for app in app_labels for action in actions)


# Field categories (common.fieldrules): which protected fields a role receives. School, company and
# community-worker roles receive none: no full ID numbers, phones, drug-use history or case details.
READ_ALL_FIELDS = frozenset({"core.read_identity_data", "core.read_drug_use_data", "core.read_case_data",
                             "core.read_contact_data", "core.read_internal_data"})
# Case handling (办案): may open sealed records (common.sealing), with a reason and a case number.
OPEN_SEALED = frozenset({"core.open_sealed_records"})

OFFICER = READ_REFERENCE | WRITE_ORGANISATIONS | DATA_EXCHANGE | _all(BUSINESS_APPS) | READ_ALL_FIELDS | OPEN_SEALED

ROLE_PERMISSIONS = {
    RoleCode.SYSTEM_ADMIN: frozenset(
        {
            "core.view_user", "core.add_user", "core.change_user",
            "core.view_region", "core.view_organisation", "core.view_drug", "core.view_chemical",
            "core.add_organisation", "core.change_organisation", "core.delete_organisation",
            "core.read_contact_data", "core.read_internal_data",  # of organisations, which they maintain
        }
    ),
    RoleCode.SECURITY_ADMIN: frozenset({"core.view_user", "core.assign_roles", "core.unlock_user",
                                        "core.view_security_settings"}),
    RoleCode.AUDIT_ADMIN: frozenset({"core.view_auditlog"}),
    RoleCode.REGIONAL_OFFICER: OFFICER,
    RoleCode.PREFECTURE_OFFICER: OFFICER,
    RoleCode.COUNTY_OFFICER: OFFICER,
    RoleCode.COMMUNITY_WORKER: READ_REFERENCE | frozenset(f"persons.{p}" for p in (  # their own persons only
        "view_person", "view_episode", "view_handover", "view_drugtest", "view_contact", "view_riskassessment",
        "view_alert", "add_drugtest", "change_drugtest", "add_contact", "change_contact", "add_riskassessment",
        "change_alert", "change_handover", "add_identitydisclosure")),
    RoleCode.SCHOOL_REPORTER: READ_REFERENCE | frozenset({"outreach.view_school*", "outreach.change_school*",
                                                          "outreach.add_school*"}),
    RoleCode.COMPANY_REPORTER: READ_REFERENCE | frozenset({"precursors.view_*", "precursors.add_transaction*",
                                                           "core.import_data"}),  # their own units' ledgers
    # A member unit (public security, education, health...) reports on the tasks given to it, nothing else (not
    # even the reference lists: regions, organisations); supervision.access narrows every supervision list to the
    # user's own unit.
    RoleCode.MEMBER_UNIT: frozenset({
        "supervision.view_workplan", "supervision.view_planitem", "supervision.view_task", "supervision.change_task",
        "supervision.view_progressreport", "supervision.add_progressreport", "supervision.view_attachment",
        "supervision.add_attachment", "supervision.view_notification"}),
    # Traffic police and checkpoint staff: the drug-driving check and licence query certificates, no registry.
    RoleCode.TRAFFIC_POLICE: READ_REFERENCE | frozenset({
        "persons.add_drivingcheck", "persons.view_drivingcheck", "persons.add_licencecertificate",
        "persons.view_licencecertificate"}),
    RoleCode.LEADER: READ_REFERENCE | _all(BUSINESS_APPS, ("view",)) | frozenset({"core.export_data"})
    | READ_ALL_FIELDS,
}

# The level of the region a holder of the role must be scoped to (None: any level).
ROLE_SCOPE_LEVEL = {
    RoleCode.REGIONAL_OFFICER: RegionLevel.REGION,
    RoleCode.PREFECTURE_OFFICER: RegionLevel.PREFECTURE,
    RoleCode.COUNTY_OFFICER: RegionLevel.COUNTY,
    RoleCode.COMMUNITY_WORKER: RegionLevel.COUNTY,
    RoleCode.SCHOOL_REPORTER: RegionLevel.COUNTY,
    RoleCode.COMPANY_REPORTER: RegionLevel.COUNTY,
}
# MEMBER_UNIT and TRAFFIC_POLICE may sit at any level: units and checkpoints exist at all three.


def patterns_for(role_codes):
    patterns = set()
    for code in role_codes:
        patterns |= ROLE_PERMISSIONS.get(code, frozenset())
    return patterns


def has_permission(role_codes, perm):
    return any(fnmatchcase(perm, pattern) for pattern in patterns_for(role_codes))
