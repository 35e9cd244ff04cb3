"""Choice lists of the outreach app. Labels are translatable; codes are the import/export contract."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignTheme(models.TextChoices):
    SPRING_TRAVEL = "spring_travel", _("spring travel season")
    FIRST_LESSON = "first_lesson", _("first lesson of the school year")
    EIGHT_INTO = "eight_into", _("\"eight into\" rural activities")
    JUNE_26 = "june_26", _("6.26 International Day against Drug Abuse")
    PUBLICITY_MONTH = "publicity_month", _("publicity month")
    OTHER = "other", _("other")


class EventKind(models.TextChoices):
    """Kind of venue of an event (DESIGN.md, dataset ``events``, column ``kind``)."""

    TRANSPORT_HUB = "transport_hub", _("transport hub")
    SCHOOL = "school", _("school")
    VILLAGE = "village", _("village")
    MONASTERY = "monastery", _("monastery")
    MARKET = "market", _("market")
    VENUE = "venue", _("entertainment venue")
    ONLINE = "online", _("online")
    OTHER = "other", _("other")


class ActivityType(models.TextChoices):
    STALL = "stall", _("information stall")
    LECTURE = "lecture", _("lecture")
    FILM = "film", _("film screening")
    EXHIBITION = "exhibition", _("exhibition visit")
    PERFORMANCE = "performance", _("performance")
    DOOR_TO_DOOR = "door_to_door", _("door-to-door visits")
    LEAFLETS = "leaflets", _("leaflets and posters")
    ONLINE = "online", _("online posts")
    OTHER = "other", _("other")


class SchoolLevel(models.TextChoices):
    PRIMARY = "primary", _("primary school")
    MIDDLE = "middle", _("middle school")
    HIGH = "high", _("high school")
    VOCATIONAL = "vocational", _("vocational school")
    UNIVERSITY = "university", _("university")


class SchoolActivityKind(models.TextChoices):
    """The "five ones" of the first lesson (the first five) and the contests that go with them."""

    FLAG_SPEECH = "flag_speech", _("speech under the national flag")
    EXHIBITION = "exhibition", _("visit to an exhibition")
    FILM = "film", _("anti-drug film")
    LECTURE = "lecture", _("lecture")
    CLASS_MEETING = "class_meeting", _("class meeting")
    ESSAY = "essay", _("essay contest")
    QUIZ = "quiz", _("knowledge quiz contest")
    SPEECH = "speech", _("speech contest")
    BLACKBOARD = "blackboard", _("blackboard contest")
    NEWSPAPER = "newspaper", _("hand-written newspaper contest")
    PAINTING = "painting", _("painting and calligraphy contest")


FIVE_ONES = (
    SchoolActivityKind.FLAG_SPEECH, SchoolActivityKind.EXHIBITION, SchoolActivityKind.FILM,
    SchoolActivityKind.LECTURE, SchoolActivityKind.CLASS_MEETING,
)
CONTESTS = tuple(kind for kind in SchoolActivityKind if kind not in FIVE_ONES)


class UpgradeStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    SUSPENDED = "suspended", _("suspended")


class BaseLevel(models.TextChoices):
    REGION = "region", _("region level")
    PREFECTURE = "prefecture", _("prefecture level")
    COUNTY = "county", _("county level")


class ReviewResult(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class ContestStatus(models.TextChoices):
    """A contest takes entries while open, is scored while judging, and publishes its ranking when closed."""

    OPEN = "open", _("taking entries")
    JUDGING = "judging", _("judging")
    CLOSED = "closed", _("closed")
