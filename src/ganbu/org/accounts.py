"""Accounts and role grants (issue 16): logins from people, first passwords, deactivation,
password changes, grants with 三员分立 (separation of the three administrators).

Every write is a service here with the acting user, one transaction and an audit row; the checks
of who may do it (system administrator for accounts, security administrator for grants) are
here too, so the pages, the back office and the API cannot differ.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ganbu.core.access import has_perm
from ganbu.core.audit import audit_record
from ganbu.org.models import Org, PasswordHistory, Person, RoleGrant, User
from ganbu.org.roles import ADMIN_ROLES, ROLE_PERMS, Role

NOT_ALLOWED = "您没有此项操作的权限"
HAS_ACCOUNT = "{name} 已有登录账号"
USERNAME_TAKEN = "用户名 {username} 已被使用"
NO_PHONE = "{name} 没有登记手机号，不能以手机号作为用户名"
SEPARATION = "三员分立：{role} 不能与该用户已有的 {other} 同时担任"
ADMIN_NEEDS_NO_PERSON = "管理员账号不能担任业务角色"
UNKNOWN_ROLE = "请选择有效的角色"
SELF_GRANT = "不能给自己授权或撤销自己的授权"
GRANT_EXISTS = "该用户已在该单位担任此角色"
WRONG_OLD = "原密码不正确"
MISMATCH = "两次输入的新密码不一致"


# --- password rules ----------------------------------------------------------------------------

class PolicyPasswordValidator:
    """Length, character classes, not the user name, not one of the last N (policy parameters)."""

    def validate(self, password: str, user: Any = None) -> None:
        from ganbu.org.signin import security_params

        p = security_params()
        errors = []
        if len(password) < p.password_min_length:
            errors.append(f"密码至少 {p.password_min_length} 位")
        classes = sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                       any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
        if classes < p.password_min_classes:
            errors.append(f"密码须至少包含大写字母、小写字母、数字、符号中的 {p.password_min_classes} 类")
        if user is not None and user.username and user.username.lower() in password.lower():
            errors.append("密码不能包含用户名")
        if user is not None and user.pk and p.password_history:
            recent = PasswordHistory.objects.filter(user_id=user.pk)[: p.password_history]
            if any(check_password(password, h.password) for h in recent):
                errors.append(f"新密码不能与最近 {p.password_history} 次使用过的密码相同")
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return "至少 8 位，含大写、小写、数字、符号中的 3 类，不含用户名，不与最近 5 次相同"


def first_password() -> str:
    """A random first password that meets every rule (printed on the sealed slip)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        core = "".join(secrets.choice(alphabet) for _ in range(10))
        pw = core + secrets.choice("#%+=@") + secrets.choice(string.digits)
        if any(c.isupper() for c in pw) and any(c.islower() for c in pw):
            return pw


def _remember(user: User) -> None:
    PasswordHistory.objects.create(user=user, password=user.password)


def password_expired(user: Any) -> bool:
    from ganbu.org.signin import security_params

    days = security_params().password_max_age_days
    if not days or user.password_changed_at is None:
        return False
    return user.password_changed_at < timezone.now() - timedelta(days=days)


@transaction.atomic
def password_change(*, actor: Any, user: User, old: str, new: str, new2: str, request: Any = None) -> User:
    """Self-service change: the old password, the rules, then every phone token ends."""
    from ganbu.org.signin import client_address, client_device
    from ganbu.org.tokens import token_revoke

    if actor.pk != user.pk:
        raise ValidationError({"old": NOT_ALLOWED})
    if not user.check_password(old):
        raise ValidationError({"old": WRONG_OLD})
    if new != new2:
        raise ValidationError({"new2": MISMATCH})
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise ValidationError({"new": exc.messages}) from None
    user.set_password(new)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    _remember(user)
    token_revoke(actor=actor, user=user)
    audit_record(actor=actor, action="auth.password_change", object_type="user", object_id=user.pk,
                 after={"address": client_address(request), "device": client_device(request)})
    return user


# --- accounts (system administrator) ------------------------------------------------------------

def _require(actor: Any, perm: str, path: str | None = None) -> None:
    if not has_perm(actor, perm, path):
        raise PermissionError(NOT_ALLOWED)


@dataclass(frozen=True)
class Slip:
    """One sealed slip: whose login, the user name and the first password (shown once)."""

    name: str
    org: str
    username: str
    password: str


def _username_for(person: Person, phone_as_username: bool) -> str:
    if phone_as_username:
        if not person.phone:
            raise ValidationError(NO_PHONE.format(name=person.name))
        return person.phone
    return f"u{person.pk:06d}"


@transaction.atomic
def account_create(*, actor: Any, person: Person, username: str = "") -> Slip:
    """A login for one person, with a random first password to change at first sign-in."""
    from ganbu.org.signin import security_params

    _require(actor, "accounts.manage", person.org_path)
    if User.objects.filter(person=person).exists():
        raise ValidationError(HAS_ACCOUNT.format(name=person.name))
    username = (username or _username_for(person, security_params().phone_as_username)).strip()[:150]
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(USERNAME_TAKEN.format(username=username))
    password = first_password()
    user = User.objects.create_user(username=username, password=password, display_name=person.name, person=person,
                                    must_change_password=True, password_changed_at=timezone.now())
    _remember(user)
    audit_record(actor=actor, action="account.create", object_type="user", object_id=user.pk,
                 org_path=person.org_path, after={"username": username, "person": person.pk})
    return Slip(person.name, person.org.name, username, password)


@transaction.atomic
def accounts_create_bulk(*, actor: Any, people: list[Person]) -> tuple[list[Slip], list[str]]:
    """Logins for everyone listed who has none; all or nothing (each problem named)."""
    slips, errors = [], []
    for person in people:
        try:
            with transaction.atomic():
                slips.append(account_create(actor=actor, person=person))
        except ValidationError as exc:
            errors += [f"{person.name}：{m}" for m in exc.messages]
    if errors:
        transaction.set_rollback(True)
        return [], errors
    return slips, []


@transaction.atomic
def account_password_reset(*, actor: Any, user: User) -> Slip:
    """A new first password on a new slip; the old one and every phone token stop working."""
    from ganbu.org.signin import sessions_end
    from ganbu.org.tokens import token_revoke

    _require(actor, "accounts.manage", user.person.org_path if user.person_id else None)
    password = first_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    _remember(user)
    token_revoke(actor=actor, user=user)
    sessions_end(actor=actor, user=user)
    audit_record(actor=actor, action="account.password_reset", object_type="user", object_id=user.pk,
                 org_path=user.person.org_path if user.person_id else "")
    return Slip(str(user), user.person.org.name if user.person_id else "", user.username, password)


@transaction.atomic
def account_deactivate(*, actor: Any, user: User, reason: str) -> User:
    """The login stops (sessions and tokens end); the user row, his grants and history stay."""
    from ganbu.org.signin import sessions_end
    from ganbu.org.tokens import token_revoke

    _require(actor, "accounts.manage", user.person.org_path if user.person_id else None)
    if not reason.strip():
        raise ValidationError({"reason": "请填写停用原因"})
    user.is_active = False
    user.save(update_fields=["is_active"])
    RoleGrant.objects.filter(user=user, end__isnull=True).update(end=timezone.localdate())
    token_revoke(actor=actor, user=user)
    sessions_end(actor=actor, user=user)
    audit_record(actor=actor, action="account.deactivate", object_type="user", object_id=user.pk,
                 org_path=user.person.org_path if user.person_id else "", reason=reason.strip())
    return user


@transaction.atomic
def account_otp_reset(*, actor: Any, user: User) -> int:
    """A lost phone: the user's TOTP devices go; at the next sign-in he binds a new one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require(actor, "accounts.manage", user.person.org_path if user.person_id else None)
    n, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="account.otp_reset", object_type="user", object_id=user.pk,
                 org_path=user.person.org_path if user.person_id else "", after={"devices": n})
    return n


def accounts_visible(actor: Any) -> Any:
    """Users the actor may see on the accounts pages: everyone with a person in his scope, and the
    users without a person (administrators) for a county-wide administrator."""
    from ganbu.core.access import perm_paths

    paths = sorted(set(perm_paths(actor, "accounts.view")) | set(perm_paths(actor, "roles.view_users")))
    if not paths:
        return User.objects.none()
    if "" in paths:
        return User.objects.all()
    q = Q()
    for p in paths:
        q |= Q(person__org_path__startswith=p) | Q(grants__org__path__startswith=p)
    if any(len(p) <= 6 for p in paths):
        q |= Q(person__isnull=True)
    return User.objects.filter(q).distinct()


# --- grants (security administrator) -----------------------------------------------------------

def scope_in_words(org: Org) -> str:
    """"青山镇及其下辖村", "东村", "示范县全县": what a grant on ``org`` reaches."""
    from ganbu.org.models import OrgKind

    if org.kind == OrgKind.COUNTY:
        return f"{org.name}全县（含各乡镇、村）"
    if org.kind in (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT):
        return f"{org.name}及其下辖村（社区）"
    if org.kind in (OrgKind.DISPATCH_UNIT, OrgKind.DEPARTMENT):
        return f"{org.name}（本单位及其派出人员）"
    return f"{org.name}（仅本村/社区）"


def _held_roles(user: User, today: date) -> set[str]:
    return set(RoleGrant.objects.filter(user=user).filter(Q(end__isnull=True) | Q(end__gte=today))
               .values_list("role", flat=True))


def separation_error(user: User, role: str, today: date | None = None) -> str:
    """三员分立: an administrator role excludes every other role; a business role excludes the admins."""
    labels = dict(Role.choices)
    held = _held_roles(user, today or timezone.localdate()) - {role}
    if role in ADMIN_ROLES and held:
        return SEPARATION.format(role=labels[role], other="、".join(labels.get(r, r) for r in sorted(held)))
    clash = held & ADMIN_ROLES
    if role not in ADMIN_ROLES and clash:
        return SEPARATION.format(role=labels.get(role, role), other="、".join(labels[r] for r in sorted(clash)))
    return ""


def _where(request: Any) -> dict[str, str]:
    from ganbu.org.signin import client_address, client_device

    return {"address": client_address(request), "device": client_device(request)} if request is not None else {}


@transaction.atomic
def grant_create(*, actor: Any, user: User, role: str, org: Org, start: date | None = None,
                 request: Any = None) -> RoleGrant:
    """The security administrator grants a role on a node; the grant reaches its subtree."""
    _require(actor, "roles.manage", org.path)
    if role not in ROLE_PERMS or role == Role.ADMIN:
        raise ValidationError({"role": UNKNOWN_ROLE})
    if user.pk == actor.pk:
        raise ValidationError({"user": SELF_GRANT})
    err = separation_error(user, role)
    if err:
        raise ValidationError({"role": err})
    today = timezone.localdate()
    existing = RoleGrant.objects.select_for_update().filter(user=user, role=role, org=org).first()
    if existing and (existing.end is None or existing.end >= today):
        raise ValidationError({"role": GRANT_EXISTS})
    if existing:  # an ended grant is renewed in place (the unique key); history is in the audit log
        existing.start, existing.end = start or today, None
        existing.save(update_fields=["start", "end"])
        grant = existing
    else:
        grant = RoleGrant.objects.create(user=user, role=role, org=org, start=start or today)
    audit_record(actor=actor, action="role.grant", object_type="role_grant", object_id=grant.pk, org_path=org.path,
                 after={"user": user.pk, "role": role, "org": org.pk, "scope": scope_in_words(org), **_where(request)})
    return grant


@transaction.atomic
def grant_end(*, actor: Any, grant: RoleGrant, reason: str = "", request: Any = None) -> RoleGrant:
    """End a grant today; the row stays (who held what, when)."""
    _require(actor, "roles.manage", grant.org.path)
    if grant.user_id == actor.pk:
        raise ValidationError({"user": SELF_GRANT})
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    before = {"end": grant.end.isoformat() if grant.end else None}
    grant.end = timezone.localdate() - timedelta(days=1)
    if grant.start and grant.end < grant.start:
        grant.start = grant.end
    grant.save(update_fields=["start", "end"])
    audit_record(actor=actor, action="role.end", object_type="role_grant", object_id=grant.pk,
                 org_path=grant.org.path, before=before, after={"end": grant.end.isoformat(), "role": grant.role,
                                                                "user": grant.user_id, **_where(request)},
                 reason=reason)
    return grant
