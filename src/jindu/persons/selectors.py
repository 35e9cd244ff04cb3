"""Reads of the persons app: the statistics contract, look-ups other apps may call, work lists.

Other apps touch persons only through these functions (STYLE, dependency direction):
- :func:`statistics` — the ``persons`` section of DESIGN.md's statistics (reports engine);
- :func:`person_by_id_number` — a registered person by identity number (e.g. to link a
  checkpoint interception to a person); the caller decides what of the person it may show;
- :func:`person_list` — persons a user may see.
"""

from django.db.models import Exists, Max, OuterRef, Q

from jindu.common.identifiers import normalise_id_number
from jindu.common.scope import region_q

from .choices import COMMUNITY_MEASURES, AlertState
from .crypto import blind_index
from .models import Alert, DrugTest, Episode, Person


def overlapping(start, end, prefix=""):
    """Q for episodes (``prefix`` = path to the episode) overlapping the inclusive period [start, end]."""
    return Q(**{f"{prefix}start_on__lte": end}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gte": start})
    )


def community_episodes():
    return Episode.objects.filter(measure__in=COMMUNITY_MEASURES)


def statistics(date_from, date_to, region):
    """DESIGN.md "Statistics definitions", persons section, to the letter:

    - registered: persons with registered_on <= to (the start of the period does not matter);
    - in_community: persons with a community_detox or community_rehab episode overlapping the period;
    - tested: of those, persons with at least one drug test dated inside the period and inside such an
      episode (between its start and its end, or after its start when it is open);
    - test_rate: tested / in_community rounded to 4 decimals, None when in_community is 0.

    A person belongs to ``region`` when their residence region lies at or under it.
    """
    persons = Person.objects.filter(region_q("region", region))
    registered = persons.filter(registered_on__lte=date_to).count()
    community = in_community(persons, date_from, date_to)
    counted = community.count()
    tested = tested_in_community(community, date_from, date_to).count()
    return {"persons": {
        "registered": registered,
        "in_community": counted,
        "tested": tested,
        "test_rate": round(tested / counted, 4) if counted else None,
    }}


def in_community(persons, date_from, date_to):
    """``persons`` with a community_detox or community_rehab episode overlapping the period (``in_community``;
    the people list filters by the same rule, so a figure and its list agree)."""
    in_period = community_episodes().filter(overlapping(date_from, date_to), person=OuterRef("pk"))
    return persons.filter(Exists(in_period))


def tested_in_community(persons, date_from, date_to):
    """``persons`` with a drug test inside the period and inside a community episode (``tested``)."""
    covering_test = community_episodes().filter(person=OuterRef("person"), start_on__lte=OuterRef("tested_on")).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=OuterRef("tested_on")))
    tests = DrugTest.objects.filter(person=OuterRef("pk"), tested_on__gte=date_from, tested_on__lte=date_to).filter(
        Exists(covering_test))
    return persons.filter(Exists(tests))


def person_by_id_number(id_number):
    """The registered person with this identity number, or None. Not region scoped on purpose: people
    move, and a checkpoint in Nagqu must recognise a person registered in Lhasa. Callers must show only
    what their purpose allows, and audit the look-up."""
    number = normalise_id_number(id_number)
    if not number:
        return None
    return Person.objects.filter(id_hash=blind_index(number)).select_related("region").order_by().first()


def person_list(user, action="view"):
    return Person.objects.restrict(user, action).select_related("region")


def current_measure_subquery(day=None):
    """The measure running today for each person row (a list column), statutory measures first."""
    from django.db.models import Case, IntegerField, Subquery, Value, When
    from django.utils import timezone

    from .choices import STATUTORY_MEASURES

    day = day or timezone.localdate()
    running = Episode.objects.filter(person=OuterRef("pk")).filter(overlapping(day, day)).annotate(
        statutory=Case(When(measure__in=STATUTORY_MEASURES, then=Value(0)), default=Value(1),
                       output_field=IntegerField()))
    return Subquery(running.order_by("statutory", "-start_on").values("measure")[:1])


def current_episode(person, day=None, episodes=None):
    """The statutory or voluntary measure running on ``day`` (today by default), statutory first.
    ``episodes``: the person's live episodes when the caller has them already (no second query)."""
    from django.utils import timezone

    from .choices import STATUTORY_MEASURES

    day = day or timezone.localdate()
    if episodes is None:
        episodes = person.episodes.filter(voided=False)
    episodes = [e for e in episodes if e.is_open_on(day)]
    episodes.sort(key=lambda e: (e.measure not in STATUTORY_MEASURES, -e.start_on.toordinal()))
    return episodes[0] if episodes else None


def last_test_on(person):
    return DrugTest.objects.filter(person=person).aggregate(last=Max("tested_on"))["last"]


def open_alerts(user):
    return Alert.objects.restrict(user).exclude(state=AlertState.RESOLVED)


def alert_counts_by_worker(user):
    """Open alerts per community worker of the user's scope: the county's view of the work list."""
    from django.db.models import Count

    return (open_alerts(user).values("community_worker__username", "community_worker__last_name",
                                     "community_worker__first_name")
            .annotate(total=Count("pk")).order_by("-total"))


def age_on(birth_date, day):
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


__all__ = ["statistics", "in_community", "tested_in_community", "person_by_id_number", "person_list",
           "current_episode", "last_test_on", "open_alerts", "alert_counts_by_worker", "overlapping"]
