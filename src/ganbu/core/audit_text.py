"""The audit log in words: who did what to whom, not action codes and JSON (issue 10, bug 12).

Labels come from one table of actions and objects and, for the changed fields, from the models'
own Chinese verbose names; codes in values are shown by their TextChoices label. A field no model
names in Chinese is left out of the summary (the raw row stays in the table and in the chain).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ganbu.core.policy_form import doc_titles, label_of

ACTIONS = {
    "appeal.answer": "答复申诉", "appeal.file": "提出申诉", "appointment.record": "登记任命",
    "assessment.circular": "发布督查通报", "assessment.duty_report": "登记述职测评", "assessment.finalize": "确认考核结果",
    "assessment.import": "导入历史考核结果", "assessment.inspection": "登记督查", "assessment.publish": "公示考核结果",
    "assessment.score": "评分", "assessment.stage_score": "阶段考核评分", "assessment.template_create": "建立考核方案",
    "assessment.template_items": "调整考核项目", "assessment.three_evaluation": "登记三评",
    "assessment_group.add": "加入考核领导小组", "assessment_group.end": "退出考核领导小组",
    "assessor_rule.set": "设定考核主体", "attendance.correct": "更正考勤", "attendance.day_close": "日终结算考勤",
    "attendance.evidence": "上传外出凭证", "attendance.spot_check": "到岗抽查", "attendance.stamp": "签到簿盖章",
    "attendance.table_file": "报送驻村考勤表", "attendance.table_sign": "签署驻村考勤表",
    "attendance.table_stamp": "驻村考勤表盖章", "attendance.table_void": "作废驻村考勤表签字",
    "attendance.signin": "签到", "attendance.proxy": "代签",
    "calendar.day_delete": "删除节假日", "calendar.day_save": "保存节假日或调休", "calendar.year_official": "确认年度节假日",
    "case.act": "办理问责事项", "case.close": "办结问责事项", "case.open": "启动问责事项", "duty.add": "排班",
    "leave.approve": "审批请假", "leave.cancel": "销假", "leave.cancel_confirm": "确认销假", "leave.submit": "提交请假",
    "leave.unexcused": "记为擅自离岗", "leave.withdraw": "撤回请假", "meeting.attendance": "登记会议考勤",
    "meeting.create": "建立会议", "meeting.schedule": "安排例会", "meeting.weekly_report": "提交工作周报",
    "notice.answer": "答复异议", "notice.objection": "提出异议", "notice.objection_hide": "不予公开异议",
    "notice.publish": "发布公示", "notice.withdraw": "撤回公示", "org.create": "新建单位", "org.merge": "合并单位",
    "org.rename": "单位更名", "org.token_issue": "签发凭证", "org.token_revoke": "吊销凭证", "org.update": "修改单位",
    "person.create": "新建干部档案", "person.update": "修改干部档案", "points.approve": "审核通过积分",
    "points.cycle_open": "开启积分周期", "points.item_create": "新增积分项目", "points.record": "录入积分",
    "points.reject": "退回积分", "policy.adopt": "施行细则", "policy.draft": "保存细则草稿", "post.end": "免去职务",
    "post.start": "任职", "role.grant": "授予角色", "roster.import": "导入名册", "standin.name": "指定代理审批人",
}
OBJECTS = {
    "appeal": "申诉", "assessment_circular": "督查通报", "assessment_duty_report": "述职测评",
    "assessment_group_member": "考核领导小组成员", "assessment_import": "考核结果导入", "assessment_inspection": "督查记录",
    "assessment_score": "考核评分", "assessment_stage": "阶段考核", "assessment_template": "考核方案",
    "assessment_three": "三评", "assessor_rule": "考核主体规则", "calendar_day": "日历日", "calendar_year": "日历年度",
    "case": "问责事项", "daysheet": "签到簿", "daystatus": "考勤日", "duty_slot": "值班", "evidence": "外出凭证",
    "job": "后台任务", "leave": "请假", "meeting": "会议", "notice": "公示", "objection": "异议", "org": "单位",
    "person": "干部", "point_cycle": "积分周期", "point_entry": "积分记录", "point_item": "积分项目",
    "point_summary": "积分汇总", "policy": "细则", "post": "职务", "role_grant": "角色授权",
    "secretary_appointment": "书记任命", "signin": "签到", "spot_check": "抽查", "standin": "代理审批",
    "stationed_table": "驻村考勤表", "user": "用户", "weekly_report": "工作周报",
}
# Keys audit rows use that no model field names (or names differently).
EXTRA_FIELDS = {
    "title": "标题", "name": "名称", "version": "版本", "status": "状态", "reason": "理由", "text": "内容",
    "answer": "答复", "content_hash": "内容指纹", "date": "日期", "day": "日期", "days": "天数", "start": "开始",
    "end": "结束", "month": "月份", "role": "角色", "org": "单位", "person": "干部", "points": "分值",
    "amount": "金额", "rule_id": "规则", "measure": "处理措施", "preset": "预设文件", "module": "模块",
    "notice_version": "公示版本", "entries": "条目数", "rows": "行数", "errors": "错误数", "kind": "类别",
}
RULE_ID = re.compile(r"^[A-Z]{2,4}-\d{2}$")
SHOWN_FIELDS = 6


@functools.cache
def field_labels() -> dict[str, str]:
    """Field name → the Chinese verbose name a model gives it (first one found)."""
    from django.apps import apps

    labels: dict[str, str] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("ganbu."):
            continue
        for f in model._meta.get_fields():
            verbose = re.sub(r"[（(][A-Z]{2,4}-\d{2}[）)]", "", str(getattr(f, "verbose_name", "") or ""))
            if re.search(r"[\u4e00-\u9fff]", verbose):
                labels.setdefault(f.name, verbose)
    return {**labels, **EXTRA_FIELDS}


@dataclass
class Change:
    label: str
    before: str
    after: str
    basis: bool = False  # a rule ID: shown only as an office note


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return f"{len(value)} 项" if len(value) > 3 or any(isinstance(v, dict | list) for v in value) \
            else "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return f"{len(value)} 项设置"
    text = doc_titles(label_of(value))
    return text if len(text) <= 80 else text[:80] + "…"


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[list[Change], int]:
    """The fields a row changed, in Chinese; and how many more were left out."""
    before, after = before or {}, after or {}
    labels = field_labels()
    out: list[Change] = []
    hidden = 0
    for key in list(dict.fromkeys([*after, *before])):
        if before.get(key) == after.get(key) and before:
            continue
        if key not in labels:
            hidden += 1
            continue
        b, a = before.get(key), after.get(key)
        out.append(Change(labels[key], _value(b) if key in before else "", _value(a) if key in after else "",
                          basis=bool(RULE_ID.match(str(a or b or "")))))
    return out[:SHOWN_FIELDS], hidden + max(0, len(out) - SHOWN_FIELDS)


def _object_name(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    for source in (after or {}, before or {}):
        for key in ("title", "name", "person", "org"):
            value = source.get(key)
            if isinstance(value, str) and value:
                return doc_titles(value)
    return ""


def describe(entry: Any) -> dict[str, Any]:
    """One row as a sentence: who, did what, to which object (its name where the row carries one)."""
    what = ACTIONS.get(entry.action) or label_of(entry.action)
    if what == entry.action:
        what = "操作"
    kind = OBJECTS.get(entry.object_type, "记录")
    name = _object_name(entry.before, entry.after)
    shown, more = changes(entry.before, entry.after)
    return {"who": entry.actor_label or "系统", "what": what, "object": kind,
            "name": name or (f"第 {entry.object_id} 号" if entry.object_id else ""),
            "changes": shown, "more": more, "reason": doc_titles(entry.reason or "")}


def action_choices() -> list[tuple[str, str]]:
    return [("", "全部操作"), *sorted(ACTIONS.items(), key=lambda kv: kv[1])]


def object_choices() -> list[tuple[str, str]]:
    return [("", "全部对象"), *sorted(OBJECTS.items(), key=lambda kv: kv[1])]
