"""The S3 tenure-target preset holds the seed's numbers (POL-02, TGT-01..10)."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.core.policy import PolicyError, policy_resolve, validate_params
from ganbu.core.presets import module_presets


@pytest.fixture
def s3():
    return validate_params("targets", module_presets()["targets"]["S3"].params)


def test_tgt_01_framework_categories_and_drafting_steps(s3):
    """TGT-01: four framework categories; drafting township → village → meeting vote → approval → sign → publish."""
    assert s3.framework_categories == ["党的建设", "经济发展", "精神文明", "社会治安综合治理"]
    keys = [step.key for step in s3.drafting_steps]
    assert keys == ["framework", "measures", "vote", "stamp", "approve", "sign", "publish"]
    approve = next(s for s in s3.drafting_steps if s.key == "approve")
    assert "是否履行民主决策程序" in approve.checks
    assert s3.measure_required == ["标准要求", "落实时限", "责任人"]


def test_tgt_02_03_06_periods(s3):
    """TGT-02, TGT-03, TGT-06: quarterly breakdown, monthly ledger, quarterly inspection, half-yearly scoring."""
    assert s3.breakdown_period == "quarter"
    assert s3.ledger_period == "month"
    assert s3.inspect_when_done_or_due is True
    assert (s3.comprehensive_inspection_months, s3.scoring_months) == (3, 6)
    assert s3.publish_supervision_phone is True


def test_tgt_05_09_rectification_one_week_and_sampling(s3):
    """TGT-05/TGT-09: supervision notice and inspection issues: one week; sampling 38 villages in 2 days."""
    assert s3.supervision_notice_days == 7
    assert s3.issue_rectification_days == 7
    assert (s3.sample_villages, s3.sample_days) == (38, 2)


def test_tgt_07_deposit_first_year_resign_second(s3):
    """TGT-07: first year talk + deposit deducted; second year asked to resign; deposit amount is open."""
    by_year = {m.year: m for m in s3.failure_measures}
    assert by_year[1].deduct_deposit and "谈话诫勉" in by_year[1].measures
    assert by_year[2].measures == ["动员其辞职"] and not by_year[2].deduct_deposit
    assert s3.deposit_amount is None


def test_tgt_10_responsibility_fund_30_to_50_percent(s3):
    """TGT-10: 30–50% of the office staff's bonus is the responsibility fund; min > max is refused."""
    assert (s3.responsibility_fund_min_pct, s3.responsibility_fund_max_pct) == (30, 50)
    with pytest.raises(PolicyError) as err:
        validate_params("targets", {"responsibility_fund_min_pct": 60, "responsibility_fund_max_pct": 50})
    assert "失察责任金比例下限不能大于上限" in str(err.value)


def test_tgt_08_decision_bodies(s3):
    """TGT-08: decisions need the villagers' meeting or the members/representatives' meeting."""
    assert s3.decision_bodies == ["村民会议", "党员、村民代表会议"]


def test_pol_02_targets_resolves_for_a_village(policies, world):
    """POL-02: the adopted S3 county version reaches a village, deposit filled with the suggested value."""
    resolved = policy_resolve("targets", world.village_a.path, date(2024, 5, 1))
    assert resolved.params.supervision_notice_days == 7
    assert resolved.params.deposit_amount == 500
    assert "荣成" in resolved.ref
