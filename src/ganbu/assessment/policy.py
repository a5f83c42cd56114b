"""千分制 policy (KPI-01..08): every number S1 gives, and S0's staged assessment feeding pay (KPI-07).

One module, ``assessment``: S1 (the sub-district's 千分制 opinions) and S0 (the town's decision that
the township assesses village teams by stage and computes 考核工资 from it) are both township
documents for the same assessment. Numbers a seed leaves open (三评 weights, the reward "XX元",
item points, the pay formula's standards) are ``open_param`` and block adoption until filled.
"""

from __future__ import annotations

from pydantic import model_validator

from ganbu.core.policy import PolicyParams, open_param, param
from ganbu.core.presets import Preset

MODULE = "assessment"
MODULE_TITLE = "千分制考核"

# The four bases S1 names for judging a cadre's work (完善考核评价办法 ... 作为依据进行认定).
S1_ITEM_BASES = [
    "《履责全程纪实》规定的工作职责",
    "每月督查通报情况",
    "工作目标完成情况",
    "党员群众评议情况",
]

WEIGHTS_SUM = "三评权重（自评、党员群众测评、上级考评）之和应为 1"
ITEMS_LENGTH = "默认项目分值的个数应与考核依据项目个数一致"
ITEMS_SUM = "默认项目分值合计为 {got} 分，应等于千分制总分 {total} 分"


class AssessmentPolicy(PolicyParams):
    """Parameters of the 1000-point assessment of villages and communities."""

    total_points: int = param(1000, "千分制总分", source="S1 工作目标千分制考核", ge=1)
    threshold_points: float = param(800, "末位处理分数线（分）", source="S1 得分在800分以下", ge=0)
    threshold_inclusive: bool = param(
        True, "分数线含本数（“以下”含本数）", source="S1 800分以下；REQUIREMENTS：以下含本数")
    last_place_min_group: int = param(
        2, "末位认定的最少排名单位数", source="非原文规定：只有一个村（社区）参评时不认定末位", ge=1)
    removal_consecutive_years: int = param(3, "连续末位且低于分数线免职年数", source="S1 连续三年考核处于末位", ge=2)
    case_due_days: int | None = open_param(30, "诫勉谈话/免职事项办理期限（天）", ge=1)
    reward_top_villages: int = param(3, "目标考核奖：村前几名", source="S1 考核得分前三名的村", ge=0)
    reward_top_communities: int = param(2, "目标考核奖：社区前几名", source="S1 前两名的社区", ge=0)
    reward_amount: int | None = open_param(2000, "目标考核奖每人标准（元，不低于）", ge=0)
    report_interval_months: int = param(6, "述职间隔（月）", source="S1 每半年……述职", ge=1)
    circular_interval_months: int = param(1, "督查通报间隔（月）", source="S1 由办事处督查后每月进行书面通报", ge=1)
    weight_self: float | None = open_param(0.2, "三评权重：基层组织自评", ge=0, le=1)
    weight_public: float | None = open_param(0.3, "三评权重：党员群众测评", ge=0, le=1)
    weight_superior: float | None = open_param(0.5, "三评权重：上级组织考评（千分制项目得分）", ge=0, le=1)
    item_bases: list[str] = param(S1_ITEM_BASES, "考核依据（项目结构）", source="S1 完善考核评价办法一句")
    item_default_max: list[int] | None = open_param([300, 200, 300, 200], "各考核依据默认满分（分）")
    # KPI-07 (S0 第5条): staged assessment of the two-committee team → 考核工资 and other budgets.
    stage_count: int | None = open_param(2, "阶段考核次数（每年）", ge=1)
    stage_weight: float | None = open_param(0.4, "阶段考核平均分在考核工资中的权重", ge=0, le=1)
    pay_standard: int | None = open_param(20000, "考核工资标准（元/村·年，按满分计）", ge=0)
    budget_standard: int | None = open_param(10000, "其他村级预算标准（元/村·年，按满分计）", ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> AssessmentPolicy:
        weights = (self.weight_self, self.weight_public, self.weight_superior)
        if all(w is not None for w in weights) and abs(sum(weights) - 1) > 1e-6:  # type: ignore[arg-type]
            raise ValueError(WEIGHTS_SUM)
        if self.item_default_max is not None:
            if len(self.item_default_max) != len(self.item_bases):
                raise ValueError(ITEMS_LENGTH)
            if sum(self.item_default_max) != self.total_points:
                raise ValueError(ITEMS_SUM.format(got=sum(self.item_default_max), total=self.total_points))
        return self


PRESETS = {
    MODULE: {
        "S0": Preset(
            title="S0 分阶段考核村两委班子，年终计算考核工资和其它村级预算",
            params={"stage_count": None, "stage_weight": None, "pay_standard": None, "budget_standard": None},
            notes={
                "stage_count": "S0 第5条“分阶段对村两委班子的工作进行考核”：阶段数原文未定",
                "stage_weight": "S0 第5条“年终以此为依据严格计算各村考核工资”：计算公式原文未定",
                "pay_standard": "S0 第5条 考核工资：金额原文未定",
                "budget_standard": "S0 第5条“其它村级预算”：金额原文未定",
            },
            overridable=[],
        ),
        "S1": Preset(
            title="S1 村（社区）干部目标管理千分制考核",
            params={
                "total_points": 1000, "threshold_points": 800, "threshold_inclusive": True,
                "removal_consecutive_years": 3, "reward_top_villages": 3, "reward_top_communities": 2,
                "reward_amount": None, "report_interval_months": 6, "circular_interval_months": 1,
                "weight_self": None, "weight_public": None, "weight_superior": None,
                "item_bases": S1_ITEM_BASES, "item_default_max": None, "case_due_days": None,
            },
            notes={
                "total_points": "S1“工作目标千分制考核情况”",
                "threshold_points": "S1“当年考核处于末位且得分在800分以下的村（社区）……诫勉谈话”",
                "threshold_inclusive": "REQUIREMENTS 总则：“以下”含本数，800 分即在线下",
                "removal_consecutive_years": "S1“连续三年考核处于末位且得分在800分以下……免职”",
                "reward_top_villages": "S1“对考核得分前三名的村……进行奖励”",
                "reward_top_communities": "S1“前两名的社区主要负责人”",
                "reward_amount": "S1“不低于XX元”：金额原文未定",
                "report_interval_months": "S1“每半年要向办事处党委、村（社区）党员大会……述职”",
                "circular_interval_months": "S1“由办事处督查后每月进行书面通报”",
                "weight_self": "S1 三评“基层组织自评”：权重原文未定",
                "weight_public": "S1 三评“党员群众测评”：权重原文未定",
                "weight_superior": "S1 三评“上级组织考评”：权重原文未定",
                "item_bases": "S1“以《履责全程纪实》所规定的工作职责、每月督查通报情况、工作目标千分制考核情况和党员群众评议情况等作为依据”",
                "item_default_max": "S1 未规定各项分值",
                "case_due_days": "S1 未规定办理期限",
            },
            overridable=[],
        ),
    }
}
