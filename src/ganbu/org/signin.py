"""Sign-in security (issue 16, GB/T 22239-2019 level 3): lockout, sessions, sign-in audit.

Our own small module rather than django-axes, because:
- one authentication backend serves the login page, the phone-token endpoint and the back office
  (the back office login redirects to the page), so one lock covers all three;
- the lock is checked *before* any password hash is computed: a locked name costs one indexed
  read, so parallel bad logins cannot slow the site for others;
- the page says until when the account is locked, in Chinese, from the same row;
- a name that does not exist locks exactly like one that does (no existence oracle);
- its parameters are policy parameters (``OrgParams``), and every event is an audit row.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from ganbu.core.audit import audit_record
from ganbu.org.models import Org, OrgKind, SignInLock, User, UserSession

LOCKED = "登录失败次数过多，账号已锁定，请于 {until} 后再试，或联系系统管理员解锁"
ADDRESS_LOCKED = "该地址登录失败次数过多，已暂停登录，请于 {until} 后再试"

_params_cache: tuple[float, Any] | None = None


def county_path() -> str:
    """Where sign-in events of no known user are filed in the audit log: the (first) county."""
    return Org.objects.filter(kind=OrgKind.COUNTY).order_by("path").values_list("path", flat=True).first() or ""


def security_params() -> Any:
    """The security policy (module ``security``) at the (first) county, cached for a minute per process."""
    global _params_cache
    now = time.monotonic()
    if _params_cache and now - _params_cache[0] < 60 and not settings.GANBU_TESTING:
        return _params_cache[1]
    from ganbu.core.policy import PolicyMissing, policy_resolve
    from ganbu.org.policy import SecurityParams

    try:
        params = policy_resolve("security", county_path(), timezone.localdate()).params
    except PolicyMissing:
        params = SecurityParams()
    _params_cache = (now, params)
    return params


def client_address(request: Any) -> str:
    """The caller's address: REMOTE_ADDR, or the first X-Forwarded-For hop behind a trusted proxy."""
    if request is None:
        return ""
    meta = getattr(request, "META", {})
    if settings.GANBU_TRUST_PROXY and meta.get("HTTP_X_FORWARDED_FOR"):
        return meta["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()[:45]
    return (meta.get("REMOTE_ADDR") or "")[:45]


def client_device(request: Any) -> str:
    return (getattr(request, "META", {}).get("HTTP_USER_AGENT") or "")[:200] if request is not None else ""


def _fmt(when: datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def lock_message(request: Any) -> str:
    """The Chinese message for a refused sign-in, or "" when it was only a wrong password."""
    until = getattr(request, "ganbu_locked_until", None)
    if until is None:
        return ""
    kind = getattr(request, "ganbu_locked_kind", "user")
    return (ADDRESS_LOCKED if kind == "addr" else LOCKED).format(until=_fmt(until))


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    keys = [("user", f"user:{username.strip().lower()[:150]}")]
    if address:
        keys.append(("addr", f"addr:{address}"))
    return keys


def lock_state(username: str, address: str, now: datetime | None = None) -> tuple[str, datetime] | None:
    """("user"|"addr", until) when the name or the address is locked now; one indexed read."""
    now = now or timezone.now()
    for kind, key in _keys(username, address):
        until = SignInLock.objects.filter(key=key, locked_until__gt=now).values_list("locked_until", flat=True).first()
        if until:
            return kind, until
    return None


def _bump(key: str, limit: int, params: Any, now: datetime) -> datetime | None:
    """Count one failure on ``key`` inside the window; lock when the count reaches ``limit``."""
    window = timedelta(minutes=params.lockout_window_minutes)
    with transaction.atomic():
        row = SignInLock.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = SignInLock.objects.create(key=key, failures=0, window_start=now)
            except IntegrityError:
                row = SignInLock.objects.select_for_update().get(key=key)
        if row.window_start < now - window or (row.locked_until and row.locked_until <= now):
            row.failures, row.window_start, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + timedelta(minutes=params.lockout_minutes)
        row.save()
        return row.locked_until


def failure_record(*, username: str, request: Any) -> tuple[str, datetime] | None:
    """A wrong password: count it on the name and the address, audit it, and lock if due."""
    params = security_params()
    now = timezone.now()
    address, device = client_address(request), client_device(request)
    audit_record(actor=None, action="auth.fail", object_type="signin", object_id=username[:64],
                 org_path=county_path(), after={"username": username[:150], "address": address, "device": device})
    locked = None
    for kind, key in _keys(username, address):
        limit = params.lockout_failures if kind == "user" else params.address_failures
        until = _bump(key, limit, params, now)
        if until and locked is None:
            locked = (kind, until)
            audit_record(actor=None, action="auth.lockout", object_type="signin", object_id=key[:64],
                         org_path=county_path(), after={"key": key, "until": until.isoformat(), "address": address, "device": device})
    return locked


def failures_clear(username: str) -> None:
    SignInLock.objects.filter(key=f"user:{username.strip().lower()[:150]}").delete()


def account_unlock(*, actor: Any, username: str) -> int:
    """An administrator ends a lock on a user name (and forgets its failures)."""
    with transaction.atomic():
        n, _ = SignInLock.objects.filter(key=f"user:{username.strip().lower()[:150]}").delete()
        audit_record(actor=actor, action="auth.unlock", object_type="signin", object_id=username[:64],
                     org_path=county_path(), after={"username": username})
    return n


class LockoutBackend(ModelBackend):
    """ModelBackend behind the lock: a locked name or address is refused before any hash is computed."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        state = lock_state(username, client_address(request))
        if state is not None:
            if request is not None:
                request.ganbu_locked_kind, request.ganbu_locked_until = state
            audit_record(actor=None, action="auth.refused_locked", object_type="signin", object_id=username[:64],
                         org_path=county_path(), after={"username": username[:150], "address": client_address(request),
                                "until": state[1].isoformat()})
            raise PermissionDenied(LOCKED.format(until=_fmt(state[1])))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            locked = failure_record(username=username, request=request)
            if locked and request is not None:
                request.ganbu_locked_kind, request.ganbu_locked_until = locked
            return None
        failures_clear(username)
        return user


def _org_path(user: Any) -> str:
    if getattr(user, "person_id", None):
        return user.person.org_path
    from ganbu.org.models import RoleGrant

    return RoleGrant.objects.filter(user_id=user.pk).values_list("org__path", flat=True).first() or ""


def signin_record(*, request: Any, user: Any, channel: str) -> None:
    """A successful sign-in: the session row (page/back office) and the audit row with address and device."""
    address, device = client_address(request), client_device(request)
    if channel == "page" and request.session.session_key:
        request.session[SEEN_KEY] = int(time.time())
        UserSession.objects.update_or_create(session_key=request.session.session_key, defaults={
            "user": user, "address": address, "device": device, "ended_at": None, "last_seen": timezone.now()})
    audit_record(actor=user, action="auth.signin", object_type="user", object_id=user.pk, org_path=_org_path(user),
                 after={"channel": channel, "address": address, "device": device})


def signout_record(*, request: Any, user: Any) -> None:
    """Sign-out ends the session row and every phone token of the user (issue 16)."""
    from ganbu.org.tokens import token_revoke

    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).update(ended_at=timezone.now())
    token_revoke(actor=user, user=user)
    audit_record(actor=user, action="auth.signout", object_type="user", object_id=user.pk, org_path=_org_path(user),
                 after={"address": client_address(request), "device": client_device(request)})


def sessions_end(*, actor: Any, user: Any, session_key: str | None = None) -> int:
    """End one session (or all) of ``user``: the Django session row goes, the list keeps the history."""
    from django.contrib.sessions.models import Session

    rows = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if session_key:
        rows = rows.filter(session_key=session_key)
    keys = list(rows.values_list("session_key", flat=True))
    with transaction.atomic():
        Session.objects.filter(session_key__in=keys).delete()
        n = rows.update(ended_at=timezone.now())
        audit_record(actor=actor, action="auth.session_end", object_type="user", object_id=user.pk,
                     org_path=_org_path(user), after={"sessions": n})
    return n


SEEN_KEY = "_ganbu_seen"


class SessionSecurityMiddleware:
    """Idle timeout (policy minutes) and the forced password change.

    Sessions started through the login page carry a last-activity stamp; one idle longer than the
    policy allows is flushed. The stamp is rewritten at most once a minute, so most requests cost
    nothing. A user who must change his password reaches only the change page and sign-out.
    """

    ALLOWED = ("/account/password/", "/logout/", "/static/", "/account/otp/", "/login/")

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        from django.contrib.auth import logout
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            seen = request.session.get(SEEN_KEY)
            now = int(time.time())
            if seen is not None:
                idle = security_params().idle_timeout_minutes * 60
                if now - int(seen) > idle:
                    UserSession.objects.filter(session_key=request.session.session_key).update(
                        ended_at=timezone.now())
                    logout(request)
                    return redirect(f"{settings.LOGIN_URL_PATH}?idle=1")
                if now - int(seen) >= 60:
                    request.session[SEEN_KEY] = now
                    UserSession.objects.filter(session_key=request.session.session_key).update(
                        last_seen=timezone.now())
            if user.must_change_password and not request.path.startswith(self.ALLOWED) \
                    and not request.path.startswith("/api/"):
                return redirect("/account/password/?first=1")
        return self.get_response(request)
