"""The outreach additions to the one scope filter (common/scope.py).

Two record types narrow the region scope further, inside their own ``restrict()`` so that every
read (pages, API, exports, form choices) goes through the same rule:

- a **school reporter** (学校填报员) works on their own school only: ``User.organisation`` is the
  school. The narrowing applies when the permission for the action comes from the school
  reporter role alone; an officer who also holds that role keeps the officer's region scope;
- **judges' scores** of a video contest are hidden until the contest is closed: before that, a
  user sees only scores given as themselves (a judge never sees another judge's scores, and
  the organising officers see none);
- **reviewers' scores** of a model-school review: while the review is open, a judge of that review
  sees only their own scores (never another judge's); the organising officers, who decide the
  applications on the sheets, see them all.

Services check the same rules on single objects with :func:`in_scope`.
"""

from django.db.models import Q

from jindu.common.features import LiveManager, LiveQuerySet
from jindu.common.importing import SYSTEM
from jindu.common.models import RestrictedManager, RestrictedQuerySet
from jindu.common.scope import object_in_scope, permission_name
from jindu.core.choices import RoleCode
from jindu.core.roles import has_permission


def is_system(actor):
    """The built-in system actor of command-line runs (imports, ``jindu demo``): unrestricted."""
    return actor is SYSTEM


def own_school_only(user, model, action):
    """True when ``user`` holds ``<app>.<action>_<model>`` only through the school reporter role."""
    codes = getattr(user, "role_codes", frozenset())
    if RoleCode.SCHOOL_REPORTER not in codes:
        return False
    return not has_permission(codes - {RoleCode.SCHOOL_REPORTER}, permission_name(model, action))


def _resolve(obj, path):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def in_scope(actor, obj, action):
    """:func:`jindu.common.scope.object_in_scope` plus the outreach narrowing, for one object."""
    if is_system(actor):
        return True
    if not object_in_scope(actor, obj, action):
        return False
    school_field = getattr(type(obj), "school_organisation_field", None)
    if school_field and own_school_only(actor, type(obj), action):
        organisation = _resolve(obj, school_field)
        return organisation is not None and organisation.pk == actor.organisation_id
    return True


class SchoolScopedQuerySet(LiveQuerySet):
    """Rows of the school reporter's own school only (the model names ``school_organisation_field``)."""

    def restrict(self, user, action="view"):
        queryset = super().restrict(user, action)
        if own_school_only(user, self.model, action):
            if not getattr(user, "organisation_id", None):
                return queryset.none()
            return queryset.filter(**{self.model.school_organisation_field: user.organisation_id})
        return queryset


class JudgeScoreQuerySet(RestrictedQuerySet):
    """A judge's scores stay sealed until the contest closes; a judge may change only their own, while judging."""

    def restrict(self, user, action="view"):
        from .choices import ContestStatus

        queryset = super().restrict(user, action)
        if user is None or not getattr(user, "is_authenticated", False):
            return queryset.none()
        if action == "view":
            return queryset.filter(Q(entry__contest__status=ContestStatus.CLOSED) | Q(judge__user=user))
        return queryset.filter(judge__user=user, entry__contest__status=ContestStatus.JUDGING)


class ReviewScoreQuerySet(RestrictedQuerySet):
    """While a review is open, a judge of it reads only their own scores of it."""

    def restrict(self, user, action="view"):
        from .choices import ReviewStatus
        from .models import ReviewJudge

        queryset = super().restrict(user, action)
        if user is None or not getattr(user, "is_authenticated", False):
            return queryset.none()
        judging = ReviewJudge.objects.filter(user=user, review__status=ReviewStatus.OPEN).values("review_id")
        return queryset.filter(~Q(application__review__in=judging) | Q(judge__user=user))


SchoolScopedManager = LiveManager.from_queryset(SchoolScopedQuerySet)
SchoolScopedAllManager = RestrictedManager.from_queryset(SchoolScopedQuerySet)
ReviewScoreManager = RestrictedManager.from_queryset(ReviewScoreQuerySet)
JudgeScoreManager = RestrictedManager.from_queryset(JudgeScoreQuerySet)
