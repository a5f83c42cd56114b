"""Leave rules (LV-01..07): pure functions over plain facts and the typed policy. No ORM.

Read next to S4 §8 and S0 §2: the chain depends on length (calendar days, half days allowed),
on who asks (township cadre, work-team member, first secretary), and on the policy in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ganbu.core.findings import Finding
from ganbu.core.workdays import WorkCalendar
from ganbu.leave.policy import ChainStep, LeaveParams, Tier

TOWNSHIP_CADRE = "township_cadre"
TEAM_MEMBER = "team_member"
FIRST_SECRETARY = "first_secretary"
OTHER = "other"
STATIONED = frozenset({TEAM_MEMBER, FIRST_SECRETARY})

END_BEFORE_START = "结束日期不能早于开始日期"
HALF_DAY_SAME_DAY = "同一天内不能既从下午开始又到上午结束"
HANDOVER_REQUIRED = "驻村第一书记请假须明确工作交接人"
HANDOVER_SELF = "工作交接人不能是请假人本人"
NO_REQUEST_NEEDED = "周末、节假日未离开县域，无需请假"


@dataclass(frozen=True)
class RequestFacts:
    """What the chain depends on."""

    applicant_role: str
    days: Decimal
    leaves_county: bool = False
    has_handover: bool = False


@dataclass(frozen=True)
class Step:
    role: str
    level: str
    label: str
    why: str
    kind: str = "approve"


def leave_days(start: date, end: date, *, start_pm: bool = False, end_am: bool = False) -> Decimal:
    """Length in calendar days (LV-03: weekends and holidays count), half days allowed."""
    if end < start:
        raise ValueError(END_BEFORE_START)
    if start == end and start_pm and end_am:
        raise ValueError(HALF_DAY_SAME_DAY)
    days = Decimal((end - start).days + 1)
    if start_pm:
        days -= Decimal("0.5")
    if end_am:
        days -= Decimal("0.5")
    return days


def tier_for(policy: LeaveParams, days: Decimal) -> Tier:
    """The first tier whose upper bound (inclusive: 以内 includes the number) covers ``days``."""
    for tier in policy.stationed_tiers:
        if tier.max_days is None or days <= tier.max_days:
            return tier
    return policy.stationed_tiers[-1]


def _step(spec: ChainStep, why: str) -> Step:
    return Step(role=spec.role, level=spec.level, label=spec.label, why=why, kind=spec.kind)


def approval_chain(policy: LeaveParams, facts: RequestFacts) -> list[Step]:
    """The chain for a request (LV-01, LV-03, LV-04), each step saying why it is there."""
    if facts.applicant_role in STATIONED:
        tier = tier_for(policy, facts.days)
        why = f"驻村干部请假{_fmt(facts.days)}天（日历天数），属“{tier.label}”档（《某县驻村第一书记和工作队管理办法》第8条）"
        steps: list[Step] = []
        if facts.applicant_role == TEAM_MEMBER and policy.team_member_first is not None:
            steps.append(_step(policy.team_member_first, "工作队员请假须先经驻村第一书记签字同意（《某县驻村第一书记和工作队管理办法》第8条）"))
        steps += [_step(s, why) for s in tier.steps]
        return steps
    why = "镇干部有事外出向党委书记请假，向镇长通报，镇长再通报值班领导（《某镇关于加强镇村干部管理的决定》第2条）"
    if facts.applicant_role != TOWNSHIP_CADRE:
        why = "非驻村干部按本镇干部请假规定办理（《某镇关于加强镇村干部管理的决定》第2条）"
    return [_step(s, why) for s in policy.township_chain]


def request_errors(policy: LeaveParams, *, applicant_role: str, start: date | None, end: date | None,
                   start_pm: bool = False, end_am: bool = False, handover_is_self: bool = False,
                   has_handover: bool = False) -> dict[str, str]:
    """Field → Chinese message for a request that cannot be submitted as it stands."""
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "请填写开始日期"
    if end is None:
        errors["end"] = "请填写结束日期"
    if start and end:
        if end < start:
            errors["end"] = END_BEFORE_START
        elif start == end and start_pm and end_am:
            errors["end_am"] = HALF_DAY_SAME_DAY
    if applicant_role == FIRST_SECRETARY and policy.first_secretary_handover_required and not has_handover:
        errors["handover"] = HANDOVER_REQUIRED
    if handover_is_self:
        errors["handover"] = HANDOVER_SELF
    return errors


def request_needed(policy: LeaveParams, *, workdays: int, leaves_county: bool, stationed: bool) -> bool:
    """LV-02: an absence on working days always needs a request; one only on weekends or holidays
    needs it when the stationed cadre leaves the county."""
    if workdays > 0:
        return True
    if stationed and policy.weekend_request_when_leaving_county:
        return leaves_county
    return False


def skip_self(policy: LeaveParams, chain: Sequence[Step], applicant_holds: Iterable[tuple[str, str]]) -> list[Step]:
    """LV-09: nobody approves his own request. A step whose role the applicant holds at that level
    passes to the next authority: the next approving step, or the policy's escalation when none is left."""
    held = set(applicant_holds)
    out: list[Step] = []
    for i, step in enumerate(chain):
        if step.kind == "approve" and (step.role, step.level) in held:
            rest_approves = [s for s in chain[i + 1:] if s.kind == "approve" and (s.role, s.level) not in held]
            if not rest_approves:
                esc = policy.escalation.get(step.role)
                if esc is not None and (esc.role, esc.level) not in held:
                    out.append(Step(role=esc.role, level=esc.level, label=esc.label, kind="approve",
                                    why=f"申请人本人即“{step.label}”的审批人，依规回避，转上一级"))
            continue
        out.append(step)
    return out


@dataclass(frozen=True)
class Away:
    person_id: int
    start: date
    end: date


@dataclass(frozen=True)
class PresenceConflict:
    day: date
    away: tuple[str, ...]
    remaining: tuple[str, ...]

    def text(self) -> str:
        return (f"{self.day:%Y-%m-%d}：{'、'.join(self.away)}不在村，仅剩"
                f"{'、'.join(self.remaining) or '无人'}{len(self.remaining)}人在村")


def presence_conflicts(policy: LeaveParams, *, team: Mapping[int, str], others_away: Iterable[Away],
                       new: Away) -> list[PresenceConflict]:
    """LV-05: days of the new leave on which fewer than ``min_in_village`` team members would remain."""
    if new.person_id not in team or policy.min_in_village <= 0:
        return []
    away_by_day: dict[date, set[int]] = {}
    others = [a for a in others_away if a.person_id in team and a.person_id != new.person_id]
    day = new.start
    while day <= new.end:
        away = {new.person_id} | {a.person_id for a in others if a.start <= day <= a.end}
        away_by_day[day] = away
        day += timedelta(days=1)
    conflicts = []
    for day, away in away_by_day.items():
        remaining = [pid for pid in team if pid not in away]
        if len(remaining) < policy.min_in_village:
            conflicts.append(PresenceConflict(day=day, away=tuple(team[p] for p in team if p in away),
                                              remaining=tuple(team[p] for p in remaining)))
    return conflicts


def cancel_deadline(policy: LeaveParams, calendar: WorkCalendar, end: date) -> date:
    """LV-06: 销假 within N working days after the leave ends (the N-th working day after ``end``)."""
    if policy.cancel_within_workdays <= 0:
        return end
    return calendar.add_workdays(end, policy.cancel_within_workdays)


@dataclass(frozen=True)
class LeaveFacts:
    request_id: int
    person_id: int
    person_name: str
    org_path: str
    start: date
    end: date
    returned_on: date | None  # first day back at post, from the 销假 registration
    acting_role: str = "county_org"


def overstay_workdays(calendar: WorkCalendar, end: date, returned_on: date) -> list[date]:
    """LV-07 with ATT-06: the working days of the official calendar between the approved end and the
    day back at post, both excluded. Weekends and holidays are never absenteeism, so a leave ending
    on Friday with the return on the first working day after the weekend (or a holiday) has none."""
    return list(calendar.workdays(end + timedelta(days=1), returned_on - timedelta(days=1)))


def overstay_findings(policy: LeaveParams, calendar: WorkCalendar, leaves: Iterable[LeaveFacts], *, today: date,
                      policy_version_id: int | None = None, policy_ref: str = "") -> list[Finding]:
    """LV-07: staying past the approved end is absenteeism (旷工), circulated county-wide.

    Only working days count (ATT-06: 旷工 falls on working days of the official calendar). They run
    from the day after the approved end to the day before the return; with no 销假 (nor an office
    record of return) by the deadline (LV-06) they run to yesterday, and each night's evaluation
    adds the new working day to the same finding (same key), until the cadre is back."""
    out = []
    for lf in leaves:
        if lf.returned_on is not None:
            back = lf.returned_on
            open_ended = False
        else:
            if today <= cancel_deadline(policy, calendar, lf.end):
                continue
            back = today
            open_ended = True
        days = overstay_workdays(calendar, lf.end, back)
        if not days:
            continue
        first, last = days[0], days[-1]
        title = (f"{lf.person_name}超假未销假{len(days)}个工作日（截至{last:%m月%d日}，按旷工处理）" if open_ended
                 else f"{lf.person_name}擅自超假{len(days)}个工作日（按旷工处理）")
        out.append(Finding(
            rule_id="LV-07", key=f"LV-07:leave:{lf.request_id}", title=title,
            measure=policy.absenteeism_measure,
            facts={"request_id": lf.request_id, "approved_end": lf.end.isoformat(), "from": first.isoformat(),
                   "to": last.isoformat(), "days": len(days), "absent_workdays": [d.isoformat() for d in days],
                   "returned_on": lf.returned_on.isoformat() if lf.returned_on else None,
                   "open_ended": open_ended, "month": first.strftime("%Y-%m"), "person": lf.person_name},
            subject_person_id=lf.person_id, org_path=lf.org_path, due=calendar.add_workdays(today, 5),
            policy_version_id=policy_version_id, policy_ref=policy_ref,
            provisional=calendar.any_provisional(first, last), acting_role=lf.acting_role,
        ))
    return out


def unexcused_findings(policy: LeaveParams, calendar: WorkCalendar, *, person_id: int, person_name: str,
                       org_path: str, days_away: Iterable[date], leave_days_covered: Iterable[date],
                       policy_version_id: int | None = None, policy_ref: str = "") -> list[Finding]:
    """LV-07: working days found away from post (spot check, attendance day close) not covered by
    approved leave are absenteeism (不假外出), one finding per person and month. A weekend or a
    holiday away is not absenteeism (ATT-06)."""
    covered = set(leave_days_covered)
    by_month: dict[str, list[date]] = {}
    for d in sorted(set(days_away) - covered):
        if calendar.is_workday(d):
            by_month.setdefault(d.strftime("%Y-%m"), []).append(d)
    return [
        Finding(rule_id="LV-07", key=f"LV-07:unexcused:{person_id}:{month}",
                title=f"{person_name}不假外出{len(ds)}个工作日（按旷工处理）", measure=policy.absenteeism_measure,
                facts={"dates": [d.isoformat() for d in ds], "month": month, "person": person_name,
                       "from": ds[0].isoformat(), "to": ds[-1].isoformat(), "days": len(ds)},
                subject_person_id=person_id, org_path=org_path, due=calendar.add_workdays(ds[-1], 5),
                policy_version_id=policy_version_id, policy_ref=policy_ref,
                provisional=calendar.any_provisional(ds[0], ds[-1]), acting_role="county_org")
        for month, ds in by_month.items()
    ]


def _fmt(days: Decimal) -> str:
    text = f"{days:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
