"""Leave pages: my requests (with the live chain preview), approver inbox, detail with decisions,
销假, stand-ins, the two-copy PDF form (LV-08). Views parse, call one service or query, render."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, access_person, has_perm
from ganbu.leave import services
from ganbu.leave.forms import DecideForm, LeaveForm, ReturnForm, RevokeForm, parse
from ganbu.leave.models import ApprovalStep, Cancellation, LeaveKind, LeaveStatus, StepStatus
from ganbu.leave.queries import access_leave, leave_cancellations_to_confirm, leave_inbox, leave_mine
from ganbu.org.models import Person, StandIn
from ganbu.org.queries import HANDOVER_NOT_ALLOWED, handover_candidates, standin_candidates

DATE_INVALID = "日期格式应为 YYYY-MM-DD"


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _form(post: Any, applicant: Person | None = None) -> dict[str, Any]:
    handover = None
    raw = post.get("handover") or ""
    if raw:  # only people the applicant may pick (issue 16: no id → name oracle)
        handover = handover_candidates(applicant).filter(pk=raw).first() if raw.isdigit() else None
    return {
        "kind": post.get("kind", ""), "start": _date(post.get("start")), "end": _date(post.get("end")),
        "start_pm": post.get("start_pm") == "on", "end_am": post.get("end_am") == "on",
        "leaves_county": post.get("leaves_county") == "on", "reason": post.get("reason", ""), "handover": handover,
    }


def _applicant(request: HttpRequest) -> Person | None:
    """Myself, or (LV-05 override) a cadre in a scope where I hold ``leave.override``."""
    other = request.POST.get("person") if request.method == "POST" else request.GET.get("person")
    if other and str(other) != str(request.user.person_id):
        return access_person(request.user, other, "leave.override")
    return request.user.person


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    person = request.user.person
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    if request.method == "POST":
        applicant = _applicant(request)
        if applicant is None:
            raise NotFound()
        data = _form(request.POST, applicant)
        _clean, raw_errors = parse(LeaveForm, request.POST)
        if request.POST.get("handover") and data["handover"] is None:
            raw_errors["handover"] = HANDOVER_NOT_ALLOWED
        try:
            if raw_errors:
                raise services.LeaveError(raw_errors)
            req = services.leave_submit(actor=request.user, person=applicant, submit_key=request.POST.get("submit_key")
                                        or None, override_reason=request.POST.get("override_reason", ""), **data)
        except services.LeaveError as exc:
            errors = exc.errors
        else:
            messages.success(request, "请假申请已提交")
            return redirect("leave:detail", pk=req.pk)
    preview = None
    if person is not None and data.get("start") and data.get("end"):
        preview = services.leave_preview_chain(person=person, start=data["start"], end=data["end"],
                                               start_pm=data["start_pm"], end_am=data["end_am"],
                                               leaves_county=data["leaves_county"], handover=data["handover"])
    return render(request, "leave/mine.html", {
        "requests": leave_mine(user=request.user), "person": person, "kinds": LeaveKind.choices,
        "errors": errors, "data": data, "preview": preview,
        "submit_key": uuid.uuid4().hex, "can_override": has_perm(request.user, "leave.override"),
        "override_people": _override_people(request.user), "override_reason": request.POST.get("override_reason", ""),
    }, status=400 if errors else 200)


def _override_people(user: Any) -> list[Person]:
    """Stationed cadres an approver with ``leave.override`` may file for (LV-05 override)."""
    if not has_perm(user, "leave.override"):
        return []
    from ganbu.core.access import scoped
    from ganbu.org.models import PostTitle

    qs = scoped(Person.objects.filter(posts__title__in=[PostTitle.FIRST_SECRETARY, PostTitle.TEAM_MEMBER],
                                      posts__end__isnull=True), user, "leave.override")
    return list(qs.select_related("org").distinct().order_by("org_path", "name")[:200])


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """htmx: the chain for the form as it stands, before submission (LV-03)."""
    person = _applicant(request)
    if person is None:
        raise NotFound()
    data = _form(request.POST if request.method == "POST" else request.GET, person)
    result = services.leave_preview_chain(person=person, start=data["start"], end=data["end"],
                                          start_pm=data["start_pm"], end_am=data["end_am"],
                                          leaves_county=data["leaves_county"], handover=data["handover"])
    return render(request, "leave/_chain.html", {"preview": result})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "leave/inbox.html", {"items": leave_inbox(user=request.user),
                                                "cancellations": leave_cancellations_to_confirm(user=request.user)})


def _detail_ctx(request: HttpRequest, req: Any) -> dict[str, Any]:
    steps = list(req.steps.select_related("decided_by", "acting_for", "org", "request"))
    actionable = []
    for step in steps:
        if step.status == StepStatus.PENDING and any(u.pk == request.user.pk for u, _ in services.step_actors(step)):
            actionable.append(step.pk)
    cancellation = Cancellation.objects.filter(request=req).select_related("by", "approved_by").first()
    can_confirm = False
    if cancellation and not cancellation.approved_by_id:
        auth = next((s for s in reversed(steps) if s.role == cancellation.authority_role
                     and s.org_path == cancellation.authority_org_path), None)
        can_confirm = bool(auth and any(u.pk == request.user.pk for u, _ in services.step_actors(auth)))
    return {
        "req": req, "steps": steps, "actionable": actionable, "cancellation": cancellation,
        "can_confirm": can_confirm, "is_mine": request.user.person_id == req.person_id,
        "can_override": has_perm(request.user, "leave.override", req.org_path),
        "can_record_return": not (request.user.person_id == req.person_id) and req.status == LeaveStatus.APPROVED
        and (has_perm(request.user, "attendance.correct", req.org_path)
             or has_perm(request.user, "leave.override", req.org_path)),
        "today": timezone.localdate(), "Status": LeaveStatus, "post": {},
        "started": req.start <= timezone.localdate(),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = access_leave(user=request.user, pk=pk)
    return render(request, "leave/detail.html", _detail_ctx(request, req))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = access_leave(user=request.user, pk=pk)
    raw_step = request.POST.get("step", "")
    if not raw_step.isascii() or not raw_step.isdigit() or len(raw_step) > 18:
        raise ValidationError({"step": "审批环节编号不正确，请刷新页面后重试"})
    step = ApprovalStep.objects.filter(request=req, pk=int(raw_step)).first()
    if step is None:
        raise NotFound()
    try:
        clean, errors = parse(DecideForm, request.POST)
        if errors:
            raise services.LeaveError(errors)
        services.leave_decide(actor=request.user, step=step, approve=request.POST.get("decision") == "approve",
                              comment=clean["comment"], override_reason=clean["override_reason"])
    except services.LeaveError as exc:
        return _detail_error(request, req, exc)
    messages.success(request, "已处理")
    return redirect("leave:detail", pk=req.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = access_leave(user=request.user, pk=pk)
    try:
        services.leave_withdraw(actor=request.user, request=req)
    except services.LeaveError as exc:
        messages.error(request, str(exc))
    return redirect("leave:detail", pk=req.pk)


def _detail_error(request: HttpRequest, req: Any, exc: services.LeaveError) -> HttpResponse:
    """The detail page again with the refusal in place and what was typed kept (status 400)."""
    ctx = _detail_ctx(request, req)
    ctx["errors"], ctx["post"] = exc.errors, request.POST
    return render(request, "leave/detail.html", ctx, status=400)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """销假, early or late; or the office recording the cadre's return (LV-06, LV-07)."""
    req = access_leave(user=request.user, pk=pk)
    try:
        clean, errors = parse(ReturnForm, request.POST)
        if errors:
            raise services.LeaveError(errors)
        c = services.leave_cancel(actor=request.user, request=req, returned_on=clean["returned_on"],
                                  note=clean["note"])
    except services.LeaveError as exc:
        return _detail_error(request, req, exc)
    req.refresh_from_db()
    if req.approved_end:
        messages.success(request, f"已销假：提前返岗，请假记录改为 {req.start} ～ {req.end}，共 {req.days_display} 天")
    elif c.overstay_days:
        messages.warning(request, f"已销假：超假 {c.overstay_days.normalize():f} 个工作日，按旷工处理")
    else:
        messages.success(request, "已销假")
    return redirect("leave:detail", pk=req.pk)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant cancels an approved leave that has not started (LV-06); approvers are told."""
    req = access_leave(user=request.user, pk=pk)
    try:
        clean, errors = parse(RevokeForm, request.POST)
        if errors:
            raise services.LeaveError(errors)
        services.leave_revoke(actor=request.user, request=req, reason=clean["reason"])
    except services.LeaveError as exc:
        return _detail_error(request, req, exc)
    messages.success(request, "已取消请假，已通知审批人")
    return redirect("leave:detail", pk=req.pk)


@login_required
@require_POST
def cancel_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    req = access_leave(user=request.user, pk=pk)
    c = Cancellation.objects.filter(request=req).first()
    if c is None:
        raise NotFound()
    try:
        services.leave_cancel_confirm(actor=request.user, cancellation=c)
    except services.LeaveError as exc:
        messages.error(request, str(exc))
    return redirect("leave:detail", pk=req.pk)


@login_required
def standin(request: HttpRequest) -> HttpResponse:
    """LV-09: name who acts for me while I am away."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = request.POST.get("stand_in", "").strip()  # a user id from the picker, within my scope
        target = standin_candidates(request.user).filter(pk=raw).first() if raw.isdigit() else None
        target = request.user if raw == str(request.user.pk) else target
        try:
            services.standin_name(actor=request.user, stand_in=target, start=_date(request.POST.get("start")),
                                  end=_date(request.POST.get("end")), reason=request.POST.get("reason", ""))
        except services.LeaveError as exc:
            errors = exc.errors
        else:
            messages.success(request, "已指定代理人")
            return redirect("leave:standin")
    return render(request, "leave/standin.html", {
        "mine": StandIn.objects.filter(user=request.user).select_related("stand_in").order_by("-start"),
        "for_others": StandIn.objects.filter(stand_in=request.user).select_related("user").order_by("-start"),
        "errors": errors, "post": request.POST if errors else {},
    }, status=400 if errors else 200)


@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """LV-08: the approved form, one copy for each archive (township party committee, county org dept)."""
    from ganbu.core.policy import policy_resolve
    from ganbu.reports.pdf import PdfUnavailable, pdf_response, render_pdf

    req = access_leave(user=request.user, pk=pk)
    if req.status not in (LeaveStatus.APPROVED, LeaveStatus.CANCELLED):
        raise NotFound()
    copies = policy_resolve("leave", req.org_path, req.start).params.archive_copies
    ctx = {"req": req, "steps": list(req.steps.select_related("decided_by", "acting_for", "org")),
           "copies": copies, "cancellation": Cancellation.objects.filter(request=req).first()}
    try:
        data = render_pdf("leave/form_pdf.html", ctx)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503)
    return pdf_response(data, f"请假审批表-{req.person.name}-{req.start}.pdf")
