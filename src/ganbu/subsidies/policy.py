"""Subsidy parameters (SUB-01..06) with the S3 (county) and S1 (sub-district) presets.

Household tiers are read as REQUIREMENTS.md reads S3: a village with ≤100 households is in the first
tier, 101–200 the second, … ≥401 the last; ``max_households`` is the inclusive upper bound of a tier.
Money is Decimal yuan.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from ganbu.core.policy import PolicyParams, open_param, param
from ganbu.core.presets import Preset


class HouseholdTier(PolicyParams):
    """Secretary's annual subsidy for villages up to ``max_households`` (inclusive; None = no bound)."""

    max_households: int | None = Field(title="户数上限（含）", ge=1)
    amount: Decimal = Field(title="党组织书记年补贴（元）", ge=0, decimal_places=2)


TIERS = [
    HouseholdTier(max_households=100, amount=Decimal("1200")),
    HouseholdTier(max_households=200, amount=Decimal("1500")),
    HouseholdTier(max_households=300, amount=Decimal("1900")),
    HouseholdTier(max_households=400, amount=Decimal("2200")),
    HouseholdTier(max_households=None, amount=Decimal("2500")),
]
COVERED = ["village_secretary", "village_director", "village_clerk"]
APPROVAL_CHAIN = ["镇提出初步意见", "县委组织部审批", "县财政局审批（统一权衡各镇）", "逐人登记造册、核对", "公示",
                  "发放银行工资卡"]
DualPost = Literal["higher", "sum", "secretary_only"]


class SubsidiesParams(PolicyParams):
    # SUB-01 tiers and ratios
    covered_titles: list[str] = param(COVERED, "享受补贴的职务", source="S3", min_length=1)
    household_tiers: list[HouseholdTier] = param(TIERS, "党组织书记补贴档次（按村户数）", source="S3", min_length=1)
    title_ratios: dict[str, Decimal] = param(
        {"village_director": Decimal("0.9"), "village_clerk": Decimal("0.7")},
        "其他职务补贴占本村书记比例", source="S3",
    )
    inland_township_factor: Decimal = param(Decimal("1"), "内陆镇补贴系数", source="S3", ge=0)
    weak_village_factor: Decimal = param(Decimal("1"), "经济薄弱村补贴系数", source="S3", ge=0)
    dual_post_rule: DualPost | None = open_param("higher", "一人兼任两个职数内职务（一肩挑）的补贴")
    # SUB-02/03 reward part and pool
    reward_part_secretary: Decimal = param(Decimal("700"), "书记补贴中的奖励补贴（元）", source="S3", ge=0)
    reward_part_proportional: bool = param(True, "主任、会计按相应比例提取奖励补贴", source="S3")
    pool_scope: Literal["township", "county"] = param("county", "奖励补贴统筹范围", source="S3")
    pool_by_score: bool = param(True, "奖励补贴完全按年终目标考核得分分配（不搞普降小雨）", source="S3")
    # SUB-04 approval before payment
    approval_chain: list[str] = param(APPROVAL_CHAIN, "先审批后发放流程", source="S3", min_length=1)
    notice_before_payment: bool = param(True, "发放前全面公示", source="S3")
    # SUB-05 (S1) base pay and post subsidy
    base_pay_income_multiple: Decimal | None = param(Decimal("1.5"), "书记基本报酬不低于上年农村人均收入的倍数",
                                                     source="S1", ge=0)
    post_subsidy_monthly_min: Decimal | None = param(Decimal("200"), "书记岗位补贴（元/人/月，平均不低于）",
                                                     source="S1", ge=0)
    post_subsidy_needs_duty_log: bool = param(True, "岗位补贴在检查《履责全程纪实日志》后发放", source="S1")
    # SUB-06 deductions
    deduct_absences: bool = param(True, "扣除缺勤扣款", source="S0")
    deduct_deposits: bool = param(True, "扣发保证金", source="S3")

    @model_validator(mode="after")
    def _tiers_ascending(self) -> SubsidiesParams:
        bounds = [t.max_households for t in self.household_tiers]
        if any(b is None for b in bounds[:-1]):
            raise ValueError("只有最后一档可以不设户数上限")
        finite = [b for b in bounds if b is not None]
        if finite != sorted(set(finite)):
            raise ValueError("补贴档次的户数上限须逐档递增")
        if bounds[-1] is not None:
            raise ValueError("最后一档须不设户数上限（覆盖所有更大的村）")
        for title, ratio in self.title_ratios.items():
            if not Decimal("0") <= ratio <= Decimal("1"):
                raise ValueError(f"{title} 的比例应在 0 到 1 之间")
        return self


PRESETS = {
    "subsidies": {
        "S3": Preset(
            title="农村干部财政补贴",
            params={
                "covered_titles": COVERED,
                "household_tiers": TIERS,
                "title_ratios": {"village_director": "0.9", "village_clerk": "0.7"},
                "inland_township_factor": "1",
                "weak_village_factor": "1",
                "dual_post_rule": None,
                "reward_part_secretary": "700",
                "reward_part_proportional": True,
                "pool_scope": "county",
                "pool_by_score": True,
                "approval_chain": APPROVAL_CHAIN,
                "notice_before_payment": True,
                "base_pay_income_multiple": None,
                "post_subsidy_monthly_min": None,
                "deduct_deposits": True,
            },
            notes={
                "covered_titles": "S3：以农村党组织书记为基准……村委会主任……村会计（初步设想：将妇女主任纳入补贴范围，尚未施行）",
                "household_tiers": "S3：确定村庄规模100户以下的每年1200元，101户至200户的每年1500元，201户至300户的每年1900元，301户至400户的每年2200元，401户以上的每年2500元",
                "title_ratios": "S3：村委会主任补贴不超过本村党组织书记的90%；将村会计补贴由市确定的不超过本村党组织书记的60%提高到70%（按上限计发，解释）",
                "inland_township_factor": "S3 初步设想：重点向内陆镇和经济薄弱村倾斜（未给系数，默认1即不倾斜）",
                "weak_village_factor": "S3 初步设想：重点向内陆镇和经济薄弱村倾斜（未给系数，默认1即不倾斜）",
                "dual_post_rule": "原文未规定一人兼任书记、主任（一肩挑）如何计发，施行前须选择",
                "reward_part_secretary": "S3：党组织书记这个层面，从补贴总额中提取700元作为奖励补贴",
                "reward_part_proportional": "S3：村委会主任、会计按照相应比例提取",
                "pool_scope": "S3：由各镇提出初步意见后，市里统一权衡，以避免考核的随意性及镇与镇之间产生的不平衡",
                "pool_by_score": "S3：不搞平均分配、“普降小雨”，而是完全根据年终目标考核综合打分情况，测算出分值，匡算出每名农村干部应该享受的奖励金额",
                "approval_chain": "S3：由各镇报组织部、财政局权衡审批后，全面进行公示；坚持“先审批后发放”的原则……逐人登记造册，核对无误后，发放银行工资卡",
                "notice_before_payment": "S3：由各镇报组织部、财政局权衡审批后，全面进行公示",
                "base_pay_income_multiple": "S3 未规定（S1 规定书记基本报酬不低于上年农村人均收入的1.5倍）",
                "post_subsidy_monthly_min": "S3 未规定（S1 规定岗位补贴每人每月不低于200元）",
                "deduct_deposits": "S3：第一年谈话诫勉、扣发相应保证金",
            },
        ),
        "S1": Preset(
            title="村（社区）干部报酬与岗位补贴",
            params={
                "base_pay_income_multiple": "1.5",
                "post_subsidy_monthly_min": "200",
                "post_subsidy_needs_duty_log": True,
            },
            notes={
                "base_pay_income_multiple": "S1 第3条：对村党支部书记的基本报酬，按照不低于上年农村人平收入的1.5倍确定，其他班子成员按比例参照执行",
                "post_subsidy_monthly_min": "S1 第3条：按照平均每人每月不低于200元的标准进行补贴",
                "post_subsidy_needs_duty_log": "S1 第3条：在对其《履责全程纪实日志》进行检查后",
            },
            overridable=[],
        ),
    },
}
