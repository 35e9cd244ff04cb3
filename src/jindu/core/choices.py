"""Choice lists of the core app. Labels are translatable; codes are the import/export contract."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.TextChoices):
    # "region" alone is the region a record belongs to (地区); as a level it is the autonomous region.
    REGION = "region", pgettext_lazy("region level", "autonomous region")
    PREFECTURE = "prefecture", pgettext_lazy("region level", "prefecture")
    COUNTY = "county", pgettext_lazy("region level", "county")


class OrganisationKind(models.TextChoices):
    NCC_OFFICE = "ncc_office", _("narcotics control office")
    PUBLIC_SECURITY = "public_security", _("public security")
    POLICE_UNIT = "police_unit", _("police unit")
    CHECKPOINT = "checkpoint", _("checkpoint")
    CUSTOMS = "customs", _("customs")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health")
    DRUG_REGULATION = "drug_regulation", _("drug regulation")
    POSTAL = "postal", _("postal administration")
    SOCIAL_WORK = "social_work", _("social work")
    JUSTICE = "justice", _("justice")
    TRANSPORT = "transport", _("transport")
    OTHER_MEMBER = "member_unit", _("other member unit")
    SCHOOL = "school", _("school")
    COMPANY = "company", _("company")
    HOSPITAL = "hospital", _("hospital")
    COMMUNITY = "community", _("community")
    OTHER = "other", _("other")


class RoleCode(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDIT_ADMIN = "audit_admin", _("audit administrator")
    REGIONAL_OFFICER = "regional_officer", _("regional officer")
    PREFECTURE_OFFICER = "prefecture_officer", _("prefecture officer")
    COUNTY_OFFICER = "county_officer", _("county officer")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    SCHOOL_REPORTER = "school_reporter", _("school reporter")
    COMPANY_REPORTER = "company_reporter", _("company reporter")
    LEADER = "leader", _("leader (read-only)")
    MEMBER_UNIT = "member_unit", _("member unit reporter")
    TRAFFIC_POLICE = "traffic_police", _("traffic police or checkpoint officer")


class DrugClass(models.TextChoices):
    OPIOID = "opioid", _("opioid")
    STIMULANT = "stimulant", _("stimulant")
    CANNABIS = "cannabis", _("cannabis")
    HALLUCINOGEN = "hallucinogen", _("hallucinogen")
    SEDATIVE = "sedative", _("sedative")
    NPS = "nps", _("new psychoactive substance")
    OTHER = "other", _("other")


class ChemicalCategory(models.TextChoices):
    ONE = "1", _("category 1")
    TWO = "2", _("category 2")
    THREE = "3", _("category 3")
