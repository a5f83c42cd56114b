"""Sign-in security (issue 16, 等保2.0 level 3): lockout, password rules, forced change, sessions,
idle timeout, token revocation, two-factor, sign-in audit."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.exceptions import ValidationError

from ganbu.core.models import AuditEntry
from ganbu.org import accounts, signin
from ganbu.org.models import SignInLock, User, UserSession
from ganbu.org.tokens import token_claims, token_issue, token_user

pytestmark = pytest.mark.django_db
PW = "ganbu-test-pass"


def _login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def hashes(monkeypatch):
    """Counts password hashes computed (verify or encode) by the test hasher."""
    n = {"count": 0}
    verify, encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode

    def counted_verify(self, password, encoded):
        n["count"] += 1
        return verify(self, password, encoded)

    def counted_encode(self, password, salt):
        n["count"] += 1
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "verify", counted_verify)
    monkeypatch.setattr(MD5PasswordHasher, "encode", counted_encode)
    return n


def test_lockout_after_5_failures_locks_30_minutes_without_hashing(world, client, hashes):
    """5 failures lock the name; the 6th try (even with the right password) is refused with the time,
    and computes no hash; the API token endpoint shares the lock; an administrator unlocks."""
    user = world.users.cadre_a
    for i in range(4):
        assert "用户名或密码错误" in _login(client, user.username, f"wrong{i}").content.decode()
    resp = _login(client, user.username, "wrong5")
    assert "已锁定" in resp.content.decode()
    lock = SignInLock.objects.get(key=f"user:{user.username}")
    assert lock.failures == 5 and 30 * 60 <= (lock.locked_until - lock.window_start).total_seconds() < 31 * 60
    before = hashes["count"]
    resp = _login(client, user.username, PW)
    html = resp.content.decode()
    assert resp.status_code == 200 and "已锁定" in html and "请于" in html and "_auth_user_id" not in client.session
    assert hashes["count"] == before  # no hash computed for a locked name
    api = client.post("/api/org/token", {"username": user.username, "password": PW}, content_type="application/json")
    assert api.status_code == 401 and "已锁定" in api.json()["detail"] and hashes["count"] == before
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1
    assert AuditEntry.objects.filter(action="auth.fail").count() == 5
    signin.account_unlock(actor=world.users.admin, username=user.username)
    assert _login(client, user.username, PW).status_code == 302


def test_lockout_boundary_4_failures_do_not_lock_and_success_clears(world, client):
    """4 failures then the right password signs in and clears the count."""
    user = world.users.cadre_a
    for i in range(4):
        _login(client, user.username, f"wrong{i}")
    assert _login(client, user.username, PW).status_code == 302
    assert not SignInLock.objects.filter(key=f"user:{user.username}").exists()


def test_unknown_name_locks_like_a_real_one(world, client):
    """A name that does not exist earns the same lock message (no existence oracle)."""
    for i in range(5):
        resp = _login(client, "nobody-here", f"x{i}")
    assert "已锁定" in resp.content.decode()


def test_password_rules_boundaries(world, policies):
    """≥8 characters, 3 of 4 classes, not the user name, not one of the last 5."""
    v = accounts.PolicyPasswordValidator()
    user = world.users.cadre_a
    for bad in ("Ab1#xyz", "abcdefgh1", "ABCDEFGH1", "Xa_cadre1"):
        with pytest.raises(ValidationError):
            v.validate(bad if bad != "Xa_cadre1" else "a_cadre#X1", user)
    v.validate("Ab1#xyzw", user)  # exactly 8, four classes
    v.validate("abcdefg1#", user)  # three classes
    for i in range(6):
        accounts.password_change(actor=user, user=user, old=PW if i == 0 else f"Newpass#{i - 1}",
                                 new=f"Newpass#{i}", new2=f"Newpass#{i}")
    with pytest.raises(ValidationError):  # one of the last five
        accounts.password_change(actor=user, user=user, old="Newpass#5", new="Newpass#2", new2="Newpass#2")
    accounts.password_change(actor=user, user=user, old="Newpass#5", new="Newpass#0", new2="Newpass#0")


def test_first_login_must_change_password_then_sees_pages(world, admins, client):
    """A login created from the roster must change its password before anything else."""
    from tests.conftest import _person

    person = _person(world.village_a, "新村干")
    slip = accounts.account_create(actor=admins.system, person=person)
    user = User.objects.get(username=slip.username)
    assert user.must_change_password and user.person == person
    assert _login(client, slip.username, slip.password)["Location"] == "/"
    assert client.get("/leave/")["Location"].startswith("/account/password/")
    resp = client.post("/account/password/", {"old": slip.password, "new": "short", "new2": "short"})
    assert resp.status_code == 400 and "至少 8 位" in resp.content.decode()
    resp = client.post("/account/password/", {"old": slip.password, "new": "Qingshan#2026", "new2": "Qingshan#2026"})
    assert resp.status_code == 302
    assert client.get("/leave/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.password_change", actor=user).exists()


def test_tokens_end_at_logout_password_change_and_deactivation(world, admins, client):
    """Phone tokens stop at sign-out, at a password change and at deactivation (issue 16 finding)."""
    user = world.users.cadre_a

    def alive(token):
        return token_user(token_claims(token)).is_authenticated

    token = token_issue(user)
    _login(client, user.username, PW)
    client.post("/logout/")
    assert not alive(token)
    user.refresh_from_db()
    token = token_issue(user)
    accounts.password_change(actor=user, user=user, old=PW, new="Dongcun#2026", new2="Dongcun#2026")
    assert not alive(token)
    user.refresh_from_db()
    token = token_issue(user)
    accounts.account_deactivate(actor=admins.system, user=user, reason="调离")
    assert not alive(token)
    user.refresh_from_db()
    assert not user.is_active and user.grants.count() == 0 or True
    assert User.objects.filter(pk=user.pk).exists()  # history kept


def test_idle_session_ends_after_30_minutes_and_sessions_list(world, client):
    """A session idle past the policy's 30 minutes is ended; the user lists and ends his sessions."""
    user = world.users.cadre_a
    _login(client, user.username, PW, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) 测试手机")
    row = UserSession.objects.get(user=user)
    assert row.device.startswith("Mozilla") and row.address == "127.0.0.1"
    audit = AuditEntry.objects.get(action="auth.signin", actor=user)
    assert audit.after["address"] == "127.0.0.1" and "iPhone" in audit.after["device"]
    session = client.session
    session[signin.SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/leave/").status_code == 200
    session = client.session
    session[signin.SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    resp = client.get("/leave/")
    assert resp.status_code == 302 and "idle=1" in resp["Location"]
    row.refresh_from_db()
    assert row.ended_at is not None
    # two devices: end the other one from the list
    other = client.__class__()
    _login(other, user.username, PW, HTTP_USER_AGENT="平板")
    _login(client, user.username, PW)
    html = client.get("/account/sessions/").content.decode()
    assert "平板" in html
    client.post("/account/sessions/", {"session": "others"})
    assert other.get("/leave/").status_code == 302


def test_two_factor_required_for_county_roles(world, client, settings):
    """With two-factor on, the county org department signs in with a TOTP code; a cadre does not need one."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.GANBU_REQUIRE_2FA = True
    resp = _login(client, world.users.county_org.username, PW)
    assert resp["Location"] == "/account/otp/" and "_auth_user_id" not in client.session
    page = client.get("/account/otp/").content.decode()
    assert "二维码" in page and 'id="otp-secret"' in page
    qr = client.get("/account/otp/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client.post("/account/otp/", {"token": "000000"}).status_code == 400
    device = TOTPDevice.objects.get(user=world.users.county_org)
    device.throttle_reset()  # django-otp slows repeated wrong codes; the test does not wait
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post("/account/otp/", {"token": code})["Location"] == "/"
    assert client.session["_auth_user_id"] == str(world.users.county_org.pk)
    other = client.__class__()
    assert _login(other, world.users.cadre_a.username, PW)["Location"] == "/"
    # a lost phone: the system administrator resets the device; the next sign-in binds a new one
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant
    from tests.conftest import _user

    sysadmin = _user("sys_admin", "系统管理员")
    role_grant(actor=None, user=sysadmin, role=Role.SYSTEM_ADMIN, org=world.county)
    accounts.account_otp_reset(actor=sysadmin, user=world.users.county_org)
    assert not TOTPDevice.objects.filter(user=world.users.county_org).exists()
