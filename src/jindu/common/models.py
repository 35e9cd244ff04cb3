"""Abstract bases every Jindu model inherits (STYLE rule 1). No concrete models here."""

from django.db import models
from django.urls import NoReverseMatch, reverse

from .scope import restrict_queryset


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """Rows ``user`` may ``action`` (view, add, change, delete): role permission and region scope."""
        return restrict_queryset(self, user, action)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


class JinduModel(models.Model):
    """Base of every concrete model: restrict(), timestamps, an absolute URL by convention.

    Class attributes a model may set:
    - ``scope_field``: path to its Region foreign key (region scope); None = not region scoped.
    - ``scope_view_ancestors``: users also read rows of the regions above theirs (a county officer
      sees the prefecture's and the region's organisations, never a neighbouring county's).
    - ``audit_views``: every view of a record is audited (sensitive personal data).
    - ``audit_masked_fields``: fields whose values are masked in audit snapshots.
    """

    scope_field = None
    scope_view_ancestors = False
    audit_views = False
    audit_masked_fields = ()

    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        try:
            return reverse(f"{self._meta.app_label}:{self._meta.model_name}", args=[self.pk])
        except NoReverseMatch:
            return ""
