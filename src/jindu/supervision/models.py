"""Coordination of the member units of the Narcotics Control Commission (issue 10).

Work plans set duties (plan items) of member units; tasks are generated from the items for each
responsible unit and region (or created ad hoc, or as rectifications after a visit) and go through
assigned -> in progress -> reported -> accepted / returned. Supervision visits record a checklist and
findings; their rectification items are tasks of kind "rectification". The yearly assessment (考核)
scores subordinate regions or member units against a configurable scheme and is frozen when published.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.common.features import LiveManager, LiveQuerySet, VersionedModel, VoidableModel
from jindu.common.models import JinduModel, RestrictedManager, RestrictedQuerySet

from . import access, metrics
from .choices import (
    OPEN_STATUSES,
    CheckResult,
    FileKind,
    Metric,
    NotificationKind,
    ReviewDecision,
    SchemeStatus,
    ScoringMethod,
    SubjectKind,
    TaskKind,
    TaskStatus,
    VisitStatus,
)

# --- Scope: the region filter of common.scope, plus the member-unit rule (access.py) ---------------------


class UnitScopedQuerySet(LiveQuerySet):
    """``restrict()`` as everywhere, and for member-unit users only the rows of their unit.

    ``unit_path`` is the path to the organisation a row belongs to (a task's assignee)."""

    unit_path = None

    def restrict(self, user, action="view"):
        queryset = super().restrict(user, action)
        unit = access.member_unit_of(user)
        if unit is not None and self.unit_path:
            queryset = queryset.filter(access.unit_q(self.unit_path, unit))
        return queryset


class TaskQuerySet(UnitScopedQuerySet):
    unit_path = "assignee"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        """Tasks the unit still has to act on whose deadline has passed (a reported task waits for the office)."""
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)

    def due_soon(self, today=None, days=None):
        today = today or timezone.localdate()
        days = DUE_SOON_DAYS if days is None else days
        return self.open().filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days))


class ReportQuerySet(UnitScopedQuerySet):
    unit_path = "task__assignee"


class VisitQuerySet(LiveQuerySet):
    def restrict(self, user, action="view"):
        """Member units see the visits to them and the visits that gave them rectification tasks."""
        queryset = super().restrict(user, action)
        unit = access.member_unit_of(user)
        if unit is not None:
            tasks = Task.objects.filter(access.unit_q("assignee", unit)).values("visit_id")
            queryset = queryset.filter(access.unit_q("unit", unit) | Q(pk__in=tasks))
        return queryset


class EntryQuerySet(UnitScopedQuerySet):  # (entries are not voidable: live() is a no-op)
    unit_path = "subject_unit"


class AttachmentQuerySet(RestrictedQuerySet):
    def restrict(self, user, action="view"):
        """An attachment is readable exactly when its owner record is (report, visit or score entry)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            Q(report__in=ProgressReport.objects.restrict(user, action))
            | Q(visit__in=Visit.objects.restrict(user, action))
            | Q(entry__in=ScoreEntry.objects.restrict(user, action))
        )


DUE_SOON_DAYS = 3


def live_and_all(queryset_class=LiveQuerySet):
    """The two managers of a voidable model (docs/security.md, "Adoption"): ``all_objects`` first (Django's
    default manager: unique checks, related managers, backups see every row) and ``objects`` (voided rows hidden),
    both with the model's own queryset. Reverse relations (``plan.items``) therefore include voided rows: read them
    through ``.live()`` or ``Model.objects``."""
    return RestrictedManager.from_queryset(queryset_class)(), LiveManager.from_queryset(queryset_class)()


def display_name(user):
    return user.get_full_name() or user.username
ONE_SUBJECT = Q(subject_region__isnull=False, subject_unit__isnull=True) | Q(
    subject_region__isnull=True, subject_unit__isnull=False)


# --- Work plans -----------------------------------------------------------------------------------------


class WorkPlan(VoidableModel, VersionedModel, JinduModel):
    """A work plan (工作方案) of an office: the duties it sets for member units over a period.

    Offices below read the plans issued above them (a county sees the regional plan); only the issuing
    office's region may change them."""

    scope_field = "issuer__region"
    scope_view_ancestors = True

    title = models.CharField(_("title"), max_length=200)
    document_no = models.CharField(_("document number"), max_length=64, blank=True)
    issuer = models.ForeignKey(
        "core.Organisation", verbose_name=_("issuing office"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    summary = models.TextField(_("summary"), blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True, editable=False,
                                help_text=_("Storage name under MEDIA_ROOT (files.store), never served directly."))
    document_name = models.CharField(_("document file name"), max_length=150, blank=True, editable=False)
    document_kind = models.CharField(max_length=8, choices=FileKind.choices, blank=True, editable=False)
    document_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "title"], name="supervision_workplan_unique_title",
                violation_error_message=_("This office already has a work plan with this title."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="supervision_workplan_period",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self):
        return self.title


class PlanItem(VoidableModel, VersionedModel, JinduModel):
    """One duty of a work plan: what, by whom (member units), where (regions), by when, and the
    measurable target where there is one (a figure of the statistics engine, or a text)."""

    scope_field = "plan__issuer__region"
    scope_view_ancestors = True

    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    duty = models.TextField(_("duty"))
    units = models.ManyToManyField(
        "core.Organisation", verbose_name=_("responsible units"), related_name="+",
    )
    regions = models.ManyToManyField(
        "core.Region", verbose_name=_("regions"), blank=True, related_name="+",
        help_text=_("One task per unit and region; leave empty for one task per unit in its own region."),
    )
    target_text = models.CharField(_("target"), max_length=200, blank=True)
    metric = models.CharField(_("statistics figure"), max_length=40, choices=Metric.choices, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4, null=True, blank=True,
                                       help_text=_("Rates as fractions: 1 = 100%."))
    deadline = models.DateField(_("deadline"))

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(
                condition=Q(metric="") | Q(target_value__isnull=False), name="supervision_planitem_metric_target",
                violation_error_message=_("A statistics figure needs a target value."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.duty[:60]}"

    @property
    def target_display(self):
        return metrics.describe_target(self.metric, self.target_value)

    def clean(self):
        if self.plan_id and self.deadline and not (self.plan.period_start <= self.deadline <= self.plan.period_end):
            raise ValidationError({"deadline": _("The deadline lies outside the plan's period.")})


# --- Tasks ---------------------------------------------------------------------------------------------


class Task(VoidableModel, VersionedModel, JinduModel):
    """A piece of work assigned by an office to one unit for one region, with a deadline.

    The unit reports progress (with evidence); the assigning office accepts or returns the final report.
    A unit never accepts its own report (services.task_review)."""

    scope_field = "region"

    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.AD_HOC)
    plan_item = models.ForeignKey(PlanItem, verbose_name=_("plan item"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="tasks")
    visit = models.ForeignKey("Visit", verbose_name=_("supervision visit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="rectifications")
    ref = models.CharField(_("reference"), max_length=40, blank=True,
                           help_text=_("The assigning office's own number for the task; the key of the task import."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    issuer = models.ForeignKey("core.Organisation", verbose_name=_("assigning office"), on_delete=models.PROTECT,
                               related_name="+")
    assignee = models.ForeignKey("core.Organisation", verbose_name=_("responsible unit"),
                                 on_delete=models.PROTECT, related_name="supervision_tasks")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    start_on = models.DateField(_("start"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    target_text = models.CharField(_("target"), max_length=200, blank=True)
    metric = models.CharField(_("statistics figure"), max_length=40, choices=Metric.choices, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4, null=True, blank=True,
                                       help_text=_("Rates as fractions: 1 = 100%."))
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False,
                                    help_text=_("The date of the report that was accepted."))

    all_objects, objects = live_and_all(TaskQuerySet)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="supervision_task_unique_ref",
                violation_error_message=_("Another task has this reference."),
            ),
            models.UniqueConstraint(
                fields=["plan_item", "assignee", "region"], condition=Q(plan_item__isnull=False),
                name="supervision_task_once_per_item_unit_region",
                violation_error_message=_("This plan item already has a task for this unit and region."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start_on")), name="supervision_task_deadline_after_start",
                violation_error_message=_("The deadline lies before the start."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=TaskKind.PLAN) | Q(plan_item__isnull=False), name="supervision_task_plan_has_item",
                violation_error_message=_("A task from a work plan needs its plan item."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=TaskKind.RECTIFICATION) | Q(visit__isnull=False),
                name="supervision_task_rectification_has_visit",
                violation_error_message=_("A rectification needs its supervision visit."),
            ),
            models.CheckConstraint(
                condition=Q(metric="") | Q(target_value__isnull=False), name="supervision_task_metric_target",
                violation_error_message=_("A statistics figure needs a target value."),
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="supervision_task_status_due")]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None):
        return self.is_open and self.deadline < (today or timezone.localdate())

    def is_due_soon(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and today <= self.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS)


class ProgressReport(JinduModel):
    """A progress report of the unit on its task, with evidence files. A final report asks the assigning
    office for acceptance; the office's decision and comment are recorded on it."""

    scope_field = "task__region"

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("report"))
    final = models.BooleanField(_("submitted for acceptance"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("Empty for reports loaded by the system (demo, migration of paper files)."))
    author_name = models.CharField(_("author's name"), max_length=100, blank=True)
    author_unit = models.ForeignKey("core.Organisation", verbose_name=_("author's unit"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(_("recorded by the office for the unit"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=16, choices=ReviewDecision.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(final=True), name="supervision_report_decision_on_final",
                violation_error_message=_("Only a report submitted for acceptance can be accepted or returned."),
            ),
        ]

    def __str__(self):
        return f"{self.task} · {timezone.localtime(self.submitted_at):%Y-%m-%d}"

    @property
    def author_display(self):
        if self.author is not None:
            return display_name(self.author)
        return self.author_name or "system"

    @property
    def reviewer_display(self):
        return display_name(self.reviewer) if self.reviewer_id else "system"


# --- Supervision visits -----------------------------------------------------------------------------------


class Visit(VoidableModel, VersionedModel, JinduModel):
    """A supervision visit (督导检查) to a prefecture, county or unit: team, checklist, findings, and
    rectification tasks that are followed up until the visit is closed."""

    scope_field = "region"

    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey("core.Organisation", verbose_name=_("organising office"), on_delete=models.PROTECT,
                               related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("visited region"), on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey("core.Organisation", verbose_name=_("visited unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    site = models.CharField(_("site"), max_length=200, blank=True,
                            help_text=_("For example the drug-education base that was visited."))
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("to"))
    leader = models.CharField(_("team leader"), max_length=100, blank=True)
    team = models.TextField(_("team members"), blank=True, help_text=_("One member per line: name, unit, post."))
    purpose = models.TextField(_("purpose"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closing_note = models.TextField(_("closing note"), blank=True, editable=False)

    all_objects, objects = live_and_all(VisitQuerySet)

    class Meta:
        ordering = ["-start_on", "id"]
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")), name="supervision_visit_dates",
                violation_error_message=_("The visit ends before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def team_members(self):
        return [line.strip() for line in self.team.splitlines() if line.strip()]


class VisitCheck(JinduModel):
    """One line of a visit's checklist and what the team found."""

    scope_field = "visit__region"

    visit = models.ForeignKey(Visit, verbose_name=_("supervision visit"), on_delete=models.CASCADE,
                              related_name="checks")
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    item = models.CharField(_("checklist item"), max_length=300)
    result = models.CharField(_("result"), max_length=8, choices=CheckResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["visit", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist")

    def __str__(self):
        return self.item


# --- Assessment (考核) --------------------------------------------------------------------------------------


class AssessmentScheme(VoidableModel, VersionedModel, JinduModel):
    """A year's scoring scheme of an office for its subordinate regions or for member units.

    Scores are computed live while the scheme is a draft; publishing stores the results
    (:class:`AssessmentResult`) and freezes scheme, items and entries."""

    scope_field = "issuer__region"
    scope_view_ancestors = True

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey("core.Organisation", verbose_name=_("assessing office"), on_delete=models.PROTECT,
                               related_name="+")
    subject_kind = models.CharField(_("assessed"), max_length=16, choices=SubjectKind.choices,
                                    default=SubjectKind.REGION)
    units = models.ManyToManyField("core.Organisation", verbose_name=_("assessed member units"), blank=True,
                                   related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT,
                              editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "subject_kind"], name="supervision_scheme_once_per_year",
                violation_error_message=_("This office already has a scheme for this year and kind of subject."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="supervision_scheme_period",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status == SchemeStatus.PUBLISHED


class AssessmentItem(VoidableModel, VersionedModel, JinduModel):
    """One scored item: maximum points and its deduction rule.

    - manual: assessors enter deductions with reasons and evidence (:class:`ScoreEntry`);
    - statistic: ``deduction`` points per ``step`` by which the figure misses ``target_value``;
    - tasks: ``deduction`` points per task due in the period that was not completed on time.
    Deductions never exceed ``max_points``."""

    scope_field = "scheme__issuer__region"
    scope_view_ancestors = True

    scheme = models.ForeignKey(AssessmentScheme, verbose_name=_("scheme"), on_delete=models.PROTECT,
                               related_name="items")
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    method = models.CharField(_("scoring"), max_length=16, choices=ScoringMethod.choices,
                              default=ScoringMethod.MANUAL)
    metric = models.CharField(_("statistics figure"), max_length=40, choices=Metric.choices, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4, null=True, blank=True,
                                       help_text=_("Rates as fractions: 1 = 100%."))
    step = models.DecimalField(_("step"), max_digits=14, decimal_places=4, null=True, blank=True,
                               help_text=_("Statistics items: the shortfall that costs one deduction "
                                           "(0.01 = one percentage point of a rate)."))
    deduction = models.DecimalField(_("deduction"), max_digits=6, decimal_places=2, default=0,
                                    help_text=_("Points deducted per step (statistics) or per late task (tasks)."))
    notes = models.TextField(_("rule"), blank=True)

    class Meta:
        ordering = ["scheme", "position", "id"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="supervision_item_points_positive",
                                   violation_error_message=_("The maximum must be more than 0 points.")),
            models.CheckConstraint(condition=Q(deduction__gte=0), name="supervision_item_deduction_not_negative",
                                   violation_error_message=_("A deduction cannot be negative.")),
            models.CheckConstraint(
                condition=~Q(method=ScoringMethod.STATISTIC) | (~Q(metric="") & Q(target_value__isnull=False)),
                name="supervision_item_statistic_rule",
                violation_error_message=_("A statistics item needs a figure and a target value."),
            ),
            models.CheckConstraint(
                condition=Q(step__isnull=True) | Q(step__gt=0), name="supervision_item_step_positive",
                violation_error_message=_("The step must be more than 0."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    @property
    def target_display(self):
        return metrics.describe_target(self.metric, self.target_value)


class ScoreEntry(JinduModel):
    """A deduction an assessor enters for one subject on a manual item, with the reason and evidence.
    Every entry is audited (change records); none can change once the scheme is published."""

    scope_field = "region"

    item = models.ForeignKey(AssessmentItem, verbose_name=_("assessment item"), on_delete=models.PROTECT,
                             related_name="entries")
    subject_region = models.ForeignKey("core.Region", verbose_name=_("assessed region"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    subject_unit = models.ForeignKey("core.Organisation", verbose_name=_("assessed unit"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               editable=False)
    points = models.DecimalField(_("points deducted"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessor"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        constraints = [
            models.CheckConstraint(
                condition=ONE_SUBJECT,
                name="supervision_entry_one_subject",
                violation_error_message=_("An entry concerns either a region or a unit."),
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="supervision_entry_points_positive",
                                   violation_error_message=_("Enter the points deducted (more than 0).")),
        ]

    def __str__(self):
        return f"{self.item} · {self.subject} · −{self.points}"

    @property
    def subject(self):
        return self.subject_region or self.subject_unit

    @property
    def assessor_display(self):
        return display_name(self.assessor) if self.assessor_id else "system"


class AssessmentResult(models.Model):
    """The frozen result of one subject, stored when the scheme is published: total, rank and the
    per-item breakdown as it stood then (later statistics or task changes do not alter it)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="results")
    subject_region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    subject_unit = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    subject_name = models.CharField(max_length=200)
    total = models.DecimalField(max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField()
    breakdown = models.JSONField(default=list)

    class Meta:
        ordering = ["scheme", "rank", "subject_name"]
        constraints = [
            models.CheckConstraint(
                condition=ONE_SUBJECT,
                name="supervision_result_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.scheme} · {self.subject_name} · {self.total}"


# --- Files and notifications -------------------------------------------------------------------------------


class Attachment(JinduModel):
    """An evidence file of a progress report, a visit or a score entry (exactly one of them).

    Type-checked by content when uploaded (files.check_upload), stored under a random name outside the
    web root, readable exactly when the owner record is (AttachmentQuerySet.restrict)."""

    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="attachments")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    entry = models.ForeignKey(ScoreEntry, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="attachments")
    file = models.CharField(max_length=200, help_text=_("Storage name under MEDIA_ROOT (files.store)."))
    name = models.CharField(_("file name"), max_length=150)
    kind = models.CharField(_("type"), max_length=8, choices=FileKind.choices)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(report__isnull=False, visit__isnull=True, entry__isnull=True)
                    | Q(report__isnull=True, visit__isnull=False, entry__isnull=True)
                    | Q(report__isnull=True, visit__isnull=True, entry__isnull=False)
                ),
                name="supervision_attachment_one_owner",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("supervision:attachment", args=[self.pk])


class NotificationQuerySet(RestrictedQuerySet):
    def restrict(self, user, action="view"):
        """Notifications are personal: everyone reads their own and no one else's."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user about a task (new, due, overdue, reported, accepted, returned).

    Due and overdue alerts are created once per user and task (the daily ``jindu supervision_alerts``
    run may repeat). Derived data: removed with its task or user."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notifications")
    created = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "task", "kind"],
                condition=Q(kind__in=[NotificationKind.TASK_DUE, NotificationKind.TASK_OVERDUE,
                                      NotificationKind.TASK_ASSIGNED]),
                name="supervision_notification_alert_once",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="supervision_notif_unread")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.task}"

    def get_absolute_url(self):
        return self.task.get_absolute_url()

