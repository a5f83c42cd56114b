"""Attendance rules as pure functions (ATT-03..09, DUTY-01, MTG-01, MTG-02). No ORM, no I/O.

Each takes the typed policy parameters and plain facts, and returns a decision, a status or
``Finding``s that ``cases`` turns into cases.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import date as _date
from decimal import Decimal
from typing import Any

from ganbu.core.findings import Finding
from ganbu.core.workdays import WorkCalendar

# --- Chinese messages (tests assert on these) -------------------------------------------------
SIGNIN_CLOSED = "签到已截止（{cutoff}），今日不能再签到；如有正当理由请向党政办申请更正"
SIGNIN_NOT_WORKDAY = "今天不是工作日，无需签到"
SIGNIN_STAMPED = "今日签到簿已盖章停签，不能再签到"
LOCATION_REQUIRED = "本镇要求定位签到：请允许手机定位后再签到"
OUTSIDE_GEOFENCE = "您不在办公地点附近（距离约 {distance} 米，允许 {radius} 米），签到未成功"
QR_REQUIRED = "本镇要求扫描办公室二维码签到"
QR_INVALID = "二维码已过期或无效，请重新扫描办公室显示的二维码"
OFFICE_UNLOCATED = "办公地点尚未设置坐标，无法核验定位，请联系党政办"
BAD_COORDS = "定位坐标无效（纬度 -90～90，经度 -180～180）"


# --- sign-in cut-off (ATT-03) -----------------------------------------------------------------
def signin_refusal(*, cutoff: time, local_time: time, is_workday: bool, stamped: bool) -> str | None:
    """Why a sign-in at ``local_time`` is refused, or None. The cut-off itself is still on time."""
    if not is_workday:
        return SIGNIN_NOT_WORKDAY
    if stamped:
        return SIGNIN_STAMPED
    if local_time > cutoff:
        return SIGNIN_CLOSED.format(cutoff=cutoff.strftime("%H:%M"))
    return None


# --- coordinates (ATT-09) ---------------------------------------------------------------------
_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323


def out_of_china(lat: float, lng: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    d = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + d
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + d
    dlng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """The published GCJ-02 forward transform (identity outside China)."""
    if out_of_china(lat, lng):
        return lat, lng
    dlat, dlng = _delta(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration: error below 1e-9 degrees (millimetres)."""
    if out_of_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _ in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        if abs(dlat) < 1e-10 and abs(dlng) < 1e-10:
            break
        wlat, wlng = wlat - dlat, wlng - dlng
    return wlat, wlng


def to_wgs84(lat: float, lng: float, coord_system: str) -> tuple[float, float]:
    return gcj02_to_wgs84(lat, lng) if coord_system == "gcj02" else (lat, lng)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS-84 points."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class ProofResult:
    ok: bool
    proof: str
    error: str = ""
    distance_m: float | None = None


def proof_check(params: Any, *, office: tuple[float, float] | None, lat: float | None, lng: float | None,
                coord_system: str = "wgs84", qr_ok: bool | None = None) -> ProofResult:
    """Presence proof the policy asks for (ATT-09): none, geofence or rotating QR."""
    distance = None
    if lat is not None and lng is not None:
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return ProofResult(False, "none", BAD_COORDS)
        if office is not None:
            wlat, wlng = to_wgs84(lat, lng, coord_system)
            distance = round(distance_m(office[0], office[1], wlat, wlng), 1)
    mode = params.proof_mode
    if mode == "geofence":
        if lat is None or lng is None:
            return ProofResult(False, "geofence", LOCATION_REQUIRED)
        if office is None or distance is None:
            return ProofResult(False, "geofence", OFFICE_UNLOCATED)
        if distance > params.geofence_radius_m:
            return ProofResult(False, "geofence", OUTSIDE_GEOFENCE.format(distance=int(distance),
                                                                          radius=params.geofence_radius_m), distance)
        return ProofResult(True, "geofence", "", distance)
    if mode == "qr":
        if qr_ok is None:
            return ProofResult(False, "qr", QR_REQUIRED, distance)
        if not qr_ok:
            return ProofResult(False, "qr", QR_INVALID, distance)
        return ProofResult(True, "qr", "", distance)
    return ProofResult(True, "none", "", distance)


def qr_token(secret: str, org_path: str, window: int) -> str:
    """Token shown at the office for one time window: HMAC(secret, org + window)."""
    mac = hmac.new(secret.encode(), f"attendance-qr:{org_path}:{window}".encode(), hashlib.sha256)
    return mac.hexdigest()[:12]


def qr_window(ts: float, seconds: int) -> int:
    return int(ts // seconds)


def qr_verify(secret: str, org_path: str, token: str, *, ts: float, seconds: int) -> bool:
    """Accept this window's token and the previous one (a scan just before it rotates)."""
    now = qr_window(ts, seconds)
    given = (token or "").strip().lower().encode()  # bytes: a non-ASCII scan is simply wrong, never an error
    return any(hmac.compare_digest(qr_token(secret, org_path, w).encode(), given) for w in (now, now - 1))


# --- day status (ATT-04) ----------------------------------------------------------------------
@dataclass(frozen=True)
class DayFacts:
    signed_in: bool = False
    on_leave: bool = False
    leave_kind: str = ""  # kind of the approved request: official trips/meetings are the leader's arrangement
    evidence: str = ""  # "meeting" / "trip" with evidence attached, else ""
    claimed_away: str = ""  # said meeting/trip but brought no evidence


OFFICIAL_LEAVE = {"trip": "trip", "training": "trip", "meeting": "meeting"}


def day_status(params: Any, facts: DayFacts) -> str:
    """What a working day counts as. Meeting/trip need evidence (an approved request for official
    business is the leader's arrangement); approved sick/personal leave counts as present."""
    if facts.signed_in:
        return "present"
    if facts.on_leave and facts.leave_kind in OFFICIAL_LEAVE:
        return OFFICIAL_LEAVE[facts.leave_kind]
    if facts.on_leave and params.leave_counts_present:
        return "leave"
    if facts.evidence in {"meeting", "trip"}:
        return facts.evidence
    if facts.claimed_away and not params.trip_needs_evidence:
        return facts.claimed_away
    return "absent"


COUNTS_PRESENT = {"present", "leave", "trip", "meeting"}


def deduction(params: Any, absences: int) -> Decimal:
    """ATT-05: each absence deducts the policy's amount from the subsidy wage (Decimal yuan)."""
    return (Decimal(params.deduction_per_absence) * absences).quantize(Decimal("0.01"))


# --- absenteeism (ATT-06) ---------------------------------------------------------------------
@dataclass(frozen=True)
class DayFact:
    date: date
    status: str
    workday: bool = True
    provisional: bool = False


@dataclass(frozen=True)
class Subject:
    person_id: int
    name: str
    category: str
    org_path: str


MEASURE_TEXT = {
    "dismissal": "按《公务员法》报组织部门予以辞退",
    "report_org_dept": "报组织部门，按事业单位人事管理规定处理",
    "recall": "提出罢免建议（依法启动罢免程序）",
    "removal": "提出免职建议",
}


def _reached(count: int, threshold: int, inclusive: bool) -> bool:
    return count >= threshold if inclusive else count > threshold


def absence_findings(params: Any, subject: Subject, days: Sequence[DayFact], *, policy_version_id: int | None,
                     policy_ref: str, today: date | None = None) -> list[Finding]:
    """15 consecutive working days or 30 in a year of unexcused absence → a case (ATT-06).

    ``days`` are one person's days in date order. Non-working days are skipped: they neither
    count nor break a run. The threshold is "at" or "more than" as the policy says.
    """
    measure = params.absence_measures.get(subject.category, "report_org_dept")
    rel = "达到" if params.absence_threshold_inclusive else "超过"
    due = (today + timedelta(days=params.case_due_days)) if (today and params.case_due_days) else None
    out: list[Finding] = []
    run: list[DayFact] = []
    per_year: dict[int, list[DayFact]] = {}
    fired_runs: set[date] = set()

    def check_run() -> None:
        if run and _reached(len(run), params.absence_run_days, params.absence_threshold_inclusive):
            start = run[0].date
            if start in fired_runs:
                return
            fired_runs.add(start)
            out.append(Finding(
                rule_id="ATT-06", key=f"ATT-06:run:{subject.person_id}:{start.isoformat()}",
                title=f"{subject.name}连续旷工{len(run)}个工作日（{rel}{params.absence_run_days}个），"
                      f"建议{MEASURE_TEXT.get(measure, measure)}",
                measure=measure,
                facts={"kind": "consecutive", "start": start.isoformat(), "end": run[-1].date.isoformat(),
                       "days": len(run), "threshold": params.absence_run_days,
                       "inclusive": params.absence_threshold_inclusive,
                       "dates": [d.date.isoformat() for d in run]},
                subject_person_id=subject.person_id, org_path=subject.org_path, due=due,
                policy_version_id=policy_version_id, policy_ref=policy_ref,
                provisional=any(d.provisional for d in run), acting_role="county_org",
            ))

    for day in sorted(days, key=lambda d: d.date):
        if not day.workday:
            continue
        if day.status == "absent":
            run.append(day)
            per_year.setdefault(day.date.year, []).append(day)
            check_run()
        else:
            run = []
    for year, absences in sorted(per_year.items()):
        if _reached(len(absences), params.absence_year_days, params.absence_threshold_inclusive):
            hit = absences[: params.absence_year_days + (0 if params.absence_threshold_inclusive else 1)]
            out.append(Finding(
                rule_id="ATT-06", key=f"ATT-06:year:{subject.person_id}:{year}",
                title=f"{subject.name}{year}年累计旷工{len(absences)}个工作日（{rel}{params.absence_year_days}个），"
                      f"建议{MEASURE_TEXT.get(measure, measure)}",
                measure=measure,
                facts={"kind": "year", "year": year, "days": len(absences), "threshold": params.absence_year_days,
                       "inclusive": params.absence_threshold_inclusive,
                       "dates": [d.date.isoformat() for d in absences]},
                subject_person_id=subject.person_id, org_path=subject.org_path, due=due,
                policy_version_id=policy_version_id, policy_ref=policy_ref,
                provisional=any(d.provisional for d in hit), acting_role="county_org",
            ))
    return out


# --- stationed cadres' monthly table (ATT-07, ATT-08) ------------------------------------------
def canonical_hash(content: Any) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def filing_deadline(cal: WorkCalendar, params: Any, month: date) -> date:
    """The n-th working day of the month after ``month`` (S4: 次月第5个工作日前)."""
    nxt = date(month.year + (month.month // 12), month.month % 12 + 1, 1)
    return cal.nth_workday_of_month(nxt.year, nxt.month, params.stationed_filing_workday)


def filing_late(params: Any, deadline: date, filed_on: date | None, today: date) -> bool:
    """Late when filed after the deadline, or not filed and the deadline has passed."""
    when = filed_on or today
    if filed_on is None and when <= deadline:
        return False
    return when > deadline if params.stationed_filing_inclusive else when >= deadline


def spot_check_gaps(params: Any, person_ids: Iterable[int], checks_per_person: dict[int, int]) -> list[int]:
    """People checked fewer times this month than the policy asks (ATT-08)."""
    need = params.spot_checks_per_month
    return [p for p in person_ids if checks_per_person.get(p, 0) < need]


# --- duty roster (DUTY-01) --------------------------------------------------------------------
def duty_gaps(slots: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Uncovered stretches of ``[start, end)`` given the roster's slots."""
    gaps: list[tuple[datetime, datetime]] = []
    cursor = start
    for s, e in sorted(slots):
        if e <= cursor:
            continue
        if s > cursor:
            gaps.append((cursor, min(s, end)))
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return [(a, b) for a, b in gaps if b > a]


# --- meetings (MTG-01, MTG-02) ----------------------------------------------------------------
@dataclass(frozen=True)
class PlannedMeeting:
    kind: str
    date: _date
    title: str
    due: _date | None = None


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    day = date(year, month, 1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return day + timedelta(weeks=nth - 1)


def meeting_plan(params: Any, cal: WorkCalendar, start: date, end: date) -> list[PlannedMeeting]:
    """Sessions due in ``[start, end]``: the regular meeting every other Monday (anchored on the
    year's first such weekday), the monthly study on the first Tuesday (moved to the next working
    day if that is a holiday), and one democratic life meeting per half year (due by its end)."""
    out: list[PlannedMeeting] = []
    for year in range(start.year, end.year + 1):
        first = _nth_weekday(year, 1, params.regular_meeting_weekday, 1)
        day = first
        while day.year == year:
            if start <= day <= end:
                held = cal.next_workday_on_or_after(day)
                out.append(PlannedMeeting("regular", held, f"{held:%m月%d日}例会（工作周报）"))
            day += timedelta(weeks=params.regular_meeting_every_weeks)
        for month in range(1, 13):
            planned = cal.next_workday_on_or_after(_nth_weekday(year, month, params.study_weekday, params.study_nth))
            if start <= planned <= end:
                out.append(PlannedMeeting("study", planned, f"{year}年{month}月专题学习"))
        step = params.democratic_life_months
        for first_month in range(1, 13, step):
            last_month = first_month + step - 1
            period_end = date(year + last_month // 12, last_month % 12 + 1, 1) - timedelta(days=1)
            period_start = date(year, first_month, 1)
            if period_start <= end and period_end >= start:
                by = period_end
                while not cal.is_workday(by):
                    by -= timedelta(days=1)
                out.append(PlannedMeeting("democratic_life", by, f"{year}年{first_month}-{last_month}月民主生活会",
                                          due=period_end))
    return sorted(out, key=lambda m: (m.date, m.kind))
