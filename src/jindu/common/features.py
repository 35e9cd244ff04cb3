"""Feature mixins a model adds to its bases (STYLE rule 1): soft delete, versions, sealing.

    class Case(VoidableModel, VersionedModel, SealableModel, JinduModel):
        ...

- :class:`VoidableModel`: a delete marks the row voided (who, when, why; the reason is
  required) and hides it; it can be restored; only ``jindu purge_voided`` removes rows, audited.
- :class:`VersionedModel`: every save through ``object_update`` bumps ``version``; a save
  based on an older version is refused (:class:`StaleVersionError`) and writes nothing.
- :class:`SealableModel`: a sealed row (治安违法记录封存) disappears from ``objects``, hence from
  lists, search, exports and statistics; an authorised user opens it with a reason and a case
  number (``common.views.SealedRecordOpenView``), audited.

Managers: ``all_objects`` (first, hence Django's default manager: unique checks, related
objects, backups see every row) and ``objects`` (:class:`LiveManager`), which hides voided and
sealed rows and is what code reads through (``Model.objects.restrict(user)``). A model that
declares its own ``objects`` must build it with ``LiveManager.from_queryset(ItsQuerySet)``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import RestrictedManager, RestrictedQuerySet


def is_voidable(model):
    return getattr(model, "voidable", False)


def is_versioned(model):
    return getattr(model, "versioned", False)


def is_sealable(model):
    return getattr(model, "sealable", False)


class LiveQuerySet(RestrictedQuerySet):
    def live(self):
        """Rows that are neither voided nor sealed."""
        queryset = self
        if is_voidable(self.model):
            queryset = queryset.filter(voided=False)
        if is_sealable(self.model):
            queryset = queryset.filter(sealed=False)
        return queryset


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    """The manager code reads through: voided and sealed rows are not there."""

    def get_queryset(self):
        return super().get_queryset().live()


class VoidableModel(models.Model):
    """Soft delete, after OpenMRS (voided, voided_by, date voided, void reason)."""

    voidable = True

    voided = models.BooleanField(_("voided"), default=False, db_index=True, editable=False)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("voided by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )
    void_reason = models.CharField(_("void reason"), max_length=500, blank=True, editable=False)

    all_objects = RestrictedManager()
    objects = LiveManager()

    class Meta:
        abstract = True


class StaleVersionError(ValidationError):
    """The record changed since the version the edit started from; nothing was written.

    A ValidationError, so that any form view shows it; the API answers 409 (``common.api``).
    """

    def __init__(self, instance, base_version):
        self.current_version = instance.version
        self.base_version = base_version
        super().__init__(
            _("{obj} was changed by someone else while you were editing it (version {base} is now {current}). "
              "Your changes were not saved: reload the page to see the current version, then edit again.").format(
                obj=instance, base=base_version, current=instance.version),
            code="stale_version",
        )


class VersionedModel(models.Model):
    """Optimistic concurrency: ``version`` starts at 1 and grows with every write through the services."""

    versioned = True

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class SealableModel(models.Model):
    """A record that can be sealed (治安管理处罚法 art. 136): hidden everywhere but in the audited open view.

    A model may define ``sealing_due(cls)``, a classmethod returning the queryset of rows the law's
    conditions now seal; ``jindu seal_records`` seals them (daily job).
    """

    sealable = True

    sealed = models.BooleanField(_("sealed"), default=False, db_index=True, editable=False)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True, editable=False)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sealed by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )
    seal_basis = models.CharField(_("basis of sealing"), max_length=500, blank=True, editable=False)

    all_objects = RestrictedManager()
    objects = LiveManager()

    class Meta:
        abstract = True
