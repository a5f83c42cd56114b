"""Pure subsidy rules (SUB-01, SUB-02, SUB-03, SUB-05, SUB-06) at their boundaries, plus properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ganbu.core.policy import validate_params
from ganbu.core.presets import module_presets
from ganbu.subsidies.rules import (
    DUAL_RULE_OPEN,
    Deduction,
    PostFacts,
    RuleError,
    VillageFacts,
    absence_deduction,
    apply_deductions,
    entitlement,
    minimum_checks,
    pool_shares,
    tier_amount,
)

Y = 2024  # a leap year: 366 days


def policy(**over):
    params = dict(module_presets()["subsidies"]["S3"].params)
    params.update({"dual_post_rule": "higher", **over})
    return validate_params("subsidies", params)


def post(title="village_secretary", households=150, start=date(Y, 1, 1), end=None, funded=True, **village):
    return PostFacts(title, start, end, funded, VillageFacts("东村", households, **village))


@pytest.mark.parametrize(("households", "amount"), [
    (1, 1200), (100, 1200), (101, 1500), (200, 1500), (201, 1900), (300, 1900), (301, 2200), (400, 2200),
    (401, 2500), (5000, 2500),
])
def test_sub_01_tier_boundaries_inclusive(households, amount):
    """SUB-01: 100 and under 1,200; 101–200 1,500; … 401 and over 2,500 (bounds inclusive)."""
    assert tier_amount(policy(), households) == Decimal(amount)
    assert entitlement(policy(), [post(households=households)], Y).total == Decimal(amount)


def test_sub_01_ratios_director_clerk_and_covered_posts():
    """SUB-01: director 90%, accountant 70% of the secretary; 妇女主任 only when covered; unfunded nothing."""
    p = policy()
    assert entitlement(p, [post("village_director", 401)], Y).total == Decimal("2250.00")
    assert entitlement(p, [post("village_clerk", 401)], Y).total == Decimal("1750.00")
    assert entitlement(p, [post("women_director", 401)], Y).total == Decimal("0.00")
    assert entitlement(p, [post("village_secretary", 401, funded=False)], Y).total == Decimal("0.00")
    with_women = policy(covered_titles=["village_secretary", "women_director"],
                        title_ratios={"women_director": "0.6"})
    assert entitlement(with_women, [post("women_director", 401)], Y).total == Decimal("1500.00")


def test_sub_01_weights_inland_and_weak():
    """SUB-01: inland-township and weak-village weights multiply the amount."""
    p = policy(inland_township_factor="1.1", weak_village_factor="1.2")
    assert entitlement(p, [post(households=100, inland=True)], Y).total == Decimal("1320.00")
    assert entitlement(p, [post(households=100, inland=True, weak=True)], Y).total == Decimal("1584.00")
    assert entitlement(p, [post(households=100)], Y).total == Decimal("1200.00")


def test_sub_01_partial_year_prorated_by_days():
    """SUB-01: in post 1 Jul–31 Dec 2024 = 184 of 366 days."""
    e = entitlement(policy(), [post(households=401, start=date(Y, 7, 1))], Y)
    assert e.days == 184 and e.year_days == 366
    assert e.total == Decimal("1256.83")  # 2500 × 184 / 366
    assert "184" in e.rule
    assert entitlement(policy(), [post(start=date(2020, 1, 1), end=date(Y - 1, 12, 31))], Y).total == 0


def test_sub_01_dual_post_follows_policy():
    """SUB-01 一肩挑: higher post, the sum, or the secretary's only; an open rule refuses."""
    both = [post("village_secretary", 401), post("village_director", 401)]
    assert entitlement(policy(dual_post_rule="higher"), both, Y).total == Decimal("2500.00")
    assert entitlement(policy(dual_post_rule="sum"), both, Y).total == Decimal("4750.00")
    assert entitlement(policy(dual_post_rule="secretary_only"), both, Y).total == Decimal("2500.00")
    with pytest.raises(RuleError, match=DUAL_RULE_OPEN):
        entitlement(policy(dual_post_rule=None), both, Y)
    # sequential posts are not concurrent: each paid for its own days
    seq = [post("village_director", 401, end=date(Y, 6, 30)), post("village_secretary", 401, start=date(Y, 7, 1))]
    e = entitlement(policy(dual_post_rule=None), seq, Y)
    assert e.total == Decimal("2375.68")  # (2250×182 + 2500×184) ÷ 366


def test_sub_02_reward_part_700_and_same_proportion():
    """SUB-02: 700 of the secretary's total is the reward part; director and clerk in the same proportion."""
    p = policy()
    sec = entitlement(p, [post(households=401)], Y)
    assert (sec.base, sec.reward) == (Decimal("1800.00"), Decimal("700.00"))
    director = entitlement(p, [post("village_director", 401)], Y)
    assert director.reward == Decimal("630.00") and director.base == Decimal("1620.00")
    clerk = entitlement(p, [post("village_clerk", 100)], Y)
    assert clerk.reward == Decimal("490.00") and clerk.base == Decimal("350.00")


def test_sub_03_pool_paid_by_score_to_the_fen():
    """SUB-03: the pool is paid entirely by score, exactly, and can exceed a person's own reward part."""
    r = pool_shares({1: Decimal("700"), 2: Decimal("630"), 3: Decimal("490")},
                    {1: Decimal("60"), 2: Decimal("95"), 3: Decimal("100")})
    assert sum(r.shares.values()) == Decimal("1820.00")
    assert r.shares[3] > Decimal("490") and r.shares[1] < Decimal("700")
    assert r.shares[1] < r.shares[2] < r.shares[3]
    assert "每分值" in r.formula and "1820.00" in r.formula
    thirds = pool_shares({1: Decimal("0.10"), 2: Decimal("0"), 3: Decimal("0")}, {1: 1, 2: 1, 3: 1})
    assert sorted(thirds.shares.values()) == [Decimal("0.03"), Decimal("0.03"), Decimal("0.04")]


def test_sub_03_missing_score_refused():
    """SUB-03: a covered cadre without a score cannot be paid by score."""
    with pytest.raises(RuleError, match="孙支书没有年终目标考核得分"):
        pool_shares({1: Decimal("700")}, {1: None}, {1: "孙支书"})


@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=1, max_value=3000))
def test_sub_01_more_households_never_less(a, b):
    """SUB-01 property: a bigger village never gives its secretary less."""
    lo, hi = sorted((a, b))
    p = policy()
    assert entitlement(p, [post(households=hi)], Y).total >= entitlement(p, [post(households=lo)], Y).total


@given(st.lists(st.tuples(st.decimals(min_value=0, max_value=1000, places=2),
                          st.decimals(min_value=0, max_value=100, places=2)), min_size=1, max_size=30))
def test_sub_03_pool_sums_exactly_and_higher_score_never_less(rows):
    """SUB-03 property: the shares sum to the pool to the fen; a higher score never gets less."""
    parts = {i: r[0] for i, r in enumerate(rows)}
    scores = {i: r[1] for i, r in enumerate(rows)}
    if sum(scores.values()) == 0:
        with pytest.raises(RuleError):
            pool_shares(parts, scores)
        return
    r = pool_shares(parts, scores)
    assert sum(r.shares.values()) == sum(parts.values())
    for i in scores:
        for j in scores:
            if scores[i] > scores[j]:
                assert r.shares[i] >= r.shares[j]


def test_sub_05_minimums_listed():
    """SUB-05: base ≥ 1.5 × last year's rural income; secretary ≥ 200/month, after the duty log check."""
    p = policy(base_pay_income_multiple="1.5", post_subsidy_monthly_min="200", post_subsidy_needs_duty_log=True)
    ok = minimum_checks(p, titles=["village_secretary"], base=Decimal("1800"), paid=Decimal("2400"),
                        days=366, n_days=366, rural_income=Decimal("1200"), duty_log_checked=True)
    assert ok == []
    short = minimum_checks(p, titles=["village_secretary"], base=Decimal("1799.99"), paid=Decimal("2399.99"),
                           days=366, n_days=366, rural_income=Decimal("1200"), duty_log_checked=False)
    assert [s.amount for s in short] == [Decimal("0.01"), Decimal("0.01"), Decimal("0")]
    assert "履责全程纪实日志" in short[2].text
    clerk = minimum_checks(p, titles=["village_clerk"], base=Decimal("1260"), paid=Decimal("0"), days=366,
                           n_days=366, rural_income=Decimal("1200"), duty_log_checked=False)
    assert clerk == []  # 1.5 × 1200 × 0.7 = 1260; the monthly minimum is the secretary's
    unknown = minimum_checks(p, titles=["village_secretary"], base=Decimal("1"), paid=Decimal("2400"), days=366,
                             n_days=366, rural_income=None, duty_log_checked=True)
    assert "未填写上年农村人均收入" in unknown[0].text
    assert minimum_checks(policy(base_pay_income_multiple=None, post_subsidy_monthly_min=None),
                          titles=["village_secretary"], base=Decimal("0"), paid=Decimal("0"), days=366,
                          n_days=366, rural_income=None, duty_log_checked=False) == []


def test_sub_06_deductions_itemised_never_below_zero():
    """SUB-06: absences (ATT-05) and deposits (TGT-07) come off, itemised with rule and policy version."""
    att = absence_deduction(absences=3, per_absence=Decimal("20"), policy_version_id=7, policy_ref="考勤 v1")
    assert att == Deduction("ATT-05", "全年缺勤3次×20元", Decimal("60.00"), 7, "考勤 v1")
    assert absence_deduction(absences=0, per_absence=Decimal("20"), policy_version_id=7, policy_ref="") is None
    dep = Deduction("TGT-07", "扣发保证金", Decimal("600.00"), 9, "目标 v2")
    pay = apply_deductions(Decimal("2500.00"), [att, dep])
    assert pay.net == Decimal("1840.00") and pay.deductions == [att, dep]
    over = apply_deductions(Decimal("500.00"), [dep])
    assert over.net == Decimal("0.00") and "超过应发" in over.note


def test_sub_01_03_rules_stated_in_chinese_from_the_policy():
    """SUB-01/03: the register states the computation from the policy in force, in Chinese."""
    from ganbu.subsidies.rules import rules_text

    text = rules_text(policy(dual_post_rule="sum"), "township")
    assert "1—100户1200元" in text and "401户以上2500元" in text and "村委会主任为书记的90%" in text
    assert "各职务补贴相加" in text and "本镇奖励部分" in text and "在职天数" in text
    assert "细则未选定" in rules_text(policy(dual_post_rule=None))
