"""Leave policy (请销假细则): chains, tiers, team presence, cancellation, archive (LV-01..09).

Every number and chain is a parameter; the defaults are the ones REQUIREMENTS.md gives.
S0 (township) sets the township-cadre chain; S4 (county) the stationed-cadre rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ganbu.core.policy import PolicyParams, param
from ganbu.core.presets import Preset

Level = Literal["village", "township", "county"]
StepKindName = Literal["approve", "file", "notify"]


class ChainStep(BaseModel):
    """One step of a chain: who (role at the applicant's village/township/county) and what they do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(title="角色")
    level: Level = Field(title="层级")
    label: str = Field(title="环节名称")
    kind: StepKindName = Field(default="approve", title="审批/备案/知会")


class Tier(BaseModel):
    """A length tier: applies when days ≤ ``max_days`` (None: no upper bound)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_days: Decimal | None = Field(title="天数上限（含）")
    label: str = Field(title="档次")
    steps: list[ChainStep] = Field(title="审批链")


TOWNSHIP_CHAIN = [
    ChainStep(role="township_secretary", level="township", label="向镇党委书记请假", kind="approve"),
    ChainStep(role="township_head", level="township", label="向镇长通报情况", kind="notify"),
    ChainStep(role="duty_leader", level="township", label="镇长再通报值班领导", kind="notify"),
]

_VILLAGE = ChainStep(role="village_secretary", level="village", label="村党支部审批")
_TOWNSHIP = ChainStep(role="township_secretary", level="township", label="乡镇党委审批")
_RURAL = ChainStep(role="county_rural", level="county", label="县乡村振兴局负责同志签字同意")
_ORG_SIGN = ChainStep(role="county_org", level="county", label="县委组织部负责同志签字同意并备案")
_ORG_FILE = ChainStep(role="county_org", level="county", label="报县委组织部备案", kind="file")
_DEPUTY = ChainStep(role="county_deputy", level="county", label="县委分管副书记提出准许意见")

STATIONED_TIERS = [
    Tier(max_days=Decimal("3"), label="3天以内（含3天）", steps=[_VILLAGE, _TOWNSHIP, _ORG_FILE]),
    Tier(max_days=Decimal("5"), label="3天至5天（解释：超过3天、不超过5天）", steps=[_VILLAGE, _TOWNSHIP, _RURAL, _ORG_SIGN]),
    Tier(max_days=None, label="5天以上（解释：超过5天）", steps=[_VILLAGE, _TOWNSHIP, _RURAL, _ORG_SIGN, _DEPUTY]),
]
TEAM_FIRST = ChainStep(role="first_secretary", level="village", label="驻村第一书记签字同意")


class LeaveParams(PolicyParams):
    township_chain: list[ChainStep] = param(TOWNSHIP_CHAIN, "镇干部请假审批链", source="S0")
    stationed_tiers: list[Tier] = param(STATIONED_TIERS, "驻村干部请假审批档次（按日历天数）", source="S4")
    team_member_first: ChainStep | None = param(TEAM_FIRST, "工作队员须先经", source="S4")
    first_secretary_handover_required: bool = param(True, "第一书记请假须明确工作交接人", source="S4")
    min_in_village: int = param(2, "同一工作队至少在村人数", source="S4", ge=0)
    presence_overridable: bool = param(True, "有权审批人可说明理由越过轮休规则（原文为“一般”）", source="S4")
    weekend_request_when_leaving_county: bool = param(True, "周末、节假日离县也须请假", source="S4")
    cancel_within_workdays: int = param(1, "请假结束后销假期限（工作日）", source="S4", ge=0)
    archive_copies: list[str] = param(["乡镇党委", "县委组织部"], "书面请假手续存档联", source="S4")
    absenteeism_measure: str = param("circular", "不假外出、擅自超假的处理措施（按旷工处理并通报）", source="S4")
    circulate_county_wide: bool = param(True, "旷工在全县范围内通报", source="S4")
    escalation: dict[str, ChainStep] = param(
        {"township_secretary": ChainStep(role="county_org", level="county", label="本人回避：报县委组织部审批"),
         "village_secretary": ChainStep(role="township_secretary", level="township", label="本人回避：报乡镇党委审批"),
         "first_secretary": ChainStep(role="village_secretary", level="village", label="本人回避：报村党支部审批"),
         "county_rural": ChainStep(role="county_org", level="county", label="本人回避：报县委组织部审批"),
         "county_org": ChainStep(role="county_deputy", level="county", label="本人回避：报县委分管副书记审批")},
        "审批人本人请假时转交的上一级", source="",
    )


def _dump(steps: list[ChainStep]) -> list[dict[str, str]]:
    return [s.model_dump() for s in steps]


PRESETS = {
    "leave": {
        "S0": Preset(
            title="镇干部请假（S0）",
            params={"township_chain": _dump(TOWNSHIP_CHAIN)},
            notes={"township_chain": "S0第2条：有事外出原则上必须向党委书记请假，向镇长通报情况，镇长再通报值班领导"},
            overridable=[],
        ),
        "S4": Preset(
            title="驻村干部请销假（S4）",
            params={
                "stationed_tiers": [t.model_dump(mode="json") for t in STATIONED_TIERS],
                "team_member_first": TEAM_FIRST.model_dump(),
                "first_secretary_handover_required": True,
                "min_in_village": 2,
                "presence_overridable": True,
                "weekend_request_when_leaving_county": True,
                "cancel_within_workdays": 1,
                "archive_copies": ["乡镇党委", "县委组织部"],
                "absenteeism_measure": "circular",
                "circulate_county_wide": True,
            },
            notes={
                "stationed_tiers": "S4第8条：3天以内的，须村党支部、乡镇党委审批同意，并报县委组织部备案；3天至5天的，须经村党支部、"
                                   "乡镇党委、县乡村振兴局、县委组织部相关负责同志签字同意并备案；5天以上的，还须经县委分管副书记"
                                   "提出准许意见（解释：3天以内含3天，3天至5天指3天以上至5天，按日历天数，可请半天）",
                "team_member_first": "S4第8条：驻村工作队员请假须经驻村第一书记签字同意",
                "first_secretary_handover_required": "S4第8条：驻村第一书记请假须明确工作交接人",
                "min_in_village": "S4第8条：同一工作队的队员一般轮流休假，确保至少2人在村",
                "presence_overridable": "S4第8条“一般”：有权审批人可说明理由准许",
                "weekend_request_when_leaving_county": "S4第8条：在工作日、周末休息日和法定节假日离县的事项必须履行书面请假手续",
                "cancel_within_workdays": "S4第8条：在请假结束后1个工作日内，按照“向谁请假备案，向谁销假”的原则进行销假登记",
                "archive_copies": "S4第8条：由乡镇党委、县委组织部各执一联存档备查",
                "absenteeism_measure": "S4第8条：不假外出或擅自超假的一律按旷工处理，并在全县范围内通报",
                "circulate_county_wide": "S4第8条：并在全县范围内通报",
            },
        ),
    }
}
