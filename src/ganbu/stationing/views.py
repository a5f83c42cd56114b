"""Stationing pages: selection and adjustment, the stationed-cadre list, the cadre's calendar, the diary,
the negative list, the village board, allowances. Each view parses one form, calls one service or query."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ganbu.core.access import NotFound, has_perm, scope_q
from ganbu.core.recusal import RecusalError, is_subject
from ganbu.org.models import VILLAGE_KINDS, Org, OrgKind, Person
from ganbu.stationing import queries, services
from ganbu.stationing.eligibility import person_eligibility
from ganbu.stationing.forms import (
    AdvanceForm,
    ApproveForm,
    AssignmentForm,
    AwardDecideForm,
    AwardForm,
    BoardPhoneForm,
    DiaryForm,
    NegativeForm,
    ObligationForm,
    ProposeForm,
    ReimbursementForm,
    RejectForm,
    ReplaceForm,
    ReportForm,
    ReviewForm,
    SymposiumForm,
    SymposiumReportForm,
    TaskForm,
    TaskReportForm,
    apply_errors,
)
from ganbu.stationing.models import AssignedTask, AwardNomination, NegativeItem, ObligationKind, Selection

ROLES = {"first_secretary": "驻村第一书记", "team_member": "驻村工作队员"}
RESPONSIBLE = queries.RESPONSIBLE


def _today() -> date:
    return timezone.localdate()


def _month(value: str | None) -> date:
    try:
        y, m = (int(x) for x in (value or "").split("-")[:2])
        return date(y, m, 1)
    except (TypeError, ValueError):
        return _today().replace(day=1)


def _need(request: HttpRequest, perm: str = "stationing.view") -> None:
    if not has_perm(request.user, perm) and not queries._unit_paths(request.user):
        raise NotFound()


def _fail(form: Any, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        apply_errors(form, exc)
    else:
        form.add_error(None, getattr(exc, "message", None) or str(exc) or "无权办理")


# --- eligibility (STN-04) ------------------------------------------------------------------------------


@login_required
def eligibility(request: HttpRequest) -> HttpResponse:
    """STN-04: may this person be sent as first secretary or team member? Found by search; every reason if not."""
    if not has_perm(request.user, "stationing.manage"):
        raise NotFound()
    role = request.GET.get("role") if request.GET.get("role") in ROLES else "first_secretary"
    q = request.GET.get("q", "")[:50]
    ctx: dict[str, Any] = {"roles": ROLES, "role": role, "q": q,
                           "found": queries.candidate_search(request.user, q) if q else []}
    if request.GET.get("person"):
        from ganbu.org.queries import person_for

        person = person_for(request.user, request.GET["person"], "stationing.manage")
        today = _today()
        result, ref = person_eligibility(person, role, person.org_path, today)
        ctx.update(person=person, result=result, policy_ref=ref, on=today)
    return render(request, "stationing/eligibility.html", ctx)


# --- the county's pages -----------------------------------------------------------------------------


@login_required
def cadres(request: HttpRequest) -> HttpResponse:
    """Every stationed cadre in scope: village, unit, post, term, days in village this month, open obligations;
    filterable (overdue obligations included) and exportable to Excel."""
    _need(request)
    today = _today()
    f = {"q": request.GET.get("q", "")[:50], "township": request.GET.get("township", "")[:9],
         "unit": request.GET.get("unit", "")[:16], "overdue_only": request.GET.get("overdue") == "1"}
    rows = queries.stationed_list(request.user, today, **f)
    if request.GET.get("format") == "xlsx":
        from ganbu.reports.excel import xlsx_bytes, xlsx_response

        headers = ["姓名", "派驻村", "乡镇", "派出单位", "职务", "任期起", "任期止", "本月在村天数", "未完成事项",
                   "逾期事项", "逾期明细", "轮换"]
        data = [[r.post.person.name, r.post.org.name, r.post.org.parent.name if r.post.org.parent else "",
                 r.post.dispatch_unit.name if r.post.dispatch_unit else "", r.post.get_title_display(),
                 r.term_start.isoformat(), r.term_end.isoformat(), r.days_in_village, len(r.open), len(r.overdue),
                 "；".join(f"{d.period}{ObligationKind(d.kind).label}" for d in r.overdue),
                 "即将期满轮换" if r.rotation else ""] for r in rows]
        return xlsx_response(xlsx_bytes([("驻村干部", headers, data)], note=f"驻村干部一览（{today}）"),
                             f"驻村干部一览-{today}.xlsx")
    townships = Org.objects.filter(scope_q(request.user, "stationing.view", "path"),
                                   kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]).order_by("path")
    return render(request, "stationing/cadres.html", {
        "rows": rows, "f": f, "today": today, "townships": townships, "units": queries.unit_choices(request.user)
        if has_perm(request.user, "stationing.manage") else [], "labels": dict(ObligationKind.choices),
        "waiting": queries.selections_waiting(request.user), "export_q": request.GET.urlencode()})


@login_required
def villages(request: HttpRequest) -> HttpResponse:
    """STN-03/05: villages eligible for a team (by category), those without one, and cadres due for rotation."""
    _need(request)
    today = _today()
    rows = queries.eligible_villages(request.user, today)
    rotation = [r for r in queries.cadre_rows(queries.current_posts(request.user, today), today) if r.rotation]
    return render(request, "stationing/villages.html", {
        "without": [r for r in rows if not r.team], "with_team": [r for r in rows if r.team], "rotation": rotation,
        "today": today, "can_propose": bool(queries.unit_choices(request.user))})


# --- selection and adjustment ----------------------------------------------------------------------


@login_required
def selections(request: HttpRequest) -> HttpResponse:
    _need(request)
    return render(request, "stationing/selections.html", {
        "items": queries.selections_visible(request.user)[:200], "waiting": queries.selections_waiting(request.user),
        "can_propose": queries.unit_choices(request.user).exists()})


def _picker(request: HttpRequest) -> dict[str, Any]:
    q = (request.POST.get("q") or request.GET.get("q") or "")[:50]
    chosen = None
    pid = request.POST.get("candidate") or request.GET.get("candidate")
    if pid:
        from ganbu.org.queries import people_list

        chosen = people_list(request.user).filter(pk=pid if str(pid).isdigit() else 0).first()
    return {"q": q, "found": queries.candidate_search(request.user, q) if q else [], "chosen": chosen}


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    """A dispatch unit proposes a candidate for an eligible village; the eligibility check runs on the spot."""
    units = queries.unit_choices(request.user)
    if not units.exists():
        raise NotFound()
    villages = queries.village_choices(request.user).exclude(categories=[])
    pick = _picker(request)
    data = request.POST if request.method == "POST" and "save" in request.POST else None
    initial = {"term_start": _today(), "village": request.GET.get("village"), "role": request.GET.get("role"),
               "unit": units.first() if units.count() == 1 else None,
               "candidate": pick["chosen"].pk if pick["chosen"] else None}
    form = ProposeForm(data, villages=villages, units=units, initial=initial)
    check = None
    if pick["chosen"] is not None:
        role = request.POST.get("role") or request.GET.get("role") or "first_secretary"
        check = person_eligibility(pick["chosen"], role, pick["chosen"].org_path, _today())[0]
    if data is not None and form.is_valid():
        d = form.cleaned_data
        if pick["chosen"] is None:
            form.add_error("candidate", "请先搜索并选择人选")
        else:
            try:
                sel = services.selection_propose(actor=request.user, kind=Selection.Kind.NEW, village=d["village"],
                                                 unit=d["unit"], candidate=pick["chosen"], role=d["role"],
                                                 term_start=d["term_start"], term_end=d["term_end"], note=d["note"])
                messages.success(request, "已提出人选，等待县委组织部审批")
                return redirect("stationing:selection", pk=sel.pk)
            except (ValidationError, PermissionDenied, RecusalError) as exc:
                _fail(form, exc)
    return render(request, "stationing/propose.html", {"form": form, "pick": pick, "check": check,
                                                       "title": "提出驻村人选"},
                  status=400 if data is not None and form.errors else 200)


@login_required
def replace(request: HttpRequest) -> HttpResponse:
    """A dispatch unit proposes a replacement for one of its stationed cadres (STN-05)."""
    units = queries.unit_choices(request.user)
    if not units.exists():
        raise NotFound()
    today = _today()
    outgoing = queries.current_posts(request.user, today).select_related("person", "org").order_by("org__path")
    pick = _picker(request)
    data = request.POST if request.method == "POST" and "save" in request.POST else None
    form = ReplaceForm(data, outgoing=outgoing, units=units,
                       initial={"term_start": today, "outgoing": request.GET.get("outgoing"),
                                "unit": units.first() if units.count() == 1 else None,
                                "candidate": pick["chosen"].pk if pick["chosen"] else None})
    check = None
    if pick["chosen"] is not None:
        check = person_eligibility(pick["chosen"], "first_secretary", pick["chosen"].org_path, today)[0]
    if data is not None and form.is_valid():
        d = form.cleaned_data
        if pick["chosen"] is None:
            form.add_error("candidate", "请先搜索并选择接任人选")
        else:
            out = d["outgoing"]
            try:
                sel = services.selection_propose(actor=request.user, kind=Selection.Kind.REPLACE, village=out.org,
                                                 unit=d["unit"], candidate=pick["chosen"], role=out.title,
                                                 term_start=d["term_start"], outgoing=out, reason=d["reason"],
                                                 note=d["note"])
                messages.success(request, "已提出调整申请，等待县委组织部审查")
                return redirect("stationing:selection", pk=sel.pk)
            except (ValidationError, PermissionDenied, RecusalError) as exc:
                _fail(form, exc)
    return render(request, "stationing/propose.html", {"form": form, "pick": pick, "check": check,
                                                       "title": "提出调整（接任人选）", "replace": True},
                  status=400 if data is not None and form.errors else 200)


@login_required
def selection(request: HttpRequest, pk: int) -> HttpResponse:
    sel = queries.access_selection(request.user, pk)
    county = has_perm(request.user, "stationing.manage", sel.org_path[:6])
    subjects = [sel.candidate_id] + ([sel.outgoing.person_id] if sel.outgoing_id else [])
    recused = is_subject(request.user, subjects)
    forms_: dict[str, Any] = {}
    action = request.POST.get("action") if request.method == "POST" else None
    if county and not recused:
        if sel.kind == Selection.Kind.REPLACE and sel.status == Selection.Status.PROPOSED:
            forms_["review"] = ReviewForm(request.POST if action == "review" else None)
        ready = Selection.Status.REVIEWED if sel.kind == Selection.Kind.REPLACE else Selection.Status.PROPOSED
        if sel.status == ready:
            forms_["approve"] = ApproveForm(request.POST if action == "approve" else None,
                                            initial={"approved_on": _today()})
        if sel.status in (Selection.Status.PROPOSED, Selection.Status.REVIEWED):
            forms_["reject"] = RejectForm(request.POST if action == "reject" else None)
    may_report = sel.status == Selection.Status.APPROVED and sel.kind == Selection.Kind.REPLACE and (
        county or has_perm(request.user, "attendance.correct", sel.org_path)
        or getattr(request.user, "person_id", None) == sel.candidate_id)
    if may_report:
        forms_["report"] = ReportForm(request.POST if action == "report" else None, initial={"on": _today()})
    if action in forms_ and forms_[action].is_valid():
        d = forms_[action].cleaned_data
        try:
            if action == "review":
                services.selection_review(actor=request.user, selection=sel, agree=d["agree"] == "1", note=d["note"])
                messages.success(request, "审查意见已记录")
            elif action == "approve":
                services.selection_approve(actor=request.user, selection=sel, approved_on=d["approved_on"],
                                           approval_ref=d["approval_ref"], override_reason=d["override_reason"])
                messages.success(request, "已批准")
            elif action == "reject":
                services.selection_reject(actor=request.user, selection=sel, note=d["note"])
                messages.success(request, "已不予批准")
            elif action == "report":
                done = services.selection_report(actor=request.user, selection=sel, on=d["on"])
                messages.success(request, "已登记报到" + ("（逾期报到，已转问责事项）" if done.reported_late else ""))
            return redirect("stationing:selection", pk=sel.pk)
        except (ValidationError, PermissionDenied, RecusalError) as exc:
            _fail(forms_[action], exc)
    today = _today()
    check = person_eligibility(sel.candidate, sel.role, sel.org_path, today)[0]
    return render(request, "stationing/selection.html", {
        "sel": sel, "forms": forms_, "recused": recused and county, "check": check, "today": today,
        "in_handover": sel.handover_end is not None and sel.handover_start <= today <= sel.handover_end},
        status=400 if action and action in forms_ and forms_[action].errors else 200)


# --- the cadre's page and the calendar ----------------------------------------------------------------


@login_required
def cadre(request: HttpRequest, person_id: int) -> HttpResponse:
    """A stationed cadre's term, obligations calendar (due dates), records; record an obligation."""
    person = queries.cadre_for(request.user, person_id)
    today = _today()
    rows = queries.cadre_rows(queries.cadre_posts(person).filter(Q(end__isnull=True) | Q(end__gte=today),
                                                                 start__lte=today), today)
    form = ObligationForm(request.POST or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.obligation_record(actor=request.user, kind=d["kind"], person=person, on=d["date"],
                                       people=d["people"], evidence=d["evidence"], detail=d["detail"] or "",
                                       days=d["days"])
            messages.success(request, "已登记")
            return redirect("stationing:cadre", person_id=person.pk)
        except (ValidationError, PermissionDenied, RecusalError) as exc:
            _fail(form, exc)
    return render(request, "stationing/cadre.html", {
        "person": person, "rows": rows, "records": queries.cadre_records(person), "form": form, "today": today,
        "labels": dict(ObligationKind.choices), "responsible": RESPONSIBLE,
        "awards": queries.awards_of(person),
        "may_nominate": any(services.award_may_nominate(request.user, r.post) for r in rows)
        and request.user.person_id != person.pk,
        "may_assign": any(services.task_may_assign(request.user, r.post.org.path) for r in rows)
        and request.user.person_id != person.pk,
        "posts": queries.cadre_posts(person).select_related("org", "dispatch_unit")},
        status=400 if request.method == "POST" else 200)


# --- the work diary (STN-11) ------------------------------------------------------------------------


@login_required
def diary(request: HttpRequest) -> HttpResponse:
    """The team member's diary on the phone: today's entry, and the month's list."""
    pid = getattr(request.user, "person_id", None)
    today = _today()
    post = services.stationed_post_on(pid, today) if pid else None
    if post is None:
        raise NotFound()
    form = DiaryForm(request.POST or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.diary_write(actor=request.user, on=d["date"], work=d["work"], households=d["households"])
            messages.success(request, f"{d['date']:%m月%d日}工作日记已保存")
            return redirect("stationing:diary")
        except ValidationError as exc:
            apply_errors(form, exc)
    entries = queries.diary_mine(pid)
    return render(request, "stationing/diary.html", {
        "form": form, "entries": entries, "post": post, "today": today,
        "written_today": any(e.date == today for e in entries)}, status=400 if request.method == "POST" else 200)


@login_required
def diary_flags(request: HttpRequest) -> HttpResponse:
    _need(request)
    return render(request, "stationing/diary_flags.html", {"flags": queries.diary_flags_visible(request.user)})


# --- negative list (STN-10) and full-time rule (STN-17) ---------------------------------------------


@login_required
def negative(request: HttpRequest) -> HttpResponse:
    _need(request)
    county = has_perm(request.user, "stationing.manage")
    may_report = county or has_perm(request.user, "cases.act")
    form = NegativeForm(request.POST if request.method == "POST" and request.POST.get("action") == "report" else None)
    if form.is_bound and may_report and form.is_valid():
        path = request.POST.get("org_path", "")
        org = Org.objects.filter(scope_q(request.user, "stationing.view", "path"), path=path[:16]).first()
        if org is None:
            form.add_error(None, "请选择所在村或乡镇")
        else:
            try:
                services.negative_report(actor=request.user, problem=form.cleaned_data["problem"], org_path=org.path)
                messages.success(request, "已上报县委组织部核查")
                return redirect("stationing:negative")
            except (ValidationError, PermissionDenied) as exc:
                _fail(form, exc)
    orgs = Org.objects.filter(scope_q(request.user, "stationing.view", "path"),
                              kind__in=list(VILLAGE_KINDS) + [OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT],
                              valid_to__isnull=True).order_by("path")[:500]
    return render(request, "stationing/negative.html", {
        "items": queries.negative_visible(request.user)[:300], "form": form, "may_report": may_report,
        "county": county, "orgs": orgs}, status=400 if form.is_bound and form.errors else 200)


@login_required
def negative_advance(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.access_negative(request.user, pk)
    form = AdvanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.negative_advance(actor=request.user, item=item, rectification=form.cleaned_data["rectification"])
            messages.success(request, "已办理")
            return redirect("stationing:negative")
        except (ValidationError, PermissionDenied, RecusalError) as exc:
            _fail(form, exc)
    nxt = services.NEG_NEXT.get(item.status)  # type: ignore[call-overload]
    return render(request, "stationing/negative_advance.html", {
        "item": item, "form": form, "next": NegativeItem.Status(nxt).label if nxt else ""},
        status=400 if request.method == "POST" else 200)


@login_required
def assignment(request: HttpRequest, person_id: int) -> HttpResponse:
    """STN-17: a unit's request to give a stationed cadre other duties, second or borrow him: refused, recorded."""
    person = queries.cadre_for(request.user, person_id)
    post = services.stationed_post_on(person.pk, _today())
    if post is None or post.dispatch_unit is None:
        raise NotFound()
    form = AssignmentForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            refusal = services.assignment_request(actor=request.user, person=person, unit=post.dispatch_unit,
                                                  what=form.cleaned_data["what"], detail=form.cleaned_data["detail"])
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "stationing/assignment.html", {"person": person, "form": form, "refusal": refusal,
                                                          "post": post})


# --- village board (STN-13) ---------------------------------------------------------------------------


def board(request: HttpRequest, village_id: int) -> HttpResponse:
    """Public: the village's stationed cadres, post, work phone and whereabouts today."""
    village = Org.objects.filter(pk=village_id, kind__in=list(VILLAGE_KINDS)).first()
    if village is None:
        raise NotFound()
    today = _today()
    return render(request, "stationing/board.html", {"village": village, "rows": queries.board_rows(village, today),
                                                     "today": today})


@login_required
def board_phone(request: HttpRequest, person_id: int) -> HttpResponse:
    person = queries.cadre_for(request.user, person_id)
    post = services.stationed_post_on(person.pk, _today())
    path = post.org.path if post else person.org_path
    if not (has_perm(request.user, "stationing.manage", path) or has_perm(request.user, "person.manage", path)):
        raise NotFound()
    form = BoardPhoneForm(request.POST or None, initial={"work_phone": person.work_phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.board_phone_set(actor=request.user, person=person, work_phone=form.cleaned_data["work_phone"])
            messages.success(request, "公示栏工作电话已更新")
            return redirect("stationing:cadre", person_id=person.pk)
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
    return render(request, "stationing/board_phone.html", {"person": person, "form": form, "post": post},
                  status=400 if request.method == "POST" else 200)


# --- allowances (STN-14) ----------------------------------------------------------------------------------


@login_required
def allowances(request: HttpRequest) -> HttpResponse:
    _need(request)
    month = _month(request.GET.get("month"))
    units = queries.unit_choices(request.user)
    unit = units.filter(pk=request.GET.get("unit")).first() if str(request.GET.get("unit", "")).isdigit() else None
    rows = queries.allowances(request.user, month, unit=unit)
    if request.GET.get("format") == "xlsx":
        from ganbu.reports.excel import xlsx_bytes, xlsx_response

        headers = ["姓名", "派驻村", "派出单位", "职务", "在村工作日", "生活补助", "通讯补贴", "生活必需品报销",
                   "合计", "工作经费支出", "工作经费月度安排", "说明"]
        data = []
        for r in rows:
            ln = r.line
            base = [r.post.person.name, r.post.org.name, r.post.dispatch_unit.name if r.post.dispatch_unit else "",
                    r.post.get_title_display()]
            if ln is None:
                data.append(base + ["", "", "", "", "", "", "", r.error or "考勤表尚未签字，暂不计算"])
            else:
                data.append(base + [ln.present_days, float(ln.living), float(ln.communication),
                                    float(ln.necessities), float(ln.total), float(ln.work_funds_spent),
                                    float(ln.work_funds_month), ""])
        name = f"驻村干部补助-{month:%Y-%m}" + (f"-{unit.name}" if unit else "")
        return xlsx_response(xlsx_bytes([("补助明细", headers, data)], note=f"{month:%Y年%m月}驻村干部补助明细"),
                             f"{name}.xlsx")
    form = ReimbursementForm(request.POST or None, initial={"date": _today()})
    if request.method == "POST" and form.is_valid():
        from ganbu.org.queries import people_list

        person = people_list(request.user).filter(pk=request.POST.get("person") or 0).first()
        if person is None:
            form.add_error(None, "请选择驻村干部")
        else:
            d = form.cleaned_data
            try:
                services.reimbursement_record(actor=request.user, person=person, kind=d["kind"], on=d["date"],
                                              amount=d["amount"], note=d["note"])
                messages.success(request, "已登记")
                return redirect(f"{request.path}?month={month:%Y-%m}")
            except (ValidationError, PermissionDenied) as exc:
                _fail(form, exc)
    return render(request, "stationing/allowances.html", {
        "rows": rows, "month": month, "units": units, "unit": unit, "form": form,
        "may_record": units.exists(), "people": stationed_people(request.user, _today())}, status=400 if request.method == "POST" else 200)


def stationed_people(user: Any, on: date) -> list[Person]:
    ids = queries.current_posts(user, on).values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=ids).order_by("org_path", "name"))



# --- tasks the county and township assign (STN-17) ------------------------------------------------------


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """STN-17: tasks given to stationed cadres, overdue first; a cadre sees his own. Search a cadre to assign."""
    today = _today()
    qs = queries.tasks_visible(request.user)
    person = str(request.GET.get("person", ""))[:12]
    if person.isdigit():
        qs = qs.filter(person_id=int(person))
    only_open = request.GET.get("open") == "1"
    if only_open:
        qs = qs.filter(status=AssignedTask.Status.OPEN)
    rows = [(t, t.status == AssignedTask.Status.OPEN and today > t.due) for t in qs[:300]]
    q = request.GET.get("q", "")[:50]
    found = []
    if q.strip():
        found = [r for r in queries.stationed_list(request.user, today, q=q)
                 if services.task_may_assign(request.user, r.post.org.path)][:20]
    return render(request, "stationing/tasks.html", {
        "rows": rows, "today": today, "q": q, "found": found, "only_open": only_open, "person": person,
        "may_assign": has_perm(request.user, "stationing.manage") or has_perm(request.user, "cases.act")})


@login_required
def task_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """STN-17: give a stationed cadre a task; the page shows what will be sent and asks to confirm."""
    person = queries.cadre_for(request.user, person_id)
    post = services.stationed_post_on(person.pk, _today())
    if post is None or not services.task_may_assign(request.user, post.org.path):
        raise NotFound()
    form = TaskForm(request.POST or None)
    preview = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if not d["sure"]:
            if d["due"] < _today():
                form.add_error("due", services.E_TASK_DUE)
            else:
                preview = True
                form = TaskForm(initial={**d, "sure": True})
        else:
            try:
                task = services.task_assign(actor=request.user, person=person, title=d["title"], due=d["due"],
                                            detail=d["detail"])
                messages.success(request, f"已交办，已通知{person.name}")
                return redirect("stationing:task", pk=task.pk)
            except (ValidationError, PermissionDenied) as exc:
                _fail(form, exc)
    return render(request, "stationing/task_new.html", {
        "person": person, "post": post, "form": form, "preview": preview,
        "data": form.initial if preview else {}},
        status=400 if request.method == "POST" and form.errors else 200)


@login_required
def task(request: HttpRequest, pk: int) -> HttpResponse:
    """STN-17: one task: the cadre reports it done with evidence; the assigner confirms it (after a confirm step)."""
    t = queries.access_task(request.user, pk)
    today = _today()
    mine = request.user.person_id == t.person_id
    may_confirm = not mine and (request.user.pk == t.assigned_by_id
                                or has_perm(request.user, "stationing.manage", t.org_path))
    action = request.POST.get("action") if request.method == "POST" else None
    report_form = TaskReportForm(request.POST if action == "report" else None,
                                 request.FILES if action == "report" else None)
    error = ""
    asking = False
    if action == "report" and report_form.is_valid():
        try:
            services.task_report(actor=request.user, task=t, report=report_form.cleaned_data["report"],
                                 upload=report_form.cleaned_data["evidence"])
            messages.success(request, "已报告完成，等待交办人确认")
            return redirect("stationing:task", pk=t.pk)
        except (ValidationError, PermissionDenied) as exc:
            _fail(report_form, exc)
    elif action == "confirm":
        if request.POST.get("sure") != "1":
            asking = True
        else:
            try:
                services.task_confirm(actor=request.user, task=t)
                messages.success(request, "已确认办结")
                return redirect("stationing:task", pk=t.pk)
            except (ValidationError, PermissionDenied, RecusalError) as exc:
                error = getattr(exc, "message", None) or "；".join(getattr(exc, "messages", [])) or "无权办理"
    return render(request, "stationing/task.html", {
        "t": t, "today": today, "overdue": t.status == AssignedTask.Status.OPEN and today > t.due,
        "mine": mine, "may_confirm": may_confirm, "report_form": report_form, "asking": asking, "error": error,
        "recused": mine and request.user.pk == t.assigned_by_id},
        status=400 if (action == "report" and report_form.errors) or error else 200)


# --- awards (STN-16) --------------------------------------------------------------------------------------


@login_required
def awards(request: HttpRequest) -> HttpResponse:
    """STN-16: nominations in scope, waiting ones first; the county decides from here."""
    rows = list(queries.awards_visible(request.user).order_by("status", "-nominated_on", "-id")[:300])
    return render(request, "stationing/awards.html", {
        "rows": rows, "county": has_perm(request.user, "stationing.manage")})


@login_required
def award_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """STN-16: nominate a stationed cadre (or his team) for an award; shows the nomination, asks to confirm."""
    person = queries.cadre_for(request.user, person_id)
    post = services.stationed_post_on(person.pk, _today())
    if post is None or not services.award_may_nominate(request.user, post):
        raise NotFound()
    form = AwardForm(request.POST or None)
    preview = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if not d["sure"]:
            preview = True
            form = AwardForm(initial={**d, "sure": True})
        else:
            try:
                nom = services.award_nominate(actor=request.user, person=person, category=d["category"],
                                              reasons=d["reasons"])
                messages.success(request, "已推荐，报县委组织部审核")
                return redirect("stationing:award", pk=nom.pk)
            except (ValidationError, PermissionDenied, RecusalError) as exc:
                _fail(form, exc)
    return render(request, "stationing/award_new.html", {
        "person": person, "post": post, "form": form, "preview": preview, "data": form.initial if preview else {}},
        status=400 if request.method == "POST" and form.errors else 200)


@login_required
def award(request: HttpRequest, pk: int) -> HttpResponse:
    """STN-16: one nomination; the county approves or rejects after a confirm step."""
    nom = queries.access_award(request.user, pk)
    may_decide = (has_perm(request.user, "stationing.manage", nom.org_path[:6])
                  and nom.status == AwardNomination.Status.PROPOSED)
    recused = may_decide and is_subject(request.user, nom.person_id)
    form = AwardDecideForm(request.POST or None)
    action = request.POST.get("action") if request.method == "POST" else None
    asking = ""
    if action in ("approve", "reject") and may_decide and form.is_valid():
        if request.POST.get("sure") != "1":
            asking = action
        else:
            try:
                services.award_decide(actor=request.user, nomination=nom, approve=action == "approve",
                                      note=form.cleaned_data["note"])
                messages.success(request, "已审核")
                return redirect("stationing:award", pk=nom.pk)
            except (ValidationError, PermissionDenied, RecusalError) as exc:
                _fail(form, exc)
    return render(request, "stationing/award.html", {
        "nom": nom, "may_decide": may_decide and not recused, "recused": recused, "form": form, "asking": asking},
        status=400 if action and form.errors else 200)


# --- the quarterly symposium (MTG-04) -------------------------------------------------------------------


def _county_of(user: Any) -> Org | None:
    from ganbu.core.access import perm_paths

    paths = [p for p in perm_paths(user, "stationing.manage") if len(p) >= 6]
    if not paths and "" in perm_paths(user, "stationing.manage"):
        return Org.objects.filter(kind=OrgKind.COUNTY).order_by("path").first()
    return Org.objects.filter(path=paths[0][:6]).first() if paths else None


@login_required
def symposiums(request: HttpRequest) -> HttpResponse:
    """MTG-04: the county's quarterly symposiums; the organisation department records one per quarter."""
    from ganbu.stationing.models import Symposium

    _need(request)
    county = _county_of(request.user)
    form = SymposiumForm(request.POST or None, initial={"held_on": _today()})
    cadres = stationed_people(request.user, _today()) if county else []
    if request.method == "POST" and county and form.is_valid():
        ids = {int(x) for x in request.POST.getlist("attendees") if x.isdigit()}
        picked = [p for p in cadres if p.pk in ids]
        try:
            sym = services.symposium_record(actor=request.user, county=county, held_on=form.cleaned_data["held_on"],
                                            attendees=picked, place=form.cleaned_data["place"])
            messages.success(request, f"已登记{sym}座谈会")
            return redirect("stationing:symposium", pk=sym.pk)
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
    rows = Symposium.objects.filter(scope_q(request.user, "stationing.view", "org_path")).prefetch_related(
        "reports")[:40]
    return render(request, "stationing/symposiums.html", {"rows": rows, "form": form, "county": county,
                                                          "cadres": cadres},
                  status=400 if request.method == "POST" else 200)


@login_required
def symposium(request: HttpRequest, pk: int) -> HttpResponse:
    """MTG-04: one symposium: attendees and each first secretary's report; record a report (confirm step)."""
    from ganbu.stationing.models import Symposium

    sym = Symposium.objects.filter(scope_q(request.user, "stationing.view", "org_path"), pk=pk).first()
    if sym is None:
        raise NotFound()
    may_record = has_perm(request.user, "stationing.manage", sym.org_path)
    reports = list(sym.reports.select_related("person", "evidence"))
    done = {r.person_id for r in reports}
    pending = [p for p in sym.attendees.order_by("org_path", "name") if p.pk not in done
               and (post := services.stationed_post_on(p.pk, sym.held_on)) is not None
               and post.title == "first_secretary"]
    form = SymposiumReportForm(request.POST or None, request.FILES or None)
    person = next((p for p in pending if str(p.pk) == request.POST.get("person")), None)
    preview = False
    if request.method == "POST" and may_record and form.is_valid():
        if person is None:
            form.add_error(None, "请选择汇报的第一书记")
        elif not form.cleaned_data["sure"]:
            preview = True
            form = SymposiumReportForm(initial={**form.cleaned_data, "sure": True})
        else:
            try:
                services.symposium_report(actor=request.user, symposium=sym, person=person,
                                          summary=form.cleaned_data["summary"], upload=form.cleaned_data["evidence"])
                messages.success(request, f"已登记{person.name}的汇报")
                return redirect("stationing:symposium", pk=sym.pk)
            except (ValidationError, PermissionDenied, RecusalError) as exc:
                _fail(form, exc)
    return render(request, "stationing/symposium.html", {
        "sym": sym, "reports": reports, "pending": pending, "form": form, "may_record": may_record,
        "preview": preview, "person": person}, status=400 if request.method == "POST" and form.errors else 200)
