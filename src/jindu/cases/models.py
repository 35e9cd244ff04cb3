"""Enforcement records (打): cases, the people and drugs in them, fugitives, eradication, checkpoint interceptions.

Every record has a region (a suspect and a seizure take the region of their case), so the
region scope and the statistics (DESIGN.md "Statistics definitions") read them alike.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jindu.common.crypto import EncryptedTextField, blind_index
from jindu.common.features import VersionedModel, VoidableModel
from jindu.common.identifiers import normalise_id_number, validate_id_number
from jindu.common.models import JinduModel, RestrictedQuerySet
from jindu.common.scope import permission_name, region_q

from .choices import CaseStatus, CaseType, Channel, Finding, Measure, Offence, Sex, Species, SuspectRole, Unit

nationality_validator = RegexValidator(
    r"^[A-Z]{2}$", _("A nationality is a two-letter ISO 3166 code in capitals, e.g. CN, NP, IN.")
)
REFERENCE_LENGTH = 40
ID_NUMBER_LENGTH = 18
LIVE = Q(voided=False)  # the statistics indexes hold live rows only (voided rows never count)


def id_hash_of(id_number):
    """The keyed hash (``common.crypto.blind_index``) an identity number is looked up by; "" for none.

    The same hash as the persons app's, so one number finds a person's records in both apps."""
    number = normalise_id_number(id_number)
    return blind_index(number) if number else ""


def id_number_field(**kwargs):
    """A resident identity number, encrypted at rest (AES-256-GCM, ``common.crypto``)."""
    return EncryptedTextField(_("identity number"), max_length=ID_NUMBER_LENGTH, blank=True, default="",
                              validators=[validate_id_number], **kwargs)


def id_hash_field():
    return models.CharField(_("identity number key"), max_length=64, blank=True, default="", editable=False,
                            help_text=_("Keyed hash of the identity number, for exact look-ups."))


class HashedIdNumber(models.Model):
    """Keeps ``id_hash`` equal to the keyed hash of ``id_number`` (the number itself is stored encrypted).

    Set in ``clean()`` too, so that ``full_clean()`` checks the unique constraints on the hash."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.id_hash = id_hash_of(self.id_number)
        if kwargs.get("update_fields") is not None and "id_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "id_hash"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.id_hash = id_hash_of(self.id_number)


class Operation(VoidableModel, VersionedModel, JinduModel):
    """A campaign or special operation (专项行动) cases are counted under, e.g. 清源断流 or 集群打零.

    Operations are region-wide names, not records of one county, so they are not region scoped.
    """

    name = models.CharField(_("name"), max_length=64, unique=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cases_operation_ends_after_start",
                violation_error_message=_("An operation cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name


class Case(VoidableModel, VersionedModel, JinduModel):
    """A drug case (涉毒案件) filed in a county (or at a higher level), with the agencies that worked on it.

    ``status`` is the current state; every change is a :class:`CaseStatusChange` row with its date.
    Cases count in the statistics by ``filed_on`` (voided cases do not count). The summary is a
    narrative of the case: stored encrypted, and only roles that read case data receive it.
    """

    scope_field = "region"
    field_categories = {"summary": "case"}

    case_no = models.CharField(_("case number"), max_length=REFERENCE_LENGTH, unique=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("filed on"))
    case_type = models.CharField(_("case type"), max_length=16, choices=CaseType.choices)
    offence = models.CharField(_("offence"), max_length=16, choices=Offence.choices)
    agencies = models.ManyToManyField(
        "core.Organisation", verbose_name=_("agencies"), blank=True, related_name="cases",
        help_text=_("Every unit that worked on the case; a joint case lists several."),
    )
    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN,
                              editable=False)
    notable = models.BooleanField(_("notable"), default=False,
                                  help_text=_("Mentioned by name in bulletins and work reports."))

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Statistics: a period over all regions reads the index alone (type and offence included).
            models.Index(fields=["filed_on", "region", "case_type", "offence"], name="cases_case_live_stats",
                         condition=LIVE),
            models.Index(fields=["region", "filed_on"], name="cases_case_region_filed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_type__in=CaseType.values), name="cases_case_type_valid",
                violation_error_message=_("Unknown case type."),
            ),
            models.CheckConstraint(
                condition=Q(offence__in=Offence.values), name="cases_case_offence_valid",
                violation_error_message=_("Unknown offence."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="cases_case_status_valid",
                violation_error_message=_("Unknown case status."),
            ),
        ]

    def __str__(self):
        return self.case_no


class CaseStatusChange(JinduModel):
    """One dated step of a case's status history (立案, 破案, 移送起诉, 结案)."""

    scope_field = "case__region"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices)
    changed_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["case", "changed_on", "id"]
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")

    def __str__(self):
        return f"{self.case_id and self.case.case_no} {self.changed_on} {self.get_status_display()}"


class IdentityQuerySet(RestrictedQuerySet):
    def restrict(self, user, action="view"):
        """Identities with at least one suspect record the user may ``action``.

        An identity has no region of its own: it is seen through the cases it appears in.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        region = getattr(user, "scope_region", None)
        if region is not None and region.parent_id is None:
            return self.all()  # the whole tree: every identity (the services drop those left without records)
        suspects = Suspect.objects.filter(region_q("region", region)).values("identity_id")
        return self.filter(pk__in=suspects)


class Identity(HashedIdNumber, JinduModel):
    """One person across cases (人员身份): the suspects of several cases who share a Chinese
    identity number, or a nationality and passport number, are one identity, so that a
    person's page lists every case they appear in. The number is stored encrypted and found
    by its keyed hash (``id_hash``)."""

    audit_views = True
    audit_masked_fields = ("id_number", "passport_no")
    field_categories = {"id_number": "identity", "passport_no": "identity", "birth_date": "identity"}

    id_number = id_number_field()
    id_hash = id_hash_field()
    nationality = models.CharField(_("nationality"), max_length=2, default="CN", validators=[nationality_validator])
    passport_no = models.CharField(_("passport number"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=64)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    objects = IdentityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=~Q(id_hash=""), name="cases_identity_unique_id_hash",
                violation_error_message=_("Another identity already has this identity number."),
            ),
            models.UniqueConstraint(
                fields=["nationality", "passport_no"], condition=~Q(passport_no=""),
                name="cases_identity_unique_passport",
                violation_error_message=_("Another identity already has this nationality and passport number."),
            ),
        ]

    def __str__(self):
        return self.name


class Suspect(HashedIdNumber, VoidableModel, VersionedModel, JinduModel):
    """A suspect of one case (犯罪嫌疑人 / 违法行为人), as recorded in that case.

    Chinese citizens carry their resident identity number (GB 11643, checked, with birth date
    and sex derived from it); foreign nationals carry a nationality and a passport number
    instead. ``arrested_on`` empty means not (yet) arrested; suspects count in the statistics
    by ``arrested_on`` and take the region of their case: ``region`` is a copy of the case's region,
    kept equal by the services, so that scope checks and statistics need no join with the cases.
    The identity number and the notes are stored encrypted; ``id_hash`` finds a person's records.
    """

    scope_field = "region"
    audit_views = True
    audit_masked_fields = ("id_number", "passport_no")
    field_categories = {"id_number": "identity", "passport_no": "identity", "birth_date": "identity",
                        "notes": "case"}

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="suspects")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               editable=False, help_text=_("The region of the case (kept equal by the services)."))
    identity = models.ForeignKey(Identity, verbose_name=_("identity"), on_delete=models.PROTECT,
                                 related_name="suspects", editable=False)
    name = models.CharField(_("name"), max_length=64)
    id_number = id_number_field(help_text=_("Resident identity number; empty for people without a Chinese ID."))
    id_hash = id_hash_field()
    nationality = models.CharField(_("nationality"), max_length=2, default="CN", validators=[nationality_validator],
                                   help_text=_("ISO 3166 two-letter code: CN, NP, IN ..."))
    passport_no = models.CharField(_("passport number"), max_length=32, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=SuspectRole.choices, blank=True)
    arrested_on = models.DateField(_("arrested on"), null=True, blank=True)
    measure = models.CharField(_("measure taken"), max_length=32, choices=Measure.choices, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")

    class Meta:
        ordering = ["-id"]  # newest records first (ordering by case would sort the cases table)
        verbose_name = _("suspect")
        verbose_name_plural = _("suspects")
        indexes = [
            models.Index(fields=["arrested_on", "region", "nationality"], name="cases_suspect_live_stats",
                         condition=LIVE),
            models.Index(fields=["region", "arrested_on"], name="cases_suspect_region_arrested"),
            models.Index(fields=["id_hash"], name="cases_suspect_id_hash"),  # a person's cases, by ID
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "name", "id_hash"], name="cases_suspect_unique_in_case",
                violation_error_message=_("This case already has a suspect with this name and identity number."),
            ),
            models.CheckConstraint(
                condition=Q(id_hash="") | Q(nationality="CN"), name="cases_suspect_foreigner_without_id",
                violation_error_message=_("A foreign national has no Chinese identity number."),
            ),
            models.CheckConstraint(
                condition=Q(sex="") | Q(sex__in=Sex.values), name="cases_suspect_sex_valid",
                violation_error_message=_("Sex is M or F."),
            ),
        ]

    def __str__(self):
        return self.name


class Seizure(VoidableModel, VersionedModel, JinduModel):
    """A seized exhibit (缴获毒品): evidence number, drug of the catalogue, quantity in its unit.

    The quantity stays in the unit it was recorded in; totals add grams and kilograms together
    and keep tablets, capsules, millilitres and plants apart (units are never mixed). ``region`` is
    a copy of the case's region (as for suspects), kept equal by the services.
    """

    scope_field = "region"

    evidence_no = models.CharField(_("evidence number"), max_length=REFERENCE_LENGTH, unique=True)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="seizures")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               editable=False, help_text=_("The region of the case (kept equal by the services)."))
    drug = models.ForeignKey("core.Drug", verbose_name=_("drug"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=24, decimal_places=9)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    seized_on = models.DateField(_("seized on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-seized_on", "-id"]
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        indexes = [
            models.Index(fields=["seized_on", "region", "drug", "unit", "quantity"], name="cases_seizure_live_stats",
                         condition=LIVE),
            models.Index(fields=["region", "seized_on"], name="cases_seizure_region_seized"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="cases_seizure_quantity_positive",
                violation_error_message=_("The quantity must be greater than 0."),
            ),
            models.CheckConstraint(
                condition=Q(unit__in=Unit.values), name="cases_seizure_unit_valid",
                violation_error_message=_("Unknown unit."),
            ),
        ]

    def __str__(self):
        return self.evidence_no


class Fugitive(HashedIdNumber, VoidableModel, VersionedModel, JinduModel):
    """A drug-related fugitive (涉毒网逃人员): wanted since a date, captured (or not yet) by a unit.

    Counts in the statistics by ``captured_on`` in its region. Identity number and notes are encrypted.
    """

    scope_field = "region"
    audit_views = True
    audit_masked_fields = ("id_number",)
    field_categories = {"id_number": "identity", "notes": "case"}

    fugitive_no = models.CharField(_("fugitive number"), max_length=REFERENCE_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=64)
    id_number = id_number_field()
    id_hash = id_hash_field()
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    wanted_since = models.DateField(_("wanted since"))
    captured_on = models.DateField(_("captured on"), null=True, blank=True)
    capturing_unit = models.ForeignKey(
        "core.Organisation", verbose_name=_("capturing unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    notes = EncryptedTextField(_("notes"), blank=True, default="")

    class Meta:
        ordering = ["-wanted_since", "-id"]
        verbose_name = _("fugitive")
        verbose_name_plural = _("fugitives")
        indexes = [
            models.Index(fields=["captured_on", "region"], name="cases_fugitive_live_captured", condition=LIVE),
            models.Index(fields=["id_hash"], name="cases_fugitive_id_hash"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(captured_on__isnull=True) | Q(captured_on__gte=F("wanted_since")),
                name="cases_fugitive_captured_after_wanted",
                violation_error_message=_("A fugitive cannot be captured before being wanted."),
            ),
        ]

    def __str__(self):
        return f"{self.fugitive_no} {self.name}"


class Eradication(VoidableModel, VersionedModel, JinduModel):
    """Drug plants found and destroyed (禁种铲毒): where, when, which species, how many plants.

    Counts in the statistics by ``found_on``; ``case`` links a cultivation case when there is one.
    """

    scope_field = "region"

    ref = models.CharField(_("reference"), max_length=REFERENCE_LENGTH, unique=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    found_on = models.DateField(_("found on"))
    species = models.CharField(_("species"), max_length=16, choices=Species.choices)
    wild = models.BooleanField(_("wild"), default=True, help_text=_("Growing wild (not planted by someone)."))
    plants = models.PositiveIntegerField(_("plants destroyed"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="eradications")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("eradication")
        verbose_name_plural = _("eradications")
        indexes = [models.Index(fields=["found_on", "region", "plants"], name="cases_eradication_live_found",
                                condition=LIVE)]
        constraints = [
            models.CheckConstraint(
                condition=Q(plants__gte=0), name="cases_eradication_plants_not_negative",
                violation_error_message=_("The number of plants cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(area_m2__isnull=True) | Q(area_m2__gte=0), name="cases_eradication_area_not_negative",
                violation_error_message=_("The area cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="cases_eradication_latitude_range",
                violation_error_message=_("A latitude lies between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="cases_eradication_longitude_range",
                violation_error_message=_("A longitude lies between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="cases_eradication_position_complete",
                violation_error_message=_("A position needs both latitude and longitude."),
            ),
            models.CheckConstraint(
                condition=Q(species__in=Species.values), name="cases_eradication_species_valid",
                violation_error_message=_("Unknown species."),
            ),
        ]

    def __str__(self):
        return self.ref


class Interception(HashedIdNumber, VoidableModel, VersionedModel, JinduModel):
    """A finding at a police checkpoint (公安检查站查获): a drug user, drug driving, trafficking.

    ``id_number`` (encrypted, found by ``id_hash``) is kept as recorded; when the person is a
    registered drug user the persons module links them by the same keyed hash (no foreign key
    from here). Counts in the statistics by ``intercepted_on`` (the import column ``on``) in its region.
    """

    scope_field = "region"
    audit_views = True
    audit_masked_fields = ("id_number",)
    field_categories = {"id_number": "identity", "notes": "case"}

    ref = models.CharField(_("reference"), max_length=REFERENCE_LENGTH, unique=True)
    checkpoint = models.ForeignKey("core.Organisation", verbose_name=_("checkpoint"), on_delete=models.PROTECT,
                                   related_name="interceptions")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    intercepted_on = models.DateField(_("date"))
    id_number = id_number_field()
    id_hash = id_hash_field()
    name = models.CharField(_("name"), max_length=64, blank=True)
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices)
    notes = EncryptedTextField(_("notes"), blank=True, default="")

    class Meta:
        ordering = ["-intercepted_on", "-id"]
        verbose_name = _("interception")
        verbose_name_plural = _("interceptions")
        indexes = [
            models.Index(fields=["intercepted_on", "region", "finding"], name="cases_interception_live_on",
                         condition=LIVE),
            models.Index(fields=["id_hash"], name="cases_interception_id_hash"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__in=Finding.values), name="cases_interception_finding_valid",
                violation_error_message=_("Unknown finding."),
            ),
        ]

    def __str__(self):
        return self.ref
