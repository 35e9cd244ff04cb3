"""Choice lists of the persons app. Codes are the import/export contract (DESIGN.md); labels are translatable."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("registered")
    LOST_CONTACT = "lost_contact", _("lost contact")
    DELISTED = "delisted", _("delisted")
    DECEASED = "deceased", _("deceased")


class Measure(models.TextChoices):
    COMMUNITY_DETOX = "community_detox", _("community detox")
    COMMUNITY_REHAB = "community_rehab", _("community rehabilitation")
    COMPULSORY_ISOLATION = "compulsory_isolation", _("compulsory isolation detox")
    VOLUNTARY_TREATMENT = "voluntary_treatment", _("voluntary treatment")


# The measures the statistics call "in community" (DESIGN.md, persons.in_community).
COMMUNITY_MEASURES = (Measure.COMMUNITY_DETOX, Measure.COMMUNITY_REHAB)
# Statutory measures exclude each other in time: a person is in one of them at most.
STATUTORY_MEASURES = (Measure.COMMUNITY_DETOX, Measure.COMMUNITY_REHAB, Measure.COMPULSORY_ISOLATION)
# Legal terms in months, shown as the expected end (禁毒法 arts. 33, 47, 48).
LEGAL_TERM_MONTHS = {
    Measure.COMMUNITY_DETOX: 36,
    Measure.COMMUNITY_REHAB: 36,
    Measure.COMPULSORY_ISOLATION: 24,
}


class TestMethod(models.TextChoices):
    URINE = "urine", _("urine")
    HAIR = "hair", _("hair")
    SALIVA = "saliva", _("saliva")
    BLOOD = "blood", _("blood")


class TestResult(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    POSITIVE = "positive", _("positive")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class ContactKind(models.TextChoices):
    VISIT = "visit", _("home visit")
    OFFICE = "office", _("reported in person")
    PHONE = "phone", _("phone call")
    VIDEO = "video", _("video call")


class AlertKind(models.TextChoices):
    TEST_OVERDUE = "test_overdue", _("drug test overdue")
    NO_CONTACT = "no_contact", _("no contact")
    POSITIVE_TEST = "positive_test", _("positive test")
    HANDOVER_OVERDUE = "handover_overdue", _("handover overdue")
    REASSESSMENT_OVERDUE = "reassessment_overdue", _("reassessment overdue")


class AlertState(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    RESOLVED = "resolved", _("resolved")


class LicencePurpose(models.TextChoices):
    APPLY = "apply", _("licence application")
    UPGRADE = "upgrade", _("additional vehicle class")
    OTHER = "other", _("other")


class CertificateResult(models.TextChoices):
    NOT_INVOLVED = "not_involved", _("not drug-involved")
    INVOLVED = "involved", _("drug-involved")


class Punishment(models.TextChoices):
    """Public-order punishments for drug use (治安管理处罚法 2025, art. 84)."""

    DETENTION = "detention", _("administrative detention")
    FINE = "fine", _("fine")
    WARNING = "warning", _("warning")
