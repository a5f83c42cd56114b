"""Attendance pages: parse, check scope, call one service or query, render (Chinese UI)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ganbu.attendance import queries, rules, services
from ganbu.attendance.models import (
    DayStatus,
    DayStatusKind,
    MeetingAttendance,
    MeetingKind,
    SignIn,
    SpotCheck,
    StationedTable,
)
from ganbu.core.access import NotFound, access_object, access_person, has_perm
from ganbu.core.audit import audit_head, chain_for
from ganbu.core.calendar import work_calendar
from ganbu.core.recusal import next_authority
from ganbu.org.models import Org, Person, User
from ganbu.reports.excel import xlsx_bytes, xlsx_response
from ganbu.reports.pdf import PdfUnavailable, pdf_response, render_pdf

BAD_MONTH = "月份格式应为 YYYY-MM"
BAD_DATE = "日期格式应为 YYYY-MM-DD"
BAD_DATETIME = "时间格式应为 YYYY-MM-DDTHH:MM"
NO_PERSON = "您的账号尚未关联干部信息，无法签到，请联系党政办"


def _month(raw: str | None) -> date:
    if not raw:
        return services.today().replace(day=1)
    try:
        year, mon = raw.split("-")
        return date(int(year), int(mon), 1)
    except (ValueError, TypeError):
        raise ValidationError({"month": BAD_MONTH}) from None


def _date(raw: str | None, default: date | None = None, field: str = "date") -> date:
    if not raw:
        if default is None:
            raise ValidationError({field: BAD_DATE})
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: BAD_DATE}) from None


def _dt(raw: str | None, field: str) -> datetime:
    try:
        return timezone.make_aware(datetime.fromisoformat(raw or ""))
    except ValueError:
        raise ValidationError({field: BAD_DATETIME}) from None


def _msg(exc: ValidationError) -> str:
    return getattr(exc, "text", None) or "；".join(exc.messages)


def guarded(view: Any) -> Any:
    """Bad input or a missing policy anywhere in a page: a clear Chinese message (400), never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            return render(request, "attendance/error.html", {"error": _msg(exc)}, status=400)

    return wrapper


def _float(raw: str | None) -> float | None:
    try:
        return float(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _confirm(request: HttpRequest, *, title: str, lines: list[str], back: str) -> HttpResponse:
    """The confirm step of an irreversible action: what will happen (computed by the same service
    the action uses), and the same POST again with ``confirm=1``."""
    hidden = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")]
    return render(request, "attendance/confirm.html", {"title": title, "lines": lines, "hidden": hidden,
                                                       "action": request.path, "back": back})


# --- sign-in (ATT-01..03, ATT-09) -------------------------------------------------------------
def _month_calendar(person: Person, month: date) -> list[list[dict[str, Any]]]:
    """The cadre's month as weeks of days: each day's closed status, or today's sign-in, a pending
    补签 request, and whether it is a working day of the official calendar."""
    from ganbu.attendance.models import CorrectionRequest

    first, last = services.month_bounds(month)
    cal = work_calendar(person.org_path)
    closed = dict(DayStatus.objects.filter(person=person, date__range=(first, last)).values_list("date", "status"))
    signed = set(SignIn.objects.filter(person=person, date__range=(first, last)).values_list("date", flat=True))
    asked = dict(CorrectionRequest.objects.filter(person=person, date__range=(first, last))
                 .order_by("created_at").values_list("date", "status"))
    labels = dict(DayStatusKind.choices)
    today = services.today()
    weeks: list[list[dict[str, Any]]] = []
    day = first - timedelta(days=first.weekday())
    while day <= last:
        week = []
        for _ in range(7):
            status = closed.get(day) or ("present" if day in signed else "")
            workday = cal.is_workday(day)
            week.append({
                "date": day, "in_month": first <= day <= last, "workday": workday, "today": day == today,
                "status": status, "label": labels.get(status, "") if status else ("" if workday else "休"),
                "request": dict(CorrectionRequest.Status.choices).get(asked.get(day, ""), ""),
                "can_ask": first <= day <= min(last, today) and workday and status not in rules.COUNTS_PRESENT
                and asked.get(day) != CorrectionRequest.Status.PENDING,
            })
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


@login_required
@guarded
def signin(request: HttpRequest) -> HttpResponse:
    """The cadre's phone page: the sign-in button says before the tap whether it can work (ATT-03),
    his month as a calendar, and a 补签 request for a past working day."""
    person = Person.objects.filter(pk=request.user.person_id).select_related("org").first() \
        if request.user.person_id else None
    error = ""
    status = 200
    if request.method == "POST":
        if person is None:
            error, status = NO_PERSON, 400
        else:
            try:
                record, created = services.signin_record(
                    actor=request.user, person=person, lat=_float(request.POST.get("lat")),
                    lng=_float(request.POST.get("lng")), coord_system=request.POST.get("coord_system") or "wgs84",
                    qr_token=request.POST.get("qr") or None)
                messages.success(request, f"签到成功：{timezone.localtime(record.at):%H:%M}" if created
                                 else f"今日已签到（{timezone.localtime(record.at):%H:%M}），不会重复记录")
                return redirect("attendance:signin")
            except ValidationError as exc:
                error, status = _msg(exc), 400
    return _signin_page(request, person, error=error, status=status)


def _signin_page(request: HttpRequest, person: Person | None, *, error: str = "", status: int = 200,
                 cr_error: str = "", month: date | None = None) -> HttpResponse:
    today = services.today()
    record = SignIn.objects.filter(person=person, date=today).first() if person else None
    policy = None
    closed_reason = None
    if person:
        try:
            policy = services.resolve(person.org_path, today)
            closed_reason = services.signin_state(person=person)
        except ValidationError as exc:
            policy, error = None, error or _msg(exc)
    if month is None:
        try:
            month = _month(request.GET.get("month"))
        except ValidationError:
            month = today.replace(day=1)
    month = min(month, today.replace(day=1))
    can_proxy = has_perm(request.user, "attendance.sign_for")
    used = services.correction_requests_used(person, month) if person else 0
    cap = policy.params.correction_requests_per_month if policy else 0
    return render(request, "attendance/signin.html", {
        "weeks": _month_calendar(person, month) if person else [], "month": month,
        "prev_month": (month - timedelta(days=1)).replace(day=1),
        "next_month": (month + timedelta(days=32)).replace(day=1) if month < today.replace(day=1) else None,
        "person": person, "record": record, "error": error, "today": today, "policy": policy,
        "closed_reason": closed_reason, "cr_used": used, "cr_cap": cap, "cr_left": max(0, cap - used),
        "cr_error": cr_error, "cr": request.POST if cr_error else {},
        "can_proxy": can_proxy, "no_person": NO_PERSON, "qr": (request.GET.get("qr") or "")[:32],
    }, status=status)


@login_required
@require_POST
@guarded
def correction_request(request: HttpRequest) -> HttpResponse:
    """A cadre's 补签申请: one past working day, a reason and evidence, to the office's inbox."""
    from ganbu.attendance.forms import CorrectionRequestForm

    person = Person.objects.filter(pk=request.user.person_id).first() if request.user.person_id else None
    if person is None:
        raise NotFound()
    form = CorrectionRequestForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError({k: v[0] for k, v in form.errors.items()})
        services.correction_request_submit(actor=request.user, person=person, day=form.cleaned_data["date"],
                                           reason=form.cleaned_data["reason"], wanted=form.cleaned_data["wanted"],
                                           upload=form.cleaned_data.get("file"))
    except ValidationError as exc:  # the page again, with what was typed and the reason it was refused
        day = getattr(form, "cleaned_data", {}).get("date")
        return _signin_page(request, person, status=400, cr_error=f"补签申请未提交：{_msg(exc)}",
                            month=day.replace(day=1) if day else None)
    messages.success(request, "补签申请已提交，等待党政办审核")
    return redirect(f"{reverse('attendance:signin')}?month={form.cleaned_data['date']:%Y-%m}")


@login_required
@guarded
def corrections(request: HttpRequest) -> HttpResponse:
    """The office's list of 补签申请 waiting on it; approve or refuse (never one's own)."""
    from ganbu.attendance.models import CorrectionRequest
    from ganbu.core.access import scope_q
    from ganbu.core.recusal import is_subject

    if not has_perm(request.user, "attendance.correct"):
        raise NotFound()
    if request.method == "POST":
        req = access_object(request.user, CorrectionRequest, request.POST.get("request"), "attendance.correct")
        note = request.POST.get("note", "")
        try:
            if len(note) > 300:
                raise ValidationError({"note": f"审核意见最多 300 字（现有 {len(note)} 字）"})
            services.correction_request_decide(actor=request.user, request=req,
                                               approve=request.POST.get("decision") == "approve", note=note)
            messages.success(request, "补签申请已处理")
        except ValidationError as exc:
            messages.error(request, _msg(exc))
        return redirect("attendance:corrections")
    items = (CorrectionRequest.objects.filter(scope_q(request.user, "attendance.correct"))
             .select_related("person", "decided_by", "evidence").order_by("status", "-created_at")[:200])
    rows = [(r, is_subject(request.user, r.person_id)) for r in items]
    return render(request, "attendance/corrections.html", {"rows": rows})


@login_required
@guarded
def correction_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import FileResponse

    from ganbu.attendance.models import CorrectionRequest

    req = access_object(request.user, CorrectionRequest, pk, "attendance.correct")
    if req.evidence is None:
        raise NotFound()
    return FileResponse(req.evidence.file.open("rb"), filename=req.evidence.original_name)


@login_required
@guarded
def proxy(request: HttpRequest) -> HttpResponse:
    """代签 (ATT-02): the office signs for a cadre on a principal leader's authorisation."""
    org = queries.scoped_org(request.user, request.GET.get("org") or request.POST.get("org"), "attendance.sign_for")
    if request.method == "POST":
        try:
            person = access_person(request.user, request.POST.get("person"), "attendance.sign_for")
            auth_id = request.POST.get("authorised_by")
            authoriser = User.objects.filter(pk=auth_id).first() if (auth_id or "").isdigit() else None
            services.signin_proxy(actor=request.user, person=person, authorised_by=authoriser)
            messages.success(request, f"已为{person.name}代签")
        except ValidationError as exc:
            messages.error(request, _msg(exc))
        return redirect(f"{reverse('attendance:proxy')}?org={org.pk}")
    today = services.today()
    policy = services.resolve(org.path, today)
    posts = services._daily_posts(policy.params, org.path, today)
    people = Person.objects.filter(pk__in=posts.values("person_id")).order_by("org_path", "name")
    signed = set(SignIn.objects.filter(date=today, org_path__startswith=org.path).values_list("person_id", flat=True))
    return render(request, "attendance/proxy.html", {
        "org": org, "people": people, "signed": signed, "leaders": services.principal_leaders(org.path)})


@login_required
@guarded
def qr(request: HttpRequest) -> HttpResponse:
    """The rotating QR code shown at the office (ATT-09)."""
    org = queries.scoped_org(request.user, request.GET.get("org"), "attendance.sign_for")
    policy = services.resolve(org.path, services.today())
    seconds = policy.params.qr_window_seconds
    now = services._now().timestamp()
    token = rules.qr_token(settings.SECRET_KEY, org.path, rules.qr_window(now, seconds))
    import qrcode
    import qrcode.image.svg

    # the code opens the sign-in page with the token filled in, so scanning it with the phone's
    # camera is enough; the token alone is also shown for typing
    target = request.build_absolute_uri(f"{reverse('attendance:signin')}?qr={token}")
    img = qrcode.make(target, image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    return render(request, "attendance/qr.html", {"org": org, "token": token, "svg": buf.getvalue().decode(),
                                                  "seconds": seconds})


# --- day sheet, stamp, close, corrections (ATT-03, ATT-04) -------------------------------------
@login_required
@guarded
def sheet(request: HttpRequest) -> HttpResponse:
    org = queries.scoped_org(request.user, request.GET.get("org"), "attendance.view")
    try:
        day = _date(request.GET.get("date"), services.today())
    except ValidationError as exc:
        messages.error(request, _msg(exc))
        day = services.today()
    from ganbu.attendance.models import DaySheet

    day_sheet = DaySheet.objects.filter(org=org, date=day).select_related("stamped_by").first()
    statuses = list(DayStatus.objects.filter(org_path__startswith=org.path, date=day).select_related("person")
                    .order_by("org_path", "person__name"))
    signins = list(SignIn.objects.filter(org_path__startswith=org.path, date=day).select_related(
        "person", "proxy_by", "authorised_by").order_by("at"))
    policy = services.resolve(org.path, day)
    signed_ids = {s.person_id for s in signins}
    expected = Person.objects.filter(pk__in=services._daily_posts(policy.params, org.path, day).values("person_id"))
    missing = [p for p in expected.order_by("org_path", "name") if p.pk not in signed_ids]
    radius, mode = policy.params.geofence_radius_m, policy.params.proof_mode
    from ganbu.attendance.models import CorrectionRequest

    return render(request, "attendance/sheet.html", {
        "org": org, "day": day, "sheet": day_sheet, "statuses": statuses, "missing": missing,
        "signins": [(s, services.geofence_words(s.distance_m, radius, mode),
                     s.distance_m is not None and s.distance_m > radius) for s in signins],
        "cutoff": policy.params.signin_cutoff, "radius": radius,
        "pending_requests": CorrectionRequest.objects.filter(org_path__startswith=org.path,
                                                             status=CorrectionRequest.Status.PENDING).count(),
        "kinds": DayStatusKind.choices, "can_stamp": has_perm(request.user, "attendance.stamp", org.path),
"can_correct": has_perm(request.user, "attendance.correct", org.path),
        "recused": next_authority(request.user, "attendance.correct", org.path) + "处理"
        if any(d.person_id == request.user.person_id for d in statuses) else "",
        "prev": day - timedelta(days=1), "next": day + timedelta(days=1)})


@login_required
@require_POST
@guarded
def stamp(request: HttpRequest) -> HttpResponse:
    org = queries.scoped_org(request.user, request.POST.get("org"), "attendance.stamp")
    try:
        day = _date(request.POST.get("date"))
        if request.POST.get("confirm") != "1":  # one click never does irreversible work: show it first
            close = request.POST.get("action") == "close"
            text = services.day_close_plan(org=org, on=day) if close else services.daysheet_stamp_plan(org=org, on=day)
            return _confirm(request, title=f"{org.name} {day:%m月%d日}{'日结' if close else '盖章停签'}", lines=[text],
                            back=f"{reverse('attendance:sheet')}?org={org.pk}&date={day}")
        if request.POST.get("action") == "close":
            services.day_close(actor=request.user, org=org, on=day)
            messages.success(request, f"{day} 已日结")
        else:
            services.daysheet_stamp(actor=request.user, org=org, on=day)
            messages.success(request, f"{day} 签到簿已盖章停签")
    except ValidationError as exc:
        messages.error(request, _msg(exc))
        day = services.today()
    return redirect(f"{reverse('attendance:sheet')}?org={org.pk}&date={day}")


@login_required
@require_POST
@guarded
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    day = access_object(request.user, DayStatus, pk, "attendance.correct")
    try:
        services.daystatus_correct(actor=request.user, day=day, status=request.POST.get("status", ""),
                                   reason=request.POST.get("reason", ""), upload=request.FILES.get("file"))
        messages.success(request, "考勤已更正并记录")
    except ValidationError as exc:
        messages.error(request, _msg(exc))
    org = queries.default_org(request.user, "attendance.correct")
    return redirect(f"{reverse('attendance:sheet')}?org={org.pk if org else ''}&date={day.date}")


@login_required
@require_POST
@guarded
def evidence(request: HttpRequest) -> HttpResponse:
    person = access_person(request.user, request.POST.get("person") or request.user.person_id, "attendance.view")
    try:
        start = _date(request.POST.get("start"), field="start")
        end = _date(request.POST.get("end"), start, field="end")
        if "file" not in request.FILES:
            raise ValidationError({"file": "请上传会议通知或领导安排的文件"})
        services.evidence_add(actor=request.user, person=person, kind=request.POST.get("kind", ""), start=start,
                              end=end, upload=request.FILES["file"], note=request.POST.get("note", ""))
        messages.success(request, "证明材料已上传")
    except ValidationError as exc:
        messages.error(request, _msg(exc))
    nxt = request.POST.get("next") or ""
    safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return redirect(nxt if nxt and safe else reverse("attendance:signin"))


# --- monthly statistics (ATT-05) --------------------------------------------------------------
def _monthly(request: HttpRequest) -> queries.MonthlyStats:
    org = queries.scoped_org(request.user, request.GET.get("org"), "attendance.view")
    return queries.monthly_stats(org=org, month=_month(request.GET.get("month")))


@login_required
@guarded
def monthly(request: HttpRequest) -> HttpResponse:
    stats = _monthly(request)
    return render(request, "attendance/monthly.html", {
        "stats": stats, "org": stats.org, "month": f"{stats.month:%Y-%m}", "rows_html": _rows_html(stats),
        "can_publish": has_perm(request.user, "notices.publish", stats.org.path)})


def _rows_html(stats: queries.MonthlyStats) -> str:
    """The per-person table body. A county has thousands of rows: joined in Python (names
    escaped) it renders in a few milliseconds, where the template loop took ~200 ms."""
    num = '<td class="num">'
    return mark_safe("".join(  # noqa: S308 - every text cell is escaped; the rest are numbers
        f"<tr><td>{escape(r.name)}</td><td>{escape(r.org_name)}</td>{num}{r.days}</td>{num}{r.present}</td>"
        f"{num}{r.leave}</td>{num}{r.trip}</td>{num}{r.meeting}</td>{num}{r.absent}</td>{num}{r.deduction}</td>"
        f"{num}{r.half_absent}</td>{num}{r.half_deduction}</td></tr>" for r in stats.rows))


HEADERS = ["姓名", "单位", "应出勤(天)", "出勤", "请假", "出差", "开会", "缺勤", "扣款(元)", "半年累计缺勤", "半年累计扣款(元)"]


def _table(stats: queries.MonthlyStats) -> list[list[Any]]:
    return [[r.name, r.org_name, r.days, r.present, r.leave, r.trip, r.meeting, r.absent, r.deduction,
             r.half_absent, r.half_deduction] for r in stats.rows]


MONEY = ["扣款(元)", "半年累计扣款(元)"]
TOTALS = ["应出勤(天)", "出勤", "请假", "出差", "开会", "缺勤", "扣款(元)", "半年累计缺勤", "半年累计扣款(元)"]


@login_required
@guarded
def monthly_xlsx(request: HttpRequest) -> HttpResponse:
    stats = _monthly(request)
    data = xlsx_bytes([(f"{stats.month:%Y-%m}考勤", HEADERS, _table(stats))],
                      note=f"{stats.org.name} {stats.month:%Y年%m月} 考勤统计　依据：{stats.policy_ref}",
                      money_columns=MONEY, total_columns=TOTALS)
    return xlsx_response(data, f"{stats.org.name}{stats.month:%Y年%m月}考勤.xlsx")


@login_required
@guarded
def monthly_pdf(request: HttpRequest) -> HttpResponse:
    stats = _monthly(request)
    try:
        data = render_pdf("attendance/monthly_pdf.html", {
            "stats": stats, "headers": HEADERS, "rows": _table(stats), "printed": timezone.localtime(),
            "head": audit_head(chain_for(stats.org.path))})
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(data, f"{stats.org.name}{stats.month:%Y年%m月}考勤登记表.pdf")


@login_required
@require_POST
@guarded
def monthly_publish(request: HttpRequest) -> HttpResponse:
    org = queries.scoped_org(request.user, request.POST.get("org"), "notices.publish")
    try:
        month = _month(request.POST.get("month"))
        if request.POST.get("confirm") != "1":
            return _confirm(request, title=f"发布{month:%Y年%m月}考勤公示",
                            lines=[services.monthly_publish_plan(org=org, month=month)],
                            back=f"{reverse('attendance:monthly')}?org={org.pk}&month={month:%Y-%m}")
        version = services.monthly_publish(actor=request.user, org=org, month=month)
        messages.success(request, f"已发布公示（第 {version.version} 版）")
    except ValidationError as exc:
        messages.error(request, _msg(exc))
        month = services.today().replace(day=1)
    return redirect(f"{reverse('attendance:monthly')}?org={org.pk}&month={month:%Y-%m}")


# --- duty roster (DUTY-01) --------------------------------------------------------------------
@login_required
@guarded
def duty(request: HttpRequest) -> HttpResponse:
    org = queries.scoped_org(request.user, request.GET.get("org") or request.POST.get("org"), "duty.manage")
    if request.method == "POST":
        try:
            person = access_person(request.user, request.POST.get("person"), "person.view")
            services.duty_slot_add(actor=request.user, org=org, person=person,
                                   start=_dt(request.POST.get("start"), "start"), end=_dt(request.POST.get("end"), "end"))
            messages.success(request, "已排班")
        except ValidationError as exc:
            messages.error(request, _msg(exc))
        return redirect(f"{reverse('attendance:duty')}?org={org.pk}")
    now = services._now()
    gaps = services.duty_gaps_for(org=org, now=now)
    policy = services.resolve(org.path, services.today())
    slots = queries.duty_roster(org=org, start=now - timedelta(days=1),
                                end=now + timedelta(days=policy.params.duty_lookahead_days))
    people = Person.objects.filter(org_path=org.path).order_by("name")
    return render(request, "attendance/duty.html", {"org": org, "gaps": gaps, "slots": slots, "people": people,
                                                    "policy": policy})


# --- meetings (ATT-01, MTG-01, MTG-02) --------------------------------------------------------
@login_required
@guarded
def meetings(request: HttpRequest) -> HttpResponse:
    org_id = request.GET.get("org") or request.POST.get("org")
    own = queries.own_path(request.user)
    if not org_id and own and not has_perm(request.user, "attendance.view"):
        # a cadre without an office role sees his own township's sessions (to file weekly reports)
        org = Org.objects.filter(path=services.township_path(own)).first()
        if org is None:
            raise NotFound()
    else:
        org = queries.scoped_org(request.user, org_id, "attendance.view")
    if request.method == "POST":
        if not has_perm(request.user, "meeting.manage", org.path):
            raise NotFound()
        try:
            services.meeting_create(actor=request.user, org=org, kind=request.POST.get("kind", ""),
                                    title=request.POST.get("title", ""), on=_date(request.POST.get("date")))
            messages.success(request, "会议已登记")
        except ValidationError as exc:
            messages.error(request, _msg(exc))
        return redirect(f"{reverse('attendance:meetings')}?org={org.pk}")
    items = queries.meetings_list(org=org, today=services.today())
    return render(request, "attendance/meetings.html", {
        "org": org, "items": items, "kinds": MeetingKind.choices,
        "can_manage": has_perm(request.user, "meeting.manage", org.path)})


@login_required
@guarded
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = queries.access_meeting(request.user, pk)
    people = services.meeting_participants(m)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "report":
                services.weekly_report_submit(actor=request.user, meeting=m, last_work=request.POST.get("last_work", ""),
                                              plan=request.POST.get("plan", ""),
                                              suggestions=request.POST.get("suggestions", ""))
                messages.success(request, "工作周报已提交")
            else:
                if not has_perm(request.user, "meeting.manage", m.org_path):
                    raise NotFound()
                statuses = {p.pk: request.POST.get(f"p{p.pk}", "absent") for p in people}
                services.meeting_attendance_record(actor=request.user, meeting=m, statuses=statuses,
                                                   minutes=request.POST.get("minutes", ""))
                messages.success(request, "会议考勤已记录")
        except ValidationError as exc:
            messages.error(request, _msg(exc))
        return redirect("attendance:meeting", pk=m.pk)
    current = dict(MeetingAttendance.objects.filter(meeting=m).values_list("person_id", "status"))
    reports = list(m.reports.select_related("person").order_by("person__name"))
    mine = next((r for r in reports if r.person_id == request.user.person_id), None)
    # Leaders of the meeting's org see everyone; a cadre sees the meeting, his own row and report (issue 16).
    if not has_perm(request.user, "attendance.view", m.org_path):
        people = [p for p in people if p.pk == request.user.person_id]
        reports = [mine] if mine else []
    rows = [(p, current.get(p.pk, "")) for p in people]
    return render(request, "attendance/meeting.html", {
        "m": m, "rows": rows, "reports": reports, "mine": mine, "statuses": MeetingAttendance.Status.choices,
        "can_manage": has_perm(request.user, "meeting.manage", m.org_path),
        "can_report": m.kind == MeetingKind.REGULAR and request.user.person_id in {p.pk for p in people}})


# --- stationed cadres (ATT-07, ATT-08) --------------------------------------------------------
@login_required
@guarded
def stationed(request: HttpRequest) -> HttpResponse:
    org = queries.scoped_org(request.user, request.GET.get("org") or request.POST.get("org"), "attendance.view")
    try:
        month = _month(request.GET.get("month") or request.POST.get("month"))
    except ValidationError as exc:
        messages.error(request, _msg(exc))
        return redirect(f"{reverse('attendance:stationed')}?org={org.pk}")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "sign":
                services.stationed_table_sign(actor=request.user, org=org, month=month)
                messages.success(request, "已签字")
            else:
                table = StationedTable.objects.filter(org=org, month=month).first()
                if table is None:
                    raise ValidationError(services.STAMP_NEEDS_SIGNATURE)
                if action == "stamp":
                    services.stationed_table_stamp(actor=request.user, table=table)
                    messages.success(request, "已盖章")
                elif action == "file":
                    table = services.stationed_table_file(actor=request.user, table=table)
                    messages.success(request, "已报备" + ("（逾期）" if table.late else ""))
        except ValidationError as exc:
            messages.error(request, _msg(exc))
        return redirect(f"{reverse('attendance:stationed')}?org={org.pk}&month={month:%Y-%m}")
    data = queries.stationed_overview(org=org, month=month, today=services.today())
    if data["table"] is not None:
        services.stationed_table_verify(table=data["table"])
    content = services.stationed_content(org, month)
    return render(request, "attendance/stationed.html", {
        **data, "org": org, "month": f"{month:%Y-%m}", "content": content, "methods": SpotCheck.Method.choices,
        "results": SpotCheck.Result.choices,
        "can_sign": has_perm(request.user, "attendance.sign_table", org.path),
        "can_stamp": has_perm(request.user, "attendance.stamp", org.path),
        "can_check": has_perm(request.user, "attendance.spot_check", org.path)})


MARKS = {"present": "√", "leave": "假", "trip": "差", "meeting": "会", "absent": "×"}


@login_required
@guarded
def stationed_pdf(request: HttpRequest) -> HttpResponse:
    """The printed table: the seal goes on this, and only a validly signed version shows as signed."""
    org = queries.scoped_org(request.user, request.GET.get("org"), "attendance.view")
    month = _month(request.GET.get("month"))
    table = StationedTable.objects.filter(org=org, month=month).select_related("signed_by").first()
    if table is not None:
        services.stationed_table_verify(table=table)
    data = queries.stationed_overview(org=org, month=month, today=services.today())
    content = services.stationed_content(org, month)
    first, last = services.month_bounds(month)
    days = [d.isoformat() for d in work_calendar(org.path).workdays(first, last)]
    rows = []
    for r in content["rows"]:
        statuses = [r["days"].get(d, "") for d in days]
        rows.append({"name": r["name"], "cells": [MARKS.get(s, "") for s in statuses],
                     "present": sum(s in rules.COUNTS_PRESENT and s != "leave" for s in statuses),
                     "leave": statuses.count("leave"), "absent": statuses.count("absent")})
    try:
        pdf = render_pdf("attendance/stationed_pdf.html", {
            "org": org, "month": f"{month:%Y-%m}", "days": days, "rows": rows, "table": table,
            "deadline": data["deadline"], "policy": data["policy"], "printed": timezone.localtime(),
            "head": audit_head(chain_for(org.path))})
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return pdf_response(pdf, f"{org.name}{month:%Y年%m月}驻村干部考勤表.pdf")


@login_required
@require_POST
@guarded
def spot_check(request: HttpRequest) -> HttpResponse:
    person = access_person(request.user, request.POST.get("person"), "attendance.spot_check")
    try:
        services.spot_check_record(actor=request.user, person=person, method=request.POST.get("method", ""),
                                   result=request.POST.get("result", ""), note=request.POST.get("note", ""))
        messages.success(request, "抽查已记录")
    except ValidationError as exc:
        messages.error(request, _msg(exc))
    org = queries.default_org(request.user, "attendance.spot_check")
    return redirect(f"{reverse('attendance:stationed')}?org={org.pk if org else ''}")

