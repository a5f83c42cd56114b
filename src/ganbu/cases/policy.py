"""Case handling parameters (DSC-01, DSC-02). No seed gives them: both are open numbers."""

from __future__ import annotations

from ganbu.core.policy import PolicyParams, open_param
from ganbu.core.presets import Preset


class CasesParams(PolicyParams):
    appeal_days: int | None = open_param(7, "申诉期限（天，含第N天）", ge=1)
    due_days: int | None = open_param(15, "问责事项办理期限（天）", ge=1)


PRESETS = {
    "cases": {
        "S3": Preset(
            title="问责事项与申诉",
            params={"appeal_days": None, "due_days": None},
            notes={"appeal_days": "原文未规定申诉期限", "due_days": "原文未规定办理期限"},
        ),
    },
}
