"""Date arithmetic as the regulations count it (pure: no database, no real holiday file)."""

import datetime

import pytest

from membership.eligibility.dates import (
    EMPTY_CALENDAR,
    WorkCalendar,
    add_months,
    add_years,
    full_months,
    full_years,
    nth_working_day,
    period_end,
    period_length,
    working_days_between,
)

D = datetime.date

# The 2025 May Day arrangement, as a test's own data: 1–5 May off, Sunday 27 April worked.
MAY_DAY = WorkCalendar(
    holidays=frozenset(D(2025, 5, day) for day in range(1, 6)),
    workdays=frozenset({D(2025, 4, 27)}),
    years=frozenset({2025}),
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 3, 1), 12, D(2026, 3, 1)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # no 31 February: the month's last day
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2024, 8, 31), 12, D(2025, 8, 31)),  # counted from the start, not chained
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 3, 1), 0, D(2025, 3, 1)),
    ],
)
def test_add_months_ends_on_the_same_day_or_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_add_years_is_twelve_months():
    assert add_years(D(2008, 2, 29), 18) == D(2026, 2, 28)
    assert add_years(D(2008, 3, 1), 18) == D(2026, 3, 1)


@pytest.mark.parametrize(
    ("start", "on", "expected"),
    [
        (D(2025, 3, 1), D(2026, 2, 28), 11),
        (D(2025, 3, 1), D(2026, 3, 1), 12),
        (D(2025, 1, 31), D(2025, 2, 27), 0),
        (D(2025, 1, 31), D(2025, 2, 28), 1),
        (D(2024, 8, 31), D(2025, 2, 27), 5),
        (D(2024, 8, 31), D(2025, 2, 28), 6),
        (D(2025, 3, 1), D(2025, 3, 1), 0),
        (D(2025, 3, 1), D(2025, 2, 28), -1),
    ],
)
def test_full_months_is_the_last_month_end_reached(start, on, expected):
    assert full_months(start, on) == expected


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(2008, 3, 1), D(2026, 2, 28), 17),
        (D(2008, 3, 1), D(2026, 3, 1), 18),
        (D(2008, 2, 29), D(2026, 2, 27), 17),
        (D(2008, 2, 29), D(2026, 2, 28), 18),  # a common year: the birthday is 28 February
        (D(2008, 2, 29), D(2028, 2, 28), 19),
        (D(2008, 2, 29), D(2028, 2, 29), 20),
        (D(1998, 12, 31), D(2026, 12, 30), 27),
        (D(1998, 12, 31), D(2026, 12, 31), 28),
    ],
)
def test_age_is_counted_in_full_years(birth, on, age):
    assert full_years(birth, on) == age


@pytest.mark.parametrize(
    ("first", "last", "calendar", "expected"),
    [
        (D(2026, 3, 2), D(2026, 3, 6), EMPTY_CALENDAR, 5),  # Monday to Friday, both ends count
        (D(2026, 3, 2), D(2026, 3, 8), EMPTY_CALENDAR, 5),  # the weekend adds nothing
        (D(2026, 3, 7), D(2026, 3, 8), EMPTY_CALENDAR, 0),
        (D(2026, 3, 6), D(2026, 3, 2), EMPTY_CALENDAR, 0),  # the wrong way round
        (D(2025, 4, 28), D(2025, 5, 6), EMPTY_CALENDAR, 7),
        (D(2025, 4, 28), D(2025, 5, 6), MAY_DAY, 4),  # without 1–5 May
        (D(2025, 4, 26), D(2025, 4, 30), EMPTY_CALENDAR, 3),
        (D(2025, 4, 26), D(2025, 4, 30), MAY_DAY, 4),  # with Sunday 27 April worked
    ],
)
def test_working_days_between(first, last, calendar, expected):
    assert working_days_between(first, last, calendar) == expected


@pytest.mark.parametrize(
    ("start", "n", "calendar", "expected"),
    [
        (D(2026, 3, 2), 5, EMPTY_CALENDAR, D(2026, 3, 6)),
        (D(2026, 3, 7), 1, EMPTY_CALENDAR, D(2026, 3, 9)),  # from a Saturday
        (D(2025, 4, 28), 5, EMPTY_CALENDAR, D(2025, 5, 2)),
        (D(2025, 4, 28), 5, MAY_DAY, D(2025, 5, 7)),  # 28, 29, 30 April, 6, 7 May
        (D(2025, 4, 26), 2, MAY_DAY, D(2025, 4, 28)),  # 27 April counts
    ],
)
def test_nth_working_day(start, n, calendar, expected):
    assert nth_working_day(start, n, calendar) == expected


def test_nth_working_day_needs_at_least_one_day():
    with pytest.raises(ValueError):
        nth_working_day(D(2026, 3, 2), 0, EMPTY_CALENDAR)


def test_a_calendar_knows_which_years_it_covers():
    assert MAY_DAY.missing_years(D(2024, 12, 30), D(2026, 1, 2)) == [2024, 2026]
    assert MAY_DAY.missing_years(D(2025, 1, 1), D(2025, 12, 31)) == []
    assert EMPTY_CALENDAR.missing_years(D(2025, 1, 1), D(2025, 1, 2)) == [2025]


@pytest.mark.parametrize(
    ("start", "length", "unit", "calendar", "end"),
    [
        (D(2026, 3, 2), 7, "days", EMPTY_CALENDAR, D(2026, 3, 8)),
        (D(2026, 3, 2), 5, "working_days", EMPTY_CALENDAR, D(2026, 3, 6)),
        (D(2025, 4, 28), 5, "working_days", MAY_DAY, D(2025, 5, 7)),
        (D(2025, 4, 28), 5, "days", MAY_DAY, D(2025, 5, 2)),  # holidays are days too
    ],
)
def test_a_period_ends_where_its_length_says_and_measures_that_length(
    start, length, unit, calendar, end
):
    assert period_end(start, length, unit, calendar) == end
    assert period_length(start, end, unit, calendar) == length
