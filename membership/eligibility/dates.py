"""Date arithmetic as the party's regulations count it (a pure module).

- A period of months from a date ends on the same day of the month that many months later, or
  on that month's last day when it has no such day: one month from 2025-01-31 is 2025-02-28,
  one year from 2024-02-29 is 2025-02-28.
- "一年以上" (a year or more) is reached on the day the year ends, not the day after: a year
  from 2025-03-01 is reached on 2026-03-01. Every waiting period here counts that way.
- Age is counted in full years by the same rule, so someone born on 29 February reaches a
  birthday on 28 February in a common year.
- Working days are Monday to Friday, minus the public holidays and plus the weekend days made
  working days (调休上班) of the State Council's yearly arrangement, which is data: a
  `WorkCalendar`. An empty calendar counts plain Monday to Friday.

Every period is computed from its starting date, never by chaining shorter periods: six months
after six months from 2024-08-31 would drift to 2025-02-28 + 6 months = 2025-08-28, but twelve
months from 2024-08-31 is 2025-08-31.
"""

import calendar
import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The date `months` months after `start` (before it, when negative): the same day of the
    month, or the target month's last day when it has no such day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def add_years(start: datetime.date, years: int) -> datetime.date:
    """The date `years` years after `start`; 29 February falls on 28 February in a common year."""
    return add_months(start, 12 * years)


def full_months(start: datetime.date, on: datetime.date) -> int:
    """How many whole months have passed from `start` to `on`: the largest n with
    add_months(start, n) <= on. Negative when `on` is before `start`."""
    months = (on.year - start.year) * 12 + (on.month - start.month)
    # add_months(start, months) lands in on's month; if that day is still ahead of `on`,
    # the last month is not complete yet.
    if add_months(start, months) > on:
        months -= 1
    return months


def full_years(start: datetime.date, on: datetime.date) -> int:
    """Whole years from `start` to `on` (an age, when `start` is a birth date)."""
    # add_months is non-decreasing in its months, so whole years are whole months // 12.
    return full_months(start, on) // 12


@dataclass(frozen=True)
class WorkCalendar:
    """The yearly holiday arrangement: which weekdays are holidays and which weekend days are
    working days. `years` are the years whose arrangement is on record; outside them the
    calendar counts plain Monday to Friday, and `missing_years` says so."""

    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()  # adjusted working weekend days (调休上班)
    years: frozenset[int] = frozenset()

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def missing_years(self, first: datetime.date, last: datetime.date) -> list[int]:
        """The years from `first` to `last` whose arrangement is not on record."""
        return [year for year in range(first.year, last.year + 1) if year not in self.years]


EMPTY_CALENDAR = WorkCalendar()


def working_days_between(
    first: datetime.date, last: datetime.date, work_calendar: WorkCalendar
) -> int:
    """The working days from `first` to `last`, both included (0 when `last` is before `first`).

    Both ends count because a public notice is published for a period "from … to …" inclusive:
    a notice from Monday to Friday of an ordinary week runs five working days.
    """
    count = 0
    day = first
    while day <= last:
        if work_calendar.is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


def nth_working_day(start: datetime.date, n: int, work_calendar: WorkCalendar) -> datetime.date:
    """The day on which `n` working days counted from `start` (included) are complete.

    With n = 5 and a Monday start in an ordinary week, that is the Friday. `n` must be at least 1.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    seen = 0
    while True:
        if work_calendar.is_working_day(day):
            seen += 1
            if seen == n:
                return day
        day += ONE_DAY


def period_length(
    first: datetime.date, last: datetime.date, unit: str, work_calendar: WorkCalendar
) -> int:
    """How long a period from `first` to `last` (both included) is, in `unit`: "working_days"
    by the calendar, or "days"."""
    if unit == "working_days":
        return working_days_between(first, last, work_calendar)
    return (last - first).days + 1


def period_end(
    start: datetime.date, length: int, unit: str, work_calendar: WorkCalendar
) -> datetime.date:
    """The last day of a period of `length` `unit`s starting on `start` (included)."""
    if unit == "working_days":
        return nth_working_day(start, length, work_calendar)
    return start + datetime.timedelta(days=length - 1)
