"""Diary pages: the cadre's phone pages (record, report, visit) and the township's oversight pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, access_org, has_perm
from ganbu.core.policy import PolicyMissing, policy_resolve
from ganbu.core.recusal import RecusalError, is_subject
from ganbu.diary import forms, queries, rules, services
from ganbu.diary.models import Matter
from ganbu.org.models import Org, Person


def _errors(form: Any, exc: services.DiaryError | RecusalError) -> None:
    field = getattr(exc, "field", "__all__")
    form.add_error(None if field == "__all__" or field not in form.fields else field, exc.message)


def _params(path: str) -> Any:
    try:
        return policy_resolve("diary", path, timezone.localdate())
    except PolicyMissing:
        return None


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The stationed cadre's phone page: his village, this quarter's coverage, his matters, visits, meetings."""
    today = timezone.localdate()
    st = services.station_current(request.user.person_id)  # type: ignore[attr-defined]
    ctx: dict[str, Any] = {"station": st, "today": today}
    if st and st.village:
        resolved = _params(st.org_path)
        if resolved:
            ctx.update(queries.my_station_summary(st, resolved.params, today))
        ctx["matters"] = _with_clocks(list(queries.open_matters(request.user, mine_only=True, include_closed=True)[:20]))
        ctx["visit_form"] = forms.VisitForm(initial={"visited_on": today})
        ctx["meeting_form"] = forms.MeetingForm(initial={"held_on": today})
    return render(request, "diary/mine.html", ctx)


def _with_clocks(matters: list[Matter]) -> list[Matter]:
    today = timezone.localdate()
    for m in matters:
        try:
            params = policy_resolve("diary", m.org_path, m.met_on).params
        except PolicyMissing:
            m.clocks = []  # type: ignore[attr-defined]
            continue
        m.clocks = rules.dry_02_clocks(params, services.matter_facts(m), today)  # type: ignore[attr-defined]
    return matters


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """DRY-01: record a people's matter met in a household (phone)."""
    today = timezone.localdate()
    st = services.station_current(request.user.person_id)  # type: ignore[attr-defined]
    if st is None or st.village is None:
        return render(request, "diary/mine.html", {"station": None, "today": today})
    resolved = _params(st.org_path)
    categories = resolved.params.categories if resolved else []
    form = forms.MatterForm(request.POST or None, request.FILES or None, categories=categories,
                            initial={"met_on": today})
    picked = None
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                picked = queries.household_for(request.user, d["household"])
                m = services.matter_record(actor=request.user, household=picked, met_on=d["met_on"],
                                           category=d["category"], content=d["content"], action=d["action"],
                                           major=d["major"], beyond=d["beyond"],
                                           photos=request.FILES.getlist("photos")[:6])
            except services.DiaryError as exc:
                _errors(form, exc)
            except NotFound:
                form.add_error("household", "请先搜索并选择农户")
            except Exception as exc:  # attachment checks raise ValidationError with a Chinese message
                from django.core.exceptions import ValidationError

                if not isinstance(exc, ValidationError):
                    raise
                form.add_error(None, "；".join(exc.messages))
            else:
                messages.success(request, "已记入民情日记" + ("，请在期限内报告党委、政府" if m.needs_report else ""))
                return redirect("diary:matter", pk=m.pk)
        elif form.data.get("household", "").isdigit():
            try:
                picked = queries.household_for(request.user, form.data["household"])
            except NotFound:
                picked = None
    return render(request, "diary/new.html", {"form": form, "station": st, "picked": picked},
                  status=400 if request.method == "POST" else 200)


@login_required
def household_pick(request: HttpRequest) -> HttpResponse:
    """Search households by head name (HTMX partial); the cadre picks one, never types an id."""
    rows = queries.households_search(request.user, request.GET.get("q", "")[:50])
    return render(request, "diary/_household_pick.html", {"rows": rows, "field": request.GET.get("field", "household")})


@login_required
def matter(request: HttpRequest, pk: int) -> HttpResponse:
    m = queries.matter_for(request.user, pk)
    return _matter_page(request, m)


def _matter_page(request: HttpRequest, m: Matter, status: int = 200, **forms_: Any) -> HttpResponse:
    today = timezone.localdate()
    _with_clocks([m])
    is_author = m.author_id == getattr(request.user, "person_id", None)
    can_answer = has_perm(request.user, "diary.answer", m.org_path)
    can_harm = has_perm(request.user, "diary.harm", m.org_path)
    late = [c for c in m.clocks if c.is_late]  # type: ignore[attr-defined]
    late_people = {p.pk: p.name for p in Person.objects.filter(pk__in=[c.person_id for c in late if c.person_id])}
    opinion_clock = next((c for c in m.clocks if c.kind == "opinion"), None)  # type: ignore[attr-defined]
    answer_late_days = (today - opinion_clock.due).days if opinion_clock and today > opinion_clock.due else 0
    township_path = m.org_path[:9]
    superiors = ", ".join(u.display_name or u.username for u in services.superiors_of(m.answerer_id, township_path))
    return render(request, "diary/matter.html", {
        "m": m, "today": today, "is_author": is_author, "can_answer": can_answer, "can_harm": can_harm,
        "recused": is_subject(request.user, m.author_id), "late": [(c, late_people.get(c.person_id, "")) for c in late],
        "answer_late_days": answer_late_days, "superiors": superiors,
        "report_form": forms_.get("report_form") or forms.ReportForm(initial={"reported_on": today}),
        "answer_form": forms_.get("answer_form") or forms.AnswerForm(),
        "close_form": forms_.get("close_form") or forms.CloseForm(),
        "harm_form": forms_.get("harm_form") or forms.HarmForm(), "harm_preview": forms_.get("harm_preview"),
        "photos": list(m.photos.all()),
    }, status=status)


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    m = queries.matter_for(request.user, pk)
    form = forms.ReportForm(request.POST)
    if form.is_valid():
        try:
            services.matter_report(actor=request.user, matter=m, reported_on=form.cleaned_data["reported_on"],
                                   text=form.cleaned_data["text"])
        except services.DiaryError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "已报告党委、政府，等待处理意见")
            return redirect("diary:matter", pk=m.pk)
    return _matter_page(request, m, 400, report_form=form)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    m = queries.matter_for(request.user, pk)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.matter_answer(actor=request.user, matter=m, text=form.cleaned_data["text"])
        except (services.DiaryError, RecusalError) as exc:
            _errors(form, exc)
        else:
            messages.success(request, "处理意见已送达记录人")
            return redirect("diary:matter", pk=m.pk)
    return _matter_page(request, m, 400, answer_form=form)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    m = queries.matter_for(request.user, pk)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.matter_close(actor=request.user, matter=m, action=form.cleaned_data["action"])
        except services.DiaryError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "已办结")
            return redirect("diary:matter", pk=m.pk)
    return _matter_page(request, m, 400, close_form=form)


@login_required
@require_POST
def harm(request: HttpRequest, pk: int) -> HttpResponse:
    """DRY-02: record harm; the first post previews who a case opens against, the second confirms."""
    m = queries.matter_for(request.user, pk)
    if not has_perm(request.user, "diary.harm", m.org_path):
        raise NotFound()
    form = forms.HarmForm(request.POST)
    if form.is_valid() and not form.cleaned_data["confirm"]:
        return _matter_page(request, m, harm_form=form, harm_preview=True)
    if form.is_valid():
        try:
            cases = services.matter_harm_record(actor=request.user, matter=m, harm=form.cleaned_data["harm"])
        except (services.DiaryError, RecusalError) as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已记录不良后果，立问责事项 {len(cases)} 件")
            return redirect("diary:matter", pk=m.pk)
    return _matter_page(request, m, 400, harm_form=form)


@login_required
def matters(request: HttpRequest) -> HttpResponse:
    """The township's open matters by village and by cadre, overdue first; searchable."""
    if not queries.can_view(request.user):
        raise NotFound()
    form = forms.SearchForm(request.GET)
    f = form.cleaned_data if form.is_valid() else {}
    qs = queries.open_matters(request.user, q=f.get("q", ""), village=f.get("village", ""),
                              author=f.get("author", ""), include_closed=f.get("closed", False))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    _with_clocks(list(page.object_list))
    villages, cadres = queries.open_counts(request.user, timezone.localdate())
    return render(request, "diary/matters.html", {"page": page, "f": f, "villages": villages, "cadres": cadres,
                                                  "query": request.GET.urlencode()})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The diary as Excel, with the same filters as the list."""
    from ganbu.reports.excel import xlsx_bytes, xlsx_response

    if not queries.can_view(request.user):
        raise NotFound()
    form = forms.SearchForm(request.GET)
    f = form.cleaned_data if form.is_valid() else {}
    qs = list(queries.open_matters(request.user, q=f.get("q", ""), village=f.get("village", ""),
                                   author=f.get("author", ""), include_closed=f.get("closed", False))[:20000])
    _with_clocks(qs)
    names = dict(Org.objects.filter(path__in={m.org_path for m in qs}).values_list("path", "name"))
    headers = ["发生日期", "村", "农户", "记录人", "类别", "民情内容", "办理情况", "重大", "难以解决", "报告期限",
               "报告日期", "处理意见期限", "处理意见日期", "处理意见", "超期", "办结日期"]
    rows = []
    for m in qs:
        late = "；".join(f"{c.label}超期{c.days}天" for c in m.clocks if c.is_late)  # type: ignore[attr-defined]
        rows.append([str(m.met_on), names.get(m.org_path, ""), str(m.household), m.author.name, m.category, m.content,
                     m.action, "是" if m.major else "", "是" if m.beyond else "", str(m.report_due or ""),
                     str(m.reported_on or ""), str(m.opinion_due or ""), str(m.answered_on or ""), m.answer_text,
                     late, str(m.closed_on or "")])
    data = xlsx_bytes([("民情日记", headers, rows)])
    return xlsx_response(data, f"民情日记-{timezone.localdate()}.xlsx")


@login_required
@require_POST
def visit(request: HttpRequest) -> HttpResponse:
    form = forms.VisitForm(request.POST)
    if form.is_valid():
        try:
            h = queries.household_for(request.user, form.cleaned_data["household"])
            services.visit_record(actor=request.user, household=h, visited_on=form.cleaned_data["visited_on"],
                                  note=form.cleaned_data["note"])
        except services.DiaryError as exc:
            messages.error(request, exc.message)
        except NotFound:
            messages.error(request, "走访农户：请先搜索并选择农户")
        else:
            messages.success(request, f"已记录走访：{h}")
    else:
        messages.error(request, "；".join(m for errs in form.errors.values() for m in errs))
    return redirect("diary:mine")


@login_required
@require_POST
def meeting(request: HttpRequest) -> HttpResponse:
    form = forms.MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_record(actor=request.user, **form.cleaned_data)
        except services.DiaryError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已记录户主会")
    else:
        messages.error(request, "；".join(m for errs in form.errors.values() for m in errs))
    return redirect("diary:mine")


@login_required
@require_POST
def contact(request: HttpRequest) -> HttpResponse:
    form = forms.ContactForm(request.POST)
    if form.is_valid():
        try:
            h = queries.household_for(request.user, form.cleaned_data["household"])
            services.contact_add(actor=request.user, household=h)
        except services.DiaryError as exc:
            messages.error(request, exc.message)
        except NotFound:
            messages.error(request, "联系户：请先搜索并选择农户")
        else:
            messages.success(request, f"已添加联系户：{h}")
    else:
        messages.error(request, "联系户：请先搜索并选择农户")
    return redirect("diary:mine")


# --- township: stations (STN-01/02) -----------------------------------------------------------------


def _township(request: HttpRequest) -> Org | None:
    townships = list(queries.townships_for(request.user))
    tid = request.GET.get("township") or request.POST.get("township")
    if tid:
        return access_org(request.user, tid, "diary.view")
    return townships[0] if townships else None


@login_required
def stations(request: HttpRequest) -> HttpResponse:
    """STN-01/02: who is stationed where, villages without a cadre, coverage this quarter."""
    if not queries.can_view(request.user):
        raise NotFound()
    township = _township(request)
    ctx: dict[str, Any] = {"townships": list(queries.townships_for(request.user)), "township": township}
    form = forms.StationForm(request.POST or None, initial={"start": timezone.localdate()})
    status = 200
    if township is not None:
        resolved = _params(township.path)
        if resolved is None:
            ctx["error"] = services.E_NO_POLICY
        else:
            ctx["can_manage"] = has_perm(request.user, "diary.manage", township.path)
            if request.method == "POST":
                status = _station_post(request, form, township, ctx)
                if status == 302:
                    return redirect(f"{request.path}?township={township.pk}")
            ctx.update(queries.township_stations(request.user, township, resolved.params, timezone.localdate()))
            ctx["special_posts"] = resolved.params.special_posts or []
            ctx["policy_ref"] = resolved.ref
    ctx["form"] = form
    ctx["household_form"] = forms.HouseholdNewForm()
    return render(request, "diary/stations.html", ctx, status=status)


def _station_post(request: HttpRequest, form: forms.StationForm, township: Org, ctx: dict[str, Any]) -> int:
    if not ctx.get("can_manage"):
        raise NotFound()
    if not form.is_valid():
        return 400
    d = form.cleaned_data
    person = Person.objects.filter(pk=d["person"], posts__org=township).first()
    village = Org.objects.filter(pk=d["village"], parent=township).first() if d["village"] else None
    if person is None:
        form.add_error("person", "请先搜索并选择本乡镇的干部")
        return 400
    ctx["picked_person"] = person
    if not d["confirm"]:
        where = village.name if village else f"特殊岗位「{d['special_post']}」（不驻村）"
        ctx["confirm"] = f"将安排 {person.name} 自 {d['start']} 起：{where}；其原驻村安排于前一日结束。"
        return 200
    try:
        services.station_set(actor=request.user, person=person, township=township, village=village,
                             special_post=d["special_post"], start=d["start"])
    except (services.DiaryError, RecusalError) as exc:
        _errors(form, exc)
        return 400
    messages.success(request, f"已安排 {person.name}：{village.name if village else d['special_post']}")
    return 302


@login_required
def person_pick(request: HttpRequest) -> HttpResponse:
    township = access_org(request.user, request.GET.get("township"), "diary.manage")
    rows = queries.people_search(request.user, request.GET.get("q", "")[:50], township)
    return render(request, "diary/_person_pick.html", {"rows": rows})


@login_required
@require_POST
def household_new(request: HttpRequest) -> HttpResponse:
    form = forms.HouseholdNewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        village = access_org(request.user, d.pop("village"), "diary.manage")
        try:
            h = services.household_create(actor=request.user, village=village, **d)
        except services.DiaryError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记农户：{village.name} {h}")
    else:
        messages.error(request, "；".join(m for errs in form.errors.values() for m in errs))
    return redirect("diary:stations")
