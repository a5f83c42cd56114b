"""Public boards (no login) and the publishers' page (PUB-01..04)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, access_object, has_perm
from ganbu.notices import queries, services
from ganbu.notices.display import notice_shown
from ganbu.notices.forms import AnswerForm, HideForm, ObjectionForm, WithdrawForm
from ganbu.notices.models import Notice, NoticeVersion, Objection
from ganbu.reports.pdf import PdfUnavailable, pdf_response, render_pdf

MSG_FILED = "异议已收到。经办公室审核后，异议和答复将在本页公开"


def _public_version(pk: int) -> NoticeVersion:
    """A published version anyone may read (a withdrawal too: it shows why); unknown ids are not found."""
    version = NoticeVersion.objects.filter(pk=pk).select_related(
        "notice", "notice__org", "published_by").first()
    if version is None:
        raise NotFound()
    return version


def board(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    return render(request, "notices/board.html", {"versions": queries.latest_versions(archived=archived)[:200],
                                                  "archived": archived})


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What was published, when and by whom; every version with its reason; answered objections."""
    version = _public_version(pk)
    form = ObjectionForm(request.POST or None)
    errors = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                services.objection_file(version=version, address=_client_address(request), **form.cleaned_data)
            except ValueError as exc:
                errors = str(exc)
            else:
                messages.success(request, MSG_FILED)
                return redirect("notices:detail", pk=version.pk)
        else:
            errors = "；".join(e for errs in form.errors.values() for e in errs)
    today = timezone.localdate()
    newest = queries.newest_of(version)
    return render(request, "notices/detail.html", {
        "v": version, "shown": notice_shown(version.content), "newest": newest,
        "versions": version.notice.versions.select_related("published_by").order_by("-version"),
        "objections": queries.public_objections(version), "errors": errors, "form": form,
        "limit": services._notices_params(version.notice.org_path, today).objection_max_chars,
        "open": not version.withdrawn and version.pk == newest.pk
        and (version.public_until is None or today <= version.public_until),
    }, status=400 if errors else 200)


def _pdf(version: NoticeVersion, template: str, name: str) -> HttpResponse:
    if version.withdrawn:
        raise NotFound()
    try:
        data = render_pdf(template, {"v": version, "shown": notice_shown(version.content)})
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(data, f"{name}-{version.notice.title}-v{version.version}.pdf")


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A poster for the village board (公示栏), PUB-01."""
    return _pdf(_public_version(pk), "notices/poster_pdf.html", "公示")


def circular(request: HttpRequest, pk: int) -> HttpResponse:
    """A circular (通报) document of the same frozen version, PUB-03."""
    return _pdf(_public_version(pk), "notices/circular_pdf.html", "通报")


def _need_manage(request: HttpRequest) -> None:
    if not has_perm(request.user, "notices.publish") and not has_perm(request.user, "notices.answer"):
        raise NotFound()


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _need_manage(request)
    return render(request, "notices/manage.html", {"versions": queries.manageable(request.user)[:300],
                                                   "objections": queries.open_objections(request.user),
                                                   "today": timezone.localdate()})


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Reply in public (the objection shows with the reply) or keep it off the board with a reason."""
    obj = access_object(request.user, Objection, pk, "notices.answer", "version__notice__org_path")
    hide = request.POST.get("action") == "hide"
    form = HideForm(request.POST) if hide else AnswerForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("notices:manage")
    try:
        if hide:
            services.objection_hide(actor=request.user, objection=obj, reason=form.cleaned_data["reason"])
        else:
            services.objection_answer(actor=request.user, objection=obj, answer=form.cleaned_data["answer"])
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已决定不予公开" if hide else "已答复，异议和答复已在公示页公开")
    return redirect("notices:manage")


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a notice: says what will happen, asks for the reason the public page will show."""
    notice = access_object(request.user, Notice, pk, "notices.publish", "org_path")
    newest = notice.versions.order_by("-version").first()
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.notice_withdraw(actor=request.user, notice=notice, reason=form.cleaned_data["reason"])
        except ValueError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, f"已撤回（第 {version.version} 版），公示页显示撤回理由")
            return redirect("notices:manage")
    return render(request, "notices/withdraw.html", {"notice": notice, "newest": newest, "form": form},
                  status=400 if form.errors else 200)
