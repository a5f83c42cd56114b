"""Role-dependent navigation. Entries whose URL an app has not defined yet are skipped."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from ganbu.core.access import has_perm

# (label, url name, permission needed anywhere; None = any signed-in user; "@dotted.path" = a predicate
# on the user, for entries that follow a fact rather than a role, e.g. "stationed in a village today")
NAV: list[tuple[str, str, str | None]] = [
    ("首页", "home", None),
    ("组织架构", "org:tree", "org.view"),
    ("干部名册", "org:people", "person.view"),
    ("我的签到", "attendance:signin", None),
    ("考勤统计", "attendance:monthly", "attendance.view"),
    ("值班排班", "attendance:duty", "duty.manage"),
    ("会议学习", "attendance:meetings", "attendance.view"),
    ("请销假", "leave:mine", None),
    ("审批待办", "leave:inbox", "leave.approve"),
    ("积分管理", "points:ranking", "points.view"),
    ("千分制考核", "assessment:home", "assessment.view"),
    ("任期目标", "targets:home", "targets.view"),
    ("问责事项", "cases:list", "cases.view"),
    ("村干部补贴", "subsidies:home", "subsidies.view"),
    ("公示通报", "notices:manage", "notices.publish"),
    ("驻村干部", "stationing:cadres", "stationing.view"),
    ("选派调整", "stationing:selections", "stationing.view"),
    ("驻村工作日记", "stationing:diary", "@ganbu.stationing.queries.is_stationed"),
    ("民情日记", "diary:mine", "@ganbu.diary.queries.nav_is_stationed"),
    ("民情督办", "diary:matters", "diary.view"),
    ("驻村联户", "diary:stations", "diary.view"),
    ("后备干部", "reserves:county", "reserves.view"),
    ("村书记关爱", "reserves:care", "care.manage"),
    ("细则设置", "core:policies", "policy.view"),
    ("工作日历", "core:calendar", "calendar.manage"),
    ("审计日志", "core:audit", "audit.view"),
    ("账号管理", "org:accounts", "accounts.view"),
    ("角色授权", "org:grants", "roles.manage"),
    ("安全设置", "org:security", "security.manage"),
]


SELF_SERVICE = {"attendance:signin", "leave:mine"}


def nav_items(user: Any) -> list[dict[str, str]]:
    items = []
    cadre = bool(getattr(user, "person_id", None))
    for label, name, perm in NAV:
        if perm is not None and perm.startswith("@"):
            if not import_string(perm[1:])(user):
                continue
        elif perm is not None and not has_perm(user, perm):
            continue
        if name in SELF_SERVICE and not cadre:  # administrators without a person record (三员) have none
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "name": name})
    return items


def nav_context(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    from ganbu.core.models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"nav": nav_items(user), "unread_count": unread}
