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
from ganbu.notices.models import NoticeVersion, Objection
from ganbu.reports.pdf import PdfUnavailable, pdf_response, render_pdf


def _public_version(pk: int) -> NoticeVersion:
    """A published version anyone may read; withdrawn or unknown ones are simply not found."""
    version = NoticeVersion.objects.filter(pk=pk, withdrawn=False).select_related(
        "notice", "notice__org", "published_by").first()
    if version is None:
        raise NotFound()
    return version


def board(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    return render(request, "notices/board.html", {"versions": queries.latest_versions(archived=archived)[:200],
                                                  "archived": archived})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What was published, when and by whom; other versions; objections during the public period."""
    version = _public_version(pk)
    errors = ""
    if request.method == "POST":
        try:
            services.objection_file(version=version, text=request.POST.get("text", ""),
                                    name=request.POST.get("name", ""), contact=request.POST.get("contact", ""))
        except ValueError as exc:
            errors = str(exc)
        else:
            messages.success(request, "异议已收到，我们将在公示期内答复")
            return redirect("notices:detail", pk=version.pk)
    today = timezone.localdate()
    return render(request, "notices/detail.html", {
        "v": version, "content": version.content, "others": version.notice.versions.exclude(pk=version.pk),
        "objections": version.objections.all(), "errors": errors,
        "open": version.public_until is None or today <= version.public_until,
    }, status=400 if errors else 200)


def _pdf(version: NoticeVersion, template: str, name: str) -> HttpResponse:
    try:
        data = render_pdf(template, {"v": version, "content": version.content})
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503)
    return pdf_response(data, f"{name}-{version.notice.title}-v{version.version}.pdf")


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A poster for the village board (公示栏), PUB-01."""
    return _pdf(_public_version(pk), "notices/poster_pdf.html", "公示")


def circular(request: HttpRequest, pk: int) -> HttpResponse:
    """A circular (通报) document of the same frozen version, PUB-03."""
    return _pdf(_public_version(pk), "notices/circular_pdf.html", "通报")


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "notices.publish") and not has_perm(request.user, "notices.answer"):
        raise NotFound()
    return render(request, "notices/manage.html", {"versions": queries.manageable(request.user)[:300],
                                                   "objections": queries.open_objections(request.user),
                                                   "today": timezone.localdate()})


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access_object(request.user, Objection, pk, "notices.answer", "version__notice__org_path")
    try:
        services.objection_answer(actor=request.user, objection=obj, answer=request.POST.get("answer", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已答复")
    return redirect("notices:manage")
