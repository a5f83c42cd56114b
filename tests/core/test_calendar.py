"""The seeded calendar, its administration and its page (CAL-01, CAL-02)."""

from __future__ import annotations

import re
from datetime import date, datetime

import holidays
import pytest
from django.urls import reverse

from ganbu.core.calendar import (
    E_NAME,
    E_NO_DAYS,
    E_REGION,
    CalendarError,
    calendar_day_delete,
    calendar_day_save,
    calendar_day_status,
    calendar_unknown_years,
    calendar_year_mark_official,
    work_calendar,
)
from ganbu.core.models import AuditEntry, CalendarDay, CalendarYear
from ganbu.core.views import E_NO_NATIONAL

SUBSTITUTED = re.compile(r"substituted from (\d\d)/(\d\d)/(\d{4})")


def test_cal_01_seeded_table_matches_holidays_package_2024_2025(calendar):
    """CAL-01: every 2024–2025 holiday of holidays.China is a day off; every 调休 day it names is a workday."""
    cn = holidays.China(years=[2024, 2025])
    swapped = set()
    for day, name in cn.items():
        assert not calendar.is_workday(day), (day, name)
        for m in SUBSTITUTED.finditer(name):
            swapped.add(datetime.strptime(f"{m[3]}-{m[1]}-{m[2]}", "%Y-%m-%d").date())
    for day in swapped:
        assert day.weekday() >= 5 and calendar.is_workday(day), day
    # and the other way round: our weekday holidays and weekend workdays are exactly those
    ours_off = {d for d, w in calendar.overrides.items() if d.year in (2024, 2025) and not w}
    ours_on = {d for d, w in calendar.overrides.items() if d.year in (2024, 2025) and w}
    assert ours_off == {d for d in cn if d.weekday() < 5}
    assert ours_on == swapped


def test_cal_01_adjusted_sunday_2024_02_04_is_a_workday(calendar):
    """CAL-01: 2024-02-04 is a Sunday worked in exchange for the Spring Festival (调休)."""
    assert date(2024, 2, 4).weekday() == 6
    assert calendar.is_workday(date(2024, 2, 4))
    assert not calendar.is_workday(date(2024, 2, 12))  # Monday of the Spring Festival
    assert not calendar.is_provisional(date(2024, 2, 4))


def test_cal_02_deadline_counts_working_days_across_national_day(calendar):
    """CAL-02: the 5th working day of October 2024 skips the 1–7 October holiday and 调休 Saturday 12th."""
    assert calendar.nth_workday_of_month(2024, 10, 1) == date(2024, 10, 8)
    assert calendar.nth_workday_of_month(2024, 10, 5) == date(2024, 10, 12)
    assert calendar.add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)


def test_cal_01_regional_holiday_applies_under_its_prefix_only(world, calendar):
    """CAL-01: a region's own holiday (e.g. an autonomous region's festival) is off there, a workday elsewhere."""
    day = date(2024, 4, 11)  # a Thursday: 三月三 in Guangxi
    calendar_day_save(actor=world.users.admin, day=day, region="45", is_workday=False, name="三月三")
    assert not work_calendar("450100").is_workday(day)
    assert not work_calendar("450102001001").is_workday(day)
    assert work_calendar("330521").is_workday(day)
    assert work_calendar("").is_workday(day)
    status = calendar_day_status(day, "450100")
    assert status.name == "三月三" and not status.is_workday
    # a county's own override beats the province's for that county only
    calendar_day_save(actor=world.users.admin, day=day, region="450102", is_workday=True, name="三月三（本县照常上班）")
    assert work_calendar("450102001").is_workday(day)
    assert not work_calendar("450103").is_workday(day)


def test_cal_01_unknown_year_says_provisional(calendar):
    """CAL-01: a date in a year with no State Council notice is flagged, and computed Monday–Friday."""
    status = calendar_day_status(date(2031, 2, 3))
    assert status.provisional and status.is_workday
    assert "2031年的国务院节假日安排尚未录入" in status.note
    assert not calendar_day_status(date(2024, 2, 4)).provisional
    assert calendar_unknown_years(date(2026, 12, 1), date(2031, 1, 1)) == [2027, 2028, 2029, 2030, 2031]


def test_cal_01_admin_enters_a_new_year_and_marks_it_official(world, calendar):
    """CAL-01: days of a year the library lacks are entered, then the year is marked official with the notice."""
    admin = world.users.admin
    with pytest.raises(CalendarError) as err:
        calendar_year_mark_official(actor=admin, year=2031, notice="国办发明电〔2030〕1号")
    assert err.value.errors == {"年份": E_NO_DAYS}
    assert work_calendar().is_provisional(date(2031, 1, 1))
    calendar_day_save(actor=admin, day=date(2031, 1, 1), region="", is_workday=False, name="元旦")
    calendar_day_save(actor=admin, day=date(2031, 1, 4), region="", is_workday=True, name="元旦调休")
    calendar_year_mark_official(actor=admin, year=2031, notice="国办发明电〔2030〕1号")
    cal = work_calendar()
    assert not cal.is_provisional(date(2031, 6, 1))
    assert not cal.is_workday(date(2031, 1, 1)) and cal.is_workday(date(2031, 1, 4))
    assert CalendarYear.objects.get(year=2031).source == "国办发明电〔2030〕1号"
    actions = list(AuditEntry.objects.filter(object_type__startswith="calendar").values_list("action", flat=True))
    assert actions == ["calendar.day_save", "calendar.day_save", "calendar.year_official"]


def test_cal_01_bad_input_changes_nothing(world, calendar):
    """CAL-01: a bad region or missing name is refused in Chinese and nothing is written."""
    before = CalendarDay.objects.count()
    with pytest.raises(CalendarError) as err:
        calendar_day_save(actor=world.users.admin, day=date(2031, 5, 1), region="4a", is_workday=False, name="x")
    assert err.value.errors == {"地区": E_REGION}
    with pytest.raises(CalendarError) as err:
        calendar_day_save(actor=world.users.admin, day=date(2031, 5, 1), region="", is_workday=False, name=" ")
    assert err.value.errors == {"名称": E_NAME}
    assert CalendarDay.objects.count() == before
    assert not AuditEntry.objects.filter(object_type="calendar_day").exists()


def test_cal_01_delete_restores_monday_to_friday(world, calendar):
    """CAL-01: removing an exception puts the date back on Monday–Friday, with an audit row."""
    row = calendar_day_save(actor=world.users.admin, day=date(2031, 5, 2), region="", is_workday=False, name="劳动节")
    assert not work_calendar().is_workday(date(2031, 5, 2))
    calendar_day_delete(actor=world.users.admin, row=row, reason="录错")
    assert work_calendar().is_workday(date(2031, 5, 2))
    assert AuditEntry.objects.filter(action="calendar.day_delete", reason="录错").exists()


# --- page -----------------------------------------------------------------------------------------


def test_cal_01_page_shows_year_status_and_days(login):
    """CAL-01: the page lists each year's status and the holidays/adjusted days of the chosen year."""
    r = login("admin").get(reverse("core:calendar") + "?year=2024")
    html = r.content.decode()
    assert r.status_code == 200
    assert "2024-02-04" in html and "上班（调休）" in html
    assert "已按国务院通知录入" in html
    r = login("admin").get(reverse("core:calendar") + "?year=2030")
    assert "2030年的国务院节假日安排尚未录入" in r.content.decode()


def test_cal_01_page_county_manager_adds_regional_day_not_national(login, world):
    """CAL-01: the county org department adds a local holiday for its county, but not a national day."""
    c = login("county_org")
    r = c.post(reverse("core:calendar_day"), {"date": "2031-03-05", "region": "330521", "kind": "holiday",
                                              "name": "畲族三月三"})
    assert r.status_code == 302
    row = CalendarDay.objects.get(date=date(2031, 3, 5))
    assert row.region == "330521" and not row.is_workday
    assert not work_calendar(world.village_a.path).is_workday(date(2031, 3, 5))
    r = c.post(reverse("core:calendar_day"), {"date": "2031-03-06", "region": "", "kind": "holiday", "name": "x"})
    assert r.status_code == 400
    assert E_NO_NATIONAL in r.content.decode()
    r = c.post(reverse("core:calendar_year"), {"year": "2031", "notice": "x"})
    assert r.status_code == 400 and E_NO_NATIONAL in r.content.decode()
    assert not CalendarDay.objects.filter(date=date(2031, 3, 6)).exists()
    # edit and delete own row through the page
    r = c.get(reverse("core:calendar") + f"?year=2031&edit={row.pk}")
    assert r.status_code == 200 and "畲族三月三" in r.content.decode()
    r = c.post(reverse("core:calendar_day_delete", args=[row.pk]))
    assert r.status_code == 302 and not CalendarDay.objects.filter(pk=row.pk).exists()


def test_cal_01_page_admin_marks_year_official(login):
    """CAL-01: the national administrator enters a day and marks the year official from the page."""
    c = login("admin")
    r = c.post(reverse("core:calendar_day"), {"date": "2032-01-01", "region": "", "kind": "holiday", "name": "元旦"})
    assert r.status_code == 302
    r = c.post(reverse("core:calendar_year"), {"year": "2032", "notice": ""})
    assert r.status_code == 400 and "请填写国务院办公厅通知的文号或标题" in r.content.decode()
    r = c.post(reverse("core:calendar_year"), {"year": "2032", "notice": "国办发明电〔2031〕5号"})
    assert r.status_code == 302
    assert CalendarYear.objects.get(year=2032).status == CalendarYear.Status.OFFICIAL


def test_sec_02_calendar_outsider_refused_like_missing(login, world):
    """SEC-02: without calendar.manage the page, its forms and another region's day answer 'not found'."""
    admin_row = calendar_day_save(actor=world.users.admin, day=date(2031, 4, 1), region="45", is_workday=False,
                                  name="三月三")
    c = login("outsider")
    missing = c.post(reverse("core:calendar_day_delete", args=[999999]))
    assert c.get(reverse("core:calendar")).status_code == 404
    assert c.post(reverse("core:calendar_day"), {"date": "2031-04-02", "kind": "holiday", "name": "x"}).status_code == 404
    assert c.post(reverse("core:calendar_year"), {"year": "2031", "notice": "x"}).status_code == 404
    r = c.post(reverse("core:calendar_day_delete", args=[admin_row.pk]))
    assert r.status_code == missing.status_code == 404 and r.content == missing.content
    # a county manager cannot touch another region's day: same answer as a missing one
    c2 = login("county_org")
    r1 = c2.post(reverse("core:calendar_day_delete", args=[admin_row.pk]))
    r2 = c2.post(reverse("core:calendar_day_delete", args=[999999]))
    assert r1.status_code == r2.status_code == 404
    assert r1.content == r2.content
    assert CalendarDay.objects.filter(pk=admin_row.pk).exists()
