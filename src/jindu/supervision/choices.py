"""Choice lists of the supervision app. Codes are the API contract; labels are translatable."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    PLAN = "plan", _("from a work plan")
    AD_HOC = "ad_hoc", _("ad hoc")
    RECTIFICATION = "rectification", _("rectification after a visit")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    REPORTED = "reported", _("reported")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


# The unit still has to act: these are the states in which a task can be due or overdue.
OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


class Metric(models.TextChoices):
    """Figures of the statistics engine a target can be linked to (paths into the DESIGN.md object)."""

    TEST_RATE = "persons.test_rate", _("drug-test rate of people in community detox/rehabilitation")
    TESTED = "persons.tested", _("people in community detox/rehabilitation tested")
    IN_COMMUNITY = "persons.in_community", _("people in community detox/rehabilitation")
    FLAGGED = "precursors.flagged_discrepancies", _("unresolved precursor reconciliation flags")
    PRECURSOR_UNITS = "precursors.units", _("registered precursor units")
    EVENTS = "outreach.events", _("publicity events")
    REACHED = "outreach.people_reached", _("people reached by publicity")
    QUIZ = "outreach.quiz_attempts", _("quiz participations")
    CASES = "cases.total", _("drug cases")
    ARRESTED = "suspects_arrested", _("suspects arrested")
    FUGITIVES = "fugitives_captured", _("fugitives captured")
    PLANTS = "eradication.plants", _("drug plants eradicated")
    INTERCEPTIONS = "interceptions.total", _("checkpoint interceptions")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CONDUCTED = "conducted", _("conducted")
    CLOSED = "closed", _("closed")


class CheckResult(models.TextChoices):
    MET = "met", _("met")
    PARTLY = "partly", _("partly met")
    NOT_MET = "not_met", _("not met")
    NOT_APPLICABLE = "n_a", _("not applicable")


class SubjectKind(models.TextChoices):
    REGION = "region", _("subordinate regions (prefectures or counties)")
    MEMBER_UNIT = "member_unit", _("member units")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class ScoringMethod(models.TextChoices):
    MANUAL = "manual", _("entered by assessors")
    STATISTIC = "statistic", _("computed from statistics")
    TASKS = "tasks", _("computed from task completion")


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("new task")
    TASK_DUE = "task_due", _("task due soon")
    TASK_OVERDUE = "task_overdue", _("task overdue")
    TASK_REPORTED = "task_reported", _("task reported")
    TASK_ACCEPTED = "task_accepted", _("task accepted")
    TASK_RETURNED = "task_returned", _("task returned")


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
