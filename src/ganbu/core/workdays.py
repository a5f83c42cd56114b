"""Working-day arithmetic over the official calendar (CAL-01, CAL-02). Pure: no ORM here.

A ``WorkCalendar`` knows the exceptions to Monday–Friday (holidays, adjusted working days) for
the years it knows. A date in an unknown year falls back to Monday–Friday and is *provisional*:
callers mark any finding that rests on it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta


class CalendarError(ValueError):
    """A question the calendar cannot answer (e.g. no Nth working day in that month)."""


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()

    def is_workday(self, day: date) -> bool:
        hit = self.overrides.get(day)
        if hit is not None:
            return hit
        return day.weekday() < 5

    def is_provisional(self, day: date) -> bool:
        return day.year not in self.known_years

    def any_provisional(self, start: date, end: date) -> bool:
        return any(y not in self.known_years for y in range(start.year, end.year + 1))

    def workdays(self, start: date, end: date) -> Iterator[date]:
        """Working days in ``[start, end]``, both included."""
        day = start
        while day <= end:
            if self.is_workday(day):
                yield day
            day += timedelta(days=1)

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days lie in ``[start, end]`` (0 when end < start)."""
        return sum(1 for _ in self.workdays(start, end))

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (n ≥ 1), or before it for n ≤ -1; n = 0 is ``day``."""
        step = 1 if n > 0 else -1
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def nth_workday_of_month(self, year: int, month: int, n: int) -> date:
        """The n-th (1-based) working day of a month, e.g. the 5th for filing deadlines."""
        if n < 1:
            raise CalendarError("n 必须从 1 开始")
        day = date(year, month, 1)
        count = 0
        while day.month == month:
            if self.is_workday(day):
                count += 1
                if count == n:
                    return day
            day += timedelta(days=1)
        raise CalendarError(f"{year}年{month}月没有第{n}个工作日")

    def next_workday_on_or_after(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day
