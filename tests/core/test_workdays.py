"""Property tests of the pure working-day arithmetic (CAL-01, CAL-02)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ganbu.core.workdays import CalendarError, WorkCalendar

KNOWN = frozenset({2024, 2025})
days_2024_25 = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def calendars(draw) -> WorkCalendar:
    """A calendar with random holidays and adjusted working days in its known years."""
    overrides = draw(st.dictionaries(days_2024_25, st.booleans(), max_size=60))
    return WorkCalendar(overrides=overrides, known_years=KNOWN)


any_day = st.dates(min_value=date(2023, 6, 1), max_value=date(2026, 6, 30))


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), day=any_day, n=st.integers(min_value=1, max_value=60))
def test_cal_02_add_workdays_lands_on_a_workday_n_away(cal, day, n):
    """CAL-02: add_workdays(d, n) is a working day with exactly n working days in (d, result]."""
    forward = cal.add_workdays(day, n)
    assert forward > day and cal.is_workday(forward)
    assert cal.workdays_between(day + timedelta(days=1), forward) == n
    backward = cal.add_workdays(day, -n)
    assert backward < day and cal.is_workday(backward)
    assert cal.workdays_between(backward, day - timedelta(days=1)) == n
    assert cal.add_workdays(day, 0) == day


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), day=any_day, n=st.integers(min_value=1, max_value=60))
def test_cal_02_add_workdays_inverse_from_a_workday(cal, day, n):
    """CAL-02: from a working day, n forward then n back returns to it (and the other way round)."""
    start = cal.next_workday_on_or_after(day)
    assert cal.add_workdays(cal.add_workdays(start, n), -n) == start
    assert cal.add_workdays(cal.add_workdays(start, -n), n) == start


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), a=any_day, span=st.integers(0, 400), cut=st.integers(0, 400))
def test_cal_02_workdays_between_is_additive_over_split_ranges(cal, a, span, cut):
    """CAL-02: counting [a, b] equals counting [a, m] plus [m+1, b] for any split point m."""
    b = a + timedelta(days=span)
    m = a + timedelta(days=min(cut, span))
    assert cal.workdays_between(a, b) == cal.workdays_between(a, m) + cal.workdays_between(m + timedelta(days=1), b)
    assert cal.workdays_between(b + timedelta(days=1), b) == 0
    assert cal.workdays_between(a, b) == len(list(cal.workdays(a, b)))


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), year=st.sampled_from([2024, 2025]), month=st.integers(1, 12), n=st.integers(1, 23))
def test_cal_02_nth_workday_of_month(cal, year, month, n):
    """CAL-02: the n-th working day of a month is a working day in it with exactly n−1 before it."""
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    total = cal.workdays_between(first, last)
    if n > total:
        with pytest.raises(CalendarError):
            cal.nth_workday_of_month(year, month, n)
        return
    nth = cal.nth_workday_of_month(year, month, n)
    assert (nth.year, nth.month) == (year, month)
    assert cal.is_workday(nth)
    assert cal.workdays_between(first, nth - timedelta(days=1)) == n - 1


@settings(max_examples=100, deadline=None)
@given(cal=calendars(), day=st.dates(min_value=date(2026, 1, 1), max_value=date(2040, 12, 31)))
def test_cal_01_unknown_year_is_provisional_monday_to_friday(cal, day):
    """CAL-01: a date in a year with no official notice is provisional and follows Monday–Friday."""
    assert cal.is_provisional(day)
    assert cal.is_workday(day) == (day.weekday() < 5)
    assert cal.any_provisional(date(2025, 12, 1), day)


@settings(max_examples=50, deadline=None)
@given(cal=calendars(), day=days_2024_25)
def test_cal_01_known_year_is_not_provisional_and_overrides_apply(cal, day):
    """CAL-01: in a known year the override decides; without one Monday–Friday."""
    assert not cal.is_provisional(day)
    assert cal.is_workday(day) == cal.overrides.get(day, day.weekday() < 5)
