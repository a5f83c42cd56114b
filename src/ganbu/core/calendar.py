"""The calendar table: seeding from chinesecalendar, loading a ``WorkCalendar``, editing (CAL-01)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max

from ganbu.core.models import CalendarDay, CalendarYear
from ganbu.core.workdays import WorkCalendar

LIBRARY_SOURCE = "chinesecalendar"

_cache: dict[tuple[str, object], WorkCalendar] = {}


def calendar_seed_from_library() -> int:
    """Copy every holiday and adjusted working day the library knows into the table.

    Rows an administrator edited (source != library) are left alone. Returns rows written.
    """
    from chinese_calendar import constants

    years: set[int] = set()
    rows: list[CalendarDay] = []
    for day, name in constants.holidays.items():
        years.add(day.year)
        if day.weekday() < 5:  # a weekend holiday is already a day off
            rows.append(CalendarDay(date=day, region="", is_workday=False, name=str(name), source=LIBRARY_SOURCE))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:
            years.add(day.year)
            rows.append(CalendarDay(date=day, region="", is_workday=True, name=f"{name}调休", source=LIBRARY_SOURCE))
    with transaction.atomic():
        edited = set(CalendarDay.objects.filter(region="").exclude(source=LIBRARY_SOURCE).values_list("date", flat=True))
        CalendarDay.objects.filter(region="", source=LIBRARY_SOURCE).delete()
        rows = [r for r in rows if r.date not in edited]
        CalendarDay.objects.bulk_create(rows)
        for year in sorted(years):
            # The library's last year may be incomplete only if it lacks the spring festival;
            # every year it lists is taken from the State Council notice.
            CalendarYear.objects.update_or_create(
                year=year, defaults={"status": CalendarYear.Status.OFFICIAL, "source": f"{LIBRARY_SOURCE} 国务院通知"}
            )
    _cache.clear()
    return len(rows)


def _stamp() -> object:
    agg = CalendarDay.objects.aggregate(m=Max("updated_at"))
    agg2 = CalendarYear.objects.aggregate(m=Max("updated_at"), n=Max("id"))
    return (agg["m"], agg2["m"], agg2["n"], CalendarDay.objects.count())


def work_calendar(region: str = "") -> WorkCalendar:
    """The calendar for a region (division-code path); local holidays of its prefixes apply.

    Cached per process and revalidated by a cheap stamp query, so two processes never disagree
    for longer than one request.
    """
    stamp = _stamp()
    key = (region, stamp)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    overrides: dict[date, bool] = {}
    prefixes = {region[:i] for i in range(2, len(region) + 1)} if region else set()
    for day, reg, workday in CalendarDay.objects.values_list("date", "region", "is_workday").order_by("region"):
        if reg == "" or reg in prefixes:
            overrides[day] = workday
    known = frozenset(CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list("year", flat=True))
    cal = WorkCalendar(overrides=overrides, known_years=known)
    _cache.clear()
    _cache[key] = cal
    return cal
