"""Pure rules of reserve cadres (RSV-01/02) and care for village secretaries (ORG-10). No ORM.

RSV-01 一职一备: each post of a village team has ``reserves_per_post`` reserves, chosen by 三荐
       (self, two-committee or democratic recommendation), 二议 (the party organisation's proposal,
       then the two committees' collective review) and 一审查 (the township committee's review), in
       that order, each step dated and evidenced.
RSV-02 per village: at least ``young_min`` team members aged ``young_age`` or under, of them at
       least ``younger_min`` aged ``younger_age`` or under, and at least ``female_reserves_min``
       women among the reserves; ages on the day of the check, "以下" including the number.
ORG-10 a leadership member visits each village secretary at home at least yearly, a health check
       every two years; training and study tours as scheduled; overdue is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ganbu.core.care_policy import OrgCareParams
from ganbu.stationing.policy import ReservesParams

Step = Literal["self", "committees", "democratic", "proposal", "collective_review", "party_review"]
RECOMMEND: tuple[Step, ...] = ("self", "committees", "democratic")
STAGES: tuple[tuple[Step, ...], ...] = (RECOMMEND, ("proposal",), ("collective_review",), ("party_review",))
STEP_LABELS: dict[str, str] = {"self": "个人自荐", "committees": "“两委”举荐", "democratic": "民主推荐",
                               "proposal": "党组织提议", "collective_review": "“两委”集体审议",
                               "party_review": "镇（街道）党委审查"}

E_POST_TAKEN = "岗位：{post}已有 {n} 名后备人选（一职一备），不能再添加"
E_HOLDER = "后备人选：{name}就是该岗位的现任干部"
E_ALREADY_RESERVE = "后备人选：{name}已是本村{post}的后备人选"
E_STEP_DONE = "{step}已于 {on} 记录"
E_STEP_ORDER = "{step}：须先完成{need}"
E_STEP_FUTURE = "{step}日期：不能晚于今天（{today}）"
E_STEP_BEFORE = "{step}日期：不能早于上一步（{prev}，{on}）"
E_EVIDENCE = "{step}：请填写依据（会议记录、推荐票、审查意见等）"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def age_on(birth: date, on: date) -> int:
    """Completed years on ``on`` (one's birthday completes the year)."""
    years = on.year - birth.year
    return years - 1 if add_years(birth, years) > on else years


# --- RSV-01 -----------------------------------------------------------------------------------------


def rsv_01_reserve_error(policy: ReservesParams, *, post_label: str, reserves_on_post: int, holder_id: int,
                         candidate_id: int, candidate_name: str, other_post_label: str | None) -> str | None:
    """RSV-01: may this person become a reserve for this post? 一职一备 refuses a post already covered."""
    if reserves_on_post >= policy.reserves_per_post:
        return E_POST_TAKEN.format(post=post_label, n=reserves_on_post)
    if candidate_id == holder_id:
        return E_HOLDER.format(name=candidate_name)
    if other_post_label:
        return E_ALREADY_RESERVE.format(name=candidate_name, post=other_post_label)
    return None


def _stage(step: str) -> int:
    return next(i for i, s in enumerate(STAGES) if step in s)


def rsv_01_step_error(step: Step, on: date, evidence: str, done: dict[str, date], today: date) -> str | None:
    """RSV-01: 三荐 → 党组织提议 → 两委集体审议 → 党委审查, each dated on or after the step before it."""
    label = STEP_LABELS[step]
    if step in done:
        return E_STEP_DONE.format(step=label, on=done[step])
    if on > today:
        return E_STEP_FUTURE.format(step=label, today=today)
    if not evidence.strip():
        return E_EVIDENCE.format(step=label)
    stage = _stage(step)
    if stage > 0:
        before = [s for s in done if _stage(s) == stage - 1]
        if not before:
            need = "、".join(STEP_LABELS[s] for s in STAGES[stage - 1])
            return E_STEP_ORDER.format(step=label, need=need if stage > 1 else f"“三荐”之一（{need}）")
        prev = max(before, key=lambda s: done[s])
        if on < done[prev]:
            return E_STEP_BEFORE.format(step=label, prev=STEP_LABELS[prev], on=done[prev])
    return None


def rsv_01_complete(done: Iterable[str]) -> bool:
    """Whether every stage is done: the reserve is in the pool (人才库)."""
    steps = set(done)
    return all(steps & set(stage) for stage in STAGES)


def rsv_01_next(done: Iterable[str]) -> list[Step]:
    steps = set(done)
    for stage in STAGES:
        if not steps & set(stage):
            return list(stage)
    return []


# --- RSV-02 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    person_id: int
    birth_date: date | None
    gender: str  # "M" | "F"


def _within(age: int, limit: int, inclusive: bool) -> bool:
    return age <= limit if inclusive else age < limit


def rsv_02_shortfalls(policy: ReservesParams, team: Iterable[Member], reserves: Iterable[Member], on: date
                      ) -> list[str]:
    """RSV-02: why a village falls short (empty: it meets the rule), ages on ``on``."""
    people = {m.person_id: m for m in team if m.birth_date}
    ages = [age_on(m.birth_date, on) for m in people.values() if m.birth_date]
    young = sum(1 for a in ages if _within(a, policy.young_age, policy.age_limit_inclusive))
    younger = sum(1 for a in ages if _within(a, policy.younger_age, policy.age_limit_inclusive))
    women = len({m.person_id for m in reserves if m.gender == "F"})
    word = "以下" if policy.age_limit_inclusive else "以下（不含本数）"
    out = []
    if young < policy.young_min:
        out.append(f"班子中{policy.young_age}岁{word}干部 {young} 名，不足 {policy.young_min} 名")
    if younger < policy.younger_min:
        out.append(f"其中{policy.younger_age}岁{word}干部 {younger} 名，不足 {policy.younger_min} 名")
    if women < policy.female_reserves_min:
        out.append(f"女后备干部 {women} 名，不足 {policy.female_reserves_min} 名")
    return out


# --- ORG-10 -----------------------------------------------------------------------------------------

CareKind = Literal["home_visit", "health_check", "training", "study_tour"]
CARE_LABELS: dict[str, str] = {"home_visit": "班子成员家访", "health_check": "体检", "training": "干部培训",
                               "study_tour": "外出考察"}


@dataclass(frozen=True)
class CareEvent:
    kind: CareKind
    planned_on: date | None
    done_on: date | None


@dataclass(frozen=True)
class CareDue:
    kind: str
    due: date
    last_done: date | None
    overdue: bool
    note: str

    @property
    def label(self) -> str:
        return CARE_LABELS[self.kind]


def org_10_care_due(policy: OrgCareParams, since: date, events: Iterable[CareEvent], on: date) -> list[CareDue]:
    """ORG-10: when each kind of care falls due for one secretary (in post since ``since``), overdue first.

    Home visits: ``home_visit_per_year`` within every year since the last visit (due a year after the
    last one, or a year after taking office); health check: every ``health_check_every_years``;
    training and study tours: any scheduled one whose day has passed without being held.
    """
    events = list(events)
    out: list[CareDue] = []
    periodic = [("home_visit", 1, policy.home_visit_per_year), ("health_check", policy.health_check_every_years, 1)]
    for kind, years, times in periodic:
        if times < 1:
            continue
        done = sorted(e.done_on for e in events if e.kind == kind and e.done_on)
        window = done[-times:] if len(done) >= times else []
        base = window[0] if window else since
        due = add_years(base, years) - timedelta(days=1)
        last = done[-1] if done else None
        note = f"上次 {last}" if last else "任职以来尚未安排"
        out.append(CareDue(kind, due, last, on > due, note))
    for e in events:
        if e.kind in ("training", "study_tour") and e.planned_on and not e.done_on:
            out.append(CareDue(e.kind, e.planned_on, None, on > e.planned_on, "已排期"))
    return sorted(out, key=lambda d: (not d.overdue, d.due))
