"""Policy parameters of the org module (ORG-03, ORG-05): numbers and choices from the seeds, as data."""

from __future__ import annotations

from ganbu.core.policy import PolicyParams, param
from ganbu.core.presets import Preset

FUNDED_TITLES_S0 = ["village_secretary", "village_director", "village_clerk"]


class OrgParams(PolicyParams):
    funded_post_quota: int = param(3, "村干部职数（享受补贴的职位数）", source="S0", ge=0)
    funded_titles: list[str] = param(FUNDED_TITLES_S0, "职数内职务", source="S0")
    assessor_defaults: dict[str, dict[str, str]] = param(
        {"career": {"daily": "department", "meetings": "party_committee"}},
        "考核主体默认值（人员类别 → 日常/会议学习临时任务）", source="S0",
    )


PRESETS = {
    "org": {
        "S0": Preset(
            title="村干部职数与考核主体",
            params={
                "funded_post_quota": 3,
                "funded_titles": FUNDED_TITLES_S0,
                "assessor_defaults": {"career": {"daily": "department", "meetings": "party_committee"}},
            },
            notes={
                "funded_post_quota": "S0：村干部职数确定为三位：书记、主任、文书",
                "funded_titles": "S0：书记、主任、文书；其余群团干部和社长的职数由村支部、村委据实确定，非职数工资自酬解决",
                "assessor_defaults": "S0：事业干部的考核平时由所在部门进行，开会学习班和临时性工作安排由党委政府考核",
            },
            overridable=None,
        ),
    }
}
