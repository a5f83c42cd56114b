"""Pure rules for tenure-target commitments (TGT-01/05/06/07/09/10). No ORM.

Deadlines count calendar days and include the N-th day ("限期一个周" from the day of issue).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ganbu.core.findings import Finding
from ganbu.targets.policy import FailureMeasure, TargetsParams

FEN = Decimal("0.01")
E_FUND_RANGE = "责任金比例应在 {lo}%–{hi}% 之间"
E_MEASURE_MISSING = "措施缺少：{fields}"
E_CATEGORY = "目标类别「{category}」不在框架内（{allowed}）"


def tgt_05_notice_due(policy: TargetsParams, issued_on: date) -> date:
    """TGT-05: a supervision notice's rectification deadline (N calendar days, day N included)."""
    return issued_on + timedelta(days=policy.supervision_notice_days)


def tgt_09_issue_due(policy: TargetsParams, found_on: date) -> date:
    """TGT-09: an inspection issue's rectification deadline (one week by default)."""
    return found_on + timedelta(days=policy.issue_rectification_days)


def tgt_06_periods(policy: TargetsParams, year: int, months: int) -> list[tuple[date, date]]:
    """TGT-06: the inspection (or scoring) periods of a year, ``months`` long each."""
    out = []
    for first in range(1, 13, months):
        start = date(year, first, 1)
        last_month = first + months - 1
        end = (date(year + 1, 1, 1) if last_month >= 12 else date(year, last_month + 1, 1)) - timedelta(days=1)
        out.append((start, end))
    return out


@dataclass(frozen=True)
class Measure:
    """One concrete measure of a village's commitment (TGT-01)."""

    category: str
    text: str
    standard: str
    deadline: date | None
    responsible: str


def tgt_01_measure_errors(policy: TargetsParams, m: Measure) -> list[str]:
    """TGT-01: a measure needs its category in the framework, a standard, a deadline and a responsible person."""
    errors = []
    if m.category not in policy.framework_categories:
        errors.append(E_CATEGORY.format(category=m.category, allowed="、".join(policy.framework_categories)))
    present = {"标准要求": bool(m.standard.strip()), "落实时限": m.deadline is not None,
               "责任人": bool(m.responsible.strip())}
    missing = [f for f in policy.measure_required if not present.get(f, True)]
    if missing:
        errors.append(E_MEASURE_MISSING.format(fields="、".join(missing)))
    return errors


def tgt_07_measure_for(policy: TargetsParams, failed_years: int) -> FailureMeasure | None:
    """TGT-07: the measure for the n-th year (in one term) a commitment is not fulfilled; later years use the last."""
    if failed_years < 1 or not policy.failure_measures:
        return None
    by_year = sorted(policy.failure_measures, key=lambda m: m.year)
    eligible = [m for m in by_year if m.year <= failed_years]
    return eligible[-1] if eligible else None


def tgt_07_findings(policy: TargetsParams, *, person_id: int, org_path: str, term: str,
                    failed_years: Iterable[int], policy_version_id: int | None = None,
                    policy_ref: str = "") -> list[Finding]:
    """TGT-07: one finding per year a cadre's commitment failed, naming the measure and deposit to deduct."""
    out = []
    for n, year in enumerate(sorted(set(failed_years)), start=1):
        measure = tgt_07_measure_for(policy, n)
        if measure is None:
            continue
        deposit = policy.deposit_amount if measure.deduct_deposit else None
        out.append(Finding(
            rule_id="TGT-07", key=f"TGT-07:{person_id}:{term}:{year}",
            title=f"{year}年未完成承诺目标（任期内第{n}次）", measure="、".join(measure.measures),
            facts={"year": year, "occurrence": n, "deposit_deduction": deposit}, subject_person_id=person_id,
            org_path=org_path, policy_version_id=policy_version_id, policy_ref=policy_ref,
            acting_role="township_secretary"))
    return out


def tgt_10_fund(policy: TargetsParams, annual_bonus: Decimal, pct: int | None = None) -> Decimal:
    """TGT-10: the responsibility fund held from an assessment-office member's bonus (default: the lower bound)."""
    pct = policy.responsibility_fund_min_pct if pct is None else pct
    lo, hi = policy.responsibility_fund_min_pct, policy.responsibility_fund_max_pct
    if not lo <= pct <= hi:
        raise ValueError(E_FUND_RANGE.format(lo=lo, hi=hi))
    return (Decimal(annual_bonus) * pct / 100).quantize(FEN, rounding=ROUND_HALF_UP)


# --- monthly ledger (TGT-03) and surveys of major tasks (TGT-04) -------------------------------------

E_SURVEY_NEEDED = "重大事项须先组织{groups}满意度测评"
E_COLLECTIVE = "须经考核办集体研究确认"


@dataclass(frozen=True)
class LedgerTask:
    """One task of a village's monthly ledger: what, by when, who, and where it stands."""

    id: int
    category: str
    title: str
    deadline: date
    responsible: str
    done_on: date | None = None
    inspected_on: date | None = None
    major: bool = False
    surveyed: bool = False


def tgt_03_ledger(tasks: Iterable[LedgerTask], year: int, month: int) -> dict[str, list[LedgerTask]]:
    """TGT-03: the month's ledger — tasks due that month, by category, each with deadline and responsible person."""
    out: dict[str, list[LedgerTask]] = {}
    for t in sorted(tasks, key=lambda t: (t.deadline, t.id)):
        if (t.deadline.year, t.deadline.month) == (year, month):
            out.setdefault(t.category, []).append(t)
    return out


def tgt_03_due_for_inspection(policy: TargetsParams, tasks: Iterable[LedgerTask], on: date) -> list[LedgerTask]:
    """TGT-03: one task, one inspection — done, or past its deadline, and not yet inspected on site."""
    if not policy.inspect_when_done_or_due:
        return []
    return [t for t in tasks if t.inspected_on is None and (t.done_on is not None or t.deadline < on)]


def tgt_04_confirm_errors(policy: TargetsParams, task: LedgerTask, *, collective: bool) -> list[str]:
    """TGT-04: a major task's result is confirmed only after the survey, and only collectively by the office."""
    errors = []
    if task.major and policy.survey_major_tasks and not task.surveyed:
        errors.append(E_SURVEY_NEEDED.format(groups="和".join(policy.survey_groups)))
    if policy.collective_confirmation and not collective:
        errors.append(E_COLLECTIVE)
    return errors
