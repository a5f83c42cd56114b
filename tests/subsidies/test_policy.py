"""The S3/S1 subsidy presets hold the seeds' numbers (POL-02, SUB-01..05)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ganbu.core.policy import PolicyError, open_fields, policy_resolve, validate_params
from ganbu.core.presets import module_presets


@pytest.fixture
def s3():
    return validate_params("subsidies", module_presets()["subsidies"]["S3"].params)


def _tier_amount(params, households: int) -> Decimal:
    for tier in params.household_tiers:
        if tier.max_households is None or households <= tier.max_households:
            return tier.amount
    raise AssertionError("no tier")


def test_sub_01_five_tiers_inclusive_bounds(s3):
    """SUB-01: ≤100 1200, 101–200 1500, 201–300 1900, 301–400 2200, ≥401 2500 (bounds inclusive)."""
    assert [(t.max_households, t.amount) for t in s3.household_tiers] == [
        (100, Decimal("1200")), (200, Decimal("1500")), (300, Decimal("1900")), (400, Decimal("2200")),
        (None, Decimal("2500")),
    ]
    assert [_tier_amount(s3, h) for h in (100, 101, 200, 201, 300, 301, 400, 401)] == [
        Decimal(x) for x in ("1200", "1500", "1500", "1900", "1900", "2200", "2200", "2500")]


def test_sub_01_ratios_and_dual_post_open(s3):
    """SUB-01: director 90 %, accountant 70 %; the 一肩挑 rule is an open parameter."""
    assert s3.title_ratios == {"village_director": Decimal("0.9"), "village_clerk": Decimal("0.7")}
    assert s3.covered_titles == ["village_secretary", "village_director", "village_clerk"]
    assert s3.dual_post_rule is None
    assert any("dual_post_rule" in f for f in open_fields("subsidies", s3))


def test_sub_02_03_reward_part_and_pool(s3):
    """SUB-02, SUB-03: 700 yuan reward part, proportional for others, pooled and paid by score."""
    assert s3.reward_part_secretary == Decimal("700")
    assert s3.reward_part_proportional and s3.pool_by_score
    assert s3.pool_scope == "county"


def test_sub_04_approval_before_payment(s3):
    """SUB-04: township proposes, org department and finance approve, register, notice, bank card."""
    assert s3.approval_chain[0] == "镇提出初步意见"
    assert s3.approval_chain[-1] == "发放银行工资卡"
    assert s3.notice_before_payment is True


def test_sub_05_s1_base_pay_and_post_subsidy():
    """SUB-05: S1 sets 1.5× last year's rural income and ≥200 yuan a month; S3 leaves both unset."""
    s1 = module_presets()["subsidies"]["S1"].params
    assert Decimal(s1["base_pay_income_multiple"]) == Decimal("1.5")
    assert Decimal(s1["post_subsidy_monthly_min"]) == Decimal("200")
    s3 = module_presets()["subsidies"]["S3"].params
    assert s3["base_pay_income_multiple"] is None


def test_sub_01_tiers_must_ascend():
    """SUB-01: a tier table whose bounds do not ascend is refused in Chinese."""
    bad = [{"max_households": 200, "amount": "1500"}, {"max_households": 100, "amount": "1200"},
           {"max_households": None, "amount": "2500"}]
    with pytest.raises(PolicyError) as err:
        validate_params("subsidies", {"household_tiers": bad})
    assert "补贴档次的户数上限须逐档递增" in str(err.value)


def test_sub_05_township_s1_over_county_s3(policies, world):
    """SUB-05 / POL-01: in a township with S1 adopted the S1 numbers override S3's unset ones."""
    resolved = policy_resolve("subsidies", world.village_a.path, date(2024, 6, 1))
    assert resolved.params.post_subsidy_monthly_min == Decimal("200")
    assert resolved.params.reward_part_secretary == Decimal("700")
    assert resolved.params.dual_post_rule == "higher"
