"""Village cadre subsidies (SUB-01..03, SUB-05, SUB-06): pure functions, policy + facts → money.

Stated rules (printed on the register, so the office can check a line by hand):

* SUB-01 A secretary's annual amount is his village's household tier (inclusive upper bounds); another
  covered post gets the policy's ratio of it; inland-township and weak-village weights multiply it.
  Posts outside ``covered_titles`` or outside the funded quota (职数) get nothing.
* Partial years are prorated by calendar days in post: amount × days in post ÷ days in the year.
  Where one person holds two funded posts at once (一肩挑), the overlapping days are paid by
  ``dual_post_rule`` (the higher post, the sum, or the secretary's post only); the rule must be chosen.
* SUB-02 The reward part is the same share of every amount as ``reward_part_secretary`` is of the
  secretary's tier amount (700 of the secretary's total); the rest is the base part.
* SUB-03 All reward parts form one pool, paid out entirely by year-end score: value of a point =
  pool ÷ total points; each cadre gets points × value, rounded down to the fen, and the fen left over go
  one each to the largest remainders (ties: higher score first). A higher score never gets less.
* SUB-05 Minimums are findings (shortfalls listed), not silent top-ups.
* SUB-06 Deductions come off the payable amount, itemised, never below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Protocol

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
SECRETARY = "village_secretary"


class RuleError(ValueError):
    """A computation the policy or the facts do not allow (Chinese message)."""


DUAL_RULE_OPEN = "细则尚未选定一人兼任两个职数内职务（一肩挑）的补贴计发办法，请先在细则中选定"
NO_HOUSEHOLDS = "{village}未登记户数，无法确定补贴档次"
NO_SCORE = "{name}没有年终目标考核得分，不能按得分分配奖励补贴"
ALL_ZERO = "奖励补贴池中所有人得分均为零，无法按得分分配"


class SubsidyPolicy(Protocol):
    covered_titles: list[str]
    household_tiers: Sequence[Any]
    title_ratios: Mapping[str, Decimal]
    inland_township_factor: Decimal
    weak_village_factor: Decimal
    dual_post_rule: str | None
    reward_part_secretary: Decimal
    base_pay_income_multiple: Decimal | None
    post_subsidy_monthly_min: Decimal | None
    post_subsidy_needs_duty_log: bool


def money(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


# --- SUB-01 ----------------------------------------------------------------------------------------

def tier_amount(policy: SubsidyPolicy, households: int) -> Decimal:
    """The secretary's annual amount for a village of ``households`` (tier bounds are inclusive)."""
    for tier in policy.household_tiers:
        if tier.max_households is None or households <= tier.max_households:
            return Decimal(tier.amount)
    return Decimal(policy.household_tiers[-1].amount)


def post_ratio(policy: SubsidyPolicy, title: str) -> Decimal | None:
    """Share of the secretary's amount a post gets; None when the post is not covered."""
    if title not in policy.covered_titles:
        return None
    if title == SECRETARY:
        return Decimal("1")
    return Decimal(policy.title_ratios.get(title, Decimal("0")))


def village_weight(policy: SubsidyPolicy, *, inland: bool, weak: bool) -> Decimal:
    w = Decimal("1")
    if inland:
        w *= Decimal(policy.inland_township_factor)
    if weak:
        w *= Decimal(policy.weak_village_factor)
    return w


@dataclass(frozen=True)
class VillageFacts:
    name: str
    households: int | None
    inland: bool = False
    weak: bool = False


@dataclass(frozen=True)
class PostFacts:
    title: str
    start: date
    end: date | None
    funded: bool
    village: VillageFacts


def year_days(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def clip(start: date, end: date | None, year: int) -> tuple[date, date] | None:
    """The part of [start, end] inside the year (inclusive dates), or None."""
    lo = max(start, date(year, 1, 1))
    hi = min(end or date(year, 12, 31), date(year, 12, 31))
    return (lo, hi) if lo <= hi else None


@dataclass
class Segment:
    start: date
    end: date
    titles: tuple[str, ...]
    annual: Decimal
    reward_share: Decimal  # reward part of ``annual``


@dataclass
class Entitlement:
    """SUB-01/02 for one person: prorated total, base part and reward part."""

    total: Decimal
    base: Decimal
    reward: Decimal
    days: int
    year_days: int
    titles: tuple[str, ...]
    segments: list[Segment]
    rule: str


def _post_annual(policy: SubsidyPolicy, post: PostFacts) -> tuple[Decimal, Decimal] | None:
    """(annual amount, reward part of it) for a full year in this post, or None if unpaid."""
    ratio = post_ratio(policy, post.title)
    if ratio is None or not post.funded:
        return None
    if post.village.households is None:
        raise RuleError(NO_HOUSEHOLDS.format(village=post.village.name))
    tier = tier_amount(policy, post.village.households)
    annual = tier * ratio * village_weight(policy, inland=post.village.inland, weak=post.village.weak)
    fraction = min(Decimal(policy.reward_part_secretary) / tier, Decimal("1")) if tier else Decimal("0")
    return annual, annual * fraction


def _combine(policy: SubsidyPolicy, parts: list[tuple[str, Decimal, Decimal]]) -> tuple[Decimal, Decimal, str]:
    if len(parts) == 1:
        return parts[0][1], parts[0][2], ""
    rule = policy.dual_post_rule
    if rule is None:
        raise RuleError(DUAL_RULE_OPEN)
    if rule == "sum":
        return sum((p[1] for p in parts), ZERO), sum((p[2] for p in parts), ZERO), "兼任期间各职务补贴相加"
    if rule == "secretary_only":
        sec = [p for p in parts if p[0] == SECRETARY]
        if sec:
            return sec[0][1], sec[0][2], "兼任期间只按党组织书记计发"
    best = max(parts, key=lambda p: p[1])
    return best[1], best[2], "兼任期间按较高一项计发"


def entitlement(policy: SubsidyPolicy, posts: Sequence[PostFacts], year: int) -> Entitlement:
    """What a person earns in ``year`` from his posts before the pool and deductions (SUB-01/02)."""
    paid: list[tuple[PostFacts, Decimal, Decimal, date, date]] = []
    for post in posts:
        span = clip(post.start, post.end, year)
        amounts = _post_annual(policy, post)
        if span is None or amounts is None:
            continue
        paid.append((post, amounts[0], amounts[1], span[0], span[1]))
    n_days = year_days(year)
    if not paid:
        return Entitlement(ZERO, ZERO, ZERO, 0, n_days, (), [], "")
    if len(paid) == 1:  # the common case: one post, no overlap to resolve
        post, annual, reward_share, lo, hi = paid[0]
        days = (hi - lo).days + 1
        total_m, reward_m = money(annual * days / n_days), money(reward_share * days / n_days)
        rule = f"在职{days}天÷全年{n_days}天" if days < n_days else "全年在职"
        return Entitlement(total_m, total_m - reward_m, reward_m, days, n_days, (post.title,),
                           [Segment(lo, hi, (post.title,), annual, reward_share)], rule)
    cuts = sorted({p[3] for p in paid} | {p[4] + timedelta(days=1) for p in paid})
    segments: list[Segment] = []
    notes: set[str] = set()
    for lo, nxt in zip(cuts, cuts[1:], strict=False):
        hi = nxt - timedelta(days=1)
        active = [(p[0].title, p[1], p[2]) for p in paid if p[3] <= lo and hi <= p[4]]
        if not active:
            continue
        annual, reward, note = _combine(policy, active)
        if note:
            notes.add(note)
        segments.append(Segment(lo, hi, tuple(a[0] for a in active), annual, reward))
    total = sum((s.annual * ((s.end - s.start).days + 1) for s in segments), Decimal("0")) / n_days
    reward = sum((s.reward_share * ((s.end - s.start).days + 1) for s in segments), Decimal("0")) / n_days
    days = sum((s.end - s.start).days + 1 for s in segments)
    total_m, reward_m = money(total), money(reward)
    rule = f"在职{days}天÷全年{n_days}天" if days < n_days else "全年在职"
    if notes:
        rule += "；" + "；".join(sorted(notes))
    titles = tuple(dict.fromkeys(t for s in segments for t in s.titles))
    return Entitlement(total_m, total_m - reward_m, reward_m, days, n_days, titles, segments, rule)


# --- SUB-03 ----------------------------------------------------------------------------------------

@dataclass
class PoolResult:
    pool: Decimal
    total_score: Decimal
    point_value: Decimal  # yuan per point, for the register (rounded for display)
    shares: dict[Any, Decimal]
    formula: str


def pool_shares(reward_parts: Mapping[Any, Decimal], scores: Mapping[Any, Decimal],
                names: Mapping[Any, str] | None = None) -> PoolResult:
    """Pay the whole pool (Σ reward parts) by score, exactly to the fen (largest remainder)."""
    names = names or {}
    for key in reward_parts:
        if scores.get(key) is None:
            raise RuleError(NO_SCORE.format(name=names.get(key, key)))
    pool = sum((Decimal(v) for v in reward_parts.values()), ZERO)
    weights = {k: max(Decimal(scores[k]), Decimal("0")) for k in reward_parts}
    total = sum(weights.values(), Decimal("0"))
    pool_fen = int((pool / FEN).to_integral_value())
    if not reward_parts:
        return PoolResult(ZERO, Decimal("0"), ZERO, {}, "")
    if total == 0:
        raise RuleError(ALL_ZERO)
    floors: dict[Any, int] = {}
    rems: dict[Any, Decimal] = {}
    for k, w in weights.items():
        exact = Decimal(pool_fen) * w / total
        f = int(exact.to_integral_value(rounding=ROUND_DOWN))
        floors[k], rems[k] = f, exact - f
    left = pool_fen - sum(floors.values())
    order = sorted(weights, key=lambda k: (-rems[k], -weights[k], str(k)))
    for k in order[:left]:
        floors[k] += 1
    shares = {k: (Decimal(v) * FEN).quantize(FEN) for k, v in floors.items()}
    value = (pool / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    formula = (f"奖励补贴池＝各人奖励部分之和＝{pool}元；总得分＝{total.normalize():f}分；"
               f"每分值＝奖励补贴池÷总得分≈{value}元；个人奖励补贴＝本人得分×每分值，"
               f"精确到分，尾差按余数从大到小各补1分钱，合计正好等于奖励补贴池")
    return PoolResult(pool, total, value, shares, formula)


# --- SUB-05 ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shortfall:
    rule_id: str
    text: str
    amount: Decimal


def minimum_checks(policy: SubsidyPolicy, *, titles: Sequence[str], base: Decimal, paid: Decimal,
                   days: int, n_days: int, rural_income: Decimal | None,
                   duty_log_checked: bool) -> list[Shortfall]:
    """SUB-05 findings for one line. Base pay ≥ multiple × last year's rural per-capita income (other
    posts by their ratio), both prorated by days in post; the secretary's pay ≥ monthly minimum × months
    in post on average, and only after the duty log was checked."""
    out: list[Shortfall] = []
    if not titles or days == 0:
        return out
    share = Decimal(days) / Decimal(n_days)
    if policy.base_pay_income_multiple is not None:
        if rural_income is None:
            out.append(Shortfall("SUB-05", "未填写上年农村人均收入，无法核对基本报酬下限", ZERO))
        else:
            ratio = max((post_ratio(policy, t) or Decimal("0")) for t in titles)
            need = money(Decimal(policy.base_pay_income_multiple) * rural_income * ratio * share)
            if base < need:
                out.append(Shortfall("SUB-05", f"基本补贴{base}元低于下限{need}元"
                                               f"（上年农村人均收入{rural_income}元×{policy.base_pay_income_multiple}"
                                               f"倍，按职务比例与在职天数折算）", need - base))
    if SECRETARY in titles and policy.post_subsidy_monthly_min is not None:
        need = money(Decimal(policy.post_subsidy_monthly_min) * 12 * share)
        if paid < need:
            out.append(Shortfall("SUB-05", f"岗位补贴{paid}元低于每月平均{policy.post_subsidy_monthly_min}元"
                                           f"（在职期间合计{need}元）", need - paid))
        if policy.post_subsidy_needs_duty_log and not duty_log_checked:
            out.append(Shortfall("SUB-05", "岗位补贴须在检查《履责全程纪实日志》后发放，尚未检查", ZERO))
    return out


# --- SUB-06 ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deduction:
    rule_id: str
    reason: str
    amount: Decimal
    policy_version_id: int | None = None
    policy_ref: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "reason": self.reason, "amount": str(self.amount),
                "policy_version_id": self.policy_version_id, "policy_ref": self.policy_ref}


def absence_deduction(*, absences: int, per_absence: Decimal, policy_version_id: int | None,
                      policy_ref: str) -> Deduction | None:
    """ATT-05: each absence deducts the attendance policy's amount from the subsidy."""
    if absences <= 0 or per_absence <= 0:
        return None
    return Deduction("ATT-05", f"全年缺勤{absences}次×{per_absence}元", money(per_absence * absences),
                     policy_version_id, policy_ref)


@dataclass
class Payable:
    gross: Decimal
    deductions: list[Deduction] = field(default_factory=list)
    net: Decimal = ZERO
    note: str = ""


def apply_deductions(gross: Decimal, deductions: Sequence[Deduction]) -> Payable:
    """SUB-06: itemised deductions off the gross amount; the net never goes below zero."""
    total = sum((d.amount for d in deductions), ZERO)
    net = gross - total
    note = ""
    if net < 0:
        note = f"扣款合计{total}元超过应发{gross}元，实发为0，差额{-net}元另行处理"
        net = ZERO
    return Payable(gross, list(deductions), money(net), note)


TITLE_NAMES = {"village_secretary": "党组织书记", "village_director": "村委会主任", "village_clerk": "村会计",
               "women_director": "妇女主任"}
DUAL_NAMES = {"higher": "按较高一项计发", "sum": "各职务补贴相加", "secretary_only": "只按党组织书记计发"}


def rules_text(policy: SubsidyPolicy, pool_scope: str = "county") -> str:
    """The computation stated in Chinese from the policy in force, printed on the register."""
    tiers = []
    low = 1
    for t in policy.household_tiers:
        if t.max_households is None:
            tiers.append(f"{low}户以上{Decimal(t.amount):f}元")
        else:
            tiers.append(f"{low}—{t.max_households}户{Decimal(t.amount):f}元")
            low = t.max_households + 1
    ratios = "、".join(f"{TITLE_NAMES.get(k, k)}为书记的{Decimal(v) * 100:.0f}%" for k, v in policy.title_ratios.items()
                       if k in policy.covered_titles)
    covered = "、".join(TITLE_NAMES.get(t, t) for t in policy.covered_titles)
    dual = DUAL_NAMES.get(policy.dual_post_rule or "", "细则未选定（须先选定）")
    scope = "全县" if pool_scope == "county" else "本镇"
    return "\n".join([
        f"1. 补贴范围：职数内的{covered}；其他职务和职数外人员不享受。",
        f"2. 党组织书记年补贴按村户数分档（含上限）：{'；'.join(tiers)}。{ratios}。",
        f"3. 内陆镇系数{Decimal(policy.inland_township_factor):f}，经济薄弱村系数{Decimal(policy.weak_village_factor):f}。",
        "4. 不满一年的按在职天数折算：年补贴×在职天数÷全年天数。",
        f"5. 一人兼任两个职数内职务（一肩挑）的，兼任期间{dual}。",
        f"6. 书记补贴中{Decimal(policy.reward_part_secretary):f}元为奖励部分，其余为基本补贴；其他职务按相同比例提取。",
        f"7. {scope}奖励部分合并为奖励补贴池，完全按年终目标考核得分分配，不搞平均；精确到分，合计等于奖励补贴池。",
        "8. 缺勤扣款、保证金扣发从应发中扣除，逐项列明依据；扣后不低于零。",
    ])
