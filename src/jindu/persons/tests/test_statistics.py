"""The persons section of the statistics contract (DESIGN.md), rule by rule, on hand-computed fixtures."""

import datetime

import pytest

from jindu.common.testing import region
from jindu.persons.selectors import statistics
from jindu.reports.statistics import compute

from . import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
FROM, TO = D(2024, 1, 1), D(2024, 6, 30)


def stats(region_code="540000", start=FROM, end=TO):
    return statistics(start, end, region(region_code))["persons"]


def test_empty_region_gives_zeros_and_null_rate():
    assert stats() == {"registered": 0, "in_community": 0, "tested": 0, "test_rate": None}


def test_registered_counts_registered_on_up_to_the_end_not_from_the_start():
    f.person(registered_on=D(2010, 5, 1))           # long before the period: counted
    f.person(registered_on=TO)                      # the last day: counted
    f.person(registered_on=D(2024, 7, 1))           # the day after: not counted
    assert stats()["registered"] == 2
    assert stats(end=D(2024, 7, 1))["registered"] == 3


def test_episode_overlapping_the_period_partially_counts():
    p = f.person()
    f.episode(p, "community_detox", D(2023, 3, 1), D(2024, 1, 1))  # ends on the first day
    q = f.person()
    f.episode(q, "community_rehab", D(2024, 6, 30))                  # starts on the last day
    assert stats()["in_community"] == 2


def test_episode_ending_the_day_before_the_period_does_not_count():
    p = f.person()
    f.episode(p, "community_detox", D(2021, 1, 1), D(2023, 12, 31))
    q = f.person()
    f.episode(q, "community_detox", D(2024, 7, 1))  # starts the day after
    assert stats()["in_community"] == 0


def test_open_episode_counts():
    p = f.person()
    f.episode(p, "community_rehab", D(2022, 2, 1), None)
    assert stats()["in_community"] == 1


def test_isolation_and_voluntary_episodes_do_not_count():
    p = f.person()
    f.episode(p, "compulsory_isolation", D(2023, 6, 1), None)
    f.test(p, D(2024, 2, 1))
    q = f.person()
    f.episode(q, "voluntary_treatment", D(2024, 1, 1), D(2024, 3, 1))
    f.test(q, D(2024, 2, 1))
    assert stats() == {"registered": 2, "in_community": 0, "tested": 0, "test_rate": None}


def test_test_inside_period_but_outside_any_community_episode_is_not_counted():
    p = f.person()
    f.episode(p, "community_detox", D(2024, 3, 1), D(2024, 6, 30))
    f.episode(p, "voluntary_treatment", D(2024, 1, 1), D(2024, 2, 28))
    f.test(p, D(2024, 2, 15))   # in the period, in a voluntary episode only
    assert stats()["tested"] == 0
    f.test(p, D(2024, 3, 1))    # the episode's first day
    assert stats()["tested"] == 1


def test_test_outside_the_period_is_not_counted():
    p = f.person()
    f.episode(p, "community_detox", D(2023, 1, 1), None)
    f.test(p, D(2023, 12, 31))
    f.test(p, D(2024, 7, 1))
    assert stats()["in_community"] == 1 and stats()["tested"] == 0


def test_test_in_a_community_episode_that_ended_before_the_test_is_not_counted():
    p = f.person()
    f.episode(p, "community_detox", D(2023, 1, 1), D(2024, 2, 1))
    f.test(p, D(2024, 2, 2))    # after the end, before nothing else
    assert stats()["tested"] == 0
    f.test(p, D(2024, 2, 1))    # the last day of the episode
    assert stats()["tested"] == 1


def test_region_subtree():
    lhasa = f.person("540102")     # Chengguan, Lhasa
    f.episode(lhasa, "community_detox", D(2024, 1, 1))
    f.test(lhasa, D(2024, 1, 5))
    gar = f.person("542523")       # Gar, Ngari
    f.episode(gar, "community_detox", D(2024, 1, 1))
    assert stats("540000") == {"registered": 2, "in_community": 2, "tested": 1, "test_rate": 0.5}
    assert stats("540100") == {"registered": 1, "in_community": 1, "tested": 1, "test_rate": 1.0}
    assert stats("540102") == {"registered": 1, "in_community": 1, "tested": 1, "test_rate": 1.0}
    assert stats("542500") == {"registered": 1, "in_community": 1, "tested": 0, "test_rate": 0.0}
    assert stats("540103") == {"registered": 0, "in_community": 0, "tested": 0, "test_rate": None}


def test_person_with_two_episodes_and_many_tests_counts_once():
    p = f.person()
    f.episode(p, "community_detox", D(2023, 1, 1), D(2024, 2, 29))
    f.episode(p, "community_rehab", D(2024, 3, 1))
    for day in (D(2024, 1, 3), D(2024, 3, 3), D(2024, 5, 3)):
        f.test(p, day)
    assert stats() == {"registered": 1, "in_community": 1, "tested": 1, "test_rate": 1.0}


def test_test_rate_is_rounded_to_four_decimals():
    people = [f.person() for _ in range(3)]
    for p in people:
        f.episode(p, "community_detox", D(2024, 1, 1))
    f.test(people[0], D(2024, 2, 1))
    f.test(people[1], D(2024, 2, 1), result="positive")  # a positive test is a test
    assert stats()["test_rate"] == 0.6667  # 2/3


def test_engine_includes_the_persons_section():
    p = f.person()
    f.episode(p, "community_detox", D(2024, 1, 1))
    f.test(p, D(2024, 1, 2))
    result = compute("2024-01-01", "2024-06-30", "540000")
    assert result["persons"] == {"registered": 1, "in_community": 1, "tested": 1, "test_rate": 1.0}
