"""Forms of the core pages: they parse; services decide."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from ganbu.core import audit_text
from ganbu.core.queries import ParamRow

REQUIRED = {"required": "必填", "invalid": "格式不正确"}
E_JSON = "应为 JSON 格式（列表写作 [\"甲\", \"乙\"]，对象写作 {\"键\": 值}）"


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", error_messages={"required": "请填写日期", "invalid": "日期格式应为 YYYY-MM-DD"},
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    region = forms.CharField(label="地区代码前缀（空＝全国）", required=False, max_length=12,
                             help_text="如 45（广西全区）、330521（某县）")
    kind = forms.ChoiceField(label="类型", choices=[("holiday", "休息（节假日）"), ("workday", "上班（调休工作日）")],
                             error_messages=REQUIRED)
    name = forms.CharField(label="名称", max_length=50, required=False)
    reason = forms.CharField(label="修改理由", required=False, max_length=200)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100,
                              error_messages={"required": "请填写年份", "invalid": "年份应为数字",
                                              "min_value": "年份应在 2000–2100 之间",
                                              "max_value": "年份应在 2000–2100 之间"})
    notice = forms.CharField(label="国务院办公厅通知（文号或标题）", max_length=200, required=False)


class CalendarCheckForm(forms.Form):
    date = forms.DateField(label="查询日期", error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    region = forms.CharField(label="地区代码", required=False, max_length=12)


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label="对象", required=False, max_length=64,
                                  widget=forms.Select(choices=audit_text.object_choices()))
    object_id = forms.CharField(label="记录编号", required=False, max_length=64)
    actor = forms.CharField(label="操作人", required=False, max_length=100)
    action = forms.CharField(label="操作", required=False, max_length=64,
                             widget=forms.Select(choices=audit_text.action_choices()))
    start = forms.DateField(label="起", required=False, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="止", required=False, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class PolicyMetaForm(forms.Form):
    title = forms.CharField(label="细则名称", max_length=200, error_messages={"required": "请填写细则名称"})
    period_start = forms.DateField(label="施行起", error_messages={"required": "请填写施行起",
                                                                "invalid": "日期格式应为 YYYY-MM-DD"},
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = forms.DateField(label="施行止（空＝长期）", required=False,
                                 error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def parse_param_post(rows: list[ParamRow], data: Any, *, township: bool) -> tuple[dict[str, Any], dict[str, str],
                                                                                    dict[str, str]]:
    """Read ``p_<name>`` inputs: (values this level sets, errors by name, raw text to re-show).

    A township sets only the parameters whose ``o_<name>`` box is ticked; the rest it inherits.
    Blank means "not set" (None) — for an open parameter that keeps adoption blocked.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    raw: dict[str, str] = {}
    for row in rows:
        text = str(data.get(f"p_{row.name}", "")).strip()
        raw[row.name] = text
        if township and not data.get(f"o_{row.name}"):
            continue
        if text == "":
            values[row.name] = None
        elif row.kind == "json":
            try:
                values[row.name] = json.loads(text)
            except json.JSONDecodeError:
                errors[row.name] = E_JSON
        else:
            values[row.name] = text
    return values, errors, raw
