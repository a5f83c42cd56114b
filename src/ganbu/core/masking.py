"""Masking of identity numbers and private phones (ORG-03, PUB-01)."""

from __future__ import annotations

import re


def mask_id_number(value: str | None) -> str:
    """330102199001011234 → 3301**********1234."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_card_number(value: str | None) -> str:
    """6230910000000012 → ************0012: a salary card shows only its last 4 digits on pages."""
    if not value:
        return ""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


_ID_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_text(value: str) -> str:
    """Mask every identity number and mobile number typed into free text the public sees
    (objections, answers): "我的身份证330102199001011234" → "我的身份证3301**********1234"."""
    value = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), value or "")
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), value)
