"""积分 pages: ranking (township / county), ledger and "why", recording, approval, catalogue,
cycles and circulars, policy preview. Views parse, call one service or query, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import (
    NotFound,
    access_object,
    access_org,
    access_person,
    has_perm,
    perm_paths,
    scope_q,
)
from ganbu.core.models import PolicyVersion
from ganbu.org.models import TOWNSHIP_KINDS, Org, OrgKind
from ganbu.points import queries, rules, services
from ganbu.points.forms import EntryForm, ItemForm, RejectForm, text_errors
from ganbu.points.models import Cycle, CycleSummary, PointEntry, PointItem, Scope, ThresholdHit
from ganbu.points.preview import PreviewError, preview_policy
from ganbu.reports.pdf import PdfUnavailable, pdf_response, render_pdf


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{k}：{'；'.join(v)}" for k, v in exc.message_dict.items()]
    return list(exc.messages)


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise NotFound() from None


def _scope(request: HttpRequest) -> str:
    scope = request.GET.get("scope") or Scope.VILLAGE
    if scope not in Scope.values:
        raise NotFound()
    return scope


def _default_org(user: Any, perm: str) -> Org | None:
    paths = perm_paths(user, perm)
    if not paths:
        return None
    if "" in paths:
        return Org.objects.filter(kind=OrgKind.COUNTY).order_by("path").first()
    return Org.objects.filter(path=paths[0]).first()


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """Township ranking with the village summary beside it; a county sees its townships side by side."""
    year, scope = _year(request), _scope(request)
    org_id = request.GET.get("org")
    if org_id:
        org = access_org(request.user, org_id, "points.view")
    else:
        org = _default_org(request.user, "points.view")
        if org is None:
            if request.user.person_id:
                return redirect("points:ledger", person_id=request.user.person_id)
            raise NotFound()
    if org.kind == OrgKind.COUNTY:
        return _county(request, org, year, scope)
    township_path = org.path[:9]
    rows = queries.ranking(township_path, scope, year)
    visible = [r for r in rows if r.org_path.startswith(org.path)]
    villages = queries.village_summary(township_path, year) if scope == Scope.VILLAGE else []
    cycle = queries.cycles_for(township_path, year, scope).get(township_path)
    marks = _marks(rows, township_path, scope, cycle)
    return render(request, "points/ranking.html", {
        "org": org, "rows": [(r, marks["tags"].get(r.person_id, [])) for r in visible], "ranked": len(rows),
        "villages": villages, "cycle": cycle, "year": year, "scope": scope, "scopes": Scope.choices,
        "tie_method": rules.TIE_METHOD, "rule_text": marks["text"], "edge_rule": rules.EDGE_TIE_RULE,
        "scored": rules.any_scored(rows), "nobody_scored": rules.NOBODY_SCORED,
        "can_ledger": has_perm(request.user, "points.view", township_path),
    })


def _marks(rows: list[rules.RankRow], township_path: str, scope: str, cycle: Cycle | None) -> dict[str, Any]:
    """Tags for the reward group (PTS-05) and the PTS-06 line, with the reading applied stated in words."""
    from ganbu.core.policy import PolicyMissing, policy_resolve

    on = min(cycle.end, max(cycle.start, timezone.localdate())) if cycle else timezone.localdate()
    try:
        params = policy_resolve(services.policy_module(scope), township_path, on).params
    except PolicyMissing:
        return {"tags": {}, "text": ""}
    tags: dict[int, list[str]] = {}
    for w in rules.rewards(rows, params.reward_proportion, params.reward_per_person):
        tags.setdefault(w.person_id, []).append(f"奖励 {w.amount} 元")
    text = ""
    if scope == Scope.VILLAGE:
        bottom = rules.bottom_group(rows, params.bottom_group_size, params.reward_proportion)
        for r in rows:
            if rules.threshold_reasons(params, r, bottom):
                tags.setdefault(r.person_id, []).append("达到警示线")
        joint = "同时满足" if params.threshold_mode == "and" else "任一条件（原文“扣除积分达40分及排名靠后”按任一理解）"
        text = (f"警示线：扣分达 {params.deduction_threshold} 分、排名后 {params.bottom_group_size} 名，"
                f"{joint}；年终首次谈话提醒，同一任期第二次建议免职、依法罢免。")
    if params.reward_proportion:
        text += f"奖励：年终排名前 {params.reward_proportion:%} 每人 {params.reward_per_person} 元。"
    return {"tags": tags, "text": text}


def _county(request: HttpRequest, county: Org, year: int, scope: str) -> HttpResponse:
    rows = queries.ranking(county.path, scope, year)
    villages = queries.village_summary(county.path, year) if scope == Scope.VILLAGE else []
    townships = queries.townships_in(county.path)
    columns = []
    for t in townships:
        columns.append({"township": t, "rows": [r for r in rows if r.org_path.startswith(t.path)],
                        "villages": [v for v in villages if v["township"] == t.path]})
    return render(request, "points/county.html", {
        "org": county, "columns": columns, "year": year, "scope": scope, "scopes": Scope.choices,
        "tie_method": rules.TIE_METHOD,
    })


@login_required
def ledger(request: HttpRequest, person_id: int) -> HttpResponse:
    """A cadre's own ledger and "why": each entry and its evidence, how total and rank came out (DSC-02)."""
    person = access_person(request.user, person_id, "points.view")
    year = _year(request)
    scope = Scope.VILLAGE if len(person.org_path) == 12 else Scope.TOWNSHIP
    cycle = queries.cycles_for(person.org_path[:9], year, scope).get(person.org_path[:9])
    entries = queries.ledger(person, cycle)
    rows = queries.ranking(person.org_path[:9], scope, year)
    mine = next((r for r in rows if r.person_id == person.pk), None)
    approved = [e for e in entries if e.status == PointEntry.Status.APPROVED]
    additions = sum((e.points for e in approved if e.points > 0), Decimal(0))
    deductions = -sum((e.points for e in approved if e.points < 0), Decimal(0))
    tied = [r for r in rows if mine and r.rank == mine.rank and r.person_id != person.pk]
    above = sum(1 for r in rows if mine and r.total > mine.total)
    hits = ThresholdHit.objects.filter(person=person).select_related("cycle", "case").order_by("cycle__year")
    from ganbu.cases.models import Appeal, Case

    cases = Case.objects.filter(subject=person).order_by("-opened_at")
    appeals = Appeal.objects.filter(person=person, object_type="point_cycle").order_by("-filed_at")
    return render(request, "points/ledger.html", {
        "person": person, "cycle": cycle, "entries": entries, "mine": mine, "ranked": len(rows),
        "additions": additions, "deductions": deductions, "tied": tied, "above": above, "year": year,
        "tie_method": rules.TIE_METHOD, "hits": hits, "cases": cases, "appeals": appeals,
        "is_self": request.user.person_id == person.pk,
    })


@login_required
def evidence(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_object(request.user, PointEntry, entry_id, "points.view", person_field="person_id")
    if entry.evidence is None:
        raise NotFound()
    return FileResponse(entry.evidence.file.open("rb"), filename=entry.evidence.original_name)


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """The office records entries (they wait for a second person's approval)."""
    if not has_perm(request.user, "points.record"):
        raise NotFound()
    errors: list[str] = []
    if request.method == "POST":
        errors = text_errors(EntryForm, request.POST)
        try:
            person = access_person(request.user, request.POST.get("person"), "points.record")
            on = timezone.datetime.strptime(request.POST.get("date") or "", "%Y-%m-%d").date()
        except ValueError:
            errors.append("发生日期：日期格式应为 YYYY-MM-DD")
        if not errors:
            try:
                services.point_entry_record(
                    actor=request.user, person=person, item_id=request.POST.get("item"),
                    points=request.POST.get("points", ""), on=on, note=request.POST.get("note", ""),
                    evidence=request.FILES.get("evidence"), submit_key=request.POST.get("submit_key") or None)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "已录入，待另一名审核人审核后计分")
                return redirect("points:record")
    people = queries.ranked_people("", Scope.VILLAGE).filter(scope_q(request.user, "points.record")) \
        .select_related("org").order_by("org_path", "name")
    township_people = queries.ranked_people("", Scope.TOWNSHIP).filter(scope_q(request.user, "points.record")) \
        .order_by("org_path", "name")
    items = PointItem.objects.filter(scope_q(request.user, "points.record", "township__path"), active=True) \
        .select_related("village").order_by("scope", "category", "name")
    import uuid

    return render(request, "points/record.html", {
        "people": list(people) + list(township_people), "items": items, "errors": errors,
        "recent": queries.recent_entries(request.user), "today": timezone.localdate(), "post": request.POST,
        "submit_key": uuid.uuid4().hex,
    }, status=400 if errors else 200)


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "points.approve"):
        raise NotFound()
    return render(request, "points/pending.html", {"entries": queries.pending_entries(request.user)})


@login_required
@require_POST
def approve(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_object(request.user, PointEntry, entry_id, "points.approve")
    try:
        if request.POST.get("action") == "reject":
            too_long = text_errors(RejectForm, request.POST)
            if too_long:
                raise ValidationError(too_long)
            services.point_entry_reject(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
            messages.success(request, "已退回")
        else:
            services.point_entry_approve(actor=request.user, entry=entry)
            messages.success(request, "已审核，计入积分")
    except ValidationError as exc:
        for e in _errors(exc):
            messages.error(request, e)
    return redirect("points:pending")


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """The township's catalogue, and a village's tailored items (PTS-02)."""
    township = _default_org(request.user, "points.catalogue")
    if township is not None and township.kind not in TOWNSHIP_KINDS:  # a county role: its first township
        township = Org.objects.filter(path__startswith=township.path, kind__in=TOWNSHIP_KINDS).order_by("path").first()
    if request.GET.get("org"):
        township = access_org(request.user, request.GET["org"], "points.catalogue")
    if township is None or township.kind not in TOWNSHIP_KINDS:
        raise NotFound()
    errors: list[str] = []
    if request.method == "POST":
        village = None
        if request.POST.get("village"):
            village = access_org(request.user, request.POST["village"], "points.catalogue")
        try:
            too_long = text_errors(ItemForm, request.POST)
            if too_long:
                raise ValidationError(too_long)
            services.point_item_create(
                actor=request.user, township=township, scope=request.POST.get("scope", Scope.VILLAGE),
                category=request.POST.get("category", ""), name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""), default_points=request.POST.get("default_points", ""),
                cap_per_cycle=request.POST.get("cap_per_cycle") or None,
                evidence_required=bool(request.POST.get("evidence_required")), village=village)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "已添加积分项目")
            return redirect(f"{request.path}?org={township.pk}")
    items = PointItem.objects.filter(township=township).select_related("village")
    villages = Org.objects.filter(parent=township).order_by("path")
    from ganbu.core.policy import PolicyMissing, policy_resolve

    categories: list[str] = []
    for module in ("points", "points_township"):
        try:
            categories += [c for c in policy_resolve(module, township.path, timezone.localdate()).params.categories
                           if c not in categories]
        except PolicyMissing:
            pass
    return render(request, "points/catalogue.html", {
        "township": township, "items": items, "villages": villages, "errors": errors, "categories": categories,
        "scopes": Scope.choices, "post": request.POST}, status=400 if errors else 200)


def _confirm(request: HttpRequest, *, title: str, lines: list[str], back: str) -> HttpResponse:
    """The confirm step of an irreversible action: what will happen, and the same POST again with
    ``confirm=1`` (computed by the same service the action uses)."""
    hidden = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")]
    return render(request, "points/confirm.html", {"title": title, "lines": lines, "hidden": hidden,
                                                   "action": request.path, "back": back})


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    """Cycles, half-cycle and final summaries, circulars and publication (PTS-03..05). Opening a
    cycle, a summary and publishing each show what will happen first and ask to confirm."""
    if not has_perm(request.user, "points.view"):
        raise NotFound()
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        confirmed = request.POST.get("confirm") == "1"
        back = request.path
        try:
            if action == "open":
                township = access_org(request.user, request.POST.get("township"), "points.catalogue")
                try:
                    year = int(request.POST.get("year", ""))
                except ValueError:
                    raise ValidationError({"年度": "年度应为四位数字"}) from None
                scope = request.POST.get("scope", Scope.VILLAGE)
                if scope not in Scope.values:
                    raise ValidationError({"范围": "积分范围不正确"})
                if not confirmed:
                    return _confirm(request, title="建立积分周期",
                                    lines=[services.cycle_open_plan(township=township, year=year, scope=scope)],
                                    back=back)
                services.cycle_open(actor=request.user, township=township, year=year, scope=scope)
            elif action in ("half", "final"):
                cycle = access_object(request.user, Cycle, request.POST.get("cycle"), "points.publish")
                if not confirmed:
                    plan = services.cycle_summary_plan(cycle=cycle, kind=action)
                    lines = [plan.text()]
                    if plan.low:
                        lines.append("约谈提醒：" + "、".join(f"{r.name}（第{r.rank}名）" for r in plan.low))
                    if plan.paid:
                        lines.append("奖励：" + "、".join(f"{w.name} {w.amount} 元" for w in plan.paid))
                    lines.append(rules.EDGE_TIE_RULE + "。")
                    return _confirm(request, title=f"{cycle.year}年度{CycleSummary.Kind(action).label}", lines=lines,
                                    back=back)
                services.cycle_summarise(actor=request.user, cycle=cycle, kind=action)
            elif action == "publish":
                summary = access_object(request.user, CycleSummary, request.POST.get("summary"), "points.publish",
                                        "cycle__org_path")
                if not confirmed:
                    return _confirm(request, title="公示积分排名", lines=[services.ranking_publish_plan(summary=summary)],
                                    back=back)
                services.ranking_publish(actor=request.user, summary=summary)
            else:
                raise NotFound()
        except ValidationError as exc:
            errors = _errors(exc)
        except ValueError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, "已完成")
            return redirect("points:cycles")
    items = Cycle.objects.filter(scope_q(request.user, "points.view")).select_related("township") \
        .prefetch_related("summaries__notice").order_by("-year", "org_path")
    townships = Org.objects.filter(scope_q(request.user, "points.catalogue", "path"),
                                   kind__in=list(TOWNSHIP_KINDS))
    return render(request, "points/cycles.html", {
        "cycles": items, "townships": townships, "errors": errors, "year": timezone.localdate().year,
        "scopes": Scope.choices, "can_publish": has_perm(request.user, "points.publish"), "post": request.POST},
        status=400 if errors else 200)


@login_required
def circular(request: HttpRequest, summary_id: int) -> HttpResponse:
    """The 通报 PDF of a summary: ranking, village summary, low scorers to remind, rewards (PTS-03, PUB-03)."""
    summary = access_object(request.user, CycleSummary, summary_id, "points.view", "cycle__org_path")
    ctx = {"summary": summary, "cycle": summary.cycle, "tie_method": rules.TIE_METHOD,
           "edge_rule": rules.EDGE_TIE_RULE}
    try:
        data = render_pdf("points/circular_pdf.html", ctx)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503)
    return pdf_response(data, f"积分通报-{summary.cycle.year}-{summary.get_kind_display()}.pdf")


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """POL-04: a draft points policy's effect on the current cycle, nothing written."""
    drafts = PolicyVersion.objects.filter(scope_q(request.user, "policy.view", "org__path"), module="points",
                                          status=PolicyVersion.Status.DRAFT).select_related("org")
    if not has_perm(request.user, "policy.view"):
        raise NotFound()
    result = None
    error = ""
    if request.GET.get("version"):
        version = access_object(request.user, PolicyVersion, request.GET["version"], "policy.view", "org__path")
        if version.module != "points":
            raise NotFound()
        try:
            result = preview_policy(version=version, year=_year(request))
        except PreviewError as exc:
            error = str(exc)
    return render(request, "points/preview.html", {"drafts": drafts, "result": result, "error": error})
