import datetime

import pytest

from jindu.reports.statistics import change, months, previous_period, same_period_last_year, shift_year

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(D(2024, 1, 1), D(2024, 6, 30), (D(2023, 1, 1), D(2023, 6, 30))),
     (D(2024, 2, 1), D(2024, 2, 29), (D(2023, 2, 1), D(2023, 2, 28))),  # leap day
     (D(2025, 3, 1), D(2025, 3, 31), (D(2024, 3, 1), D(2024, 3, 31)))],
)
def test_same_period_last_year(start, end, expected):
    assert same_period_last_year(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(D(2024, 1, 1), D(2024, 6, 30), (D(2023, 7, 1), D(2023, 12, 31))),  # whole months: the previous half year
     (D(2024, 3, 1), D(2024, 3, 31), (D(2024, 2, 1), D(2024, 2, 29))),
     (D(2024, 3, 1), D(2024, 3, 1), (D(2024, 2, 29), D(2024, 2, 29))),  # days otherwise
     (D(2024, 1, 10), D(2024, 1, 19), (D(2023, 12, 31), D(2024, 1, 9))),
     (D(2024, 1, 1), D(2024, 12, 31), (D(2023, 1, 1), D(2023, 12, 31)))],
)
def test_previous_period(start, end, expected):
    assert previous_period(start, end) == expected


def test_change_handles_empty_previous_period():
    assert change(12, 0) is None and change(12, None) is None and change(None, 3) is None
    assert change(12, 10) == 20.0 and change(5, 10) == -50.0


def test_shift_year_of_leap_day():
    assert shift_year(D(2024, 2, 29)) == D(2023, 2, 28)


def test_months_are_clipped_to_the_period():
    assert months(D(2024, 1, 15), D(2024, 3, 10)) == [
        (D(2024, 1, 15), D(2024, 1, 31)), (D(2024, 2, 1), D(2024, 2, 29)), (D(2024, 3, 1), D(2024, 3, 10))]
