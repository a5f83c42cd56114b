"""Input of the public board and the office's moderation, parsed here with Chinese messages."""

from __future__ import annotations

from django import forms

# The form's hard cap guards the server; the policy's (smaller) limit is checked by the service.
HARD_MAX = 5000


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", max_length=HARD_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "请填写异议内容",
                                           "max_length": "异议内容过长（最多 %(limit_value)d 字）"})
    name = forms.CharField(label="姓名（可不填）", max_length=50, required=False,
                           error_messages={"max_length": "姓名最多 %(limit_value)d 字"})
    contact = forms.CharField(label="联系方式（可不填，仅办公室可见）", max_length=50, required=False,
                              error_messages={"max_length": "联系方式最多 %(limit_value)d 字"})


class AnswerForm(forms.Form):
    answer = forms.CharField(label="公开答复", max_length=HARD_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写答复内容", "max_length": "答复过长"})


class HideForm(forms.Form):
    reason = forms.CharField(label="不予公开的理由", max_length=300,
                             error_messages={"required": "不予公开须填写理由", "max_length": "理由不能超过 300 字"})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由（将在公示页显示）", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "撤回公示须填写理由", "max_length": "理由不能超过 300 字"})
