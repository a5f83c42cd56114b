"""Tenure-target commitment parameters (任期目标承诺, TGT-01..10) and the S3 preset.

S3 (荣成) is a county-level document, so its preset becomes the county version; townships may
override what the county allows. Every number is a parameter with the seed's default; the note on
each preset value quotes the sentence it comes from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ganbu.core.policy import PolicyParams, open_param, param
from ganbu.core.presets import Preset

Actor = Literal["township", "village_committees", "members_meeting", "township_approval", "office", "public"]


class DraftStep(PolicyParams):
    """One step of layered drafting (TGT-01): who acts, and what the step checks."""

    key: str = Field(title="环节代码")
    label: str = Field(title="环节")
    actor: Actor = Field(title="办理主体")
    checks: list[str] = Field(default_factory=list, title="审查要点")


class FailureMeasure(PolicyParams):
    """What follows the n-th year a commitment is not fulfilled (TGT-07)."""

    year: int = Field(title="第几年未完成", ge=1)
    measures: list[str] = Field(title="处理措施")
    deduct_deposit: bool = Field(default=False, title="扣发相应保证金")


FRAMEWORK_CATEGORIES = ["党的建设", "经济发展", "精神文明", "社会治安综合治理"]
DRAFTING_STEPS = [
    DraftStep(key="framework", label="镇逐村提出目标管理初步框架", actor="township"),
    DraftStep(key="measures", label="村“两委”研究制订具体落实措施（标准要求、落实时限、责任人）",
              actor="village_committees", checks=["标准要求", "落实时限", "责任人"]),
    DraftStep(key="vote", label="党员和村民代表会议审议表决", actor="members_meeting"),
    DraftStep(key="stamp", label="村“两委”盖章，报送镇党委、政府审批", actor="village_committees"),
    DraftStep(key="approve", label="镇党委、政府审批", actor="township_approval",
              checks=["是否履行民主决策程序", "有无不切实际内容", "有无违规内容"]),
    DraftStep(key="sign", label="目标承诺责任书签约", actor="township"),
    DraftStep(key="publish", label="上栏公开", actor="public"),
]
FAILURE_MEASURES = [
    FailureMeasure(year=1, measures=["谈话诫勉", "扣发相应保证金"], deduct_deposit=True),
    FailureMeasure(year=2, measures=["动员其辞职"]),
]
INSPECTION_MODES = ["定期", "不定期", "普查", "抽查"]
DECISION_BODIES = ["村民会议", "党员、村民代表会议"]


class TargetsParams(PolicyParams):
    # TGT-01 layered drafting
    framework_categories: list[str] = param(FRAMEWORK_CATEGORIES, "目标框架类别", source="S3", min_length=1)
    drafting_steps: list[DraftStep] = param(DRAFTING_STEPS, "承诺目标制订环节（层级审核）", source="S3", min_length=1)
    measure_required: list[str] = param(["标准要求", "落实时限", "责任人"], "每项措施必填内容", source="S3")
    vote_majority_pct: int = param(50, "表决通过须赞成票超过到会人数的比例（%）", ge=0, le=99)
    # TGT-02 dynamic management
    send_back_vague_or_low: bool = param(True, "内容笼统或目标偏低的承诺退回调整", source="S3")
    breakdown_period: Literal["quarter", "month", "half_year"] = param("quarter", "年度目标细化分解单位",
                                                                      source="S3")
    # TGT-03 monthly ledger, one task one inspection
    ledger_period: Literal["month"] = param("month", "考核台账周期", source="S3")
    inspect_when_done_or_due: bool = param(True, "完成或时限到期即到村现场逐条验收（一事一毕一考）", source="S3")
    # TGT-04 satisfaction survey for major tasks
    survey_major_tasks: bool = param(True, "重大事项组织满意度测评", source="S3")
    survey_groups: list[str] = param(["党员", "村民代表"], "满意度测评对象", source="S3")
    collective_confirmation: bool = param(True, "考核办集体研究确认评价并归档", source="S3")
    # TGT-05 supervision notice
    supervision_notice_days: int = param(7, "《督办通知单》整改期限（天）", source="S3", ge=1)
    follow_up_until_closed: bool = param(True, "整改后继续跟踪检查验收直至办结", source="S3")
    # TGT-06 quarterly inspection, half-yearly scoring, public posting
    comprehensive_inspection_months: int = param(3, "综合检查验收周期（月）", source="S3", ge=1, le=12)
    scoring_months: int = param(6, "量化考核打分周期（月）", source="S3", ge=1, le=12)
    post_results_publicly: bool = param(True, "检查和打分情况张贴上栏", source="S3")
    publish_supervision_phone: bool = param(True, "公布考核办监督电话", source="S3")
    half_scores_to_kpi: bool = param(False, "半年量化考核得分计入千分制（由千分制读取）")
    # TGT-07 rewards and punishments
    reward_exceeding: bool = param(True, "超额完成目标、实绩突出的给予物质奖励和精神激励", source="S3")
    failure_measures: list[FailureMeasure] = param(FAILURE_MEASURES, "未完成承诺目标的处理（按年次）", source="S3")
    deposit_amount: int | None = open_param(500, "保证金金额（元/人）", ge=0)
    # TGT-08 decision accountability
    decision_bodies: list[str] = param(DECISION_BODIES, "须经讨论决定的会议（决策责任追究）", source="S3")
    # TGT-09 inspections
    inspection_modes: list[str] = param(INSPECTION_MODES, "督查方式", source="S3")
    sample_villages: int = param(38, "集中抽查村数（示例）", source="S3", ge=1)
    sample_days: int = param(2, "集中抽查天数（示例）", source="S3", ge=1)
    issue_rectification_days: int = param(7, "督查问题整改期限（天）", source="S3", ge=1)
    # TGT-10 oversight responsibility fund
    responsibility_fund_min_pct: int = param(30, "失察责任金占考核办人员当年奖金比例下限（%）", source="S3",
                                             ge=0, le=100)
    responsibility_fund_max_pct: int = param(50, "失察责任金占考核办人员当年奖金比例上限（%）", source="S3",
                                             ge=0, le=100)

    @model_validator(mode="after")
    def _fund_range(self) -> TargetsParams:
        if self.responsibility_fund_min_pct > self.responsibility_fund_max_pct:
            raise ValueError("失察责任金比例下限不能大于上限")
        years = [m.year for m in self.failure_measures]
        if len(set(years)) != len(years):
            raise ValueError("未完成承诺目标的处理：年次不能重复")
        return self


PRESETS = {
    "targets": {
        "S3": Preset(
            title="农村干部任期目标管理",
            params={
                "framework_categories": FRAMEWORK_CATEGORIES,
                "drafting_steps": DRAFTING_STEPS,
                "measure_required": ["标准要求", "落实时限", "责任人"],
                "send_back_vague_or_low": True,
                "breakdown_period": "quarter",
                "ledger_period": "month",
                "inspect_when_done_or_due": True,
                "survey_major_tasks": True,
                "survey_groups": ["党员", "村民代表"],
                "collective_confirmation": True,
                "supervision_notice_days": 7,
                "follow_up_until_closed": True,
                "comprehensive_inspection_months": 3,
                "scoring_months": 6,
                "post_results_publicly": True,
                "publish_supervision_phone": True,
                "reward_exceeding": True,
                "failure_measures": FAILURE_MEASURES,
                "deposit_amount": None,
                "decision_bodies": DECISION_BODIES,
                "inspection_modes": INSPECTION_MODES,
                "sample_villages": 38,
                "sample_days": 2,
                "issue_rectification_days": 7,
                "responsibility_fund_min_pct": 30,
                "responsibility_fund_max_pct": 50,
            },
            notes={
                "framework_categories": "S3：首先由各镇依据各村党的建设、经济发展、精神文明、社会治安综合治理等综合情况，逐村提出目标管理的初步框架",
                "drafting_steps": "S3：村“两委”据此研究制订具体落实措施……提交党员和村民代表会议审议，表决通过后，村“两委”盖章，报送镇党委、政府审批……举行目标承诺责任书签约仪式，并上栏公开",
                "measure_required": "S3：明确标准要求、落实时限和相关责任人",
                "send_back_vague_or_low": "S3：凡内容笼统或是目标偏低的承诺，必须合理作出调整",
                "breakdown_period": "S3：对年度目标的落实，必须以季度为单位进行细化分解，分段组织实施，分段考核验收",
                "ledger_period": "S3：各镇考核办全部建立考核台帐，以月为单位，将各有关村当月准备干的实事……分门别类拉出单子",
                "inspect_when_done_or_due": "S3：每项承诺内容落实完毕或时限到期后，镇考核办立即责成专人直接到村到现场，对照承诺要求，逐条逐项实地检查验收",
                "survey_major_tasks": "S3：对一些重大事项，还要组织党员和村民代表进行满意度测评",
                "survey_groups": "S3：组织党员和村民代表进行满意度测评",
                "collective_confirmation": "S3：最终经考核办集体研究作出评价确认，归档保存",
                "supervision_notice_days": "S3：对没有达到预期标准要求的，下发《督办通知单》勒令整改（原文未写天数，取同文“限期一个周的时间进行整改”）",
                "follow_up_until_closed": "S3：下发《督办通知单》勒令整改，继续跟踪检查验收",
                "comprehensive_inspection_months": "S3：各镇考核办每季度都要组织一次综合检查验收",
                "scoring_months": "S3：每半年都要组织一次量化考核打分",
                "post_results_publicly": "S3：检查和打分情况张贴上栏",
                "publish_supervision_phone": "S3：并向党员群众公布考核办监督电话",
                "reward_exceeding": "S3：对超额完成目标、实绩突出的村干部，给予物质奖励和精神激励",
                "failure_measures": "S3：对没有完成承诺目标的，第一年谈话诫勉、扣发相应保证金，第二年动员其辞职",
                "deposit_amount": "原文未规定保证金金额（只说“扣发相应保证金”），施行前须填写",
                "decision_bodies": "S3：对未经村民会议或党员、村民代表会议讨论决定的事项，擅自实施，造成损失的要由责任人承担",
                "inspection_modes": "S3：市镇两级采取定期与不定期相结合、普查与抽查相结合等多种形式",
                "sample_villages": "S3：组织部集中两天时间，提前不打招呼，直接到村，现场录相，一次抽查38个村",
                "sample_days": "S3：组织部集中两天时间……一次抽查38个村",
                "issue_rectification_days": "S3：逐镇逐村点出存在的问题，并限期一个周的时间进行整改",
                "responsibility_fund_min_pct": "S3：拿出考核办人员当年奖金的30—50%作为责任金，用于兑现工作奖惩",
                "responsibility_fund_max_pct": "S3：拿出考核办人员当年奖金的30—50%作为责任金",
            },
        ),
    },
}
