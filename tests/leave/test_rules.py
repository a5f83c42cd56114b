"""Pure rule tests (no database): chains, tiers, presence, deadlines, overstay."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ganbu.core.workdays import WorkCalendar
from ganbu.leave import rules
from ganbu.leave.policy import PRESETS, LeaveParams

S4 = LeaveParams.model_validate(PRESETS["leave"]["S4"].params)
S0 = LeaveParams.model_validate(PRESETS["leave"]["S0"].params)
CAL = WorkCalendar(overrides={}, known_years=frozenset({2024}))


def chain(role: str, days: str, policy: LeaveParams = S4) -> list[str]:
    return [s.role for s in rules.approval_chain(policy, rules.RequestFacts(role, Decimal(days)))]


def test_lv_01_township_cadre_asks_secretary_and_notifies_head_and_duty_leader():
    steps = rules.approval_chain(S0, rules.RequestFacts(rules.TOWNSHIP_CADRE, Decimal(2)))
    assert [(s.role, s.kind) for s in steps] == [
        ("township_secretary", "approve"), ("township_head", "notify"), ("duty_leader", "notify")]
    assert "《某镇关于加强镇村干部管理的决定》第2条" in steps[0].why and "S0" not in steps[0].why


@pytest.mark.parametrize("days,expected", [
    ("0.5", ["village_secretary", "township_secretary", "county_org"]),
    ("3", ["village_secretary", "township_secretary", "county_org"]),
    ("3.5", ["village_secretary", "township_secretary", "county_rural", "county_org"]),
    ("5", ["village_secretary", "township_secretary", "county_rural", "county_org"]),
    ("5.5", ["village_secretary", "township_secretary", "county_rural", "county_org", "county_deputy"]),
    ("30", ["village_secretary", "township_secretary", "county_rural", "county_org", "county_deputy"]),
])
def test_lv_03_chain_by_length_tiers_inclusive(days, expected):
    """LV-03: ≤3 days (3 included) → village, township, filed with org dept; >3–5 adds rural bureau and
    org dept signatures; >5 adds the county deputy secretary."""
    assert chain(rules.FIRST_SECRETARY, days) == expected


def test_lv_03_three_days_files_with_org_dept_but_four_days_needs_its_signature():
    short = rules.approval_chain(S4, rules.RequestFacts(rules.FIRST_SECRETARY, Decimal(3)))
    longer = rules.approval_chain(S4, rules.RequestFacts(rules.FIRST_SECRETARY, Decimal(4)))
    assert short[-1].kind == "file" and longer[-1].kind == "approve"
    assert "3天以内" in short[0].why


def test_lv_03_length_counts_calendar_days_with_half_days():
    fri, mon = date(2024, 3, 8), date(2024, 3, 11)
    assert rules.leave_days(fri, mon) == Decimal(4)  # the weekend counts
    assert rules.leave_days(fri, mon, start_pm=True) == Decimal("3.5")
    assert rules.leave_days(fri, mon, start_pm=True, end_am=True) == Decimal(3)
    with pytest.raises(ValueError, match=rules.END_BEFORE_START):
        rules.leave_days(mon, fri)


@given(st.integers(min_value=0, max_value=60), st.booleans(), st.booleans())
def test_lv_03_tier_is_monotonic_in_length(n, pm, am):
    """LV-03: a longer leave never needs a shorter chain; the tier boundary is inclusive."""
    start = date(2024, 1, 1)
    end = start + timedelta(days=n)
    if n == 0 and pm and am:
        return
    days = rules.leave_days(start, end, start_pm=pm, end_am=am)
    steps = chain(rules.FIRST_SECRETARY, str(days))
    longer = chain(rules.FIRST_SECRETARY, str(days + Decimal("0.5")))
    assert len(longer) >= len(steps)
    assert ("county_deputy" in steps) == (days > 5)
    assert ("county_rural" in steps) == (days > 3)


def test_lv_03_numbers_come_from_policy():
    custom = S4.model_copy(update={"stationed_tiers": [S4.stationed_tiers[0].model_copy(update={"max_days": Decimal(1)}),
                                                       *S4.stationed_tiers[1:]]})
    assert "county_rural" in chain(rules.FIRST_SECRETARY, "2", custom)
    assert "county_rural" not in chain(rules.FIRST_SECRETARY, "2")


def test_lv_04_team_member_needs_first_secretary_first():
    assert chain(rules.TEAM_MEMBER, "2")[0] == "first_secretary"
    assert "first_secretary" not in chain(rules.FIRST_SECRETARY, "2")


def test_lv_04_first_secretary_must_name_handover():
    errs = rules.request_errors(S4, applicant_role=rules.FIRST_SECRETARY, start=date(2024, 3, 4),
                                end=date(2024, 3, 5))
    assert errs["handover"] == rules.HANDOVER_REQUIRED
    ok = rules.request_errors(S4, applicant_role=rules.FIRST_SECRETARY, start=date(2024, 3, 4),
                              end=date(2024, 3, 5), has_handover=True)
    assert ok == {}
    assert rules.request_errors(S4, applicant_role=rules.TEAM_MEMBER, start=date(2024, 3, 4),
                                end=date(2024, 3, 5)) == {}


def test_lv_02_weekend_away_needs_request_only_when_leaving_county():
    assert rules.request_needed(S4, workdays=1, leaves_county=False, stationed=True)
    assert rules.request_needed(S4, workdays=0, leaves_county=True, stationed=True)
    assert not rules.request_needed(S4, workdays=0, leaves_county=False, stationed=True)


TEAM = {1: "吴第一书记", 2: "郑队员", 3: "冯队员"}


def test_lv_05_fewer_than_two_remaining_is_a_conflict_naming_dates_and_people():
    others = [rules.Away(3, date(2024, 3, 5), date(2024, 3, 6))]
    conflicts = rules.presence_conflicts(S4, team=TEAM, others_away=others,
                                         new=rules.Away(2, date(2024, 3, 4), date(2024, 3, 7)))
    assert [c.day for c in conflicts] == [date(2024, 3, 5), date(2024, 3, 6)]
    assert set(conflicts[0].away) == {"郑队员", "冯队员"} and conflicts[0].remaining == ("吴第一书记",)
    assert "2024-03-05" in conflicts[0].text() and "冯队员" in conflicts[0].text()


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 20), st.integers(0, 5)), max_size=6),
       st.integers(0, 3))
def test_lv_05_conflict_iff_fewer_than_min_remain(aways, minimum):
    policy = S4.model_copy(update={"min_in_village": minimum})
    others = [rules.Away(p, date(2024, 3, 1) + timedelta(days=s), date(2024, 3, 1) + timedelta(days=s + n))
              for p, s, n in aways]
    new = rules.Away(2, date(2024, 3, 3), date(2024, 3, 12))
    conflicts = {c.day for c in rules.presence_conflicts(policy, team=TEAM, others_away=others, new=new)}
    day = new.start
    while day <= new.end:
        away = {2} | {a.person_id for a in others if a.start <= day <= a.end and a.person_id != 2}
        assert (day in conflicts) == (minimum > 0 and 3 - len(away) < minimum)
        day += timedelta(days=1)


def test_lv_06_cancel_deadline_is_one_working_day_after_end():
    assert rules.cancel_deadline(S4, CAL, date(2024, 3, 7)) == date(2024, 3, 8)  # Thu → Fri
    assert rules.cancel_deadline(S4, CAL, date(2024, 3, 8)) == date(2024, 3, 11)  # Fri → Mon
    two = S4.model_copy(update={"cancel_within_workdays": 2})
    assert rules.cancel_deadline(two, CAL, date(2024, 3, 8)) == date(2024, 3, 12)


def _facts(returned_on):
    return rules.LeaveFacts(request_id=7, person_id=2, person_name="郑队员", org_path="330521100201",
                            start=date(2024, 3, 4), end=date(2024, 3, 7), returned_on=returned_on)


def test_lv_07_overstay_is_absenteeism_with_days_and_measure():
    found = rules.overstay_findings(S4, CAL, [_facts(date(2024, 3, 11))], today=date(2024, 3, 12))
    assert len(found) == 1
    f = found[0]
    assert f.rule_id == "LV-07" and f.key == "LV-07:leave:7"
    assert f.facts["days"] == 1 and f.facts["absent_workdays"] == ["2024-03-08"]
    assert f.measure == S4.absenteeism_measure == "circular" and "旷工" in f.title


def test_lv_07_return_on_time_is_no_finding_and_missing_return_counts_after_deadline():
    assert rules.overstay_findings(S4, CAL, [_facts(date(2024, 3, 8))], today=date(2024, 3, 12)) == []
    assert rules.overstay_findings(S4, CAL, [_facts(None)], today=date(2024, 3, 8)) == []  # within deadline
    late = rules.overstay_findings(S4, CAL, [_facts(None)], today=date(2024, 3, 11))
    assert late[0].facts["open_ended"] and late[0].facts["from"] == "2024-03-08"


def test_lv_07_unexcused_days_not_covered_by_leave():
    found = rules.unexcused_findings(S4, CAL, person_id=2, person_name="郑队员", org_path="330521100201",
                                     days_away=[date(2024, 3, 4), date(2024, 3, 5), date(2024, 4, 1)],
                                     leave_days_covered=[date(2024, 3, 5)])
    assert [(f.key, f.facts["dates"]) for f in found] == [
        ("LV-07:unexcused:2:2024-03", ["2024-03-04"]), ("LV-07:unexcused:2:2024-04", ["2024-04-01"])]


def test_lv_09_own_step_passes_to_next_authority():
    """LV-09: a township secretary's own leave skips his step and escalates (no approver left)."""
    steps = rules.approval_chain(S0, rules.RequestFacts(rules.TOWNSHIP_CADRE, Decimal(1)))
    out = rules.skip_self(S0, steps, {("township_secretary", "township")})
    assert out[0].role == "county_org" and "回避" in out[0].why
    assert "township_secretary" not in [s.role for s in out]
    # a village secretary in a team's chain is skipped; the township committee is next
    team = rules.approval_chain(S4, rules.RequestFacts(rules.TEAM_MEMBER, Decimal(2)))
    out = rules.skip_self(S4, team, {("village_secretary", "village")})
    assert [s.role for s in out] == ["first_secretary", "township_secretary", "county_org"]


ROLES = [("village_secretary", "village"), ("township_secretary", "township"), ("county_rural", "county"),
         ("county_org", "county"), ("first_secretary", "village"), ("county_deputy", "county")]


@given(st.sampled_from([rules.TEAM_MEMBER, rules.FIRST_SECRETARY, rules.TOWNSHIP_CADRE]),
       st.decimals(min_value=Decimal("0.5"), max_value=Decimal(20), places=1),
       st.sets(st.sampled_from(ROLES), max_size=3))
def test_lv_09_no_step_is_left_to_the_applicant(role, days, held):
    """LV-09: whatever roles the applicant holds, none of the remaining approving steps is his."""
    policy = S0 if role == rules.TOWNSHIP_CADRE else S4
    out = rules.skip_self(policy, rules.approval_chain(policy, rules.RequestFacts(role, days)), held)
    assert all((s.role, s.level) not in held for s in out if s.kind == "approve")


# Qingming 2024: Thu 4 – Sat 6 April off, Sunday 7 April a make-up working day (State Council notice).
QINGMING = WorkCalendar(overrides={date(2024, 4, 4): False, date(2024, 4, 5): False, date(2024, 4, 7): True},
                        known_years=frozenset({2024}))


def _leave(start, end, returned_on):
    return rules.LeaveFacts(request_id=9, person_id=3, person_name="冯队员", org_path="330521100201",
                            start=start, end=end, returned_on=returned_on)


def test_lv_07_att_06_friday_leave_back_on_monday_is_no_overstay():
    """A leave ending Friday, 销假 on Monday (the first working day after the weekend): no absenteeism."""
    friday, monday = date(2024, 3, 8), date(2024, 3, 11)
    assert rules.overstay_findings(S4, CAL, [_leave(date(2024, 3, 6), friday, monday)], today=monday) == []
    # back on Tuesday instead: one working day (Monday), never the Saturday or the Sunday
    [f] = rules.overstay_findings(S4, CAL, [_leave(date(2024, 3, 6), friday, monday + timedelta(days=1))],
                                  today=monday + timedelta(days=1))
    assert f.facts["days"] == 1 and f.facts["absent_workdays"] == ["2024-03-11"]
    assert f.facts["from"] == f.facts["to"] == "2024-03-11" and "1个工作日" in f.title


def test_lv_07_att_06_holiday_after_the_leave_is_not_counted():
    """Leave to Wed 3 April 2024, back on Sun 7 April (make-up working day) after Qingming: no overstay;
    back on Mon 8 April: one working day (the Sunday), not the holiday days."""
    end = date(2024, 4, 3)
    assert rules.overstay_findings(S4, QINGMING, [_leave(date(2024, 4, 1), end, date(2024, 4, 7))],
                                   today=date(2024, 4, 8)) == []
    [f] = rules.overstay_findings(S4, QINGMING, [_leave(date(2024, 4, 1), end, date(2024, 4, 8))],
                                  today=date(2024, 4, 8))
    assert f.facts["absent_workdays"] == ["2024-04-07"] and f.facts["days"] == 1


def test_lv_07_open_overstay_counts_working_days_to_yesterday_and_grows():
    """No 销假: the finding (same key) counts working days up to yesterday, growing night by night."""
    leave = _leave(date(2024, 3, 4), date(2024, 3, 7), None)  # ends Thu, deadline Fri
    [fri] = rules.overstay_findings(S4, CAL, [leave], today=date(2024, 3, 11))  # Mon night run: Fri counted
    [tue] = rules.overstay_findings(S4, CAL, [leave], today=date(2024, 3, 13))
    assert fri.key == tue.key
    assert fri.facts["days"] == 1 and fri.facts["absent_workdays"] == ["2024-03-08"]
    assert tue.facts["absent_workdays"] == ["2024-03-08", "2024-03-11", "2024-03-12"] and tue.facts["open_ended"]


def test_lv_07_unexcused_weekend_away_is_not_absenteeism():
    found = rules.unexcused_findings(S4, CAL, person_id=1, person_name="郑队员", org_path="330521100201",
                                     days_away=[date(2024, 3, 8), date(2024, 3, 9), date(2024, 3, 10)],
                                     leave_days_covered=[])
    assert [f.facts["dates"] for f in found] == [["2024-03-08"]]
    assert rules.unexcused_findings(S4, CAL, person_id=1, person_name="郑队员", org_path="330521100201",
                                    days_away=[date(2024, 3, 9)], leave_days_covered=[]) == []
