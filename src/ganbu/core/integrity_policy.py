"""Integrity and personal-data retention (issue 17): a policy module registered from core's apps.

等保2.0 asks that audit records be kept at least six months; location data is personal data
(PIPL) and kept only as long as needed. Both are policy parameters an office may tighten (the
location window) or lengthen (the audit window, never below six months).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ganbu.core.policy import PolicyMissing, PolicyParams, param, policy_resolve


class IntegrityParams(PolicyParams):
    audit_retention_months: int = param(6, "审计记录至少保存（月）", ge=6)
    location_raw_days: int = param(30, "签到原始坐标保存（天），期满只留距离与是否在范围内", ge=1, le=3650)


def integrity_params(org_path: str, on: date) -> Any:
    """The adopted parameters for ``org_path``, or the defaults where none was adopted."""
    try:
        return policy_resolve("integrity", org_path, on).params
    except PolicyMissing:
        return IntegrityParams()
