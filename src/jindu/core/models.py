"""Core records: regions, organisations, users and roles, the audit log, reference catalogues."""

import base64
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager, _user_has_module_perms, _user_has_perm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.oath import TOTP

from jindu.common.crypto import EncryptedTextField, blind_index
from jindu.common.features import VersionedModel, VoidableModel
from jindu.common.models import JinduModel, RestrictedQuerySet

from .choices import ChemicalCategory, DrugClass, OrganisationKind, RegionLevel, RoleCode


class LocalizedNameMixin:
    """``name`` in the active UI language, falling back to Chinese (names carry zh, bo and en)."""

    @property
    def name(self):
        lang = translation.get_language() or "zh-hans"
        if lang.startswith("bo") and self.name_bo:
            return self.name_bo
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def __str__(self):
        return self.name


class RegionQuerySet(RestrictedQuerySet):
    def within(self, region):
        """``region`` and every division under it (a Region or a GB/T 2260 code)."""
        if isinstance(region, str):
            region = self.model.objects.get(code=region)
        return self.filter(path__startswith=region.path)


class Region(LocalizedNameMixin, JinduModel):
    """An administrative division with its GB/T 2260 code (region, prefecture or county level).

    ``path`` lists the codes from the root down ("540000/540100/540102/") so that a region
    covers its descendants with one indexed prefix test (see common.scope.region_q).
    """

    code = models.CharField(_("code"), max_length=6, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    name_bo = models.CharField(_("Tibetan name"), max_length=64, blank=True)
    path = models.CharField(max_length=64, db_index=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="core_region_code_six_digits",
                violation_error_message=_("A region code has six digits."),
            ),
        ]

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)


class Organisation(VoidableModel, VersionedModel, JinduModel):
    """A unit the office works with: a member unit of the Narcotics Control Commission, a police
    unit or checkpoint, a school, a company, a hospital, a community. Every one has a region.

    Deleting one voids it (reason required, restorable); edits carry a version (a stale edit is
    refused). Its contact details and notes go only to roles that read contact and internal data.
    """

    scope_field = "region"
    scope_view_ancestors = True  # a county officer may name the prefecture's and the region's agencies
    field_categories = {"address": "contact", "phone": "contact", "notes": "internal"}

    name = models.CharField(_("name"), max_length=128, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})


class Role(models.Model):
    """A role a user holds. What each role may do is defined in code (core/roles.py) so that it
    is reviewed with the code; the rows only exist so that users can be linked to roles."""

    code = models.CharField(max_length=32, unique=True, choices=RoleCode.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return str(RoleCode(self.code).label)


class JinduUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(VersionedModel, AbstractUser):
    """A staff account: belongs to an organisation, holds roles, sees one region and what lies under it.

    Accounts are never deleted: they are deactivated (sessions ended, second factor wiped). Profile edits
    carry a version: two administrators editing the same account cannot overwrite each other.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region scope"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("The user sees records of this region and the regions under it."),
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    language = models.CharField(_("language"), max_length=8, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    objects = JinduUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def scope_region(self):
        return self.region

    def get_full_name(self):
        """Chinese and Tibetan names read family name first, without a space."""
        if any(ord(c) > 0x2E7F for c in self.last_name + self.first_name):
            return (self.last_name + self.first_name).strip()
        return super().get_full_name()

    # Django grants every permission to a superuser; Jindu has no such account: permissions come
    # from roles only (core/roles.py), whatever is_superuser says.
    def has_perm(self, perm, obj=None):
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        return self.is_active and _user_has_module_perms(self, app_label)

    def password_expired(self):
        """True when password expiry is on (JINDU_PASSWORD_MAX_AGE_DAYS) and the password is older."""
        days = getattr(settings, "JINDU_PASSWORD_MAX_AGE_DAYS", 0)
        if not days:
            return False
        changed = self.password_changed_at or self.date_joined
        return changed is not None and changed < timezone.now() - timedelta(days=days)

    def password_change_needed(self):
        """The account must choose a new password before anything else (first login, reset, expiry)."""
        return self.must_change_password or self.password_expired()

    @property
    def role_codes(self):
        if not hasattr(self, "_role_codes"):
            self._role_codes = frozenset(self.roles.values_list("code", flat=True)) if self.pk else frozenset()
        return self._role_codes

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:user", args=[self.pk])


class APIToken(JinduModel):
    """A token for machine clients of the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")


class Drug(LocalizedNameMixin, JinduModel):
    """A drug of the seizure catalogue (data/drugs.csv), with the unit seizures are usually counted in."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    name_bo = models.CharField(_("Tibetan name"), max_length=128, blank=True)
    default_unit = models.CharField(_("default unit"), max_length=16)
    drug_class = models.CharField(_("class"), max_length=32, choices=DrugClass.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("drug")
        verbose_name_plural = _("drugs")


class Chemical(LocalizedNameMixin, JinduModel):
    """A precursor chemical of China's catalogue (data/precursors.csv), category 1-3."""

    name_zh = models.CharField(_("Chinese name"), max_length=128, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_bo = models.CharField(_("Tibetan name"), max_length=200, blank=True)
    cas = models.CharField(_("CAS number"), max_length=20, blank=True, db_index=True)
    category = models.CharField(_("category"), max_length=4, choices=ChemicalCategory.choices)
    un_table = models.CharField(_("UN 1988 table"), max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["category", "name_zh"]
        verbose_name = _("chemical")
        verbose_name_plural = _("chemicals")


class AuditLogQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditLog(models.Model):
    """One row of the append-only, hash-chained audit log (see common/audit.py).

    ``hash`` = SHA-256 over the previous row's hash and this row's content; ``seq`` has no gaps.
    The database refuses UPDATE and DELETE (triggers, migration 0002); the application has no
    path that edits a row. ``jindu audit verify`` recomputes the chain.
    """

    seq = models.BigIntegerField(unique=True)
    time = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    source = models.CharField(max_length=16)
    request_id = models.CharField(max_length=64, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object")]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class AuditChainHead(models.Model):
    """The newest seq and hash of the audit chain; locked while a row is appended, so that two
    writers cannot fork the chain, and compared by verify so that a truncated tail is noticed."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"audit chain head #{self.seq}"


# --- Two-factor authentication (django-otp devices) ----------------------------------------------


class TOTPDevice(Device):
    """An authenticator app (RFC 6238 TOTP, 6 digits, 30 s) bound to one user.

    The shared secret is encrypted at rest (common.crypto). ``last_t`` is the time step of the last
    accepted code: a code is accepted once, and never one from an earlier step (no replay). A
    device is unconfirmed until the user has entered a first code from it at enrolment.
    """

    key = EncryptedTextField(_("secret"))
    step = models.PositiveSmallIntegerField(default=30)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1, help_text=_("Time steps accepted either side."))
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator app")

    @classmethod
    def new_key(cls):
        return secrets.token_hex(20)

    @property
    def bin_key(self):
        return bytes.fromhex(self.key)

    @property
    def base32_key(self):
        return base64.b32encode(self.bin_key).decode("ascii").rstrip("=")

    def config_url(self, issuer="Jindu"):
        """The otpauth:// URL an authenticator app reads from the QR code."""
        from urllib.parse import quote, urlencode

        label = quote(f"{issuer}:{self.user.get_username()}")
        query = urlencode({"secret": self.base32_key, "issuer": issuer, "algorithm": "SHA1",
                           "digits": self.digits, "period": self.step})
        return f"otpauth://totp/{label}?{query}"

    def verify_token(self, token):
        token = str(token).strip().replace(" ", "")
        if not token.isdigit() or len(token) != self.digits:
            return False
        totp = TOTP(self.bin_key, self.step, 0, self.digits, self.drift)
        totp.time = time.time()
        for offset in range(-self.tolerance, self.tolerance + 1):
            totp.drift = self.drift + offset
            if totp.t() > self.last_t and secrets.compare_digest(str(totp.token()).zfill(self.digits), token):
                self.last_t = totp.t()
                if offset:
                    self.drift += offset
                self.last_used = timezone.now()
                self.save(update_fields=["last_t", "drift", "last_used"])
                return True
        return False


class RecoveryCodeDevice(Device):
    """One-time recovery codes for a lost phone: ten codes, shown once, stored only as keyed hashes.

    A code works once (its hash is removed when used); new codes replace the old ones.
    """

    code_hashes = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)

    COUNT = 10
    PURPOSE = "recovery-code"

    class Meta:
        verbose_name = _("recovery codes")

    @staticmethod
    def normalise(code):
        return "".join(ch for ch in str(code).upper() if ch.isalnum())

    @classmethod
    def hash(cls, code):
        return blind_index(cls.normalise(code), purpose=cls.PURPOSE)

    def generate(self):
        """New codes (returned once, in clear, to show the user); the old ones stop working."""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(self.COUNT)]
        codes = [f"{code[:5]}-{code[5:]}" for code in codes]
        self.code_hashes = [self.hash(code) for code in codes]
        self.save(update_fields=["code_hashes"])
        return codes

    @property
    def remaining(self):
        return len(self.code_hashes)

    def verify_token(self, token):
        digest = self.hash(token)
        if len(self.normalise(token)) != 10 or digest not in self.code_hashes:
            return False
        self.code_hashes = [h for h in self.code_hashes if h != digest]
        self.save(update_fields=["code_hashes"])
        return True


# --- Sessions, idempotency, restore drills ---------------------------------------------------------


class UserSession(models.Model):
    """A live login of a user, so that all of a user's sessions can be ended at once (logout,
    password change or reset, deactivation) whatever the session engine."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")

    def __str__(self):
        return f"{self.user} {self.created:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """The first response to an API POST that carried an ``Idempotency-Key`` (kept 24 hours, per user)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = EncryptedTextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    completed = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class RestoreDrill(models.Model):
    """The record of one restore drill (``jindu restore_drill``): what was restored, what was checked,
    how long it took (measured RTO) and how old the backup was (RPO of that backup)."""

    started = models.DateTimeField()
    finished = models.DateTimeField()
    backup_file = models.CharField(_("backup file"), max_length=300)
    backup_sha256 = models.CharField(max_length=64)
    backup_created = models.DateTimeField(null=True, blank=True)
    vendor = models.CharField(max_length=16)
    ok = models.BooleanField()
    seconds = models.FloatField(_("duration (s)"))
    rows_checked = models.BigIntegerField(default=0)
    audit_rows = models.BigIntegerField(default=0)
    migrations_applied = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started"]
        verbose_name = _("restore drill")

    def __str__(self):
        return "{} {}".format(self.started.strftime("%Y-%m-%d %H:%M"), "ok" if self.ok else "FAILED")

    @property
    def backup_age(self):
        return (self.started - self.backup_created) if self.backup_created else None
