"""Resident identity numbers (GB 11643-1999): format, birth date, check digit."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_error(value: str) -> str | None:
    """None when valid, else a Chinese reason."""
    value = (value or "").strip().upper()
    if not _PATTERN.match(value):
        return "身份证号应为18位（前17位数字，末位数字或X）"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if check_digit(value[:17]) != value[17]:
        return "身份证号校验位错误"
    return None


def birth_date_of(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_of(value: str) -> str:
    return "M" if int(value[16]) % 2 else "F"


def make_id_number(region6: str, born: date, seq3: int, male: bool) -> str:
    """Build a valid number (for demo data and tests)."""
    seq = (2 * seq3 + (1 if male else 0)) % 1000  # distinct counters give distinct numbers (to 500)
    first17 = f"{region6}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)
