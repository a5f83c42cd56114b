"""Roles (ORG-07) and what each may do. A role is granted on an org and reaches its subtree.

Permissions are plain strings ``<area>.<verb>``; apps check them through ``core.access``.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "全权管理员（部署初始化）"
    COUNTY_ORG = "county_org", "县委组织部"
    COUNTY_RURAL = "county_rural", "县乡村振兴局"
    COUNTY_DEPUTY = "county_deputy", "县委分管副书记"
    COUNTY_FINANCE = "county_finance", "县财政局"
    TOWNSHIP_SECRETARY = "township_secretary", "镇党委书记"
    TOWNSHIP_HEAD = "township_head", "镇长"
    TOWNSHIP_OFFICE = "township_office", "党政办/考核办"
    VILLAGE_SECRETARY = "village_secretary", "村党组织书记"
    VILLAGE_COMMITTEE = "village_committee", "村委会"
    FIRST_SECRETARY = "first_secretary", "驻村第一书记（队长）"
    DISPATCH_LEADER = "dispatch_leader", "派出单位分管领导"
    # 三员分立 (issue 16, 等保2.0): three administrators, none holding another's job or a business role.
    SYSTEM_ADMIN = "system_admin", "系统管理员（账号）"
    SECURITY_ADMIN = "security_admin", "安全管理员（角色与安全设置）"
    AUDIT_ADMIN = "audit_admin", "审计管理员（审计日志）"


VIEW = {
    "org.view", "person.view", "attendance.view", "leave.view", "points.view", "assessment.view",
    "cases.view", "stationing.view", "subsidies.view", "targets.view", "notices.view", "policy.view",
}

ALL = VIEW | {
    "org.manage", "person.manage", "person.view_id", "roster.import", "roster.export", "policy.edit",
    "policy.adopt", "audit.view", "calendar.manage", "attendance.sign_for", "attendance.stamp",
    "attendance.correct", "attendance.sign_table", "attendance.file", "attendance.spot_check",
    "duty.manage", "meeting.manage", "leave.approve", "leave.override", "points.record", "points.approve",
    "points.catalogue", "points.publish", "assessment.score", "assessment.manage", "cases.act",
    "notices.publish", "notices.answer", "stationing.manage", "subsidies.manage", "targets.manage",
}

# The three administrators' permissions: disjoint from each other and from every business role.
ADMIN_PERMS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset({"accounts.manage", "accounts.view", "backoffice.repair"}),
    Role.SECURITY_ADMIN: frozenset({"roles.manage", "roles.view_users", "security.manage"}),
    Role.AUDIT_ADMIN: frozenset({"audit.view", "audit.export"}),
}
ADMIN_ROLES = frozenset(ADMIN_PERMS)
# Roles whose holders must use two-factor sign-in when it is required (GANBU_REQUIRE_2FA).
TOTP_ROLES = ADMIN_ROLES | {Role.ADMIN, Role.COUNTY_ORG, Role.COUNTY_RURAL, Role.COUNTY_DEPUTY, Role.COUNTY_FINANCE}

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(ALL),
    Role.COUNTY_ORG: frozenset(ALL - {"attendance.sign_for", "attendance.stamp", "attendance.sign_table"}),
    Role.COUNTY_RURAL: frozenset(VIEW | {"leave.approve", "leave.override", "stationing.manage", "roster.export"}),
    Role.COUNTY_DEPUTY: frozenset(VIEW | {"leave.approve", "leave.override", "cases.act", "person.view_id"}),
    Role.COUNTY_FINANCE: frozenset(VIEW | {"subsidies.manage"}),
    Role.TOWNSHIP_SECRETARY: frozenset(VIEW | {
        "org.manage", "person.manage", "person.view_id", "roster.export", "policy.edit", "policy.adopt",
        "attendance.correct", "attendance.sign_table", "duty.manage", "meeting.manage", "leave.approve",
        "leave.override", "points.approve", "assessment.score", "cases.act", "notices.publish", "audit.view",
    }),
    Role.TOWNSHIP_HEAD: frozenset(VIEW | {"leave.approve", "points.approve", "assessment.score", "cases.act",
                                          "person.view_id"}),
    Role.TOWNSHIP_OFFICE: frozenset(VIEW | {
        "org.manage", "person.manage", "person.view_id", "roster.import", "roster.export", "policy.edit",
        "attendance.sign_for", "attendance.stamp", "attendance.correct", "attendance.spot_check", "duty.manage",
        "meeting.manage", "points.record", "points.catalogue", "points.publish", "assessment.score",
        "assessment.manage", "cases.act", "notices.publish", "notices.answer", "audit.view", "targets.manage",
    }),
    Role.VILLAGE_SECRETARY: frozenset({"org.view", "person.view", "attendance.view", "leave.view", "leave.approve",
                                       "points.view", "assessment.view", "cases.view", "stationing.view",
                                       "targets.view", "notices.view"}),
    Role.VILLAGE_COMMITTEE: frozenset({"org.view", "person.view", "attendance.view", "points.view",
                                       "targets.view", "notices.view"}),
    Role.FIRST_SECRETARY: frozenset({"org.view", "person.view", "attendance.view", "leave.view", "leave.approve",
                                     "stationing.view", "points.view", "notices.view"}),
    Role.DISPATCH_LEADER: frozenset({"stationing.view", "person.view", "attendance.view", "leave.view"}),
    **ADMIN_PERMS,
}

# What every signed-in cadre may do about himself.
SELF_PERMS = frozenset({"person.view", "attendance.sign", "attendance.view", "leave.apply", "leave.view",
                        "points.view", "cases.view", "cases.appeal", "assessment.view", "stationing.view"})

# Township cadres in the villages (民情日记, 驻村联户) and reserve cadres, care for village secretaries
# (DRY, STN-01/02, RSV, ORG-10). Kept as one block so the apps' permissions read in one place.
_VILLAGE_WORK: dict[str, set[str]] = {
    Role.ADMIN: {"diary.view", "diary.answer", "diary.harm", "diary.manage", "reserves.view", "reserves.manage",
                 "care.manage"},
    Role.COUNTY_ORG: {"diary.view", "diary.harm", "reserves.view", "reserves.manage", "care.manage"},
    Role.COUNTY_RURAL: {"diary.view", "reserves.view"},
    Role.COUNTY_DEPUTY: {"diary.view", "diary.harm", "reserves.view"},
    Role.TOWNSHIP_SECRETARY: {"diary.view", "diary.answer", "diary.harm", "diary.manage", "reserves.view",
                              "reserves.manage", "care.manage"},
    Role.TOWNSHIP_HEAD: {"diary.view", "diary.answer", "reserves.view"},
    Role.TOWNSHIP_OFFICE: {"diary.view", "diary.manage", "reserves.view", "reserves.manage", "care.manage"},
}
ROLE_PERMS = {role: perms | frozenset(_VILLAGE_WORK.get(role, ())) for role, perms in ROLE_PERMS.items()}

# Village cadre subsidies (SUB-04 先审批后发放): the township proposes and publishes, the organisation
# department reviews, the finance bureau approves and writes the bank file.
_SUBSIDIES: dict[str, set[str]] = {
    Role.ADMIN: {"subsidies.propose", "subsidies.org_review", "subsidies.finance_review", "subsidies.publish",
                 "subsidies.pay"},
    Role.COUNTY_ORG: {"subsidies.org_review", "subsidies.publish"},
    Role.COUNTY_FINANCE: {"subsidies.finance_review", "subsidies.pay"},
    Role.TOWNSHIP_SECRETARY: {"subsidies.propose", "subsidies.publish"},
    Role.TOWNSHIP_OFFICE: {"subsidies.propose", "subsidies.publish"},
}
ROLE_PERMS = {role: perms | frozenset(_SUBSIDIES.get(role, ())) for role, perms in ROLE_PERMS.items()}
