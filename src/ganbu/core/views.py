"""Core pages: home, inbox, working-day calendar, policies (细则), audit log, job progress.

Views parse, call one service or query, render. Every page checks role and scope; what a user may
not see answers the same "not found" as what does not exist.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core import queries
from ganbu.core.access import NotFound, has_perm, perm_paths, policy_perm
from ganbu.core.audit import audit_chains_for_paths, audit_head
from ganbu.core.audit_text import describe
from ganbu.core.calendar import (
    CalendarError,
    calendar_day_delete,
    calendar_day_save,
    calendar_day_status,
    calendar_year_mark_official,
)
from ganbu.core.forms import (
    AuditFilterForm,
    CalendarCheckForm,
    CalendarDayForm,
    CalendarYearForm,
    PolicyMetaForm,
    parse_param_post,
)
from ganbu.core.models import Notification, PolicyVersion
from ganbu.core.policy import (
    MODULES,
    PolicyError,
    open_fields,
    policy_adopt,
    policy_check_values,
    policy_full_params,
    policy_revise,
)
from ganbu.core.policy_form import (
    choice_labels,
    code_families,
    doc_titles,
    editor_rows,
    grid,
    label_of,
    parse_shaped,
)

E_NO_NATIONAL = "全国节假日和年度状态只能由全国范围的系统管理员维护"
E_REGION_SCOPE = "您只能维护本辖区（{paths}）的地方节假日"
E_NOT_DRAFT = "只有草稿可以施行"
E_OPEN = "原文未规定的参数尚未填写，不能施行"
MSG_SAVED = "已保存为新的草稿版本 v{version}"
MSG_ADOPTED = "已施行"
JOB_ERRORS_SHOWN = 500


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role's dashboard (驾驶舱): its figures, charts and what waits on the user, not a grid of links."""
    from ganbu.reports import dashboard

    user = request.user
    scope = dashboard.dashboard_scope(user)
    ctx: dict[str, Any] = {"today": scope.today, "scope": scope}
    if scope.kind in ("province", "county"):
        ctx["d"] = dashboard.county_dashboard(user, scope)
    elif scope.kind == "township":
        ctx["d"] = dashboard.township_dashboard(user, scope)
    elif scope.kind == "village":
        ctx["d"] = dashboard.village_dashboard(user, scope)
    elif scope.kind == "unit":
        ctx["d"] = dashboard.unit_dashboard(user, scope)
    if getattr(user, "person_id", None):
        ctx["me"] = dashboard.self_dashboard(user, scope.today)
    if "d" in ctx:
        ctx["charts"] = dashboard.chart_data(ctx["d"])
    return render(request, "core/home.html", ctx)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:200])
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/inbox.html", {"items": items})


# --- calendar (CAL-01, CAL-02) --------------------------------------------------------------------


def _calendar_ctx(request: HttpRequest, year: int, **extra: Any) -> dict[str, Any]:
    user = request.user
    days = list(queries.calendar_days(user, year))
    for d in days:
        d.editable = queries.calendar_can_edit(user, d.region)  # type: ignore[attr-defined]
    years = queries.calendar_years([year])
    recent_from = timezone.localdate().year - 2
    ctx = {
        "year": year, "years": [y for y in years if y.year >= recent_from or y.year == year],
        "older_years": [y for y in years if y.year < recent_from and y.year != year], "days": days,
        "year_row": next((y for y in years if y.year == year), None),
        "national": queries.calendar_can_edit(user, ""),
        "scope_paths": perm_paths(user, "calendar.manage"),
        "day_form": extra.pop("day_form", None) or CalendarDayForm(initial={"date": f"{year}-01-01"}),
        "year_form": extra.pop("year_form", None) or CalendarYearForm(initial={"year": year}),
        "check_form": extra.pop("check_form", None) or CalendarCheckForm(auto_id="chk_%s"),
    }
    ctx.update(extra)
    return ctx


def _need_calendar(request: HttpRequest) -> None:
    if not has_perm(request.user, "calendar.manage"):
        raise NotFound()


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Each year's status, its holidays and adjusted days, forms to change them (CAL-01)."""
    _need_calendar(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    extra: dict[str, Any] = {}
    if "date" in request.GET:
        check = CalendarCheckForm(request.GET, auto_id="chk_%s")
        extra["check_form"] = check
        if check.is_valid():
            extra["status"] = calendar_day_status(check.cleaned_data["date"], check.cleaned_data["region"] or "")
    edit_id = request.GET.get("edit")
    if edit_id:
        row = queries.access_calendar_day(request.user, edit_id)
        extra["day_form"] = CalendarDayForm(initial={
            "date": row.date.isoformat(), "region": row.region, "name": row.name,
            "kind": "workday" if row.is_workday else "holiday"})
        extra["editing"] = row
    return render(request, "core/calendar.html", _calendar_ctx(request, year, **extra))


@login_required
@require_POST
def calendar_day_post(request: HttpRequest) -> HttpResponse:
    """Add or change a day (national needs nationwide scope; a regional day, scope over the region)."""
    _need_calendar(request)
    form = CalendarDayForm(request.POST)
    year = timezone.localdate().year
    if form.is_valid():
        data = form.cleaned_data
        year = data["date"].year
        region = (data["region"] or "").strip()
        if not queries.calendar_can_edit(request.user, region):
            message = E_NO_NATIONAL if region == "" else E_REGION_SCOPE.format(
                paths="、".join(perm_paths(request.user, "calendar.manage")))
            form.add_error("region", message)
        else:
            try:
                calendar_day_save(actor=request.user, day=data["date"], region=region,
                                  is_workday=data["kind"] == "workday", name=data["name"], reason=data["reason"])
            except CalendarError as exc:
                for field, message in exc.errors.items():
                    form.add_error({"地区": "region", "名称": "name", "日期": "date"}.get(field), message)
            else:
                messages.success(request, f"已保存 {data['date']:%Y-%m-%d}")
                return redirect(f"{reverse('core:calendar')}?year={year}")
    return render(request, "core/calendar.html", _calendar_ctx(request, year, day_form=form), status=400)


@login_required
@require_POST
def calendar_day_delete_post(request: HttpRequest, pk: int) -> HttpResponse:
    _need_calendar(request)
    row = queries.access_calendar_day(request.user, pk)
    calendar_day_delete(actor=request.user, row=row, reason=request.POST.get("reason", "")[:200])
    messages.success(request, f"已删除 {row.date:%Y-%m-%d} {row.name}")
    return redirect(f"{reverse('core:calendar')}?year={row.date.year}")


@login_required
@require_POST
def calendar_year_post(request: HttpRequest) -> HttpResponse:
    """Mark a year official after its State Council notice has been entered."""
    _need_calendar(request)
    form = CalendarYearForm(request.POST)
    year = timezone.localdate().year
    if form.is_valid():
        year = form.cleaned_data["year"]
        if not queries.calendar_can_edit(request.user, ""):
            form.add_error(None, E_NO_NATIONAL)
        else:
            try:
                calendar_year_mark_official(actor=request.user, year=year, notice=form.cleaned_data["notice"])
            except CalendarError as exc:
                for field, message in exc.errors.items():
                    form.add_error({"通知": "notice", "年份": "year"}.get(field), message)
            else:
                messages.success(request, f"{year}年已标为按国务院通知录入")
                return redirect(f"{reverse('core:calendar')}?year={year}")
    return render(request, "core/calendar.html", _calendar_ctx(request, year, year_form=form), status=400)


# --- policies (POL-01..03) ------------------------------------------------------------------------


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    """Versions by org and module, in the user's policy.view scope (and the levels he inherits)."""
    module = request.GET.get("module", "")
    status = request.GET.get("status", "")
    versions = list(queries.policy_versions(request.user, module=module if module in MODULES else "",
                                            status=status if status in PolicyVersion.Status.values else ""))
    today = timezone.localdate()
    in_force: set[tuple[int, str]] = set()
    for v in versions:  # ordered newest first within (org, module): the first adopted one in force today
        v.module_title = MODULES[v.module].title if v.module in MODULES else v.module  # type: ignore[attr-defined]
        v.preset_title = _preset_title(v.preset)  # type: ignore[attr-defined]
        key = (v.org_id, v.module)
        v.in_force = (key not in in_force and v.status == PolicyVersion.Status.ADOPTED  # type: ignore[attr-defined]
                      and v.period_start <= today and (v.period_end is None or v.period_end >= today))
        if v.in_force:  # type: ignore[attr-defined]
            in_force.add(key)
    return render(request, "core/policies.html", {
        "versions": versions, "modules": sorted((k, m.title) for k, m in MODULES.items()),
        "module": module, "status": status, "statuses": PolicyVersion.Status.choices,
    })


def _preset_title(code: str) -> str:
    """A preset is named by its document's title, never by its seed code."""
    from ganbu.core.presets import DOCUMENTS

    return f"《{DOCUMENTS[code]}》" if code in DOCUMENTS else doc_titles(code or "")


def _policy_ctx(request: HttpRequest, version: PolicyVersion, **extra: Any) -> dict[str, Any]:
    user = request.user
    rows = extra.pop("rows", None) or queries.policy_param_rows(version)
    _decorate(rows, version, extra.pop("typed", None))
    levels = queries.policy_levels_above(version)
    siblings = queries.policy_versions(user, module=version.module, org_id=version.org_id)
    return {
        "v": version, "rows": rows, "module": MODULES[version.module], "levels": levels,
        "township": bool(levels), "open_rows": [r for r in rows if r.open],
        "can_edit": has_perm(user, policy_perm(version.module, "edit"), version.org.path),
        "can_adopt": has_perm(user, policy_perm(version.module, "adopt"), version.org.path)
        and version.status == PolicyVersion.Status.DRAFT,
        "siblings": siblings, "preset_title": _preset_title(version.preset), **extra,
    }


RULE_IN_TITLE = re.compile(r"[（(]?\b([A-Z]{2,4}-\d{2})\b[）)]?")


def _decorate(rows: list[Any], version: PolicyVersion, typed: dict[str, Any] | None = None) -> None:
    """Each row as the form shows it: lists and tables in Chinese, codes by their labels, the source
    named by the document's title (never S0–S4), the parameter's code name never shown."""
    fields = MODULES[version.module].schema.model_fields
    for row in rows:
        value = (typed or {}).get(row.name, row.value)
        if row.kind == "json":
            row.grid = grid(fields[row.name].annotation, value)
            row.editor = editor_rows(row.grid)
            row.deletable = row.grid.kind != "object"
        if row.kind == "text" and isinstance(row.value, str) and row.value in code_families():
            row.kind, row.choices = "choice", [c for c, _ in code_families()[row.value]]
        row.choice_labels = choice_labels(row.choices)
        if row.kind == "choice":
            row.display_label = dict(row.choice_labels).get(str(row.value), label_of(row.value))
        else:
            row.display_label = label_of(row.value) if row.kind == "text" else row.display
        rule_ids = RULE_IN_TITLE.findall(row.title)
        row.title = RULE_IN_TITLE.sub("", row.title).strip()
        row.basis = "；".join(filter(None, [doc_titles(row.note or row.source), "、".join(rule_ids)]))
        row.origin_text = doc_titles(row.origin_label)


def _shaped_post(rows: list[Any], version: PolicyVersion, data: Any) -> tuple[Any, dict[str, str], dict[str, Any]]:
    """Turn the table and list editors' inputs into the JSON the policy stores (one place: here)."""
    fields = MODULES[version.module].schema.model_fields
    post = data.copy()
    errors: dict[str, str] = {}
    typed: dict[str, Any] = {}
    for row in rows:
        if row.kind != "json":
            continue
        value, problems = parse_shaped(fields[row.name].annotation, row.name, data, row.value)
        typed[row.name] = value
        post[f"p_{row.name}"] = "" if value is None else json.dumps(value, ensure_ascii=False, default=str)
        if problems:
            errors[row.name] = "；".join(problems)
    return post, errors, typed


@login_required
def policy(request: HttpRequest, pk: int) -> HttpResponse:
    """One version: every parameter, its value, source, inherited or set here; open ones highlighted."""
    version = queries.access_policy(request.user, pk)
    return render(request, "core/policy.html", _policy_ctx(request, version))


@login_required
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit as a new draft version; the version shown is never changed (POL-03)."""
    version = queries.access_policy(request.user, pk)
    if not has_perm(request.user, policy_perm(version.module, "edit"), version.org.path):
        raise NotFound()
    rows = queries.policy_param_rows(version)
    township = bool(queries.policy_levels_above(version))
    if request.method != "POST":
        meta = PolicyMetaForm(initial={"title": version.title, "period_start": version.period_start,
                                       "period_end": version.period_end})
        return render(request, "core/policy_edit.html", _policy_ctx(request, version, rows=rows, meta=meta))
    meta = PolicyMetaForm(request.POST)
    post, shaped_errors, typed = _shaped_post(rows, version, request.POST)
    values, errors, raw = parse_param_post(rows, post, township=township)
    errors.update(shaped_errors)
    if errors:  # show every bad field at once: check the others too (no write)
        try:
            policy_check_values(version, {k: v for k, v in values.items() if k not in errors})
        except PolicyError as exc:
            errors = {**exc.fields, **errors}
    if meta.is_valid() and not errors:
        try:
            new = policy_revise(actor=request.user, version=version, values=values,
                                title=meta.cleaned_data["title"], period_start=meta.cleaned_data["period_start"],
                                period_end=meta.cleaned_data["period_end"], replace=True)
        except PolicyError as exc:
            errors.update(exc.fields or {"__all__": str(exc)})
            for key in ("title", "period_end"):
                if key in errors:
                    meta.add_error(key, errors.pop(key))
        else:
            messages.success(request, MSG_SAVED.format(version=new.version))
            return redirect("core:policy", pk=new.pk)
    rows = queries.policy_param_rows(version, values=raw, errors=errors)
    for row in rows:
        row.checked = bool(request.POST.get(f"o_{row.name}"))  # type: ignore[attr-defined]
    return render(request, "core/policy_edit.html",
                  _policy_ctx(request, version, rows=rows, meta=meta, form_error=errors.get("__all__", ""),
                              has_errors=True, typed=typed), status=400)


@login_required
@require_POST
def policy_adopt_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopt a draft; refused while a number the seed leaves open is unfilled."""
    version = queries.access_policy(request.user, pk)
    if not has_perm(request.user, policy_perm(version.module, "adopt"), version.org.path):
        raise NotFound()
    try:
        policy_adopt(actor=request.user, version=version)
    except PolicyError as exc:
        missing = open_fields(version.module, policy_full_params(version))
        ctx = _policy_ctx(request, version, adopt_errors=exc.errors, adopt_blocked=E_OPEN if missing else "")
        return render(request, "core/policy.html", ctx, status=400)
    messages.success(request, MSG_ADOPTED)
    return redirect("core:policy", pk=version.pk)


# --- audit (SEC-01) -------------------------------------------------------------------------------


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    """Audit rows in scope, filterable; the head hash of each chain the user's scope touches."""
    paths = perm_paths(request.user, "audit.view")
    if not paths:
        raise NotFound()
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = queries.audit_entries(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    for e in page:
        e.said = describe(e)  # type: ignore[attr-defined]
    heads = [(chain, audit_head(chain)) for chain in audit_chains_for_paths(paths)]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit.html", {"form": form, "page": page, "heads": heads,
                                               "query": query.urlencode(),
                                               "perms_export": has_perm(request.user, "audit.export")})


def _as_text(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit rows as Excel, for the audit administrator (三员分立: reads and exports only)."""
    if not has_perm(request.user, "audit.export"):
        raise NotFound()
    from ganbu.core.audit import audit_record
    from ganbu.reports.excel import xlsx_bytes, xlsx_response

    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = queries.audit_entries(request.user, **{k: v for k, v in filters.items() if v})[:50000]
    rows = [[timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_label, e.action, e.object_type,
             e.object_id, e.org_path, e.reason, _as_text(e.before), _as_text(e.after)] for e in entries]
    audit_record(actor=request.user, action="audit.export", object_type="audit", org_path="",
                 after={"rows": len(rows), "filters": {k: str(v) for k, v in filters.items() if v}})
    data = xlsx_bytes([("审计日志", ["时间", "操作人", "动作", "对象类型", "对象", "范围", "原因", "修改前", "修改后"], rows)],
                      text_columns=["对象", "范围"])
    return xlsx_response(data, f"审计日志{timezone.localdate():%Y%m%d}.xlsx")


# --- jobs -----------------------------------------------------------------------------------------


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a background job the user started: rows done of total, then errors or result."""
    item = queries.access_job(request.user, pk)
    if item.status in {"queued", "running"}:
        from ganbu.core.jobs import job_reap_stale

        if job_reap_stale(job_id=item.pk):  # its worker died: say so instead of "running" forever
            item.refresh_from_db()
    errors = item.errors or []
    ctx = {"job": item, "running": item.status in {"queued", "running"}, "errors": errors[:JOB_ERRORS_SHOWN],
           "error_count": len(errors), "errors_cut": len(errors) > JOB_ERRORS_SHOWN, "result": item.result or {}}
    if request.headers.get("HX-Request"):
        return render(request, "core/_job_progress.html", ctx)
    return render(request, "core/job.html", ctx)
