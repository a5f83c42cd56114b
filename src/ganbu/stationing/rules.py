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
    young = sum(1 for m in team if _within(full_years(m.birth_date, on), policy.young_age,  # type: ignore[arg-type]
                                            policy.age_limit_inclusive))
    younger = sum(1 for m in team if _within(full_years(m.birth_date, on), policy.younger_age,  # type: ignore[arg-type]
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
