"""Attendance parameters (ATT, DUTY, MTG) and the S0/S4 presets.

Every number below is a default a seed gives (S0 = the town's decision, S4 = the county's
stationed-cadre measures); the note on each preset value names the sentence it comes from.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Literal

from ganbu.core.policy import NOT_FROM_SOURCE, PolicyParams, open_param, param
from ganbu.core.presets import Preset

TOWNSHIP_TITLES = ["township_secretary", "township_head", "township_deputy_secretary", "township_discipline",
                   "township_leader", "township_cadre"]
SPOT_CHECK_METHODS = ["on_site", "phone_location", "phone_call", "video_call"]
DEFAULT_MEASURES = {
    "civil_servant": "dismissal",
    "career": "report_org_dept",
    "village_elected": "recall",
    "village_other": "removal",
    "other": "report_org_dept",
}


class AttendanceParams(PolicyParams):
    signin_cutoff: time = param(time(8, 30), "签到截止时间", source="S0")
    daily_titles: list[str] = param(TOWNSHIP_TITLES, "逐日签到的职务", source="S0")
    stationed_daily: bool = param(False, "驻村干部按日登记考勤", source="S4")
    proof_mode: Literal["none", "geofence", "qr"] = param("none", "签到在岗证明方式", source="S4")
    geofence_radius_m: int = param(500, "地理围栏半径（米）", source=NOT_FROM_SOURCE, ge=20, le=20000)
    qr_window_seconds: int = param(60, "签到二维码轮换周期（秒）", source=NOT_FROM_SOURCE, ge=10, le=3600)
    leave_counts_present: bool = param(True, "批准的病（事）假视为出勤", source="S0")
    trip_needs_evidence: bool = param(True, "开会、出差须有会议通知或领导安排方记出勤", source="S0")
    deduction_per_absence: Decimal = param(Decimal("20"), "每次缺勤扣补助工资（元）", source="S0", ge=0)
    absence_run_days: int = param(15, "连续旷工工作日数", source="S0", ge=1)
    absence_year_days: int = param(30, "一年累计旷工工作日数", source="S0", ge=1)
    absence_threshold_inclusive: bool = param(True, "达到即触发（否：超过才触发）", source="S0")
    absence_measures: dict[str, str] = param(DEFAULT_MEASURES, "旷工按人员类别的处理建议", source="S0")
    case_due_days: int | None = open_param(15, "问责事项办理期限（天）", ge=1)
    correction_requests_per_month: int = param(3, "每人每月补签申请次数上限", source=NOT_FROM_SOURCE, ge=0, le=31)
    stationed_filing_workday: int = param(5, "驻村考勤表报备：次月第几个工作日前", source="S4", ge=1, le=20)
    stationed_filing_inclusive: bool = param(True, "报备期限当天仍算按时", source="S4")
    spot_checks_per_month: int = param(1, "每月对驻村干部抽查次数（至少）", source="S4", ge=0)
    spot_check_methods: list[str] = param(SPOT_CHECK_METHODS, "抽查方式", source="S4")
    regular_meeting_weekday: int = param(0, "例会星期（0=周一）", source="S0", ge=0, le=6)
    regular_meeting_every_weeks: int = param(2, "例会间隔（周）", source="S0", ge=1)
    study_weekday: int = param(1, "专题学习星期（1=周二）", source="S0", ge=0, le=6)
    study_nth: int = param(1, "专题学习：每月第几个该星期", source="S0", ge=1, le=4)
    democratic_life_months: int = param(6, "民主生活会周期（月）", source="S0", ge=1, le=12)
    schedule_ahead_days: int = param(14, "会议提前排期并通知（天）", source=NOT_FROM_SOURCE, ge=1)
    duty_hours: int = param(24, "党政办值班（小时/天）", source="S0", ge=1, le=24)
    duty_lookahead_days: int = param(7, "值班缺口提前预警（天）", source=NOT_FROM_SOURCE, ge=1, le=60)


PRESETS = {
    "attendance": {
        "S0": Preset(
            title="镇村干部考勤、例会与值班",
            params={
                "signin_cutoff": "08:30",
                "daily_titles": TOWNSHIP_TITLES,
                "leave_counts_present": True,
                "trip_needs_evidence": True,
                "deduction_per_absence": "20",
                "absence_run_days": 15,
                "absence_year_days": 30,
                "absence_threshold_inclusive": True,
                "absence_measures": DEFAULT_MEASURES,
                "case_due_days": None,
                "correction_requests_per_month": 3,
                "regular_meeting_weekday": 0,
                "regular_meeting_every_weeks": 2,
                "study_weekday": 1,
                "study_nth": 1,
                "democratic_life_months": 6,
                "duty_hours": 24,
            },
            notes={
                "signin_cutoff": "S0：簽到的時間為每天上午8:30前，8:30後由黨政辦負責人將簽到簿蓋章停簽",
                "daily_titles": "S0：鎮黨委對鎮干部逐日考勤",
                "leave_counts_present": "S0：病(事)假條和領導批示的視為出勤",
                "trip_needs_evidence": "S0：如因開會、公事出差，必須有會議通知和領導安排方能記為出勤",
                "deduction_per_absence": "S0：按缺勤一次扣補助工資20元懲罰",
                "absence_run_days": "S0：對連續曠工15天……的予以辭退（按工作日计，「15天」读作达到即触发）",
                "absence_year_days": "S0：一年累計曠工30天的予以辭退",
                "absence_threshold_inclusive": "S0 写「連續曠工15天」，读作达到即触发",
                "absence_measures": "S0：按照《公務員法》……予以辭退的規定上報組織部門執行；事业人员、村干部按 ATT-06 分别处理",
                "case_due_days": "原文未规定办理期限",
                "correction_requests_per_month": "原文未规定补签次数（非原文规定，建议值：每月 3 次）",
                "regular_meeting_weekday": "S0：鎮干部隔周星期一開例會",
                "regular_meeting_every_weeks": "S0：隔周",
                "study_weekday": "S0：每月第一周星期二組織專題學習一次",
                "study_nth": "S0：每月第一周星期二",
                "democratic_life_months": "S0：每半年過一次民主生活",
                "duty_hours": "S0：鎮黨政辦公室必須做到24小時有人值班，不能斷檔",
            },
        ),
        "S4": Preset(
            title="驻村干部考勤与抽查",
            params={
                "stationed_daily": True,
                "proof_mode": "none",
                "stationed_filing_workday": 5,
                "stationed_filing_inclusive": True,
                "spot_checks_per_month": 1,
                "spot_check_methods": SPOT_CHECK_METHODS,
            },
            notes={
                "stationed_daily": "S4 第7条：考勤按日登记。考勤登记表作为驻村干部生活补助发放依据",
                "proof_mode": "S4 第7条提到手机定位用于抽查；签到证明方式由各地选择（无/地理围栏/二维码）",
                "stationed_filing_workday": "S4 第7条：考勤表经乡镇党委书记签字、盖党委章后，于次月第5个工作日前报县委组织部备案",
                "stationed_filing_inclusive": "「第5个工作日前」读作含第5个工作日（界面显示）",
                "spot_checks_per_month": "S4 第7条：每月对驻村干部进行动态式抽查",
                "spot_check_methods": "S4 第7条：实地检查、手机定位、电话询问、微信视频",
            },
        ),
    }
}
