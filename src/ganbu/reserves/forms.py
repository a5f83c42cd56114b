"""Forms of the reserve and care pages: parse and limit input; services decide."""

from __future__ import annotations

from django import forms

from ganbu.reserves.rules import CARE_LABELS, STEP_LABELS

DATE = {"required": "请填写日期", "invalid": "日期格式应为 YYYY-MM-DD"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, error_messages=DATE,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ReserveForm(forms.Form):
    post = forms.IntegerField(label="岗位", error_messages={"required": "请选择岗位", "invalid": "请选择岗位"})
    person = forms.IntegerField(label="后备人选", widget=forms.HiddenInput,
                                error_messages={"required": "请先搜索并选择后备人选", "invalid": "请先搜索并选择后备人选"})
    confirm = forms.BooleanField(required=False)


class StepForm(forms.Form):
    step = forms.ChoiceField(label="步骤", choices=list(STEP_LABELS.items()),
                             error_messages={"required": "请选择步骤", "invalid_choice": "步骤：请从列表中选择"})
    on = _date("日期")
    evidence = forms.CharField(label="依据", max_length=300, error_messages={
        "required": "请填写依据（会议记录、推荐票、审查意见等）", "max_length": "依据最多 300 字"})


class CareForm(forms.Form):
    secretary = forms.IntegerField(label="村书记", error_messages={"required": "请选择村书记", "invalid": "请选择村书记"})
    kind = forms.ChoiceField(label="类型", choices=list(CARE_LABELS.items()),
                             error_messages={"required": "请选择类型", "invalid_choice": "类型：请从列表中选择"})
    planned_on = _date("计划日期", required=False)
    done_on = _date("完成日期", required=False)
    led_by = forms.IntegerField(label="带队班子成员", required=False, error_messages={"invalid": "请选择带队班子成员"})
    note = forms.CharField(label="情况", max_length=300, required=False,
                           error_messages={"max_length": "情况最多 300 字"})
    event = forms.IntegerField(required=False, widget=forms.HiddenInput)
