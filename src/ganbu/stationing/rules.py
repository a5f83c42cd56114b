"""Pure rules for stationed cadres and reserve cadres (STN-04/05/06/14, RSV-01/02). No ORM.

Every number comes from the typed policy (``StationingParams`` / ``ReservesParams``); "N年以上" and
"N岁以下" include N (Civil Code art. 1259), "N日内" includes the N-th day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ganbu.core.findings import Finding
from ganbu.stationing.policy import ReservesParams, StationingParams

E_STAFF = "编制状态为「{status}」：须为在编在岗干部职工（不含工勤人员、临聘人员、借用人员）"
E_NOT_FULL_MEMBER = "第一书记须为中共正式党员"
E_NO_FULL_DATE = "缺少入党转正日期，无法核定党龄"
E_PARTY_YEARS = "党龄不足{n}年：{start} 转正，{due} 方满{n}年"
E_NO_WORK_DATE = "缺少参加工作时间，无法核定工作经历"
E_WORK_YEARS = "工作经历不足{n}年：{start} 参加工作，{due} 方满{n}年"
E_MEAL_OPEN = "细则尚未填写差旅费伙食补助费标准，无法计算生活补助"
STAFF_LABELS = {"established": "在编在岗", "worker": "工勤", "temporary": "临聘", "seconded": "借用",
                "none": "非编"}
FEN = Decimal("0.01")


def add_years(day: date, years: int) -> date:
    """The same calendar date ``years`` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def full_years(start: date, on: date) -> int:
    """Completed years from ``start`` to ``on`` (age, party standing, work experience)."""
    years = on.year - start.year
    return years - 1 if add_years(start, years) > on else years


@dataclass(frozen=True)
class Candidate:
    """What STN-04 looks at, taken from the person record."""

    role: Literal["first_secretary", "team_member"]
    staff_status: str
    party_member: bool
    party_full_date: date | None
    work_start_date: date | None
    rural_experience: bool = False


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...] = ()
    preferred: tuple[str, ...] = field(default_factory=tuple)


def stn_04_eligibility(policy: StationingParams, c: Candidate, on: date) -> Eligibility:
    """STN-04: may this person be sent? A refusal lists every reason; preferences are noted, not required."""
    reasons: list[str] = []
    preferred: list[str] = []
    if c.staff_status not in policy.allowed_staff_statuses:
        reasons.append(E_STAFF.format(status=STAFF_LABELS.get(c.staff_status, c.staff_status)))
    if c.role == "first_secretary":
        if policy.first_secretary_full_member and not (c.party_member and c.party_full_date):
            reasons.append(E_NOT_FULL_MEMBER if not c.party_member else E_NO_FULL_DATE)
        elif c.party_full_date and full_years(c.party_full_date, on) < policy.first_secretary_min_party_years:
            n = policy.first_secretary_min_party_years
            reasons.append(E_PARTY_YEARS.format(n=n, start=c.party_full_date, due=add_years(c.party_full_date, n)))
        n = policy.first_secretary_min_work_years
        if c.work_start_date is None:
            if n:
                reasons.append(E_NO_WORK_DATE)
        elif full_years(c.work_start_date, on) < n:
            reasons.append(E_WORK_YEARS.format(n=n, start=c.work_start_date, due=add_years(c.work_start_date, n)))
    elif policy.team_member_party_preferred and c.party_member:
        preferred.append("中共党员（优先选派）")
    if policy.rural_experience_preferred and c.rural_experience:
        preferred.append("有农村工作经验（优先）")
    return Eligibility(eligible=not reasons, reasons=tuple(reasons), preferred=tuple(preferred))


def stn_05_term_end(policy: StationingParams, start: date) -> date:
    """STN-05: the earliest end of a term (at least ``term_min_years`` years)."""
    return add_years(start, policy.term_min_years) - timedelta(days=1)


def stn_05_report_deadline(policy: StationingParams, approved_on: date) -> date:
    """STN-05: the replacement reports to the village within N days of the written approval (day N included)."""
    return approved_on + timedelta(days=policy.replacement_report_days)


def stn_06_may_leave_from(policy: StationingParams, handover_start: date) -> date:
    """STN-06: the outgoing cadre leaves only after the handover period ends (the first day after it)."""
    return handover_start + timedelta(days=policy.handover_days)


def stn_05_term_error(policy: StationingParams, start: date, end: date) -> str | None:
    """STN-05: a term lasts at least ``term_min_years`` years (the end date is shown and checked)."""
    earliest = stn_05_term_end(policy, start)
    if end < earliest:
        return f"任期不少于{policy.term_min_years}年：自{start}起，任期止不得早于{earliest}"
    return None


def stn_05_rotation_due(policy: StationingParams, term_end: date, on: date) -> bool:
    """STN-05: the cadre is listed for rotation from N months before his term ends."""
    m = term_end.month - policy.rotation_notice_months
    year = term_end.year + (m - 1) // 12
    month = (m - 1) % 12 + 1
    try:
        listed_from = term_end.replace(year=year, month=month)
    except ValueError:
        listed_from = date(year, month, 28)
    return on >= listed_from


def stn_05_reported_late(policy: StationingParams, approved_on: date, reported_on: date) -> bool:
    """STN-05: reporting after day N from the written approval is late (day N itself is in time)."""
    return reported_on > stn_05_report_deadline(policy, approved_on)


def stn_06_handover(policy: StationingParams, start: date) -> tuple[date, date]:
    """STN-06: the handover period from the replacement's first day: ``handover_days`` days, both posted."""
    return start, start + timedelta(days=max(policy.handover_days, 1) - 1)


def stn_14_living_allowance(policy: StationingParams, workdays_in_village: int) -> Decimal:
    """STN-14: living allowance for working days in the village = meal standard × ratio × days, to the fen."""
    if policy.meal_allowance_per_day is None:
        raise ValueError(E_MEAL_OPEN)
    per_day = Decimal(policy.meal_allowance_per_day) * Decimal(policy.living_allowance_ratio)
    return (per_day * workdays_in_village).quantize(FEN, rounding=ROUND_HALF_UP)


# --- reserves (RSV-01, RSV-02) ----------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMember:
    birth_date: date | None
    gender: str  # "M" | "F"
    reserve: bool = False  # a reserve cadre (后备干部) rather than a sitting team member


def _within(age: int, limit: int, inclusive: bool) -> bool:
    return age <= limit if inclusive else age < limit


def rsv_02_shortfalls(policy: ReservesParams, members: Iterable[TeamMember], on: date) -> list[str]:
    """RSV-02: what a village team lacks: ≥2 aged 45 or under, ≥1 aged 35 or under, ≥1 woman among reserves."""
    people = list(members)
    team = [m for m in people if not m.reserve and m.birth_date]
    young = sum(1 for m in team if _within(full_years(m.birth_date, on), policy.young_age,  # type: ignore[arg-type,misc]
                                            policy.age_limit_inclusive))
    younger = sum(1 for m in team if _within(full_years(m.birth_date, on), policy.younger_age,  # type: ignore[arg-type,misc]
                                              policy.age_limit_inclusive))
    women = sum(1 for m in people if m.reserve and m.gender == "F")
    out = []
    word = "以下" if policy.age_limit_inclusive else "以下（不含）"
    if young < policy.young_min:
        out.append(f"班子中{policy.young_age}岁{word}干部{young}名，不足{policy.young_min}名")
    if younger < policy.younger_min:
        out.append(f"班子中{policy.younger_age}岁{word}干部{younger}名，不足{policy.younger_min}名")
    if women < policy.female_reserves_min:
        out.append(f"女后备干部{women}名，不足{policy.female_reserves_min}名")
    return out


def rsv_01_posts_short(policy: ReservesParams, reserves_by_post: dict[str, int]) -> dict[str, int]:
    """RSV-01: posts with fewer reserves than 一职一备 asks, and how many each lacks."""
    return {post: policy.reserves_per_post - n for post, n in reserves_by_post.items() if n < policy.reserves_per_post}


# --- where teams go (STN-03) and what may be asked of them (STN-17) ----------------------------------

E_ASSIGNMENT = "驻村干部全脱产驻村：不得{what}（已记入负面清单）"


def stn_03_village_qualifies(policy: StationingParams, categories: Iterable[str]) -> tuple[str, ...]:
    """STN-03: the categories that make a village one teams are sent to (empty: none)."""
    return tuple(c for c in categories if c in policy.target_village_categories)


def stn_17_assignment_refusal(policy: StationingParams, what: str) -> str | None:
    """STN-17: a request to give a stationed cadre other duties, second or borrow him is refused (message)."""
    if not policy.full_time_in_village:
        return None
    if what in policy.forbidden_duties:
        return E_ASSIGNMENT.format(what=what)
    return None


def stn_17_task_overdue(due: date, status: str, on: date) -> bool:
    """STN-17: an assigned task still open after its due day is overdue (due today is not yet overdue).
    A task reported done waits on the assigner's confirmation, not on the cadre."""
    return status == "open" and on > due


def stn_13_board_contact(policy: StationingParams, work_phone: str, private_phone: str) -> str:
    """STN-13: the contact printed on the village board: the work phone, never the private number."""
    if policy.board_work_phone_only:
        return work_phone if work_phone and work_phone != private_phone else "（未设工作电话）"
    return work_phone or private_phone


# --- periodic duties (STN-07/08/09/15) -------------------------------------------------------------


def periods(start: date, end: date, months: int) -> list[tuple[date, date]]:
    """Calendar periods of ``months`` (quarters, halves, years aligned to 1 January) touching [start, end]."""
    out: list[tuple[date, date]] = []
    year, month = start.year, ((start.month - 1) // months) * months + 1
    while True:
        p_start = date(year, month, 1)
        if p_start > end:
            return out
        nm = month + months
        p_end = date(year + (nm - 1) // 12, (nm - 1) % 12 + 1, 1) - timedelta(days=1)
        out.append((p_start, p_end))
        year, month = year + (nm - 1) // 12, (nm - 1) % 12 + 1


def _label(p: tuple[date, date], months: int) -> str:
    s = p[0]
    if months == 3:
        return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
    if months == 6:
        return f"{s.year}年{'上' if s.month <= 6 else '下'}半年"
    if months == 12:
        return f"{s.year}年"
    if months == 1:
        return f"{s.year}年{s.month}月"
    return f"{p[0]:%Y-%m-%d}至{p[1]:%Y-%m-%d}"


@dataclass(frozen=True)
class Stint:
    """One stationed cadre's time in a village (post start/end), for periodic duties."""

    person_id: int
    org_path: str
    start: date
    end: date | None = None


def _missing(rule: str, what: str, stint: Stint, months: int, done: Iterable[date], on: date, measure: str,
             acting_role: str) -> list[Finding]:
    """One finding per period of the stint that ended before ``on`` with no event in it."""
    events = sorted(done)
    last = min(stint.end or on, on)
    out = []
    for p in periods(stint.start, last, months):
        if p[1] >= on or p[1] > (stint.end or date.max):
            continue
        if any(p[0] <= d <= p[1] for d in events):
            continue
        label = _label(p, months)
        out.append(Finding(rule_id=rule, key=f"{rule}:{what}:{stint.person_id}:{p[0]:%Y-%m}",
                           title=f"{label}未{what}", measure=measure,
                           facts={"period_start": p[0].isoformat(), "period_end": p[1].isoformat()},
                           subject_person_id=stint.person_id, org_path=stint.org_path, due=p[1],
                           acting_role=acting_role))
    return out


def stn_07_talk_findings(policy: StationingParams, stint: Stint, talks: Iterable[date], on: date) -> list[Finding]:
    """STN-07: each quarter the township party secretary talks with every stationed cadre."""
    return _missing("STN-07", "开展谈心谈话", stint, policy.secretary_talk_months, talks, on, "提醒乡镇党委书记补谈",
                    "township_secretary")


def stn_07_unit_visit_findings(policy: StationingParams, stint: Stint, visits: Iterable[date], on: date
                               ) -> list[Finding]:
    """STN-07: the dispatch unit's principal leader visits the village each year, report by end of the month set."""
    out = []
    visits = sorted(visits)
    for year in range(stint.start.year, min(stint.end or on, on).year + 1):
        m = policy.unit_leader_report_by_month
        due = (date(year + m // 12, m % 12 + 1, 1) - timedelta(days=1))
        if due >= on or due < stint.start or (stint.end and due > stint.end):
            continue
        n = sum(1 for d in visits if d.year == year and d <= due)
        if n < policy.unit_leader_visits_per_year:
            out.append(Finding(rule_id="STN-07", key=f"STN-07:unit_visit:{stint.person_id}:{year}",
                               title=f"{year}年派出单位主要负责同志未按时到村调研（应于{due:%m月%d日}前）",
                               measure="通报派出单位", facts={"year": year, "visits": n},
                               subject_person_id=stint.person_id, org_path=stint.org_path, due=due,
                               acting_role="dispatch_leader"))
    return out


def stn_09_report_findings(policy: StationingParams, stint: Stint, reports: Iterable[date], on: date
                           ) -> list[Finding]:
    """STN-09: each cadre reports to the dispatch unit at least every half year."""
    return _missing("STN-09", "向派出单位汇报", stint, policy.report_to_unit_months, reports, on, "提醒本人汇报",
                    "dispatch_leader")


def stn_15_safety_findings(policy: StationingParams, stint: Stint, educations: Iterable[date], on: date
                           ) -> list[Finding]:
    """STN-15: at least one comprehensive safety education a year for each stationed cadre."""
    if policy.safety_education_per_year < 1:
        return []
    return _missing("STN-15", "接受综合性安全教育", stint, 12, educations, on, "安排安全教育", "township_secretary")


@dataclass(frozen=True)
class Training:
    start: date
    days: int
    level: Literal["township", "county", "city", "province", "national"]


def stn_08_training_findings(policy: StationingParams, stint: Stint, trainings: Iterable[Training], on: date
                             ) -> list[Finding]:
    """STN-08: county-level training covers everyone each year; in the term ≥1 county-or-higher course of ≥3 days."""
    trainings = list(trainings)
    county_plus = [t for t in trainings if t.level != "township"]
    out = []
    if policy.county_training_yearly_coverage:
        out += _missing("STN-08", "参加县级培训", stint, 12, [t.start for t in county_plus], on, "安排县级轮训",
                        "county_org")
    term_end = stint.end or stn_05_term_end(policy, stint.start)
    long_ones = [t for t in county_plus if t.days >= policy.county_training_min_days and stint.start <= t.start <= term_end]
    if term_end < on and len(long_ones) < policy.county_training_min_times_per_term:
        out.append(Finding(rule_id="STN-08", key=f"STN-08:term:{stint.person_id}:{stint.start:%Y-%m-%d}",
                           title=f"任期内未参加{policy.county_training_min_days}天以上县级及以上培训",
                           measure="通报并安排补训", facts={"trainings": len(long_ones)},
                           subject_person_id=stint.person_id, org_path=stint.org_path, due=term_end,
                           acting_role="county_org"))
    return out


# --- diaries (STN-11) and people's matters (DRY-02) -------------------------------------------------


def stn_11_diary_flags(diary_days: Iterable[date], leave_days: Iterable[date], present_days: Iterable[date]
                       ) -> list[tuple[date, str]]:
    """STN-11: the work diary must agree with attendance and leave: flag a diary on leave, a present day without one."""
    diary, leave, present = set(diary_days), set(leave_days), set(present_days)
    flags = [(d, "请假当日记有工作日记，与请销假不一致") for d in diary & leave]
    flags += [(d, "在岗日没有工作日记") for d in present - diary - leave]
    return sorted(flags)


@dataclass(frozen=True)
class PeopleMatter:
    """A people's matter from the diary (DRY-01): major or beyond the cadre → report, then an opinion."""

    id: int
    person_id: int
    org_path: str
    met_on: date
    major: bool
    reported_on: date | None = None
    opinion_on: date | None = None
    harm: bool = False  # 造成不良后果, recorded by an authorised person


def _late(done: date | None, due: date, on: date) -> bool:
    """Done after the due day, or not done and the due day has passed (day N itself is in time)."""
    return done > due if done is not None else on > due


def dry_02_findings(policy: StationingParams, m: PeopleMatter, on: date) -> list[Finding]:
    """DRY-02: report within 2 days of meeting it, an opinion within 3 days of the report; late → flagged,
    late with recorded harm → accountability case against whoever was late."""
    if not m.major:
        return []
    out = []
    report_due = m.met_on + timedelta(days=policy.diary_report_days)
    reported = m.reported_on
    if _late(reported, report_due, on):
        out.append(Finding(rule_id="DRY-02", key=f"DRY-02:report:{m.id}", title="重大民情未在期限内报告",
                           measure="追究责任" if m.harm else "提醒其上级督促",
                           facts={"met_on": m.met_on.isoformat(), "due": report_due.isoformat(),
                                  "reported_on": reported.isoformat() if reported else None, "harm": m.harm},
                           subject_person_id=m.person_id, org_path=m.org_path, due=report_due,
                           acting_role="township_secretary"))
    if reported is not None:
        opinion_due = reported + timedelta(days=policy.diary_opinion_days)
        if _late(m.opinion_on, opinion_due, on):
            out.append(Finding(rule_id="DRY-02", key=f"DRY-02:opinion:{m.id}", title="党委、政府未在期限内拿出处理意见",
                               measure="追究责任" if m.harm else "提醒主要领导",
                               facts={"reported_on": reported.isoformat(), "due": opinion_due.isoformat(),
                                      "opinion_on": m.opinion_on.isoformat() if m.opinion_on else None,
                                      "harm": m.harm},
                               subject_person_id=None, org_path=m.org_path[:9], due=opinion_due,
                               acting_role="county_org"))
    return out


# --- the obligations calendar (STN-07/08/09/12/15, MTG-03/04) -----------------------------------------

RULE_OF = {"secretary_talk": "STN-07", "unit_hearing": "STN-07", "unit_visit": "STN-07", "unit_talk": "STN-07",
           "report_to_unit": "STN-09", "county_training": "STN-08", "annual_plan": "STN-12",
           "research_report": "STN-12", "grade_proposal": "STN-12", "safety_education": "STN-15",
           "insurance": "STN-15", "work_meeting": "MTG-03", "symposium": "MTG-04"}
DISPATCH_TALK, TERM_END_TALK = "到村工作前", "任期结束后"


@dataclass(frozen=True)
class Done:
    """One recorded obligation, as the calendar sees it."""

    kind: str
    on: date
    days: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Due:
    """One obligation in the calendar: what, for which period, by when, who answers, and whether done."""

    kind: str
    rule_id: str
    period: str
    start: date
    due: date
    responsible: str  # a role key, or "self" for the stationed cadre
    done_on: date | None = None

    def overdue(self, on: date) -> bool:
        return self.done_on is None and self.due < on

    def open(self, on: date) -> bool:
        return self.done_on is None and self.start <= on


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _periodic(kind: str, months: int, responsible: str, start: date, end: date, done: list[Done]) -> list[Due]:
    out = []
    for p in periods(start, end, months):
        if p[1] < start:
            continue
        hit = next((d.on for d in done if d.kind == kind and p[0] <= d.on <= p[1]), None)
        out.append(Due(kind, RULE_OF[kind], _label(p, months), p[0], p[1], responsible, hit))
    return out


def _yearly_by(kind: str, month: int, responsible: str, start: date, end: date, done: list[Done]) -> list[Due]:
    out = []
    for year in range(start.year, end.year + 1):
        due = _month_end(year, month)
        if due < start or date(year, 1, 1) > end:
            continue
        hit = next((d.on for d in done if d.kind == kind and d.on.year == year), None)
        out.append(Due(kind, RULE_OF[kind], f"{year}年", date(year, 1, 1), due, responsible, hit))
    return out


def obligation_calendar(policy: StationingParams, *, role: str, term_start: date, term_end: date,
                        done: Iterable[Done], until: date, post_end: date | None = None) -> list[Due]:
    """Every obligation of one stationed cadre from his term start to ``until`` (or the day his post ends:
    a cadre kept past his term still owes them), from the policy: talks, reports, the unit's hearing and visit,
    training, plan, research reports, grade proposals, safety education, insurance, the monthly work meeting
    and the quarterly symposium."""
    recs = sorted(done, key=lambda d: d.on)
    end = min(post_end or until, until)
    fs = role == "first_secretary"
    out: list[Due] = []
    out += _periodic("secretary_talk", policy.secretary_talk_months, "township_secretary", term_start, end, recs)
    out += _periodic("report_to_unit", policy.report_to_unit_months, "self", term_start, end, recs)
    out += _periodic("unit_hearing", policy.unit_hears_report_months, "dispatch_leader", term_start, end, recs)
    if policy.unit_leader_visits_per_year:
        out += _yearly_by("unit_visit", policy.unit_leader_report_by_month, "dispatch_leader", term_start, end, recs)
    talks = [d for d in recs if d.kind == "unit_talk"]
    if DISPATCH_TALK in policy.unit_talk_occasions:
        hit = next((d.on for d in talks if d.detail == DISPATCH_TALK), None)
        out.append(Due("unit_talk", "STN-07", DISPATCH_TALK, term_start, term_start, "dispatch_leader", hit))
    if TERM_END_TALK in policy.unit_talk_occasions and term_end <= until:
        hit = next((d.on for d in talks if d.detail == TERM_END_TALK), None)
        out.append(Due("unit_talk", "STN-07", TERM_END_TALK, term_end, term_end, "dispatch_leader", hit))
    county = [d for d in recs if d.kind == "county_training"]
    if policy.county_training_yearly_coverage:
        out += _periodic("county_training", 12, "county_org", term_start, end, county)
    if policy.county_training_min_times_per_term and term_end <= until:
        long_ones = [d for d in county if (d.days or 0) >= policy.county_training_min_days
                     and term_start <= d.on <= term_end]
        hit = long_ones[policy.county_training_min_times_per_term - 1].on if len(
            long_ones) >= policy.county_training_min_times_per_term else None
        out.append(Due("county_training", "STN-08", f"任期内{policy.county_training_min_days}天以上培训",
                       term_start, term_end, "county_org", hit))
    if policy.safety_education_per_year:
        out += _periodic("safety_education", 12, "township_secretary", term_start, end, recs)
    if policy.accident_insurance_yearly:
        out += _yearly_by("insurance", policy.insurance_by_month, "county_org", term_start, end, recs)
    if fs:
        out += _yearly_by("annual_plan", policy.annual_plan_by_month, "self", term_start, end, recs)
        out += _periodic("research_report", policy.research_report_months, "self", term_start, end, recs)
        if policy.first_secretary_proposes_grades:
            out += _yearly_by("grade_proposal", policy.grade_proposal_by_month, "self", term_start, end, recs)
        out += _periodic("work_meeting", policy.work_meeting_months, "self", term_start, end, recs)
        out += _periodic("symposium", policy.symposium_months, "county_org", term_start, end, recs)
    return sorted(out, key=lambda d: (d.due, d.kind))


def obligation_case_due(policy: StationingParams, item: Due) -> date:
    """An overdue obligation first notifies whoever answers for it; N days later it becomes a case."""
    return item.due + timedelta(days=policy.overdue_case_days)


# --- allowances (STN-14) ---------------------------------------------------------------------------------


def stn_14_necessities_error(policy: StationingParams, amount: Decimal, already: Decimal) -> str | None:
    """STN-14: necessities are reimbursed once, up to the cap (2,000 yuan by default)."""
    if already > 0:
        return f"生活必需品费用只报销一次（已报销 {already} 元）"
    if amount > policy.necessities_cap:
        return f"生活必需品费用报销不超过 {policy.necessities_cap} 元"
    return None


@dataclass(frozen=True)
class AllowanceLine:
    """One cadre's money for one month, itemised."""

    present_days: int
    living: Decimal
    communication: Decimal
    necessities: Decimal
    work_funds_spent: Decimal
    work_funds_month: Decimal

    @property
    def total(self) -> Decimal:
        return self.living + self.communication + self.necessities


def stn_14_month(policy: StationingParams, present_days: int, necessities: Decimal, work_funds_spent: Decimal
                 ) -> AllowanceLine:
    """STN-14 for a month: living allowance per working day present (from the signed table), the
    communication subsidy, the necessities reimbursed that month, work funds (at least N a year → a month's share)."""
    living = stn_14_living_allowance(policy, present_days)
    comm = Decimal(policy.communication_subsidy_monthly or 0).quantize(FEN)
    share = (Decimal(policy.work_funds_min_per_year) / 12).quantize(FEN, rounding=ROUND_HALF_UP)
    return AllowanceLine(present_days, living, comm, necessities.quantize(FEN), work_funds_spent.quantize(FEN), share)
