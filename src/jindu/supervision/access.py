"""Who sees and does what in coordination work, on top of the one scope filter.

Region scope and role permissions come from ``common.scope`` as everywhere (``restrict``). One more rule
applies here, because member units are not offices: a user whose organisation is a member unit (public
security, education, health, ...; anything but a narcotics control office) sees only the tasks of that
unit (and of its sub-units), while office staff (organisation empty or a narcotics control office) see
every task in their region. The rule is added inside ``restrict()`` of the supervision querysets, so the
list pages, detail pages, API and selectors all get it from the same call.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.core.choices import OrganisationKind

OFFICE_KINDS = frozenset({OrganisationKind.NCC_OFFICE})
MEMBER_UNIT_KINDS = (
    OrganisationKind.PUBLIC_SECURITY, OrganisationKind.CUSTOMS, OrganisationKind.EDUCATION,
    OrganisationKind.HEALTH, OrganisationKind.DRUG_REGULATION, OrganisationKind.POSTAL,
    OrganisationKind.SOCIAL_WORK, OrganisationKind.JUSTICE, OrganisationKind.TRANSPORT,
    OrganisationKind.OTHER_MEMBER, OrganisationKind.POLICE_UNIT,
)
# Who can be given a task: the member units and the narcotics control offices below (prefectures, counties).
ASSIGNABLE_KINDS = (*MEMBER_UNIT_KINDS, OrganisationKind.NCC_OFFICE)


def member_unit_of(user):
    """The member unit whose tasks alone ``user`` sees, or None for office staff (all tasks in the region)."""
    organisation = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if organisation is None or organisation.kind in OFFICE_KINDS:
        return None
    return organisation


def is_office_staff(user):
    return getattr(user, "is_authenticated", False) and member_unit_of(user) is None


def unit_q(path, unit):
    """Rows whose organisation at ``path`` is ``unit`` or one of its direct sub-units."""
    return Q(**{path: unit}) | Q(**{f"{path}__parent": unit})


def is_member_of(user, unit):
    """``user`` works for ``unit`` (or for a sub-unit of it)."""
    organisation = getattr(user, "organisation", None)
    if organisation is None or unit is None:
        return False
    return organisation.pk == unit.pk or organisation.parent_id == unit.pk


def covers(user, region):
    """``region`` lies at or under the user's scope region."""
    scope = getattr(user, "scope_region", None)
    return scope is not None and region is not None and region.path.startswith(scope.path)


def report_refusal(user, task):
    """Why ``user`` may not report on ``task`` (a translatable message), or None when allowed.

    The unit's own staff report; office staff may record a report for a unit that has no account
    (it is then marked as recorded on the unit's behalf)."""
    if not user.has_perm("supervision.change_task"):
        return _("You may not change tasks.")
    if not (is_member_of(user, task.assignee) or is_office_staff(user)):
        return _("Only the responsible unit or the office reports on this task.")
    return None


def review_refusal(user, task, report):
    """Why ``user`` may not accept or return ``report`` of ``task``, or None when allowed.

    The assigning office reviews: office staff whose scope covers the assigning office's region, who do
    not belong to the responsible unit (a unit never accepts its own report) and did not write the report
    themselves (a report recorded by the office for a unit is reviewed by a colleague)."""
    if not user.has_perm("supervision.change_task"):
        return _("You may not change tasks.")
    if is_member_of(user, task.assignee) or not is_office_staff(user):
        return _("A unit cannot accept or return its own report.")
    if report is not None and report.author_id == user.pk:
        return _("You wrote this report: another member of the office must review it.")
    if not covers(user, task.issuer.region):
        return _("Only the assigning office ({office}) accepts or returns this task.").format(office=task.issuer)
    return None


def sees_results(user, scheme):
    """Draft scores are the assessing office's working material; published results are for everyone in scope."""
    return scheme.is_published or (is_office_staff(user) and covers(user, scheme.issuer.region))
