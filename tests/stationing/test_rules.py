"""Pure rules for stationed cadres and reserves (STN-04, STN-05, STN-06, STN-14, RSV-01, RSV-02)."""

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
    PeopleMatter,
    Stint,
    TeamMember,
    Training,
    add_years,
    dry_02_findings,
    full_years,
    periods,
    rsv_01_posts_short,
    rsv_02_shortfalls,
    stn_03_village_qualifies,
    stn_04_eligibility,
    stn_05_report_deadline,
    stn_05_term_end,
    stn_06_may_leave_from,
    stn_07_talk_findings,
    stn_07_unit_visit_findings,
    stn_08_training_findings,
    stn_09_report_findings,
    stn_11_diary_flags,
    stn_13_board_contact,
    stn_14_living_allowance,
    stn_15_safety_findings,
    stn_17_assignment_refusal,
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
    """STN-05, STN-06: term at least 2 years; replacement reports within 2 days (day 2 included); leaves after 15 days."""
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


# --- STN-03, STN-07, STN-08, STN-09, STN-11, STN-13, STN-15, STN-17, DRY-02 ------------------------------------------------------------


STINT = Stint(person_id=7, org_path="330521100201", start=date(2024, 2, 15))


def test_stn_03_villages_teams_are_sent_to(s4):
    """STN-03: poverty-alleviated, key revitalisation, weak-economy and weak-party villages qualify."""
    assert stn_03_village_qualifies(s4, ["poverty_alleviated", "coastal"]) == ("poverty_alleviated",)
    assert stn_03_village_qualifies(s4, ["coastal"]) == ()


def test_stn_17_other_duties_refused(s4):
    """STN-17: seconding or borrowing a stationed cadre is refused with a message naming the negative list."""
    assert stn_17_assignment_refusal(s4, "借调") == "驻村干部全脱产驻村：不得借调（已记入负面清单）"
    assert stn_17_assignment_refusal(s4, "完成县乡交办的驻村帮扶任务") is None


def test_stn_13_board_shows_work_phone_never_private(s4):
    """STN-13: the board prints the work phone; a private number is never shown."""
    assert stn_13_board_contact(s4, "0571-1234567", "13800000001") == "0571-1234567"
    assert stn_13_board_contact(s4, "", "13800000001") == "（未设工作电话）"
    assert stn_13_board_contact(s4, "13800000001", "13800000001") == "（未设工作电话）"


@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)), days=st.integers(0, 2000),
       months=st.sampled_from([3, 6, 12]))
def test_stn_07_periods_cover_the_stint(start, days, months):
    """STN-07: the quarters/halves/years of a stint tile it, aligned to 1 January, without gaps."""
    end = start + timedelta(days=days)
    ps = periods(start, end, months)
    assert ps[0][0] <= start <= ps[0][1] and ps[-1][0] <= end <= ps[-1][1]
    assert all(p[0].month % months == 1 % months and p[0].day == 1 for p in ps)
    for a, b in zip(ps, ps[1:], strict=False):
        assert b[0] == a[1] + timedelta(days=1)


def test_stn_07_quarterly_talk_missing_is_found(s4):
    """STN-07: a quarter that ended without a talk gives one finding; quarters with a talk or not ended give none."""
    talks = [date(2024, 3, 1), date(2024, 8, 1)]
    found = stn_07_talk_findings(s4, STINT, talks, on=date(2024, 12, 1))
    assert [f.key for f in found] == ["STN-07:开展谈心谈话:7:2024-04"]
    assert found[0].title == "2024年第2季度未开展谈心谈话" and found[0].due == date(2024, 6, 30)
    assert stn_07_talk_findings(s4, STINT, talks, on=date(2024, 12, 1)) == found  # idempotent keys


def test_stn_07_unit_leader_visit_by_end_of_september(s4):
    """STN-07: the unit's principal leader visits at least once a year by the end of September."""
    found = stn_07_unit_visit_findings(s4, STINT, [date(2024, 10, 5)], on=date(2025, 10, 1))
    assert [f.key for f in found] == ["STN-07:unit_visit:7:2024", "STN-07:unit_visit:7:2025"]
    assert stn_07_unit_visit_findings(s4, STINT, [date(2024, 9, 30), date(2025, 5, 1)], on=date(2025, 10, 1)) == []


def test_stn_09_half_yearly_report_to_unit(s4):
    """STN-09: a half year without a report to the dispatch unit is found."""
    found = stn_09_report_findings(s4, STINT, [date(2024, 5, 1)], on=date(2025, 1, 10))
    assert [f.title for f in found] == ["2024年下半年未向派出单位汇报"]


def test_stn_15_yearly_safety_education(s4):
    """STN-15: each year needs one comprehensive safety education."""
    found = stn_15_safety_findings(s4, STINT, [date(2025, 3, 1)], on=date(2026, 1, 2))
    assert [f.title for f in found] == ["2024年未接受综合性安全教育"]


def test_stn_08_training_three_days_in_term(s4):
    """STN-08: yearly county coverage, and in the term at least one county-or-higher course of ≥3 days."""
    short = [Training(date(2024, 5, 1), 2, "county"), Training(date(2025, 5, 1), 1, "city")]
    found = stn_08_training_findings(s4, STINT, short, on=date(2026, 3, 1))
    assert [f.key for f in found] == ["STN-08:term:7:2024-02-15"]
    ok = [Training(date(2024, 5, 1), 3, "county"), Training(date(2025, 5, 1), 1, "township"),
          Training(date(2025, 6, 1), 1, "province")]
    assert stn_08_training_findings(s4, STINT, ok, on=date(2026, 3, 1)) == []
    gap = [Training(date(2024, 5, 1), 3, "county")]
    assert [f.title for f in stn_08_training_findings(s4, STINT, gap, on=date(2026, 3, 1))] == ["2025年未参加县级培训"]


def test_stn_11_diary_consistent_with_attendance_and_leave():
    """STN-11: a diary on a leave day and a present day without a diary are both flagged."""
    flags = stn_11_diary_flags(diary_days=[date(2025, 3, 3), date(2025, 3, 5)], leave_days=[date(2025, 3, 5)],
                               present_days=[date(2025, 3, 3), date(2025, 3, 4)])
    assert flags == [(date(2025, 3, 4), "在岗日没有工作日记"), (date(2025, 3, 5), "请假当日记有工作日记，与请销假不一致")]


def test_dry_02_report_in_two_days_opinion_in_three(s4):
    """DRY-02: report by day 2 and opinion by day 3 are in time; later is flagged, with harm an accountability case."""
    s0 = validate_params("stationing", module_presets()["stationing"]["S0"].params)
    ok = PeopleMatter(1, 7, "330521100201", date(2025, 3, 3), True, date(2025, 3, 5), date(2025, 3, 8))
    assert dry_02_findings(s0, ok, on=date(2025, 4, 1)) == []
    late = PeopleMatter(2, 7, "330521100201", date(2025, 3, 3), True, date(2025, 3, 6), None, harm=True)
    found = dry_02_findings(s0, late, on=date(2025, 3, 10))
    assert [(f.key, f.measure) for f in found] == [("DRY-02:report:2", "追究责任"), ("DRY-02:opinion:2", "追究责任")]
    pending = PeopleMatter(3, 7, "330521100201", date(2025, 3, 3), True)
    assert dry_02_findings(s0, pending, on=date(2025, 3, 5)) == []
    assert [f.measure for f in dry_02_findings(s0, pending, on=date(2025, 3, 6))] == ["提醒其上级督促"]
    assert dry_02_findings(s0, PeopleMatter(4, 7, "x", date(2025, 3, 3), False), on=date(2026, 1, 1)) == []
