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


class SecurityParams(PolicyParams):
    """Accounts and sign-in (issue 16): GB/T 22239-2019 level 3 baseline, read at the county.

    Its own module so that only the security administrator (``security.manage``) changes it; a
    business role holding ``policy.edit`` cannot loosen the rules that protect its own accounts.
    """

    password_min_length: int = param(8, "密码最小长度", source="等保2.0", ge=6, le=64)
    password_min_classes: int = param(3, "密码至少包含的字符类别数（大写、小写、数字、符号）", source="等保2.0",
                                      ge=1, le=4)
    password_history: int = param(5, "新密码不得与最近几次密码相同", source="等保2.0", ge=0, le=24)
    password_max_age_days: int = param(90, "密码有效期（天）", source="等保2.0", ge=0)
    lockout_failures: int = param(5, "连续登录失败几次锁定账号", source="等保2.0", ge=1)
    lockout_window_minutes: int = param(15, "登录失败计数时间窗（分钟）", source="等保2.0", ge=1)
    lockout_minutes: int = param(30, "账号锁定时长（分钟）", source="等保2.0", ge=1)
    address_failures: int = param(30, "同一地址在计数时间窗内失败几次后暂停该地址登录", source="等保2.0", ge=1)
    idle_timeout_minutes: int = param(30, "无操作自动退出（分钟）", source="等保2.0", ge=1)
    phone_as_username: bool = param(False, "批量开通账号时以手机号作为用户名", source="等保2.0")


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
