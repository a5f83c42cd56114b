"""千分制 rules (KPI-01..07): pure functions over plain data and the typed policy. No ORM.

Read next to S1: “对在工作目标千分制考核中，当年考核处于末位且得分在800分以下的村（社区），由党委对其
主要负责人进行诫勉谈话；对连续三年考核处于末位且得分在800分以下的村（社区），由党委对其主要负责人进行免职。”
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ganbu.assessment.policy import AssessmentPolicy
from ganbu.core.findings import Finding

TWO = Decimal("0.01")
KINDS = {"village": "村", "community": "社区"}

ITEMS_NOT_TOTAL = "考核项目满分合计为 {got} 分，应为 {total} 分"
ITEM_MAX_POSITIVE = "第 {n} 项「{name}」满分应大于 0"
ITEM_NAME_MISSING = "第 {n} 项缺少项目名称"
ITEM_DUPLICATE = "第 {n} 项「{name}」与前面的项目重名"
SCORE_ABOVE_MAX = "「{name}」得分 {score} 超过该项满分 {max} 分"
SCORE_NEGATIVE = "「{name}」得分不能为负数"
WEIGHTS_OPEN = "细则尚未填写三评权重"

TIE_METHOD = "并列同分者名次相同，下一名次顺延（如 1、2、2、4）；村与社区分别排名"
LAST_METHOD = ("末位指本年度同类（村或社区）排名中的最后名次（并列末位均为末位）；同类参评单位少于 {n} 个时不认定末位；"
               "“{threshold}分以下”{inclusive}；连续 {years} 年末位且在线下的提出免职建议，不再另提诫勉谈话")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# ---- KPI-01: the template and scores -------------------------------------------------------

def template_errors(policy: AssessmentPolicy, items: list[tuple[str, Decimal]]) -> list[str]:
    """Why a list of (name, max points) is not a valid 千分制 template; [] when it is."""
    errors: list[str] = []
    seen: set[str] = set()
    for n, (name, maximum) in enumerate(items, start=1):
        if not name.strip():
            errors.append(ITEM_NAME_MISSING.format(n=n))
        elif name.strip() in seen:
            errors.append(ITEM_DUPLICATE.format(n=n, name=name))
        seen.add(name.strip())
        if maximum <= 0:
            errors.append(ITEM_MAX_POSITIVE.format(n=n, name=name))
    total = sum((dec(m) for _, m in items), Decimal(0))
    if total != policy.total_points:
        errors.append(ITEMS_NOT_TOTAL.format(got=_fmt(total), total=policy.total_points))
    return errors


def score_error(name: str, score: Decimal, maximum: Decimal) -> str | None:
    if score < 0:
        return SCORE_NEGATIVE.format(name=name)
    if score > maximum:
        return SCORE_ABOVE_MAX.format(name=name, score=_fmt(score), max=_fmt(maximum))
    return None


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


# ---- KPI-02: 三评 -------------------------------------------------------------------------

@dataclass(frozen=True)
class Weights:
    self_: Decimal
    public: Decimal
    superior: Decimal


def weights_of(policy: AssessmentPolicy) -> Weights:
    if policy.weight_self is None or policy.weight_public is None or policy.weight_superior is None:
        raise ValueError(WEIGHTS_OPEN)
    return Weights(dec(policy.weight_self), dec(policy.weight_public), dec(policy.weight_superior))


def three_evaluations(weights: Weights, *, self_score: Decimal | None, public_score: Decimal | None,
                      superior_score: Decimal) -> Decimal:
    """三评 combined on the 千分制 scale: Σ weight × part. A part whose weight is 0 may be missing.

    Superior evaluation is the sum of the designated raters' item scores; self-evaluation and the
    party-member & public evaluation are entered on the same scale (0..total).
    """
    parts = [(weights.self_, self_score), (weights.public, public_score), (weights.superior, superior_score)]
    total = Decimal(0)
    for weight, score in parts:
        if weight == 0:
            continue
        if score is None:
            raise ValueError("缺少权重不为 0 的评价得分")
        total += weight * dec(score)
    return q2(total)


# ---- KPI-03: 述职 written evaluation --------------------------------------------------------

RATINGS = [("excellent", "优秀"), ("competent", "称职"), ("basic", "基本称职"), ("incompetent", "不称职")]


def evaluation_rating(votes: dict[str, int]) -> tuple[str, Decimal]:
    """The 测评 outcome: the rating most votes gave (ties go to the lower rating) and the share
    of 优秀+称职 votes. The seed asks for a written evaluation, not a formula; this one is shown."""
    total = sum(votes.get(k, 0) for k, _ in RATINGS)
    if total == 0:
        return "", Decimal(0)
    best = max(reversed(RATINGS), key=lambda r: votes.get(r[0], 0))
    good = votes.get("excellent", 0) + votes.get("competent", 0)
    return best[0], q2(Decimal(good) * 100 / total)


# ---- KPI-04 / KPI-05: last place and rewards ------------------------------------------------

@dataclass(frozen=True)
class Standing:
    """One village's (or community's) result in one year, ranked in SQL within its kind."""

    village_id: int
    village_path: str
    village_name: str
    kind: str
    year: int
    total: Decimal
    rank: int
    principal_person_id: int | None = None
    principal_name: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def below_line(policy: AssessmentPolicy, total: Decimal) -> bool:
    line = dec(policy.threshold_points)
    return total <= line if policy.threshold_inclusive else total < line


def last_places(policy: AssessmentPolicy, standings: list[Standing]) -> set[tuple[int, int]]:
    """(village_id, year) pairs in last place of their kind that year (ties at the bottom all count)."""
    groups: dict[tuple[int, str], list[Standing]] = defaultdict(list)
    for s in standings:
        groups[(s.year, s.kind)].append(s)
    out: set[tuple[int, int]] = set()
    for group in groups.values():
        if len(group) < policy.last_place_min_group:
            continue
        bottom = max(s.rank for s in group)
        out |= {(s.village_id, s.year) for s in group if s.rank == bottom}
    return out


def last_place_findings(policy: AssessmentPolicy, standings: list[Standing], year: int, *, decided_on: date,
                        policy_version_id: int | None, policy_ref: str) -> list[Finding]:
    """KPI-04: admonishment for last place and below the line this year; removal when that held
    for ``removal_consecutive_years`` years running (history may be imported, KPI-08)."""
    last = last_places(policy, standings)
    by_key = {(s.village_id, s.year): s for s in standings}
    due = decided_on + timedelta(days=policy.case_due_days) if policy.case_due_days else None
    findings: list[Finding] = []
    for s in standings:
        if s.year != year or (s.village_id, year) not in last or not below_line(policy, s.total):
            continue
        run = []
        for y in range(year, year - policy.removal_consecutive_years, -1):
            past = by_key.get((s.village_id, y))
            if past is None or (s.village_id, y) not in last or not below_line(policy, past.total):
                break
            run.append({"year": y, "total": str(past.total), "rank": past.rank})
        removal = len(run) >= policy.removal_consecutive_years
        kind = KINDS.get(s.kind, s.kind)
        facts = {
            "village": s.village_name, "kind": kind, "year": year, "total": str(s.total), "rank": s.rank,
            "threshold": policy.threshold_points, "principal": s.principal_name or "（未找到在任党组织书记）",
            "years_running": run,
        }
        if removal:
            title = (f"{s.village_name}连续{policy.removal_consecutive_years}年千分制考核{kind}末位且"
                     f"在{policy.threshold_points:g}分以下：主要负责人免职")
            findings.append(Finding(
                rule_id="KPI-04", key=f"KPI-04:removal:{s.village_id}:{year}", title=title, measure="removal",
                facts=facts, subject_person_id=s.principal_person_id, org_path=s.village_path, due=due,
                policy_version_id=policy_version_id, policy_ref=policy_ref, acting_role="township_secretary"))
        else:
            title = (f"{s.village_name}{year}年千分制考核{kind}末位且在{policy.threshold_points:g}分以下："
                     "主要负责人诫勉谈话")
            findings.append(Finding(
                rule_id="KPI-04", key=f"KPI-04:admonish:{s.village_id}:{year}", title=title, measure="admonishment",
                facts=facts, subject_person_id=s.principal_person_id, org_path=s.village_path, due=due,
                policy_version_id=policy_version_id, policy_ref=policy_ref, acting_role="township_secretary"))
    return findings


def reward_amounts(policy: AssessmentPolicy, standings: list[Standing], year: int) -> dict[int, Decimal]:
    """KPI-05: village_id → reward for the principal person, top N villages / top M communities
    by rank (ties at the cut-off are all rewarded)."""
    amount = dec(policy.reward_amount or 0)
    tops = {"village": policy.reward_top_villages, "community": policy.reward_top_communities}
    return {s.village_id: q2(amount) for s in standings
            if s.year == year and s.rank <= tops.get(s.kind, 0)}


# ---- KPI-07: stage results → assessment pay and budgets -------------------------------------

@dataclass(frozen=True)
class PayLine:
    combined: Decimal
    pay: Decimal
    budget: Decimal
    stages_used: int


def pay_formula(policy: AssessmentPolicy) -> str:
    w = policy.stage_weight if policy.stage_weight is not None else "（未填）"
    rest = f"{1 - policy.stage_weight:g}" if policy.stage_weight is not None else "（1−阶段权重）"
    return (f"综合分 = {w} × 阶段考核平均分 + {rest} × 年终千分制得分（无阶段成绩时取年终得分）；"
            f"考核工资 = {policy.pay_standard} 元 × 综合分 ÷ {policy.total_points}；"
            f"其他村级预算 = {policy.budget_standard} 元 × 综合分 ÷ {policy.total_points}；四舍五入到分")


def assessment_pay(policy: AssessmentPolicy, *, stage_scores: list[Decimal], year_total: Decimal) -> PayLine:
    """KPI-07: the village team's pay and budget from its stage results and year-end result."""
    year_total = dec(year_total)
    if stage_scores:
        mean = sum((dec(s) for s in stage_scores), Decimal(0)) / len(stage_scores)
        w = dec(policy.stage_weight or 0)
        combined = q2(w * mean + (1 - w) * year_total)
    else:
        combined = q2(year_total)
    total = Decimal(policy.total_points)
    pay = q2(dec(policy.pay_standard or 0) * combined / total)
    budget = q2(dec(policy.budget_standard or 0) * combined / total)
    return PayLine(combined=combined, pay=pay, budget=budget, stages_used=len(stage_scores))


def last_method(policy: AssessmentPolicy) -> str:
    return LAST_METHOD.format(n=policy.last_place_min_group, threshold=f"{policy.threshold_points:g}",
                              inclusive="含本数" if policy.threshold_inclusive else "不含本数",
                              years=policy.removal_consecutive_years)
