"""Tables of the public prize quiz (imported into ``outreach.models``: the app label is ``outreach``).

- the question bank (:class:`QuestionCategory`, :class:`Question`), owned by an office's region and
  reviewed before use;
- quizzes (:class:`Quiz`) with their draw rules (:class:`QuizDrawRule`) and prizes (:class:`QuizPrize`);
- participants (:class:`Participant`): a verified phone (kept encrypted, looked up by a keyed hash) or an
  opaque id from a WeChat-style login; a nickname, and a region and school when the quiz asks; no names
  of record, no ID numbers;
- attempts (:class:`QuizAttempt`): drawn, timed and scored by the server. The daily and total limits are
  unique constraints on numbered slots, so they hold under concurrency without a check-then-insert race;
- the prize draw (:class:`QuizDraw`, :class:`QuizWinner`), reproducible from its published seed;
- imported campaign counts (:class:`QuizDailyCount`) of quizzes run outside the platform.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.common.crypto import EncryptedTextField
from jindu.common.models import JinduModel
from jindu.core.models import LocalizedNameMixin

from .choices import (
    MAX_OPTIONS,
    TRUE_FALSE_OPTIONS,
    AttemptFlag,
    AttemptStatus,
    Difficulty,
    IdentityKind,
    QuestionKind,
    QuestionStatus,
    QuizStatus,
    TimingRule,
)


def localized(obj, field):
    """``<field>_bo`` under the Tibetan UI when it is filled, else ``<field>_zh``."""
    from django.utils import translation

    language = translation.get_language() or ""
    if language.startswith("bo") and getattr(obj, f"{field}_bo", ""):
        return getattr(obj, f"{field}_bo")
    return getattr(obj, f"{field}_zh")


# --- Question bank ----------------------------------------------------------------------------


class QuestionCategory(LocalizedNameMixin, JinduModel):
    """A subject of the question bank (drug law, drug types, prevention, ...): quizzes draw their
    questions per category and difficulty."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_bo = models.CharField(_("Tibetan name"), max_length=128, blank=True)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")


class Question(JinduModel):
    """One question of the bank, in Chinese and/or Tibetan. ``options`` is a list of
    ``{"zh": ..., "bo": ...}``; ``answer`` lists the indexes of the correct options. The answer and the
    explanation are never sent to a participant before the attempt is submitted.

    An approved question is served; its text and answer can no longer change (attempts already drawn
    carry its key): withdraw it to draft first."""

    scope_field = "region"
    scope_view_ancestors = True  # a county office may use the region's bank

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    region = models.ForeignKey("core.Region", verbose_name=_("owning office"), on_delete=models.PROTECT,
                               related_name="+")
    category = models.ForeignKey(QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="questions")
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices,
                                                  default=Difficulty.MEDIUM)
    text_zh = models.TextField(_("question (Chinese)"), blank=True)
    text_bo = models.TextField(_("question (Tibetan)"), blank=True)
    options = models.JSONField(_("options"), default=list, blank=True)  # checked in clean()
    answer = models.JSONField(_("correct options"), default=list, blank=True)
    explanation_zh = models.TextField(_("explanation (Chinese)"), blank=True)
    explanation_bo = models.TextField(_("explanation (Tibetan)"), blank=True)
    status = models.CharField(_("review status"), max_length=16, choices=QuestionStatus.choices,
                              default=QuestionStatus.DRAFT, db_index=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    reviewed_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["ref"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(reviewed_at__isnull=False),
                name="outreach_question_approved_has_review",
                violation_error_message=_("An approved question records when it was approved."),
            ),
        ]

    def __str__(self):
        text = self.text_zh or self.text_bo
        return f"{self.ref} {text[:40]}"

    @property
    def text(self):
        return localized(self, "text")

    @property
    def explanation(self):
        return localized(self, "explanation")

    def option_texts(self, language=None):
        from django.utils import translation

        language = language or translation.get_language() or ""
        tibetan = language.startswith("bo")
        return [(o.get("bo") if tibetan and o.get("bo") else o.get("zh") or o.get("bo") or "") for o in self.options]

    def clean(self):
        errors = {}
        if not (self.text_zh or "").strip() and not (self.text_bo or "").strip():
            errors["text_zh"] = _("Give the question in Chinese, in Tibetan or in both.")
        if self.kind == QuestionKind.TRUE_FALSE:
            self.options = [dict(option) for option in TRUE_FALSE_OPTIONS]
        options = self.options if isinstance(self.options, list) else []
        cleaned = []
        for option in options:
            if not isinstance(option, dict):
                errors["options"] = _("Each option is a text in Chinese and/or Tibetan.")
                break
            zh, bo = str(option.get("zh") or "").strip(), str(option.get("bo") or "").strip()
            if zh or bo:
                cleaned.append({"zh": zh, "bo": bo})
        if "options" not in errors:
            if not 2 <= len(cleaned) <= MAX_OPTIONS:
                errors["options"] = _("A question has from 2 to {n} options.").format(n=MAX_OPTIONS)
            elif self.text_bo and any(not option["bo"] for option in cleaned) and any(o["bo"] for o in cleaned):
                errors["options"] = _("Give every option in Tibetan, or none.")
            self.options = cleaned
        answer = self.answer if isinstance(self.answer, list) else []
        try:
            answer = sorted({int(index) for index in answer})
        except (TypeError, ValueError):
            answer = []
        self.answer = answer
        if "options" not in errors:
            if not answer or any(index < 0 or index >= len(cleaned) for index in answer):
                errors["answer"] = _("Mark the correct options.")
            elif self.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(answer) != 1:
                errors["answer"] = _("A single-choice or true/false question has exactly one correct option.")
            elif self.kind == QuestionKind.MULTIPLE and len(answer) < 2:
                errors["answer"] = _("A multiple-choice question has at least two correct options.")
        if errors:
            raise ValidationError(errors)


# --- Quizzes ----------------------------------------------------------------------------------


class Quiz(JinduModel):
    """A prize quiz: its period, how many questions each attempt draws (rules per category and
    difficulty), time limit, attempts per participant per day and in total, pass mark, prizes and
    eligible regions. ``code`` is the public address (``/quiz/q/<code>/``)."""

    scope_field = "region"
    scope_view_ancestors = True

    code = models.SlugField(_("public code"), max_length=32, unique=True,
                            help_text=_("The quiz's public address: /quiz/q/<code>/ (letters, digits, hyphens)."))
    title = models.CharField(_("title (Chinese)"), max_length=128)
    title_bo = models.CharField(_("title (Tibetan)"), max_length=256, blank=True)
    description = models.TextField(_("description (Chinese)"), blank=True)
    description_bo = models.TextField(_("description (Tibetan)"), blank=True)
    campaign = models.ForeignKey("outreach.Campaign", verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="quizzes")
    region = models.ForeignKey("core.Region", verbose_name=_("organising region"), on_delete=models.PROTECT,
                               related_name="+")
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_limit_seconds = models.PositiveIntegerField(
        _("time limit (seconds)"), default=600, validators=[MinValueValidator(30), MaxValueValidator(4 * 3600)])
    min_seconds_per_question = models.DecimalField(
        _("minimum plausible seconds per question"), max_digits=5, decimal_places=2, default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A submission faster than this times the number of questions is too fast."))
    timing_rule = models.CharField(_("too fast or too late"), max_length=8, choices=TimingRule.choices,
                                   default=TimingRule.REJECT)
    attempts_per_day = models.PositiveSmallIntegerField(_("attempts per participant per day"), default=1,
                                                        validators=[MinValueValidator(1)])
    attempts_total = models.PositiveSmallIntegerField(_("attempts per participant in total"), default=3,
                                                      validators=[MinValueValidator(1)])
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (score out of 100)"), default=60,
                                                 validators=[MaxValueValidator(100)])
    eligible_regions = models.ManyToManyField(
        "core.Region", verbose_name=_("eligible regions"), blank=True, related_name="+",
        help_text=_("Leave empty for the whole organising region. Participants outside take part but win no "
                    "prize."))
    asks_region = models.BooleanField(_("participants give their region"), default=True)
    asks_school = models.BooleanField(_("participants give their school"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=QuizStatus.choices, default=QuizStatus.DRAFT)

    class Meta:
        ordering = ["-opens_at", "code"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="outreach_quiz_period",
                violation_error_message=_("A quiz must close after it opens."),
            ),
            models.CheckConstraint(
                condition=models.Q(attempts_total__gte=models.F("attempts_per_day")),
                name="outreach_quiz_attempt_limits",
                violation_error_message=_("The total number of attempts cannot be below the daily number."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def localized_title(self):
        from django.utils import translation

        if (translation.get_language() or "").startswith("bo") and self.title_bo:
            return self.title_bo
        return self.title

    @property
    def localized_description(self):
        from django.utils import translation

        if (translation.get_language() or "").startswith("bo") and self.description_bo:
            return self.description_bo
        return self.description

    @property
    def question_count(self):
        return sum(rule.count for rule in self.draw_rules.all())

    def is_open(self, now=None):
        from django.utils import timezone

        now = now or timezone.now()
        return self.status == QuizStatus.PUBLISHED and self.opens_at <= now < self.closes_at


class QuizDrawRule(JinduModel):
    """How many questions of a category and difficulty each attempt draws (empty = any)."""

    scope_field = "quiz__region"
    scope_view_ancestors = True

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="draw_rules")
    category = models.ForeignKey(QuestionCategory, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", help_text=_("Empty: any category."))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices, null=True,
                                                  blank=True, help_text=_("Empty: any difficulty."))
    count = models.PositiveSmallIntegerField(_("questions"), validators=[MinValueValidator(1),
                                                                         MaxValueValidator(100)])

    class Meta:
        ordering = ["quiz", "category__code", "difficulty"]
        verbose_name = _("draw rule")
        verbose_name_plural = _("draw rules")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "category", "difficulty"], name="outreach_quiz_rule_unique",
                                    violation_error_message=_("This quiz already has a rule for this category "
                                                              "and difficulty.")),
        ]

    def clean(self):
        # NULL means "any": the unique constraint does not see two "any" rules, this does.
        if self.quiz_id:
            twins = QuizDrawRule.objects.filter(quiz_id=self.quiz_id, category_id=self.category_id,
                                                difficulty=self.difficulty).exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError(_("This quiz already has a rule for this category and difficulty."))

    def __str__(self):
        category = self.category.name if self.category_id else _("any category")
        difficulty = self.get_difficulty_display() if self.difficulty else _("any difficulty")
        return f"{category} · {difficulty} · {self.count}"

    def get_absolute_url(self):
        return self.quiz.get_absolute_url()


class QuizPrize(JinduModel):
    """A prize of the quiz: how many are drawn and the minimum score to take part in its draw.
    Prizes are drawn in their order (first prize first); a participant wins at most one prize."""

    scope_field = "quiz__region"
    scope_view_ancestors = True

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="prizes")
    name = models.CharField(_("prize (Chinese)"), max_length=64)
    name_bo = models.CharField(_("prize (Tibetan)"), max_length=128, blank=True)
    count = models.PositiveIntegerField(_("number of winners"), validators=[MinValueValidator(1)])
    min_score = models.PositiveSmallIntegerField(_("minimum score"), default=100, validators=[MaxValueValidator(100)])
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["quiz", "order", "id"]
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "name"], name="outreach_quiz_prize_unique",
                                    violation_error_message=_("This quiz already has a prize of this name.")),
        ]

    def __str__(self):
        return self.name

    @property
    def localized_name(self):
        from django.utils import translation

        if (translation.get_language() or "").startswith("bo") and self.name_bo:
            return self.name_bo
        return self.name

    def get_absolute_url(self):
        return self.quiz.get_absolute_url()


# --- Participants and attempts ----------------------------------------------------------------

nickname_validator = RegexValidator(
    r"\d{11}", inverse_match=True,
    message=_("A nickname cannot contain a phone or ID number."),
)


class Participant(JinduModel):
    """A person taking part, known by a verified phone or an opaque WeChat-style id (``identity_hash``:
    a keyed hash, the clear value is never stored as such). The phone is kept encrypted for prize
    delivery. Nothing else is asked but a nickname and, when a quiz asks, a region and a school; an
    under-14 gives only these, with a guardian's consent (PIPL art. 31). No ID numbers."""

    scope_field = "region"
    audit_masked_fields = ("phone", "identity_hash")

    code = models.CharField(_("participant code"), max_length=12, unique=True, editable=False,
                            help_text=_("Pseudonymous code published in the prize draw."))
    identity_kind = models.CharField(_("identity"), max_length=8, choices=IdentityKind.choices)
    identity_hash = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True, editable=False)
    phone_tail = models.CharField(_("phone (last digits)"), max_length=4, blank=True, editable=False)
    nickname = models.CharField(_("nickname"), max_length=32, blank=True, validators=[nickname_validator])
    under_14 = models.BooleanField(_("under 14"), default=False)
    guardian_consent_at = models.DateTimeField(_("guardian's consent"), null=True, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("outreach.School", verbose_name=_("school"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    school_name = models.CharField(_("school (as typed)"), max_length=128, blank=True)
    profile_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("quiz participant")
        verbose_name_plural = _("quiz participants")
        constraints = [
            models.UniqueConstraint(fields=["identity_kind", "identity_hash"], name="outreach_participant_identity",
                                    violation_error_message=_("This identity is already registered.")),
            models.CheckConstraint(
                condition=models.Q(under_14=False) | models.Q(guardian_consent_at__isnull=False),
                name="outreach_participant_guardian_consent",
                violation_error_message=_("An under-14 takes part with a guardian's consent."),
            ),
        ]

    def __str__(self):
        return self.nickname or self.code

    @property
    def masked_phone(self):
        return f"*******{self.phone_tail}" if self.phone_tail else ""

    @property
    def school_label(self):
        return self.school.name if self.school_id else self.school_name


class QuizAttempt(JinduModel):
    """One attempt: the questions the server drew for it (``paper``: question ids, the option order shown
    and the key in that order; never sent before submission), its server-side start and deadline, and
    after submission the answers, the score (out of 100), the result and any timing flag.

    ``day_slot`` numbers the participant's attempts of the quiz on one local day (1 .. attempts_per_day)
    and ``total_slot`` all of them (1 .. attempts_total): the unique constraints on them are the limits,
    so two concurrent starts cannot both take the last slot. ``region`` and ``school`` are the
    participant's at the start (statistics count an attempt where its participant was)."""

    scope_field = "region"

    # No index of its own on quiz: the unique (quiz, participant, ...) indexes serve every look-up, and a lone
    # quiz index tempts the planner into scanning a whole quiz while its statistics are stale (a new quiz).
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts",
                             db_index=False)
    participant = models.ForeignKey(Participant, verbose_name=_("participant"), on_delete=models.PROTECT,
                                    related_name="attempts")
    token = models.CharField(max_length=32, editable=False)  # unique: see Meta (no LIKE index on PostgreSQL)
    day = models.DateField(_("day"))
    day_slot = models.PositiveSmallIntegerField()
    total_slot = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.OPEN)
    finished_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(_("questions"))
    correct = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    flag = models.CharField(_("flag"), max_length=16, choices=AttemptFlag.choices, blank=True, default="")
    # Every index costs each start and each submit (a submit rewrites the row and all its index entries): the
    # statistics find attempts by submission time, never by region or school alone, so these have none.
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", db_index=False)
    school = models.ForeignKey("outreach.School", verbose_name=_("school"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", db_index=False)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    paper = models.JSONField(default=list, editable=False)
    answers = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "participant", "day", "day_slot"],
                                    name="outreach_attempt_daily_slot",
                                    violation_error_message=_("No attempts left today.")),
            models.UniqueConstraint(fields=["quiz", "participant", "total_slot"], name="outreach_attempt_total_slot",
                                    violation_error_message=_("No attempts left.")),
            models.UniqueConstraint(fields=["token"], name="outreach_attempt_token",
                                    violation_error_message=_("This attempt already exists.")),
            models.CheckConstraint(condition=models.Q(day_slot__gte=1) & models.Q(total_slot__gte=1),
                                   name="outreach_attempt_slots_positive",
                                   violation_error_message=_("Attempt numbers start at 1.")),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(finished_at__isnull=False),
                name="outreach_attempt_finished_has_time",
                violation_error_message=_("A finished attempt records when it was submitted."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(score__isnull=False),
                name="outreach_attempt_submitted_is_scored",
                violation_error_message=_("A submitted attempt has a score."),
            ),
        ]
        # A quiz's attempts are read through the (quiz, participant, ...) unique indexes, whose first column is
        # the quiz; the statistics through the submission time of scored attempts.
        indexes = [
            models.Index(fields=["finished_at"], condition=models.Q(status="submitted"),
                         name="outreach_attempt_submitted"),
        ]

    def __str__(self):
        return f"{self.quiz} · {self.participant} · {self.total_slot}"

    def get_absolute_url(self):
        return ""


# --- Prize draw -------------------------------------------------------------------------------


class QuizDraw(JinduModel):
    """The prize draw of a quiz, in two steps so that nobody can choose the seed after seeing the
    candidates: the candidate list is frozen and published with its SHA-256 and the announced source of
    the seed (e.g. a lottery result of a later date); then the seed is entered and the winners are drawn,
    once. Anyone can re-run the draw from the published record (``draw.verify``)."""

    scope_field = "quiz__region"
    scope_view_ancestors = True

    quiz = models.OneToOneField(Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="draw")
    seed_source = models.CharField(_("source of the seed"), max_length=300,
                                   help_text=_("Announced before the draw, e.g. “the numbers of the lottery draw of "
                                               "5 July 2024”."))
    candidates = models.JSONField(default=list, editable=False)
    candidates_sha256 = models.CharField(max_length=64, editable=False)
    frozen_at = models.DateTimeField(_("candidates frozen"), editable=False)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    seed = models.CharField(_("seed"), max_length=300, blank=True)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", editable=False)

    class Meta:
        verbose_name = _("prize draw")
        verbose_name_plural = _("prize draws")
        constraints = [
            models.CheckConstraint(condition=models.Q(drawn_at__isnull=True) | ~models.Q(seed=""),
                                   name="outreach_draw_has_seed",
                                   violation_error_message=_("A draw needs its seed.")),
        ]

    def __str__(self):
        return str(self.quiz)

    def get_absolute_url(self):
        return self.quiz.get_absolute_url()


class QuizWinner(JinduModel):
    """A winner of a prize draw (a participant wins at most one prize of a quiz)."""

    scope_field = "draw__quiz__region"

    draw = models.ForeignKey(QuizDraw, verbose_name=_("draw"), on_delete=models.PROTECT, related_name="winners")
    prize = models.ForeignKey(QuizPrize, verbose_name=_("prize"), on_delete=models.PROTECT, related_name="winners")
    participant = models.ForeignKey(Participant, verbose_name=_("participant"), on_delete=models.PROTECT,
                                    related_name="prizes_won")
    position = models.PositiveIntegerField(_("position in the draw"))

    class Meta:
        ordering = ["draw", "position"]
        verbose_name = _("prize winner")
        verbose_name_plural = _("prize winners")
        constraints = [
            models.UniqueConstraint(fields=["draw", "participant"], name="outreach_winner_once",
                                    violation_error_message=_("A participant wins at most one prize.")),
        ]

    def __str__(self):
        return f"{self.prize} · {self.participant.code}"


# --- Imported campaign counts -----------------------------------------------------------------


class QuizDailyCount(JinduModel):
    """Counts of a quiz run outside the platform, imported per campaign, day and region (the legacy
    答题 platform reported attempts and new participants per prefecture and day). Statistics add them
    to the attempts recorded here: ``attempts`` to ``quiz_attempts``; ``participants`` (people taking
    part for the first time that day) to ``quiz_participants``, since identities that were never seen
    here cannot be de-duplicated. ``region`` is the root region when the source did not know it."""

    scope_field = "region"

    campaign = models.ForeignKey("outreach.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="quiz_counts")
    day = models.DateField(_("date"), db_index=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveIntegerField(_("attempts"))
    participants = models.PositiveIntegerField(_("new participants"), default=0)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["campaign", "day", "region__code"]
        verbose_name = _("imported quiz count")
        verbose_name_plural = _("imported quiz counts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day", "region"], name="outreach_quiz_count_unique",
                                    violation_error_message=_("This campaign already has a count for this day and "
                                                              "region.")),
            models.CheckConstraint(condition=models.Q(participants__lte=models.F("attempts")),
                                   name="outreach_quiz_count_participants",
                                   violation_error_message=_("New participants cannot exceed attempts.")),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.day} · {self.region.code}"



class QuizHourlyCount(JinduModel):
    """The figures of a quiz per hour and region, rolled up from its scored attempts (``jindu quiz rollup``,
    ``quiz/rollup.py``) so that the staff figures by hour and by day read a few hundred rows instead of
    every attempt.

    Participants are counted exactly three ways, each participant once: ``participants`` counts a participant in
    the region of their first scored attempt of that hour, so the sum over an hour's rows is its distinct
    participants; ``new_today`` counts a participant in the hour (and region) of their
    first scored attempt of the local day, so the sum over a day's hours is that day's distinct participants;
    ``new_in_quiz`` counts them at their first scored attempt of the quiz, so the sum up to any hour is the
    quiz's distinct participants so far. ``region`` is the attempt's (the participant's at its start); empty
    when not given."""

    scope_field = "region"

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="hourly_counts",
                             db_index=False)  # the unique indexes start with the quiz
    hour = models.DateTimeField(_("hour"))
    day = models.DateField(_("day"))  # the local day of the hour
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", db_index=False)
    attempts = models.PositiveIntegerField(_("attempts"))
    participants = models.PositiveIntegerField(_("participants"))
    new_today = models.PositiveIntegerField(_("first attempts of the day"))
    new_in_quiz = models.PositiveIntegerField(_("first attempts in the quiz"))
    score_sum = models.PositiveBigIntegerField(default=0)
    passes = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["quiz", "hour"]
        verbose_name = _("quiz hourly count")
        verbose_name_plural = _("quiz hourly counts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "hour", "region"], condition=models.Q(region__isnull=False),
                                    name="outreach_quiz_hour_region",
                                    violation_error_message=_("This hour is already counted.")),
            models.UniqueConstraint(fields=["quiz", "hour"], condition=models.Q(region__isnull=True),
                                    name="outreach_quiz_hour_no_region",
                                    violation_error_message=_("This hour is already counted.")),
            models.CheckConstraint(
                condition=models.Q(participants__lte=models.F("attempts"), new_today__lte=models.F("participants"),
                                   new_in_quiz__lte=models.F("new_today")),
                name="outreach_quiz_hour_participants",
                violation_error_message=_("Participants cannot exceed attempts."),
            ),
        ]

    def __str__(self):
        return f"{self.quiz_id} · {self.hour:%Y-%m-%d %H}:00"


class QuizLoginCode(models.Model):
    """A code sent by SMS to sign a participant in: only its keyed hash is kept, with its expiry and the
    number of wrong tries. The rows of a phone also count the codes sent to it (the per-phone caps hold
    across server processes without Redis). Old rows are removed by ``jindu quiz purge``."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("quiz login code")
        verbose_name_plural = _("quiz login codes")

    def __str__(self):
        return f"{self.phone_hash[:8]} {self.sent_at:%Y-%m-%d %H:%M}"
