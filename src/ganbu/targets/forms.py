"""The one place target pages parse input: lengths, types and Chinese messages."""

from __future__ import annotations

from typing import Any

from django import forms

from ganbu.org.models import Person

REQUIRED = {"required": "请填写{label}"}
CONFIRM = "请勾选确认"


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _msgs(label: str) -> dict[str, str]:
    return {"required": f"请填写{label}", "invalid": f"{label}格式不正确", "invalid_choice": f"请选择{label}"}


class ConfirmForm(forms.Form):
    """Every action that changes others' records shows what it will do and asks to confirm."""

    confirm = forms.BooleanField(error_messages={"required": CONFIRM})
    note = forms.CharField(max_length=500, required=False)


class ProposeForm(forms.Form):
    village = forms.ModelChoiceField(queryset=None, label="村（社区）", error_messages=_msgs("村（社区）"))
    term_start = forms.IntegerField(min_value=2000, max_value=2100, label="任期起始年", error_messages=_msgs("任期起始年"))
    term_end = forms.IntegerField(min_value=2000, max_value=2100, label="任期结束年", error_messages=_msgs("任期结束年"))

    def __init__(self, *args: Any, villages: Any, categories: list[str], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["village"].queryset = villages
        self.categories = categories
        for n, cat in enumerate(categories):
            self.fields[f"cat_{n}"] = forms.BooleanField(required=False, label=cat)
            self.fields[f"guide_{n}"] = forms.CharField(required=False, max_length=300, label=f"{cat}·框架要点")

    def framework(self) -> list[tuple[str, str]]:
        d = self.cleaned_data
        return [(cat, d.get(f"guide_{n}", "")) for n, cat in enumerate(self.categories) if d.get(f"cat_{n}")]


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label="类别", error_messages=_msgs("类别"))
    text = forms.CharField(max_length=300, label="落实措施", error_messages=_msgs("落实措施"))
    standard = forms.CharField(max_length=300, required=False, label="标准要求")
    deadline = forms.DateField(widget=_date(), required=False, label="落实时限", error_messages=_msgs("落实时限"))
    responsible = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="责任人",
                                         error_messages=_msgs("责任人"))
    major = forms.BooleanField(required=False, label="重大事项（验收前须满意度测评）")

    def __init__(self, *args: Any, categories: list[str], people: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["category"].choices = [(c, c) for c in categories]
        self.fields["responsible"].queryset = people


class VoteForm(forms.Form):
    held_on = forms.DateField(widget=_date(), label="会议日期", error_messages=_msgs("会议日期"))
    attendance = forms.IntegerField(min_value=0, max_value=100000, label="到会人数", error_messages=_msgs("到会人数"))
    votes_for = forms.IntegerField(min_value=0, max_value=100000, label="赞成票", error_messages=_msgs("赞成票"))
    votes_against = forms.IntegerField(min_value=0, max_value=100000, label="反对票", error_messages=_msgs("反对票"))
    minutes = forms.FileField(label="会议记录", error_messages={"required": "请上传会议记录（会议纪要或签到表）"})
    confirm = forms.BooleanField(error_messages={"required": CONFIRM})


class TaskEditForm(forms.Form):
    title = forms.CharField(max_length=300, label="实事", error_messages=_msgs("实事"))
    standard = forms.CharField(max_length=300, required=False, label="标准要求")
    deadline = forms.DateField(widget=_date(), required=False, label="完成时限", error_messages=_msgs("完成时限"))
    responsible = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="责任人")

    def __init__(self, *args: Any, people: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["responsible"].queryset = people


class AssignForm(forms.Form):
    inspector = forms.ModelChoiceField(queryset=None, label="检查人", error_messages=_msgs("检查人"))
    scheduled_on = forms.DateField(widget=_date(), label="计划检查日期", error_messages=_msgs("计划检查日期"))
    confirm = forms.BooleanField(error_messages={"required": CONFIRM})

    def __init__(self, *args: Any, inspectors: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["inspector"].queryset = inspectors


class DoneForm(forms.Form):
    done_on = forms.DateField(widget=_date(), label="完成日期", error_messages=_msgs("完成日期"))


class RoundForm(forms.Form):
    org = forms.ModelChoiceField(queryset=None, label="范围", error_messages=_msgs("范围"))
    kind = forms.ChoiceField(label="方式", error_messages=_msgs("方式"))
    scope = forms.ChoiceField(label="普查或抽查", error_messages=_msgs("普查或抽查"))
    start = forms.DateField(widget=_date(), label="开始日期", error_messages=_msgs("开始日期"))
    days = forms.IntegerField(min_value=1, max_value=60, label="天数", error_messages=_msgs("天数"))
    sample = forms.IntegerField(min_value=1, max_value=10000, required=False, label="抽查村数")

    def __init__(self, *args: Any, orgs: Any, kinds: Any, scopes: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["org"].queryset = orgs
        self.fields["kind"].choices = kinds
        self.fields["scope"].choices = scopes


class IssueForm(forms.Form):
    village = forms.ModelChoiceField(queryset=None, label="村", error_messages=_msgs("村"))
    text = forms.CharField(max_length=300, label="存在问题", error_messages=_msgs("存在问题"))

    def __init__(self, *args: Any, villages: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["village"].queryset = villages


class YearEndForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label="干部", error_messages=_msgs("干部"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label="年度", error_messages=_msgs("年度"))
    outcome = forms.ChoiceField(label="年终结果", error_messages=_msgs("年终结果"))
    score = forms.DecimalField(min_value=0, max_value=100, required=False, label="综合得分")
    confirm = forms.BooleanField(error_messages={"required": CONFIRM})

    def __init__(self, *args: Any, people: Any, outcomes: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["person"].queryset = people
        self.fields["outcome"].choices = outcomes


class DepositForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label="干部", error_messages=_msgs("干部"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label="年度", error_messages=_msgs("年度"))

    def __init__(self, *args: Any, people: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["person"].queryset = people


class DecisionForm(forms.Form):
    village = forms.ModelChoiceField(queryset=None, label="村", error_messages=_msgs("村"))
    decided_on = forms.DateField(widget=_date(), label="决定日期", error_messages=_msgs("决定日期"))
    title = forms.CharField(max_length=200, label="决策事项", error_messages=_msgs("决策事项"))
    body = forms.ChoiceField(label="讨论决定的会议", required=False)
    meeting_on = forms.DateField(widget=_date(), required=False, label="会议日期")
    loss = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, required=False, label="造成损失（元）",
                              error_messages=_msgs("造成损失"))
    responsible = forms.ModelMultipleChoiceField(queryset=None, label="责任人", error_messages=_msgs("责任人"))
    confirm = forms.BooleanField(error_messages={"required": CONFIRM})

    def __init__(self, *args: Any, villages: Any, people: Any, bodies: list[str], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["village"].queryset = villages
        self.fields["responsible"].queryset = people
        self.fields["body"].choices = [("", "未经会议讨论"), *[(b, b) for b in bodies]]


class FundForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label="考核办人员", error_messages=_msgs("考核办人员"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label="年度", error_messages=_msgs("年度"))
    bonus = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, label="当年奖金（元）",
                               error_messages=_msgs("当年奖金"))
    pct = forms.IntegerField(min_value=0, max_value=100, label="提取比例（%）", error_messages=_msgs("提取比例"))

    def __init__(self, *args: Any, people: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["person"].queryset = people


class FundDecideForm(forms.Form):
    status = forms.ChoiceField(choices=[("paid", "兑现"), ("withheld", "扣减")], label="结果",
                               error_messages=_msgs("结果"))
    reason = forms.CharField(max_length=300, label="理由", error_messages=_msgs("理由"))
    confirm = forms.BooleanField(error_messages={"required": CONFIRM})


def form_errors(form: forms.Form) -> list[str]:
    """Chinese messages naming the field."""
    out = []
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        for e in errs:
            out.append(e if (not label or label in e or e == CONFIRM) else f"{label}：{e}")
    return out
