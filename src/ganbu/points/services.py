"""Every 积分 write: catalogue items, entries (record → second person approves), cycles, summaries,
threshold cases and publication (PTS-01..07)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ganbu.cases.services import case_open_from_finding
from ganbu.core.access import has_perm
from ganbu.core.attachments import attachment_store
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.notify import notify, users_with_role
from ganbu.core.policy import policy_resolve
from ganbu.core.recusal import RECUSED, is_subject
from ganbu.notices.models import NoticeKind
from ganbu.notices.services import notice_publish_with_policy
from ganbu.org.models import TOWNSHIP_KINDS, Org, Person
from ganbu.points import queries, rules
from ganbu.points.models import (
    Cycle,
    CycleSummary,
    Kind,
    PointEntry,
    PointItem,
    PointTally,
    Scope,
    ThresholdHit,
)

NO_PERMISSION = "您无权进行此操作"
SELF_APPROVAL = "记录人不能审核自己录入的积分，须由另一名有审核权限的人员审核"
NOT_PENDING = "该积分记录已处理"
NO_CYCLE = "本年度积分周期尚未建立，请先建立积分周期"
CYCLE_EXISTS = "该年度积分周期已建立"
CYCLE_CLOSED = "该积分周期已结束，不能再录入"
NOT_A_TOWNSHIP = "积分目录和周期只能由镇（街道）建立"
PERSON_NOT_RANKED = "该干部不在本积分目录的适用范围内"
REJECT_NEEDS_REASON = "退回必须填写原因"
BAD_NUMBER = "应为数字"


def policy_module(scope: str) -> str:
    return "points" if scope == Scope.VILLAGE else "points_township"


def _decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: BAD_NUMBER}) from None


def township_of(org: Org) -> Org:
    node = org
    while node is not None and node.kind not in TOWNSHIP_KINDS:
        node = node.parent
    if node is None:
        raise ValidationError({"单位": NOT_A_TOWNSHIP})
    return node


@transaction.atomic
def point_item_create(*, actor: Any, township: Org, scope: str, category: str, name: str, kind: str,
                      default_points: Any, cap_per_cycle: Any = None, evidence_required: bool = False,
                      village: Org | None = None, on: date | None = None) -> PointItem:
    """Add a catalogue item; a village item tailors the township's catalogue within the policy (PTS-02)."""
    if township.kind not in TOWNSHIP_KINDS:
        raise ValidationError({"单位": NOT_A_TOWNSHIP})
    if not has_perm(actor, "points.catalogue", (village or township).path):
        raise ValidationError({"权限": NO_PERMISSION})
    params = policy_resolve(policy_module(scope), township.path, on or timezone.localdate()).params
    errors: dict[str, str] = {}
    if category not in params.categories:
        errors["类别"] = rules.CATEGORY_NOT_IN_POLICY
    if village is not None and (not params.village_may_tailor or not village.path.startswith(township.path)):
        errors["适用村"] = rules.VILLAGE_TAILOR_FORBIDDEN
    if kind not in Kind.values:
        errors["加/扣分"] = "应为加分或扣分"
    if not name.strip():
        errors["项目"] = "必填"
    points = _decimal(default_points, "默认分值")
    cap = _decimal(cap_per_cycle, "每周期上限") if cap_per_cycle not in (None, "") else None
    if points <= 0:
        errors["默认分值"] = rules.POINTS_NOT_POSITIVE
    if errors:
        raise ValidationError(errors)
    item = PointItem(township=township, village=village, org_path=(village or township).path, scope=scope,
                     category=category, name=name.strip(), kind=kind, default_points=points, cap_per_cycle=cap,
                     evidence_required=evidence_required)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ValidationError({"项目": "同名项目已存在"}) from None
    audit_record(actor=actor, action="points.item_create", object_type="point_item", object_id=item.pk,
                 org_path=item.org_path, after=snapshot(item))
    return item


def cycle_open_plan(*, township: Org, year: int, scope: str = Scope.VILLAGE) -> str:
    """Read-only: what opening a cycle will do, in one sentence (the confirm step shows it)."""
    if township.kind not in TOWNSHIP_KINDS:
        raise ValidationError({"单位": NOT_A_TOWNSHIP})
    resolved = policy_resolve(policy_module(scope), township.path, date(year, 1, 1))
    start, half, end = rules.cycle_dates(year, resolved.params.cycle_months)
    if Cycle.objects.filter(township=township, scope=scope, year=year).exists():
        raise ValidationError({"年度": CYCLE_EXISTS})
    people = queries.ranked_people(township.path, scope).count()
    return (f"将建立{township.name}{year}年度{Scope(scope).label}积分周期：{start} 至 {end}，半周期汇总于 {half}；"
            f"适用 {people} 人；依据：{resolved.ref}。建立后周期及其细则版本不能更改。")


def ranking_publish_plan(*, summary: CycleSummary) -> str:
    """Read-only: what publishing a summary will put on the public board."""
    cycle = summary.cycle
    ranked = "不排名（本周期尚无审核通过的积分）" if summary.rows and summary.rows[0].get("rank") is None else \
        f"{len(summary.rows)} 人的名次、总分和扣分"
    return (f"将在{cycle.township.name}公示栏公开发布{cycle.year}年度积分{summary.get_kind_display()}（第 "
            f"{summary.version} 版）：{ranked}，奖励 {len(summary.rewards)} 人；不含身份证号和电话。"
            "发布后内容冻结，更正只能发布新版本。")


@transaction.atomic
def cycle_open(*, actor: Any, township: Org, year: int, scope: str = Scope.VILLAGE) -> Cycle:
    """Open a year's cycle with the policy in force on its first day (POL-03)."""
    if township.kind not in TOWNSHIP_KINDS:
        raise ValidationError({"单位": NOT_A_TOWNSHIP})
    if not has_perm(actor, "points.catalogue", township.path):
        raise ValidationError({"权限": NO_PERMISSION})
    resolved = policy_resolve(policy_module(scope), township.path, date(year, 1, 1))
    start, half, end = rules.cycle_dates(year, resolved.params.cycle_months)
    if Cycle.objects.filter(township=township, scope=scope, year=year).exists():
        raise ValidationError({"年度": CYCLE_EXISTS})
    cycle = Cycle.objects.create(township=township, org_path=township.path, scope=scope, year=year, start=start,
                                 half=half, end=end, policy_version_id=resolved.version_id,
                                 policy_ref=resolved.ref)
    audit_record(actor=actor, action="points.cycle_open", object_type="point_cycle", object_id=cycle.pk,
                 org_path=township.path, after=snapshot(cycle))
    return cycle


def cycle_for(person: Person, scope: str, on: date) -> Cycle | None:
    return Cycle.objects.filter(org_path=person.org_path[:9], scope=scope, start__lte=on, end__gte=on).first()


SUBMIT_KEY_MAX = 64
SUBMIT_KEY_TOO_LONG = "提交标识过长（最多 64 个字符）"


@transaction.atomic
def point_entry_record(*, actor: Any, person: Person, item_id: Any, points: Any, on: date, note: str,
                       evidence: Any = None, submit_key: str | None = None) -> PointEntry:
    """The office records an entry; it counts only once a second person approves it (PTS-02).

    Errors (Chinese, by field) leave nothing written: item not in the cadre's catalogue, points
    above the item's per-cycle cap, a deduction without its required evidence.
    """
    if submit_key and len(submit_key) > SUBMIT_KEY_MAX:
        raise ValidationError({"提交标识": SUBMIT_KEY_TOO_LONG})
    if submit_key:
        existing = PointEntry.objects.filter(submit_key=submit_key).first()
        if existing is not None:
            return existing
    if not has_perm(actor, "points.record", person.org_path):
        raise ValidationError({"权限": NO_PERMISSION})
    if is_subject(actor, person):  # 回避: nobody records points about himself
        raise ValidationError({"干部": RECUSED})
    scope = Scope.VILLAGE if len(person.org_path) == 12 else Scope.TOWNSHIP
    if not queries.ranked_people(person.org_path[:9], scope).filter(pk=person.pk).exists():
        raise ValidationError({"干部": PERSON_NOT_RANKED})
    cycle = cycle_for(person, scope, on)
    if cycle is None:
        raise ValidationError({"发生日期": NO_CYCLE})
    if cycle.status == Cycle.Status.CLOSED:
        raise ValidationError({"发生日期": CYCLE_CLOSED})
    try:
        item = PointItem.objects.select_related("village").get(pk=int(item_id))
    except (PointItem.DoesNotExist, ValueError, TypeError):
        item = None
    if points in (None, "") and item is not None:
        points = item.default_points  # blank: the catalogue's default points
    value = _decimal(points, "分值")
    facts = None
    if item is not None:
        in_scope = (item.township_id == cycle.township_id and item.scope == scope
                    and (item.village_id is None or item.village_id == person.org_id))
        facts = rules.ItemFacts(kind=item.kind, cap_per_cycle=item.cap_per_cycle,
                                evidence_required=item.evidence_required, active=item.active, in_scope=in_scope)
    # Lock the cadre's row so two recorders cannot both slip under the cap.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    used = queries.used_points(cycle, person.pk, item.pk) if item is not None else Decimal(0)
    errors = rules.entry_errors(facts, points=value, used=used, has_evidence=bool(evidence), on=on,
                                cycle_start=cycle.start, cycle_end=cycle.end)
    if errors:
        raise ValidationError(errors)
    assert item is not None
    attachment = attachment_store(actor=actor, upload=evidence, org_path=person.org_path) if evidence else None
    try:
        with transaction.atomic():  # a savepoint: a second click racing in with the same key loses here
            entry = PointEntry.objects.create(
                cycle=cycle, person=person, item=item, org_path=person.org_path,
                points=value if item.kind == Kind.ADD else -value, date=on, note=note.strip()[:300],
                evidence=attachment, recorded_by=actor, submit_key=submit_key or None,
                policy_version_id=cycle.policy_version_id, policy_ref=cycle.policy_ref,
            )
    except IntegrityError:
        existing = PointEntry.objects.filter(submit_key=submit_key).first() if submit_key else None
        if existing is None:
            raise
        return existing
    audit_record(actor=actor, action="points.record", object_type="point_entry", object_id=entry.pk,
                 org_path=entry.org_path, after=snapshot(entry))
    return entry


@transaction.atomic
def point_entry_approve(*, actor: Any, entry: PointEntry) -> PointEntry:
    """A second authorised person approves: the recorder can never approve his own entry."""
    entry = PointEntry.objects.select_for_update().get(pk=entry.pk)
    if not has_perm(actor, "points.approve", entry.org_path):
        raise ValidationError({"权限": NO_PERMISSION})
    if is_subject(actor, entry.person_id):  # 回避: nor approves or rejects them
        raise ValidationError({"审核人": RECUSED})
    if entry.recorded_by_id == actor.pk:
        raise ValidationError({"审核人": SELF_APPROVAL})
    if entry.status != PointEntry.Status.PENDING:
        raise ValidationError({"状态": NOT_PENDING})
    before = snapshot(entry)
    entry.status = PointEntry.Status.APPROVED
    entry.approved_by = actor
    entry.approved_at = timezone.now()
    entry.save(update_fields=["status", "approved_by", "approved_at"])
    tally_refresh(person_ids=[entry.person_id], cycle_ids=[entry.cycle_id])
    audit_record(actor=actor, action="points.approve", object_type="point_entry", object_id=entry.pk,
                 org_path=entry.org_path, before=before, after=snapshot(entry))
    return entry


@transaction.atomic
def point_entry_reject(*, actor: Any, entry: PointEntry, reason: str) -> PointEntry:
    entry = PointEntry.objects.select_for_update().get(pk=entry.pk)
    if not has_perm(actor, "points.approve", entry.org_path):
        raise ValidationError({"权限": NO_PERMISSION})
    if is_subject(actor, entry.person_id):  # 回避: nor approves or rejects them
        raise ValidationError({"审核人": RECUSED})
    if entry.recorded_by_id == actor.pk:
        raise ValidationError({"审核人": SELF_APPROVAL})
    if entry.status != PointEntry.Status.PENDING:
        raise ValidationError({"状态": NOT_PENDING})
    if not reason.strip():
        raise ValidationError({"退回原因": REJECT_NEEDS_REASON})
    before = snapshot(entry)
    entry.status = PointEntry.Status.REJECTED
    entry.approved_by = actor
    entry.approved_at = timezone.now()
    entry.reject_reason = reason.strip()[:300]
    entry.save(update_fields=["status", "approved_by", "approved_at", "reject_reason"])
    audit_record(actor=actor, action="points.reject", object_type="point_entry", object_id=entry.pk,
                 org_path=entry.org_path, before=before, after=snapshot(entry), reason=reason)
    return entry


def _row_json(r: rules.RankRow, ranked: bool = True) -> dict[str, Any]:
    return {"person_id": r.person_id, "name": r.name, "village": r.village, "total": str(r.total),
            "deductions": str(r.deductions), "rank": r.rank if ranked else None}


@dataclass
class SummaryPlan:
    """What a summary will freeze, computed by the rules the summary itself uses: the preview shows
    it and asks to confirm, then ``cycle_summarise`` writes the same thing."""

    cycle: Cycle
    kind: str
    resolved: Any
    rows: list[rules.RankRow]
    scored: bool
    villages: list[dict[str, Any]] = field(default_factory=list)
    low: list[rules.RankRow] = field(default_factory=list)
    paid: list[rules.Reward] = field(default_factory=list)
    warnings: int = 0  # PTS-06 cases a final ranking will open

    @property
    def reward_total(self) -> Decimal:
        return sum((w.amount for w in self.paid), Decimal("0.00"))

    def text(self) -> str:
        """One sentence of what will happen, e.g. for the confirm step."""
        label = CycleSummary.Kind(self.kind).label
        if not self.scored:
            return f"将生成{label}：参加 {len(self.rows)} 人，{rules.NOBODY_SCORED}。"
        out = f"将生成{label}：参加排名 {len(self.rows)} 人，约谈提醒 {len(self.low)} 人"
        if self.kind == CycleSummary.Kind.FINAL:
            out += f"，奖励 {len(self.paid)} 人、合计 {self.reward_total} 元，积分警示问责事项 {self.warnings} 件"
            out += "，周期随即结束（不能再录入）"
        return out + "。"


def cycle_summary_plan(*, cycle: Cycle, kind: str) -> SummaryPlan:
    """Read-only: the ranking, reminder list, rewards and warnings a summary would freeze now."""
    on = cycle.half if kind == CycleSummary.Kind.HALF else cycle.end
    resolved = policy_resolve(policy_module(cycle.scope), cycle.org_path,
                              min(on, max(cycle.start, timezone.localdate())))
    params = resolved.params
    rows = queries.ranking(cycle.org_path, cycle.scope, cycle.year)
    plan = SummaryPlan(cycle=cycle, kind=kind, resolved=resolved, rows=rows, scored=rules.any_scored(rows))
    plan.villages = queries.village_summary(cycle.org_path, cycle.year) if cycle.scope == Scope.VILLAGE else []
    plan.low = rules.low_scorers(rows, getattr(params, "bottom_group_size", None), params.reward_proportion)
    if kind == CycleSummary.Kind.FINAL:
        plan.paid = rules.rewards(rows, params.reward_proportion, params.reward_per_person)
        if cycle.scope == Scope.VILLAGE:
            plan.warnings = len(rules.threshold_findings(
                params, rows, prior_hits={}, cycle_key=f"{cycle.pk}", cycle_label=f"{cycle.year}年度",
                township_path=cycle.org_path, due=None, policy_version_id=resolved.version_id,
                policy_ref=resolved.ref))
    return plan


@transaction.atomic
def cycle_summarise(*, actor: Any, cycle: Cycle, kind: str) -> CycleSummary:
    """Freeze a half-cycle summary (PTS-03) or the year-end ranking (PTS-04/05); at year end the
    PTS-06 thresholds open cases, the second time in the term proposing removal or recall. A cycle
    nobody has been scored in ranks nobody: no reminders, no rewards, no warnings."""
    if not has_perm(actor, "points.publish", cycle.org_path):
        raise ValidationError({"权限": NO_PERMISSION})
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    plan = cycle_summary_plan(cycle=cycle, kind=kind)
    resolved, rows, low, paid = plan.resolved, plan.rows, plan.low, plan.paid
    version = (CycleSummary.objects.filter(cycle=cycle, kind=kind).aggregate(m=Max("version"))["m"] or 0) + 1
    summary = CycleSummary.objects.create(
        cycle=cycle, kind=kind, version=version, rows=[_row_json(r, plan.scored) for r in rows],
        villages=[{"name": v["name"], "cadres": v["cadres"], "total": str(v["total"]), "average": v["average"],
                   "rank": v["rank"] if plan.scored else None} for v in plan.villages],
        low_scorers=[_row_json(r) for r in low],
        rewards=[{"person_id": w.person_id, "name": w.name, "rank": w.rank, "amount": str(w.amount)} for w in paid],
        created_by=actor, policy_version_id=resolved.version_id, policy_ref=resolved.ref,
    )
    audit_record(actor=actor, action=f"points.summary_{kind}", object_type="point_summary", object_id=summary.pk,
                 org_path=cycle.org_path, after={"rows": len(rows), "version": version, "scored": plan.scored})
    if low:
        names = "、".join(r.name for r in low)
        leaders = users_with_role("township_secretary", cycle.org_path) + users_with_role("township_office",
                                                                                         cycle.org_path)
        transaction.on_commit(lambda: notify(
            users=leaders, title=f"积分{summary.get_kind_display()}：{len(low)}人需约谈提醒",
            body=f"积分较低、靠后：{names}", url=f"/points/circular/{summary.pk}.pdf", kind="points_reminder",
            key=f"points_reminder:{summary.pk}"))
    if kind == CycleSummary.Kind.FINAL and cycle.scope == Scope.VILLAGE and plan.scored:
        thresholds_evaluate(actor=actor, cycle=cycle, rows=rows, resolved=resolved)
    if kind == CycleSummary.Kind.FINAL and cycle.status != Cycle.Status.CLOSED:
        cycle.status = Cycle.Status.CLOSED
        cycle.save(update_fields=["status"])
    return summary


def thresholds_evaluate(*, actor: Any, cycle: Cycle, rows: list[rules.RankRow], resolved: Any) -> list[ThresholdHit]:
    """PTS-06, idempotent per (cadre, cycle): history across cycles decides first or second time."""
    params = resolved.params
    term_start = params.term_start or date(1900, 1, 1)
    prior: dict[int, int] = {}
    for pid in ThresholdHit.objects.filter(cycle__start__gte=term_start, cycle__scope=cycle.scope,
                                           org_path__startswith=cycle.org_path) \
            .exclude(cycle=cycle).values_list("person_id", flat=True):
        prior[pid] = prior.get(pid, 0) + 1
    # Who acts by when is the cases policy's due period (DSC-01), not a points number.
    due_days = policy_resolve("cases", cycle.org_path, timezone.localdate()).params.due_days
    due = timezone.localdate() + timedelta(days=due_days) if due_days else None
    decisions = rules.threshold_findings(params, rows, prior_hits=prior, cycle_key=f"{cycle.pk}",
                                         cycle_label=f"{cycle.year}年度", township_path=cycle.org_path, due=due,
                                         policy_version_id=resolved.version_id, policy_ref=resolved.ref)
    by_id = {r.person_id: r for r in rows}
    hits = []
    for d in decisions:
        case, _ = case_open_from_finding(finding=d.finding, actor=actor)
        row = by_id[d.person_id]
        hit, _ = ThresholdHit.objects.get_or_create(
            person_id=d.person_id, cycle=cycle,
            defaults={"org_path": row.org_path, "level": d.level, "deductions": row.deductions, "rank": row.rank,
                      "ranked": len(rows), "reasons": d.reasons, "case": case,
                      "policy_version_id": resolved.version_id, "policy_ref": resolved.ref},
        )
        hits.append(hit)
    return hits


def ranking_publish(*, actor: Any, summary: CycleSummary) -> Any:
    """Publish a summary as a frozen public notice (PUB-01/02): names, villages, totals, ranks — no IDs."""
    cycle = summary.cycle
    if not has_perm(actor, "points.publish", cycle.org_path):
        raise ValidationError({"权限": NO_PERMISSION})
    title = f"{cycle.township.name}{cycle.year}年度{cycle.get_scope_display()}积分{summary.get_kind_display()}"
    content = {"tie_method": rules.TIE_METHOD, "columns": ["名次", "姓名", "所在村", "总分", "扣分"],
               "rows": [[r["rank"], r["name"], r["village"], r["total"], r["deductions"]] for r in summary.rows],
               "villages": summary.villages, "rewards": summary.rewards, "policy_ref": summary.policy_ref}
    version = notice_publish_with_policy(
        actor=actor, org=cycle.township, kind=NoticeKind.POINTS_RANKING,
        key=f"points:{cycle.pk}:{summary.kind}", title=title, content=content, period=str(cycle.year),
        policy_ref=summary.policy_ref)
    summary.notice = version
    summary.save(update_fields=["notice"])
    return version


def cycle_appeal_target(object_id: str, user: Any) -> Any:
    """An appeal against one's own score in a cycle (DSC-02): the period runs from the latest summary."""
    from ganbu.cases.services import AppealTarget
    from ganbu.core.access import NotFound

    person = getattr(user, "person", None)
    try:
        cycle = Cycle.objects.get(pk=int(object_id))
    except (Cycle.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if person is None or not person.org_path.startswith(cycle.org_path):
        raise NotFound()
    last = cycle.summaries.order_by("-created_at").first()
    start = timezone.localtime(last.created_at).date() if last else timezone.localdate()
    return AppealTarget(person_id=person.pk, org_path=person.org_path, start=start, object_type="point_cycle",
                        object_id=str(cycle.pk))


def tally_refresh(*, cycle_ids: list[int] | None = None, person_ids: list[int] | None = None) -> int:
    """Recount ``PointTally`` from approved entries: one GROUP BY and one bulk upsert. Called by
    every write that approves entries; bulk loads call it once for their cycles."""
    from django.db.models import Count, Q, Sum

    qs = PointEntry.objects.filter(status=PointEntry.Status.APPROVED)
    if cycle_ids is not None:
        qs = qs.filter(cycle_id__in=cycle_ids)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    rows = [
        PointTally(person_id=r["person_id"], cycle_id=r["cycle_id"], org_path=r["path"], total=r["total"],
                   deductions=r["deductions"] or 0, entries=r["n"])
        for r in qs.values("person_id", "cycle_id").annotate(
            path=Max("org_path"), total=Sum("points"), deductions=Sum("points", filter=Q(points__lt=0)),
            n=Count("id")).order_by()
    ]
    PointTally.objects.bulk_create(rows, batch_size=5000, update_conflicts=True,
                                   unique_fields=["person", "cycle"],
                                   update_fields=["org_path", "total", "deductions", "entries"])
    return len(rows)
