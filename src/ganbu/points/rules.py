"""Pure 积分制 rules: entry checks, bottom group, thresholds, rewards, policy preview (PTS-02..07, POL-04).

No ORM here: plain rows in, decisions out, so each rule reads next to the seed sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ganbu.core.findings import Finding

# One tie method everywhere (pages, PDFs, API, previews): standard competition ranking in SQL (RANK()).
TIE_METHOD = "并列名次：同分者名次相同，其后名次顺延（如 1、2、2、4）；同分者按姓名排列"
# How ties at the edge of the reward group (PTS-05) and of the bottom group (PTS-06) are resolved.
EDGE_TIE_RULE = ("分组边界的并列：同分者名次相同，不能区分先后，因此并列跨越奖励名额或“排名靠后”名额分界线的，"
                 "同分者均不进入该组（奖励名额和约谈人数不因并列而扩大）；同一人不会同时进入奖励组和排名靠后组；"
                 "本周期尚无审核通过的积分时不排名，不奖励也不按排名约谈")
NOBODY_SCORED = "本周期尚无审核通过的积分记录，暂不排名（不奖励，也不按排名约谈）"

ITEM_NOT_IN_CATALOGUE = "积分项目不在本镇（本村）积分目录中"
POINTS_NOT_POSITIVE = "分值应大于 0（扣分项目也填正数）"
POINTS_ABOVE_CAP = "分值超过该项目本周期上限 {cap} 分（本周期已计 {used} 分）"
EVIDENCE_REQUIRED = "该项目须附证明材料"
DATE_OUTSIDE_CYCLE = "发生日期不在本积分周期（{start} 至 {end}）内"
CATEGORY_NOT_IN_POLICY = "类别不在细则规定的积分项目类别中"
VILLAGE_TAILOR_FORBIDDEN = "细则不允许村调整积分项目"


@dataclass(frozen=True)
class ItemFacts:
    kind: str  # "add" | "deduct"
    cap_per_cycle: Decimal | None
    evidence_required: bool
    active: bool = True
    in_scope: bool = True  # the item belongs to the cadre's township (and village, if tailored)


def entry_errors(item: ItemFacts | None, *, points: Decimal, used: Decimal, has_evidence: bool,
                 on: date, cycle_start: date, cycle_end: date) -> dict[str, str]:
    """Field → Chinese error for one entry (PTS-02). ``used`` = points of this item already counted."""
    errors: dict[str, str] = {}
    if item is None or not item.active or not item.in_scope:
        return {"积分项目": ITEM_NOT_IN_CATALOGUE}
    if points <= 0:
        errors["分值"] = POINTS_NOT_POSITIVE
    elif item.cap_per_cycle is not None and used + points > item.cap_per_cycle:
        errors["分值"] = POINTS_ABOVE_CAP.format(cap=item.cap_per_cycle, used=used)
    if item.evidence_required and not has_evidence:
        errors["证明材料"] = EVIDENCE_REQUIRED
    if not (cycle_start <= on <= cycle_end):
        errors["发生日期"] = DATE_OUTSIDE_CYCLE.format(start=cycle_start, end=cycle_end)
    return errors


@dataclass(frozen=True)
class RankRow:
    """One ranked cadre, as the SQL ranking returns it."""

    person_id: int
    name: str
    org_path: str
    village: str
    total: Decimal
    deductions: Decimal  # positive number of points deducted
    rank: int


def any_scored(rows: list[RankRow]) -> bool:
    """Whether anyone in the ranking has an approved entry: a cycle nobody was scored in ranks nobody."""
    return any(r.total != 0 or r.deductions != 0 for r in rows)


def _tie_sizes(rows: list[RankRow]) -> dict[int, int]:
    tied: dict[int, int] = {}
    for r in rows:
        tied[r.rank] = tied.get(r.rank, 0) + 1
    return tied


def reward_group(rows: list[RankRow], proportion: Decimal | None) -> set[int]:
    """PTS-05 top group: the first ``reward_group_size`` places; a tie crossing the edge stays out
    (``EDGE_TIE_RULE``), so the group never grows past its size."""
    places = reward_group_size(len(rows), proportion)
    if not places or not any_scored(rows):
        return set()
    tied = _tie_sizes(rows)
    return {r.person_id for r in rows if r.rank + tied[r.rank] - 1 <= places}


def bottom_group(rows: list[RankRow], size: int | None, proportion: Decimal | None = None) -> set[int]:
    """PTS-06 bottom group: the last ``size`` places; a tie crossing the edge stays out
    (``EDGE_TIE_RULE``), and nobody in the reward group (``proportion``) is ever in it."""
    if not rows or not size or not any_scored(rows):
        return set()
    cut = len(rows) - size  # places 1..cut are safe
    bottom = {r.person_id for r in rows if r.rank > cut}
    return bottom - reward_group(rows, proportion)


def low_scorers(rows: list[RankRow], size: int | None, proportion: Decimal | None = None) -> list[RankRow]:
    """Half-cycle reminder list (PTS-03): the bottom group, worst first."""
    ids = bottom_group(rows, size, proportion)
    return sorted((r for r in rows if r.person_id in ids), key=lambda r: (-r.rank, r.name))


def threshold_reasons(params: Any, row: RankRow, bottom: set[int]) -> list[str]:
    """Why PTS-06 fires for a row ([] = it does not). 达40分 includes 40."""
    over = row.deductions >= Decimal(params.deduction_threshold)
    low = row.person_id in bottom
    fires = (over and low) if params.threshold_mode == "and" else (over or low)
    if not fires:
        return []
    reasons = []
    if over:
        reasons.append(f"扣分累计 {row.deductions} 分，达到 {params.deduction_threshold} 分")
    if low:
        reasons.append(f"排名第 {row.rank} 名，在排名靠后的 {params.bottom_group_size} 人之列")
    return reasons


@dataclass(frozen=True)
class ThresholdDecision:
    person_id: int
    level: int  # 1 = first time in the term (warning talk), 2+ = removal/recall
    reasons: list[str]
    finding: Finding


def threshold_findings(params: Any, rows: list[RankRow], *, prior_hits: dict[int, int], cycle_key: str,
                       cycle_label: str, township_path: str, due: date | None, policy_version_id: int | None,
                       policy_ref: str) -> list[ThresholdDecision]:
    """PTS-06: first time in the term a warning talk (谈话提醒), the second time removal or recall."""
    bottom = bottom_group(rows, params.bottom_group_size, params.reward_proportion)
    out = []
    for row in rows:
        reasons = threshold_reasons(params, row, bottom)
        if not reasons:
            continue
        level = prior_hits.get(row.person_id, 0) + 1
        first = level == 1
        title = (f"{row.name}：{cycle_label}积分触发警示，建议谈话提醒" if first
                 else f"{row.name}：本任期第{level}次触发积分警示，建议免职或依法罢免")
        finding = Finding(
            rule_id="PTS-06", key=f"PTS-06:{row.person_id}:{cycle_key}", title=title,
            measure="warning_talk" if first else "removal",
            facts={"总分": str(row.total), "扣分": str(row.deductions), "名次": row.rank, "参加排名人数": len(rows),
                   "原因": reasons, "本任期第几次": level, "周期": cycle_label,
                   "判定方式": "任一条件" if params.threshold_mode == "or" else "同时满足"},
            subject_person_id=row.person_id, org_path=row.org_path, due=due,
            policy_version_id=policy_version_id, policy_ref=policy_ref,
            acting_role="township_secretary" if first else "county_org",
        )
        out.append(ThresholdDecision(row.person_id, level, reasons, finding))
    return out


@dataclass(frozen=True)
class Reward:
    person_id: int
    name: str
    rank: int
    amount: Decimal


def reward_group_size(ranked: int, proportion: Decimal | None) -> int:
    """How many places the top group has: proportion × ranked, rounded half up, at least 1 (PTS-05)."""
    if not ranked or not proportion:
        return 0
    return max(1, int((Decimal(ranked) * Decimal(proportion)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def rewards(rows: list[RankRow], proportion: Decimal | None, per_person: Decimal | None) -> list[Reward]:
    """Top group by rank (``reward_group``: a tie crossing the edge stays out), each paid ``per_person``
    yuan, to the fen."""
    group = reward_group(rows, proportion)
    if not group or per_person is None:
        return []
    amount = Decimal(per_person).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return [Reward(r.person_id, r.name, r.rank, amount) for r in rows if r.person_id in group]


def competition_ranks(totals: list[tuple[int, Decimal]]) -> dict[int, int]:
    """RANK() in Python, for the preview only (same method as SQL): ties share, next places skipped."""
    ordered = sorted(totals, key=lambda t: -t[1])
    ranks: dict[int, int] = {}
    prev: Decimal | None = None
    current = 0
    for i, (pid, total) in enumerate(ordered, start=1):
        if total != prev:
            current = i
            prev = total
        ranks[pid] = current
    return ranks


@dataclass
class PreviewChange:
    person_id: int
    name: str
    village: str
    total_now: Decimal
    total_new: Decimal
    rank_now: int
    rank_new: int
    crosses_now: list[str] = field(default_factory=list)
    crosses_new: list[str] = field(default_factory=list)

    @property
    def rank_changed(self) -> bool:
        return self.rank_now != self.rank_new

    @property
    def threshold_changed(self) -> bool:
        return bool(self.crosses_now) != bool(self.crosses_new)


def entry_value(kind: str, points: Decimal, cap: Decimal | None, used: Decimal) -> Decimal:
    """What an entry counts under a (possibly new) cap: capped per item and cycle, signed by kind."""
    value = points if cap is None else max(Decimal(0), min(points, cap - used))
    return value if kind == "add" else -value


def preview(rows: list[RankRow], params_now: Any, params_new: Any,
            totals_new: dict[int, Decimal] | None = None) -> list[PreviewChange]:
    """POL-04: who changes rank and who crosses a threshold if ``params_new`` were adopted now."""
    totals_new = totals_new or {r.person_id: r.total for r in rows}
    new_ranks = competition_ranks([(r.person_id, totals_new[r.person_id]) for r in rows])
    new_rows = [RankRow(r.person_id, r.name, r.org_path, r.village, totals_new[r.person_id], r.deductions,
                        new_ranks[r.person_id]) for r in rows]
    bottom_now = bottom_group(rows, params_now.bottom_group_size, params_now.reward_proportion)
    bottom_new = bottom_group(new_rows, params_new.bottom_group_size, params_new.reward_proportion)
    out = []
    for now, new in zip(rows, new_rows, strict=True):
        out.append(PreviewChange(now.person_id, now.name, now.village, now.total, new.total, now.rank, new.rank,
                                 threshold_reasons(params_now, now, bottom_now),
                                 threshold_reasons(params_new, new, bottom_new)))
    return out


def cycle_dates(year: int, months: int) -> tuple[date, date, date]:
    """Start, half-cycle date and end of a cycle starting on 1 January of ``year``."""
    start = date(year, 1, 1)

    def add_months(d: date, m: int) -> date:
        y, mo = divmod(d.month - 1 + m, 12)
        return date(d.year + y, mo + 1, 1)

    end = date.fromordinal(add_months(start, months).toordinal() - 1)
    half = date.fromordinal(add_months(start, math.ceil(months / 2)).toordinal() - 1)
    return start, half, end
