"""Public notice parameters (PUB-04): public period and supervision phone are left open by S3;
objection moderation limits are ganbu's own (no seed gives them), shown as suggested values."""

from __future__ import annotations

from ganbu.core.policy import PolicyParams, open_param, param
from ganbu.core.presets import Preset


class NoticesParams(PolicyParams):
    public_days: int | None = open_param(7, "公示期（天，含第N天）", ge=1)
    supervision_phone: str | None = open_param("12380", "监督电话")
    objection_max_chars: int = param(500, "异议字数上限", source="非原文规定（防止刷屏）", ge=20, le=5000)
    objection_daily_limit: int = param(3, "同一网络地址每日可提异议数", source="非原文规定（防止刷屏）",
                                       ge=1, le=100)
    reply_max_chars: int = param(1000, "答复字数上限", source="非原文规定", ge=20, le=5000)


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
