"""Every attendance write: one named function, one transaction, one audit row (ATT, DUTY, MTG)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from ganbu.attendance import rules
from ganbu.attendance.models import (
    Correction,
    CorrectionRequest,
    DaySheet,
    DayStatus,
    DayStatusKind,
    DutySlot,
    Evidence,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MonthTally,
    Proof,
    SignIn,
    SpotCheck,
    StationedTable,
    WeeklyReport,
)
from ganbu.core.access import has_perm
from ganbu.core.attachments import attachment_store
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.calendar import work_calendar
from ganbu.core.notify import notify, users_with_role
from ganbu.core.policy import PolicyMissing, ResolvedPolicy, policy_resolve
from ganbu.core.recusal import RECUSED, is_subject
from ganbu.org.models import STATIONED_TITLES, Org, Person, Post, User

NOT_ALLOWED = "您没有权限办理此事项"
PROXY_NEEDS_AUTHORISER = "代签须经主要领导（镇党委书记或镇长）授权，请选择授权领导"
PROXY_BAD_AUTHORISER = "所选授权人不是本镇主要领导，不能授权代签"
REASON_REQUIRED = "更正考勤必须填写理由"
BAD_STATUS = "考勤状态无效"
NOT_CLOSED = "该日尚未日结，没有可更正的考勤记录"
EVIDENCE_DATES = "证明材料的结束日期不能早于开始日期"
EVIDENCE_KIND = "证明类型只能是会议通知或领导安排出差"
STAMP_NEEDS_SIGNATURE = "考勤表须经镇党委书记有效签字后才能盖章（签字后内容有变动的，须重新签字）"
FILE_NEEDS_STAMP = "考勤表须签字、盖章后才能报备"
TABLE_EMPTY = "本月没有驻村干部的日考勤记录，无法签署"
NOT_STATIONED = "抽查对象不是在任的驻村干部"
BAD_METHOD = "抽查方式不在细则允许的范围内"
BAD_RESULT = "抽查结果无效"
DUTY_ORDER = "值班结束时间必须晚于开始时间"
DUTY_PERSON = "值班人员必须是本镇干部"
REPORT_REQUIRED = "工作周报须填写上期工作和本周计划"
REPORT_NOT_REGULAR = "只有隔周例会需要提交工作周报"
MEETING_TITLE = "请填写会议名称"
MEETING_KIND = "会议类别无效"
MEETING_PERSON = "参会人员不属于本镇"
CLOSE_FUTURE = "不能对尚未到来的日期日结"
CR_NOT_WORKDAY = "补签日期不是工作日，无需补签"
CR_FUTURE = "不能为今天以后的日期申请补签"
CR_REASON = "请填写补签理由"
CR_DUPLICATE = "该日已有待审核的补签申请"
CR_ALREADY_PRESENT = "该日已记为出勤，无需补签"
CR_CAP = "本月补签申请已达上限（每月 {cap} 次，细则规定），如确有需要请联系党政办"
CR_DONE = "该补签申请已处理"
CR_NOTE_REQUIRED = "不同意时请填写意见"
CR_BAD_STATUS = "补签只能申请记为出勤、开会或出差"
NO_POLICY = "本镇在该日期没有施行中的考勤细则，请先在「细则设置」中施行"


TOO_LONG = "{label}最多 {n} 字（现有 {m} 字）"


def _limit(value: str | None, n: int, label: str, field: str) -> str:
    """Refuse (never truncate, never a database error) text longer than its column allows."""
    text = (value or "").strip()
    if len(text) > n:
        raise AttendanceError(TOO_LONG.format(label=label, n=n, m=len(text)), field)
    return text


class AttendanceError(ValidationError):
    """A refusal with one Chinese message (and, where it helps, the field it concerns)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__({field: message} if field else message)
        self.text = message


def _now() -> datetime:
    """The clock services use (one place, so tests and demos can pin it)."""
    return timezone.now()


def today() -> date:
    return timezone.localtime(_now()).date()


def township_path(path: str) -> str:
    """The township (or sub-district) a path belongs to: its first 9 digits on the tree."""
    return path[:9] if path[:1].isdigit() else path


def resolve(org_path: str, on: date) -> ResolvedPolicy[Any]:
    try:
        return policy_resolve("attendance", township_path(org_path), on)
    except PolicyMissing:
        raise AttendanceError(NO_POLICY) from None


def _office_point(person: Person) -> tuple[float, float] | None:
    org: Org | None = person.org
    while org is not None:
        if org.latitude is not None and org.longitude is not None:
            return float(org.latitude), float(org.longitude)
        org = org.parent
    return None


def _stamped(org_path: str, on: date) -> bool:
    return DaySheet.objects.filter(org_path=township_path(org_path), date=on, stamped_at__isnull=False).exists()


def _insert_signin(sign: SignIn, actor: Any, action: str) -> tuple[SignIn, bool]:
    """Insert once; a second tap (or a race) finds the first row instead of a second one."""
    try:
        with transaction.atomic():
            sign.save(force_insert=True)
            audit_record(actor=actor, action=action, object_type="signin", object_id=sign.pk,
                         org_path=sign.org_path, after=snapshot(sign))
    except IntegrityError:
        return SignIn.objects.get(person_id=sign.person_id, date=sign.date), False
    return sign, True


def signin_state(*, person: Person, at: datetime | None = None) -> str | None:
    """Why a sign-in tapped now would be refused (ATT-03): not a working day, sheet stamped, or
    after the cut-off; None when the button may be used. The page shows it before the tap; the
    sign-in itself applies the same rule."""
    at = at or _now()
    local = timezone.localtime(at)
    policy = resolve(person.org_path, local.date())
    return rules.signin_refusal(cutoff=policy.params.signin_cutoff, local_time=local.time(),
                                is_workday=work_calendar(person.org_path).is_workday(local.date()),
                                stamped=_stamped(person.org_path, local.date()))


def signin_record(*, actor: Any, person: Person, at: datetime | None = None, lat: float | None = None,
                  lng: float | None = None, coord_system: str = "wgs84", qr_token: str | None = None
                  ) -> tuple[SignIn, bool]:
    """A cadre signs in himself (ATT-01..03, ATT-09). Returns (record, created)."""
    if getattr(actor, "person_id", None) != person.pk:
        raise AttendanceError(NOT_ALLOWED)
    at = at or _now()
    local = timezone.localtime(at)
    day = local.date()
    policy = resolve(person.org_path, day)
    cal = work_calendar(person.org_path)
    refusal = rules.signin_refusal(cutoff=policy.params.signin_cutoff, local_time=local.time(),
                                   is_workday=cal.is_workday(day), stamped=_stamped(person.org_path, day))
    if refusal:
        # A cadre who already signed in today gets his record back, even after the cut-off.
        existing = SignIn.objects.filter(person=person, date=day).first()
        if existing:
            return existing, False
        raise AttendanceError(refusal)
    qr_ok = None
    if qr_token:
        qr_ok = rules.qr_verify(settings.SECRET_KEY, person.org_path, qr_token, ts=at.timestamp(),
                                seconds=policy.params.qr_window_seconds)
    proof = rules.proof_check(policy.params, office=_office_point(person) if lat is not None else None, lat=lat, lng=lng,
                              coord_system=coord_system or "wgs84", qr_ok=qr_ok)
    if not proof.ok:
        existing = SignIn.objects.filter(person=person, date=day).first()
        if existing:
            return existing, False
        raise AttendanceError(proof.error, "location" if proof.proof == "geofence" else None)
    sign = SignIn(person=person, date=day, at=at, org_path=person.org_path, latitude=lat, longitude=lng,
                  coord_system=(coord_system or "wgs84") if lat is not None else "", distance_m=proof.distance_m,
                  proof=proof.proof)
    return _insert_signin(sign, actor, "attendance.signin")


def principal_leaders(org_path: str) -> list[User]:
    """Users who may authorise a proxy sign-in (ATT-02): the township's secretary and head."""
    tp = township_path(org_path)
    return list(User.objects.filter(grants__role__in=["township_secretary", "township_head"],
                                    grants__org__path=tp, is_active=True).distinct().order_by("id"))


def signin_proxy(*, actor: Any, person: Person, authorised_by: Any, at: datetime | None = None
                 ) -> tuple[SignIn, bool]:
    """The office signs for a cadre on a principal leader's authorisation (代签, ATT-02)."""
    if not has_perm(actor, "attendance.sign_for", person.org_path):
        raise AttendanceError(NOT_ALLOWED)
    if authorised_by is None:
        raise AttendanceError(PROXY_NEEDS_AUTHORISER, "authorised_by")
    if authorised_by.pk not in {u.pk for u in principal_leaders(person.org_path)}:
        raise AttendanceError(PROXY_BAD_AUTHORISER, "authorised_by")
    at = at or _now()
    local = timezone.localtime(at)
    day = local.date()
    existing = SignIn.objects.filter(person=person, date=day).first()
    if existing:
        return existing, False
    policy = resolve(person.org_path, day)
    refusal = rules.signin_refusal(cutoff=policy.params.signin_cutoff, local_time=local.time(),
                                   is_workday=work_calendar(person.org_path).is_workday(day),
                                   stamped=_stamped(person.org_path, day))
    if refusal:
        raise AttendanceError(refusal)
    sign = SignIn(person=person, date=day, at=at, org_path=person.org_path, proof=Proof.PROXY, proxy_by=actor,
                  authorised_by=authorised_by)
    return _insert_signin(sign, actor, "attendance.signin_proxy")


@transaction.atomic
def daysheet_stamp(*, actor: Any, org: Org, on: date) -> DaySheet:
    """The office head stamps the day's sheet (盖章停签): sign-ins stop; later changes are corrections."""
    if not has_perm(actor, "attendance.stamp", org.path):
        raise AttendanceError(NOT_ALLOWED)
    sheet, _ = DaySheet.objects.get_or_create(org=org, date=on, defaults={"org_path": org.path})
    sheet = DaySheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.stamped_at:
        return sheet
    before = snapshot(sheet)
    sheet.stamped_by = actor
    sheet.stamped_at = _now()
    sheet.save(update_fields=["stamped_by", "stamped_at"])
    audit_record(actor=actor, action="attendance.stamp", object_type="daysheet", object_id=sheet.pk,
                 org_path=org.path, before=before, after=snapshot(sheet))
    return sheet


def _daily_posts(params: Any, org_path: str, on: date) -> Any:
    titles = list(params.daily_titles) + (list(STATIONED_TITLES) if params.stationed_daily else [])
    return Post.objects.filter(org__path__startswith=org_path, start__lte=on, title__in=titles).filter(
        Q(end__isnull=True) | Q(end__gte=on))


def _day_rows(org: Org, on: date, policy: ResolvedPolicy[Any]) -> tuple[list[DayStatus], set[int]]:
    """The DayStatus rows a close of ``on`` writes (unsaved), and who was corrected by hand (kept)."""
    params = policy.params
    cal = work_calendar(org.path)
    posts = _daily_posts(params, org.path, on)
    stationed_posts = Post.objects.filter(person=OuterRef("pk"), title__in=list(STATIONED_TITLES),
                                          start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    evidence = Evidence.objects.filter(person=OuterRef("pk"), start__lte=on, end__gte=on).order_by("kind")
    # The daily cadres first, then their facts: by a list of ids, not a subquery, PostgreSQL
    # plans the per-person probes for the few hundred there are rather than for every post
    # in the table (a hashed scan of the day's sign-ins and JIT compilation, ~0.1 s a county).
    daily = list(posts.order_by().values_list("person_id", flat=True).distinct())
    people = (Person.objects.filter(pk__in=daily)
              .annotate(signed=Exists(SignIn.objects.filter(person=OuterRef("pk"), date=on)),
                        ev=Subquery(evidence.values("kind")[:1]), stn=Exists(stationed_posts))
              .values_list("pk", "org_path", "signed", "ev", "stn"))
    on_leave = _leave_person_ids(org.path, on)
    corrected = set(DayStatus.objects.filter(date=on, org_path__startswith=org.path, corrected=True)
                    .values_list("person_id", flat=True))
    provisional = cal.is_provisional(on)
    rows = []
    for pid, path, signed, ev, stn in people:
        if pid in corrected:
            continue
        status = rules.day_status(params, rules.DayFacts(signed_in=signed, on_leave=pid in on_leave,
                                                         leave_kind=on_leave.get(pid, ""), evidence=ev or ""))
        rows.append(DayStatus(person_id=pid, date=on, status=status, org_path=path, county=path[:6],
                              stationed=stn, policy_version_id=policy.version_id, policy_ref=policy.ref,
                              provisional=provisional))
    return rows, corrected


def day_close_plan(*, org: Org, on: date) -> str:
    """Read-only: what closing the day will record, computed by the rows the close itself writes,
    e.g. "13 人将记为缺勤，扣款合计 260 元"."""
    if on > today():
        raise AttendanceError(CLOSE_FUTURE, "date")
    if not work_calendar(org.path).is_workday(on):
        return f"{on:%m月%d日}不是工作日，日结不记录任何考勤。"
    policy = resolve(org.path, on)
    rows, corrected = _day_rows(org, on, policy)
    absent = sum(r.status == DayStatusKind.ABSENT for r in rows)
    labels = dict(DayStatusKind.choices)
    counts = "，".join(f"{labels[k]} {n} 人" for k in DayStatusKind.values
                      if (n := sum(r.status == k for r in rows)) and k != DayStatusKind.ABSENT)
    again = "（已日结过：重新计算，手工更正的不变）" if DaySheet.objects.filter(
        org=org, date=on, closed_at__isnull=False).exists() else ""
    text = (f"将日结 {on:%Y年%m月%d日}{again}：{len(rows)} 人，{counts or '无人出勤'}；"
            f"{absent} 人将记为缺勤，扣款合计 {rules.deduction(policy.params, absent)} 元")
    if corrected:
        text += f"；{len(corrected)} 人已手工更正，保持不变"
    stationed = sum(r.status == DayStatusKind.ABSENT and r.stationed for r in rows)
    if stationed:
        text += f"；其中驻村干部 {stationed} 人无假不在岗，将按旷工处理并在全县通报"
    return text + "。"


def daysheet_stamp_plan(*, org: Org, on: date) -> str:
    """Read-only: what stamping the sheet (盖章停签) will freeze."""
    policy = resolve(org.path, on)
    expected = set(_daily_posts(policy.params, org.path, on).values_list("person_id", flat=True))
    signed = set(SignIn.objects.filter(org_path__startswith=org.path, date=on).values_list("person_id", flat=True))
    missing = len(expected - signed)
    return (f"盖章停签后 {on:%m月%d日} 不能再签到：已签到 {len(expected & signed)} 人，未签到 {missing} 人；"
            "此后的改动只能由授权人员更正并说明理由。")


def day_close(*, actor: Any, org: Org, on: date) -> DaySheet:
    """Write one DayStatus per cadre who signs in daily, in bulk (ATT-04), then check ATT-06 and
    LV-07 (a stationed cadre away without leave).

    Idempotent: closing again recomputes every row not corrected by hand; a non-working day
    writes nothing.
    """
    if actor is not None and not has_perm(actor, "attendance.stamp", org.path):
        raise AttendanceError(NOT_ALLOWED)
    if on > today():
        raise AttendanceError(CLOSE_FUTURE, "date")
    cal = work_calendar(org.path)
    policy = resolve(org.path, on)
    with transaction.atomic():
        sheet, _ = DaySheet.objects.get_or_create(org=org, date=on, defaults={"org_path": org.path})
        sheet = DaySheet.objects.select_for_update().get(pk=sheet.pk)
        if not cal.is_workday(on):
            return sheet
        rows, corrected = _day_rows(org, on, policy)
        DayStatus.objects.bulk_create(
            rows, batch_size=1000, update_conflicts=True, unique_fields=["person", "date"],
            update_fields=["status", "org_path", "county", "stationed", "policy_version", "policy_ref", "provisional"],
        )
        before = snapshot(sheet)
        sheet.closed_at = _now()
        sheet.rows = len(rows) + len(corrected)
        sheet.policy_version_id = policy.version_id
        sheet.policy_ref = policy.ref
        sheet.save(update_fields=["closed_at", "rows", "policy_version", "policy_ref"])
        audit_record(actor=actor, action="attendance.day_close", object_type="daysheet", object_id=sheet.pk,
                     org_path=org.path, before=before, after=snapshot(sheet))
        if rows:  # only their day rows changed: nobody else's month needs recounting
            tally_refresh(org_path=org.path, month=on, person_ids=[r.person_id for r in rows])
    absent = [r.person_id for r in rows if r.status == DayStatusKind.ABSENT]
    if absent:
        absence_evaluate(person_ids=absent, on=on, actor=actor)
        _report_unexcused([r.person_id for r in rows if r.status == DayStatusKind.ABSENT and r.stationed], on, actor)
    return sheet


def _report_unexcused(person_ids: list[int], on: date, actor: Any) -> int:
    """LV-07's other path: a stationed cadre away on a working day with no approved leave (the day
    closed absent: no sign-in, no leave, no evidence) is absenteeism, circulated county-wide."""
    if not person_ids:
        return 0
    try:
        from ganbu.leave.services import leave_report_unexcused
    except ImportError:  # leave app not installed
        return 0
    opened = 0
    for person in Person.objects.filter(pk__in=person_ids).order_by("pk"):
        try:
            opened += leave_report_unexcused(actor=actor, person=person, days_away=[on])
        except PolicyMissing:
            continue
    return opened


def tally_refresh(*, org_path: str, month: date, person_ids: list[int] | None = None) -> int:
    """Recount ``MonthTally`` for a subtree's month (or some people) from ``DayStatus``: one GROUP BY
    and one bulk upsert, called by every write that changes day rows."""
    first, last = month_bounds(month)
    qs = DayStatus.objects.filter(org_path__startswith=org_path, date__range=(first, last))
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    agg = {s: Count("id", filter=Q(status=s)) for s in DayStatusKind.values}
    rows = [MonthTally(person_id=r["person_id"], month=first, org_path=r["path"], county=r["path"][:6],
                       days=r["days"], **{s: r[s] for s in DayStatusKind.values})
            for r in qs.values("person_id").annotate(path=Max("org_path"), days=Count("id"), **agg).order_by()]
    MonthTally.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["person", "month"],
                                   update_fields=["org_path", "county", "days", *DayStatusKind.values])
    return len(rows)


def _leave_person_ids(org_path: str, on: date) -> dict[int, str]:
    """Who is on approved leave that day, and its kind (ATT-04), from the leave app."""
    try:
        from ganbu.leave.queries import approved_leave_spans
    except ImportError:  # leave app not installed
        return {}
    return {s.person_id: s.kind for s in approved_leave_spans(start=on, end=on, org_path_prefix=org_path)}


def _absence_facts(person_ids: list[int], since: date, on: date, need: int) -> dict[int, list[rules.DayFact]]:
    """What ATT-06 needs of these people's days from ``since`` to ``on``: their absences, and before
    an absence the last day in between that was not one, which ends a run. Any other day changes
    nothing the rule finds, so it is not read: one query over absent rows for everybody, with an
    index probe each for the day that broke the run. People with fewer than ``need`` absences
    cannot reach a threshold and are left out.
    """
    in_range = DayStatus.objects.filter(date__gte=since, date__lte=on)
    gap = (in_range.filter(person_id=OuterRef("person_id"), date__lt=OuterRef("date"))
           .exclude(status=DayStatusKind.ABSENT).order_by("-date"))
    rows = (in_range.filter(person_id__in=person_ids, status=DayStatusKind.ABSENT)
            .annotate(gap_date=Subquery(gap.values("date")[:1]), gap_status=Subquery(gap.values("status")[:1]))
            .order_by("person_id", "date").values_list("person_id", "date", "provisional", "gap_date", "gap_status"))
    days: dict[int, list[rules.DayFact]] = {}
    for pid, d, provisional, gap_date, gap_status in rows:
        facts = days.setdefault(pid, [])
        if gap_date is not None and (not facts or gap_date > facts[-1].date):
            facts.append(rules.DayFact(gap_date, gap_status))  # (only an absence's provisional flag counts)
        facts.append(rules.DayFact(d, DayStatusKind.ABSENT, True, provisional))
    return {pid: facts for pid, facts in days.items()
            if sum(f.status == DayStatusKind.ABSENT for f in facts) >= need}


def absence_evaluate(*, person_ids: list[int], on: date, actor: Any = None) -> list[Any]:
    """Run ATT-06 for these people over their days since the start of last year; open cases once."""
    from ganbu.cases.models import Case
    from ganbu.cases.services import case_open_from_finding

    policy = resolve(Person.objects.filter(pk=person_ids[0]).values_list("org_path", flat=True)[0], on)
    # only people with enough absences to reach either threshold are evaluated
    need = min(policy.params.absence_run_days, policy.params.absence_year_days)
    days = _absence_facts(person_ids, date(on.year - 1, 1, 1), on, need)
    if not days:
        return []
    findings = []
    for person in Person.objects.filter(pk__in=list(days)):
        subject = rules.Subject(person.pk, person.name, person.category, person.org_path)
        findings += rules.absence_findings(policy.params, subject, days[person.pk],
                                           policy_version_id=policy.version_id, policy_ref=policy.ref, today=on)
    # A run or year already reported is found again every day it lasts: one query skips those
    # (case_open_from_finding would return each of them unchanged, one lookup apiece).
    known = set(Case.objects.filter(key__in=[f.key for f in findings]).values_list("key", flat=True))
    opened = []
    for finding in findings:
        if finding.key not in known:
            case, created = case_open_from_finding(finding=finding, actor=actor)
            if created:
                opened.append(case)
    return opened


def daystatus_correct(*, actor: Any, day: DayStatus, status: str, reason: str, upload: Any = None) -> DayStatus:
    """An authorised person changes a closed day, with a reason (ATT-03); audited, re-checks ATT-06."""
    if not has_perm(actor, "attendance.correct", day.org_path):
        raise AttendanceError(NOT_ALLOWED)
    if is_subject(actor, day.person_id):  # 回避: nobody corrects his own day
        raise AttendanceError(RECUSED)
    if not (reason or "").strip():
        raise AttendanceError(REASON_REQUIRED, "reason")
    _limit(reason, 300, "更正理由", "reason")
    if status not in DayStatusKind.values:
        raise AttendanceError(BAD_STATUS, "status")
    with transaction.atomic():
        day = DayStatus.objects.select_for_update().get(pk=day.pk)
        before = snapshot(day)
        attachment = attachment_store(actor=actor, upload=upload, org_path=day.org_path) if upload else None
        Correction.objects.create(day=day, before=day.status, after=status, reason=reason.strip(), actor=actor,
                                  evidence=attachment)
        day.status = status
        day.corrected = True
        day.note = reason.strip()[:200]
        day.save(update_fields=["status", "corrected", "note"])
        audit_record(actor=actor, action="attendance.correct", object_type="daystatus", object_id=day.pk,
                     org_path=day.org_path, before=before, after=snapshot(day), reason=reason.strip())
        tally_refresh(org_path=day.org_path, month=day.date, person_ids=[day.person_id])
        if day.stationed:
            _void_tables(township_path(day.org_path), day.date.replace(day=1), actor,
                         f"{day.date} 考勤由 {before['status']} 更正为 {status}")
    if status == DayStatusKind.ABSENT:
        absence_evaluate(person_ids=[day.person_id], on=day.date, actor=actor)
    return day


def evidence_add(*, actor: Any, person: Person, kind: str, start: date, end: date, upload: Any,
                 note: str = "") -> Evidence:
    """Attach a meeting notice or the leader's arrangement for days away (ATT-04)."""
    own = getattr(actor, "person_id", None) == person.pk
    if not (own or has_perm(actor, "attendance.sign_for", person.org_path)):
        raise AttendanceError(NOT_ALLOWED)
    if kind not in Evidence.Kind.values:
        raise AttendanceError(EVIDENCE_KIND, "kind")
    if end < start:
        raise AttendanceError(EVIDENCE_DATES, "end")
    note = _limit(note, 200, "说明", "note")
    with transaction.atomic():
        attachment = attachment_store(actor=actor, upload=upload, org_path=person.org_path)
        ev = Evidence.objects.create(person=person, org_path=person.org_path, kind=kind, start=start, end=end,
                                     attachment=attachment, note=note[:200], created_by=actor)
        audit_record(actor=actor, action="attendance.evidence", object_type="evidence", object_id=ev.pk,
                     org_path=person.org_path, after=snapshot(ev))
    return ev


# --- monthly publication (ATT-05) -------------------------------------------------------------
def monthly_publish_plan(*, org: Org, month: date) -> str:
    """Read-only: what publishing the month will put on the public board."""
    from ganbu.attendance.queries import monthly_stats
    from ganbu.notices.models import Notice

    stats = monthly_stats(org=org, month=month)
    absent = sum(r.absent for r in stats.rows)
    total = sum((r.deduction for r in stats.rows), Decimal("0.00"))
    notice = Notice.objects.filter(key=f"attendance:{org.path}:{month:%Y-%m}").first()
    again = f"（已发布过 {notice.versions.count()} 版：将作为新版本发布）" if notice else ""
    return (f"将在公示栏公开发布{org.name}{month:%Y年%m月}考勤{again}：{len(stats.rows)} 人，缺勤合计 {absent} 次，"
            f"扣款合计 {total} 元；公示内容不含身份证号和电话，发布后冻结，更正只能发布新版本。")


def monthly_publish(*, actor: Any, org: Org, month: date) -> Any:
    """Publish the month's figures to the public board; IDs and phones are masked by notices."""
    from ganbu.attendance.queries import monthly_stats
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish

    if not has_perm(actor, "notices.publish", org.path):
        raise AttendanceError(NOT_ALLOWED)
    stats = monthly_stats(org=org, month=month)
    content = {
        "month": f"{month:%Y-%m}", "org": org.name, "policy_ref": stats.policy_ref,
        "rule": f"缺勤一次扣补助工资 {stats.rate} 元；半年累计",
        "rows": [{"name": r.name, "org": r.org_name, "present": r.present, "leave": r.leave, "trip": r.trip,
                  "meeting": r.meeting, "absent": r.absent, "deduction": str(r.deduction),
                  "half_absent": r.half_absent, "half_deduction": str(r.half_deduction)} for r in stats.rows],
    }
    return notice_publish(actor=actor, org=org, kind=NoticeKind.ATTENDANCE_MONTHLY,
                          key=f"attendance:{org.path}:{month:%Y-%m}", title=f"{org.name}{month:%Y年%m月}考勤公示",
                          content=content, period=f"{month:%Y-%m}", policy_ref=stats.policy_ref)


# --- stationed cadres (ATT-07, ATT-08) --------------------------------------------------------
def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def stationed_content(org: Org, month: date) -> dict[str, Any]:
    """The canonical content that is signed: every stationed cadre's day, in one query."""
    first, last = month_bounds(month)
    rows: dict[int, dict[str, Any]] = {}
    for pid, name, path, d, status in (DayStatus.objects.filter(org_path__startswith=org.path, stationed=True,
                                                                date__range=(first, last))
                                       .order_by("person__name", "person_id", "date")
                                       .values_list("person_id", "person__name", "org_path", "date", "status")):
        row = rows.setdefault(pid, {"person_id": pid, "name": name, "org_path": path, "days": {}})
        row["days"][d.isoformat()] = status
    return {"org": org.path, "month": f"{first:%Y-%m}", "rows": list(rows.values())}


def _void_tables(org_path: str, month: date, actor: Any, reason: str) -> int:
    tables = StationedTable.objects.filter(org_path=org_path, month=month, signed_at__isnull=False,
                                           voided_at__isnull=True)
    n = 0
    for table in tables.select_for_update():
        table.voided_at = _now()
        table.void_reason = reason[:200]
        table.save(update_fields=["voided_at", "void_reason"])
        audit_record(actor=actor, action="attendance.table_void", object_type="stationed_table", object_id=table.pk,
                     org_path=org_path, after={"void_reason": table.void_reason}, reason=reason)
        n += 1
    return n


def stationed_table_verify(*, table: StationedTable) -> bool:
    """Recompute the content hash; a signature over different content is void from now on."""
    if not table.signed_at or table.voided_at:
        return False
    current = rules.canonical_hash(stationed_content(table.org, table.month))
    if current == table.content_hash:
        return True
    with transaction.atomic():
        _void_tables(table.org_path, table.month, None, "签字后考勤内容发生变动")
    table.refresh_from_db()
    return False


def _table_for(org: Org, month: date) -> StationedTable:
    first, _ = month_bounds(month)
    policy = resolve(org.path, first)
    deadline = rules.filing_deadline(work_calendar(org.path), policy.params, first)
    table, _ = StationedTable.objects.get_or_create(
        org=org, month=first, defaults={"org_path": org.path, "deadline": deadline,
                                        "policy_version_id": policy.version_id, "policy_ref": policy.ref})
    return table


@transaction.atomic
def stationed_table_sign(*, actor: Any, org: Org, month: date) -> StationedTable:
    """The township secretary signs: signer, time, sha256 of the canonical content (ATT-07)."""
    if not has_perm(actor, "attendance.sign_table", org.path):
        raise AttendanceError(NOT_ALLOWED)
    content = stationed_content(org, month)
    if not content["rows"]:
        raise AttendanceError(TABLE_EMPTY)
    table = StationedTable.objects.select_for_update().get(pk=_table_for(org, month).pk)
    before = snapshot(table)
    table.content = content
    table.content_hash = rules.canonical_hash(content)
    table.signed_by = actor
    table.signed_at = _now()
    table.voided_at = None
    table.void_reason = ""
    table.stamped_by = None
    table.stamped_at = None
    table.save()
    audit_record(actor=actor, action="attendance.table_sign", object_type="stationed_table", object_id=table.pk,
                 org_path=org.path, before=before, after={"content_hash": table.content_hash,
                                                          "signed_at": table.signed_at})
    return table


def stationed_table_stamp(*, actor: Any, table: StationedTable) -> StationedTable:
    """The party committee's seal, only on a validly signed version."""
    if not has_perm(actor, "attendance.stamp", table.org_path):
        raise AttendanceError(NOT_ALLOWED)
    if not stationed_table_verify(table=table):
        raise AttendanceError(STAMP_NEEDS_SIGNATURE)
    with transaction.atomic():
        table = StationedTable.objects.select_for_update().get(pk=table.pk)
        table.stamped_by = actor
        table.stamped_at = _now()
        table.save(update_fields=["stamped_by", "stamped_at"])
        audit_record(actor=actor, action="attendance.table_stamp", object_type="stationed_table",
                     object_id=table.pk, org_path=table.org_path, after={"stamped_at": table.stamped_at,
                                                                        "content_hash": table.content_hash})
    return table


def stationed_table_file(*, actor: Any, table: StationedTable) -> StationedTable:
    """Filed with the county organisation department; late when after the deadline (shown)."""
    if not (has_perm(actor, "attendance.stamp", table.org_path) or has_perm(actor, "attendance.file", table.org_path)):
        raise AttendanceError(NOT_ALLOWED)
    if not stationed_table_verify(table=table) or not table.stamped_at:
        raise AttendanceError(FILE_NEEDS_STAMP)
    policy = resolve(table.org_path, table.month)
    with transaction.atomic():
        table = StationedTable.objects.select_for_update().get(pk=table.pk)
        table.filed_at = _now()
        table.late = rules.filing_late(policy.params, table.deadline, timezone.localtime(table.filed_at).date(),
                                       timezone.localdate())
        table.save(update_fields=["filed_at", "late"])
        audit_record(actor=actor, action="attendance.table_file", object_type="stationed_table", object_id=table.pk,
                     org_path=table.org_path, after={"filed_at": table.filed_at, "late": table.late})
    return table


def stationed_late_notify(*, org: Org, on: date) -> int:
    """Flag last month's table when its filing deadline has passed unfiled (ATT-07): the township's
    secretary and office and the county organisation department are told once."""
    first = (on.replace(day=1) - timedelta(days=1)).replace(day=1)
    policy = resolve(org.path, first)
    table = StationedTable.objects.filter(org=org, month=first).first()
    deadline = table.deadline if table else rules.filing_deadline(work_calendar(org.path), policy.params, first)
    filed_on = timezone.localtime(table.filed_at).date() if table and table.filed_at else None
    if filed_on or not rules.filing_late(policy.params, deadline, None, on):
        return 0
    if not DayStatus.objects.filter(org_path__startswith=org.path, stationed=True,
                                    date__range=month_bounds(first)).exists():
        return 0
    users = (users_with_role("township_secretary", org.path) + users_with_role("township_office", org.path)
             + users_with_role("county_org", org.path[:6]))
    return notify(users=users, title=f"{org.name}{first:%Y年%m月}驻村干部考勤表逾期未报备（期限 {deadline:%m月%d日}）",
                  kind="attendance", url=f"/attendance/stationed/?org={org.pk}&month={first:%Y-%m}",
                  key=f"stationed-late:{org.path}:{first:%Y-%m}")


def _is_stationed(person: Person, on: date) -> bool:
    return Post.objects.filter(person=person, title__in=list(STATIONED_TITLES), start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)).exists()


@transaction.atomic
def spot_check_record(*, actor: Any, person: Person, method: str, result: str, at: datetime | None = None,
                      note: str = "") -> SpotCheck:
    """Record a spot check of a stationed cadre and its result (ATT-08)."""
    if not has_perm(actor, "attendance.spot_check", person.org_path):
        raise AttendanceError(NOT_ALLOWED)
    at = at or _now()
    policy = resolve(person.org_path, timezone.localtime(at).date())
    if method not in policy.params.spot_check_methods or method not in SpotCheck.Method.values:
        raise AttendanceError(BAD_METHOD, "method")
    if result not in SpotCheck.Result.values:
        raise AttendanceError(BAD_RESULT, "result")
    if not _is_stationed(person, timezone.localtime(at).date()):
        raise AttendanceError(NOT_STATIONED, "person")
    note = _limit(note, 300, "说明", "note")
    check = SpotCheck.objects.create(person=person, org_path=person.org_path, at=at, method=method, result=result,
                                     note=note[:300], checker=actor)
    audit_record(actor=actor, action="attendance.spot_check", object_type="spot_check", object_id=check.pk,
                 org_path=person.org_path, after=snapshot(check))
    return check


# --- meetings (ATT-01, MTG-01, MTG-02) --------------------------------------------------------
@transaction.atomic
def meeting_create(*, actor: Any, org: Org, kind: str, title: str, on: date) -> Meeting:
    if not has_perm(actor, "meeting.manage", org.path):
        raise AttendanceError(NOT_ALLOWED)
    if kind not in MeetingKind.values:
        raise AttendanceError(MEETING_KIND, "kind")
    if not (title or "").strip():
        raise AttendanceError(MEETING_TITLE, "title")
    title = _limit(title, 200, "会议名称", "title")
    meeting = Meeting.objects.create(org=org, org_path=org.path, kind=kind, title=title.strip(), date=on,
                                     created_by=actor)
    audit_record(actor=actor, action="meeting.create", object_type="meeting", object_id=meeting.pk,
                 org_path=org.path, after=snapshot(meeting))
    return meeting


def meeting_participants(meeting: Meeting) -> list[Person]:
    """Township and village cadres in post on the day (S0: 镇村干部开会、学习逐次考勤)."""
    posts = Post.objects.filter(org__path__startswith=meeting.org_path, start__lte=meeting.date).filter(
        Q(end__isnull=True) | Q(end__gte=meeting.date))
    return list(Person.objects.filter(pk__in=Subquery(posts.values("person_id"))).order_by("org_path", "name"))


@transaction.atomic
def meeting_attendance_record(*, actor: Any, meeting: Meeting, statuses: dict[int, str], minutes: str = ""
                              ) -> Meeting:
    """Per-session attendance (逐次考勤): one row per person, re-recording replaces."""
    if not has_perm(actor, "meeting.manage", meeting.org_path):
        raise AttendanceError(NOT_ALLOWED)
    allowed = {p.pk for p in meeting_participants(meeting)}
    bad = [pid for pid in statuses if pid not in allowed]
    if bad:
        raise AttendanceError(MEETING_PERSON, "person")
    if any(s not in MeetingAttendance.Status.values for s in statuses.values()):
        raise AttendanceError(BAD_STATUS, "status")
    _limit(minutes, 20000, "会议记录", "minutes")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {"held": meeting.held, "attendance": dict(meeting.attendance.values_list("person_id", "status"))}
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=meeting, person_id=pid, status=s) for pid, s in statuses.items()],
        update_conflicts=True, unique_fields=["meeting", "person"], update_fields=["status"])
    meeting.held = True
    if minutes:
        meeting.minutes = minutes
    meeting.save(update_fields=["held", "minutes"])
    audit_record(actor=actor, action="meeting.attendance", object_type="meeting", object_id=meeting.pk,
                 org_path=meeting.org_path, before=before,
                 after={"held": True, "attendance": {str(k): v for k, v in statuses.items()}})
    return meeting


@transaction.atomic
def weekly_report_submit(*, actor: Any, meeting: Meeting, last_work: str, plan: str, suggestions: str = ""
                         ) -> WeeklyReport:
    """A township cadre's 工作周报 for a regular meeting (MTG-01): last period, this week, suggestions."""
    person_id = getattr(actor, "person_id", None)
    if not person_id or person_id not in {p.pk for p in meeting_participants(meeting)}:
        raise AttendanceError(NOT_ALLOWED)
    if meeting.kind != MeetingKind.REGULAR:
        raise AttendanceError(REPORT_NOT_REGULAR)
    _limit(last_work, 5000, "上期工作", "last_work")
    _limit(plan, 5000, "本周计划", "plan")
    _limit(suggestions, 5000, "工作建议", "suggestions")
    if not (last_work or "").strip() or not (plan or "").strip():
        raise AttendanceError(REPORT_REQUIRED, "plan" if (last_work or "").strip() else "last_work")
    report, created = WeeklyReport.objects.update_or_create(
        meeting=meeting, person_id=person_id,
        defaults={"last_work": last_work.strip(), "plan": plan.strip(), "suggestions": (suggestions or "").strip()})
    audit_record(actor=actor, action="meeting.weekly_report", object_type="weekly_report", object_id=report.pk,
                 org_path=meeting.org_path, after=snapshot(report))
    return report


def meetings_schedule(*, org: Org, today: date, actor: Any = None) -> list[Meeting]:
    """Create the upcoming regular meetings, studies and democratic life meetings (MTG-01/02) and
    tell the township's cadres once; run daily by a periodic task."""
    policy = resolve(org.path, today)
    cal = work_calendar(org.path)
    plan = rules.meeting_plan(policy.params, cal, today, today + timedelta(days=policy.params.schedule_ahead_days))
    created: list[Meeting] = []
    with transaction.atomic():
        for item in plan:
            meeting, new = Meeting.objects.get_or_create(
                org=org, kind=item.kind, date=item.date, scheduled=True,
                defaults={"org_path": org.path, "title": item.title, "due": item.due})
            if new:
                created.append(meeting)
                audit_record(actor=actor, action="meeting.schedule", object_type="meeting", object_id=meeting.pk,
                             org_path=org.path, after=snapshot(meeting))
    if created:
        posts = Post.objects.filter(org__path__startswith=org.path, start__lte=today,
                                    title__in=list(policy.params.daily_titles)).filter(
            Q(end__isnull=True) | Q(end__gte=today))  # S0: the township's own cadres (镇干部)
        users = list(User.objects.filter(person_id__in=Subquery(posts.values("person_id"))))
        users += users_with_role("township_office", org.path)
        for meeting in created:
            notify(users=users, title=f"会议安排：{meeting.title}（{meeting.date:%m月%d日}）", kind="meeting",
                   url=f"/attendance/meetings/{meeting.pk}/", key=f"meeting:{meeting.pk}")
    return created


# --- duty roster (DUTY-01) --------------------------------------------------------------------
@transaction.atomic
def duty_slot_add(*, actor: Any, org: Org, person: Person, start: datetime, end: datetime) -> DutySlot:
    if not has_perm(actor, "duty.manage", org.path):
        raise AttendanceError(NOT_ALLOWED)
    if end <= start:
        raise AttendanceError(DUTY_ORDER, "end")
    if not person.org_path.startswith(org.path):
        raise AttendanceError(DUTY_PERSON, "person")
    slot = DutySlot.objects.create(org=org, org_path=org.path, person=person, start=start, end=end, created_by=actor)
    audit_record(actor=actor, action="duty.add", object_type="duty_slot", object_id=slot.pk, org_path=org.path,
                 after=snapshot(slot))
    return slot


def duty_gaps_for(*, org: Org, now: datetime) -> list[tuple[datetime, datetime]]:
    """Uncovered stretches of the next N days (policy) of the 24-hour roster."""
    policy = resolve(org.path, timezone.localtime(now).date())
    end = now + timedelta(days=policy.params.duty_lookahead_days)
    slots = DutySlot.objects.filter(org=org, end__gt=now, start__lt=end).values_list("start", "end")
    return rules.duty_gaps(list(slots), now, end)


def duty_gaps_notify(*, org: Org, now: datetime) -> int:
    """Tell the office (and the secretary) of every gap before it happens; each gap once."""
    gaps = duty_gaps_for(org=org, now=now)
    users = users_with_role("township_office", org.path) + users_with_role("township_secretary", org.path)
    sent = 0
    for start, end in gaps:
        s, e = timezone.localtime(start), timezone.localtime(end)
        sent += notify(users=users, title=f"值班缺口：{s:%m月%d日 %H:%M} 至 {e:%m月%d日 %H:%M} 无人值班",
                       kind="duty", url="/attendance/duty/", key=f"duty-gap:{org.path}:{s:%Y%m%d%H%M}")
    return sent


# --- sign-in correction requests (补签申请, ATT-03) ----------------------------------------------
def correction_requests_used(person: Person, month: date) -> int:
    """How many correction requests the cadre has made for days of this month (refused ones count)."""
    first, last = month_bounds(month)
    return CorrectionRequest.objects.filter(person=person, date__range=(first, last)).count()


@transaction.atomic
def correction_request_submit(*, actor: Any, person: Person, day: date, reason: str, wanted: str = "present",
                              upload: Any = None) -> CorrectionRequest:
    """A cadre asks his office to correct one past working day, with a reason and evidence; the
    policy caps how many a month; the township office is told in its inbox."""
    if getattr(actor, "person_id", None) != person.pk:
        raise AttendanceError(NOT_ALLOWED)
    if day > today():
        raise AttendanceError(CR_FUTURE, "date")
    if not work_calendar(person.org_path).is_workday(day):
        raise AttendanceError(CR_NOT_WORKDAY, "date")
    if not (reason or "").strip():
        raise AttendanceError(CR_REASON, "reason")
    _limit(reason, 300, "理由", "reason")
    if wanted not in (DayStatusKind.PRESENT, DayStatusKind.MEETING, DayStatusKind.TRIP):
        raise AttendanceError(CR_BAD_STATUS, "wanted")
    policy = resolve(person.org_path, day)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # the monthly cap under a lock
    cap = policy.params.correction_requests_per_month
    if correction_requests_used(person, day) >= cap:
        raise AttendanceError(CR_CAP.format(cap=cap), "date")
    if CorrectionRequest.objects.filter(person=person, date=day, status=CorrectionRequest.Status.PENDING).exists():
        raise AttendanceError(CR_DUPLICATE, "date")
    closed = DayStatus.objects.filter(person=person, date=day).values_list("status", flat=True).first()
    if closed in rules.COUNTS_PRESENT or (closed is None and SignIn.objects.filter(person=person, date=day).exists()):
        raise AttendanceError(CR_ALREADY_PRESENT, "date")
    attachment = attachment_store(actor=actor, upload=upload, org_path=person.org_path) if upload else None
    req = CorrectionRequest.objects.create(person=person, org_path=person.org_path, date=day, wanted=wanted,
                                           reason=reason.strip(), evidence=attachment,
                                           policy_version_id=policy.version_id)
    audit_record(actor=actor, action="attendance.correction_request", object_type="correction_request",
                 object_id=req.pk, org_path=person.org_path, after=snapshot(req))
    users = users_with_role("township_office", township_path(person.org_path))
    title = f"{person.name}申请补签 {day:%m月%d日}（{req.get_wanted_display()}）"
    transaction.on_commit(lambda: notify(users=users, title=title, body=req.reason, kind="attendance",
                                         url="/attendance/corrections/", key=f"correction-request:{req.pk}"))
    return req


def correction_request_decide(*, actor: Any, request: CorrectionRequest, approve: bool, note: str = ""
                              ) -> CorrectionRequest:
    """The office approves (the day is corrected, with the request as its reason) or refuses with a
    note. Nobody decides his own request (core.recusal): it passes to another authorised person."""
    from ganbu.core.recusal import RecusalError, ensure_not_subject

    if not has_perm(actor, "attendance.correct", request.org_path):
        raise AttendanceError(NOT_ALLOWED)
    try:
        ensure_not_subject(actor, request.person_id)
    except RecusalError as exc:
        raise AttendanceError(exc.message) from None
    if not approve and not (note or "").strip():
        raise AttendanceError(CR_NOTE_REQUIRED, "note")
    with transaction.atomic():
        req = CorrectionRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
        if req.status != CorrectionRequest.Status.PENDING:
            raise AttendanceError(CR_DONE)
        before = snapshot(req)
        req.status = CorrectionRequest.Status.APPROVED if approve else CorrectionRequest.Status.REFUSED
        req.decided_by, req.decided_at, req.decision_note = actor, _now(), (note or "").strip()[:300]
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(actor=actor, action="attendance.correction_decide", object_type="correction_request",
                     object_id=req.pk, org_path=req.org_path, before=before, after=snapshot(req), reason=note)
        if approve:
            reason = f"补签申请（{req.created_at:%m月%d日}提交）已同意：{req.reason}"[:300]
            day = DayStatus.objects.filter(person=req.person, date=req.date).first()
            if day is None:  # the day is not closed yet: write it now, marked as corrected
                policy = resolve(req.org_path, req.date)
                day = DayStatus.objects.create(
                    person=req.person, date=req.date, status=DayStatusKind.ABSENT, org_path=req.org_path,
                    county=req.org_path[:6], stationed=_is_stationed(req.person, req.date),
                    policy_version_id=policy.version_id, policy_ref=policy.ref,
                    provisional=work_calendar(req.org_path).is_provisional(req.date))
            Correction.objects.create(day=day, before=day.status, after=req.wanted, reason=reason, actor=actor,
                                      evidence=req.evidence)
            day.status, day.corrected, day.note = req.wanted, True, reason[:200]
            day.save(update_fields=["status", "corrected", "note"])
            tally_refresh(org_path=day.org_path, month=day.date, person_ids=[day.person_id])
            if day.stationed:
                _void_tables(township_path(day.org_path), day.date.replace(day=1), actor, f"{day.date} 补签更正")
    users = list(User.objects.filter(person_id=req.person_id))
    verdict = "已同意" if approve else f"未同意：{req.decision_note}"
    transaction.on_commit(lambda: notify(users=users, title=f"您的补签申请（{req.date:%m月%d日}）{verdict}",
                                         kind="attendance", url="/attendance/signin/",
                                         key=f"correction-decided:{req.pk}"))
    return req


# --- proof of presence (ATT-09) ---------------------------------------------------------------
def attendance_policy_use_geofence(*, actor: Any, org: Org, on: date, radius_m: int | None = None) -> Any:
    """A township turns on the geofence for sign-in (ATT-09): a new version of its attendance policy
    with ``proof_mode = geofence`` (and the radius, if given), adopted from ``on``."""
    from ganbu.core.models import PolicyVersion
    from ganbu.core.policy import policy_adopt, policy_revise

    current = (PolicyVersion.objects.filter(org=org, module="attendance", status=PolicyVersion.Status.ADOPTED,
                                            period_start__lte=on).order_by("-period_start", "-version").first())
    values: dict[str, Any] = {"proof_mode": "geofence"}
    if radius_m is not None:
        values["geofence_radius_m"] = radius_m
    if current is None:
        raise AttendanceError(NO_POLICY)
    draft = policy_revise(actor=actor, version=current, values=values)
    return policy_adopt(actor=actor, version=draft)


def geofence_words(distance_m: float | None, radius_m: int, mode: str) -> str:
    """The office sheet's words for a sign-in's distance from the office (ATT-09)."""
    if distance_m is None:
        return "未定位"
    where = f"约 {distance_m / 1000:.1f} 公里" if distance_m >= 1000 else f"约 {int(distance_m)} 米"
    if distance_m > radius_m:
        return f"超出围栏：距办公地点{where}（允许 {radius_m} 米）" + ("" if mode == "geofence" else "，本镇未强制定位")
    return f"在围栏内（{where}）"
