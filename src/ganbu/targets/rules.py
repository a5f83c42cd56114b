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


def tgt_07_case_measure(measure: FailureMeasure) -> str:
    """The case's proposed measure code (cases.Measure): a talk when the policy names one, else "other";
    the policy's own words stay in the finding's facts."""
    words = "".join(measure.measures)
    if "诫勉" in words:
        return "admonishment"
    if "谈话" in words:
        return "warning_talk"
    return "other"


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
            title=f"{year}年未完成承诺目标（任期内第{n}次）：{'、'.join(measure.measures)}",
            measure=tgt_07_case_measure(measure),
            facts={"year": year, "occurrence": n, "deposit_deduction": deposit, "measures": measure.measures},
            subject_person_id=person_id,
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


# --- drafting checks, quarterly breakdown, signature, sampling (TGT-01/02/05/09) ----------------------

E_VOTE_TOO_MANY = "赞成票与反对票合计（{total}）不能多于到会人数（{attendance}）"
E_VOTE_NO_ATTENDANCE = "到会人数必须大于 0"
E_VOTE_NOT_PASSED = "赞成票未超过到会人数的 {pct}%，会议未表决通过"
E_NO_MEETING = "本轮措施尚未经党员和村民代表会议表决通过，不能审批"
E_NOT_SEALED = "村“两委”尚未盖章报送，不能审批"
E_OPEN_RETURNS = "尚有退回的措施未修改：{items}"
E_NO_MEASURES = "尚未制订任何落实措施"
E_DEADLINE_OUT_OF_TERM = "落实时限 {deadline} 不在任期 {start}–{end} 年内"


def tgt_01_vote_errors(policy: TargetsParams, *, attendance: int, votes_for: int, votes_against: int) -> list[str]:
    """TGT-01: the meeting's count must add up, and the measures pass only with a majority of those present."""
    if attendance <= 0:
        return [E_VOTE_NO_ATTENDANCE]
    if votes_for + votes_against > attendance:
        return [E_VOTE_TOO_MANY.format(total=votes_for + votes_against, attendance=attendance)]
    if votes_for * 100 <= attendance * policy.vote_majority_pct:
        return [E_VOTE_NOT_PASSED.format(pct=policy.vote_majority_pct)]
    return []


def tgt_01_approve_errors(*, measures: int, voted_this_round: bool, sealed: bool,
                          returned_unrevised: list[str]) -> list[str]:
    """TGT-01: the township approves only what the meeting voted and the two committees sealed, with no open returns."""
    errors = []
    if measures == 0:
        errors.append(E_NO_MEASURES)
    if not voted_this_round:
        errors.append(E_NO_MEETING)
    if not sealed:
        errors.append(E_NOT_SEALED)
    if returned_unrevised:
        errors.append(E_OPEN_RETURNS.format(items="、".join(returned_unrevised)))
    return errors


def tgt_01_term_errors(deadline: date, term_start: int, term_end: int) -> list[str]:
    if not term_start <= deadline.year <= term_end:
        return [E_DEADLINE_OUT_OF_TERM.format(deadline=deadline, start=term_start, end=term_end)]
    return []


@dataclass(frozen=True)
class Stage:
    """One quarter's slice of a measure (TGT-02)."""

    year: int
    quarter: int
    deadline: date
    last: bool


def _quarter_end(year: int, quarter: int) -> date:
    return (date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)) - timedelta(days=1)


def tgt_02_stages(policy: TargetsParams, *, term_start: int, start: date, deadline: date) -> list[Stage]:
    """TGT-02: a measure broken into years and each year into quarters, from ``start`` to its deadline.

    Each stage ends with its quarter; the last ends on the measure's own deadline, so every stage
    can be accepted on its own (分段考核验收). ``breakdown_period`` other than quarter keeps one stage per year.
    """
    first = max(start, date(term_start, 1, 1))
    if deadline < first:
        first = deadline
    per_year = policy.breakdown_period == "quarter"
    out: list[Stage] = []
    y, q = first.year, (first.month - 1) // 3 + 1
    end_y, end_q = deadline.year, (deadline.month - 1) // 3 + 1
    while (y, q) <= (end_y, end_q):
        last = (y, q) == (end_y, end_q)
        if per_year or last or q == 4:
            out.append(Stage(y, q, deadline if last else _quarter_end(y, q), last))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def canonical_hash(content: object) -> str:
    """sha256 of the canonical JSON of what was signed (the same recipe as the stationed monthly table)."""
    import hashlib
    import json

    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def tgt_09_sample(village_ids: Iterable[int], n: int, seed: str) -> list[int]:
    """TGT-09: the system draws the sample — deterministic from the round's seed, so it can be re-drawn and checked."""
    import random

    pool = sorted(set(village_ids))
    if n >= len(pool):
        return pool
    return sorted(random.Random(seed).sample(pool, n))  # noqa: S311 - a reproducible draw, not a secret


E_CLOSE_NO_EVIDENCE = "办结督办通知单须有复查合格的检查及现场证明材料"


def tgt_05_close_errors(*, follow_up_passed: bool, evidence: int) -> list[str]:
    """TGT-05: a notice closes only with a passing follow-up inspection that carries evidence."""
    return [] if follow_up_passed and evidence > 0 else [E_CLOSE_NO_EVIDENCE]


def tgt_05_overdue(due: date, on: date) -> bool:
    """TGT-05: a notice is overdue the day after its rectification deadline (the deadline day itself is allowed)."""
    return on > due


E_FUND_PCT = "责任金比例 {pct}% 不在 {lo}%–{hi}% 之间"
E_DECISION_BODY = "讨论决定的会议应为：{bodies}"


def tgt_08_findings(policy: TargetsParams, *, decision_id: int, body: str, loss: Decimal, org_path: str,
                    responsible: Iterable[int], title: str, policy_version_id: int | None = None,
                    policy_ref: str = "") -> list[Finding]:
    """TGT-08: a decision taken without a villagers' or representatives' meeting that caused a loss → one finding
    per person named responsible."""
    if body in policy.decision_bodies or loss <= 0:
        return []
    return [Finding(rule_id="TGT-08", key=f"TGT-08:{decision_id}:{pid}", title=f"未经会议决定擅自实施造成损失：{title}",
                    measure="other", facts={"decision": decision_id, "loss": str(loss), "body": body or "无",
                                            "measures": ["由责任人承担损失", "构成违纪的给予党纪政纪处分"]},
                    subject_person_id=pid, org_path=org_path, policy_version_id=policy_version_id,
                    policy_ref=policy_ref, acting_role="township_secretary")
            for pid in sorted(set(responsible))]
