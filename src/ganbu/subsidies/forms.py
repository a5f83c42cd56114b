"""Forms of the subsidy pages: they parse and limit input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

CONFIRM = "请勾选确认"
REQ = {"required": "必填", "invalid": "格式不正确"}
MONEY = {"required": "必填", "invalid": "应为金额，如 15000.00", "max_digits": "金额过大",
         "max_decimal_places": "最多两位小数", "min_value": "不能为负数"}


def form_errors(form: forms.Form) -> list[str]:
    out = []
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out += [e if (not label or e == CONFIRM) else f"{label}：{e}" for e in errs]
    return out


def _confirm() -> forms.BooleanField:
    return forms.BooleanField(label="确认", error_messages={"required": CONFIRM})


class ProposeForm(forms.Form):
    township = forms.ModelChoiceField(label="镇（街道）", queryset=None, empty_label=None,
                                      error_messages={"required": "请选择镇", "invalid_choice": "请选择本人负责的镇"})
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={**REQ, "min_value": "年度应在2000—2100之间",
                                              "max_value": "年度应在2000—2100之间"})
    rural_income = forms.DecimalField(label="上年农村人均收入（元）", required=False, max_digits=10, decimal_places=2,
                                      min_value=0, error_messages=MONEY)
    duty_logs_checked = forms.BooleanField(label="已检查各村书记《履责全程纪实日志》", required=False)
    confirm = _confirm()

    def __init__(self, *args: Any, townships: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["township"].queryset = townships


class ApproveForm(forms.Form):
    note = forms.CharField(label="审核意见", required=False, max_length=300)
    confirm = _confirm()


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=300, error_messages={"required": "请填写退回理由",
                                                                          "max_length": "不超过300字"})
    confirm = _confirm()


class CorrectForm(forms.Form):
    reason = forms.CharField(label="更正理由", max_length=300, error_messages={"required": "请填写更正理由",
                                                                          "max_length": "不超过300字"})
    rural_income = forms.DecimalField(label="上年农村人均收入（元）", required=False, max_digits=10, decimal_places=2,
                                      min_value=0, error_messages=MONEY)
    duty_logs_checked = forms.BooleanField(label="已检查各村书记《履责全程纪实日志》", required=False)
    confirm = _confirm()


class CardForm(forms.Form):
    person = forms.TypedChoiceField(label="干部", coerce=int, error_messages={"required": "请选择干部",
                                                                            "invalid_choice": "请选择花名册上的干部"})
    bank = forms.CharField(label="开户行", max_length=60, error_messages={"required": "请填写开户行"})
    number = forms.CharField(label="工资卡卡号", max_length=30, error_messages={"required": "请填写卡号"})

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].choices = people


class ConfirmForm(forms.Form):
    confirm = _confirm()
