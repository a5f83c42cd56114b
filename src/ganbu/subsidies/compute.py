"""The county's subsidy computation in one pass (SUB-01..03, SUB-05, SUB-06).

Reads everything with a fixed number of queries (posts, policies, scores and deposits from targets,
absences from attendance) whatever the county's size, then applies the pure rules. The reward pool is
formed at the policy's scope (township or county), so a township's register computed alone still uses
the county's pool when the policy pools county-wide.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Q

from ganbu.attendance.queries import absences_by_person
from ganbu.core.models import PolicyVersion
from ganbu.core.policy import MODULES, merge_levels, validate_params
from ganbu.org.models import VILLAGE_KINDS, Org, Post, VillageCategory
from ganbu.subsidies import rules
from ganbu.targets.queries import subsidy_inputs

INLAND = "inland"  # a township's ``categories`` entry marking an inland township (内陆镇)
NO_POLICY = "{org}在{year}年末没有施行中的村干部补贴细则"
WEAK = {str(VillageCategory.WEAK_COLLECTIVE)}


class _PostRow(NamedTuple):
    person_id: int
    title: str
    start: date
    end: date | None
    funded: bool
    name: str
    id_number: str
    village_id: int
    village_name: str
    households: int | None
    categories: list[str] | None
    township_id: int | None


@dataclass
class Resolved:
    params: Any
    version_id: int
    ref: str


@dataclass
class ComputedLine:
    person_id: int
    name: str
    id_number: str
    village_id: int
    village_name: str
    township_id: int
    titles: tuple[str, ...]
    days: int
    entitled: Decimal
    base: Decimal
    reward_part: Decimal
    score: Decimal | None
    reward: Decimal = rules.ZERO
    gross: Decimal = rules.ZERO
    deductions: list[rules.Deduction] = field(default_factory=list)
    net: Decimal = rules.ZERO
    shortfalls: list[rules.Shortfall] = field(default_factory=list)
    rule: str = ""
    note: str = ""


@dataclass
class ComputedTownship:
    township: Org
    policy: Resolved
    lines: list[ComputedLine]
    pool: Decimal = rules.ZERO
    formula: str = ""
    pool_scope: str = "township"
    error: str = ""


def _policies(county_path: str, townships: list[Org], on: date) -> dict[tuple[str, int], Resolved]:
    """Subsidies and attendance policies per township, county level under township level: one query."""
    paths = {county_path} | {t.path for t in townships}
    rows = (PolicyVersion.objects.filter(module__in=["subsidies", "attendance"], org__path__in=paths,
                                         status=PolicyVersion.Status.ADOPTED, period_start__lte=on)
            .filter(Q(period_end__isnull=True) | Q(period_end__gte=on))
            .select_related("org").order_by("-period_start", "-version"))
    best: dict[tuple[str, str], PolicyVersion] = {}
    for v in rows:
        best.setdefault((v.module, v.org.path), v)
    out: dict[tuple[str, int], Resolved] = {}
    for module in ("subsidies", "attendance"):
        for t in townships:
            levels = [best[k] for k in ((module, county_path), (module, t.path)) if k in best]
            if not levels:
                continue
            params = validate_params(module, merge_levels(module, levels))
            ref = " / ".join(f"{v.org.name}《{v.title}》v{v.version}" for v in levels)
            out[(module, t.pk)] = Resolved(params, levels[-1].pk, ref or MODULES[module].title)
    return out


def compute(*, scope: Org, year: int, inputs: dict[int, tuple[Decimal | None, bool]] | None = None
            ) -> dict[int, ComputedTownship]:
    """Every township's lines under ``scope`` (a county or a township) for ``year``.

    ``inputs`` gives per township id (last year's rural per-capita income, duty logs checked) for SUB-05.
    With a county-wide pool a township scope is widened to its county so the pool is the county's.
    """
    inputs = inputs or {}
    year_end = date(year, 12, 31)
    county_path = scope.path[:6]
    fields = ("person_id", "title", "start", "end", "funded", "person__name", "person__id_number", "org_id",
              "org__name", "org__households", "org__categories", "org__parent_id")
    posts = [_PostRow(*row) for row in
             Post.objects.filter(org__path__startswith=county_path, org__kind__in=VILLAGE_KINDS, funded=True,
                                 start__lte=year_end)
             .filter(Q(end__isnull=True) | Q(end__gte=date(year, 1, 1)))
             .order_by("person_id", "start", "id").values_list(*fields)]
    townships = {t.pk: t for t in Org.objects.filter(pk__in={p.township_id for p in posts if p.township_id})}
    policies = _policies(county_path, list(townships.values()), year_end)
    scores = subsidy_inputs(org_path=county_path, year=year)
    absences = absences_by_person(org_path=county_path, first_month=date(year, 1, 1), last_month=date(year, 12, 1))

    by_person: dict[int, list[_PostRow]] = defaultdict(list)
    for p in posts:
        by_person[p.person_id].append(p)
    result: dict[int, ComputedTownship] = {}
    for person_id, mine in by_person.items():
        main = mine[-1]
        town = townships.get(main.township_id) if main.township_id else None
        if town is None:
            continue
        pol = policies.get(("subsidies", town.pk))
        if pol is None:
            continue
        ct = result.get(town.pk)
        if ct is None:
            ct = result[town.pk] = ComputedTownship(town, pol, [], pool_scope=pol.params.pool_scope)
        facts = []
        for p in mine:
            parent = townships.get(p.township_id) if p.township_id else None
            facts.append(rules.PostFacts(p.title, p.start, p.end, p.funded, rules.VillageFacts(
                p.village_name, p.households, inland=INLAND in ((parent.categories or []) if parent else []),
                weak=bool(WEAK & set(p.categories or [])))))
        try:
            ent = rules.entitlement(pol.params, facts, year)
        except rules.RuleError as exc:
            ct.error = str(exc)
            continue
        if ent.total <= 0:
            continue
        si = scores.get(person_id)
        ct.lines.append(ComputedLine(
            person_id=person_id, name=main.name, id_number=main.id_number, village_id=main.village_id,
            village_name=main.village_name, township_id=town.pk, titles=ent.titles, days=ent.days,
            entitled=ent.total, base=ent.base, reward_part=ent.reward,
            score=si.score if si is not None else None, rule=ent.rule,
        ))
        if pol.params.deduct_deposits and si is not None:
            for item in si.deductions:
                ct.lines[-1].deductions.append(rules.Deduction(item["rule_id"] or "TGT-07", item["reason"],
                                                               Decimal(item["amount"]), item["policy_version_id"],
                                                               item["policy_ref"]))
        att = policies.get(("attendance", town.pk))
        if pol.params.deduct_absences and att is not None:
            absent = rules.absence_deduction(absences=absences.get(person_id, 0),
                                             per_absence=Decimal(att.params.deduction_per_absence),
                                             policy_version_id=att.version_id, policy_ref=att.ref)
            if absent is not None:
                ct.lines[-1].deductions.insert(0, absent)
    _share_pools(result)
    for ct in result.values():
        income, checked = inputs.get(ct.township.pk, (None, False))
        for line in ct.lines:
            line.gross = line.base + line.reward
            pay = rules.apply_deductions(line.gross, line.deductions)
            line.net, line.note = pay.net, pay.note or line.note
            line.shortfalls = rules.minimum_checks(
                ct.policy.params, titles=line.titles, base=line.base, paid=line.gross, days=line.days,
                n_days=rules.year_days(year), rural_income=income, duty_log_checked=checked)
    if scope.path != county_path:
        return {k: v for k, v in result.items() if v.township.path.startswith(scope.path)}
    return result


def _share_pools(result: dict[int, ComputedTownship]) -> None:
    """SUB-03: one pool per township or one for the county; cadres without a score wait."""
    groups: dict[Any, list[ComputedTownship]] = defaultdict(list)
    for ct in result.values():
        groups["county" if ct.pool_scope == "county" else ct.township.pk].append(ct)
    for towns in groups.values():
        lines = [ln for ct in towns for ln in ct.lines]
        scored = {ln.person_id: ln for ln in lines if ln.score is not None}
        score_of = {k: ln.score for k, ln in scored.items() if ln.score is not None}
        pool_all = sum((ln.reward_part for ln in lines), rules.ZERO)
        formula, pool = "", rules.ZERO
        if scored:
            try:
                res = rules.pool_shares({k: ln.reward_part for k, ln in scored.items()},
                                        score_of,
                                        {k: ln.name for k, ln in scored.items()})
            except rules.RuleError as exc:
                for ct in towns:
                    ct.error = str(exc)
                continue
            for k, ln in scored.items():
                ln.reward = res.shares[k]
            formula, pool = res.formula, res.pool
        waiting = len(lines) - len(scored)
        if waiting:
            formula += f"；另有{waiting}人缺少年终目标考核得分，其奖励部分共{pool_all - pool}元待得分后分配"
            for ln in lines:
                if ln.score is None:
                    ln.note = "缺少年终目标考核得分，奖励补贴待分配"
        scope_word = "全县统筹" if towns[0].pool_scope == "county" else "本镇统筹"
        for ct in towns:
            ct.pool, ct.formula = pool_all, f"{scope_word}：{formula}"
