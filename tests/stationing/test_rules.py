"""Pure rules for stationed cadres and reserves (STN-04/05/06/14, RSV-01/02)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ganbu.core.policy import validate_params
from ganbu.core.presets import module_presets
from ganbu.stationing.rules import (
    E_MEAL_OPEN,
    E_NOT_FULL_MEMBER,
    Candidate,
    TeamMember,
    add_years,
    full_years,
    rsv_01_posts_short,
    rsv_02_shortfalls,
    stn_04_eligibility,
    stn_05_report_deadline,
    stn_05_term_end,
    stn_06_may_leave_from,
    stn_14_living_allowance,
)

ON = date(2025, 6, 1)


@pytest.fixture
def s4():
    params = dict(module_presets()["stationing"]["S4"].params, meal_allowance_per_day="100",
                  communication_subsidy_monthly="50")
    return validate_params("stationing", params)


@pytest.fixture
def s1():
    return validate_params("reserves", module_presets()["reserves"]["S1"].params)


def _fs(**kw) -> Candidate:
    base = {"role": "first_secretary", "staff_status": "established", "party_member": True,
            "party_full_date": date(2020, 1, 1), "work_start_date": date(2015, 7, 1)}
    return Candidate(**{**base, **kw})


def test_stn_04_eligible_first_secretary(s4):
    """STN-04: an established full member with ≥1 year standing and ≥2 years' work is eligible."""
    assert stn_04_eligibility(s4, _fs(), ON).eligible


def test_stn_04_party_standing_counts_from_full_member_date_inclusive(s4):
    """STN-04: one year of party standing exactly on the anniversary of the full-member date is enough."""
    assert stn_04_eligibility(s4, _fs(party_full_date=date(2024, 6, 1)), ON).eligible
    refused = stn_04_eligibility(s4, _fs(party_full_date=date(2024, 6, 2)), ON)
    assert not refused.eligible
    assert refused.reasons == ("党龄不足1年：2024-06-02 转正，2025-06-02 方满1年",)


def test_stn_04_refusal_lists_every_reason(s4):
    """STN-04: a temporary worker who is not a party member and just started work is refused with all reasons."""
    c = _fs(staff_status="temporary", party_member=False, party_full_date=None, work_start_date=date(2024, 1, 1))
    result = stn_04_eligibility(s4, c, ON)
    assert not result.eligible
    assert result.reasons == (
        "编制状态为「临聘」：须为在编在岗干部职工（不含工勤人员、临聘人员、借用人员）",
        E_NOT_FULL_MEMBER,
        "工作经历不足2年：2024-01-01 参加工作，2026-01-01 方满2年",
    )


@pytest.mark.parametrize("status", ["worker", "temporary", "seconded"])
def test_stn_04_team_member_excluded_statuses(s4, status):
    """STN-04: 工勤, 临聘 and 借用 staff are never sent, team members included; party membership only preferred."""
    member = Candidate(role="team_member", staff_status=status, party_member=True, party_full_date=None,
                       work_start_date=None)
    assert not stn_04_eligibility(s4, member, ON).eligible
    ok = Candidate(role="team_member", staff_status="established", party_member=True, party_full_date=None,
                   work_start_date=None, rural_experience=True)
    result = stn_04_eligibility(s4, ok, ON)
    assert result.eligible and "中共党员（优先选派）" in result.preferred


@given(full=st.dates(date(2015, 1, 1), date(2025, 12, 31)), on=st.dates(date(2020, 1, 1), date(2027, 12, 31)))
def test_stn_04_party_years_threshold_property(full, on):
    """STN-04: refused for party standing exactly when fewer than N full years lie between full date and the day."""
    policy = validate_params("stationing", {"first_secretary_min_party_years": 1})
    result = stn_04_eligibility(policy, _fs(party_full_date=full), on)
    short = any(r.startswith("党龄不足") for r in result.reasons)
    assert short == (on < add_years(full, 1))


@given(start=st.dates(date(1950, 1, 1), date(2030, 12, 31)), days=st.integers(0, 40000))
def test_full_years_matches_anniversaries(start, days):
    """Completed years: n full years have passed exactly from the n-th anniversary on."""
    on = start + timedelta(days=days)
    n = full_years(start, on)
    assert add_years(start, n) <= on < add_years(start, n + 1)


def test_stn_05_06_term_report_and_handover_dates(s4):
    """STN-05/06: term at least 2 years; replacement reports within 2 days (day 2 included); leaves after 15 days."""
    assert stn_05_term_end(s4, date(2024, 3, 1)) == date(2026, 2, 28)
    assert stn_05_report_deadline(s4, date(2025, 4, 10)) == date(2025, 4, 12)
    assert stn_06_may_leave_from(s4, date(2025, 4, 10)) == date(2025, 4, 25)


def test_stn_14_living_allowance_half_meal_standard(s4):
    """STN-14: 22 working days in the village at half a 100-yuan meal standard is 1,100.00 yuan."""
    assert stn_14_living_allowance(s4, 22) == Decimal("1100.00")
    open_policy = validate_params("stationing", {})
    with pytest.raises(ValueError, match=E_MEAL_OPEN):
        stn_14_living_allowance(open_policy, 1)


def test_rsv_02_shortfalls_with_inclusive_ages(s1):
    """RSV-02: ≥2 aged 45 or under (45 counts), ≥1 aged 35 or under, ≥1 woman among reserves."""
    on = date(2025, 1, 1)
    team = [TeamMember(date(1979, 12, 31), "M"),  # 45 on the day: counts
            TeamMember(date(1989, 6, 1), "M"),  # 35
            TeamMember(date(1960, 1, 1), "M"),
            TeamMember(date(1995, 1, 1), "F", reserve=True)]
    assert rsv_02_shortfalls(s1, team, on) == []
    older = [TeamMember(date(1979, 1, 1), "M"), TeamMember(date(1960, 1, 1), "M"),
             TeamMember(date(1990, 1, 1), "M", reserve=True)]
    assert rsv_02_shortfalls(s1, older, on) == [
        "班子中45岁以下干部0名，不足2名", "班子中35岁以下干部0名，不足1名", "女后备干部0名，不足1名"]


def test_rsv_01_one_reserve_per_post(s1):
    """RSV-01: every post needs one reserve (一职一备); posts without one are listed."""
    assert rsv_01_posts_short(s1, {"village_secretary": 1, "village_director": 0, "village_clerk": 0}) == {
        "village_director": 1, "village_clerk": 1}
