"""Stationed-cadre parameters (STN-01..17, DRY-01/02) and reserve-cadre parameters (RSV-01..02), with presets.

S4 (a county's measures for first secretaries and work teams) is a county document: its preset is
the county version. S0 (a town's decision: township cadres stationed in villages, STN-01/02) and
S1 (reserve cadres, RSV-01/02) are township documents. Numbers a seed leaves open (the travel meal
allowance standard the living allowance halves, the communication subsidy) are open parameters.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import model_validator

from ganbu.core.policy import PolicyParams, open_param, param
from ganbu.core.presets import Preset

VILLAGE_CATEGORIES = ["poverty_alleviated", "key_revitalisation", "weak_collective", "weak_party_org"]
SELECTION_POOLS = ["县级机关优秀干部、年轻干部", "国有企业、事业单位优秀人员", "因年龄原因从领导岗位上调整下来、尚未退休的干部"]
ADJUSTMENT_REASONS = ["任职期满", "身体原因", "家庭原因", "跨县调动"]
ADJUSTMENT_CHAIN = ["派出单位党委（党组）推荐接任人选", "与县委组织部沟通后提出调整申请", "县委组织部部务会审议",
                    "报县委同意"]
UNIT_TALKS = ["到村工作前", "工作生活遇到困难时", "任期结束后"]
TOWNSHIP_TRAINING = ["以会代训", "业务培训", "集中谈话"]
IMMEDIATE_INCIDENTS = ["负伤去世", "负面舆情", "违纪违法"]
NEGATIVE_LIST_FLOW = ["乡镇党委建立负面清单及整改台账", "如实上报县委组织部", "县委组织部核查", "据实通报",
                      "对照整改并销号"]
PLAN_TOPICS = ["教育", "医疗", "产业发展"]
BOARD_FIELDS = ["姓名", "职务", "联系方式", "去向"]
AWARDS = ["优秀驻村工作队", "优秀第一书记", "优秀工作队员"]
FORBIDDEN_DUTIES = ["承担派出单位工作", "擅自更改、随意增加职责任务", "安排不属于其职责范围的工作", "私自抽调", "借调"]
SPOT_CHECK_METHODS = ["实地检查", "手机定位", "电话询问", "微信视频"]


class StationingParams(PolicyParams):
    # STN-01/02 (S0): township cadres stationed in villages
    township_cadres_stationed: bool = param(True, "镇行政干部（特殊岗位除外）一般全部驻村", source="S0")
    demo_households_min: int = param(2, "联系科技示范户和贫困户（户数下限）", source="S0", ge=0)
    demo_households_max: int = param(4, "联系科技示范户和贫困户（户数上限）", source="S0", ge=0)
    household_visit_months: int = param(3, "对联系村所有农户走访一次的周期（月）", source="S0", ge=1, le=12)
    household_heads_meeting_months: int = param(3, "召开一次户主会的周期（月）", source="S0", ge=1, le=12)
    # DRY-01/02 (S0): people's-condition diary
    people_diary: bool = param(True, "镇干部进村入户遇民情就记、有民事就办（民情日记）", source="S0")
    diary_report_days: int = param(2, "重大或难以解决的民情向党委、政府报告期限（天，含）", source="S0", ge=0)
    diary_opinion_days: int = param(3, "党委、政府拿出处理意见期限（天，含）", source="S0", ge=0)
    # STN-03 where teams go
    target_village_categories: list[str] = param(VILLAGE_CATEGORIES, "选派村类别", source="S4")
    # STN-04 eligibility
    allowed_staff_statuses: list[str] = param(["established"], "可选派的编制状态（不含工勤、临聘、借用）",
                                              source="S4", min_length=1)
    first_secretary_full_member: bool = param(True, "第一书记须为中共正式党员", source="S4")
    first_secretary_min_party_years: int = param(1, "第一书记党龄下限（年，自转正日起，含）", source="S4", ge=0)
    first_secretary_min_work_years: int = param(2, "第一书记工作经历下限（年，含）", source="S4", ge=0)
    team_member_party_preferred: bool = param(True, "工作队员优先选派中共党员", source="S4")
    rural_experience_preferred: bool = param(True, "有农村工作经验或涉农专业技术特长的优先", source="S4")
    selection_pools: list[str] = param(SELECTION_POOLS, "县级选派人选来源", source="S4")
    # STN-05 term and adjustment
    term_min_years: int = param(2, "每批次任期下限（年）", source="S4", ge=1)
    rotate_at_term_end: bool = param(True, "期满有序轮换", source="S4")
    adjustment_reasons: list[str] = param(ADJUSTMENT_REASONS, "调整事由", source="S4")
    adjustment_chain: list[str] = param(ADJUSTMENT_CHAIN, "调整审批程序", source="S4")
    rotation_notice_months: int = param(3, "任期届满前列入轮换名单（月）", source="", ge=0, le=12)
    replacement_report_days: int = param(2, "接任人选收到书面批复后到村报到期限（日，含）", source="S4", ge=0)
    # STN-06 handover
    handover_days: int = param(15, "轮换（调整）过渡期（天；原文“半个月”按15天计）", source="S4", ge=0)
    outgoing_stays_until_handover_end: bool = param(True, "过渡期结束后被轮换人员方能离岗", source="S4")
    # STN-07 talks and visits
    secretary_talk_months: int = param(3, "乡镇党委书记与驻村干部谈心谈话周期（月）", source="S4", ge=1, le=12)
    unit_hears_report_months: int = param(6, "派出单位听取工作汇报周期（月）", source="S4", ge=1, le=12)
    unit_leader_visits_per_year: int = param(1, "派出单位主要负责同志每年到村调研次数（至少）", source="S4", ge=0)
    unit_leader_report_by_month: int = param(9, "调研报告完成月份（该月底前）", source="S4", ge=1, le=12)
    unit_talk_occasions: list[str] = param(UNIT_TALKS, "派出单位主要负责同志谈心谈话时机", source="S4")
    # STN-08 training
    township_training_forms: list[str] = param(TOWNSHIP_TRAINING, "乡镇常态培训方式", source="S4")
    county_training_yearly_coverage: bool = param(True, "每年在县级层面完成全覆盖培训", source="S4")
    county_training_min_times_per_term: int = param(1, "任期内县级及以上培训次数（至少）", source="S4", ge=0)
    county_training_min_days: int = param(3, "县级及以上培训时间（天，至少）", source="S4", ge=0)
    # STN-09 reporting
    report_to_unit_months: int = param(6, "向派出单位汇报周期（月，至少）", source="S4", ge=1, le=12)
    major_matters_report_first: bool = param(True, "决策重大事项事前请示报告", source="S4")
    immediate_incidents: list[str] = param(IMMEDIATE_INCIDENTS, "须第一时间上报的重大情况", source="S4")
    # STN-10 negative list
    negative_list_flow: list[str] = param(NEGATIVE_LIST_FLOW, "负面清单及整改台账流程", source="S4")
    # STN-11 diary
    diary_daily: bool = param(True, "工作队员每日记录驻村工作日记", source="S4")
    diary_matches_attendance: bool = param(True, "工作日记须与考勤、请销假一致", source="S4")
    # STN-12 plan and research reports
    plan_topics: list[str] = param(PLAN_TOPICS, "年度帮扶计划须纳入的内容", source="S4")
    research_report_months: int = param(6, "第一书记撰写调研报告周期（月）", source="S4", ge=1, le=12)
    first_secretary_proposes_grades: bool = param(True, "第一书记提出工作队员考核等次建议", source="S4")
    annual_plan_by_month: int = param(3, "年度帮扶计划、责任清单完成月份（“年初”按该月底前）", source="", ge=1,
                                      le=12)
    grade_proposal_by_month: int = param(12, "第一书记提出工作队员考核等次建议月份（该月底前）", source="", ge=1,
                                         le=12)
    # MTG-03, MTG-04 meetings
    work_meeting_months: int = param(1, "第一书记组织召开驻村工作例会周期（月，至少1次）", source="S4", ge=1, le=12)
    symposium_months: int = param(3, "县委组织部驻村干部座谈会周期（月）", source="S4", ge=1, le=12)
    # STN-13 public board
    board_fields: list[str] = param(BOARD_FIELDS, "挂牌公示内容", source="S4")
    board_work_phone_only: bool = param(True, "公示联系方式只用工作电话（不公开私人号码）", source="")
    # ATT-08 spot checks (methods the board and checks refer to)
    spot_check_methods: list[str] = param(SPOT_CHECK_METHODS, "到岗抽查方式", source="S4")
    # STN-14 allowances
    meal_allowance_per_day: Decimal | None = open_param(Decimal("100"), "差旅费伙食补助费标准（元/天）", ge=0)
    living_allowance_ratio: Decimal = param(Decimal("0.5"), "工作日生活补助＝伙食补助费标准 × 比例", source="S4",
                                            ge=0, le=1)
    necessities_cap: Decimal = param(Decimal("2000"), "生活必需品一次性报销标准（元/人）", source="S4", ge=0)
    communication_subsidy_monthly: Decimal | None = open_param(Decimal("100"), "通讯补贴（元/月）", ge=0)
    work_funds_min_per_year: Decimal = param(Decimal("5000"), "工作经费（元/人/年，不低于）", source="S4", ge=0)
    # STN-15 safety
    safety_education_per_year: int = param(1, "每年综合性安全教育次数（至少）", source="S4", ge=0)
    accident_insurance_yearly: bool = param(True, "每年购买人身意外伤害保险", source="S4")
    insurance_by_month: int = param(1, "人身意外伤害保险购买月份（该月底前）", source="", ge=1, le=12)
    overdue_case_days: int = param(15, "履职事项逾期后提醒责任人，再逾期该天数仍未完成的转问责事项", source="",
                                   ge=0, le=365)
    # STN-16 awards
    award_categories: list[str] = param(AWARDS, "评选表彰类别", source="S4")
    # STN-17 full time
    full_time_in_village: bool = param(True, "全脱产驻村，不承担派出单位工作", source="S4")
    forbidden_duties: list[str] = param(FORBIDDEN_DUTIES, "不得对驻村干部做出的安排", source="S4")

    @model_validator(mode="after")
    def _ranges(self) -> StationingParams:
        if self.demo_households_min > self.demo_households_max:
            raise ValueError("联系示范户户数下限不能大于上限")
        return self


Recommend = Literal["self", "committees", "democratic"]


class ReservesParams(PolicyParams):
    reserves_per_post: int = param(1, "每个职位后备人选数（一职一备）", source="S1", ge=0)
    recommend_methods: list[str] = param(["个人自荐", "“两委”举荐", "民主推荐"], "三荐", source="S1", min_length=1)
    deliberation_steps: list[str] = param(["党组织对初步人选提议", "“两委”集体审议"], "二议", source="S1")
    review_by: str = param("拟定后备干部名单报镇（街道）党委审查", "一审查", source="S1")
    young_age: int = param(45, "年轻干部年龄界限（岁，含）", source="S1", ge=18, le=70)
    young_min: int = param(2, "班子中该年龄以下干部不少于（名）", source="S1", ge=0)
    younger_age: int = param(35, "更年轻干部年龄界限（岁，含）", source="S1", ge=18, le=70)
    younger_min: int = param(1, "其中该年龄以下干部不少于（名）", source="S1", ge=0)
    female_reserves_min: int = param(1, "女后备干部不少于（名）", source="S1", ge=0)
    age_limit_inclusive: bool = param(True, "“以下”含本数（45岁以下含45岁）", source="")

    @model_validator(mode="after")
    def _ages(self) -> ReservesParams:
        if self.younger_age > self.young_age:
            raise ValueError("更年轻干部年龄界限不能大于年轻干部年龄界限")
        if self.younger_min > self.young_min:
            raise ValueError("其中更年轻干部人数不能多于年轻干部人数")
        return self


_S0_NOTES = {
    "township_cadres_stationed": "S0：镇行政干部除特殊岗位外，一般全部安排驻村，驻村干部对所驻村各项工作包干负责",
    "demo_households_min": "S0：并联系2—4个科技示范户和贫困户",
    "demo_households_max": "S0：并联系2—4个科技示范户和贫困户",
    "household_visit_months": "S0：做到每季度对联系村的所有农户走访一次",
    "household_heads_meeting_months": "S0：（每季度）召开一次户主会",
    "people_diary": "S0 第6条：使镇干部在进村入户过程中，做到遇民情就记，有民事就办",
    "diary_report_days": "S0 第6条：了解的重大民情和自己难以解决的民情，必须在2天内向党委、政府报告",
    "diary_opinion_days": "S0 第6条：党委、政府必须在3天内拿出处理意见",
}

PRESETS = {
    "stationing": {
        "S4": Preset(
            title="驻村第一书记和工作队管理",
            params={
                "target_village_categories": VILLAGE_CATEGORIES,
                "allowed_staff_statuses": ["established"],
                "first_secretary_full_member": True,
                "first_secretary_min_party_years": 1,
                "first_secretary_min_work_years": 2,
                "team_member_party_preferred": True,
                "rural_experience_preferred": True,
                "selection_pools": SELECTION_POOLS,
                "term_min_years": 2,
                "rotate_at_term_end": True,
                "adjustment_reasons": ADJUSTMENT_REASONS,
                "adjustment_chain": ADJUSTMENT_CHAIN,
                "rotation_notice_months": 3,
                "replacement_report_days": 2,
                "handover_days": 15,
                "outgoing_stays_until_handover_end": True,
                "secretary_talk_months": 3,
                "unit_hears_report_months": 6,
                "unit_leader_visits_per_year": 1,
                "unit_leader_report_by_month": 9,
                "unit_talk_occasions": UNIT_TALKS,
                "township_training_forms": TOWNSHIP_TRAINING,
                "county_training_yearly_coverage": True,
                "county_training_min_times_per_term": 1,
                "county_training_min_days": 3,
                "report_to_unit_months": 6,
                "major_matters_report_first": True,
                "immediate_incidents": IMMEDIATE_INCIDENTS,
                "negative_list_flow": NEGATIVE_LIST_FLOW,
                "diary_daily": True,
                "diary_matches_attendance": True,
                "plan_topics": PLAN_TOPICS,
                "research_report_months": 6,
                "first_secretary_proposes_grades": True,
                "annual_plan_by_month": 3,
                "grade_proposal_by_month": 12,
                "work_meeting_months": 1,
                "symposium_months": 3,
                "insurance_by_month": 1,
                "overdue_case_days": 15,
                "board_fields": BOARD_FIELDS,
                "board_work_phone_only": True,
                "spot_check_methods": SPOT_CHECK_METHODS,
                "meal_allowance_per_day": None,
                "living_allowance_ratio": "0.5",
                "necessities_cap": "2000",
                "communication_subsidy_monthly": None,
                "work_funds_min_per_year": "5000",
                "safety_education_per_year": 1,
                "accident_insurance_yearly": True,
                "award_categories": AWARDS,
                "full_time_in_village": True,
                "forbidden_duties": FORBIDDEN_DUTIES,
            },
            notes={
                "target_village_categories": "S4 第4条：统筹面向脱贫村、乡村振兴重点村、集体经济薄弱村、党组织软弱涣散村选派",
                "allowed_staff_statuses": "S4 第4条：且必须是在编在岗干部职工（不含工勤人员、临聘人员、借用人员）",
                "first_secretary_full_member": "S4 第4条：驻村第一书记必须是中共正式党员",
                "first_secretary_min_party_years": "S4 第4条：具有1年以上党龄（“以上”含本数）",
                "first_secretary_min_work_years": "S4 第4条：和2年以上工作经历",
                "team_member_party_preferred": "S4 第4条：工作队员应优先选派中共党员",
                "rural_experience_preferred": "S4 第4条：有农村工作经验或涉农方面专业技术特长的优先",
                "selection_pools": "S4 第4条：县级选派人选主要从县级机关优秀干部、年轻干部，国有企业、事业单位优秀人员和以往因年龄原因从领导岗位上调整下来、尚未退休的干部中选派",
                "term_min_years": "S4 第4条：每批次任期一般不少于2年",
                "rotate_at_term_end": "S4 第4条：期满有序轮换",
                "adjustment_reasons": "S4 第5条：因任职期满（不含集中轮换）、身体原因、家庭原因、跨县调动等需要调整的",
                "adjustment_chain": "S4 第5条：由被调整人员所在单位党委（党组）推荐提出接任人选，与县委组织部充分沟通后，提出调整申请……经县委组织部部务会审议并报县委同意后调整",
                "rotation_notice_months": "解释：期满有序轮换，提前3个月列入轮换名单以便单位推荐接任人选",
                "replacement_report_days": "S4 第5条：接任人选必须在收到书面批复后2日内到被派乡村报到履职",
                "handover_days": "S4 第6条：接任人选确定后设置半个月过渡期（按15天计，解释）",
                "outgoing_stays_until_handover_end": "S4 第6条：过渡期结束后，被轮换（调整）人员方能离岗",
                "secretary_talk_months": "S4 第2条：乡镇党委书记……每季度与驻村干部开展一次全覆盖谈心谈话",
                "unit_hears_report_months": "S4 第3条：每半年听取1次派出人员的工作汇报",
                "unit_leader_visits_per_year": "S4 第3条：主要负责同志每年到村调研指导、推进工作不少于1次",
                "unit_leader_report_by_month": "S4 第3条：并形成工作动态、调研报告（一般在9月底前完成）",
                "unit_talk_occasions": "S4 第3条：驻村干部到村工作前、工作生活遇到困难时、任期结束后派出单位主要负责同志均要与其开展谈心谈话",
                "township_training_forms": "S4 第10条：乡镇党委要采取以会代训、业务培训、集中谈话等方式，常态组织开展驻村干部培训",
                "county_training_yearly_coverage": "S4 第10条：每一年度在县级层面完成全覆盖培训",
                "county_training_min_times_per_term": "S4 第10条：确保任期内至少参加1次县级及以上培训",
                "county_training_min_days": "S4 第10条：时间不少于3天",
                "report_to_unit_months": "S4 第12条：驻村第一书记和工作队员至少每半年向派出单位汇报1次思想、工作和学习情况",
                "major_matters_report_first": "S4 第12条：决策重大事项、遇到重要问题要按规定做好事前请示报告",
                "immediate_incidents": "S4 第12条：驻村干部出现负伤去世、负面舆情、违纪违法等重大情况……第一时间按程序上报",
                "negative_list_flow": "S4 第13条：建立负面清单及整改台账，及时、如实上报县委组织部，县委组织部核查后据实向有关方面通报情况，相关单位及个人主动对照负面清单抓好问题整改",
                "diary_daily": "S4 第15条：每位工作队员要用专门笔记本详细记录每日驻村工作情况",
                "diary_matches_attendance": "S4 第15条：记录不能敷衍了事，并与考勤请销假保持一致",
                "plan_topics": "S4 第15条：年初制定年度帮扶计划、帮扶措施、责任清单，要将教育、医疗、产业发展等内容纳入其中",
                "research_report_months": "S4 第16条：驻村第一书记每半年撰写1篇工作调研报告",
                "first_secretary_proposes_grades": "S4 第16条：要提出工作队员考核等次建议意见",
                "annual_plan_by_month": "解释：S4 第15条“年初制定年度帮扶计划”，按3月底前完成计",
                "grade_proposal_by_month": "解释：S4 第16条“提出工作队员考核等次建议意见”，随年度考核在12月底前提出",
                "work_meeting_months": "S4 第15条：驻村第一书记每月至少组织召开1次由村“两委”成员、工作队员等参加的工作例会……规范形成会议记录",
                "symposium_months": "S4 第9条：县委组织部每季度组织召开驻村干部座谈会……第四季度要报告年度工作开展情况",
                "insurance_by_month": "解释：S4 第21条“每年为驻村干部购买人身意外伤害保险”，按每年1月底前购买计",
                "overdue_case_days": "解释：逾期事项先提醒责任人，提醒后15天仍未完成的转为问责事项",
                "board_fields": "S4 第7条：在派驻村醒目位置公开驻村干部姓名、职务、联系方式、去向等信息",
                "board_work_phone_only": "解释：公示的联系方式用工作电话，私人号码不公开（PUB-01）",
                "spot_check_methods": "S4 第7条：采取实地检查、手机定位、电话询问、微信视频等方式监督驻村干部到村到岗情况",
                "meal_allowance_per_day": "原文只说“按差旅费中伙食补助费标准的一半”，未给标准数额，施行前须填写",
                "living_allowance_ratio": "S4 第19条：派出单位按差旅费中伙食补助费标准的一半给予工作日生活补助",
                "necessities_cap": "S4 第19条：原则上按每人2000元标准报销一次购置到村的生活必需品费用",
                "communication_subsidy_monthly": "原文只说“按相关规定安排通讯补贴”，未给数额，施行前须填写",
                "work_funds_min_per_year": "S4 第20条：按每人每年不低于5000元标准安排",
                "safety_education_per_year": "S4 第21条：每年对驻村干部至少进行1次综合性安全教育",
                "accident_insurance_yearly": "S4 第21条：县委组织部要按规定每年为驻村干部购买人身意外伤害保险",
                "award_categories": "S4 第22条：开展优秀驻村工作队、优秀第一书记、优秀工作队员评选表彰表扬活动",
                "full_time_in_village": "S4 第17条：要全脱产驻村开展工作，不承担派出单位工作",
                "forbidden_duties": "S4 第17条：任何单位不得擅自更改、随意增加驻村第一书记和工作队员职责任务，不得安排驻村工作队从事不属于其职责范围的工作，不得私自抽调、借调",
            },
        ),
        "S0": Preset(
            title="镇干部驻村与联系农户",
            params={
                "township_cadres_stationed": True,
                "demo_households_min": 2,
                "demo_households_max": 4,
                "household_visit_months": 3,
                "household_heads_meeting_months": 3,
                "people_diary": True,
                "diary_report_days": 2,
                "diary_opinion_days": 3,
            },
            notes=_S0_NOTES,
            overridable=[],
        ),
    },
    "reserves": {
        "S1": Preset(
            title="村（社区）后备干部",
            params={
                "reserves_per_post": 1,
                "recommend_methods": ["个人自荐", "“两委”举荐", "民主推荐"],
                "deliberation_steps": ["党组织对初步人选提议", "“两委”集体审议"],
                "review_by": "拟定后备干部名单报镇（街道）党委审查",
                "young_age": 45,
                "young_min": 2,
                "younger_age": 35,
                "younger_min": 1,
                "female_reserves_min": 1,
                "age_limit_inclusive": True,
            },
            notes={
                "reserves_per_post": "S1 第5条：按照村（社区）班子“一职一备”要求",
                "recommend_methods": "S1 第5条：“三荐”（个人自荐、“两委”举荐、民主推荐）",
                "deliberation_steps": "S1 第5条：“二议”（党组织对初步人选提议、“两委”集体审议）",
                "review_by": "S1 第5条：“一审查”（拟定后备干部的名单报办事处党委审查）",
                "young_age": "S1 第5条：原则上各村（社区）领导班子中45岁以下的干部不低于两名",
                "young_min": "S1 第5条：45岁以下的干部不低于两名",
                "younger_age": "S1 第5条：其中35岁以下的干部要有一名",
                "younger_min": "S1 第5条：其中35岁以下的干部要有一名",
                "female_reserves_min": "S1 第5条：女后备干部要有一名",
                "age_limit_inclusive": "解释：按民法典第1259条，“以下”含本数，45岁以下含45岁",
            },
            overridable=[],
        ),
    },
}
