"""Records of publicity and education (宣): campaigns and events, schools and their "five ones",
education bases with upgrades, visits and inspections, model-school review, short-video contests.

Every record is region scoped (``scope_field``). Schools are core organisations of kind
``school`` with an outreach profile (:class:`School`): a school reporter's account points to
the same organisation (``User.organisation``), which is what limits them to their own school.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.common.features import VersionedModel, VoidableModel
from jindu.common.models import JinduModel
from jindu.core.models import Organisation, Region

from .choices import (
    ActivityType,
    BaseLevel,
    CampaignTheme,
    ContestStatus,
    EventKind,
    ReviewResult,
    ReviewStatus,
    SchoolActivityKind,
    SchoolLevel,
    UpgradeStatus,
)
from .scoping import JudgeScoreManager, ReviewScoreManager, SchoolScopedAllManager, SchoolScopedManager
from .terms import term_label, validate_term

# --- Campaigns and events ---------------------------------------------------------------------


class Campaign(VoidableModel, VersionedModel, JinduModel):
    """A publicity campaign (the 40-day spring travel campaign, the first lesson of the school year,
    the rural "eight into" activities, 6.26): its period, where it runs, who leads it, who takes part,
    and the targets its events are measured against."""

    scope_field = "region"
    scope_view_ancestors = True  # a county office attaches its events to the region's campaign

    name = models.CharField(_("name"), max_length=128, unique=True)
    theme = models.CharField(_("theme"), max_length=32, choices=CampaignTheme.choices, default=CampaignTheme.OTHER)
    region = models.ForeignKey(
        Region, verbose_name=_("organising region"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The office that runs the campaign; the campaign is visible to the regions under it."),
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions covered"), blank=True, related_name="+",
        help_text=_("Leave empty when the campaign covers the whole organising region."),
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    lead_unit = models.ForeignKey(
        Organisation, verbose_name=_("lead unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_units = models.ManyToManyField(
        Organisation, verbose_name=_("participating member units"), blank=True, related_name="+"
    )
    target_events = models.PositiveIntegerField(_("target: events"), null=True, blank=True)
    target_reached = models.PositiveIntegerField(_("target: people reached"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-start_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="outreach_campaign_period",
                violation_error_message=_("A campaign cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name


class Event(VoidableModel, VersionedModel, JinduModel):
    """One publicity event: where, when, what kind, how many people it reached (the ``events`` dataset)."""

    scope_field = "region"

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    held_on = models.DateField(_("date"), db_index=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of venue"), max_length=16, choices=EventKind.choices)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    activity_type = models.CharField(_("activity type"), max_length=16, choices=ActivityType.choices, blank=True)
    reached = models.PositiveIntegerField(_("people reached"), default=0)
    materials = models.PositiveIntegerField(_("materials handed out"), default=0)
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(
        _("notable outcomes"), blank=True,
        help_text=_("E.g. a person who came forward and handed in poppy capsules."),
    )
    related_record = models.CharField(
        _("related enforcement record"), max_length=40, blank=True,
        help_text=_("Number of a related eradication, seizure or case record, if any."),
    )

    class Meta:
        ordering = ["-held_on", "ref"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reached__gte=0), name="outreach_event_reached_not_negative",
                violation_error_message=_("The number of people reached cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.venue}".strip()


class EventPhoto(JinduModel):
    """A photo of an event, checked by its content and stored outside the web root under a random name
    (``file``: the name in the default storage; served by a view after the scope check)."""

    scope_field = "event__region"

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="photos")
    file = models.CharField(_("stored file"), max_length=200, editable=False)
    content_type = models.CharField(_("content type"), max_length=40, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")

    def __str__(self):
        return self.caption or f"{self.event.ref} #{self.pk}"

    def get_absolute_url(self):
        return self.event.get_absolute_url()


# --- Schools ----------------------------------------------------------------------------------


class School(VoidableModel, VersionedModel, JinduModel):
    """The outreach profile of a school: a core organisation of kind ``school`` with its level and
    number of students. The organisation carries the name and region, so a school reporter's
    account (``User.organisation``) and the school are the same record."""

    scope_field = "organisation__region"
    school_organisation_field = "organisation"

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="school_profile",
        limit_choices_to={"kind": "school"},
    )
    level = models.CharField(_("level"), max_length=16, choices=SchoolLevel.choices)
    students = models.PositiveIntegerField(_("number of students"), default=0)

    all_objects = SchoolScopedAllManager()
    objects = SchoolScopedManager()

    class Meta:
        ordering = ["organisation__region__code", "organisation__name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self):
        return self.organisation.name

    @property
    def name(self):
        return self.organisation.name

    @property
    def region(self):
        return self.organisation.region

    def clean(self):
        if self.organisation_id and self.organisation.kind != "school":
            raise ValidationError({"organisation": _("Only an organisation of kind school can have a school profile.")})


class SchoolActivity(VoidableModel, VersionedModel, JinduModel):
    """One ticked line of a school's term checklist: one of the "five ones" of the first lesson, or a
    contest, with its date and the number of students taking part."""

    scope_field = "school__organisation__region"
    school_organisation_field = "school__organisation"

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="activities")
    term = models.CharField(_("term"), max_length=16, validators=[validate_term], db_index=True,
                            help_text=_("For example 2024-spring or 2024-autumn."))
    activity = models.CharField(_("activity"), max_length=16, choices=SchoolActivityKind.choices)
    held_on = models.DateField(_("date"))
    students = models.PositiveIntegerField(_("students taking part"), default=0)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    all_objects = SchoolScopedAllManager()
    objects = SchoolScopedManager()

    class Meta:
        ordering = ["-term", "school", "activity"]
        verbose_name = _("school activity")
        verbose_name_plural = _("school activities")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "term", "activity"], name="outreach_school_activity_once_per_term",
                violation_error_message=_("This activity is already ticked for this school and term."),
            ),
        ]

    def __str__(self):
        return f"{self.school} · {term_label(self.term)} · {self.get_activity_display()}"

    def clean(self):
        from .terms import term_bounds

        if self.term and self.held_on:
            try:
                start, end = term_bounds(self.term)
            except ValueError:
                return
            if not start <= self.held_on <= end:
                raise ValidationError({"held_on": _("The date lies outside the term.")})
        if self.school_id and self.students and self.school.students and self.students > self.school.students:
            raise ValidationError({"students": _("More students than the school has.")})


# --- Education bases --------------------------------------------------------------------------


class EducationBase(VoidableModel, VersionedModel, JinduModel):
    """A drug-prevention education base (禁毒教育基地) of a prefecture or county."""

    scope_field = "region"

    name = models.CharField(_("name"), max_length=128, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=16, choices=BaseLevel.choices)
    managing_unit = models.ForeignKey(
        Organisation, verbose_name=_("managing unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    opened_on = models.DateField(_("opened"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("education base")
        verbose_name_plural = _("education bases")

    def __str__(self):
        return self.name


class BaseUpgrade(VoidableModel, VersionedModel, JinduModel):
    """An upgrade project of an education base: budget, status, completion."""

    scope_field = "base__region"

    base = models.ForeignKey(
        EducationBase, verbose_name=_("education base"), on_delete=models.PROTECT, related_name="upgrades"
    )
    title = models.CharField(_("title"), max_length=200)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                 validators=[MinValueValidator(Decimal("0"))])
    funded_by = models.CharField(_("funded by"), max_length=128, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=UpgradeStatus.choices, default=UpgradeStatus.PLANNED)
    started_on = models.DateField(_("started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-started_on", "base"]
        verbose_name = _("base upgrade")
        verbose_name_plural = _("base upgrades")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_on__isnull=False),
                name="outreach_upgrade_completed_has_date",
                violation_error_message=_("A completed upgrade needs its completion date."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="outreach_upgrade_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.base} · {self.title}"

    def clean(self):
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            raise ValidationError({"completed_on": _("Completion cannot come before the start.")})


class BaseVisit(VoidableModel, VersionedModel, JinduModel):
    """A group visiting an education base (cadres, residents, students, migrant workers)."""

    scope_field = "base__region"

    base = models.ForeignKey(EducationBase, verbose_name=_("education base"), on_delete=models.PROTECT,
                             related_name="visits")
    visited_on = models.DateField(_("date"))
    group = models.CharField(_("visiting group"), max_length=200)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("base visit")
        verbose_name_plural = _("base visits")

    def __str__(self):
        return f"{self.base} · {self.visited_on} · {self.group}"


class BaseInspection(VoidableModel, VersionedModel, JinduModel):
    """A supervision and inspection visit (督导检查) to an education base: findings and their follow-up."""

    scope_field = "base__region"

    base = models.ForeignKey(EducationBase, verbose_name=_("education base"), on_delete=models.PROTECT,
                             related_name="inspections")
    upgrade = models.ForeignKey(
        BaseUpgrade, verbose_name=_("upgrade project"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("date"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    findings = models.TextField(_("findings"))
    follow_up = models.TextField(_("follow-up required"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done"), null=True, blank=True)

    class Meta:
        ordering = ["-inspected_on"]
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")

    def __str__(self):
        return f"{self.base} · {self.inspected_on}"

    @property
    def follow_up_open(self):
        return bool(self.follow_up) and self.follow_up_done_on is None

    def clean(self):
        if self.upgrade_id and self.base_id and self.upgrade.base_id != self.base_id:
            raise ValidationError({"upgrade": _("The upgrade project belongs to another base.")})
        if self.follow_up_done_on and self.inspected_on and self.follow_up_done_on < self.inspected_on:
            raise ValidationError({"follow_up_done_on": _("The follow-up cannot be done before the inspection.")})


# --- Model-school review ----------------------------------------------------------------------


class ModelSchoolReview(VoidableModel, VersionedModel, JinduModel):
    """A round of review of applications for model schools (示范学校验收评审), with its scoring sheet."""

    scope_field = "region"
    scope_view_ancestors = True

    name = models.CharField(_("name"), max_length=128, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("organising region"), on_delete=models.PROTECT,
                               related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=2, default=Decimal("85"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Weighted score out of 100 from which the sheet suggests approval."),
    )
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("model-school review")
        verbose_name_plural = _("model-school reviews")

    def __str__(self):
        return self.name


class PanelPart(JinduModel):
    """A part of a review's or a contest's sheet or panel (``panel`` names the parent field): it has no
    page of its own and is edited from its parent's page."""

    panel = None

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return getattr(self, self.panel).get_absolute_url()


class Criterion(PanelPart):
    """A line of a scoring sheet: its weight and the highest score a reviewer or judge may give."""

    name = models.CharField(_("criterion"), max_length=128)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2, default=Decimal("100"),
                                    validators=[MinValueValidator(Decimal("0.01"))])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True


class ReviewCriterion(Criterion):
    """A line of the review's scoring sheet."""

    scope_field = "review__region"
    scope_view_ancestors = True
    panel = "review"

    review = models.ForeignKey(ModelSchoolReview, verbose_name=_("review"), on_delete=models.CASCADE,
                               related_name="criteria")

    class Meta:
        ordering = ["review", "order", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["review", "name"], name="outreach_review_criterion_unique",
                                    violation_error_message=_("This criterion is already on the sheet.")),
            models.CheckConstraint(condition=models.Q(weight__gt=0) & models.Q(max_score__gt=0),
                                   name="outreach_review_criterion_positive",
                                   violation_error_message=_("Weight and maximum score must be positive.")),
        ]


class ModelSchoolApplication(VoidableModel, VersionedModel, JinduModel):
    """A school's application to be recognised as a model school, and its result with reasons."""

    scope_field = "school__organisation__region"

    review = models.ForeignKey(ModelSchoolReview, verbose_name=_("review"), on_delete=models.PROTECT,
                               related_name="applications")
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT,
                               related_name="model_applications")
    applied_on = models.DateField(_("applied"))
    statement = models.TextField(_("statement"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=ReviewResult.choices, default=ReviewResult.PENDING)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_on = models.DateField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["review", "school"]
        verbose_name = _("model-school application")
        verbose_name_plural = _("model-school applications")
        constraints = [
            models.UniqueConstraint(fields=["review", "school"], name="outreach_application_once_per_review",
                                    violation_error_message=_("This school has already applied in this review.")),
            models.CheckConstraint(
                condition=models.Q(result="pending") | (~models.Q(reasons="") & models.Q(decided_on__isnull=False)),
                name="outreach_application_decision_has_reasons",
                violation_error_message=_("A decision needs its date and reasons."),
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.review}"


class PanelMember(PanelPart):
    """A member of a jury or review panel: a name, the account they score with (none: paper judging),
    and their own unit, which decides conflicts of interest."""

    name = models.CharField(_("name"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        abstract = True


class ReviewJudge(PanelMember):
    """A reviewer (评审专家) of a model-school review and the applications assigned to them.

    Fair judging: a judge scores only the applications assigned to them, never one of their own
    school or unit (``unit``, by default the account's organisation), and while the review is open
    never sees another judge's scores (``scoping.ReviewScoreQuerySet``). A judge with an account
    enters their own sheets; the sheets of a judge without one are typed in by the organising
    office from the signed paper sheet."""

    scope_field = "review__region"
    scope_view_ancestors = True
    panel = "review"

    review = models.ForeignKey(ModelSchoolReview, verbose_name=_("review"), on_delete=models.CASCADE,
                               related_name="judges")
    applications = models.ManyToManyField("ModelSchoolApplication", verbose_name=_("assigned applications"),
                                          blank=True, related_name="judges")

    class Meta:
        ordering = ["review", "name"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="outreach_review_judge_account_once",
                                    condition=models.Q(user__isnull=False),
                                    violation_error_message=_("This account is already a reviewer of the review.")),
            models.UniqueConstraint(fields=["review", "name"], name="outreach_review_judge_name_once",
                                    violation_error_message=_("A reviewer of this name is already on the panel.")),
        ]

    def has_conflict(self, application):
        """A judge cannot score the application of their own school or unit."""
        school_org = application.school.organisation_id
        own = {self.unit_id, self.user.organisation_id if self.user_id else None} - {None}
        return school_org in own


class ReviewScore(JinduModel):
    """One reviewer's score on one criterion for one application. ``reviewer`` repeats the judge's name
    as it stood on the signed sheet."""

    scope_field = "application__school__organisation__region"

    application = models.ForeignKey(ModelSchoolApplication, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT,
                                  related_name="scores")
    judge = models.ForeignKey(ReviewJudge, verbose_name=_("reviewer"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="scores")
    reviewer = models.CharField(_("reviewer"), max_length=64)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])

    objects = ReviewScoreManager()

    class Meta:
        ordering = ["application", "reviewer", "criterion__order"]
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion", "reviewer"],
                                    name="outreach_review_score_once",
                                    violation_error_message=_("This reviewer has already scored this criterion.")),
        ]

    def __str__(self):
        return f"{self.application} · {self.reviewer} · {self.criterion}"

    def clean(self):
        if self.criterion_id and self.application_id and self.criterion.review_id != self.application.review_id:
            raise ValidationError({"criterion": _("The criterion belongs to another review.")})
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError({"score": _("At most {max} points.").format(max=self.criterion.max_score)})


# --- Short-video contest ------------------------------------------------------------------------


class VideoContest(VoidableModel, VersionedModel, JinduModel):
    """A short-video contest: theme, submission period, how many entries are selected at the end."""

    scope_field = "region"
    scope_view_ancestors = True  # counties submit their entries to the region's contest

    name = models.CharField(_("name"), max_length=128, unique=True)
    theme = models.CharField(_("theme"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("organising region"), on_delete=models.PROTECT,
                               related_name="+")
    opens_on = models.DateField(_("entries open"))
    closes_on = models.DateField(_("entries close"))
    select_count = models.PositiveSmallIntegerField(_("number to select"), default=10,
                                                    validators=[MinValueValidator(1)])
    max_duration_seconds = models.PositiveIntegerField(
        _("longest video (seconds)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Videos running longer are refused on upload; leave empty for no limit."),
    )
    status = models.CharField(_("status"), max_length=16, choices=ContestStatus.choices, default=ContestStatus.OPEN)
    judging_closed_at = models.DateTimeField(_("judging closed"), null=True, blank=True, editable=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = _("video contest")
        verbose_name_plural = _("video contests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="outreach_contest_period",
                violation_error_message=_("Entries cannot close before they open."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self):
        return self.status == ContestStatus.CLOSED


class ContestCriterion(Criterion):
    """A judging criterion of a contest (scores out of 10 by default)."""

    scope_field = "contest__region"
    scope_view_ancestors = True
    panel = "contest"

    contest = models.ForeignKey(VideoContest, verbose_name=_("contest"), on_delete=models.CASCADE,
                                related_name="criteria")
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2, default=Decimal("10"),
                                    validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["contest", "order", "id"]
        verbose_name = _("contest criterion")
        verbose_name_plural = _("contest criteria")
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="outreach_contest_criterion_unique",
                                    violation_error_message=_("This criterion is already on the sheet.")),
            models.CheckConstraint(condition=models.Q(weight__gt=0) & models.Q(max_score__gt=0),
                                   name="outreach_contest_criterion_positive",
                                   violation_error_message=_("Weight and maximum score must be positive.")),
        ]


class ContestJudge(PanelMember):
    """A member of a contest's jury. ``unit`` is the judge's own unit: the judge cannot score entries
    of that unit (conflict of interest). A judge with an account scores in the platform; scores of a
    judge without one (paper judging) can only be loaded by the system actor."""

    scope_field = "contest__region"
    scope_view_ancestors = True
    panel = "contest"

    contest = models.ForeignKey(VideoContest, verbose_name=_("contest"), on_delete=models.CASCADE,
                                related_name="judges")

    class Meta:
        ordering = ["contest", "name"]
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="outreach_judge_account_once",
                                    condition=models.Q(user__isnull=False),
                                    violation_error_message=_("This account is already a judge of the contest.")),
            models.UniqueConstraint(fields=["contest", "name"], name="outreach_judge_name_once",
                                    violation_error_message=_("A judge of this name is already on the jury.")),
        ]

    def has_conflict(self, entry):
        """A judge cannot score an entry of their own unit."""
        return bool(self.unit_id) and self.unit_id == entry.author_unit_id


class ContestEntry(VoidableModel, VersionedModel, JinduModel):
    """A video entered in a contest. The video is checked by its content, stored outside the web root
    under a random name and streamed by a view with HTTP range support. ``total_score``, ``rank``
    and ``selected`` are written once, when the contest closes."""

    scope_field = "region"

    contest = models.ForeignKey(VideoContest, verbose_name=_("contest"), on_delete=models.PROTECT,
                                related_name="entries")
    title = models.CharField(_("title"), max_length=200)
    author = models.CharField(_("author"), max_length=128, help_text=_("Person or team named as the author."))
    author_unit = models.ForeignKey(
        Organisation, verbose_name=_("author unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("submitted"), db_index=True)
    description = models.TextField(_("description"), blank=True)
    video = models.CharField(_("stored video"), max_length=200, blank=True, editable=False)
    video_type = models.CharField(_("video type"), max_length=40, blank=True, editable=False)
    video_size = models.PositiveBigIntegerField(_("video size"), default=0, editable=False)
    video_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    poster = models.CharField(_("stored poster"), max_length=200, blank=True, editable=False)
    video_seconds = models.DecimalField(_("video duration (seconds)"), max_digits=9, decimal_places=2, null=True,
                                        blank=True, editable=False)
    total_score = models.DecimalField(_("score"), max_digits=8, decimal_places=3, null=True, blank=True,
                                      editable=False)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True, editable=False)
    selected = models.BooleanField(_("selected"), default=False, editable=False)

    class Meta:
        ordering = ["contest", "rank", "submitted_on", "id"]
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        constraints = [
            models.UniqueConstraint(fields=["contest", "title", "author"], name="outreach_entry_unique",
                                    violation_error_message=_("This author has already entered a video of this "
                                                              "title.")),
            models.CheckConstraint(condition=models.Q(selected=False) | models.Q(rank__isnull=False),
                                   name="outreach_entry_selected_is_ranked",
                                   violation_error_message=_("Only a ranked entry can be selected.")),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.contest_id and self.submitted_on:
            contest = self.contest
            if not contest.opens_on <= self.submitted_on <= contest.closes_on:
                errors["submitted_on"] = _("Entries are taken from {start} to {end}.").format(
                    start=contest.opens_on, end=contest.closes_on)
        if self.contest_id and self.region_id and not self.region.path.startswith(self.contest.region.path):
            errors["region"] = _("The entry's region lies outside the contest's region.")
        if errors:
            raise ValidationError(errors)


class JudgeScore(JinduModel):
    """One judge's score of one entry on one criterion. Sealed until the contest closes (see scoping)."""

    scope_field = "entry__region"

    entry = models.ForeignKey(ContestEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="scores")
    judge = models.ForeignKey(ContestJudge, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(ContestCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT,
                                  related_name="scores")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])

    objects = JudgeScoreManager()

    class Meta:
        ordering = ["entry", "judge", "criterion__order"]
        verbose_name = _("judge's score")
        verbose_name_plural = _("judges' scores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "criterion"], name="outreach_judge_score_once",
                                    violation_error_message=_("This judge has already scored this criterion.")),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="outreach_judge_score_not_negative",
                                   violation_error_message=_("A score cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.entry} · {self.judge} · {self.criterion}"

    def clean(self):
        contest_ids = {
            self.entry.contest_id if self.entry_id else None,
            self.judge.contest_id if self.judge_id else None,
            self.criterion.contest_id if self.criterion_id else None,
        }
        if len(contest_ids - {None}) > 1:
            raise ValidationError(_("Entry, judge and criterion must belong to the same contest."))
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError({"score": _("At most {max} points.").format(max=self.criterion.max_score)})
        if self.entry_id and self.judge_id and self.judge.has_conflict(self.entry):
            raise ValidationError(_("A judge cannot score an entry of their own unit."))


# --- The public prize quiz (outreach/quiz/) -------------------------------------------------------

from .quiz.models import (  # noqa: E402,F401  (models of the quiz sub-module belong to this app)
    Participant,
    Question,
    QuestionCategory,
    Quiz,
    QuizAttempt,
    QuizDailyCount,
    QuizDraw,
    QuizDrawRule,
    QuizLoginCode,
    QuizPrize,
    QuizWinner,
)
