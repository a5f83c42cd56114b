"""What a rule found: the plain-data bridge from ``rules.py`` to ``cases`` (DSC-01)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A rule fired. ``key`` is stable (rule, subject, period) so re-evaluation never duplicates."""

    rule_id: str
    key: str
    title: str
    measure: str
    facts: dict[str, Any] = field(default_factory=dict)
    subject_person_id: int | None = None
    org_path: str = ""
    due: date | None = None
    policy_version_id: int | None = None
    policy_ref: str = ""
    provisional: bool = False
    acting_role: str = ""
