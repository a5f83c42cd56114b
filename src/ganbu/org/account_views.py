"""Sign-in, sign-out, password change, two-factor and sessions (issue 16): self-service pages.

The login page is the one way in (the back office redirects to it), so the lock, the forced
change, two-factor and the audit row apply to everyone alike.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, has_perm
from ganbu.org import accounts, signin
from ganbu.org.models import User, UserSession
from ganbu.org.roles import TOTP_ROLES

PENDING = "_ganbu_otp_pending"
OTP_WRONG = "动态验证码不正确或已过期，请重新输入"


class LoginForm(auth_views.AuthenticationForm):
    """Django's form with our messages: the lock (until when) or one message for a bad name or password."""

    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "该账号已停用。",
    }

    def clean(self) -> dict[str, Any]:
        from django.core.exceptions import PermissionDenied

        try:
            return super().clean()
        except PermissionDenied:  # raised by LockoutBackend for a locked name or address
            raise ValidationError(signin.lock_message(self.request)) from None
        except ValidationError:
            locked = signin.lock_message(self.request)
            if locked:
                raise ValidationError(locked) from None
            raise


def needs_totp(user: Any) -> bool:
    """Two-factor is required for the three administrators and county roles (when switched on)."""
    if not settings.GANBU_REQUIRE_2FA:
        return False
    if user.is_superuser:
        return True
    return user.grants.filter(role__in=list(TOTP_ROLES)).exists()


def _safe_next(request: HttpRequest, nxt: str) -> str:
    ok = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return nxt if nxt and ok else settings.LOGIN_REDIRECT_URL_PATH


def _finish_login(request: HttpRequest, user: Any, nxt: str) -> HttpResponse:
    auth_login(request, user, backend="ganbu.org.signin.LockoutBackend")
    signin.signin_record(request=request, user=user, channel="page")
    if accounts.password_expired(user) and not user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        messages.warning(request, "您的密码已超过有效期，请修改密码后继续使用")
    return redirect(_safe_next(request, nxt))


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["idle"] = self.request.GET.get("idle") == "1"
        return ctx

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        nxt = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if needs_totp(user):
            self.request.session.cycle_key()
            self.request.session[PENDING] = {"user": user.pk, "next": nxt}
            return redirect("account:otp")
        return _finish_login(self.request, user, nxt)


class OtpForm(forms.Form):
    token = forms.CharField(label="动态验证码（6位）", max_length=6, min_length=6,
                            error_messages={"required": "请输入动态验证码", "min_length": "动态验证码为6位数字",
                                            "max_length": "动态验证码为6位数字"})


def otp(request: HttpRequest) -> HttpResponse:
    """Second step: the TOTP code; the first time, the page shows the QR code to add to an app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    pending = request.session.get(PENDING)
    if not pending:
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="手机动态码", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            request.session.pop(PENDING, None)
            return _finish_login(request, user, pending.get("next") or "")
        form.add_error("token", OTP_WRONG)
        signin.failure_record(username=user.username, request=request)
    secret = base64.b32encode(device.bin_key).decode() if not device.confirmed else ""
    return render(request, "registration/otp.html", {"form": form, "secret": secret,
                                                       "setup": not device.confirmed},
                  status=400 if form.errors else 200)


def otp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the pending user's not-yet-confirmed device, as SVG (a URL, not inline data:
    the content security policy allows images from this site only)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    pending = request.session.get(PENDING)
    device = TOTPDevice.objects.filter(user_id=(pending or {}).get("user"), confirmed=False).first()
    if device is None:
        raise NotFound()
    import qrcode
    import qrcode.image.svg

    buf = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buf)
    resp = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    resp["Cache-Control"] = "no-store"
    return resp


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign-out ends the session and every phone token of the user."""
    if request.user.is_authenticated:
        signin.signout_record(request=request, user=request.user)
    auth_logout(request)
    return redirect("login")


class PasswordForm(forms.Form):
    old = forms.CharField(label="原密码", widget=forms.PasswordInput, max_length=128,
                          error_messages={"required": "请输入原密码"})
    new = forms.CharField(label="新密码", widget=forms.PasswordInput, max_length=128,
                          error_messages={"required": "请输入新密码"})
    new2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput, max_length=128,
                           error_messages={"required": "请再次输入新密码"})


@login_required
def password(request: HttpRequest) -> HttpResponse:
    """Self-service password change; at first sign-in (or after expiry) nothing else is reachable."""
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.password_change(actor=request.user, user=request.user, request=request,
                                            **form.cleaned_data)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改；手机端需重新登录")
            return redirect("home")
    return render(request, "registration/password.html", {
        "form": form, "first": request.user.must_change_password,
        "rules": accounts.PolicyPasswordValidator().get_help_text()}, status=400 if form.errors else 200)


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    """Who is signed in as me, from where; end one or all other sessions."""
    if request.method == "POST":
        key = request.POST.get("session", "")
        if key == "others":
            mine = UserSession.objects.filter(user=request.user, ended_at__isnull=True).exclude(
                session_key=request.session.session_key)
            for s in mine:
                signin.sessions_end(actor=request.user, user=request.user, session_key=s.session_key)
        elif UserSession.objects.filter(user=request.user, session_key=key).exists():
            signin.sessions_end(actor=request.user, user=request.user, session_key=key)
        else:
            raise NotFound()
        messages.success(request, "已结束所选登录")
        return redirect("account:sessions")
    rows = UserSession.objects.filter(user=request.user).order_by("-last_seen")[:50]
    return render(request, "registration/sessions.html", {"rows": rows, "current": request.session.session_key,
                                                          "is_admin": has_perm(request.user, "accounts.manage")})
