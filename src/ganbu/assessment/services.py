"""Every write of the 千分制 (KPI-01..08): one transaction, one audit row, row locks where raters race."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from ganbu.assessment import rules
from ganbu.assessment.models import (
    AnnualResult,
    AssessmentItem,
    AssessmentTemplate,
    DutyReport,
    InspectionCircular,
    InspectionEntry,
    ItemScore,
    StageScore,
    ThreeEvaluation,
)
from ganbu.assessment.policy import MODULE, AssessmentPolicy
from ganbu.assessment.queries import is_rater, standings, villages_of
from ganbu.core.access import NotFound, has_perm
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.policy import PolicyMissing, ResolvedPolicy, policy_resolve
from ganbu.core.recusal import RECUSED, is_subject
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Org, OrgKind, Person

TEMPLATE_EXISTS = "{township}{year}年度的千分制考核方案已存在"
RATER_INVALID = "第 {n} 项的评分单位应为本镇（街道）或本县的县直部门"
NOT_RATER = "您不是「{item}」的指定评分单位（{rater}）人员，不能评分"
TEMPLATE_FINAL = "该年度考核结果已汇总，不能再修改评分"
VILLAGE_NOT_IN_TOWNSHIP = "「{village}」不属于{township}"
NOT_A_NUMBER = "「{field}」应为数字"
MISSING = "以下评分尚未完成，不能汇总：{list}"
STAGE_INVALID = "阶段应为 1 至 {n}"
PART_ABOVE_TOTAL = "「{field}」应在 0 至 {total} 分之间"
NO_POLICY = "{org}在{on}没有施行中的「千分制考核」细则，请先在细则设置中施行"
REPORT_HALF = "半年应为 1（上半年）或 2（下半年）"
REPORT_AUDIENCE = "请至少选择一个述职对象"
REPORT_SUMMARY = "请填写履职和承诺履行情况"
REPORT_NOT_VILLAGE = "述职人应为村（社区）干部"
REPORT_EXISTS = "{person}{year}年{half}的述职已登记"
FINDING_EMPTY = "请填写督查情况"
CIRCULAR_EMPTY = "{month}没有督查记录，不能发布通报"
NOT_FINAL = "请先汇总年度结果再发布"

RESULT_COLUMNS = ["类别", "名次", "村（社区）", "主要负责人", "总得分", "目标考核奖（元）"]
CIRCULAR_COLUMNS = ["类别", "村（社区）", "干部", "督查日期", "督查情况", "整改要求"]
AUDIENCES = [("committee", "办事处（镇）党委"), ("party_meeting", "村（社区）党员大会"),
             ("villager_meeting", "村（居）民代表会议或村（居）民会议")]


class AssessmentError(ValueError):
    """Bad input: one or more Chinese messages; nothing was changed."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("；".join(self.errors))


def _require(actor: Any, perm: str, path: str) -> None:
    if not has_perm(actor, perm, path):
        raise NotFound()


def _recuse_village(actor: Any, village: Org) -> None:
    """回避: a village's score judges its principal cadres, so none of them enters it."""
    from ganbu.org.models import Post

    if getattr(actor, "person_id", None) and Post.objects.filter(
            org=village, person_id=actor.person_id, principal=True, end__isnull=True).exists():
        raise AssessmentError(RECUSED)


def policy_for(org: Org, on: date) -> ResolvedPolicy[AssessmentPolicy]:
    try:
        return policy_resolve(MODULE, org.path, on)
    except PolicyMissing:
        raise AssessmentError(NO_POLICY.format(org=org.name, on=on)) from None


def parse_decimal(value: Any, field: str) -> Decimal:
    try:
        out = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AssessmentError(NOT_A_NUMBER.format(field=field)) from None
    if not out.is_finite():
        raise AssessmentError(NOT_A_NUMBER.format(field=field))
    return rules.q2(out)


def _year_end(year: int) -> date:
    return date(year, 12, 31)


# ---- KPI-01: template ------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemInput:
    name: str
    max_points: Any
    rater_id: int
    basis: str = ""


@transaction.atomic
def template_create(*, actor: Any, township: Org, year: int, items: list[ItemInput], title: str = "") -> AssessmentTemplate:
    """A township's 千分制 scheme for a year. Items must sum to the policy total (1000 by default)."""
    _require(actor, "assessment.manage", township.path)
    resolved = policy_for(township, _year_end(year))
    policy: AssessmentPolicy = resolved.params
    errors, parsed = _item_errors(policy, township, items)
    if AssessmentTemplate.objects.filter(township=township, year=year).exists():
        errors.insert(0, TEMPLATE_EXISTS.format(township=township.name, year=year))
    if errors:
        raise AssessmentError(errors)
    tpl = AssessmentTemplate.objects.create(
        township=township, org_path=township.path, year=year, title=title or f"{township.name}{year}年度村（社区）千分制考核",
        total_points=policy.total_points, policy_version_id=resolved.version_id, policy_ref=resolved.ref,
        created_by=actor,
    )
    AssessmentItem.objects.bulk_create([
        AssessmentItem(template=tpl, order=n, name=name, basis=item.basis, max_points=maximum, rater_id=item.rater_id)
        for n, ((name, maximum), item) in enumerate(zip(parsed, items, strict=True), start=1)
    ])
    audit_record(actor=actor, action="assessment.template_create", object_type="assessment_template",
                 object_id=tpl.pk, org_path=tpl.org_path,
                 after={**snapshot(tpl), "items": [[n, str(m), i.rater_id] for (n, m), i in zip(parsed, items, strict=True)]})
    return tpl


ITEMS_LOCKED = "已有评分，不能再修改考核项目"


def _item_errors(policy: AssessmentPolicy, township: Org, items: list[ItemInput]) -> tuple[list[str], list[tuple[str, Decimal]]]:
    errors: list[str] = []
    parsed: list[tuple[str, Decimal]] = []
    raters: dict[int, Org] = {o.pk: o for o in Org.objects.filter(pk__in=[i.rater_id for i in items])}
    for n, item in enumerate(items, start=1):
        try:
            parsed.append((item.name.strip(), parse_decimal(item.max_points, f"第 {n} 项满分")))
        except AssessmentError as exc:
            errors += exc.errors
            parsed.append((item.name.strip(), Decimal(0)))
        rater = raters.get(item.rater_id)
        if rater is None or not (rater.pk == township.pk or (
                rater.kind == OrgKind.DEPARTMENT and rater.path.startswith(township.path[:6]))):
            errors.append(RATER_INVALID.format(n=n))
    return rules.template_errors(policy, parsed) + errors, parsed


@transaction.atomic
def template_items_replace(*, actor: Any, template: AssessmentTemplate, items: list[ItemInput]) -> AssessmentTemplate:
    """Correct a template's items before anyone has scored (the same checks as at creation)."""
    _require(actor, "assessment.manage", template.org_path)
    template = _open(template)
    if ItemScore.objects.filter(item__template=template).exists():
        raise AssessmentError(ITEMS_LOCKED)
    township = Org.objects.get(pk=template.township_id)
    policy: AssessmentPolicy = policy_for(township, _year_end(template.year)).params
    errors, parsed = _item_errors(policy, township, items)
    if errors:
        raise AssessmentError(errors)
    before = [[i.name, str(i.max_points), i.rater_id] for i in template.items.all()]
    template.items.all().delete()
    AssessmentItem.objects.bulk_create([
        AssessmentItem(template=template, order=n, name=name, basis=item.basis, max_points=maximum,
                       rater_id=item.rater_id)
        for n, ((name, maximum), item) in enumerate(zip(parsed, items, strict=True), start=1)
    ])
    audit_record(actor=actor, action="assessment.template_items", object_type="assessment_template",
                 object_id=template.pk, org_path=template.org_path, before={"items": before},
                 after={"items": [[n, str(m), i.rater_id] for (n, m), i in zip(parsed, items, strict=True)]})
    return template


def default_items(policy: AssessmentPolicy, township: Org) -> list[ItemInput]:
    """Items prefilled from the policy's item structure (S1's four bases), rated by the township."""
    maxima = policy.item_default_max or [0] * len(policy.item_bases)
    return [ItemInput(name=b, max_points=m, rater_id=township.pk, basis=b)
            for b, m in zip(policy.item_bases, maxima, strict=False)]


def _village_of(template: AssessmentTemplate, village: Org) -> None:
    if village.parent_id != template.township_id or village.kind not in VILLAGE_KINDS:
        raise AssessmentError(VILLAGE_NOT_IN_TOWNSHIP.format(village=village.name, township=template.township.name))


def _open(template: AssessmentTemplate) -> AssessmentTemplate:
    locked = AssessmentTemplate.objects.select_for_update().get(pk=template.pk)
    if locked.status == AssessmentTemplate.Status.FINAL:
        raise AssessmentError(TEMPLATE_FINAL)
    return locked


# ---- KPI-01: scores by the designated rater --------------------------------------------------

@transaction.atomic
def score_enter(*, actor: Any, item: AssessmentItem, village: Org, score: Any, note: str = "") -> ItemScore:
    """A designated rater's score for one village on one item (≤ the item's maximum)."""
    if not is_rater(actor, item.rater):
        raise AssessmentError(NOT_RATER.format(item=item.name, rater=item.rater.name))
    _recuse_village(actor, village)
    template = _open(item.template)
    _village_of(template, village)
    value = parse_decimal(score, item.name)
    err = rules.score_error(item.name, value, item.max_points)
    if err:
        raise AssessmentError(err)
    existing = ItemScore.objects.select_for_update().filter(item=item, village=village).first()
    before = snapshot(existing) if existing else None
    row, _ = ItemScore.objects.update_or_create(
        item=item, village=village,
        defaults={"score": value, "note": note.strip(), "scored_by": actor, "org_path": village.path},
    )
    audit_record(actor=actor, action="assessment.score", object_type="assessment_score", object_id=row.pk,
                 org_path=village.path, before=before, after=snapshot(row))
    return row


@transaction.atomic
def three_evaluation_enter(*, actor: Any, template: AssessmentTemplate, village: Org, self_score: Any,
                           public_score: Any) -> ThreeEvaluation:
    """KPI-02: the village's self-evaluation and the party-member & public evaluation (0..total)."""
    _require(actor, "assessment.score", village.path)
    _recuse_village(actor, village)
    template = _open(template)
    _village_of(template, village)
    values: dict[str, Decimal | None] = {}
    for key, label, raw in (("self_score", "基层组织自评", self_score), ("public_score", "党员群众测评", public_score)):
        if raw in (None, ""):
            values[key] = None
            continue
        value = parse_decimal(raw, label)
        if value < 0 or value > template.total_points:
            raise AssessmentError(PART_ABOVE_TOTAL.format(field=label, total=template.total_points))
        values[key] = value
    existing = ThreeEvaluation.objects.select_for_update().filter(template=template, village=village).first()
    before = snapshot(existing) if existing else None
    row, _ = ThreeEvaluation.objects.update_or_create(
        template=template, village=village, defaults={**values, "entered_by": actor, "org_path": village.path})
    audit_record(actor=actor, action="assessment.three_evaluation", object_type="assessment_three", object_id=row.pk,
                 org_path=village.path, before=before, after=snapshot(row))
    return row


@transaction.atomic
def stage_score_enter(*, actor: Any, template: AssessmentTemplate, village: Org, stage: int, score: Any) -> StageScore:
    """KPI-07: the township's stage assessment of a village team (0..total)."""
    _require(actor, "assessment.score", village.path)
    _recuse_village(actor, village)
    template = _open(template)
    _village_of(template, village)
    policy: AssessmentPolicy = policy_for(template.township, _year_end(template.year)).params
    n = policy.stage_count or 1
    if not 1 <= int(stage) <= n:
        raise AssessmentError(STAGE_INVALID.format(n=n))
    value = parse_decimal(score, f"第{stage}阶段得分")
    if value < 0 or value > template.total_points:
        raise AssessmentError(PART_ABOVE_TOTAL.format(field=f"第{stage}阶段得分", total=template.total_points))
    existing = StageScore.objects.select_for_update().filter(template=template, village=village, stage=stage).first()
    before = snapshot(existing) if existing else None
    row, _ = StageScore.objects.update_or_create(
        template=template, village=village, stage=int(stage),
        defaults={"score": value, "entered_by": actor, "org_path": village.path})
    audit_record(actor=actor, action="assessment.stage_score", object_type="assessment_stage", object_id=row.pk,
                 org_path=village.path, before=before, after=snapshot(row))
    return row


# ---- KPI-02/04/05/07: year-end results -------------------------------------------------------

@transaction.atomic
def results_finalize(*, actor: Any, template: AssessmentTemplate) -> list[AnnualResult]:
    """Combine 三评 into each village's result, set pay and rewards, then apply KPI-04.

    Refused (nothing written) while any designated score or weighted 三评 part is missing.
    """
    _require(actor, "assessment.manage", template.org_path)
    template = AssessmentTemplate.objects.select_for_update().select_related("township").get(pk=template.pk)
    township = template.township
    resolved = policy_for(township, _year_end(template.year))
    policy: AssessmentPolicy = resolved.params
    weights = rules.weights_of(policy)
    villages = list(villages_of(township, _year_end(template.year)))
    items = list(template.items.all())
    scores: dict[tuple[int, int], Decimal] = {
        (s.village_id, s.item_id): s.score for s in ItemScore.objects.filter(item__template=template)}
    three = {t.village_id: t for t in template.three_evaluations.all()}
    stages: dict[int, list[Decimal]] = {}
    for st in template.stage_scores.order_by("stage"):
        stages.setdefault(st.village_id, []).append(st.score)
    missing: list[str] = []
    for v in villages:
        gaps = [it.name for it in items if (v.pk, it.pk) not in scores]
        t = three.get(v.pk)
        if weights.self_ and (t is None or t.self_score is None):
            gaps.append("基层组织自评")
        if weights.public and (t is None or t.public_score is None):
            gaps.append("党员群众测评")
        if gaps:
            missing.append(f"{v.name}（{'、'.join(gaps)}）")
    if missing:
        raise AssessmentError(MISSING.format(list="；".join(missing)))
    rows = []
    for v in villages:
        superior = sum((scores[(v.pk, it.pk)] for it in items), Decimal(0))
        t = three.get(v.pk)
        self_score = t.self_score if t else None
        public_score = t.public_score if t else None
        total = rules.three_evaluations(weights, self_score=self_score, public_score=public_score,
                                        superior_score=superior)
        pay = rules.assessment_pay(policy, stage_scores=stages.get(v.pk, []), year_total=total)
        mean = (rules.q2(sum(stages[v.pk], Decimal(0)) / len(stages[v.pk])) if stages.get(v.pk) else None)
        row, _ = AnnualResult.objects.update_or_create(
            village=v, year=template.year,
            defaults={
                "township": township, "org_path": v.path, "kind": v.kind, "village_name": v.name,
                "superior_score": superior, "self_score": self_score, "public_score": public_score, "total": total,
                "stage_mean": mean, "pay": pay.pay, "budget": pay.budget, "reward": None,
                "source": AnnualResult.Source.COMPUTED, "template": template,
                "policy_version_id": resolved.version_id, "policy_ref": resolved.ref,
            },
        )
        rows.append(row)
    template.status = AssessmentTemplate.Status.FINAL
    template.finalized_at = timezone.now()
    template.save(update_fields=["status", "finalized_at"])
    cases, rewards = year_evaluate(actor=actor, township=township, year=template.year, resolved=resolved)
    audit_record(actor=actor, action="assessment.finalize", object_type="assessment_template", object_id=template.pk,
                 org_path=template.org_path,
                 after={"results": {r.village_name: str(r.total) for r in rows}, "policy_ref": resolved.ref,
                        "rewards": {str(k): str(v) for k, v in rewards.items()}, "cases": [c.pk for c in cases]})
    for row in rows:
        row.reward = rewards.get(row.village_id)
    return rows


def year_evaluate(*, actor: Any, township: Org, year: int,
                  resolved: ResolvedPolicy[AssessmentPolicy] | None = None) -> tuple[list[Any], dict[int, Decimal]]:
    """KPI-04 and KPI-05 over the stored history (computed and imported). Idempotent: cases by key."""
    from ganbu.cases.services import case_open_from_finding

    resolved = resolved or policy_for(township, _year_end(year))
    policy = resolved.params
    years = list(range(year - policy.removal_consecutive_years + 1, year + 1))
    today = timezone.localdate()
    history = standings(township, years, min(today, _year_end(year)))
    rewards = rules.reward_amounts(policy, history, year)
    for village_id, amount in rewards.items():
        AnnualResult.objects.filter(village_id=village_id, year=year).update(reward=amount)
    AnnualResult.objects.filter(township=township, year=year).exclude(village_id__in=list(rewards)).update(reward=None)
    findings = rules.last_place_findings(policy, history, year, decided_on=today,
                                         policy_version_id=resolved.version_id, policy_ref=resolved.ref)
    return [case_open_from_finding(finding=f, actor=actor)[0] for f in findings], rewards


@transaction.atomic
def results_publish(*, actor: Any, template: AssessmentTemplate) -> Any:
    """Publish the year's ranking as a frozen notice (a change is a new version)."""
    from ganbu.assessment.queries import principals, results_ranked
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish

    _require(actor, "notices.publish", template.org_path)
    template = AssessmentTemplate.objects.select_for_update().select_related("township").get(pk=template.pk)
    if template.status != AssessmentTemplate.Status.FINAL:
        raise AssessmentError(NOT_FINAL)
    ranked = list(results_ranked(template.township, template.year))
    heads = principals([r.village_id for r in ranked], min(timezone.localdate(), _year_end(template.year)))
    rows = [
        [r.get_kind_display(), r.rank, r.village_name, getattr(heads.get(r.village_id), "name", ""), str(r.total),
         str(r.reward) if r.reward is not None else ""]
        for r in ranked
    ]
    policy: AssessmentPolicy = policy_for(template.township, _year_end(template.year)).params
    version = notice_publish(
        actor=actor, org=template.township, kind=NoticeKind.ASSESSMENT_RESULT,
        key=f"assessment:result:{template.org_path}:{template.year}",
        title=f"{template.township.name}{template.year}年度村（社区）千分制考核结果",
        content={"columns": RESULT_COLUMNS, "rows": rows, "tie_method": rules.TIE_METHOD,
                 "text": f"末位处理：{rules.last_method(policy)}。"},
        period=str(template.year), policy_ref=template.policy_ref,
    )
    template.notice_version = version
    template.save(update_fields=["notice_version"])
    audit_record(actor=actor, action="assessment.publish", object_type="assessment_template", object_id=template.pk,
                 org_path=template.org_path, after={"notice_version": version.pk})
    return version


# ---- KPI-08: import past years ---------------------------------------------------------------

IMPORT_HEADERS = ["年度", "村（社区）代码", "村（社区）名称", "得分"]
IMPORT_NO_SHEET = "文件中没有数据"
IMPORT_HEADER = "第 1 行表头应为：{headers}"
IMPORT_YEAR = "第 {row} 行：年度「{value}」不是有效年份"
IMPORT_FUTURE = "第 {row} 行：{year} 年不是往年，本年度结果请通过评分汇总产生"
IMPORT_CODE = "第 {row} 行：代码「{value}」不是{township}的村（社区）"
IMPORT_NAME = "第 {row} 行：名称「{value}」与代码对应的「{name}」不一致"
IMPORT_SCORE = "第 {row} 行：得分「{value}」应为 0 至 {total} 的数字"
IMPORT_DUP = "第 {row} 行：{name}{year}年与第 {first} 行重复"
IMPORT_COMPUTED = "第 {row} 行：{name}{year}年已有系统计算结果，不能用导入覆盖"
IMPORT_FILE = "无法读取文件：请上传 .xlsx 或 .xls"


@transaction.atomic
def results_import(*, actor: Any, township: Org, content: bytes, filename: str) -> list[AnnualResult]:
    """Past years' results from Excel (KPI-08). Every row is checked first; any bad row → nothing written."""
    from ganbu.reports.excel import read_rows

    _require(actor, "assessment.manage", township.path)
    today = timezone.localdate()
    resolved = policy_for(township, today)
    policy: AssessmentPolicy = resolved.params
    try:
        sheets = read_rows(content, filename)
    except Exception:  # noqa: BLE001 — any unreadable upload is one Chinese message
        raise AssessmentError(IMPORT_FILE) from None
    rows = next(iter(sheets.values()), []) if sheets else []
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise AssessmentError(IMPORT_NO_SHEET)
    header = [str(c or "").strip() for c in rows[0]][: len(IMPORT_HEADERS)]
    if header != IMPORT_HEADERS:
        raise AssessmentError(IMPORT_HEADER.format(headers="、".join(IMPORT_HEADERS)))
    villages = {o.code: o for o in Org.objects.filter(parent=township, kind__in=list(VILLAGE_KINDS))
                if o.code}
    computed = set(AnnualResult.objects.filter(township=township, source=AnnualResult.Source.COMPUTED)
                   .values_list("village_id", "year"))
    errors: list[str] = []
    good: list[tuple[Org, int, Decimal]] = []
    seen: dict[tuple[int, int], int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        cells = (list(raw) + [None] * 4)[:4]
        year_v, code_v, name_v, score_v = cells
        row_errors = []
        try:
            year = int(str(year_v).strip().removesuffix("年"))
            if not 1990 <= year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            row_errors.append(IMPORT_YEAR.format(row=n, value=year_v if year_v is not None else ""))
            year = 0
        if year and year >= today.year:
            row_errors.append(IMPORT_FUTURE.format(row=n, year=year))
        code = str(code_v or "").strip()
        village = villages.get(code) or villages.get(code.ljust(12, "0"))
        if village is None:
            row_errors.append(IMPORT_CODE.format(row=n, value=code, township=township.name))
        elif name_v not in (None, "") and str(name_v).strip() != village.name:
            row_errors.append(IMPORT_NAME.format(row=n, value=name_v, name=village.name))
        try:
            score = Decimal(str(score_v).strip())
            if not score.is_finite() or score < 0 or score > policy.total_points:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            row_errors.append(IMPORT_SCORE.format(row=n, value=score_v if score_v is not None else "",
                                                  total=policy.total_points))
            score = Decimal(0)
        if village is not None and year:
            key = (village.pk, year)
            if key in seen:
                row_errors.append(IMPORT_DUP.format(row=n, name=village.name, year=year, first=seen[key]))
            else:
                seen[key] = n
            if key in computed:
                row_errors.append(IMPORT_COMPUTED.format(row=n, name=village.name, year=year))
        if row_errors:
            errors += row_errors
        else:
            good.append((village, year, rules.q2(score)))  # type: ignore[arg-type]
    if errors:
        raise AssessmentError(errors)
    ref = f"历史结果导入（{filename}）；按 {resolved.ref} 校验"[:300]
    existing = {(r.village_id, r.year): r for r in AnnualResult.objects.filter(
        township=township, year__in={y for _, y, _ in good}, source=AnnualResult.Source.IMPORTED)}
    create, update = [], []
    for village, year, score in good:
        row = existing.get((village.pk, year))
        if row is None:
            create.append(AnnualResult(
                township=township, village=village, org_path=village.path, year=year, kind=village.kind,
                village_name=village.name, total=score, source=AnnualResult.Source.IMPORTED,
                policy_version_id=resolved.version_id, policy_ref=ref))
        else:
            row.total, row.policy_version_id, row.policy_ref = score, resolved.version_id, ref
            update.append(row)
    AnnualResult.objects.bulk_create(create)
    AnnualResult.objects.bulk_update(update, ["total", "policy_version", "policy_ref"])
    audit_record(actor=actor, action="assessment.import", object_type="assessment_import", object_id=township.pk,
                 org_path=township.path, after={"file": filename, "rows": len(good),
                                                "created": len(create), "updated": len(update)})
    # Years already computed after the imported ones are re-evaluated: the order of import and
    # finalisation must not change which KPI-04 cases open.
    first = min(y for _, y, _ in good)
    for year in sorted({y for _, y in computed if y > first}):
        year_evaluate(actor=actor, township=township, year=year)
    return create + update


def import_template_bytes(township: Org) -> bytes:
    from ganbu.reports.excel import xlsx_bytes

    rows = [[timezone.localdate().year - 1, v.code, v.name, ""] for v in villages_of(township)]
    return xlsx_bytes([("历史结果", IMPORT_HEADERS, rows)], text_columns=["村（社区）代码"])


# ---- KPI-03: 述职 ---------------------------------------------------------------------------

@transaction.atomic
def duty_report_record(*, actor: Any, person: Person, year: int, half: int, reported_on: date,
                       audiences: list[str], summary: str, votes: dict[str, int]) -> DutyReport:
    """A team member's half-yearly duty report and its written evaluation (测评) result."""
    village = person.org
    _require(actor, "assessment.manage", village.path)
    if is_subject(actor, person):
        raise AssessmentError(RECUSED)
    errors = []
    if village.kind not in VILLAGE_KINDS:
        errors.append(REPORT_NOT_VILLAGE)
    if half not in (1, 2):
        errors.append(REPORT_HALF)
    valid = {k for k, _ in AUDIENCES}
    if not audiences or any(a not in valid for a in audiences):
        errors.append(REPORT_AUDIENCE)
    if not summary.strip():
        errors.append(REPORT_SUMMARY)
    if half in (1, 2) and DutyReport.objects.filter(person=person, year=year, half=half).exists():
        errors.append(REPORT_EXISTS.format(person=person.name, year=year,
                                           half=DutyReport.Half(half).label))
    clean = {}
    for key, label in rules.RATINGS:
        try:
            clean[key] = int(votes.get(key) or 0)
            if clean[key] < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(f"「{label}」票数应为不小于 0 的整数")
    if errors:
        raise AssessmentError(errors)
    resolved = policy_for(village, reported_on)
    rating, share = rules.evaluation_rating(clean)
    report = DutyReport.objects.create(
        person=person, village=village, org_path=village.path, year=year, half=half, reported_on=reported_on,
        audiences=audiences, summary=summary.strip(), votes_excellent=clean["excellent"],
        votes_competent=clean["competent"], votes_basic=clean["basic"], votes_incompetent=clean["incompetent"],
        rating=rating, good_share=share, policy_version_id=resolved.version_id, policy_ref=resolved.ref,
        recorded_by=actor,
    )
    audit_record(actor=actor, action="assessment.duty_report", object_type="assessment_duty_report",
                 object_id=report.pk, org_path=village.path, after=snapshot(report))
    return report


# ---- KPI-06: monthly inspection circular -----------------------------------------------------

@transaction.atomic
def inspection_record(*, actor: Any, township: Org, village: Org, inspected_on: date, finding: str,
                      good: bool = False, rectification: str = "", person: Person | None = None) -> InspectionEntry:
    """One inspection finding on cadres' daily duty, for this month's circular."""
    _require(actor, "assessment.manage", village.path)
    if person is not None and is_subject(actor, person):
        raise AssessmentError(RECUSED)
    if village.parent_id != township.pk or village.kind not in VILLAGE_KINDS:
        raise AssessmentError(VILLAGE_NOT_IN_TOWNSHIP.format(village=village.name, township=township.name))
    if not finding.strip():
        raise AssessmentError(FINDING_EMPTY)
    entry = InspectionEntry.objects.create(
        township=township, village=village, org_path=village.path, person=person,
        month=inspected_on.replace(day=1), inspected_on=inspected_on, finding=finding.strip(), good=good,
        rectification=rectification.strip(), recorded_by=actor,
    )
    audit_record(actor=actor, action="assessment.inspection", object_type="assessment_inspection",
                 object_id=entry.pk, org_path=village.path, after=snapshot(entry))
    return entry


def circular_context(township: Org, month: date) -> dict[str, Any]:
    from ganbu.assessment.queries import inspection_entries

    entries = list(inspection_entries(township, month))
    return {
        "township": township, "month": month,
        "title": f"{township.name}{month.year}年{month.month}月村（社区）干部日常履责督查通报",
        "good": [e for e in entries if e.good], "problems": [e for e in entries if not e.good],
        "entries": entries,
    }


@transaction.atomic
def circular_publish(*, actor: Any, township: Org, month: date) -> InspectionCircular:
    """KPI-06: publish the month's written circular (frozen notice; republishing makes a new version)."""
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish

    _require(actor, "notices.publish", township.path)
    _require(actor, "assessment.manage", township.path)
    month = month.replace(day=1)
    ctx = circular_context(township, month)
    if not ctx["entries"]:
        raise AssessmentError(CIRCULAR_EMPTY.format(month=f"{month.year}年{month.month}月"))
    resolved = policy_for(township, month)

    rows = [["问题" if not e.good else "表扬", e.village.name, e.person.name if e.person else "",
             e.inspected_on.isoformat(), e.finding, e.rectification]
            for e in ctx["problems"] + ctx["good"]]
    version = notice_publish(
        actor=actor, org=township, kind=NoticeKind.CIRCULAR,
        key=f"assessment:circular:{township.path}:{month:%Y-%m}", title=ctx["title"],
        content={"columns": CIRCULAR_COLUMNS, "rows": rows,
                 "text": f"问题 {len(ctx['problems'])} 条，表扬 {len(ctx['good'])} 条；问题请在整改期限内整改到位。"},
        period=f"{month:%Y-%m}", policy_ref=resolved.ref,
    )
    circular, _ = InspectionCircular.objects.update_or_create(
        township=township, month=month,
        defaults={"org_path": township.path, "title": ctx["title"], "notice_version": version,
                  "policy_version_id": resolved.version_id, "policy_ref": resolved.ref, "published_by": actor},
    )
    audit_record(actor=actor, action="assessment.circular", object_type="assessment_circular", object_id=circular.pk,
                 org_path=township.path, after={"notice_version": version.pk, "entries": len(ctx["entries"])})
    return circular


def circular_pdf(township: Org, month: date) -> bytes:
    from ganbu.reports.pdf import render_pdf

    return render_pdf("assessment/circular_pdf.html", circular_context(township, month.replace(day=1)))


def parse_month(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 — a month label, not a time
    except ValueError:
        raise NotFound() from None


def is_township(org: Org) -> bool:
    return org.kind in TOWNSHIP_KINDS


# ---- batch entry from one form: all or nothing -------------------------------------------------

@transaction.atomic
def scores_enter(*, actor: Any, item: AssessmentItem, entries: dict[Org, tuple[Any, str]]) -> int:
    """One rater's form for one item: every village's score saved, or none (each error reported)."""
    errors: list[str] = []
    saved = 0
    for village, (score, note) in entries.items():
        if score in (None, ""):
            continue
        try:
            with transaction.atomic():
                score_enter(actor=actor, item=item, village=village, score=score, note=note)
            saved += 1
        except AssessmentError as exc:
            errors += [f"{village.name}：{e}" for e in exc.errors]
    if errors:
        transaction.set_rollback(True)
        raise AssessmentError(errors)
    return saved


@transaction.atomic
def three_evaluations_enter(*, actor: Any, template: AssessmentTemplate,
                            entries: dict[Org, tuple[Any, Any]]) -> int:
    errors: list[str] = []
    for village, (self_score, public_score) in entries.items():
        if self_score in (None, "") and public_score in (None, ""):
            continue
        try:
            with transaction.atomic():
                three_evaluation_enter(actor=actor, template=template, village=village, self_score=self_score,
                                       public_score=public_score)
        except AssessmentError as exc:
            errors += [f"{village.name}：{e}" for e in exc.errors]
    if errors:
        transaction.set_rollback(True)
        raise AssessmentError(errors)
    return len(entries)


@transaction.atomic
def stage_scores_enter(*, actor: Any, template: AssessmentTemplate, entries: dict[tuple[Org, int], Any]) -> int:
    errors: list[str] = []
    for (village, stage), score in entries.items():
        if score in (None, ""):
            continue
        try:
            with transaction.atomic():
                stage_score_enter(actor=actor, template=template, village=village, stage=stage, score=score)
        except AssessmentError as exc:
            errors += [f"{village.name}第{stage}阶段：{e}" for e in exc.errors]
    if errors:
        transaction.set_rollback(True)
        raise AssessmentError(errors)
    return len(entries)
