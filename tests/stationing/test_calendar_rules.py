"""Pure rules added for the workflow: term length, rotation, late reporting, handover (STN-05/06), the
obligations calendar (STN-07/08/09/12/15, MTG-03/04) and the month's allowances (STN-14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ganbu.core.policy import validate_params
from ganbu.core.presets import module_presets
from ganbu.stationing import rules
from ganbu.stationing.rules import Done, obligation_calendar


@pytest.fixture
def s4():
    params = dict(module_presets()["stationing"]["S4"].params, meal_allowance_per_day="100",
                  communication_subsidy_monthly="50")
    return validate_params("stationing", params)


def test_stn_05_term_of_at_least_two_years(s4):
    """STN-05: a term shorter than two years is refused; exactly two years (end the day before) passes."""
    start = date(2025, 3, 1)
    assert rules.stn_05_term_error(s4, start, date(2027, 2, 28)) is None
    assert "不少于2年" in rules.stn_05_term_error(s4, start, date(2027, 2, 27))


def test_stn_05_rotation_listed_three_months_ahead(s4):
    """STN-05: rotation is listed from three months before the term ends, not a day earlier."""
    end = date(2027, 2, 28)
    assert not rules.stn_05_rotation_due(s4, end, date(2026, 11, 27))
    assert rules.stn_05_rotation_due(s4, end, date(2026, 11, 28))
    assert not rules.stn_05_rotation_due(validate_params("stationing", {**s4.model_dump(), "rotation_notice_months": 1}),
                                         end, date(2026, 12, 28))


def test_stn_05_replacement_reports_within_two_days_of_written_approval(s4):
    """STN-05: day 2 after the approval is in time, day 3 is late."""
    approved = date(2026, 5, 4)
    assert not rules.stn_05_reported_late(s4, approved, date(2026, 5, 6))
    assert rules.stn_05_reported_late(s4, approved, date(2026, 5, 7))


def test_stn_06_handover_is_half_a_month_with_both_posted(s4):
    """STN-06: fifteen days from the replacement's first day; the outgoing may leave after the last."""
    start, end = rules.stn_06_handover(s4, date(2026, 5, 7))
    assert (end - start).days + 1 == 15 and end == date(2026, 5, 21)
    assert rules.stn_06_may_leave_from(s4, start) == date(2026, 5, 22)


def _cal(s4, role="first_secretary", done=(), until=date(2026, 12, 31), start=date(2026, 1, 1)):
    end = rules.stn_05_term_end(s4, start)
    return obligation_calendar(s4, role=role, term_start=start, term_end=end, done=list(done), until=until,
                               post_end=end)


def _of(items, kind):
    return [d for d in items if d.kind == kind]


def test_stn_07_quarterly_talks_and_unit_visit_by_september(s4):
    """STN-07: a talk per quarter by the township secretary; the unit leader's visit due 30 September."""
    cal = _cal(s4, done=[Done("secretary_talk", date(2026, 2, 10))])
    talks = _of(cal, "secretary_talk")
    assert [t.due for t in talks] == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]
    assert talks[0].done_on == date(2026, 2, 10) and not talks[0].overdue(date(2026, 7, 1))
    assert talks[1].overdue(date(2026, 7, 1)) and not talks[1].overdue(date(2026, 6, 30))
    visit = _of(cal, "unit_visit")[0]
    assert visit.due == date(2026, 9, 30) and visit.responsible == "dispatch_leader"
    talk = [d for d in _of(cal, "unit_talk") if d.period == rules.DISPATCH_TALK][0]
    assert talk.due == date(2026, 1, 1)


def test_stn_09_half_yearly_report_and_unit_hearing(s4):
    """STN-09 / STN-07: the cadre reports and the unit hears him every half year."""
    cal = _cal(s4)
    assert [d.due for d in _of(cal, "report_to_unit")] == [date(2026, 6, 30), date(2026, 12, 31)]
    assert [d.due for d in _of(cal, "unit_hearing")] == [date(2026, 6, 30), date(2026, 12, 31)]


def test_stn_08_county_training_of_three_days_in_the_term(s4):
    """STN-08: a two-day course does not satisfy the term's training; a three-day course does."""
    start = date(2024, 1, 1)
    short = _cal(s4, done=[Done("county_training", date(2024, 5, 1), 2)], start=start, until=date(2026, 3, 1))
    term = [d for d in _of(short, "county_training") if d.period.startswith("任期内")][0]
    assert term.done_on is None and term.overdue(date(2026, 1, 1))
    ok = _cal(s4, done=[Done("county_training", date(2024, 5, 1), 3)], start=start, until=date(2026, 3, 1))
    assert [d for d in _of(ok, "county_training") if d.period.startswith("任期内")][0].done_on == date(2024, 5, 1)


def test_stn_12_plan_research_reports_and_grades_only_for_the_first_secretary(s4):
    """STN-12: the annual plan, the half-yearly research report and grade proposals are the first secretary's."""
    fs, member = _cal(s4), _cal(s4, role="team_member")
    assert [d.due for d in _of(fs, "research_report")] == [date(2026, 6, 30), date(2026, 12, 31)]
    assert _of(fs, "annual_plan")[0].due == date(2026, 3, 31)
    assert _of(fs, "grade_proposal")[0].due == date(2026, 12, 31)
    assert not _of(member, "research_report") and not _of(member, "annual_plan") and not _of(member, "work_meeting")


def test_stn_15_safety_education_and_insurance_yearly(s4):
    """STN-15: one safety education a year; the accident insurance bought by the end of January."""
    cal = _cal(s4)
    assert [d.due for d in _of(cal, "safety_education")] == [date(2026, 12, 31)]
    assert _of(cal, "insurance")[0].due == date(2026, 1, 31)


def test_mtg_03_monthly_work_meeting_and_mtg_04_quarterly_symposium(s4):
    """MTG-03: a work meeting every month; MTG-04: the county's symposium every quarter."""
    cal = _cal(s4, done=[Done("work_meeting", date(2026, 1, 20))])
    meetings = _of(cal, "work_meeting")
    assert len(meetings) == 12 and meetings[0].done_on and meetings[1].overdue(date(2026, 3, 1))
    assert len(_of(cal, "symposium")) == 4


def test_calendar_stops_at_the_horizon_and_the_term(s4):
    """Periods after ``until`` are not listed; a term starting mid-year skips dues before it."""
    cal = obligation_calendar(s4, role="team_member", term_start=date(2026, 10, 15),
                              term_end=date(2028, 10, 14), done=[], until=date(2026, 12, 31))
    kept = obligation_calendar(s4, role="team_member", term_start=date(2024, 1, 1), term_end=date(2025, 12, 31),
                               done=[], until=date(2026, 12, 31))  # still in post after the term: still owed
    assert _of(kept, "secretary_talk")[-1].due == date(2026, 12, 31)
    assert not _of(cal, "unit_visit")  # due 30 September, before the term
    assert [d.period for d in _of(cal, "secretary_talk")] == ["2026年第4季度"]


def test_stn_14_month_itemised(s4):
    """STN-14: 20 days present × (100 × 0.5) + communication 50 + necessities; work funds 5000/12 a month."""
    line = rules.stn_14_month(s4, 20, Decimal("1800"), Decimal("300"))
    assert line.living == Decimal("1000.00") and line.communication == Decimal("50.00")
    assert line.total == Decimal("2850.00") and line.work_funds_month == Decimal("416.67")


def test_stn_14_necessities_once_up_to_two_thousand(s4):
    """STN-14: 2,000 passes, 2,000.01 is refused, a second reimbursement is refused."""
    assert rules.stn_14_necessities_error(s4, Decimal("2000"), Decimal(0)) is None
    assert "不超过" in rules.stn_14_necessities_error(s4, Decimal("2000.01"), Decimal(0))
    assert "只报销一次" in rules.stn_14_necessities_error(s4, Decimal("10"), Decimal("500"))
