"""Subsidy pages: the township proposes and corrects, the organisation department and finance bureau
review, the township publishes, the finance bureau writes the bank file (SUB-04)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ganbu.core.access import NotFound, has_perm
from ganbu.core.masking import mask_card_number
from ganbu.org.models import PostTitle
from ganbu.reports.excel import xlsx_response
from ganbu.reports.pdf import PdfUnavailable, pdf_response
from ganbu.subsidies import exports, queries, services
from ganbu.subsidies import forms as f
from ganbu.subsidies.models import BankCard, Register
from ganbu.subsidies.services import SubsidyError

TITLES = dict(PostTitle.choices)


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:  # paid around the year's end or before the Spring Festival for the year before
        year = today.year if today.month > 3 else today.year - 1
    return min(max(year, 2000), 2100)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    townships = queries.proposable_townships(user)
    if not has_perm(user, "subsidies.view") and not townships.exists():
        raise NotFound()
    year = _year(request)
    form = f.ProposeForm(request.POST or None, townships=townships,
                         initial={"year": year, "township": townships.first()})
    errors: list[str] = []
    if request.method == "POST":
        if not townships.exists():
            raise NotFound()
        if form.is_valid():
            d = form.cleaned_data
            try:
                reg = services.register_propose(actor=user, township=d["township"], year=d["year"],
                                                rural_income=d["rural_income"],
                                                duty_logs_checked=d["duty_logs_checked"])
            except SubsidyError as exc:
                errors = [exc.message]
            else:
                messages.success(request, f"已提出{reg.township.name}{reg.year}年补贴花名册，组织部将收到待办")
                return redirect("subsidies:register", pk=reg.pk)
        else:
            errors = f.form_errors(form)
    ctx = {"year": year, "form": form if townships.exists() else None, "errors": errors,
           "waiting": queries.waiting(user), "overview": queries.overview(user, year),
           "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1)}
    return render(request, "subsidies/home.html", ctx, status=400 if errors else 200)


def _lines(reg: Register) -> list[Any]:
    lines = list(reg.lines.select_related("person", "village").order_by("village__name", "id"))
    cards = {c.person_id: c for c in BankCard.objects.filter(person_id__in=[ln.person_id for ln in lines])}
    for ln in lines:
        ln.title_text = "、".join(TITLES.get(t, t) for t in ln.titles)
        card = cards.get(ln.person_id)
        ln.has_card = card is not None
        ln.card_masked = f"{card.bank} {mask_card_number(card.number)}" if card else ""
    return lines


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    reg = queries.access_register(user, pk)
    can = queries.actions(user, reg)
    lines = _lines(reg)
    people = [(ln.person_id, f"{ln.village.name} {ln.person.name}") for ln in lines]
    errors: list[str] = []
    forms_ = {"approve": f.ApproveForm(), "send_back": f.ReturnForm(),
              "correct": f.CorrectForm(initial={"rural_income": reg.rural_income,
                                                "duty_logs_checked": reg.duty_logs_checked}),
              "card": f.CardForm(people=people), "confirm": f.ConfirmForm()}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _post(request, reg, action, people, forms_)
        except SubsidyError as exc:
            errors = [exc.message]
        else:
            if isinstance(done, list):
                errors = done
            else:
                messages.success(request, done[0])
                return redirect("subsidies:register", pk=done[1])
    ctx = {"r": reg, "lines": lines, "can": can, "recused": queries.recused(user, reg), "errors": errors,
           "steps": list(reg.steps.select_related("actor")), "run": queries.payment_run(reg), **forms_,
           "pay_opens": services.payment_opens_on(reg) if reg.status == "published" else None,
           "no_card": sum(1 for ln in lines if not ln.has_card and ln.net > 0),
           "shortfalls": [(ln, s) for ln in lines for s in ln.shortfalls],
           "missing_scores": [ln for ln in lines if ln.score is None]}
    return render(request, "subsidies/register.html", ctx, status=400 if errors else 200)


def _post(request: HttpRequest, reg: Register, action: str, people: list[tuple[int, str]],
          forms_: dict[str, Any]) -> list[str] | tuple[str, int]:
    """One action of the register page: a list of errors, or (message, register id to show)."""
    user, data = request.user, request.POST
    form_class = {"approve": f.ApproveForm, "send_back": f.ReturnForm, "correct": f.CorrectForm,
                  "publish": f.ConfirmForm, "pay": f.ConfirmForm}.get(action)
    if action == "card":
        form = f.CardForm(data, people=people)
        forms_["card"] = form
        if not form.is_valid():
            return f.form_errors(form)
        services.bank_card_save(actor=user, register=reg, person_id=form.cleaned_data["person"],
                                bank=form.cleaned_data["bank"], number=form.cleaned_data["number"])
        return "工资卡已登记", reg.pk
    if form_class is None:
        raise NotFound()
    form = form_class(data)
    if action in forms_:
        forms_[action] = form
    if not form.is_valid():
        return f.form_errors(form)
    d = form.cleaned_data
    if action == "approve":
        r = services.register_approve(actor=user, register=reg, note=d["note"])
        return ("审核通过，已转县财政局审批" if r.status == "org_approved" else "审批通过，镇将公示"), r.pk
    if action == "send_back":
        services.register_return(actor=user, register=reg, reason=d["reason"])
        return "已退回镇修改，镇将收到待办", reg.pk
    if action == "correct":
        r = services.register_correct(actor=user, register=reg, reason=d["reason"], rural_income=d["rural_income"],
                                      duty_logs_checked=d["duty_logs_checked"])
        return (f"已更正并重新提出（第{r.version}版）"), r.pk
    if action == "publish":
        services.register_publish(actor=user, register=reg)
        return "已公示，身份证号已脱敏", reg.pk
    services.payment_run_create(actor=user, register=reg)
    return "已生成银行发放文件，请下载后报送银行", reg.pk


@login_required
def bank_file(request: HttpRequest, pk: int) -> HttpResponse:
    reg = queries.access_register(request.user, pk)
    if not has_perm(request.user, "subsidies.pay", reg.org_path):
        raise NotFound()
    run = queries.payment_run(reg)
    if run is None:
        raise NotFound()
    return xlsx_response(exports.bank_file(run), f"{reg.township.name}{reg.year}年村干部补贴代发清单.xlsx")


@login_required
def register_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    reg = queries.access_register(request.user, pk)
    try:
        data = exports.register_pdf(reg)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(data, f"{reg.township.name}{reg.year}年村干部补贴花名册.pdf")
