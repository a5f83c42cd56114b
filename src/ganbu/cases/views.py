"""Case pages: scoped list (overdue flagged), detail with act/close, appeals filed and answered (DSC-01/02)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ganbu.cases import queries, services
from ganbu.cases.models import Appeal, Case
from ganbu.core.access import NotFound, access_object, has_perm
from ganbu.core.recusal import RecusalError, is_subject, recusal_note


def _access_case(user, pk, perm="cases.view") -> Case:  # type: ignore[no-untyped-def]
    return access_object(user, Case, pk, perm, person_field="subject_id" if perm == "cases.view" else None)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    items = queries.cases_visible(request.user)
    status = request.GET.get("status")
    if status in Case.Status.values:
        items = items.filter(status=status)
    return render(request, "cases/list.html", {"cases": items[:500], "statuses": Case.Status.choices,
                                               "status": status})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Facts, rule, policy version, proposed measure; act/close forms; the subject's appeal form."""
    case = _access_case(request.user, pk)
    appeals = case.appeals.select_related("answered_by").order_by("filed_at")
    can_act = has_perm(request.user, "cases.act", case.org_path)
    subject = is_subject(request.user, case.subject_id)
    recused = recusal_note(request.user, "cases.act", case.org_path) if can_act and subject else ""
    can_act = can_act and not subject
    deadline = None
    if subject:
        try:
            deadline, _ = services.appeal_deadline(org_path=case.org_path,
                                                   start=services.case_appeal_target(case).start)
        except ValueError:
            deadline = None
    return render(request, "cases/detail.html", {
        "case": case, "actions": case.actions.select_related("actor"), "appeals": appeals, "can_act": can_act,
        "is_subject": subject, "recused": recused, "deadline": deadline, "statuses": Appeal.Status.choices,
    })


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = _access_case(request.user, pk, "cases.act")
    try:
        if request.POST.get("action") == "close":
            services.case_close(actor=request.user, case=case, decision=request.POST.get("decision", ""))
            messages.success(request, "已办结")
        else:
            services.case_act(actor=request.user, case=case, note=request.POST.get("note", ""))
            messages.success(request, "已记录处理情况")
    except (ValueError, RecusalError) as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def appeal(request: HttpRequest) -> HttpResponse:
    """File an appeal against a case (``case``) or another object (``object_type``/``object_id``)."""
    if request.POST.get("case"):
        case = _access_case(request.user, request.POST["case"])
        target = services.case_appeal_target(case)
        back = redirect("cases:detail", pk=case.pk)
    else:
        loader = services.APPEAL_TARGETS.get(request.POST.get("object_type", ""))
        if loader is None:
            raise NotFound()
        target = loader(request.POST.get("object_id", ""), request.user)
        nxt = request.POST.get("next") or ""
        safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
        back = redirect(nxt if nxt and safe else "cases:appeals")
    try:
        services.appeal_file(actor=request.user, target=target, reason=request.POST.get("reason", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "申诉已提交")
    return back


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/appeals.html", {"appeals": queries.appeals_visible(request.user)[:500],
                                                  "statuses": Appeal.Status.choices})


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_object(request.user, Appeal, pk, "cases.view", person_field="person_id")
    can_answer = has_perm(request.user, "cases.act", item.org_path)
    subject = is_subject(request.user, item.person_id)
    recused = recusal_note(request.user, "cases.act", item.org_path) if can_answer and subject else ""
    return render(request, "cases/appeal_detail.html", {"appeal": item, "statuses": Appeal.Status.choices,
                                                        "can_answer": can_answer and not subject,
                                                        "recused": recused})


@login_required
@require_POST
def appeal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_object(request.user, Appeal, pk, "cases.act")
    try:
        services.appeal_answer(actor=request.user, appeal=item, status=request.POST.get("status", ""),
                               answer=request.POST.get("answer", ""))
    except (ValueError, RecusalError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已答复")
    return redirect("cases:appeal_detail", pk=item.pk)
