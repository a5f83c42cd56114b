"""Public notice parameters (PUB-04): public period and supervision phone are left open by S3."""

from __future__ import annotations

from ganbu.core.policy import PolicyParams, open_param
from ganbu.core.presets import Preset


class NoticesParams(PolicyParams):
    public_days: int | None = open_param(7, "公示期（天，含第N天）", ge=1)
    supervision_phone: str | None = open_param("12380", "监督电话")


PRESETS = {
    "notices": {
        "S3": Preset(
            title="公示与通报",
            params={"public_days": None, "supervision_phone": None},
            notes={"public_days": "S3：全面进行公示（公示期原文未规定）",
                   "supervision_phone": "原文未规定监督电话"},
        ),
    },
}
