"""Template helpers shared by the diary and reserves pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def error_lines(form: Any) -> list[str]:
    """Every error of a form as one line that names its field ("发生日期：…"), unless the message already does."""
    out = []
    for name, errs in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields and form.fields[name].label else ""
        for e in errs:
            out.append(e if not label or str(e).startswith(label) else f"{label}：{e}")
    return out
