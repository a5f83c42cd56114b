"""Pure 千分制 rules (KPI-01..07), no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ganbu.assessment import rules
from ganbu.assessment.policy import PRESETS, AssessmentPolicy
from ganbu.assessment.rules import Standing


def policy(**kw) -> AssessmentPolicy:
    base = {"weight_self": 0.2, "weight_public": 0.3, "weight_superior": 0.5, "reward_amount": 2000,
            "item_default_max": [300, 200, 300, 200], "case_due_days": 30, "stage_count": 2, "stage_weight": 0.4,
            "pay_standard": 20000, "budget_standard": 10000}
    return AssessmentPolicy(**{**base, **kw})


def test_kpi_01_s1_preset_carries_every_number_s1_gives():
    """KPI-01/04/05/03/06: the S1 preset holds 1000, 800, three years, top 3 / top 2, half-year, monthly."""
    s1 = PRESETS["assessment"]["S1"].params
    assert (s1["total_points"], s1["threshold_points"], s1["removal_consecutive_years"]) == (1000, 800, 3)
    assert (s1["reward_top_villages"], s1["reward_top_communities"]) == (3, 2)
    assert (s1["report_interval_months"], s1["circular_interval_months"]) == (6, 1)
    assert s1["reward_amount"] is None and s1["weight_self"] is None  # “XX元” and 三评 weights are open
    notes = PRESETS["assessment"]["S1"].notes
    assert all(k in notes for k in s1)


def test_kpi_01_template_must_sum_to_policy_total():
    p = policy()
    assert rules.template_errors(p, [("a", Decimal(600)), ("b", Decimal(400))]) == []
    errs = rules.template_errors(p, [("a", Decimal(600)), ("b", Decimal(300))])
    assert errs == [rules.ITEMS_NOT_TOTAL.format(got="900", total=1000)]
    # a locality with a different total (policy parameter, not a constant)
    assert rules.template_errors(policy(total_points=100, item_default_max=None),
                                 [("a", Decimal(60)), ("b", Decimal(40))]) == []


def test_kpi_01_score_above_max_is_refused():
    assert rules.score_error("党建", Decimal("300.5"), Decimal(300)) == "「党建」得分 300.5 超过该项满分 300 分"
    assert rules.score_error("党建", Decimal(-1), Decimal(300)) == rules.SCORE_NEGATIVE.format(name="党建")
    assert rules.score_error("党建", Decimal(300), Decimal(300)) is None


def test_kpi_02_weights_must_sum_to_one_and_items_to_total():
    with pytest.raises(ValidationError, match="之和应为 1"):
        policy(weight_self=0.5, weight_public=0.5, weight_superior=0.5)
    with pytest.raises(ValidationError, match="应等于千分制总分"):
        policy(item_default_max=[300, 300, 300, 300])


weights_st = st.tuples(st.integers(0, 100), st.integers(0, 100)).filter(lambda t: t[0] + t[1] <= 100)
score_st = st.decimals(min_value=0, max_value=1000, places=2)


@settings(max_examples=200, deadline=None)
@given(weights_st, score_st, score_st, score_st)
def test_kpi_02_three_evaluations_stay_within_parts(w, s, p, sup):
    """KPI-02: the 三评 combination is a weighted mean: between the lowest and highest part, ≤ total."""
    weights = rules.Weights(Decimal(w[0]) / 100, Decimal(w[1]) / 100, Decimal(100 - w[0] - w[1]) / 100)
    combined = rules.three_evaluations(weights, self_score=s, public_score=p, superior_score=sup)
    used = [v for wt, v in ((weights.self_, s), (weights.public, p), (weights.superior, sup)) if wt]
    assert min(used) - Decimal("0.01") <= combined <= max(used) + Decimal("0.01")
    assert 0 <= combined <= 1000


def test_kpi_02_weights_change_the_result():
    a = rules.three_evaluations(rules.Weights(Decimal("0.2"), Decimal("0.3"), Decimal("0.5")),
                                self_score=Decimal(900), public_score=Decimal(800), superior_score=Decimal(700))
    assert a == Decimal("770.00")  # 180 + 240 + 350
    b = rules.three_evaluations(rules.Weights(Decimal(0), Decimal(0), Decimal(1)),
                                self_score=None, public_score=None, superior_score=Decimal(700))
    assert b == Decimal("700.00")


def test_kpi_03_written_evaluation_rating():
    assert rules.evaluation_rating({"excellent": 10, "competent": 5, "basic": 1}) == ("excellent", Decimal("93.75"))
    assert rules.evaluation_rating({"competent": 3, "incompetent": 3})[0] == "incompetent"  # tie → lower rating
    assert rules.evaluation_rating({}) == ("", Decimal(0))


def _s(vid, year, total, rank, kind="village"):
    return Standing(village_id=vid, village_path=f"p{vid}", village_name=f"村{vid}", kind=kind, year=year,
                    total=Decimal(total), rank=rank, principal_person_id=100 + vid, principal_name=f"书记{vid}")


def _find(standings, year=2024, **kw):
    return rules.last_place_findings(policy(**kw), standings, year, decided_on=date(2025, 1, 10),
                                     policy_version_id=7, policy_ref="ref")


def test_kpi_04_last_place_and_below_800_admonishment():
    st_ = [_s(1, 2024, 900, 1), _s(2, 2024, 790, 2)]
    (f,) = _find(st_)
    assert (f.rule_id, f.measure, f.subject_person_id, f.key) == ("KPI-04", "admonishment", 102, "KPI-04:admonish:2:2024")
    assert f.due == date(2025, 2, 9) and f.policy_version_id == 7
    # 800 itself is “800分以下” (以下含本数); 800.01 is not
    assert _find([_s(1, 2024, 900, 1), _s(2, 2024, 800, 2)])
    assert _find([_s(1, 2024, 900, 1), _s(2, 2024, "800.01", 2)]) == []
    # both below 800: only the last one is named
    assert [f.facts["village"] for f in _find([_s(1, 2024, 700, 1), _s(2, 2024, 600, 2)])] == ["村2"]
    # ties at the bottom are all last
    assert len(_find([_s(1, 2024, 900, 1), _s(2, 2024, 600, 2), _s(3, 2024, 600, 2)])) == 2


def test_kpi_04_villages_and_communities_ranked_separately():
    st_ = [_s(1, 2024, 700, 1), _s(2, 2024, 600, 2), _s(3, 2024, 650, 1, "community"), _s(4, 2024, 640, 2, "community")]
    assert {f.facts["village"] for f in _find(st_)} == {"村2", "村4"}


def test_kpi_04_three_years_running_is_removal():
    hist = [_s(1, y, 900, 1) for y in (2022, 2023, 2024)] + [_s(2, y, 700, 2) for y in (2022, 2023, 2024)]
    (f,) = _find(hist)
    assert f.measure == "removal" and f.key == "KPI-04:removal:2:2024"
    assert [r["year"] for r in f.facts["years_running"]] == [2024, 2023, 2022]
    # a break in the run (2023 above 800) → admonishment only
    hist[4] = _s(2, 2023, 850, 2)
    assert [f.measure for f in _find(hist)] == ["admonishment"]
    # a locality with a two-year rule
    hist[4] = _s(2, 2023, 700, 2)
    assert _find(hist[1:], removal_consecutive_years=2)[0].measure == "removal"


def test_kpi_04_single_unit_group_is_not_last():
    assert _find([_s(1, 2024, 500, 1, "community")]) == []


def test_kpi_05_rewards_top_three_villages_and_top_two_communities():
    st_ = [_s(i, 2024, 1000 - i, i) for i in range(1, 6)]
    st_ += [_s(10 + i, 2024, 990 - i, i, "community") for i in range(1, 4)]
    rewards = rules.reward_amounts(policy(), st_, 2024)
    assert set(rewards) == {1, 2, 3, 11, 12}
    assert set(rewards.values()) == {Decimal("2000.00")}
    assert set(rules.reward_amounts(policy(reward_top_villages=1, reward_top_communities=0), st_, 2024)) == {1}


def test_kpi_07_stage_and_year_end_set_pay_and_budget():
    p = policy()
    line = rules.assessment_pay(p, stage_scores=[Decimal(800), Decimal(900)], year_total=Decimal(900))
    assert line.combined == Decimal("880.00")  # 0.4 × 850 + 0.6 × 900
    assert line.pay == Decimal("17600.00") and line.budget == Decimal("8800.00")
    assert rules.assessment_pay(p, stage_scores=[], year_total=Decimal(500)).pay == Decimal("10000.00")
    assert "0.4 × 阶段考核平均分" in rules.pay_formula(p)


@settings(max_examples=100, deadline=None)
@given(st.lists(score_st, max_size=4), score_st)
def test_kpi_07_pay_bounded_by_standard(stages, total):
    line = rules.assessment_pay(policy(), stage_scores=stages, year_total=total)
    assert 0 <= line.pay <= Decimal(20000)
    assert 0 <= line.budget <= Decimal(10000)
