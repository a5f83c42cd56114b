"""Parameters of the people's-condition diary and township cadres in villages (DRY-01/02, STN-01/02).

S0 is a township document, so its preset is a township version. The same S0 numbers were first
written into ``stationing.policy.StationingParams``; this module is the one the diary pages read
(the stationing app is rebuilt separately and keeps its own copy until the two are reconciled).
"""

from __future__ import annotations

from pydantic import model_validator

from ganbu.core.policy import PolicyParams, open_param, param
from ganbu.core.presets import Preset

CATEGORIES = ["矛盾纠纷", "生产生活困难", "基础设施", "政策咨询", "安全隐患", "其他"]
STATIONED_TITLES = ["township_deputy_secretary", "township_discipline", "township_leader", "township_cadre"]
SPECIAL_POSTS = ["党政办值班", "财政所会计", "便民服务中心窗口"]


class DiaryParams(PolicyParams):
    # DRY-01/02
    categories: list[str] = param(CATEGORIES, "民情类别", source="", min_length=1)
    report_days: int = param(2, "重大或难以解决的民情向党委、政府报告期限（天，含第N天）", source="S0", ge=0)
    opinion_days: int = param(3, "党委、政府拿出处理意见期限（天，自报告之日起，含第N天）", source="S0", ge=0)
    # STN-01
    stationed_titles: list[str] = param(STATIONED_TITLES, "安排驻村的镇行政干部职务", source="S0")
    special_posts: list[str] | None = open_param(SPECIAL_POSTS, "不安排驻村的特殊岗位")
    # STN-02
    contact_households_min: int = param(2, "联系科技示范户和贫困户（户数下限）", source="S0", ge=0)
    contact_households_max: int = param(4, "联系科技示范户和贫困户（户数上限）", source="S0", ge=0)
    visit_months: int = param(3, "对所驻村所有农户走访一次的周期（月）", source="S0", ge=1, le=12)
    visit_coverage_pct: int = param(100, "走访覆盖率要求（%，所有农户）", source="S0", ge=0, le=100)
    heads_meetings_per_period: int = param(1, "每周期召开户主会次数（至少）", source="S0", ge=0)

    @model_validator(mode="after")
    def _ranges(self) -> DiaryParams:
        if self.contact_households_min > self.contact_households_max:
            raise ValueError("联系户户数下限不能大于上限")
        return self


PRESETS = {
    "diary": {
        "S0": Preset(
            title="民情日记与镇干部驻村",
            params={"categories": CATEGORIES, "report_days": 2, "opinion_days": 3, "stationed_titles": STATIONED_TITLES,
                    "special_posts": None, "contact_households_min": 2, "contact_households_max": 4,
                    "visit_months": 3, "visit_coverage_pct": 100, "heads_meetings_per_period": 1},
            notes={
                "categories": "非原文规定（建议分类）",
                "report_days": "S0 第6条：了解的重大民情和自己难以解决的民情，必须在2天内向党委、政府报告",
                "opinion_days": "S0 第6条：党委、政府必须在3天内拿出处理意见",
                "stationed_titles": "S0 第4条：镇行政干部除特殊岗位外，一般全部安排驻村（镇党委书记、镇长统筹全镇，解释）",
                "special_posts": "S0 第4条只说“除特殊岗位外”，未列岗位，施行前须填写",
                "contact_households_min": "S0 第4条：并联系2—4个科技示范户和贫困户",
                "contact_households_max": "S0 第4条：并联系2—4个科技示范户和贫困户",
                "visit_months": "S0 第4条：做到每季度对联系村的所有农户走访一次",
                "visit_coverage_pct": "S0 第4条：所有农户",
                "heads_meetings_per_period": "S0 第4条：（每季度）召开一次户主会",
            },
            overridable=[],
        ),
    },
}
