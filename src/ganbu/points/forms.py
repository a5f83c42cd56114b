"""积分 forms: the one place a page's text input is limited; services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms


def text(label: str, max_length: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, error_messages={
        "required": f"请填写{label}",
        "max_length": f"{label}最多 %(limit_value)d 字（现有 %(show_value)d 字）"})


class EntryForm(forms.Form):
    note = text("事由", 300, required=True)
    points = forms.CharField(label="分值", max_length=12, required=False,
                             error_messages={"max_length": "分值应为数字（最多 %(limit_value)d 位）"})


class ItemForm(forms.Form):
    name = text("项目", 100, required=True)


class RejectForm(forms.Form):
    reason = text("退回原因", 300)


def text_errors(form_class: type[forms.Form], data: Any) -> list[str]:
    """"字段：说明" for each refused field, as the 积分 pages list their errors."""
    form = form_class(data)
    if form.is_valid():
        return []
    return [f"{form.fields[name].label}：{errs[0]}" if name in form.fields else str(errs[0])
            for name, errs in form.errors.items()]
