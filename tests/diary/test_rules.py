"""Pure diary rules at their boundaries (DRY-01, DRY-02, STN-01, STN-02)."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.core.presets import module_presets
from ganbu.diary import rules
from ganbu.diary.policy import DiaryParams

MET = date(2025, 3, 3)


@pytest.fixture
def s0() -> DiaryParams:
    params = dict(module_presets()["diary"]["S0"].params, special_posts=["党政办值班"])
    return DiaryParams.model_validate(params)


def facts(**kw):
    base = dict(id=1, author_id=7, answerer_id=8, org_path="330521100201", met_on=MET, needs_report=True)
    return rules.MatterFacts(**{**base, **kw})


def test_dry_01_future_date_refused_today_accepted():
    assert rules.dry_01_date_error(date(2025, 3, 4), today=MET) == "发生日期：不能晚于今天（2025-03-03），民情日记只记已经发生的事"
    assert rules.dry_01_date_error(MET, today=MET) is None


def test_dry_02_only_major_or_beyond_must_be_reported():
    assert rules.dry_02_needs_report(True, False) and rules.dry_02_needs_report(False, True)
    assert not rules.dry_02_needs_report(False, False)
    assert rules.dry_02_clocks(DiaryParams(), facts(needs_report=False), date(2026, 1, 1)) == []


def test_dry_02_report_on_day_2_in_time_day_3_late(s0):
    on_time = rules.dry_02_clocks(s0, facts(reported_on=date(2025, 3, 5)), date(2025, 3, 20))[0]
    assert (on_time.kind, on_time.state, on_time.due) == ("report", "in_time", date(2025, 3, 5))
    late = rules.dry_02_clocks(s0, facts(reported_on=date(2025, 3, 6)), date(2025, 3, 20))[0]
    assert (late.state, late.days, late.person_id) == ("late", 1, 7)
    # not reported yet: waiting on day 2, overdue on day 3
    assert rules.dry_02_clocks(s0, facts(), date(2025, 3, 5))[0].state == "waiting"
    assert rules.dry_02_clocks(s0, facts(), date(2025, 3, 6))[0].state == "overdue"


def test_dry_02_opinion_on_day_3_in_time_day_4_late(s0):
    reported = dict(reported_on=MET)
    ok = rules.dry_02_clocks(s0, facts(**reported, answered_on=date(2025, 3, 6)), date(2025, 3, 20))[1]
    assert (ok.kind, ok.state) == ("opinion", "in_time")
    late = rules.dry_02_clocks(s0, facts(**reported, answered_on=date(2025, 3, 7)), date(2025, 3, 20))[1]
    assert (late.state, late.days, late.person_id) == ("late", 1, 8)


def test_dry_02_answer_before_report_refused():
    assert rules.dry_02_answer_error(reported_on=None, answered_on=None) == rules.E_ANSWER_BEFORE_REPORT
    assert rules.dry_02_answer_error(reported_on=MET, answered_on=None) is None


def test_dry_02_report_checks():
    kw = dict(needs_report=True, met_on=MET, reported_on=None, today=date(2025, 3, 4))
    assert rules.dry_02_report_error(**kw, report_on=date(2025, 3, 5)).startswith("报告日期：不能晚于今天")
    assert rules.dry_02_report_error(**kw, report_on=date(2025, 3, 2)).startswith("报告日期：不能早于")
    assert rules.dry_02_report_error(**kw, report_on=MET) is None
    assert rules.dry_02_report_error(**{**kw, "needs_report": False}, report_on=MET) == rules.E_NO_REPORT_NEEDED


def test_dry_02_harm_opens_cases_only_against_whoever_was_late(s0):
    both_late = facts(reported_on=date(2025, 3, 6), answered_on=date(2025, 3, 10), harm=True)
    found = rules.dry_02_findings(s0, both_late, date(2025, 3, 20))
    assert [(f.key, f.subject_person_id) for f in found] == [("DRY-02:report:1", 7), ("DRY-02:opinion:1", 8)]
    only_answer = facts(reported_on=date(2025, 3, 5), answered_on=date(2025, 3, 9), harm=True)
    assert [f.subject_person_id for f in rules.dry_02_findings(s0, only_answer, date(2025, 3, 20))] == [8]
    assert rules.dry_02_findings(s0, facts(reported_on=date(2025, 3, 6)), date(2025, 3, 20)) == []  # no harm: no case


def test_dry_02_days_are_policy(s0):
    slower = s0.model_copy(update={"report_days": 5})
    assert rules.dry_02_clocks(slower, facts(reported_on=date(2025, 3, 8)), date(2025, 4, 1))[0].state == "in_time"


def test_stn_01_gaps_and_special_posts(s0):
    cadres = [rules.CadreStation(1, "township_cadre", 10), rules.CadreStation(2, "township_cadre", None, "党政办值班"),
              rules.CadreStation(3, "township_cadre", None), rules.CadreStation(4, "township_secretary", None)]
    villages, idle = rules.stn_01_gaps(s0, [10, 11], cadres)
    assert villages == [11] and idle == [3]  # the secretary is not among the stationed titles
    assert rules.stn_01_assignment_error(s0, "township_cadre", "食堂") == "特殊岗位：「食堂」不在细则列出的特殊岗位中"
    assert rules.stn_01_assignment_error(s0, "township_secretary", "") == rules.E_TITLE
    assert rules.stn_01_assignment_error(s0, "township_cadre", "党政办值班") is None


def test_stn_02_contacts_two_to_four(s0):
    assert rules.stn_02_contact_error(s0, 3, True, False) is None
    assert rules.stn_02_contact_error(s0, 4, True, False) == "联系户：已联系 4 户，达到上限 4 户"
    assert rules.stn_02_contact_error(s0, 0, False, False) == rules.E_CONTACT_KIND
    cov = rules.stn_02_coverage(s0, households=10, visited=10, meetings=1, contacts=1)
    assert cov.shortfalls == ("联系户 1 户，少于2户",)
    assert not rules.stn_02_coverage(s0, households=10, visited=10, meetings=1, contacts=2).short


def test_stn_02_every_household_each_quarter_from_the_tree_count(s0):
    cov = rules.stn_02_coverage(s0, households=180, visited=179, meetings=1, contacts=2)
    assert cov.pct == rules.Decimal("99.4") and cov.short
    assert not rules.stn_02_coverage(s0, households=180, visited=180, meetings=1, contacts=2).short
    no_meeting = rules.stn_02_coverage(s0, households=180, visited=180, meetings=0, contacts=2)
    assert no_meeting.shortfalls == ("户主会 0 次，少于1次",)
    assert rules.stn_02_coverage(s0, households=None, visited=3, meetings=1, contacts=2).short


def test_stn_02_quarters(s0):
    assert rules.period_of(s0, date(2025, 3, 31)) == (date(2025, 1, 1), date(2025, 3, 31))
    assert rules.period_of(s0, date(2025, 4, 1)) == (date(2025, 4, 1), date(2025, 6, 30))
    assert rules.period_label(s0, date(2025, 10, 1)) == "2025年第4季度"


def test_stn_02_visit_outside_village_refused():
    assert rules.stn_02_visit_error(10, 11, "张三户", "东村") == "走访农户：张三户不在您驻村的东村，不能记入本人的走访"
    assert rules.stn_02_visit_error(10, 10, "张三户", "东村") is None
    assert rules.stn_02_visit_error(None, 10, "张三户", "") == rules.E_NOT_STATIONED
