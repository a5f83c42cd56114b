"""Attendance forms: the one place a page's input is parsed and limited; services decide."""

from __future__ import annotations

from django import forms

WANTED = [("present", "出勤（忘记签到等）"), ("meeting", "开会"), ("trip", "出差")]


class CorrectionRequestForm(forms.Form):
    """补签申请: which day, what it should count as, why, and the evidence."""

    date = forms.DateField(label="补签日期", error_messages={"required": "请选择补签日期",
                                                          "invalid": "补签日期格式应为 YYYY-MM-DD"})
    wanted = forms.ChoiceField(label="申请记为", choices=WANTED, error_messages={"invalid_choice": "申请记为的选项不正确"})
    reason = forms.CharField(label="理由", max_length=300, error_messages={
        "required": "请填写补签理由", "max_length": "理由最多 %(limit_value)d 字（现有 %(show_value)d 字）"})
    file = forms.FileField(label="证明材料", required=False)
