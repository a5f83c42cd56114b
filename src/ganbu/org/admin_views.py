"""Accounts and roles pages (issue 16): the system administrator creates logins, the security
administrator grants roles, anyone with either sees who can do what where.

Views parse, call one service in ``org.accounts``, render. People and users are picked by
search; orgs from the tree in the actor's scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, access_org, has_perm, perm_paths
from ganbu.org import accounts, queries
from ganbu.org.models import Person, RoleGrant, User
from ganbu.org.roles import ROLE_PERMS, Role

SLIPS_KEY = "_ganbu_slips"


def _need(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise NotFound()


def _user_for(request: HttpRequest, pk: Any) -> User:
    try:
        return accounts.accounts_visible(request.user).get(pk=int(pk))
    except (User.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts in scope; people of an org without a login, to create them one by one or in bulk."""
    if not (has_perm(request.user, "accounts.view") or has_perm(request.user, "accounts.manage")):
        raise NotFound()
    q = request.GET.get("q", "").strip()[:50]
    users = accounts.accounts_visible(request.user).select_related("person__org").order_by("-is_active", "username")
    if q:
        users = users.filter(queries.Q(username__icontains=q) | queries.Q(display_name__icontains=q))
    org = None
    without: list[Person] = []
    if request.GET.get("org"):
        org = access_org(request.user, request.GET["org"], "accounts.manage")
        without = list(Person.objects.filter(org_path__startswith=org.path, user__isnull=True)
                       .select_related("org").order_by("org_path", "name")[:500])
    from ganbu.org.signin import security_params

    return render(request, "org/accounts.html", {
        "users": users[:300], "q": q, "org": org, "without": without,
        "orgs": queries.orgs_for(request.user, "accounts.manage"),
        "can_manage": has_perm(request.user, "accounts.manage"),
        "phone_as_username": security_params().phone_as_username,
        "slips": request.session.get(SLIPS_KEY) or [],
    })


@login_required
@require_POST
def accounts_create(request: HttpRequest) -> HttpResponse:
    """Create logins for the chosen people (one or many); the first passwords go on a sealed slip."""
    _need(request, "accounts.manage")
    ids = [int(x) for x in request.POST.getlist("person") if x.isdigit()][:500]
    from ganbu.core.access import scoped

    people = list(scoped(Person.objects.filter(pk__in=ids), request.user, "accounts.manage").select_related("org"))
    if not people:
        messages.error(request, "请先勾选要开通账号的干部")
        return redirect(request.META.get("HTTP_REFERER") or "org:accounts")
    try:
        slips, errors = accounts.accounts_create_bulk(actor=request.user, people=people)
    except PermissionError as exc:
        messages.error(request, str(exc))
        return redirect("org:accounts")
    if errors:
        for e in errors:
            messages.error(request, e)
        return redirect(request.META.get("HTTP_REFERER") or "org:accounts")
    # Kept only in this administrator's session until the slip is printed (never stored in the database).
    request.session[SLIPS_KEY] = [s.__dict__ for s in slips]
    messages.success(request, f"已开通 {len(slips)} 个账号；请立即打印密封密码条，首次登录须修改密码")
    return redirect("org:accounts")


@login_required
def slips_pdf(request: HttpRequest) -> HttpResponse:
    """The sealed-slip PDF of the first passwords just created; printing clears them from the session."""
    _need(request, "accounts.manage")
    slips = request.session.pop(SLIPS_KEY, None)
    if not slips:
        messages.error(request, "没有待打印的密码条（已打印过的不会再次显示，可重置密码）")
        return redirect("org:accounts")
    from ganbu.reports.pdf import render_pdf

    try:
        data = render_pdf("org/slips_pdf.html", {"slips": slips, "now": timezone.localtime()})
    except Exception:  # PDF libraries missing: the slips stay printable as a page
        request.session[SLIPS_KEY] = slips
        return render(request, "org/slips_pdf.html", {"slips": slips, "now": timezone.localtime()})
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AF%86%E7%A0%81%E6%9D%A1.pdf"
    return resp


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False)


@login_required
@require_POST
def account_action(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate, reset the password, unlock or end the sessions of one account."""
    _need(request, "accounts.manage")
    target = _user_for(request, user_id)
    action = request.POST.get("action")
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        if action == "deactivate":
            accounts.account_deactivate(actor=request.user, user=target, reason=form.cleaned_data.get("reason", ""))
            messages.success(request, f"已停用 {target}（历史记录保留）")
        elif action == "reset":
            slip = accounts.account_password_reset(actor=request.user, user=target)
            request.session[SLIPS_KEY] = [slip.__dict__]
            messages.success(request, f"已重置 {target} 的密码，请打印密码条")
        elif action == "unlock":
            from ganbu.org.signin import account_unlock

            account_unlock(actor=request.user, username=target.username)
            messages.success(request, f"已解除 {target} 的登录锁定")
        elif action == "otp_reset":
            accounts.account_otp_reset(actor=request.user, user=target)
            messages.success(request, f"已重置 {target} 的动态验证码，下次登录时重新绑定")
        elif action == "end_sessions":
            from ganbu.org.signin import sessions_end

            n = sessions_end(actor=request.user, user=target)
            messages.success(request, f"已结束 {target} 的 {n} 个登录")
        else:
            raise NotFound()
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    except PermissionError as exc:
        messages.error(request, str(exc))
    return redirect("org:accounts")


# --- grants ---------------------------------------------------------------------------------------

class GrantForm(forms.Form):
    user = forms.IntegerField(label="用户", error_messages={"required": "请搜索并选择用户", "invalid": "请搜索并选择用户"})
    role = forms.ChoiceField(label="角色", choices=[], error_messages={"required": "请选择角色",
                                                                        "invalid_choice": "请选择有效的角色"})
    org = forms.IntegerField(label="授权范围（单位）", error_messages={"required": "请选择单位", "invalid": "请选择单位"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, label) for r, label in Role.choices if r != Role.ADMIN]


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    """Who can do what where: every grant in force in the actor's scope, with the scope in words."""
    if not (has_perm(request.user, "roles.manage") or has_perm(request.user, "accounts.view")):
        raise NotFound()
    paths = perm_paths(request.user, "roles.manage") or perm_paths(request.user, "accounts.view")
    today = timezone.localdate()
    rows = RoleGrant.objects.select_related("user", "org").filter(queries.Q(end__isnull=True) | queries.Q(end__gte=today))
    if "" not in paths:
        q = queries.Q()
        for p in paths:
            q |= queries.Q(org__path__startswith=p)
        rows = rows.filter(q)
    role_filter = request.GET.get("role", "")
    if role_filter in ROLE_PERMS:
        rows = rows.filter(role=role_filter)
    labels = dict(Role.choices)
    table = [{"grant": g, "role": labels.get(g.role, g.role), "scope": accounts.scope_in_words(g.org),
              "perms": len(ROLE_PERMS.get(g.role, ()))} for g in rows.order_by("org__path", "role")[:1000]]
    can_manage = has_perm(request.user, "roles.manage")
    form = GrantForm()
    return render(request, "org/grants.html", {
        "rows": table, "form": form, "can_manage": can_manage, "roles": Role.choices, "role_filter": role_filter,
        "orgs": [(o, "　" * max(0, (len(o.path) - 6) // 3) + accounts.scope_in_words(o))
                 for o in queries.orgs_for(request.user, "roles.manage")],  # the tree, indented by level
        "perm_table": _perm_table(),
    })


PERM_LABELS = {
    "accounts.manage": "开通/停用账号", "roles.manage": "授权角色", "security.manage": "安全设置",
    "audit.view": "查看审计日志", "audit.export": "导出审计日志", "person.manage": "维护干部信息",
    "attendance.correct": "更正考勤", "leave.approve": "审批请假", "points.approve": "审核积分",
    "assessment.score": "千分制评分", "cases.act": "办理问责", "policy.adopt": "施行细则",
}


def _perm_table() -> list[dict[str, Any]]:
    """Rows: role; columns: the main decisions; for the who-can-do-what page."""
    out = []
    for role, label in Role.choices:
        perms = ROLE_PERMS.get(role, frozenset())
        out.append({"label": label, "cells": [key in perms for key in PERM_LABELS]})
    return out


@login_required
@require_POST
def grant_new(request: HttpRequest) -> HttpResponse:
    _need(request, "roles.manage")
    form = GrantForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("org:grants")
    org = access_org(request.user, form.cleaned_data["org"], "roles.manage")
    user = User.objects.filter(pk=form.cleaned_data["user"], is_active=True).first()
    if user is None or not accounts.accounts_visible(request.user).filter(pk=user.pk).exists():
        messages.error(request, "请搜索并选择用户")
        return redirect("org:grants")
    try:
        accounts.grant_create(actor=request.user, user=user, role=form.cleaned_data["role"], org=org, request=request)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    except PermissionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已授予 {user} {dict(Role.choices)[form.cleaned_data['role']]}，"
                                  f"范围：{accounts.scope_in_words(org)}")
    return redirect("org:grants")


@login_required
@require_POST
def grant_end(request: HttpRequest, grant_id: int) -> HttpResponse:
    _need(request, "roles.manage")
    try:
        grant = RoleGrant.objects.select_related("org", "user").get(pk=int(grant_id))
    except RoleGrant.DoesNotExist:
        raise NotFound() from None
    if not has_perm(request.user, "roles.manage", grant.org.path):
        raise NotFound()
    try:
        accounts.grant_end(actor=request.user, grant=grant, reason=request.POST.get("reason", "")[:200], request=request)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, f"已终止 {grant.user} 的授权")
    return redirect("org:grants")


@login_required
def user_search(request: HttpRequest) -> HttpResponse:
    """The grant page's user picker: accounts in the administrator's scope by name."""
    from django.http import JsonResponse

    if not (has_perm(request.user, "roles.manage") or has_perm(request.user, "accounts.manage")):
        raise NotFound()
    text = request.GET.get("q", "").strip()[:50]
    if not text:
        return JsonResponse({"results": []})
    users = accounts.accounts_visible(request.user).filter(is_active=True).filter(
        queries.Q(display_name__icontains=text) | queries.Q(username__icontains=text)
        | queries.Q(person__name__icontains=text)).select_related("person__org")[:20]
    return JsonResponse({"results": [{"id": u.pk, "label": f"{u}（{u.person.org.name if u.person_id else '管理账号'}）"}
                                     for u in users]}, json_dumps_params={"ensure_ascii": False})


# --- security settings (security administrator) -----------------------------------------------------

def _security_form(data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
    """A form with one field per SecurityParams parameter (its Chinese title, its bounds)."""
    from ganbu.org.policy import SecurityParams

    fields: dict[str, forms.Field] = {}
    for name, info in SecurityParams.model_fields.items():
        if info.annotation is bool:
            fields[name] = forms.BooleanField(label=info.title, required=False)
            continue
        bounds = {m.__class__.__name__: m for m in info.metadata}
        lo = getattr(bounds.get("Ge"), "ge", None)
        hi = getattr(bounds.get("Le"), "le", None)
        fields[name] = forms.IntegerField(label=info.title, min_value=lo, max_value=hi, error_messages={
            "required": f"请填写「{info.title}」", "invalid": f"「{info.title}」应为整数",
            "min_value": f"「{info.title}」不能小于 {lo}", "max_value": f"「{info.title}」不能大于 {hi}"})
    form_class = type("SecurityForm", (forms.Form,), fields)
    return form_class(data, initial=initial)


@login_required
def security_settings(request: HttpRequest) -> HttpResponse:
    """The security administrator sets the sign-in rules (a new adopted version of the ``security`` policy)."""
    from ganbu.core.policy import PolicyError, policy_adopt, policy_save_draft
    from ganbu.org.models import Org, OrgKind
    from ganbu.org.signin import security_params

    county = Org.objects.filter(kind=OrgKind.COUNTY).order_by("path").first()
    if county is None or not has_perm(request.user, "security.manage", county.path):
        raise NotFound()
    current = security_params()
    form = _security_form(request.POST or None, initial=current.model_dump())
    if request.method == "POST" and form.is_valid():
        try:
            draft = policy_save_draft(actor=request.user, org=county, module="security", title="账号与登录安全设置",
                                      period_start=timezone.localdate(), params=form.cleaned_data)
            policy_adopt(actor=request.user, version=draft)
        except PolicyError as exc:
            for field, msg in exc.errors.items():
                form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, "安全设置已保存并施行")
            return redirect("org:security")
    return render(request, "org/security.html", {"form": form, "county": county},
                  status=400 if form.errors else 200)
