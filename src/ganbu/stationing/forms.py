"""Forms of the stationing pages: the one place page input is parsed, with Chinese messages and max lengths.
Services have the last word; their ``ValidationError`` dicts are mapped back onto the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ganbu.stationing.models import ObligationKind, Reimbursement, StationRole
from ganbu.stationing.policy import ADJUSTMENT_REASONS, AWARDS, FORBIDDEN_DUTIES, IMMEDIATE_INCIDENTS

REQUIRED = "此项必填"
_MSG = {"required": REQUIRED, "invalid": "日期格式应为 YYYY-MM-DD", "invalid_choice": "请选择有效的选项",
        "max_length": "不能超过 %(limit_value)d 个字"}
_NUM = {"required": REQUIRED, "invalid": "请填写数字", "min_value": "不能小于 %(limit_value)s",
        "max_value": "不能大于 %(limit_value)s"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, error_messages=_MSG,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _text(label: str, max_length: int, required: bool = True, rows: int = 0, help_text: str = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, "maxlength": max_length}) if rows else forms.TextInput(
        attrs={"maxlength": max_length})
    return forms.CharField(label=label, max_length=max_length, required=required, error_messages=_MSG,
                           widget=widget, help_text=help_text)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errs in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


class _OrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class ProposeForm(forms.Form):
    """A unit proposes a candidate; the candidate was picked by search on the same page (never typed as an id)."""

    candidate = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "请先搜索并选择人选"})
    village = _OrgChoice(queryset=None, label="派驻村", error_messages=_MSG)
    unit = _OrgChoice(queryset=None, label="派出单位", error_messages=_MSG)
    role = forms.ChoiceField(label="拟任", choices=StationRole.choices, error_messages=_MSG)
    term_start = _date("任期起")
    term_end = _date("任期止", required=False)
    note = _text("推荐意见", 500, required=False, rows=2)

    def __init__(self, *args: Any, villages: Any = None, units: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["village"].queryset = villages
        self.fields["unit"].queryset = units
        self.fields["term_end"].help_text = "不填则按细则取最短任期（不少于2年）"


class ReplaceForm(forms.Form):
    """A unit proposes a replacement for a stationed cadre (STN-05)."""

    candidate = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "请先搜索并选择接任人选"})
    outgoing = forms.ModelChoiceField(queryset=None, label="被调整人员", error_messages=_MSG)
    reason = forms.ChoiceField(label="调整事由", choices=[(r, r) for r in ADJUSTMENT_REASONS], error_messages=_MSG)
    unit = _OrgChoice(queryset=None, label="派出单位", error_messages=_MSG)
    term_start = _date("接任任期起")
    note = _text("推荐意见", 500, required=False, rows=2)

    def __init__(self, *args: Any, outgoing: Any = None, units: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["outgoing"].queryset = outgoing
        self.fields["outgoing"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.person.name} · {p.org.name} · {p.get_title_display()}")
        self.fields["unit"].queryset = units


class ReviewForm(forms.Form):
    agree = forms.ChoiceField(label="审查意见", choices=[("1", "同意，报县委审批"), ("0", "不同意")],
                              widget=forms.RadioSelect, error_messages=_MSG)
    note = _text("意见", 300, required=False)


class ApproveForm(forms.Form):
    approved_on = _date("书面批复日期")
    approval_ref = _text("批复文号", 100)
    override_reason = _text("破格任用理由", 300, required=False,
                            help_text="人选不符合资格条件时，县委组织部确需任用的，须填写理由（记入审计）")
    confirm = forms.BooleanField(label="我已核对人选和批复，确认批准", error_messages={"required": "请勾选确认"})


class RejectForm(forms.Form):
    note = _text("不予批准的理由", 300)


class ReportForm(forms.Form):
    on = _date("报到日期")
    confirm = forms.BooleanField(label="确认登记报到：接任人任职开始，进入过渡期", error_messages={"required": "请勾选确认"})


class DiaryForm(forms.Form):
    date = _date("日期")
    work = _text("当日工作", 2000, rows=5)
    households = _text("走访农户", 500, required=False, help_text="户主姓名，多户用顿号分隔")


class ObligationForm(forms.Form):
    kind = forms.ChoiceField(label="事项", choices=ObligationKind.choices, error_messages=_MSG)
    date = _date("日期")
    people = _text("参加人员", 300)
    evidence = _text("佐证（会议记录、报告标题、文号等）", 500)
    detail = forms.ChoiceField(label="类别", required=False, error_messages=_MSG,
                               choices=[("", "（不适用）")] + [(x, x) for x in ["到村工作前", "工作生活遇到困难时",
                                                                            "任期结束后"] + IMMEDIATE_INCIDENTS
                                                              + AWARDS])
    days = forms.IntegerField(label="培训天数", required=False, min_value=1, max_value=365, error_messages=_NUM)


class NegativeForm(forms.Form):
    problem = _text("问题", 500, rows=2)


class AdvanceForm(forms.Form):
    rectification = _text("整改情况与佐证", 500, required=False)
    confirm = forms.BooleanField(label="确认办理", error_messages={"required": "请勾选确认"})


class AssignmentForm(forms.Form):
    what = forms.ChoiceField(label="申请事项", choices=[(x, x) for x in FORBIDDEN_DUTIES], error_messages=_MSG)
    detail = _text("说明", 200, required=False)


class BoardPhoneForm(forms.Form):
    work_phone = _text("工作电话", 20)


class ReimbursementForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Reimbursement.Kind.choices, error_messages=_MSG)
    date = _date("日期")
    amount = forms.DecimalField(label="金额（元）", max_digits=10, decimal_places=2, min_value=0,
                                error_messages={**_NUM, "max_decimal_places": "最多两位小数"})
    note = _text("事由/票据", 200)


class TaskForm(forms.Form):
    """STN-17: a task the county or township gives a stationed cadre."""

    title = _text("任务", 100)
    detail = _text("要求", 500, required=False, rows=3)
    due = _date("完成期限")
    sure = forms.BooleanField(required=False, widget=forms.HiddenInput)


class TaskReportForm(forms.Form):
    """STN-17: the cadre reports a task done, with an evidence file."""

    report = _text("完成情况", 500, rows=3)
    evidence = forms.FileField(label="佐证材料（PDF、图片、Word、Excel）", error_messages=_MSG)


class AwardForm(forms.Form):
    """STN-16: a nomination: the category (from the policy) and the reasons."""

    category = forms.ChoiceField(label="表彰类别", choices=[(x, x) for x in AWARDS], error_messages=_MSG)
    reasons = _text("推荐理由（主要事迹）", 1000, rows=5)
    sure = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AwardDecideForm(forms.Form):
    note = _text("审核意见", 300, required=False, rows=2)


class SymposiumForm(forms.Form):
    """MTG-04: the quarter's symposium; attendees are ticked from the stationed cadres listed on the page."""

    held_on = _date("召开日期")
    place = _text("地点", 100, required=False)


class SymposiumReportForm(forms.Form):
    """MTG-04: a first secretary's report at the symposium."""

    summary = _text("汇报内容（本季度工作、问题、下步打算；第四季度为年度工作）", 2000, rows=5)
    evidence = forms.FileField(label="书面汇报材料（可选）", required=False, error_messages=_MSG)
    sure = forms.BooleanField(required=False, widget=forms.HiddenInput)
