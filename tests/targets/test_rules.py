"""Pure rules for tenure-target commitments (TGT-01, TGT-05, TGT-06, TGT-07, TGT-09, TGT-10)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ganbu.core.policy import validate_params
from ganbu.core.presets import module_presets
from ganbu.targets.rules import (
    LedgerTask,
    Measure,
    tgt_01_measure_errors,
    tgt_03_due_for_inspection,
    tgt_03_ledger,
    tgt_04_confirm_errors,
    tgt_05_notice_due,
    tgt_06_periods,
    tgt_07_findings,
    tgt_07_measure_for,
    tgt_09_issue_due,
    tgt_10_fund,
)


@pytest.fixture
def s3():
    return validate_params("targets", dict(module_presets()["targets"]["S3"].params, deposit_amount=600))


def test_tgt_05_09_one_week_deadlines(s3):
    """TGT-05/TGT-09: a notice or issue found on 2025-09-10 must be rectified by 2025-09-17 (7 days, inclusive)."""
    assert tgt_05_notice_due(s3, date(2025, 9, 10)) == date(2025, 9, 17)
    assert tgt_09_issue_due(s3, date(2025, 9, 10)) == date(2025, 9, 17)
    shorter = validate_params("targets", {"issue_rectification_days": 3})
    assert tgt_09_issue_due(shorter, date(2025, 9, 10)) == date(2025, 9, 13)


@given(year=st.integers(2000, 2100), months=st.sampled_from([1, 2, 3, 4, 6, 12]))
def test_tgt_06_periods_tile_the_year(year, months):
    """TGT-06: quarterly/half-yearly periods cover the year without gaps or overlaps."""
    periods = tgt_06_periods(validate_params("targets", {}), year, months)
    assert len(periods) == 12 // months
    assert periods[0][0] == date(year, 1, 1) and periods[-1][1] == date(year, 12, 31)
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        assert start == end + timedelta(days=1)


def test_tgt_06_quarters_and_halves(s3):
    """TGT-06: S3 inspects each quarter and scores each half year."""
    assert tgt_06_periods(s3, 2025, s3.comprehensive_inspection_months)[1] == (date(2025, 4, 1), date(2025, 6, 30))
    assert tgt_06_periods(s3, 2025, s3.scoring_months) == [(date(2025, 1, 1), date(2025, 6, 30)),
                                                           (date(2025, 7, 1), date(2025, 12, 31))]


def test_tgt_01_measure_needs_standard_deadline_responsible(s3):
    """TGT-01: each measure names a standard, a deadline and a responsible person within the framework."""
    ok = Measure("经济发展", "新修生产路2公里", "硬化宽4米", date(2025, 10, 31), "孙支书")
    assert tgt_01_measure_errors(s3, ok) == []
    bad = Measure("招商引资", "引进企业", " ", None, "")
    assert tgt_01_measure_errors(s3, bad) == [
        "目标类别「招商引资」不在框架内（党的建设、经济发展、精神文明、社会治安综合治理）",
        "措施缺少：标准要求、落实时限、责任人"]


def test_tgt_07_first_year_deposit_second_year_resign(s3):
    """TGT-07: first failure → talk and the deposit; second failure in the term → asked to resign."""
    assert tgt_07_measure_for(s3, 0) is None
    assert tgt_07_measure_for(s3, 1).deduct_deposit
    assert tgt_07_measure_for(s3, 2).measures == ["动员其辞职"]
    assert tgt_07_measure_for(s3, 3).measures == ["动员其辞职"]
    findings = tgt_07_findings(s3, person_id=5, org_path="330521100201", term="2024-2026", failed_years=[2025, 2024],
                               policy_version_id=9, policy_ref="县细则 v1")
    assert [f.key for f in findings] == ["TGT-07:5:2024-2026:2024", "TGT-07:5:2024-2026:2025"]
    assert findings[0].facts["measures"] == ["谈话诫勉", "扣发相应保证金"] and findings[0].measure == "admonishment"
    assert findings[0].facts["deposit_deduction"] == 600
    assert findings[1].facts["measures"] == ["动员其辞职"] and findings[1].measure == "other"
    assert findings[1].facts["deposit_deduction"] is None
    assert all(f.policy_version_id == 9 and f.rule_id == "TGT-07" for f in findings)


def test_tgt_10_fund_between_30_and_50_percent(s3):
    """TGT-10: the fund is 30–50 % of the bonus; outside the range is refused."""
    assert tgt_10_fund(s3, Decimal("10000")) == Decimal("3000.00")
    assert tgt_10_fund(s3, Decimal("10000"), 50) == Decimal("5000.00")
    with pytest.raises(ValueError, match="30%–50%"):
        tgt_10_fund(s3, Decimal("10000"), 60)


TASKS = [
    LedgerTask(1, "经济发展", "修路", date(2025, 5, 20), "孙支书", done_on=date(2025, 5, 18)),
    LedgerTask(2, "党的建设", "主题党日", date(2025, 5, 10), "周文书"),
    LedgerTask(3, "经济发展", "合作社分红", date(2025, 6, 30), "孙支书", major=True),
    LedgerTask(4, "精神文明", "评选", date(2025, 5, 31), "周文书", inspected_on=date(2025, 5, 31),
               done_on=date(2025, 5, 30)),
]


def test_tgt_03_monthly_ledger_by_category(s3):
    """TGT-03: the May ledger lists May's tasks by category with deadline and responsible person."""
    ledger = tgt_03_ledger(TASKS, 2025, 5)
    assert {k: [t.id for t in v] for k, v in ledger.items()} == {"党的建设": [2], "经济发展": [1], "精神文明": [4]}


def test_tgt_03_done_or_overdue_tasks_await_inspection(s3):
    """TGT-03: a task is inspected when done or when its deadline passes (一事一毕一考), once."""
    assert [t.id for t in tgt_03_due_for_inspection(s3, TASKS, date(2025, 5, 15))] == [1, 2]
    assert [t.id for t in tgt_03_due_for_inspection(s3, TASKS, date(2025, 5, 10))] == [1]


def test_tgt_04_major_task_needs_survey_and_collective_confirmation(s3):
    """TGT-04: a major task's result waits for the members' and representatives' survey and a collective decision."""
    major = TASKS[2]
    assert tgt_04_confirm_errors(s3, major, collective=False) == ["重大事项须先组织党员和村民代表满意度测评",
                                                                  "须经考核办集体研究确认"]
    surveyed = LedgerTask(3, "经济发展", "合作社分红", date(2025, 6, 30), "孙支书", major=True, surveyed=True)
    assert tgt_04_confirm_errors(s3, surveyed, collective=True) == []
    assert tgt_04_confirm_errors(s3, TASKS[0], collective=True) == []
