"""Pure rules of the people's-condition diary and township cadres in villages. No ORM, no I/O.

DRY-01 a matter is recorded on or after the day it was met, never for a future date.
DRY-02 a major matter, or one the cadre cannot solve, is reported within ``report_days`` of the day
       it was met, and the party committee and government give a handling opinion within
       ``opinion_days`` of the report. "N天内" includes day N: met on the 3rd, a report on the 5th is
       on time, on the 6th late. Lateness goes to the late person's superior; with harm recorded
       (造成不良后果) an accountability case opens against whoever was late.
STN-01 township administrative cadres (the titles the policy lists, special posts aside) are each
       stationed in a village.
STN-02 2–4 contact households (demonstration or poor), every household visited each period
       (the village's household count from the tree is the denominator), one household-heads'
       meeting each period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ganbu.core.findings import Finding
from ganbu.diary.policy import DiaryParams

E_FUTURE = "发生日期：不能晚于今天（{today}），民情日记只记已经发生的事"
E_REPORT_FUTURE = "报告日期：不能晚于今天（{today}）"
E_REPORT_BEFORE_MET = "报告日期：不能早于民情发生日期（{met}）"
E_NO_REPORT_NEEDED = "该民情不属于重大或本人难以解决的民情，无需报告党委、政府"
E_ALREADY_REPORTED = "该民情已于 {on} 报告，不能重复报告"
E_ANSWER_BEFORE_REPORT = "处理意见：该民情尚未向党委、政府报告，不能先拿出处理意见"
E_ALREADY_ANSWERED = "该民情已于 {on} 拿出处理意见"
E_VISIT_OUTSIDE = "走访农户：{household}不在您驻村的{village}，不能记入本人的走访"
E_NOT_STATIONED = "您当前没有驻村安排，请先由镇党政办安排驻村"
E_CONTACTS_FULL = "联系户：已联系 {n} 户，达到上限 {max} 户"
E_CONTACT_KIND = "联系户：须为科技示范户或贫困户"
E_SPECIAL_POST = "特殊岗位：「{post}」不在细则列出的特殊岗位中"
E_TITLE = "该干部的职务不属于安排驻村的镇行政干部"

Kind = Literal["report", "opinion"]
KIND_LABEL = {"report": "向党委、政府报告", "opinion": "党委、政府拿出处理意见"}
KIND_SHORT = {"report": "报告党委、政府", "opinion": "拿出处理意见"}


def due_day(start: date, days: int) -> date:
    """Last day in time for "within N days" of ``start`` (day N included)."""
    return start + timedelta(days=days)


def dry_01_date_error(met_on: date, today: date) -> str | None:
    """DRY-01: a diary entry is never for a future date."""
    return E_FUTURE.format(today=today) if met_on > today else None


def dry_02_needs_report(major: bool, beyond: bool) -> bool:
    """DRY-02: major matters and matters the cadre cannot solve go to the party committee and government."""
    return major or beyond


def dry_02_report_error(*, needs_report: bool, met_on: date, reported_on: date | None, report_on: date,
                        today: date) -> str | None:
    """DRY-02: may this report be recorded (dated ``report_on``)?"""
    if not needs_report:
        return E_NO_REPORT_NEEDED
    if reported_on is not None:
        return E_ALREADY_REPORTED.format(on=reported_on)
    if report_on > today:
        return E_REPORT_FUTURE.format(today=today)
    if report_on < met_on:
        return E_REPORT_BEFORE_MET.format(met=met_on)
    return None


def dry_02_answer_error(*, reported_on: date | None, answered_on: date | None) -> str | None:
    """DRY-02: an opinion answers a report; before the report there is nothing to answer."""
    if reported_on is None:
        return E_ANSWER_BEFORE_REPORT
    if answered_on is not None:
        return E_ALREADY_ANSWERED.format(on=answered_on)
    return None


@dataclass(frozen=True)
class MatterFacts:
    """What DRY-02 looks at on one matter; ``answerer_id`` is who must give the opinion."""

    id: int
    author_id: int
    answerer_id: int | None
    org_path: str
    met_on: date
    needs_report: bool
    reported_on: date | None = None
    answered_on: date | None = None
    harm: bool = False


@dataclass(frozen=True)
class Clock:
    """One running deadline on a matter: who must act by when, and where it stands on ``on``."""

    kind: Kind
    due: date
    done_on: date | None
    person_id: int | None  # who must act (the late person, if late)
    state: Literal["waiting", "in_time", "overdue", "late"]
    days: int  # days left while waiting; days over when overdue or late

    @property
    def label(self) -> str:
        return KIND_LABEL[self.kind]

    @property
    def short_label(self) -> str:
        return KIND_SHORT[self.kind]

    @property
    def is_late(self) -> bool:
        return self.state in ("overdue", "late")


def _clock(kind: Kind, due: date, done: date | None, person_id: int | None, on: date) -> Clock:
    if done is not None:
        return Clock(kind, due, done, person_id, "late" if done > due else "in_time", max(0, (done - due).days))
    if on > due:
        return Clock(kind, due, None, person_id, "overdue", (on - due).days)
    return Clock(kind, due, None, person_id, "waiting", (due - on).days)


def dry_02_clocks(policy: DiaryParams, m: MatterFacts, on: date) -> list[Clock]:
    """DRY-02: the report clock (runs from the day met) and, once reported, the opinion clock."""
    if not m.needs_report:
        return []
    clocks = [_clock("report", due_day(m.met_on, policy.report_days), m.reported_on, m.author_id, on)]
    if m.reported_on is not None:
        clocks.append(_clock("opinion", due_day(m.reported_on, policy.opinion_days), m.answered_on, m.answerer_id,
                             on))
    return clocks


def dry_02_findings(policy: DiaryParams, m: MatterFacts, on: date) -> list[Finding]:
    """DRY-02: with harm recorded, one accountability finding per late clock, against whoever was late."""
    if not m.harm:
        return []
    out = []
    for c in dry_02_clocks(policy, m, on):
        if not c.is_late or c.person_id is None:
            continue
        out.append(Finding(
            rule_id="DRY-02", key=f"DRY-02:{c.kind}:{m.id}", title=f"民情{c.label}不及时，造成不良后果",
            measure="admonishment",
            facts={"matter": m.id, "clock": c.kind, "due": c.due.isoformat(),
                   "done_on": c.done_on.isoformat() if c.done_on else None, "days_late": c.days},
            subject_person_id=c.person_id, org_path=m.org_path, due=None, acting_role="township_secretary"))
    return out


# --- STN-01 village assignment ---------------------------------------------------------------------


@dataclass(frozen=True)
class CadreStation:
    person_id: int
    title: str
    village_id: int | None
    special_post: str = ""


def stn_01_assignment_error(policy: DiaryParams, title: str, special_post: str) -> str | None:
    """STN-01: only the listed titles are stationed; a special post must be one the policy lists."""
    if title not in policy.stationed_titles:
        return E_TITLE
    if special_post and special_post not in (policy.special_posts or []):
        return E_SPECIAL_POST.format(post=special_post)
    return None


def stn_01_gaps(policy: DiaryParams, village_ids: Iterable[int], cadres: Iterable[CadreStation]
                ) -> tuple[list[int], list[int]]:
    """STN-01: (villages without a stationed cadre, cadres neither stationed nor on a special post)."""
    cadres = [c for c in cadres if c.title in policy.stationed_titles]
    covered = {c.village_id for c in cadres if c.village_id}
    villages = [v for v in village_ids if v not in covered]
    idle = [c.person_id for c in cadres if not c.village_id and not c.special_post]
    return villages, idle


# --- STN-02 contact households, visits, household-heads' meetings -----------------------------------


def stn_02_contact_error(policy: DiaryParams, current: int, demo: bool, poor: bool) -> str | None:
    """STN-02: a contact household is a demonstration or poor household, at most ``contact_households_max``."""
    if not (demo or poor):
        return E_CONTACT_KIND
    if current >= policy.contact_households_max:
        return E_CONTACTS_FULL.format(n=current, max=policy.contact_households_max)
    return None


def stn_02_visit_error(station_village_id: int | None, household_village_id: int, household: str,
                       village_name: str) -> str | None:
    """STN-02: a cadre's visits count in his own village only."""
    if station_village_id is None:
        return E_NOT_STATIONED
    if household_village_id != station_village_id:
        return E_VISIT_OUTSIDE.format(household=household, village=village_name)
    return None


def period_of(policy: DiaryParams, day: date) -> tuple[date, date]:
    """The visiting period (a quarter by default, aligned to 1 January) holding ``day``."""
    months = policy.visit_months
    first = ((day.month - 1) // months) * months + 1
    start = date(day.year, first, 1)
    nm = first + months
    end = date(day.year + (nm - 1) // 12, (nm - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def period_label(policy: DiaryParams, start: date) -> str:
    if policy.visit_months == 3:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start:%Y-%m-%d}起{policy.visit_months}个月"


@dataclass(frozen=True)
class Coverage:
    households: int  # the denominator: the village's household count from the tree
    visited: int  # distinct households visited in the period
    meetings: int
    contacts: int
    pct: Decimal
    shortfalls: tuple[str, ...]

    @property
    def short(self) -> bool:
        return bool(self.shortfalls)


def stn_02_coverage(policy: DiaryParams, *, households: int | None, visited: int, meetings: int,
                    contacts: int) -> Coverage:
    """STN-02: visit coverage (% of the village's households), meetings and contact households in a period."""
    total = households or 0
    pct = (Decimal(visited * 100) / total).quantize(Decimal("0.1"), ROUND_HALF_UP) if total else Decimal("0.0")
    short = []
    if not total:
        short.append("村户数未登记，无法计算走访覆盖率")
    elif pct < policy.visit_coverage_pct:
        short.append(f"走访 {visited}/{total} 户（{pct}%），未达到{policy.visit_coverage_pct}%")
    if meetings < policy.heads_meetings_per_period:
        short.append(f"户主会 {meetings} 次，少于{policy.heads_meetings_per_period}次")
    if contacts < policy.contact_households_min:
        short.append(f"联系户 {contacts} 户，少于{policy.contact_households_min}户")
    return Coverage(total, visited, meetings, contacts, pct, tuple(short))
