"""The calendar table: seeding from chinesecalendar, loading a ``WorkCalendar``, editing (CAL-01)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from ganbu.core.models import CalendarDay, CalendarYear
from ganbu.core.stamps import invalidate
from ganbu.core.workdays import WorkCalendar

LIBRARY_SOURCE = "chinesecalendar"
# The library names holidays in English; an office reads them in Chinese (issue 10, bug 12).
HOLIDAY_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def holiday_zh(name: object) -> str:
    text = str(getattr(name, "value", name))
    return HOLIDAY_ZH.get(text, text)

_cache: dict[str, tuple[object, WorkCalendar]] = {}  # region → (stamp, calendar)


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
            rows.append(CalendarDay(date=day, region="", is_workday=False, name=holiday_zh(name),
                                    source=LIBRARY_SOURCE))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:
            years.add(day.year)
            rows.append(CalendarDay(date=day, region="", is_workday=True, name=f"{holiday_zh(name)}调休",
                                    source=LIBRARY_SOURCE))
    with transaction.atomic():
        edited = set(CalendarDay.objects.filter(region="").exclude(source=LIBRARY_SOURCE).values_list("date", flat=True))
        CalendarDay.objects.filter(region="", source=LIBRARY_SOURCE).delete()
        rows = [r for r in rows if r.date not in edited]
        CalendarDay.objects.bulk_create(rows)
        for year in sorted(years):
            # The library's last year may be incomplete only if it lacks the spring festival;
            # every year it lists is taken from the State Council notice.
            CalendarYear.objects.update_or_create(
                year=year, defaults={"status": CalendarYear.Status.OFFICIAL, "source": "国务院办公厅节假日安排通知"}
            )
    _cache.clear()
    invalidate()
    return len(rows)


def _stamp() -> object:
    from ganbu.core.stamps import calendar_stamp

    return calendar_stamp()


def work_calendar(region: str = "") -> WorkCalendar:
    """The calendar for a region (division-code path); local holidays of its prefixes apply.

    Cached per process and revalidated by a cheap stamp query, so two processes never disagree
    for longer than one request.
    """
    stamp = _stamp()
    hit = _cache.get(region)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    overrides: dict[date, bool] = {}
    prefixes = {region[:i] for i in range(2, len(region) + 1)} if region else set()
    for day, reg, workday in CalendarDay.objects.values_list("date", "region", "is_workday").order_by("region"):
        if reg == "" or reg in prefixes:
            overrides[day] = workday
    known = frozenset(CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list("year", flat=True))
    cal = WorkCalendar(overrides=overrides, known_years=known)
    if len(_cache) > 10000:
        _cache.clear()
    _cache[region] = (stamp, cal)
    return cal


# --- Administration (CAL-01): every change is a service with an audit row -------------------------

E_REGION = "地区代码前缀应为空（全国）或 2–12 位数字的区划代码前缀"
E_NAME = "请填写名称（如：春节、国庆节调休、三月三）"
E_NOTICE = "请填写国务院办公厅通知的文号或标题"
E_NO_DAYS = "尚未录入该年度的全国节假日，不能标为已按通知录入"
E_YEAR = "年份应在 2000–2100 之间"
E_RACE = "该日期刚被他人登记，请刷新后再试"
E_SAME_AS_WEEK = "该日按周一至周五本就是{kind}，无需登记"
PROVISIONAL_NOTE = "{year}年的国务院节假日安排尚未录入：暂按周一至周五计算工作日，据此得出的结论均标为“暂定”"


class CalendarError(ValueError):
    """Bad calendar input: one Chinese message per field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))


def _check_region(region: str) -> str:
    region = (region or "").strip()
    if region and not (region.isdigit() and 2 <= len(region) <= 12):
        raise CalendarError({"地区": E_REGION})
    return region


def _day_audit(day: CalendarDay) -> dict[str, object]:
    return {"date": day.date.isoformat(), "region": day.region, "is_workday": day.is_workday, "name": day.name,
            "source": day.source}


def calendar_day_save(*, actor: object, day: date, region: str, is_workday: bool, name: str,
                      reason: str = "") -> CalendarDay:
    """Add or change one exception to Monday–Friday, national (region "") or for a region prefix."""
    from ganbu.core.audit import audit_record

    region = _check_region(region)
    name = (name or "").strip()
    if not name:
        raise CalendarError({"名称": E_NAME})
    if is_workday == (day.weekday() < 5) and not region:
        existing = CalendarDay.objects.filter(date=day, region=region).exists()
        if not existing:
            raise CalendarError({"日期": E_SAME_AS_WEEK.format(kind="工作日" if is_workday else "休息日")})
    try:
        with transaction.atomic():
            row = CalendarDay.objects.select_for_update().filter(date=day, region=region).first()
            before = _day_audit(row) if row else None
            if row is None:
                row = CalendarDay(date=day, region=region)
            row.is_workday = is_workday
            row.name = name[:50]
            row.source = "admin"
            row.save()
            audit_record(actor=actor, action="calendar.day_save", object_type="calendar_day", object_id=row.pk,
                         org_path=region, before=before, after=_day_audit(row), reason=reason)
    except IntegrityError:  # the same date and region entered at the same moment by someone else
        raise CalendarError({"日期": E_RACE}) from None
    _cache.clear()
    invalidate()
    return row


def calendar_day_delete(*, actor: object, row: CalendarDay, reason: str = "") -> None:
    """Remove an exception: the date goes back to Monday–Friday (or to the national rule)."""
    from ganbu.core.audit import audit_record

    with transaction.atomic():
        locked = CalendarDay.objects.select_for_update().get(pk=row.pk)
        before = _day_audit(locked)
        pk = locked.pk
        locked.delete()
        audit_record(actor=actor, action="calendar.day_delete", object_type="calendar_day", object_id=pk,
                     org_path=row.region, before=before, reason=reason)
    _cache.clear()
    invalidate()


def calendar_year_mark_official(*, actor: object, year: int, notice: str) -> CalendarYear:
    """Record that a year's days follow the State Council notice: its dates stop being provisional."""
    from ganbu.core.audit import audit_record

    notice = (notice or "").strip()
    if not 2000 <= year <= 2100:
        raise CalendarError({"年份": E_YEAR})
    if not notice:
        raise CalendarError({"通知": E_NOTICE})
    if not CalendarDay.objects.filter(region="", date__year=year, is_workday=False).exists():
        raise CalendarError({"年份": E_NO_DAYS})
    with transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = {"year": year, "status": row.status, "source": row.source} if row else None
        row = row or CalendarYear(year=year)
        row.status = CalendarYear.Status.OFFICIAL
        row.source = notice[:200]
        row.save()
        audit_record(actor=actor, action="calendar.year_official", object_type="calendar_year", object_id=year,
                     before=before, after={"year": year, "status": row.status, "source": row.source})
    _cache.clear()
    invalidate()
    return row


@dataclass(frozen=True)
class DayStatus:
    """What the calendar says about one date, and whether that rests on an official notice."""

    day: date
    is_workday: bool
    provisional: bool
    name: str
    note: str


def calendar_day_status(day: date, region: str = "") -> DayStatus:
    """Is ``day`` a working day for ``region``; says so plainly when its year is not known yet."""
    cal = work_calendar(region)
    prefixes = {""} | ({region[:i] for i in range(2, len(region) + 1)} if region else set())
    names = dict(CalendarDay.objects.filter(date=day, region__in=prefixes).order_by("region")
                 .values_list("region", "name"))
    name = names[max(names, key=len)] if names else ""
    provisional = cal.is_provisional(day)
    return DayStatus(day=day, is_workday=cal.is_workday(day), provisional=provisional, name=name,
                     note=PROVISIONAL_NOTE.format(year=day.year) if provisional else "")


def calendar_unknown_years(start: date, end: date) -> list[int]:
    """Years in ``[start, end]`` with no official notice entered (their dates are provisional)."""
    known = set(CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list("year", flat=True))
    return [y for y in range(start.year, end.year + 1) if y not in known]
