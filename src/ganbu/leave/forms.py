"""Leave forms: the one place a page's input is parsed and limited (lengths, dates); services decide."""

from __future__ import annotations

from typing import Any

from django import forms

DATE_MESSAGES = {"invalid": "日期格式应为 YYYY-MM-DD"}


def text(label: str, max_length: int, *, required: bool = False) -> forms.CharField:
    """A text field whose refusals name the field in Chinese (too long: how long it may be and is)."""
    return forms.CharField(label=label, max_length=max_length, required=required, error_messages={
        "required": f"请填写{label}",
        "max_length": f"{label}最多 %(limit_value)d 字（现有 %(show_value)d 字）"})


def first_errors(form: forms.Form) -> dict[str, str]:
    """Field → its first Chinese message (the pages show one message per field)."""
    return {name: str(errs[0]) for name, errs in form.errors.items()}


class LeaveForm(forms.Form):
    start = forms.DateField(label="开始日期", required=False, error_messages=DATE_MESSAGES)
    end = forms.DateField(label="结束日期", required=False, error_messages=DATE_MESSAGES)
    reason = text("事由", 500)
    override_reason = text("准许理由", 300)


class ReturnForm(forms.Form):
    """销假: the day back at post (any day from the start to today) and a note."""

    returned_on = forms.DateField(label="返岗日期", error_messages={**DATE_MESSAGES, "required": "请填写返岗日期"})
    note = text("说明", 300)


class RevokeForm(forms.Form):
    reason = text("取消原因", 300)


class DecideForm(forms.Form):
    comment = text("意见", 300)
    override_reason = text("越过轮休规则的理由", 300)


def parse(form_class: type[forms.Form], data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    form = form_class(data)
    if form.is_valid():
        return form.cleaned_data, {}
    return {}, first_errors(form)
