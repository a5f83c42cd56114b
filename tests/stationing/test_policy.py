"""The S4/S0 stationing presets and the S1 reserves preset hold the seeds' numbers (POL-02)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ganbu.core.policy import PolicyError, open_fields, policy_resolve, validate_params
from ganbu.core.presets import module_presets


@pytest.fixture
def s4():
    return validate_params("stationing", module_presets()["stationing"]["S4"].params)


def test_stn_04_eligibility_numbers(s4):
    """STN-04: established staff only; first secretary a full member, ≥1 year party standing, ≥2 years' work."""
    assert s4.allowed_staff_statuses == ["established"]
    assert s4.first_secretary_full_member is True
    assert (s4.first_secretary_min_party_years, s4.first_secretary_min_work_years) == (1, 2)
    assert s4.team_member_party_preferred is True


def test_stn_05_06_term_replacement_handover(s4):
    """STN-05, STN-06: term ≥2 years, replacement reports within 2 days, half-month (15-day) handover."""
    assert s4.term_min_years == 2
    assert s4.replacement_report_days == 2
    assert s4.handover_days == 15
    assert s4.adjustment_reasons == ["任职期满", "身体原因", "家庭原因", "跨县调动"]


def test_stn_07_08_09_talks_training_reports(s4):
    """STN-07, STN-08, STN-09: quarterly talks, half-yearly unit hearing, yearly visit by September, training ≥3 days."""
    assert s4.secretary_talk_months == 3
    assert s4.unit_hears_report_months == 6
    assert (s4.unit_leader_visits_per_year, s4.unit_leader_report_by_month) == (1, 9)
    assert (s4.county_training_min_times_per_term, s4.county_training_min_days) == (1, 3)
    assert s4.report_to_unit_months == 6
    assert s4.immediate_incidents == ["负伤去世", "负面舆情", "违纪违法"]


def test_stn_14_allowances_and_open_meal_standard(s4):
    """STN-14: living allowance = half the meal standard (open), necessities 2000, work funds ≥5000."""
    assert s4.living_allowance_ratio == Decimal("0.5")
    assert s4.necessities_cap == Decimal("2000")
    assert s4.work_funds_min_per_year == Decimal("5000")
    assert s4.meal_allowance_per_day is None
    assert "差旅费伙食补助费标准（元/天）（meal_allowance_per_day）" in open_fields("stationing", s4)


def test_stn_10_11_12_negative_list_diary_plan(s4):
    """STN-10, STN-11, STN-12: negative list flow, daily diary consistent with attendance, plan topics."""
    assert s4.negative_list_flow[0].startswith("乡镇党委建立负面清单")
    assert s4.diary_daily and s4.diary_matches_attendance
    assert s4.plan_topics == ["教育", "医疗", "产业发展"]
    assert s4.research_report_months == 6


def test_stn_01_02_s0_township_preset():
    """STN-01, STN-02: S0 stations township cadres; 2–4 demonstration households; quarterly visits and meeting."""
    s0 = module_presets()["stationing"]["S0"].params
    assert s0["township_cadres_stationed"] is True
    assert (s0["demo_households_min"], s0["demo_households_max"]) == (2, 4)
    assert (s0["household_visit_months"], s0["household_heads_meeting_months"]) == (3, 3)
    with pytest.raises(PolicyError) as err:
        validate_params("stationing", {"demo_households_min": 5, "demo_households_max": 4})
    assert "联系示范户户数下限不能大于上限" in str(err.value)


def test_rsv_01_02_reserves_preset():
    """RSV-01, RSV-02: one reserve per post; ≥2 under 45 (inclusive), ≥1 under 35, ≥1 woman among reserves."""
    r = validate_params("reserves", module_presets()["reserves"]["S1"].params)
    assert r.reserves_per_post == 1
    assert r.recommend_methods == ["个人自荐", "“两委”举荐", "民主推荐"]
    assert (r.young_age, r.young_min, r.younger_age, r.younger_min) == (45, 2, 35, 1)
    assert r.female_reserves_min == 1
    assert r.age_limit_inclusive is True


def test_stn_02_township_inherits_county_and_overrides_s0(policies, world):
    """STN-02 / POL-01: a village in t1 gets S4's county numbers with S0's township settings over them."""
    resolved = policy_resolve("stationing", world.village_a.path, date(2024, 3, 1))
    assert resolved.params.term_min_years == 2
    assert resolved.params.demo_households_max == 4
    assert len(resolved.versions) == 2


def test_dry_01_s0_people_diary_and_deadlines():
    """DRY-01: S0 asks township cadres to keep the people's-condition diary; report in 2 days, opinion in 3."""
    s0 = module_presets()["stationing"]["S0"].params
    assert s0["people_diary"] is True
    assert (s0["diary_report_days"], s0["diary_opinion_days"]) == (2, 3)


def test_stn_16_award_categories_and_stn_15_insurance(s4):
    """STN-16, STN-15: S4's award categories; yearly safety education and accident insurance (preset values)."""
    assert s4.award_categories == ["优秀驻村工作队", "优秀第一书记", "优秀工作队员"]
    assert s4.safety_education_per_year == 1 and s4.accident_insurance_yearly is True
