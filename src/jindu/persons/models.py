"""People who use drugs (吸毒人员): identity, management measures, handovers, drug tests, risk
assessments, contacts, alerts, drug-driving checks and licence query certificates.

This is the most sensitive data of the platform (PIPL art. 28; 戒毒条例 art. 7). Every model is
region scoped through the person's residence region, every view of a record is audited, and
identity numbers, passports, phones and addresses are encrypted at rest (``crypto.py``) with a
keyed hash beside the identity number for exact look-ups.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.common.features import LiveManager, LiveQuerySet, SealableModel, VersionedModel, VoidableModel
from jindu.common.masking import mask_id_number, mask_name
from jindu.common.models import JinduModel, RestrictedManager, RestrictedQuerySet

from .choices import (
    LEGAL_TERM_MONTHS,
    AlertKind,
    AlertState,
    CertificateResult,
    ContactKind,
    LicencePurpose,
    Measure,
    PersonStatus,
    Punishment,
    RiskLevel,
    Sex,
    TestMethod,
    TestResult,
)
from .crypto import EncryptedTextField

# Roles that see every person of their region; a user holding only the community-worker role
# sees the persons assigned to them (see ``assigned_q``).
REGION_WIDE_ROLES = frozenset({"regional_officer", "prefecture_officer", "county_officer", "leader"})


def worker_only(user):
    """True for a user whose only business role is community worker."""
    codes = getattr(user, "role_codes", frozenset())
    return "community_worker" in codes and not (codes & REGION_WIDE_ROLES)


def assigned_q(user, prefix=""):
    """Q for persons (``prefix`` = path from the model to the person, e.g. "person__") assigned to a
    community worker: the worker of one of their current episodes, or of their handover."""
    today = timezone.localdate()
    current = Episode.objects.filter(community_worker=user).filter(Q(end_on__isnull=True) | Q(end_on__gte=today))
    handovers = Handover.objects.filter(community_worker=user)
    return (Q(**{f"{prefix}pk__in": current.values("person_id")})
            | Q(**{f"{prefix}pk__in": handovers.values("person_id")}))


class PersonRecordQuerySet(LiveQuerySet):
    def restrict(self, user, action="view"):
        """Role permission and region scope (common.scope), then, for community workers, their own persons."""
        queryset = super().restrict(user, action)
        if worker_only(user):
            prefix = "" if self.model is Person else self.model.person_path + "__"
            queryset = queryset.filter(assigned_q(user, prefix))
        return queryset


class PersonRecordManager(LiveManager.from_queryset(PersonRecordQuerySet)):
    """What code reads through: scope (with the community worker's rule), voided and sealed rows hidden."""


class PersonRecordAllManager(RestrictedManager.from_queryset(PersonRecordQuerySet)):
    """Every row, voided and sealed ones included (Django's default manager: unique checks, related objects)."""


class ScopedPersonRecord(JinduModel):
    """Base of every record about a person: region scope through the person's residence region,
    views audited. Records that are never voided (alerts, disclosures) use it directly."""

    person_path = "person"
    scope_field = "person__region"
    audit_views = True

    all_objects = PersonRecordAllManager()
    objects = PersonRecordManager()

    class Meta:
        abstract = True


class PersonRecord(VoidableModel, VersionedModel, ScopedPersonRecord):
    """A record users enter and edit: deleting voids it (reason required, restorable), every write bumps
    its version (two officers cannot overwrite each other's edit)."""

    all_objects = PersonRecordAllManager()
    objects = PersonRecordManager()

    class Meta:
        abstract = True


class Person(PersonRecord):
    """A registered person who uses drugs. Chinese citizens are identified by their resident identity
    number (GB 11643; birth date and sex follow from it), foreign nationals by nationality and passport."""

    person_path = ""
    scope_field = "region"
    audit_masked_fields = ("id_number", "passport_no", "phone", "name", "address")
    # common.fieldrules: the full values go only to holders of core.read_<category>_data (officers, leaders),
    # and even then only through the audited "show the full numbers" action; everyone else sees them masked.
    field_categories = {"id_number": "identity", "passport_no": "identity", "phone": "contact", "address": "contact"}

    id_number = EncryptedTextField(_("identity number"), blank=True, default="")
    id_hash = models.CharField(
        max_length=64, null=True, blank=True, editable=False, unique=True,
        error_messages={"unique": _("A person with this identity number is already registered.")})
    id_masked = models.CharField(_("identity number"), max_length=24, blank=True, editable=False)
    nationality = models.CharField(_("nationality"), max_length=2, default="CN",
                                   help_text=_("ISO 3166 alpha-2 code, CN for Chinese citizens."))
    passport_no = EncryptedTextField(_("passport number"), blank=True, default="")
    name = models.CharField(_("name"), max_length=64)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True,
                           help_text=_("Follows from the identity number of a Chinese citizen."))
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=32, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("residence region"), on_delete=models.PROTECT,
                               related_name="+")
    address = EncryptedTextField(_("address"), blank=True, default="")
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    # Stored files are kept by name in the default storage (MEDIA_ROOT, outside the web root) and streamed by
    # views after the scope check; a plain name keeps the audit snapshot simple.
    photo = models.CharField(_("photo"), max_length=200, blank=True, editable=False)
    registered_on = models.DateField(_("registered on"))
    registering_unit = models.ForeignKey("core.Organisation", verbose_name=_("registering unit"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    relapse_count = models.PositiveSmallIntegerField(_("relapses"), default=0,
                                                     help_text=_("Relapses after a completed measure."))
    drug_driving_history = models.BooleanField(_("history of drug driving"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-registered_on", "pk"]
        verbose_name = _("person who uses drugs")
        verbose_name_plural = _("people who use drugs")
        indexes = [models.Index(fields=["registered_on"], name="persons_person_registered")]
        constraints = [
            models.CheckConstraint(
                condition=Q(nationality="CN", id_hash__isnull=False) | (~Q(nationality="CN") & Q(id_hash__isnull=True)),
                name="persons_person_identity",
                violation_error_message=_("A Chinese citizen needs an identity number; a foreign national has none."),
            ),
        ]

    def __str__(self):
        return f"{mask_name(self.name)} {self.id_masked or self.nationality}"

    @property
    def is_foreign(self):
        return self.nationality != "CN"

    def clean(self):
        from jindu.common.identifiers import check_id_consistency, normalise_id_number

        from .crypto import blind_index

        self.nationality = (self.nationality or "CN").strip().upper()
        errors = {}
        if self.nationality == "CN":
            if not self.id_number:
                errors["id_number"] = _("A Chinese citizen needs an identity number.")
            else:
                self.id_number = normalise_id_number(self.id_number)
                try:
                    birth, sex = check_id_consistency(self.id_number, self.birth_date, self.sex or None)
                except ValidationError as error:
                    self.id_hash = blind_index(self.id_number)  # the number's own errors say it all
                    if hasattr(error, "error_dict"):
                        errors.update(error.error_dict)
                    else:
                        errors["id_number"] = error.messages
                else:
                    self.birth_date, self.sex = birth, sex
                    self.id_hash = blind_index(self.id_number)
                    self.id_masked = mask_id_number(self.id_number)
        else:
            if self.id_number:
                errors["id_number"] = _("A foreign national has no Chinese identity number; give the passport.")
            if not self.sex:
                errors["sex"] = _("Give the sex of a foreign national.")
            self.id_hash = None
            self.id_masked = ""
        if errors:
            raise ValidationError(errors)

    @property
    def display_identity(self):
        """What lists show: the masked identity number, or nationality and masked passport."""
        if self.is_foreign:
            return "{} {}".format(self.nationality, mask_id_number(self.passport_no) if self.passport_no else "")
        return self.id_masked


class Episode(PersonRecord):
    """A management measure (戒毒措施) of one person: community detox, community rehabilitation,
    compulsory isolation detox or voluntary treatment, from ``start_on`` to ``end_on`` (open when empty).
    Overlaps are refused by ``services.episode_check_overlap``."""

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="episodes")
    measure = models.CharField(_("measure"), max_length=24, choices=Measure.choices)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty while the measure runs."))
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("responsible organisation"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    community_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("community worker"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["person", "-start_on"]
        verbose_name = _("management measure")
        verbose_name_plural = _("management measures")
        indexes = [models.Index(fields=["measure", "start_on", "end_on"], name="persons_episode_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="persons_episode_end_after_start",
                violation_error_message=_("A measure cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.ref} · {self.get_measure_display()} {self.start_on}"

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("A measure cannot end before it starts.")})

    @property
    def expected_end(self):
        months = LEGAL_TERM_MONTHS.get(self.measure)
        if not months or not self.start_on:
            return None
        year, month = divmod(self.start_on.month - 1 + months, 12)
        day = min(self.start_on.day, 28)
        return datetime.date(self.start_on.year + year, month + 1, day)

    def is_open_on(self, day):
        return self.start_on <= day and (self.end_on is None or self.end_on >= day)


class Handover(PersonRecord):
    """After compulsory isolation, the person is handed to the community team of the residence county:
    briefing on the law, a community worker assigned, a service agreement signed (scan uploaded)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="handovers")
    episode = models.OneToOneField(Episode, verbose_name=_("compulsory isolation"), on_delete=models.PROTECT,
                                   related_name="handover")
    released_on = models.DateField(_("released on"))
    deadline = models.DateField(_("handover deadline"))
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("receiving organisation"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    community_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("community worker"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    worker_name = models.CharField(_("community grid worker"), max_length=64, blank=True,
                                   help_text=_("Name of the grid worker when they have no account here."))
    briefed_on = models.DateField(_("briefed on"), null=True, blank=True,
                                  help_text=_("Date the person was briefed on the law and the measure."))
    agreement = models.CharField(_("signed service agreement"), max_length=200, blank=True, editable=False)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-released_on"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self):
        return "{} · {}".format(_("handover"), self.released_on)

    @property
    def missing_steps(self):
        steps = []
        if not self.briefed_on:
            steps.append(_("briefing"))
        if not self.community_worker_id and not self.worker_name:
            steps.append(_("community worker"))
        if not self.agreement or not self.agreement_signed_on:
            steps.append(_("signed agreement"))
        return steps


class TestSchedule(JinduModel):
    """How often a person under a measure is tested: ``interval_days`` from month ``from_month`` of the
    episode on (e.g. monthly in the first year, every two months in the second, quarterly after)."""

    measure = models.CharField(_("measure"), max_length=24, choices=Measure.choices)
    from_month = models.PositiveSmallIntegerField(_("from month of the measure"), default=0)
    interval_days = models.PositiveSmallIntegerField(_("interval (days)"))

    class Meta:
        ordering = ["measure", "from_month"]
        verbose_name = _("test schedule")
        verbose_name_plural = _("test schedules")
        constraints = [
            models.UniqueConstraint(fields=["measure", "from_month"], name="persons_schedule_unique",
                                    violation_error_message=_("This measure already has a rule from that month.")),
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="persons_schedule_interval_positive",
                                   violation_error_message=_("The interval is at least one day.")),
        ]

    def __str__(self):
        return f"{self.get_measure_display()} · {self.from_month} · {self.interval_days}"


class DrugTest(PersonRecord):
    """One drug test (吸毒检测) of a person: date, method, result, substance found, tester."""

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="tests")
    tested_on = models.DateField(_("tested on"))
    method = models.CharField(_("method"), max_length=8, choices=TestMethod.choices)
    result = models.CharField(_("result"), max_length=8, choices=TestResult.choices)
    substance = models.ForeignKey("core.Drug", verbose_name=_("substance"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    tester = models.CharField(_("tester"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-tested_on", "pk"]
        verbose_name = _("drug test")
        verbose_name_plural = _("drug tests")
        indexes = [models.Index(fields=["person", "tested_on"], name="persons_test_person_date")]

    def __str__(self):
        return f"{self.ref} · {self.tested_on} · {self.get_result_display()}"



class Contact(PersonRecord):
    """A contact of the community team with the person (visit, report, call): what "no contact for N days"
    (脱管失控 risk) is measured against, together with drug tests."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-contacted_on", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.contacted_on}"


class Violation(SealableModel, PersonRecord):
    """A public-order punishment for drug use (吸毒违法记录: 治安管理处罚法 2025 art. 84): the decision, the
    punishment and when it was carried out. Art. 136 seals records of public-order violations: once the
    punishment is carried out (plus ``JINDU_VIOLATION_SEAL_AFTER_DAYS``, default 0) the daily ``jindu
    seal_records`` seals it, and from then on only case-handling roles open it, with a reason and a case number.
    The registry itself (the person, the measures) is 戒毒 data, not a violation record, and is not sealed."""

    field_categories = {"decision_no": "case", "punishment": "case", "detention_days": "case", "notes": "case"}

    all_objects = PersonRecordAllManager()  # SealableModel's plain managers would drop the community-worker rule
    objects = PersonRecordManager()

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="violations")
    decision_no = models.CharField(_("decision number"), max_length=64, unique=True,
                                   error_messages={"unique": _("A violation with this decision number exists.")})
    committed_on = models.DateField(_("found on"), help_text=_("Date the drug use was found."))
    decided_on = models.DateField(_("decided on"))
    deciding_unit = models.ForeignKey("core.Organisation", verbose_name=_("deciding unit"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    punishment = models.CharField(_("punishment"), max_length=16, choices=Punishment.choices)
    detention_days = models.PositiveSmallIntegerField(_("detention (days)"), null=True, blank=True)
    executed_on = models.DateField(_("carried out on"), null=True, blank=True,
                                   help_text=_("Date the punishment was carried out; the record is sealed after it."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("drug-use violation")
        verbose_name_plural = _("drug-use violations")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__gte=models.F("committed_on")),
                name="persons_violation_decided_after_found",
                violation_error_message=_("A decision cannot precede the violation."),
            ),
        ]

    def __str__(self):
        return f"{self.decision_no} · {self.get_punishment_display()}"

    def clean(self):
        if self.punishment == Punishment.DETENTION and not self.detention_days:
            raise ValidationError({"detention_days": _("Give the days of detention.")})
        if self.executed_on and self.decided_on and self.executed_on < self.decided_on:
            raise ValidationError({"executed_on": _("A punishment cannot be carried out before it is decided.")})

    @classmethod
    def sealing_due(cls):
        """Art. 136: a violation record is sealed once its punishment has been carried out (after a configurable
        number of days, 0 by default). Records still being carried out stay open to the officers handling them."""
        days = int(getattr(settings, "JINDU_VIOLATION_SEAL_AFTER_DAYS", 0))
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        return cls.objects.filter(executed_on__isnull=False, executed_on__lte=cutoff)


FACTOR_LABELS = {
    "positive_tests": _("positive tests in the last 6 months"),
    "missed_tests": _("missed scheduled tests in the last 6 months"),
    "days_since_contact": _("days since the last contact or test"),
    "measure": _("current measure"),
    "relapses": _("relapses"),
    "drug_driving": _("history of drug driving"),
}


class RiskAssessment(PersonRecord):
    """A risk assessment (风险评估) with its score, level and the factors that made it, so that anyone
    can see why a person is rated high; ``next_due`` is when it must be repeated."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    factors = models.JSONField(_("factors"), default=list)
    next_due = models.DateField(_("reassessment due"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self):
        return f"{self.assessed_on} · {self.get_level_display()} · {self.score}"

    @property
    def factor_rows(self):
        """The stored factors, labelled in the reader's language."""
        return [{**row, "label": FACTOR_LABELS.get(row.get("code"), row.get("label", ""))} for row in self.factors]


class Alert(ScopedPersonRecord):
    """A work item for the community worker and the county: test overdue, no contact, positive test,
    handover overdue, reassessment overdue. ``key`` names the occurrence, so the daily computation
    never raises the same alert twice; acknowledge and resolve are audited (the history)."""

    key = models.CharField(max_length=120, unique=True, editable=False)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    message = models.CharField(_("details"), max_length=200, blank=True)
    community_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("community worker"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=AlertState.choices, default=AlertState.OPEN)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)

    class Meta:
        ordering = ["state", "-raised_on", "pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["state", "kind"], name="persons_alert_state_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.raised_on}"


def unit_only(user):
    """True for a user whose only business role is traffic police / checkpoint officer: they see the checks and
    certificates of their own unit (or their own, without a unit), not the whole region's."""
    codes = getattr(user, "role_codes", frozenset())
    return "traffic_police" in codes and not (codes & REGION_WIDE_ROLES)


class UnitRecordQuerySet(RestrictedQuerySet):
    """Role permission and region scope, then, for the traffic police, their unit's own look-ups."""

    user_field = "checked_by"

    def restrict(self, user, action="view"):
        queryset = super().restrict(user, action)
        if unit_only(user):
            own = Q(**{self.user_field: user})
            if getattr(user, "organisation_id", None):
                own |= Q(**{f"{self.user_field}__organisation_id": user.organisation_id})
            queryset = queryset.filter(own)
        return queryset


class CertificateQuerySet(UnitRecordQuerySet):
    user_field = "issued_by"


class DrivingCheck(JinduModel):
    """One drug-driving look-up by identity number at a checkpoint or by the traffic police: who asked,
    why, and the little the law lets them know. Scoped to the region of the user who asked; the
    number itself is kept only as its keyed hash and masked form."""

    scope_field = "region"
    audit_views = True

    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("identity number"), max_length=24, editable=False)
    reason = models.CharField(_("reason"), max_length=200)
    checkpoint = models.ForeignKey("core.Organisation", verbose_name=_("checkpoint or unit"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    registered = models.BooleanField(_("registered drug user"))
    under_measure = models.BooleanField(_("currently under a measure"))
    last_test_on = models.DateField(_("last drug test"), null=True, blank=True)

    objects = RestrictedManager.from_queryset(UnitRecordQuerySet)()

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("drug-driving check")
        verbose_name_plural = _("drug-driving checks")

    def __str__(self):
        return "{} · {}".format(self.id_masked, timezone.localtime(self.checked_at).strftime("%Y-%m-%d %H:%M"))


class LicenceCertificate(JinduModel):
    """A driving-licence drug-involvement query certificate (驾驶证涉毒查询证明) issued to the traffic
    police for an applicant. Numbered per year; the verification code lets anyone check it on the public
    page, which shows validity, issue date and result only."""

    scope_field = "region"
    audit_views = True
    audit_masked_fields = ("id_number", "applicant_name")
    field_categories = {"id_number": "identity"}

    number = models.CharField(_("certificate number"), max_length=32, unique=True, editable=False)
    verification_code = models.CharField(_("verification code"), max_length=16, editable=False)
    id_number = EncryptedTextField(_("identity number"))
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("identity number"), max_length=24, editable=False)
    applicant_name = models.CharField(_("applicant"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=8, choices=LicencePurpose.choices,
                               default=LicencePurpose.APPLY)
    requesting_unit = models.CharField(_("requesting unit"), max_length=128,
                                       help_text=_("The traffic police unit that asked."))
    result = models.CharField(_("result"), max_length=16, choices=CertificateResult.choices, editable=False)
    region = models.ForeignKey("core.Region", verbose_name=_("issuing region"), on_delete=models.PROTECT,
                               related_name="+")
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = RestrictedManager.from_queryset(CertificateQuerySet)()

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("licence query certificate")
        verbose_name_plural = _("licence query certificates")

    def __str__(self):
        return self.number


class IdentityDisclosure(ScopedPersonRecord):
    """A record that a user asked to see a person's full identity number (or phone), and why.
    Showing the full number is an explicit, permitted and audited action; this is its register."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="disclosures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("identity disclosure")
        verbose_name_plural = _("identity disclosures")

    def __str__(self):
        return "{} · {}".format(self.user, timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M"))
