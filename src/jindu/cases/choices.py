"""Choice lists of the enforcement records. Codes are the import/export contract (DESIGN.md); labels translate."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    CRIMINAL = "criminal", _("criminal")
    ADMINISTRATIVE = "administrative", _("administrative")


class Offence(models.TextChoices):
    TRAFFICKING = "trafficking", _("trafficking")
    SMUGGLING = "smuggling", _("smuggling")
    TRANSPORT = "transport", _("transport")
    MANUFACTURE = "manufacture", _("manufacture")
    POSSESSION = "possession", _("illegal possession")
    HARBOURING = "harbouring", _("harbouring drug use")
    CULTIVATION = "cultivation", _("illegal cultivation")
    DRUG_USE = "drug_use", _("drug use")
    PRECURSOR = "precursor", _("precursor chemicals")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    POSTAL = "postal", _("postal / express delivery")
    ROAD = "road", _("road")
    BORDER_PORT = "border_port", _("border port")
    ONLINE = "online", _("online")
    OTHER = "other", _("other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    SOLVED = "solved", _("solved")
    PROSECUTION = "prosecution", _("transferred to prosecution")
    CLOSED = "closed", _("closed")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class SuspectRole(models.TextChoices):
    ORGANISER = "organiser", _("organiser")
    PRINCIPAL = "principal", _("principal offender")
    ACCOMPLICE = "accomplice", _("accomplice")
    DRUG_USER = "drug_user", _("drug user")
    OTHER = "other", _("other")


class Measure(models.TextChoices):
    """Coercive and administrative measures taken against a suspect (强制措施 / 处罚)."""

    CRIMINAL_DETENTION = "criminal_detention", _("criminal detention")
    ARREST = "arrest", _("arrest approved")
    BAIL = "bail", _("bail pending trial")
    RESIDENTIAL_SURVEILLANCE = "residential_surveillance", _("residential surveillance")
    ADMINISTRATIVE_DETENTION = "administrative_detention", _("administrative detention")
    COMPULSORY_ISOLATION = "compulsory_isolation", _("compulsory isolation detox")
    COMMUNITY_DETOX = "community_detox", _("community detox")
    FINE = "fine", _("fine")
    DEPORTATION = "deportation", _("deportation")
    OTHER = "other", _("other")


class Unit(models.TextChoices):
    """Units of a seizure. Grams and kilograms are added up together (kg folded into g); the
    others are counted apart and never mixed with weights."""

    GRAM = "g", _("g")
    KILOGRAM = "kg", _("kg")
    TABLET = "tablet", _("tablets")
    CAPSULE = "capsule", _("capsules")
    MILLILITRE = "ml", _("ml")
    PLANT = "plant", _("plants")


WEIGHT_UNITS = {Unit.GRAM: 1, Unit.KILOGRAM: 1000}


class Species(models.TextChoices):
    CANNABIS = "cannabis", _("cannabis")
    POPPY = "poppy", _("opium poppy")
    OTHER = "other", _("other")


class Finding(models.TextChoices):
    DRUG_USER = "drug_user", _("drug user")
    DRUG_DRIVING = "drug_driving", _("drug driving")
    TRAFFICKING = "trafficking", _("trafficking")
    OTHER = "other", _("other")
