"""Target pages: parse (forms), call one service or query, render. Objects come through scoped access."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, has_perm, perm_paths
from ganbu.core.recusal import RecusalError, is_subject
from ganbu.org.models import Org, OrgKind, Person
from ganbu.reports.excel import xlsx_bytes, xlsx_response
from ganbu.reports.pdf import PdfUnavailable, pdf_response
from ganbu.targets import forms as f
from ganbu.targets import queries, services
from ganbu.targets.models import (
    Commitment,
    Inspection,
    InspectionRound,
    LedgerTask,
    Measure,
    SurveyAnswer,
    YearEndResult,
)
from ganbu.targets.services import TargetsError


def _bad(request: HttpRequest, template: str, ctx: dict[str, Any], errors: list[str]) -> HttpResponse:
    return render(request, template, {**ctx, "errors": errors}, status=400)


def _policy(path: str) -> Any:
    return services.policy_for(path, timezone.localdate()).params


def _month(request: HttpRequest) -> date:
    """``month=YYYY-MM``, or ``y`` and ``m`` from the page's two selects; this month otherwise."""
    data = request.GET if request.method == "GET" else request.POST
    raw = data.get("month") or f"{data.get('y', '')}-{data.get('m', '')}"
    try:
        y, m = (int(x) for x in raw.split("-")[:2])
        return date(y, m, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _units(user: Any) -> list[Org]:
    """Townships and counties the user may see targets of, for the dashboards."""
    paths = perm_paths(user, "targets.view")
    kinds = [OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]
    if "" in paths:
        return list(Org.objects.filter(kind__in=kinds).order_by("path"))
    return [o for o in Org.objects.filter(kind__in=kinds, path__in=paths).order_by("path")]


# ---- home and drafting ----------------------------------------------------------------------------------

@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, "targets.view") and not queries.my_inspections(user).exists():
        raise NotFound()
    rows = list(queries.commitments(user))
    manage = has_perm(user, "targets.manage")
    return render(request, "targets/home.html", {
        "rows": rows, "can_manage": manage, "units": _units(user), "mine": list(queries.my_inspections(user)),
        "open_notices": list(queries.notices(user, open_only=True)[:20]), "today": timezone.localdate(),
        "month": timezone.localdate().strftime("%Y-%m")})


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    villages = queries.villages_for(request.user)
    if not villages.exists():
        raise NotFound()
    categories = _policy(villages[0].path).framework_categories
    form = f.ProposeForm(request.POST or None, villages=villages, categories=categories,
                         initial={"term_start": timezone.localdate().year, "term_end": timezone.localdate().year + 2})
    ctx = {"form": form, "cats": [(c, form[f"cat_{n}"], form[f"guide_{n}"]) for n, c in enumerate(categories)]}
    if request.method == "POST":
        if not form.is_valid():
            return _bad(request, "targets/propose.html", ctx, f.form_errors(form))
        try:
            c = services.commitment_propose(actor=request.user, village=form.cleaned_data["village"],
                                            term_start=form.cleaned_data["term_start"],
                                            term_end=form.cleaned_data["term_end"], framework=form.framework())
        except TargetsError as exc:
            return _bad(request, "targets/propose.html", ctx, exc.errors)
        messages.success(request, f"已向{c.village.name}提出目标框架，村“两委”将收到待办")
        return redirect("targets:commitment", pk=c.pk)
    return render(request, "targets/propose.html", ctx)


def _commitment_ctx(request: HttpRequest, c: Commitment, **extra: Any) -> dict[str, Any]:
    user = request.user
    editable = c.status in (Commitment.Status.FRAMEWORK, Commitment.Status.RETURNED)
    drafter = queries.can_draft(user, c.org_path)
    approver = queries.can_approve(user, c.org_path)
    signature_ok = services.commitment_verify(commitment=c) if c.signed_at else False
    measures = list(c.measures.select_related("responsible").prefetch_related("stages"))
    people = queries.people_pick(user, c.village)
    ctx = {
        "c": c, "measures": measures, "votes": list(c.votes.select_related("minutes")),
        "reviews": list(c.reviews.select_related("reviewer")), "can_draft": drafter and editable,
        "can_review": approver and c.status == Commitment.Status.SUBMITTED,
        "can_sign": approver and (c.status == Commitment.Status.APPROVED
                                  or (c.status == Commitment.Status.SIGNED and not signature_ok)),
        "can_adjust": c.status == Commitment.Status.SIGNED and queries.can_manage(user, c.org_path),
        "signature_ok": signature_ok, "categories": [x["category"] for x in c.framework],
        "measure_form": extra.pop("measure_form", None) or f.MeasureForm(
            categories=[x["category"] for x in c.framework], people=people),
        "vote_form": extra.pop("vote_form", None) or f.VoteForm(),
        "has_vote": any(v.passed for v in c.votes.all()),
        "returned": [m for m in measures if m.review == Measure.Review.RETURNED],
        "notice_url": _board_url(c.notice_id),
    }
    ctx.update(extra)
    return ctx


def _board_url(notice_id: int | None) -> str:
    """The public board page of the commitment's newest published version (PUB-01)."""
    if not notice_id:
        return ""
    from ganbu.notices.queries import latest_versions

    for archived in (False, True):
        v = latest_versions(archived=archived).filter(notice_id=notice_id).first()
        if v is not None:
            return f"/public/{v.pk}/"
    return ""


@login_required
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    return render(request, "targets/commitment.html", _commitment_ctx(request, c))


@login_required
def people(request: HttpRequest, pk: int) -> HttpResponse:
    """Search-as-you-type options for the responsible person (people picked by search, never by id)."""
    c = queries.access_commitment(request.user, pk)
    rows = queries.people_pick(request.user, c.village, request.GET.get("q", "")[:50])
    return render(request, "targets/_people_options.html", {"people": rows})


@login_required
def measure_new(request: HttpRequest, pk: int, measure_id: int | None = None) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    measure = None
    if measure_id is not None:
        try:
            measure = c.measures.get(pk=measure_id)
        except Measure.DoesNotExist:
            raise NotFound() from None
    people_qs = queries.people_pick(request.user, c.village)
    cats = [x["category"] for x in c.framework]
    if request.method != "POST":
        initial = {}
        if measure:
            initial = {"category": measure.category, "text": measure.text, "standard": measure.standard,
                       "deadline": measure.deadline, "responsible": measure.responsible_id, "major": measure.major}
        form = f.MeasureForm(initial=initial, categories=cats, people=people_qs)
        return render(request, "targets/measure_edit.html", {"c": c, "measure": measure, "form": form})
    from ganbu.org.models import Person as P

    form = f.MeasureForm(request.POST, categories=cats,
                         people=P.objects.filter(org_path__in=[c.org_path, c.org_path[:9]]))
    ctx_form = {"c": c, "measure": measure, "form": form}
    if not form.is_valid():
        return _bad(request, "targets/measure_edit.html", ctx_form, f.form_errors(form))
    d = form.cleaned_data
    data = services.MeasureInput(category=d["category"], text=d["text"], standard=d["standard"] or "",
                                 deadline=d["deadline"], responsible=d["responsible"], major=d["major"])
    try:
        services.measure_save(actor=request.user, commitment=c, data=data, measure=measure)
    except TargetsError as exc:
        return _bad(request, "targets/measure_edit.html", ctx_form, exc.errors)
    messages.success(request, "措施已保存")
    return redirect("targets:commitment", pk=c.pk)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    form = f.VoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _bad(request, "targets/commitment.html", _commitment_ctx(request, c, vote_form=form),
                    f.form_errors(form))
    d = form.cleaned_data
    try:
        services.vote_record(actor=request.user, commitment=c, held_on=d["held_on"], attendance=d["attendance"],
                             votes_for=d["votes_for"], votes_against=d["votes_against"], minutes=d["minutes"])
    except TargetsError as exc:
        return _bad(request, "targets/commitment.html", _commitment_ctx(request, c, vote_form=form), exc.errors)
    messages.success(request, "会议表决已登记")
    return redirect("targets:commitment", pk=c.pk)


def _confirmed_action(request: HttpRequest, c: Commitment, call: Any, ok: str) -> HttpResponse:
    form = f.ConfirmForm(request.POST)
    if not form.is_valid():
        return _bad(request, "targets/commitment.html", _commitment_ctx(request, c), f.form_errors(form))
    try:
        call(form.cleaned_data.get("note", ""))
    except TargetsError as exc:
        return _bad(request, "targets/commitment.html", _commitment_ctx(request, c), exc.errors)
    messages.success(request, ok)
    return redirect("targets:commitment", pk=c.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    return _confirmed_action(request, c, lambda note: services.commitment_submit(actor=request.user, commitment=c),
                             "已盖章报送镇党委、政府审批")


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    return _confirmed_action(request, c, lambda note: services.commitment_approve(actor=request.user, commitment=c,
                                                                                  note=note), "已审批通过")


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    return _confirmed_action(request, c, lambda note: services.commitment_sign(actor=request.user, commitment=c),
                             "责任书已签约，并已在公开栏公布")


@login_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    form = f.ConfirmForm(request.POST)
    reasons: dict[int, str] = {}
    for m in c.measures.all():
        if request.POST.get(f"back_{m.pk}"):
            reasons[m.pk] = request.POST.get(f"reason_{m.pk}", "")[:300]
    if not form.is_valid():
        return _bad(request, "targets/commitment.html", _commitment_ctx(request, c), f.form_errors(form))
    try:
        services.commitment_return(actor=request.user, commitment=c, reasons=reasons,
                                   note=form.cleaned_data.get("note", ""))
    except TargetsError as exc:
        return _bad(request, "targets/commitment.html", _commitment_ctx(request, c), exc.errors)
    messages.success(request, f"已退回{len(reasons)}项措施，村“两委”将收到待办")
    return redirect("targets:commitment", pk=c.pk)


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    c = queries.access_commitment(request.user, pk)
    if not c.signed_at:
        raise NotFound()
    services.commitment_verify(commitment=c)
    try:
        data = services.commitment_letter_pdf(c)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(data, f"{c.village.name}任期目标承诺责任书.pdf")


# ---- ledger, tasks, inspections, notices --------------------------------------------------------------------

def _ledger_unit(request: HttpRequest) -> Org:
    units = _units(request.user)
    if request.GET.get("org"):  # a village role's ledger is its village's (the page's own links carry it)
        try:
            return queries.access_unit(request.user, request.GET["org"])
        except NotFound:
            return queries.access_village(request.user, request.GET["org"])
    villages = list(Org.objects.filter(path__in=perm_paths(request.user, "targets.view"),
                                       kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]))
    if units:
        return units[0]
    if villages:
        return villages[0]
    raise NotFound()


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    unit = _ledger_unit(request)
    month = _month(request)
    tasks = list(queries.ledger(request.user, org_path=unit.path, month=month))
    this_year = timezone.localdate().year
    return render(request, "targets/ledger.html", {
        "unit": unit, "month": month, "tasks": tasks, "units": _units(request.user),
        "years": range(this_year - 3, this_year + 4), "months": range(1, 13),
        "can_manage": queries.can_manage(request.user, unit.path)})


@login_required
@require_POST
def ledger_build(request: HttpRequest) -> HttpResponse:
    unit = queries.access_unit(request.user, request.POST.get("org"), "targets.manage")
    month = _month(request)
    if not request.POST.get("confirm"):
        messages.error(request, f.CONFIRM)
        return redirect(f"/targets/ledger/?org={unit.pk}&month={month:%Y-%m}")
    n = services.ledger_build(actor=request.user, org=unit, month=month)
    messages.success(request, f"已从季度分解生成{month.year}年{month.month}月台账 {n} 项")
    return redirect(f"/targets/ledger/?org={unit.pk}&month={month:%Y-%m}")


@login_required
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    unit = _ledger_unit(request)
    month = _month(request)
    labels = dict(LedgerTask.Status.choices)
    rows = [(t.commitment.village.name, t.category, t.title, t.standard, t.deadline.isoformat(), t.responsible.name,
             "是" if t.major else "", labels[t.status]) for t in queries.ledger(request.user, org_path=unit.path,
                                                                                month=month)]
    data = xlsx_bytes([(f"{month.year}年{month.month}月", ["村", "类别", "实事", "标准要求", "完成时限", "责任人",
                                                         "重大事项", "状态"], rows)],
                      note=f"{unit.name}{month.year}年{month.month}月考核台账")
    return xlsx_response(data, f"{unit.name}{month:%Y-%m}考核台账.xlsx")


@login_required
def task(request: HttpRequest, pk: int) -> HttpResponse:
    t = queries.access_task(request.user, pk)
    user = request.user
    manage = queries.can_manage(user, t.org_path)
    village = t.commitment.village
    people_qs = queries.people_pick(user, village)
    errors: list[str] = []
    edit = f.TaskEditForm(initial={"title": t.title, "standard": t.standard, "deadline": t.deadline,
                                   "responsible": t.responsible_id}, people=people_qs)
    inspectors = queries.inspectors_for(user, t.org_path)
    from ganbu.org.models import User

    assign = f.AssignForm(initial={"scheduled_on": timezone.localdate()},
                          inspectors=User.objects.filter(pk__in=[u.pk for u in inspectors]))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "edit" and manage:
                edit = f.TaskEditForm(request.POST, people=Person.objects.filter(
                    org_path__in=[t.org_path, t.org_path[:9]]))
                if edit.is_valid():
                    d = edit.cleaned_data
                    services.task_edit(actor=user, task=t, title=d["title"], standard=d["standard"] or "",
                                       deadline=d["deadline"], responsible=d["responsible"])
                    messages.success(request, "台账事项已修改")
                    return redirect("targets:task", pk=t.pk)
                errors = f.form_errors(edit)
            elif action == "assign" and manage:
                assign = f.AssignForm(request.POST, inspectors=User.objects.filter(pk__in=[u.pk for u in inspectors]))
                if assign.is_valid():
                    services.inspection_assign(actor=user, task=t, inspector=assign.cleaned_data["inspector"],
                                               scheduled_on=assign.cleaned_data["scheduled_on"])
                    messages.success(request, f"已指派{assign.cleaned_data['inspector']}到村现场验收")
                    return redirect("targets:task", pk=t.pk)
                errors = f.form_errors(assign)
            elif action == "done":
                done = f.DoneForm(request.POST)
                if done.is_valid():
                    services.task_report_done(actor=user, task=t, done_on=done.cleaned_data["done_on"])
                    messages.success(request, "已报告完成，等待镇考核办到村验收")
                    return redirect("targets:task", pk=t.pk)
                errors = f.form_errors(done)
            elif action == "survey" and manage:
                answers = []
                for n in range(1, 11):
                    name = request.POST.get(f"who_{n}", "")[:50]
                    if name.strip():
                        answers.append((request.POST.get(f"group_{n}", "")[:20], name,
                                        request.POST.get(f"answer_{n}", "")[:10]))
                services.survey_record(actor=user, task=t, answers=answers,
                                       households=request.POST.get("households", "")[:2000])
                messages.success(request, "满意度测评已登记")
                return redirect("targets:task", pk=t.pk)
            elif action == "confirm_survey" and manage:
                survey = getattr(t, "survey", None)
                if survey is None:
                    raise TargetsError(services.SURVEY_EMPTY)
                present = [x for x in request.POST.get("present", "")[:500].replace("，", "、").split("、")]
                services.survey_confirm(actor=user, survey=survey, present=present,
                                        conclusion=request.POST.get("conclusion", "")[:300])
                messages.success(request, "已集体研究确认并归档")
                return redirect("targets:task", pk=t.pk)
            else:
                raise NotFound()
        except TargetsError as exc:
            errors = exc.errors
    survey = getattr(t, "survey", None)
    ctx = {"t": t, "village": village, "can_manage": manage, "edit": edit, "assign": assign,
           "can_done": queries.can_draft(user, t.org_path) and t.status == LedgerTask.Status.OPEN,
           "inspections": list(t.inspections.select_related("inspector").prefetch_related("evidence")),
           "notices": list(t.notices.all()), "survey": survey,
           "answers": list(survey.answers.all()) if survey else [], "groups": _policy(t.org_path).survey_groups,
           "answer_choices": SurveyAnswer.Answer.choices, "slots": range(1, 6), "errors": errors,
           "today": timezone.localdate()}
    return render(request, "targets/task.html", ctx, status=400 if errors else 200)


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone-sized on-site page: item by item, photos or files, pass or fail."""
    insp = queries.access_inspection(request.user, pk)
    t = insp.task
    mine = insp.inspector_id == request.user.pk
    recused = is_subject(request.user, t.responsible_id)
    errors: list[str] = []
    if request.method == "POST":
        if not mine:
            raise NotFound()
        results = []
        for n, _ in enumerate(insp.items):
            v = request.POST.get(f"ok_{n}", "")
            if v not in ("1", "0"):
                errors.append(f"第{n + 1}项：请选择合格或不合格")
            results.append(services.ItemResult(ok=v == "1", note=request.POST.get(f"note_{n}", "")[:200]))
        files = request.FILES.getlist("evidence")[:10]
        if not request.POST.get("confirm"):
            errors.append(f.CONFIRM)
        if not errors:
            try:
                services.inspection_record(actor=request.user, inspection=insp, results=results,
                                           missing=request.POST.get("missing", "")[:500], evidence=files)
            except TargetsError as exc:
                errors = exc.errors
            except RecusalError as exc:
                errors = [exc.message]
            else:
                insp.refresh_from_db()
                if insp.result == Inspection.Result.FAILED and insp.kind == Inspection.Kind.TASK:
                    messages.warning(request, "验收不合格，已下发督办通知单并安排复查")
                    return redirect("targets:notice", pk=insp.notice_issued.pk)
                messages.success(request, f"检查结果已登记：{insp.get_result_display()}")
                if insp.notice_id:
                    return redirect("targets:notice", pk=insp.notice_id)
                return redirect("targets:task", pk=t.pk)
    return render(request, "targets/inspection.html", {
        "insp": insp, "t": t, "village": t.commitment.village, "mine": mine, "recused": recused,
        "errors": errors}, status=400 if errors else 200)


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    n = queries.access_notice(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        form = f.ConfirmForm(request.POST)
        if not form.is_valid():
            errors = f.form_errors(form)
        else:
            try:
                services.notice_close(actor=request.user, notice=n)
            except TargetsError as exc:
                errors = exc.errors
            else:
                messages.success(request, f"督办通知单{n.number}已办结")
                return redirect("targets:notice", pk=n.pk)
    follow = list(n.follow_ups.select_related("inspector").prefetch_related("evidence"))
    return render(request, "targets/notice.html", {
        "n": n, "t": n.task, "village": n.task.commitment.village, "follow": follow,
        "can_close": queries.can_manage(request.user, n.org_path) and n.status == "open",
        "overdue": n.status == "open" and n.due < timezone.localdate(), "errors": errors},
        status=400 if errors else 200)


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    n = queries.access_notice(request.user, pk)
    try:
        data = services.notice_pdf(n)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(data, f"督办通知单{n.number}.pdf")


# ---- dashboards -----------------------------------------------------------------------------------------------

@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Township: per village; county: per township, and every village below (TGT-03/05)."""
    unit = queries.access_unit(request.user, pk)
    by = "township" if unit.kind == OrgKind.COUNTY and request.GET.get("by") != "village" else "village"
    rows = queries.progress(request.user, unit, by=by)
    chart = {"names": [r.name for r in rows], "due": [r.due for r in rows], "inspected": [r.inspected for r in rows],
             "failed": [r.failed for r in rows], "open": [r.notices_open for r in rows],
             "overdue": [r.notices_overdue for r in rows]}
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("due", "inspected", "failed", "notices_open",
                                                            "notices_overdue")}
    return render(request, "targets/progress.html", {
        "unit": unit, "rows": rows, "by": by, "chart": chart, "totals": totals,
        "echarts": bool(finders.find("vendor/echarts.min.js")), "units": _units(request.user),
        "month": timezone.localdate().strftime("%Y-%m")})


# ---- rounds, scores, year end, decisions, funds ----------------------------------------------------------------

def _manage_units(user: Any) -> Any:
    paths = perm_paths(user, "targets.manage")
    kinds = [OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]
    if "" in paths:
        return Org.objects.filter(kind__in=kinds).order_by("path")
    return Org.objects.filter(kind__in=kinds, path__in=paths).order_by("path")


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "targets.view"):
        raise NotFound()
    units = _manage_units(request.user)
    form = f.RoundForm(request.POST or None, orgs=units, kinds=InspectionRound.Kind.choices,
                       scopes=InspectionRound.Scope.choices, initial={"start": timezone.localdate(), "days": 2})
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                rnd = services.round_create(actor=request.user, org=d["org"], kind=d["kind"], scope=d["scope"],
                                            start=d["start"], days=d["days"], sample=d.get("sample"))
            except TargetsError as exc:
                errors = exc.errors
            else:
                messages.success(request, f"已建立检查，共{len(rnd.villages)}个村")
                return redirect("targets:round", pk=rnd.pk)
        else:
            errors = f.form_errors(form)
    return render(request, "targets/rounds.html", {"rows": list(queries.rounds(request.user)), "form": form,
                                                   "can_manage": units.exists(), "errors": errors},
                  status=400 if errors else 200)


def _round_board(rnd: InspectionRound) -> int | None:
    """The published circular of a round, if any (its PDF prints from the notices app)."""
    from ganbu.notices.queries import latest_versions

    for archived in (False, True):
        v = latest_versions(archived=archived).filter(notice__key=f"targets:round:{rnd.pk}").first()
        if v is not None:
            return v.pk
    return None


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = queries.access_round(request.user, pk)
    villages = Org.objects.filter(pk__in=rnd.villages).order_by("path")
    form = f.IssueForm(request.POST or None, villages=villages)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                if not request.POST.get("confirm"):
                    raise TargetsError(f.CONFIRM)
                services.round_publish(actor=request.user, rnd=rnd)
                messages.success(request, "检查情况已张贴上栏")
                return redirect("targets:round", pk=rnd.pk)
            if request.POST.get("action") == "close":
                issue = rnd.issues.filter(pk=int(request.POST.get("issue") or 0)).first()
                if issue is None:
                    raise NotFound()
                services.issue_close(actor=request.user, issue=issue, note=request.POST.get("note", "")[:300])
                messages.success(request, "问题已整改销号")
                return redirect("targets:round", pk=rnd.pk)
            if form.is_valid():
                services.issue_add(actor=request.user, rnd=rnd, village=form.cleaned_data["village"],
                                   text=form.cleaned_data["text"])
                messages.success(request, "问题已登记，村将收到整改通知")
                return redirect("targets:round", pk=rnd.pk)
            errors = f.form_errors(form)
        except TargetsError as exc:
            errors = exc.errors
    by_village: dict[str, list[Any]] = {}
    for i in queries.round_issues(request.user, rnd):
        by_village.setdefault(f"{i.village.parent.name if i.village.parent else ''} · {i.village.name}", []).append(i)
    return render(request, "targets/round.html", {
        "rnd": rnd, "villages": list(villages), "form": form, "by_village": by_village, "errors": errors,
        "tasks": list(queries.round_tasks(request.user, rnd)) if rnd.kind == InspectionRound.Kind.QUARTERLY else [],
        "board": _round_board(rnd),
        "can_manage": queries.can_manage(request.user, rnd.org_path)}, status=400 if errors else 200)


@login_required
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    unit = queries.access_unit(request.user, pk)
    year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    villages = list(queries.villages_for(request.user, "targets.view").filter(path__startswith=unit.path))
    errors: list[str] = []
    if request.method == "POST":
        half = request.POST.get("half", "")
        values = {v.pk: request.POST.get(f"score_{v.pk}", "").strip() for v in villages}
        values = {k: v for k, v in values.items() if v}
        try:
            if not request.POST.get("confirm"):
                raise TargetsError(f.CONFIRM)
            services.half_scores_post(actor=request.user, township=unit, year=year,
                                      half=int(half) if half in ("1", "2") else 0, scores=values)
        except TargetsError as exc:
            errors = exc.errors
        else:
            messages.success(request, "半年量化考核得分已张贴上栏，并公布监督电话")
            return redirect(f"/targets/scores/{unit.pk}/?year={year}")
    return render(request, "targets/scores.html", {
        "unit": unit, "year": year, "villages": villages, "rows": list(queries.half_scores(request.user, unit, year)),
        "can_manage": queries.can_manage(request.user, unit.path), "errors": errors}, status=400 if errors else 200)


@login_required
def year_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Deposits and year-end results of one commitment's cadres (TGT-07)."""
    c = queries.access_commitment(request.user, pk)
    manage = queries.can_manage(request.user, c.org_path)
    people_qs = Person.objects.filter(org_path=c.org_path).order_by("name")
    form = f.YearEndForm(people=people_qs, outcomes=YearEndResult.Outcome.choices,
                         initial={"year": timezone.localdate().year})
    dform = f.DepositForm(people=people_qs, initial={"year": timezone.localdate().year})
    errors: list[str] = []
    if request.method == "POST":
        if not manage:
            raise NotFound()
        try:
            if request.POST.get("action") == "deposit":
                dform = f.DepositForm(request.POST, people=people_qs)
                if not dform.is_valid():
                    raise TargetsError(f.form_errors(dform))
                services.deposit_lodge(actor=request.user, person=dform.cleaned_data["person"],
                                       year=dform.cleaned_data["year"])
                messages.success(request, "保证金已登记")
            else:
                form = f.YearEndForm(request.POST, people=people_qs, outcomes=YearEndResult.Outcome.choices)
                if not form.is_valid():
                    raise TargetsError(f.form_errors(form))
                d = form.cleaned_data
                services.year_end_decide(actor=request.user, commitment=c, person=d["person"], year=d["year"],
                                         outcome=d["outcome"], score=d["score"])
                messages.success(request, "年终结果已认定")
            return redirect("targets:year_end", pk=c.pk)
        except TargetsError as exc:
            errors = exc.errors
        except RecusalError as exc:
            errors = [exc.message]
    from ganbu.targets.models import Deposit

    return render(request, "targets/year_end.html", {
        "c": c, "form": form, "dform": dform, "can_manage": manage, "errors": errors,
        "deposits": list(Deposit.objects.filter(org_path=c.org_path).select_related("person")),
        "results": list(queries.year_results(request.user).filter(commitment=c))},
        status=400 if errors else 200)


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "targets.view"):
        raise NotFound()
    villages = queries.villages_for(request.user)
    people_qs = Person.objects.filter(org_path__in=list(villages.values_list("path", flat=True))).order_by("org_path",
                                                                                                       "name")
    first = villages.first()
    bodies = _policy(first.path).decision_bodies if first else []
    form = f.DecisionForm(request.POST or None, villages=villages, people=people_qs, bodies=bodies)
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                dec = services.decision_record(actor=request.user, village=d["village"], decided_on=d["decided_on"],
                                               title=d["title"], body=d["body"], meeting_on=d["meeting_on"],
                                               loss=d["loss"] or 0, responsible=list(d["responsible"]))
            except TargetsError as exc:
                errors = exc.errors
            except RecusalError as exc:
                errors = [exc.message]
            else:
                msg = f"已登记；未经会议决定且造成损失，已对{len(dec.case_ids)}名责任人立案追究" if dec.case_ids else "已登记"
                messages.success(request, msg)
                return redirect("targets:decisions")
        else:
            errors = f.form_errors(form)
    return render(request, "targets/decisions.html", {"rows": list(queries.decisions(request.user)), "form": form,
                                                      "can_manage": villages.exists(), "errors": errors},
                  status=400 if errors else 200)


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    units = _manage_units(request.user)
    if not units.exists():
        raise NotFound()
    paths = [u.path for u in units]
    from django.db.models import Q

    q = Q()
    for p in paths:
        q |= Q(org_path__startswith=p)
    staff = Person.objects.filter(q, org__kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]).order_by("org_path", "name")
    p = _policy(units[0].path)
    form = f.FundForm(request.POST or None, people=staff, initial={"year": timezone.localdate().year,
                                                                   "pct": p.responsibility_fund_min_pct})
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("fund"):
                fund = queries.access_fund(request.user, request.POST["fund"])
                dform = f.FundDecideForm(request.POST)
                if not dform.is_valid():
                    raise TargetsError(f.form_errors(dform))
                services.fund_decide(actor=request.user, fund=fund, status=dform.cleaned_data["status"],
                                     reason=dform.cleaned_data["reason"])
                messages.success(request, "责任金已处理")
            else:
                if not form.is_valid():
                    raise TargetsError(f.form_errors(form))
                d = form.cleaned_data
                services.fund_hold(actor=request.user, person=d["person"], year=d["year"], bonus=d["bonus"],
                                   pct=d["pct"])
                messages.success(request, "责任金已提取")
            return redirect("targets:funds")
        except TargetsError as exc:
            errors = exc.errors
        except RecusalError as exc:
            errors = [exc.message]
    rows = [(x, is_subject(request.user, x.person_id)) for x in queries.funds(request.user)]
    return render(request, "targets/funds.html", {"rows": rows, "form": form, "errors": errors, "p": p},
                  status=400 if errors else 200)
