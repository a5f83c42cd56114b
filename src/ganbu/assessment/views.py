"""千分制 pages: parse, call one service or query, render. Every object comes through scoped access."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.assessment import queries, rules, services
from ganbu.assessment.models import AssessmentTemplate, DutyReport
from ganbu.assessment.services import AssessmentError
from ganbu.core.access import NotFound, access_org, access_person, has_perm, perm_paths
from ganbu.org.models import VILLAGE_KINDS, Org, OrgKind
from ganbu.reports.excel import xlsx_response
from ganbu.reports.pdf import PdfUnavailable, pdf_response


def _echarts() -> bool:
    return bool(finders.find("vendor/echarts.min.js"))


def _year(request: HttpRequest, default: int | None = None) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or default or timezone.localdate().year)
    except ValueError:
        raise NotFound() from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Templates, results by year and rankings for the townships in the user's scope."""
    user = request.user
    if not has_perm(user, "assessment.view"):
        raise NotFound()
    townships = list(queries.townships_for(user))
    villages: list[Org] = []
    if not townships:
        villages = list(Org.objects.filter(kind__in=list(VILLAGE_KINDS), path__in=perm_paths(user, "assessment.view")))
    township = None
    if request.GET.get("township"):
        township = queries.access_township(user, request.GET["township"])
    elif townships:
        township = townships[0]
    ctx: dict[str, Any] = {"townships": townships, "township": township, "villages": villages}
    if township is not None:
        ctx["templates"] = list(queries.templates_for(user).filter(township=township))
        ctx["years"] = queries.result_years(township)
        ctx["can_manage"] = has_perm(user, "assessment.manage", township.path)
        ctx["this_month"] = timezone.localdate().strftime("%Y-%m")
    return render(request, "assessment/home.html", ctx)


def _items_from_post(request: HttpRequest) -> list[services.ItemInput]:
    items = []
    for n in range(1, 21):
        name = request.POST.get(f"name_{n}", "").strip()
        if not name:
            continue
        try:
            rater_id = int(request.POST.get(f"rater_{n}", ""))
        except ValueError:
            rater_id = 0
        items.append(services.ItemInput(name=name, max_points=request.POST.get(f"max_{n}", ""),
                                        rater_id=rater_id, basis=request.POST.get(f"basis_{n}", "")))
    return items


def _raters(township: Org) -> list[Org]:
    return [township, *Org.objects.filter(kind=OrgKind.DEPARTMENT, path__startswith=township.path[:6])]


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the items while nobody has scored yet."""
    tpl = queries.access_template(request.user, pk, "assessment.manage")
    errors: list[str] = []
    if request.method == "POST":
        items = _items_from_post(request)
        try:
            services.template_items_replace(actor=request.user, template=tpl, items=items)
        except AssessmentError as exc:
            errors = exc.errors
        else:
            messages.success(request, "考核项目已修改")
            return redirect("assessment:template", pk=tpl.pk)
        rows = [{"name": i.name, "max": i.max_points, "rater": i.rater_id, "basis": i.basis} for i in items]
    else:
        rows = [{"name": i.name, "max": i.max_points, "rater": i.rater_id, "basis": i.basis} for i in tpl.items.all()]
    rows += [{"name": "", "max": "", "rater": tpl.township_id, "basis": ""}] * (10 - len(rows))
    return render(request, "assessment/template_new.html",
                  {"township": tpl.township, "year": tpl.year, "rows": rows, "raters": _raters(tpl.township),
                   "errors": errors, "tpl": tpl}, status=400 if errors else 200)


@login_required
def template_new(request: HttpRequest, township_id: int) -> HttpResponse:
    township = queries.access_township(request.user, township_id, "assessment.manage")
    year = _year(request)
    raters = _raters(township)
    errors: list[str] = []
    if request.method == "POST":
        items = _items_from_post(request)
        try:
            tpl = services.template_create(actor=request.user, township=township, year=year, items=items,
                                           title=request.POST.get("title", ""))
        except AssessmentError as exc:
            errors = exc.errors
        else:
            messages.success(request, "考核方案已建立")
            return redirect("assessment:template", pk=tpl.pk)
        rows = [{"name": i.name, "max": i.max_points, "rater": i.rater_id, "basis": i.basis} for i in items]
    else:
        try:
            policy = services.policy_for(township, date(year, 12, 31)).params
        except AssessmentError as exc:
            errors, rows = exc.errors, []
        else:
            rows = [{"name": i.name, "max": i.max_points, "rater": i.rater_id, "basis": i.basis}
                    for i in services.default_items(policy, township)]
    rows += [{"name": "", "max": "", "rater": township.pk, "basis": ""}] * (10 - len(rows))
    return render(request, "assessment/template_new.html",
                  {"township": township, "year": year, "rows": rows, "raters": raters, "errors": errors},
                  status=400 if errors and request.method == "POST" else 200)


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tpl = queries.access_template(request.user, pk)
    items = list(tpl.items.select_related("rater"))
    in_scope = has_perm(request.user, "assessment.view", tpl.org_path)
    return render(request, "assessment/template.html", {
        "tpl": tpl, "items": [(it, queries.is_rater(request.user, it.rater)) for it in items],
        "progress": queries.score_progress(tpl), "in_scope": in_scope,
        "can_manage": has_perm(request.user, "assessment.manage", tpl.org_path),
        "can_score": has_perm(request.user, "assessment.score", tpl.org_path),
        "can_publish": has_perm(request.user, "notices.publish", tpl.org_path),
    })


@login_required
def score_item(request: HttpRequest, pk: int) -> HttpResponse:
    """A designated rater scores every village on one item (≤ its maximum)."""
    item = queries.access_item(request.user, pk)
    tpl = item.template
    villages = list(queries.villages_of(tpl.township))
    existing = {s.village_id: s for s in item.scores.all()}
    errors: list[str] = []
    may_score = queries.is_rater(request.user, item.rater) and tpl.status == AssessmentTemplate.Status.OPEN
    if request.method == "POST":
        if not may_score:
            errors = [services.NOT_RATER.format(item=item.name, rater=item.rater.name)]
        else:
            entries = {v: (request.POST.get(f"score_{v.pk}", "").strip(), request.POST.get(f"note_{v.pk}", ""))
                       for v in villages}
            try:
                services.scores_enter(actor=request.user, item=item, entries=entries)
            except AssessmentError as exc:
                errors = exc.errors
            else:
                messages.success(request, f"「{item.name}」评分已保存")
                return redirect("assessment:score", pk=item.pk)
    rows = [{"village": v, "score": request.POST.get(f"score_{v.pk}") if errors else
             getattr(existing.get(v.pk), "score", ""), "note": getattr(existing.get(v.pk), "note", "")}
            for v in villages]
    return render(request, "assessment/score.html",
                  {"item": item, "tpl": tpl, "rows": rows, "errors": errors, "may_score": may_score},
                  status=400 if errors else 200)


@login_required
def three_evaluations(request: HttpRequest, pk: int) -> HttpResponse:
    """KPI-02: self-evaluation and party-member & public evaluation per village."""
    tpl = queries.access_template(request.user, pk, "assessment.score")
    villages = list(queries.villages_of(tpl.township))
    errors: list[str] = []
    if request.method == "POST":
        entries = {v: (request.POST.get(f"self_{v.pk}", "").strip(), request.POST.get(f"public_{v.pk}", "").strip())
                   for v in villages}
        try:
            services.three_evaluations_enter(actor=request.user, template=tpl, entries=entries)
        except AssessmentError as exc:
            errors = exc.errors
        else:
            messages.success(request, "三评得分已保存")
            return redirect("assessment:three", pk=tpl.pk)
    existing = {t.village_id: t for t in tpl.three_evaluations.all()}
    policy = services.policy_for(tpl.township, date(tpl.year, 12, 31)).params
    rows = [{"village": v, "self": getattr(existing.get(v.pk), "self_score", ""),
             "public": getattr(existing.get(v.pk), "public_score", "")} for v in villages]
    return render(request, "assessment/three.html",
                  {"tpl": tpl, "rows": rows, "errors": errors, "policy": policy}, status=400 if errors else 200)


@login_required
def stages(request: HttpRequest, pk: int) -> HttpResponse:
    """KPI-07: the township's stage assessments of each village team."""
    tpl = queries.access_template(request.user, pk, "assessment.score")
    villages = list(queries.villages_of(tpl.township))
    policy = services.policy_for(tpl.township, date(tpl.year, 12, 31)).params
    numbers = list(range(1, (policy.stage_count or 1) + 1))
    errors: list[str] = []
    if request.method == "POST":
        entries = {(v, n): request.POST.get(f"stage_{v.pk}_{n}", "").strip() for v in villages for n in numbers}
        try:
            services.stage_scores_enter(actor=request.user, template=tpl, entries=entries)
        except AssessmentError as exc:
            errors = exc.errors
        else:
            messages.success(request, "阶段考核得分已保存")
            return redirect("assessment:stages", pk=tpl.pk)
    existing = {(s.village_id, s.stage): s.score for s in tpl.stage_scores.all()}
    rows = [{"village": v, "cells": [(n, existing.get((v.pk, n), "")) for n in numbers]} for v in villages]
    return render(request, "assessment/stages.html",
                  {"tpl": tpl, "rows": rows, "numbers": numbers, "errors": errors,
                   "formula": rules.pay_formula(policy)}, status=400 if errors else 200)


@login_required
@require_POST
def finalize(request: HttpRequest, pk: int) -> HttpResponse:
    tpl = queries.access_template(request.user, pk, "assessment.manage")
    try:
        services.results_finalize(actor=request.user, template=tpl)
    except AssessmentError as exc:
        for e in exc.errors:
            messages.error(request, e)
        return redirect("assessment:template", pk=tpl.pk)
    messages.success(request, "年度结果已汇总，末位与奖励已按细则处理")
    return redirect("assessment:results", township_id=tpl.township_id, year=tpl.year)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    tpl = queries.access_template(request.user, pk, "notices.publish")
    try:
        version = services.results_publish(actor=request.user, template=tpl)
    except AssessmentError as exc:
        for e in exc.errors:
            messages.error(request, e)
        return redirect("assessment:template", pk=tpl.pk)
    messages.success(request, f"考核结果已公示（第 {version.version} 版）")
    return redirect("assessment:results", township_id=tpl.township_id, year=tpl.year)


@login_required
def results(request: HttpRequest, township_id: int, year: int) -> HttpResponse:
    """Annual results: villages and communities ranked apart (SQL), rewards, pay, the rules applied."""
    township = queries.access_township(request.user, township_id)
    rows = list(queries.results_ranked(township, year))
    heads = queries.principals([r.village_id for r in rows], min(timezone.localdate(), date(year, 12, 31)))
    for r in rows:
        r.principal = getattr(heads.get(r.village_id), "name", "")
    tpl = AssessmentTemplate.objects.filter(township=township, year=year).first()
    try:
        policy = services.policy_for(township, date(year, 12, 31)).params
    except AssessmentError:
        policy = None
    groups = [(label, [r for r in rows if r.kind == kind]) for kind, label in rules.KINDS.items()]
    chart = {label: {"names": [r.village_name for r in g], "totals": [float(r.total) for r in g]} for label, g in groups}
    from ganbu.cases.models import Case

    cases = list(Case.objects.filter(rule_id="KPI-04", org_path__startswith=township.path,
                                     key__endswith=f":{year}").select_related("subject"))
    return render(request, "assessment/results.html", {
        "township": township, "year": year, "groups": groups, "tpl": tpl, "policy": policy, "chart": chart,
        "echarts": _echarts(), "tie_method": rules.TIE_METHOD, "cases": cases,
        "last_method": rules.last_method(policy) if policy else "",
        "pay_formula": rules.pay_formula(policy) if policy else "", "years": queries.result_years(township),
        "refs": sorted({r.policy_ref for r in rows}),
    })


@login_required
def import_results(request: HttpRequest, township_id: int) -> HttpResponse:
    """KPI-08: past years' results from Excel; any bad row → nothing changes, every bad row listed."""
    township = queries.access_township(request.user, township_id, "assessment.manage")
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = ["请选择要导入的 Excel 文件"]
        else:
            try:
                rows = services.results_import(actor=request.user, township=township, content=upload.read(),
                                               filename=upload.name)
            except AssessmentError as exc:
                errors = exc.errors
            else:
                messages.success(request, f"已导入 {len(rows)} 条历史结果")
                return redirect(f"{request.path}")
    return render(request, "assessment/import.html",
                  {"township": township, "errors": errors, "headers": services.IMPORT_HEADERS,
                   "years": queries.result_years(township)}, status=400 if errors else 200)


@login_required
def import_template(request: HttpRequest, township_id: int) -> HttpResponse:
    township = queries.access_township(request.user, township_id, "assessment.manage")
    return xlsx_response(services.import_template_bytes(township), f"{township.name}千分制历史结果导入模板.xlsx")


@login_required
def duty_reports(request: HttpRequest, township_id: int) -> HttpResponse:
    """KPI-03: half-yearly 述职 with written 测评 results."""
    township = queries.access_township(request.user, township_id)
    year = _year(request)
    errors: list[str] = []
    can_manage = has_perm(request.user, "assessment.manage", township.path)
    if request.method == "POST":
        person = access_person(request.user, request.POST.get("person"), "person.view")
        if not person.org_path.startswith(township.path):
            raise NotFound()
        try:
            reported_on = date.fromisoformat(request.POST.get("reported_on", ""))
        except ValueError:
            errors = ["请填写述职日期（YYYY-MM-DD）"]
        else:
            try:
                services.duty_report_record(
                    actor=request.user, person=person, year=year, half=int(request.POST.get("half") or 0),
                    reported_on=reported_on, audiences=request.POST.getlist("audiences"),
                    summary=request.POST.get("summary", ""),
                    votes={k: request.POST.get(f"votes_{k}") for k, _ in rules.RATINGS})
            except AssessmentError as exc:
                errors = exc.errors
            else:
                messages.success(request, "述职测评已登记")
                return redirect(f"{request.path}?year={year}")
    people = list(queries.team_members(township, timezone.localdate())) if can_manage else []
    missing = [(label, list(queries.duty_report_missing(township, year, half)))
               for half, label in DutyReport.Half.choices]
    try:  # a year without a policy in force (an earlier year, a year not yet set up) is a page, not a 500
        interval = services.policy_for(township, date(year, 12, 31)).params.report_interval_months
    except AssessmentError as exc:
        interval, no_policy = None, "；".join(exc.errors)
    else:
        no_policy = ""
    return render(request, "assessment/reports.html", {
        "township": township, "year": year, "reports": list(queries.duty_reports_for(township, year)),
        "errors": errors, "people": people, "audiences": services.AUDIENCES, "ratings": rules.RATINGS,
        "rating_labels": dict(rules.RATINGS), "can_manage": can_manage, "halves": DutyReport.Half.choices,
        "missing": missing, "interval": interval, "no_policy": no_policy,
    }, status=400 if errors else 200)


@login_required
def inspections(request: HttpRequest, township_id: int, month: str) -> HttpResponse:
    """KPI-06: this month's inspection findings and the written circular."""
    township = queries.access_township(request.user, township_id)
    first = services.parse_month(month)
    errors: list[str] = []
    can_manage = has_perm(request.user, "assessment.manage", township.path)
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        try:
            if request.POST.get("action") == "publish":
                circular = services.circular_publish(actor=request.user, township=township, month=first)
                messages.success(request, f"督查通报已发布（第 {circular.notice_version.version} 版）")
            else:
                village = access_org(request.user, request.POST.get("village"), "assessment.manage")
                person = (access_person(request.user, request.POST["person"], "person.view")
                          if request.POST.get("person") else None)
                try:
                    on = date.fromisoformat(request.POST.get("inspected_on", ""))
                except ValueError:
                    raise AssessmentError("请填写督查日期（YYYY-MM-DD）") from None
                if on.replace(day=1) != first:
                    raise AssessmentError("督查日期应在本月内")
                services.inspection_record(actor=request.user, township=township, village=village, inspected_on=on,
                                           finding=request.POST.get("finding", ""),
                                           good=request.POST.get("good") == "1",
                                           rectification=request.POST.get("rectification", ""), person=person)
                messages.success(request, "督查记录已保存")
        except AssessmentError as exc:
            errors = exc.errors
        else:
            return redirect(request.path)
    prev_month = (first.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    next_month = (first.replace(day=28) + timedelta(days=4)).strftime("%Y-%m")
    return render(request, "assessment/inspections.html", {
        "township": township, "month": first, "month_str": month, "prev": prev_month, "next": next_month,
        "people": list(queries.team_members(township, first)) if can_manage else [], "entries": list(queries.inspection_entries(township, first)),
        "circular": queries.circular_for(township, first), "villages": list(queries.villages_of(township)),
        "errors": errors, "can_manage": can_manage,
    }, status=400 if errors else 200)


@login_required
def inspections_pdf(request: HttpRequest, township_id: int, month: str) -> HttpResponse:
    township = queries.access_township(request.user, township_id)
    first = services.parse_month(month)
    try:
        data = services.circular_pdf(township, first)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(data, f"{township.name}{first.year}年{first.month}月督查通报.pdf")


@login_required
def village(request: HttpRequest, org_id: int) -> HttpResponse:
    """One village's (community's) results over the years, with rank that year."""
    org = access_org(request.user, org_id, "assessment.view")
    if org.kind not in VILLAGE_KINDS:
        raise NotFound()
    return render(request, "assessment/village.html", {"village": org, "history": queries.village_history(org)})
