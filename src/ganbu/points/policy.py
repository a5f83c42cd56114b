"""积分制 parameters: S2 for village cadres (module ``points``), S0 for township cadres (``points_township``).

Every number S2 gives is a default here; what S2 leaves open (reward proportion and amount, the
size of the bottom group, the start of the current term) is an ``open_param`` that blocks adoption.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from ganbu.core.policy import PolicyParams, open_param, param
from ganbu.core.presets import Preset

S2_CATEGORIES = ["上级工作任务", "镇级工作任务", "违反法律法规"]
S0_CATEGORIES = ["本职工作", "安全工作（一岗双责）", "驻村工作", "开会学习考勤", "民情日记"]


class PointsParams(PolicyParams):
    """Village two-committee cadres' points (S2, PTS-01..06)."""

    categories: list[str] = param(S2_CATEGORIES, "积分项目类别", source="S2")
    cycle_months: int = param(12, "积分周期（月）", source="S2", ge=1, le=36)
    half_cycle_summary: bool = param(True, "半周期汇总通报", source="S2")
    village_may_tailor: bool = param(True, "村可按分工调整积分项目", source="S2")
    deduction_threshold: Decimal = param(Decimal("40"), "扣分警示线（达到即触发）", source="S2", ge=0)
    threshold_mode: Literal["or", "and"] = param("or", "扣分线与排名靠后的关系（or=任一，and=同时）", source="S2")
    bottom_group_size: int | None = open_param(3, "排名靠后人数", ge=1)
    reward_proportion: Decimal | None = open_param("0.2", "奖励比例（排名靠前人数占比）", gt=0, le=1)
    reward_per_person: Decimal | None = open_param("1000.00", "每人奖励金（元）", ge=0)
    term_start: date | None = open_param("2021-01-01", "本届任期起始日（第二次触发即免职/罢免）")


class TownshipPointsParams(PolicyParams):
    """Township cadres' staged quantified scoring (S0, PTS-07)."""

    categories: list[str] = param(S0_CATEGORIES, "评分项目类别", source="S0")
    cycle_months: int = param(12, "评分周期（月）", source="S0", ge=1, le=36)
    half_cycle_summary: bool = param(True, "分阶段汇总排名", source="S0")
    village_may_tailor: bool = Field(default=False, title="村可调整项目")
    results_feed: list[str] = param(["评优", "晋级", "晋职", "资金", "补助"], "考核结果挂钩事项", source="S0")
    publish_on_board: bool = param(True, "考核结果公示于板报", source="S0")
    reward_proportion: Decimal | None = open_param("0.2", "奖励比例（排名靠前人数占比）", gt=0, le=1)
    reward_per_person: Decimal | None = open_param("500.00", "每人奖励金（元）", ge=0)


S2_NOTES = {
    "categories": "S2：分为加分和扣分两项，涉及上级工作任务、镇级工作任务、违反法律法规等",
    "cycle_months": "S2：一年为一个积分周期",
    "half_cycle_summary": "S2：每半个周期汇总通报积分情况，对积分较低、靠后的村干部进行约谈提醒",
    "village_may_tailor": "S2：强调村内分工内容“量体裁衣”",
    "deduction_threshold": "S2：对扣除积分达40分及排名靠后的村居干部采用先谈话提醒警示",
    "threshold_mode": "S2“扣除积分达40分及排名靠后”按任一条件理解（REQUIREMENTS PTS-06），同时满足为开关",
    "bottom_group_size": "S2 只说“排名靠后”，人数原文未规定",
    "reward_proportion": "S2：对年终积分靠前的村居干部按比例发放一定奖励金（比例原文未规定）",
    "reward_per_person": "S2：一定奖励金（金额原文未规定）",
    "term_start": "S2：第二次则进行免职、依法罢免（同一任期内）；任期起始日原文未规定",
}
S0_NOTES = {
    "categories": "S0：定岗位、定职责、定奖惩；一岗双责（本职工作和安全工作）；驻村包干；开会学习考勤；《民情日记》",
    "cycle_months": "S0：xx年对镇村两级干部管理作出明文规定（按年）",
    "half_cycle_summary": "S0：对阶段工作实行量化评分并排出名次",
    "results_feed": "S0：考核结果与评优、晋级、晋职、资金、补助挂钩",
    "publish_on_board": "S0：将考核结果定期和不定期公示于板报上",
    "reward_proportion": "S0 只说“定奖惩”，比例原文未规定",
    "reward_per_person": "S0 只说“定奖惩”，金额原文未规定",
}

PRESETS = {
    "points": {
        "S2": Preset(
            title="敬梓镇村（社区）干部积分制管理考核细则（试行）",
            params={"categories": S2_CATEGORIES, "cycle_months": 12, "half_cycle_summary": True,
                    "village_may_tailor": True,
                    "deduction_threshold": "40", "threshold_mode": "or", "bottom_group_size": None,
                    "reward_proportion": None, "reward_per_person": None, "term_start": None},
            notes=S2_NOTES,
        ),
    },
    "points_township": {
        "S0": Preset(
            title="关于加强镇村干部管理的决定（镇干部阶段量化评分）",
            params={"categories": S0_CATEGORIES, "cycle_months": 12, "half_cycle_summary": True,
                    "results_feed": ["评优", "晋级", "晋职", "资金", "补助"], "publish_on_board": True,
                    "reward_proportion": None, "reward_per_person": None},
            notes=S0_NOTES,
        ),
    },
}
