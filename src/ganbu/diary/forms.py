"""Forms of the diary pages: the one place input is parsed and limited; services decide."""

from __future__ import annotations

from typing import Any

from django import forms

DATE = {"required": "请填写日期", "invalid": "日期格式应为 YYYY-MM-DD"}


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, error_messages=DATE,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _text(label: str, n: int, required: bool = True, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=n, required=required, widget=widget,
                           error_messages={"required": f"请填写{label}", "max_length": f"{label}最多 {n} 字"})


class HouseholdField(forms.IntegerField):
    """The id of a household the user picked from the search list (never typed)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(label="农户", error_messages={"required": "请先搜索并选择农户", "invalid": "请先搜索并选择农户"},
                         widget=forms.HiddenInput, **kw)


class MatterForm(forms.Form):
    household = HouseholdField()
    met_on = _date("发生日期")
    category = forms.ChoiceField(label="类别", choices=(), error_messages={"required": "请选择类别",
                                                                        "invalid_choice": "类别：请从列表中选择"})
    content = _text("民情内容", 2000, rows=3)
    action = _text("办理情况（做了什么）", 2000, required=False, rows=2)
    major = forms.BooleanField(label="重大民情", required=False)
    beyond = forms.BooleanField(label="本人难以解决", required=False)

    def __init__(self, *args: Any, categories: list[str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["category"].choices = [("", "请选择")] + [(c, c) for c in categories]


class ReportForm(forms.Form):
    reported_on = _date("报告日期")
    text = _text("报告内容", 2000, rows=2)


class AnswerForm(forms.Form):
    text = _text("处理意见", 2000, rows=3)


class CloseForm(forms.Form):
    action = _text("办理结果", 2000, required=False, rows=2)


class HarmForm(forms.Form):
    harm = _text("不良后果", 2000, rows=3)
    confirm = forms.BooleanField(required=False)


class VisitForm(forms.Form):
    household = HouseholdField()
    visited_on = _date("走访日期")
    note = _text("走访情况", 300, required=False)


class MeetingForm(forms.Form):
    held_on = _date("召开日期")
    topic = _text("议题", 200)
    attendees = forms.IntegerField(label="到会户主数", min_value=0, max_value=5000,
                                   error_messages={"required": "请填写到会户主数", "invalid": "到会户主数应为整数",
                                                   "min_value": "到会户主数不能为负",
                                                   "max_value": "到会户主数不能超过 5000"})


class ContactForm(forms.Form):
    household = HouseholdField()


class StationForm(forms.Form):
    person = forms.IntegerField(label="镇干部", widget=forms.HiddenInput,
                                error_messages={"required": "请先搜索并选择镇干部", "invalid": "请先搜索并选择镇干部"})
    village = forms.IntegerField(label="驻村", required=False, error_messages={"invalid": "驻村：请从列表中选择"})
    special_post = forms.CharField(label="特殊岗位（不驻村）", max_length=50, required=False)
    start = _date("起始日期")
    confirm = forms.BooleanField(required=False)


class HouseholdNewForm(forms.Form):
    village = forms.IntegerField(label="村", error_messages={"required": "请选择村", "invalid": "请选择村"})
    head_name = _text("户主", 50)
    group_name = _text("村民小组", 50, required=False)
    demonstration = forms.BooleanField(label="科技示范户", required=False)
    poor = forms.BooleanField(label="贫困户", required=False)


class SearchForm(forms.Form):
    q = forms.CharField(max_length=50, required=False)
    village = forms.CharField(max_length=16, required=False)
    author = forms.CharField(max_length=12, required=False)
    closed = forms.BooleanField(required=False)
