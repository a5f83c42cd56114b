"""Every write of the targets app (TGT-01..10): one transaction, one audit row, an access check.

Drafting runs township → village → meeting → township (TGT-01); running it runs ledger → on-site
inspection → supervision notice → follow-up (TGT-03/05); the year ends in rewards, deductions and
cases (TGT-07). Refusals raise :class:`TargetsError` with Chinese messages and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ganbu.core.access import NotFound, has_perm
from ganbu.core.attachments import attachment_store
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.notify import notify, users_with_role
from ganbu.core.policy import PolicyMissing, ResolvedPolicy, policy_resolve
from ganbu.core.recusal import RecusalError, ensure_not_subject
from ganbu.org.models import VILLAGE_KINDS, Org, Person
from ganbu.targets import rules
from ganbu.targets.models import (
    Commitment,
    Decision,
    Deposit,
    DepositDeduction,
    HalfYearScore,
    Inspection,
    InspectionRound,
    LedgerTask,
    Measure,
    MeasureStage,
    MeetingVote,
    ResponsibilityFund,
    ReviewRound,
    RoundIssue,
    SupervisionNotice,
    Survey,
    SurveyAnswer,
    YearEndResult,
)
from ganbu.targets.policy import TargetsParams
from ganbu.targets.queries import can_approve, can_draft, can_manage

MODULE = "targets"
NO_POLICY = "{org} 在 {on} 没有施行中的任期目标承诺细则"
NOT_VILLAGE = "只能为村（社区）提出目标框架"
TERM_BAD = "任期起止年份不正确"
ALREADY_PROPOSED = "{village}{year}年起的任期目标已提出，不能重复提出"
FRAMEWORK_EMPTY = "请至少选择一个目标类别"
CATEGORY_NOT_IN_FRAMEWORK = "类别「{category}」不在镇提出的目标框架内"
NOT_EDITABLE = "承诺当前状态为「{status}」，不能修改措施"
RESPONSIBLE_OUT = "责任人须是本村或本镇的在职干部"
TEXT_EMPTY = "请填写落实措施"
NOT_VOTABLE = "承诺当前状态为「{status}」，不能登记会议表决"
MINUTES_NEEDED = "请上传会议记录（会议纪要或签到表）"
NOT_SUBMITTABLE = "承诺当前状态为「{status}」，不能盖章报送"
NOT_REVIEWABLE = "承诺尚未报送镇审批，不能审批或退回"
RETURN_NEEDS_REASON = "退回措施须写明理由：{items}"
RETURN_NONE = "请至少选择一项退回的措施并写明理由"
NOT_SIGNABLE = "承诺尚未审批通过，不能签约"
ALREADY_SIGNED = "责任书已签约且签字有效，无需重复签约"
TASK_NOT_EDITABLE = "该事项已验收，不能修改"
TASK_NOT_DONE_STATE = "该事项已报完成或已验收"
INSPECTOR_NOT_STAFF = "检查人须是镇考核办的工作人员"
INSPECTOR_IS_SUBJECT = "检查人不能是该事项的责任人，请另派他人"
NOT_INSPECTOR = "只有指派的检查人才能登记检查结果"
ALREADY_INSPECTED = "该检查已登记结果"
EVIDENCE_NEEDED = "请上传现场照片或材料作为证明"
MISSING_NEEDED = "验收不合格须写明未达标的内容"
ITEMS_NEEDED = "请逐项填写检查结果"
NOTICE_CLOSED = "该督办通知单已办结"
NOT_AWAITING = "该事项不在待验收状态"
SURVEY_NOT_MAJOR = "只有重大事项需要组织满意度测评"
SURVEY_EMPTY = "请至少登记一名测评人的意见"
SURVEY_GROUP = "测评对象应为：{groups}"
COLLECTIVE_FEW = "集体研究确认须至少有两名考核办人员参加"
CONCLUSION_EMPTY = "请填写评价结论"
SURVEY_CONFIRMED = "该测评已经集体研究确认"
DEPOSIT_NO_AMOUNT = "细则尚未填写保证金金额，请先在细则设置中填写"
DEPOSIT_TWICE = "{name}{year}年的保证金已缴纳"
YEAR_RESULT_TWICE = "{name}{year}年的年终结果已经认定，保证金不能重复扣发"
DEDUCTION_TWICE = "{name}{year}年的保证金已经扣发过一次，不能重复扣发"
NOT_IN_TERM = "{year}年不在该承诺的任期内"
SCORE_BAD = "第{row}行：分值应为 0–100 的数字"
ROUND_NO_VILLAGES = "范围内没有可检查的村"
ISSUE_EMPTY = "请填写存在的问题"
ISSUE_VILLAGE = "该村不在本轮检查范围内"
ISSUE_CLOSED = "该问题已整改销号"
NOTE_EMPTY = "请填写整改情况"
BODY_BAD = "讨论决定的会议应为：{bodies}，或选择“未经会议讨论”"
DECISION_NO_RESPONSIBLE = "请选择决策责任人"
LOSS_BAD = "损失金额应为不小于 0 的数字"
FUND_STATUS = "结果应为“兑现”或“扣减”"
FUND_REASON = "请写明兑现或扣减的理由"
FUND_DECIDED = "该责任金已经兑现或扣减"
FUND_TWICE = "{name}{year}年的责任金已经提取"
OUTCOME_BAD = "年终结果应为超额完成、完成或未完成"
BONUS_BAD = "奖金金额应为不小于 0 的数字"


class TargetsError(ValueError):
    """Bad input: one or more Chinese messages; nothing was changed."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("；".join(self.errors))


def _now() -> Any:
    return timezone.now()


def policy_for(path: str, on: date) -> ResolvedPolicy[TargetsParams]:
    try:
        return policy_resolve(MODULE, path, on)
    except PolicyMissing:
        raise TargetsError(NO_POLICY.format(org=path, on=on)) from None


def _require(ok: bool) -> None:
    if not ok:
        raise NotFound()


def _village_users(path: str) -> list[Any]:
    return users_with_role("village_secretary", path) + users_with_role("village_committee", path)


def _office_users(path: str) -> list[Any]:
    return users_with_role("township_office", path[:9])


def _locked(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


# ---- TGT-01 drafting -------------------------------------------------------------------------------

@transaction.atomic
def commitment_propose(*, actor: Any, village: Org, term_start: int, term_end: int,
                       framework: list[tuple[str, str]]) -> Commitment:
    """The township assessment office proposes a village's framework by category (TGT-01)."""
    _require(can_manage(actor, village.path))
    if village.kind not in VILLAGE_KINDS:
        raise TargetsError(NOT_VILLAGE)
    if not 2000 <= term_start <= term_end <= term_start + 10:
        raise TargetsError(TERM_BAD)
    policy = policy_for(village.path, date(term_start, 1, 1))
    errors = [rules.E_CATEGORY.format(category=c, allowed="、".join(policy.params.framework_categories))
              for c, _ in framework if c not in policy.params.framework_categories]
    if not framework:
        errors.append(FRAMEWORK_EMPTY)
    if errors:
        raise TargetsError(errors)
    if Commitment.objects.filter(village=village, term_start=term_start).exists():
        raise TargetsError(ALREADY_PROPOSED.format(village=village.name, year=term_start))
    c = Commitment.objects.create(
        village=village, org_path=village.path, term_start=term_start, term_end=term_end,
        framework=[{"category": cat, "guidance": g.strip()[:300]} for cat, g in framework],
        proposed_by=actor, proposed_at=_now(), policy_version_id=policy.version_id, policy_ref=policy.ref)
    audit_record(actor=actor, action="targets.propose", object_type="commitment", object_id=c.pk,
                 org_path=c.org_path, after=snapshot(c))
    users = _village_users(village.path)
    transaction.on_commit(lambda: notify(users=users, title=f"镇考核办已提出{village.name}任期目标框架，请制订落实措施",
                                         url=f"/targets/c/{c.pk}/", kind="targets", key=f"targets:framework:{c.pk}"))
    return c


@dataclass
class MeasureInput:
    category: str
    text: str
    standard: str
    deadline: date | None
    responsible: Person | None
    major: bool = False


def _measure_errors(policy: TargetsParams, c: Commitment, m: MeasureInput) -> list[str]:
    errors = rules.tgt_01_measure_errors(policy, rules.Measure(
        category=m.category, text=m.text, standard=m.standard, deadline=m.deadline,
        responsible=m.responsible.name if m.responsible else ""))
    if m.category not in [f["category"] for f in c.framework]:
        errors.append(CATEGORY_NOT_IN_FRAMEWORK.format(category=m.category))
    if not m.text.strip():
        errors.append(TEXT_EMPTY)
    if m.deadline is not None:
        errors += rules.tgt_01_term_errors(m.deadline, c.term_start, c.term_end)
    if m.responsible is not None and m.responsible.org_path not in (c.org_path, c.org_path[:9]):
        errors.append(RESPONSIBLE_OUT)
    return errors


def _void(c: Commitment, reason: str) -> None:
    if c.signed_at and c.voided_at is None:
        c.voided_at = _now()
        c.void_reason = reason[:200]


def _write_stages(policy: TargetsParams, c: Commitment, measure: Measure) -> None:
    measure.stages.all().delete()
    start = timezone.localtime(c.proposed_at).date()
    for s in rules.tgt_02_stages(policy, term_start=c.term_start, start=start, deadline=measure.deadline):
        target = f"完成{measure.text}" if s.last else f"{measure.text}（{s.year}年第{s.quarter}季度阶段推进）"
        MeasureStage.objects.create(measure=measure, year=s.year, quarter=s.quarter, target=target[:300],
                                    deadline=s.deadline)


@transaction.atomic
def measure_save(*, actor: Any, commitment: Commitment, data: MeasureInput, measure: Measure | None = None) -> Measure:
    """The village two committees write (or revise) a measure; the office may adjust a signed one (TGT-02),
    which voids the signature."""
    c = _locked(commitment)
    signed = c.status == Commitment.Status.SIGNED
    if signed:
        _require(can_manage(actor, c.org_path))
    else:
        _require(can_draft(actor, c.org_path) or can_manage(actor, c.org_path))
        if c.status not in (Commitment.Status.FRAMEWORK, Commitment.Status.RETURNED):
            raise TargetsError(NOT_EDITABLE.format(status=c.get_status_display()))
    policy = policy_for(c.org_path, date(c.term_start, 1, 1))
    errors = _measure_errors(policy.params, c, data)
    if errors:
        raise TargetsError(errors)
    before = snapshot(measure) if measure else None
    if measure is None:
        measure = Measure(commitment=c, org_path=c.org_path)
    else:
        measure = Measure.objects.select_for_update().get(pk=measure.pk, commitment=c)
        if measure.review == Measure.Review.RETURNED:
            measure.review = Measure.Review.REVISED
    measure.category, measure.text, measure.standard = data.category, data.text.strip(), data.standard.strip()
    measure.deadline, measure.responsible, measure.major = data.deadline, data.responsible, data.major
    measure.full_clean()
    measure.save()
    _write_stages(policy.params, c, measure)
    if signed:
        _void(c, f"签约后调整措施「{measure.text[:60]}」")
        c.save(update_fields=["voided_at", "void_reason"])
    audit_record(actor=actor, action="targets.measure_save", object_type="measure", object_id=measure.pk,
                 org_path=c.org_path, before=before, after=snapshot(measure))
    return measure


@transaction.atomic
def measure_delete(*, actor: Any, measure: Measure) -> None:
    c = _locked(measure.commitment)
    _require(can_draft(actor, c.org_path) or can_manage(actor, c.org_path))
    if c.status not in (Commitment.Status.FRAMEWORK, Commitment.Status.RETURNED):
        raise TargetsError(NOT_EDITABLE.format(status=c.get_status_display()))
    audit_record(actor=actor, action="targets.measure_delete", object_type="measure", object_id=measure.pk,
                 org_path=c.org_path, before=snapshot(measure))
    measure.delete()


@transaction.atomic
def vote_record(*, actor: Any, commitment: Commitment, held_on: date, attendance: int, votes_for: int,
                votes_against: int, minutes: Any) -> MeetingVote:
    """The party-member and villager-representative meeting's vote, with its minutes (TGT-01)."""
    c = _locked(commitment)
    _require(can_draft(actor, c.org_path) or can_manage(actor, c.org_path))
    if c.status not in (Commitment.Status.FRAMEWORK, Commitment.Status.RETURNED):
        raise TargetsError(NOT_VOTABLE.format(status=c.get_status_display()))
    policy = policy_for(c.org_path, held_on)
    errors = rules.tgt_01_vote_errors(policy.params, attendance=attendance, votes_for=votes_for,
                                      votes_against=votes_against)
    if minutes is None:
        errors.append(MINUTES_NEEDED)
    if not c.measures.exists():
        errors.append(rules.E_NO_MEASURES)
    if errors:
        raise TargetsError(errors)
    att = attachment_store(actor=actor, upload=minutes, org_path=c.org_path)
    vote = MeetingVote.objects.create(commitment=c, round=c.round, held_on=held_on, attendance=attendance,
                                      votes_for=votes_for, votes_against=votes_against, minutes=att,
                                      recorded_by=actor, recorded_at=_now())
    audit_record(actor=actor, action="targets.vote", object_type="commitment", object_id=c.pk, org_path=c.org_path,
                 after=snapshot(vote))
    return vote


def _passed_vote(c: Commitment) -> bool:
    return any(v.passed for v in c.votes.all())


@transaction.atomic
def commitment_submit(*, actor: Any, commitment: Commitment) -> Commitment:
    """The two committees seal the voted measures and send them to the township (TGT-01)."""
    c = _locked(commitment)
    _require(can_draft(actor, c.org_path))
    if c.status not in (Commitment.Status.FRAMEWORK, Commitment.Status.RETURNED):
        raise TargetsError(NOT_SUBMITTABLE.format(status=c.get_status_display()))
    returned = [m.text for m in c.measures.filter(review=Measure.Review.RETURNED)]
    errors = rules.tgt_01_approve_errors(measures=c.measures.count(), voted_this_round=_passed_vote(c), sealed=True,
                                         returned_unrevised=returned)
    if errors:
        raise TargetsError(errors)
    before = snapshot(c)
    c.status, c.sealed_by, c.sealed_at = Commitment.Status.SUBMITTED, actor, _now()
    c.save(update_fields=["status", "sealed_by", "sealed_at"])
    audit_record(actor=actor, action="targets.submit", object_type="commitment", object_id=c.pk,
                 org_path=c.org_path, before=before, after=snapshot(c))
    users = _office_users(c.org_path) + users_with_role("township_secretary", c.org_path[:9])
    transaction.on_commit(lambda: notify(users=users, title=f"{c.village.name}任期目标已盖章报送，请审批",
                                         url=f"/targets/c/{c.pk}/", kind="targets",
                                         key=f"targets:submit:{c.pk}:{c.round}"))
    return c


def _snapshot_measures(c: Commitment) -> list[dict[str, Any]]:
    return [{"id": m.pk, "category": m.category, "text": m.text, "standard": m.standard,
             "deadline": m.deadline.isoformat(), "responsible": m.responsible.name, "review": m.review}
            for m in c.measures.select_related("responsible")]


@transaction.atomic
def commitment_return(*, actor: Any, commitment: Commitment, reasons: dict[int, str], note: str = "") -> ReviewRound:
    """The township sends measures back with reasons; the village revises; every round is kept (TGT-01/02)."""
    c = _locked(commitment)
    _require(can_approve(actor, c.org_path))
    if c.status != Commitment.Status.SUBMITTED:
        raise TargetsError(NOT_REVIEWABLE)
    measures = {m.pk: m for m in c.measures.select_for_update()}
    chosen = {pk: r.strip() for pk, r in reasons.items() if pk in measures}
    if not chosen:
        raise TargetsError(RETURN_NONE)
    empty = [measures[pk].text for pk, r in chosen.items() if not r]
    if empty:
        raise TargetsError(RETURN_NEEDS_REASON.format(items="、".join(empty)))
    rnd = ReviewRound.objects.create(
        commitment=c, round=c.round, decision=ReviewRound.Decision.RETURNED, reviewer=actor, at=_now(),
        note=note.strip()[:500], snapshot=_snapshot_measures(c),
        returned=[{"measure": pk, "text": measures[pk].text, "reason": r[:300]} for pk, r in chosen.items()])
    for pk, reason in chosen.items():
        m = measures[pk]
        m.review, m.return_reason = Measure.Review.RETURNED, reason[:300]
        m.save(update_fields=["review", "return_reason"])
    before = snapshot(c)
    c.status, c.round, c.sealed_by, c.sealed_at = Commitment.Status.RETURNED, c.round + 1, None, None
    c.save(update_fields=["status", "round", "sealed_by", "sealed_at"])
    audit_record(actor=actor, action="targets.return", object_type="commitment", object_id=c.pk,
                 org_path=c.org_path, before=before, after=snapshot(c), reason="；".join(chosen.values()))
    users = _village_users(c.org_path)
    transaction.on_commit(lambda: notify(users=users, title=f"镇审批退回{len(chosen)}项措施，请修改后重新报送",
                                         url=f"/targets/c/{c.pk}/", kind="targets",
                                         key=f"targets:return:{c.pk}:{rnd.round}"))
    return rnd


@transaction.atomic
def commitment_approve(*, actor: Any, commitment: Commitment, note: str = "") -> ReviewRound:
    """The township approves after checking the democratic procedure and the content (TGT-01)."""
    c = _locked(commitment)
    _require(can_approve(actor, c.org_path))
    returned = [m.text for m in c.measures.filter(review=Measure.Review.RETURNED)]
    errors = rules.tgt_01_approve_errors(measures=c.measures.count(), voted_this_round=_passed_vote(c),
                                         sealed=c.sealed_at is not None, returned_unrevised=returned)
    if c.status != Commitment.Status.SUBMITTED and not errors:
        errors = [NOT_REVIEWABLE]
    if errors:
        raise TargetsError(errors)
    rnd = ReviewRound.objects.create(commitment=c, round=c.round, decision=ReviewRound.Decision.APPROVED,
                                     reviewer=actor, at=_now(), note=note.strip()[:500],
                                     snapshot=_snapshot_measures(c))
    c.measures.update(review=Measure.Review.ACCEPTED)
    before = snapshot(c)
    c.status, c.approved_by, c.approved_at = Commitment.Status.APPROVED, actor, _now()
    c.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, action="targets.approve", object_type="commitment", object_id=c.pk,
                 org_path=c.org_path, before=before, after=snapshot(c), reason=note)
    return rnd


def commitment_content(c: Commitment) -> dict[str, Any]:
    """The canonical content the signature covers: framework, measures, their quarterly stages."""
    measures = []
    for m in c.measures.select_related("responsible").prefetch_related("stages").order_by("category", "deadline", "id"):
        measures.append({"category": m.category, "text": m.text, "standard": m.standard,
                         "deadline": m.deadline.isoformat(), "responsible": m.responsible.name, "major": m.major,
                         "stages": [{"year": s.year, "quarter": s.quarter, "target": s.target,
                                     "deadline": s.deadline.isoformat()} for s in m.stages.all()]})
    return {"village": c.village.name, "village_code": c.village.code or c.org_path, "term": [c.term_start, c.term_end],
            "framework": c.framework, "measures": measures}


def commitment_verify(*, commitment: Commitment) -> bool:
    """Recompute the content; a change after signing voids the signature (like the stationed monthly table)."""
    if not commitment.signed_at:
        return False
    if commitment.voided_at is not None:
        return False
    if rules.canonical_hash(commitment_content(commitment)) == commitment.content_hash:
        return True
    with transaction.atomic():
        c = _locked(commitment)
        _void(c, "签约后内容发生变化")
        c.save(update_fields=["voided_at", "void_reason"])
        audit_record(actor=None, action="targets.signature_void", object_type="commitment", object_id=c.pk,
                     org_path=c.org_path, after={"void_reason": c.void_reason})
    commitment.voided_at, commitment.void_reason = c.voided_at, c.void_reason
    return False


def _progress_content(c: Commitment) -> dict[str, Any]:
    """What the public board shows (PUB-01): each measure with its standard, deadline and progress.

    ``columns``/``rows`` are what the notices pages render; ``measures`` keeps the structured content.
    """
    content = commitment_content(c)
    labels = dict(LedgerTask.Status.choices)
    latest: dict[str, str] = {}
    for text, status in c.tasks.order_by("deadline", "id").values_list("stage__measure__text", "status"):
        if text:
            latest[text] = labels[status]
    content["columns"] = ["类别", "落实措施", "标准要求", "落实时限", "责任人", "进展"]
    content["rows"] = [[m["category"], m["text"], m["standard"], m["deadline"], m["responsible"],
                        latest.get(m["text"], "按计划推进")] for m in content["measures"]]
    content["text"] = (f"{c.village.name}“两委”任期（{c.term_start}—{c.term_end}年）目标承诺，经党员和村民代表会议表决通过、"
                       f"镇党委政府审批，签订目标承诺责任书。")
    return content


def _publish(actor: Any, c: Commitment) -> None:
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish_with_policy

    try:
        version = notice_publish_with_policy(
            actor=actor, org=c.village, kind=str(NoticeKind.TARGETS), key=f"targets:{c.pk}",
            title=f"{c.village.name}“两委”{c.term_start}—{c.term_end}年任期目标承诺", content=_progress_content(c),
            period=f"{c.term_start}-{c.term_end}", policy_ref=c.policy_ref)
    except ValueError as exc:
        raise TargetsError(str(exc)) from None
    c.notice_id = version.notice_id


@transaction.atomic
def commitment_sign(*, actor: Any, commitment: Commitment) -> Commitment:
    """Electronic signature (signer, time, sha256 of the canonical content), then published (TGT-01, PUB-01)."""
    c = _locked(commitment)
    _require(can_approve(actor, c.org_path))
    if c.status == Commitment.Status.SIGNED and c.voided_at is None and commitment_verify(commitment=c):
        raise TargetsError(ALREADY_SIGNED)
    if c.status not in (Commitment.Status.APPROVED, Commitment.Status.SIGNED):
        raise TargetsError(NOT_SIGNABLE)
    before = snapshot(c)
    c.content = commitment_content(c)
    c.content_hash = rules.canonical_hash(c.content)
    c.signed_by, c.signed_at, c.voided_at, c.void_reason = actor, _now(), None, ""
    c.status = Commitment.Status.SIGNED
    _publish(actor, c)
    c.save()
    audit_record(actor=actor, action="targets.sign", object_type="commitment", object_id=c.pk, org_path=c.org_path,
                 before=before, after={"content_hash": c.content_hash, "signed_at": c.signed_at,
                                       "notice_id": c.notice_id})
    return c


def commitment_letter_pdf(c: Commitment) -> bytes:
    from ganbu.reports.pdf import render_pdf

    return render_pdf("targets/letter_pdf.html", {"c": c, "content": c.content or commitment_content(c),
                                                  "valid": c.signature_valid})


# ---- TGT-03 ledger and inspections ---------------------------------------------------------------------

def month_first(d: date) -> date:
    return d.replace(day=1)


@transaction.atomic
def ledger_build(*, actor: Any, org: Org, month: date) -> int:
    """The month's ledger from the quarterly breakdown of signed commitments under ``org`` (TGT-03).
    Idempotent: a stage already in the month's ledger is kept as the office edited it."""
    _require(actor is None or can_manage(actor, org.path))
    first = month_first(month)
    nxt = (first + timedelta(days=32)).replace(day=1)
    stages = (MeasureStage.objects.filter(measure__commitment__org_path__startswith=org.path,
                                          measure__commitment__status=Commitment.Status.SIGNED,
                                          deadline__gte=first, deadline__lt=nxt)
              .exclude(tasks__month=first).select_related("measure", "measure__commitment"))
    made = 0
    for s in stages:
        m = s.measure
        LedgerTask.objects.create(commitment=m.commitment, stage=s, org_path=m.org_path, month=first,
                                  category=m.category, title=s.target, standard=m.standard, deadline=s.deadline,
                                  responsible_id=m.responsible_id, major=m.major)
        made += 1
    audit_record(actor=actor, action="targets.ledger_build", object_type="ledger", object_id=first.isoformat(),
                 org_path=org.path, after={"month": first, "tasks": made})
    return made


@transaction.atomic
def task_edit(*, actor: Any, task: LedgerTask, title: str, standard: str, deadline: date | None,
              responsible: Person | None) -> LedgerTask:
    """The office corrects a ledger line (TGT-03)."""
    t = LedgerTask.objects.select_for_update().get(pk=task.pk)
    _require(can_manage(actor, t.org_path))
    if t.status in (LedgerTask.Status.PASSED, LedgerTask.Status.FAILED):
        raise TargetsError(TASK_NOT_EDITABLE)
    errors = []
    if not title.strip():
        errors.append(TEXT_EMPTY)
    missing = [f for f, ok in (("标准要求", standard.strip()), ("落实时限", deadline), ("责任人", responsible)) if not ok]
    if missing:
        errors.append(rules.E_MEASURE_MISSING.format(fields="、".join(missing)))
    if responsible is not None and responsible.org_path not in (t.org_path, t.org_path[:9]):
        errors.append(RESPONSIBLE_OUT)
    if errors:
        raise TargetsError(errors)
    before = snapshot(t)
    t.title, t.standard, t.deadline, t.responsible = title.strip(), standard.strip(), deadline, responsible
    t.save()
    audit_record(actor=actor, action="targets.task_edit", object_type="ledger_task", object_id=t.pk,
                 org_path=t.org_path, before=before, after=snapshot(t))
    return t


@transaction.atomic
def task_report_done(*, actor: Any, task: LedgerTask, done_on: date) -> LedgerTask:
    """The village reports a task done: it now waits for its on-site inspection (一事一毕一考)."""
    t = LedgerTask.objects.select_for_update().get(pk=task.pk)
    _require(can_draft(actor, t.org_path) or can_manage(actor, t.org_path))
    if t.status != LedgerTask.Status.OPEN:
        raise TargetsError(TASK_NOT_DONE_STATE)
    t.done_on, t.status = done_on, LedgerTask.Status.AWAITING
    t.save(update_fields=["done_on", "status"])
    audit_record(actor=actor, action="targets.task_done", object_type="ledger_task", object_id=t.pk,
                 org_path=t.org_path, after={"done_on": done_on})
    users = _office_users(t.org_path)
    transaction.on_commit(lambda: notify(users=users, title=f"待验收：{t.title}", url=f"/targets/task/{t.pk}/",
                                         kind="targets", key=f"targets:await:{t.pk}"))
    return t


def tasks_due_scan(*, on: date) -> int:
    """Tasks whose deadline has passed become inspections to assign; the office is told once (TGT-03)."""
    moved = 0
    for t in LedgerTask.objects.filter(status=LedgerTask.Status.OPEN, deadline__lt=on).select_related("commitment"):
        policy = policy_for(t.org_path, on).params
        facts = rules.LedgerTask(id=t.pk, category=t.category, title=t.title, deadline=t.deadline,
                                 responsible=str(t.responsible_id), done_on=t.done_on)
        if not rules.tgt_03_due_for_inspection(policy, [facts], on):
            continue
        with transaction.atomic():
            n = LedgerTask.objects.filter(pk=t.pk, status=LedgerTask.Status.OPEN).update(
                status=LedgerTask.Status.AWAITING)
            if not n:
                continue
            audit_record(actor=None, action="targets.task_due", object_type="ledger_task", object_id=t.pk,
                         org_path=t.org_path, after={"deadline": t.deadline, "on": on})
            users = _office_users(t.org_path)
            transaction.on_commit(lambda t=t, users=users: notify(
                users=users, title=f"时限已到，待验收：{t.title}", url=f"/targets/task/{t.pk}/", kind="targets",
                key=f"targets:await:{t.pk}"))
        moved += 1
    return moved


def _check_inspector(inspector: Any, task: LedgerTask) -> None:
    if not has_perm(inspector, "targets.manage", task.org_path):
        raise TargetsError(INSPECTOR_NOT_STAFF)
    try:
        ensure_not_subject(inspector, task.responsible_id, INSPECTOR_IS_SUBJECT)
    except RecusalError as exc:
        raise TargetsError(exc.message) from None


@transaction.atomic
def inspection_assign(*, actor: Any, task: LedgerTask, inspector: Any, scheduled_on: date) -> Inspection:
    """A task done or due gets an inspection, assigned to a named inspector (TGT-03)."""
    t = LedgerTask.objects.select_for_update().get(pk=task.pk)
    _require(can_manage(actor, t.org_path))
    if t.status != LedgerTask.Status.AWAITING:
        raise TargetsError(NOT_AWAITING)
    _check_inspector(inspector, t)
    existing = t.inspections.filter(kind=Inspection.Kind.TASK, result=Inspection.Result.PENDING).first()
    if existing:
        existing.inspector, existing.scheduled_on, existing.assigned_by = inspector, scheduled_on, actor
        existing.save(update_fields=["inspector", "scheduled_on", "assigned_by"])
        insp = existing
    else:
        insp = Inspection.objects.create(task=t, org_path=t.org_path, inspector=inspector, assigned_by=actor,
                                         scheduled_on=scheduled_on, items=_items(t))
    audit_record(actor=actor, action="targets.inspection_assign", object_type="inspection", object_id=insp.pk,
                 org_path=t.org_path, after=snapshot(insp, ["inspector", "scheduled_on", "task"]))
    transaction.on_commit(lambda: notify(users=[inspector], title=f"请到村现场验收：{t.title}",
                                         url=f"/targets/inspection/{insp.pk}/", kind="targets",
                                         key=f"targets:inspect:{insp.pk}"))
    return insp


def _items(t: LedgerTask) -> list[dict[str, Any]]:
    """Item by item against the commitment's standard (逐条逐项): one item per clause of the standard."""
    import re

    parts = [p.strip() for p in re.split(r"[；;。\n]", t.standard) if p.strip()]
    return [{"item": p[:200], "ok": None, "note": ""} for p in (parts or [t.standard or t.title])]


@dataclass
class ItemResult:
    ok: bool
    note: str = ""


def _notice_number(township_path: str, on: date) -> str:
    prefix = f"督〔{on.year}〕{township_path[6:9]}-"
    last = SupervisionNotice.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last.rsplit("-", 1)[1].rstrip("号")) + 1 if last else 1
    return f"{prefix}{n:03d}号"


def _kpi_06_share(actor: Any, t: LedgerTask, on: date, finding: str, good: bool, rectification: str = "") -> None:
    """KPI-06: an on-site result also goes into the township's monthly inspection circular (千分制)."""
    if not has_perm(actor, "assessment.manage", t.org_path):
        return
    from ganbu.assessment.services import inspection_record as circular_entry

    village = t.commitment.village
    circular_entry(actor=actor, township=village.parent, village=village, inspected_on=on, finding=finding,
                   good=good, rectification=rectification, person=t.responsible)


@transaction.atomic
def inspection_record(*, actor: Any, inspection: Inspection, results: list[ItemResult], missing: str,
                      evidence: list[Any], on: date | None = None) -> Inspection:
    """The named inspector records the on-site check item by item, with evidence (TGT-03). A failed task
    gets a supervision notice and a follow-up (TGT-05); a major task passes only after its survey (TGT-04)."""
    on = on or timezone.localdate()
    insp = Inspection.objects.select_for_update().select_related("task", "task__commitment__village").get(
        pk=inspection.pk)
    t = insp.task
    if insp.inspector_id != actor.pk:
        raise TargetsError(NOT_INSPECTOR)
    ensure_not_subject(actor, t.responsible_id)
    if insp.result != Inspection.Result.PENDING:
        raise TargetsError(ALREADY_INSPECTED)
    errors = []
    if len(results) != len(insp.items):
        errors.append(ITEMS_NEEDED)
    if not evidence:
        errors.append(EVIDENCE_NEEDED)
    passed = bool(results) and all(r.ok for r in results)
    if not passed and not missing.strip():
        errors.append(MISSING_NEEDED)
    policy = policy_for(t.org_path, on)
    if passed and insp.kind == Inspection.Kind.TASK:
        survey = getattr(t, "survey", None)
        errors += rules.tgt_04_confirm_errors(policy.params, rules.LedgerTask(
            id=t.pk, category=t.category, title=t.title, deadline=t.deadline, responsible="", major=t.major,
            surveyed=bool(survey and survey.confirmed_at)), collective=True)
    if errors:
        raise TargetsError(errors)
    for f in evidence:
        insp.evidence.add(attachment_store(actor=actor, upload=f, org_path=t.org_path))
    insp.items = [{"item": i["item"], "ok": r.ok, "note": r.note.strip()[:200]} for i, r in zip(insp.items, results,
                                                                                                    strict=True)]
    insp.result = Inspection.Result.PASSED if passed else Inspection.Result.FAILED
    insp.missing, insp.done_at = missing.strip()[:500], _now()
    insp.save()
    audit_record(actor=actor, action="targets.inspect", object_type="inspection", object_id=insp.pk,
                 org_path=t.org_path, after=snapshot(insp, ["result", "items", "missing"]))
    if insp.kind == Inspection.Kind.TASK:
        t.status = LedgerTask.Status.PASSED if passed else LedgerTask.Status.FAILED
        t.save(update_fields=["status"])
        if passed:
            _kpi_06_share(actor, t, on, f"任期目标「{t.title}」现场验收合格", True)
        else:
            notice = _notice_issue(actor, insp, policy, on)
            _kpi_06_share(actor, t, on, f"任期目标「{t.title}」现场验收不合格：{insp.missing}", False,
                          f"已下发督办通知单{notice.number}，限{notice.due:%Y年%m月%d日}前整改")
    elif not passed:  # a failed follow-up: the notice stays open, another follow-up is scheduled
        Inspection.objects.create(task=t, notice=insp.notice, kind=Inspection.Kind.FOLLOW_UP, org_path=t.org_path,
                                  inspector=insp.inspector, assigned_by=actor,
                                  scheduled_on=rules.tgt_05_notice_due(policy.params, on), items=_items(t))
    else:
        users = _office_users(t.org_path)
        n = insp.notice
        transaction.on_commit(lambda: notify(users=users, title=f"复查合格，可办结督办通知单{n.number}",
                                             url=f"/targets/notice/{n.pk}/", kind="targets",
                                             key=f"targets:closable:{n.pk}"))
    c = t.commitment
    if c.status == Commitment.Status.SIGNED and c.notice_id:
        _publish(actor, c)
    return insp


def _notice_issue(actor: Any, insp: Inspection, policy: ResolvedPolicy[TargetsParams], on: date) -> SupervisionNotice:
    """TGT-05: the notice (number, deadline, requirement), the village told, a follow-up scheduled."""
    t = insp.task
    due = rules.tgt_05_notice_due(policy.params, on)
    notice = SupervisionNotice.objects.create(
        number=_notice_number(t.org_path[:9], on), task=t, inspection=insp, org_path=t.org_path, issued_by=actor,
        issued_on=on, due=due, requirement=f"对照承诺标准整改：{insp.missing}"[:500],
        policy_version_id=policy.version_id, policy_ref=policy.ref)
    Inspection.objects.create(task=t, notice=notice, kind=Inspection.Kind.FOLLOW_UP, org_path=t.org_path,
                              inspector=insp.inspector, assigned_by=actor, scheduled_on=due, items=_items(t))
    audit_record(actor=actor, action="targets.notice_issue", object_type="supervision_notice", object_id=notice.pk,
                 org_path=t.org_path, after=snapshot(notice))
    users = _village_users(t.org_path)
    transaction.on_commit(lambda: notify(users=users, title=f"督办通知单{notice.number}：请于{due:%m月%d日}前整改",
                                         body=notice.requirement, url=f"/targets/notice/{notice.pk}/",
                                         kind="targets", key=f"targets:notice:{notice.pk}"))
    return notice


@transaction.atomic
def notice_close(*, actor: Any, notice: SupervisionNotice) -> SupervisionNotice:
    """Closes only with a passing follow-up that carries evidence (TGT-05)."""
    n = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    _require(can_manage(actor, n.org_path))
    if n.status == SupervisionNotice.Status.CLOSED:
        raise TargetsError(NOTICE_CLOSED)
    passing = n.follow_ups.filter(result=Inspection.Result.PASSED).order_by("-done_at").first()
    errors = rules.tgt_05_close_errors(follow_up_passed=passing is not None,
                                       evidence=passing.evidence.count() if passing else 0)
    if errors:
        raise TargetsError(errors)
    before = snapshot(n)
    n.status, n.closed_at, n.closed_by = SupervisionNotice.Status.CLOSED, _now(), actor
    n.save(update_fields=["status", "closed_at", "closed_by"])
    t = LedgerTask.objects.select_for_update().get(pk=n.task_id)
    if not t.notices.filter(status=SupervisionNotice.Status.OPEN).exists():
        t.status = LedgerTask.Status.PASSED
        t.save(update_fields=["status"])
    audit_record(actor=actor, action="targets.notice_close", object_type="supervision_notice", object_id=n.pk,
                 org_path=n.org_path, before=before, after=snapshot(n))
    c = t.commitment
    if c.status == Commitment.Status.SIGNED and c.notice_id:
        _publish(actor, c)
    return n


def notices_escalate(*, on: date) -> int:
    """Overdue open notices go to the township secretary, once each (TGT-05)."""
    sent = 0
    for n in SupervisionNotice.objects.filter(status=SupervisionNotice.Status.OPEN, escalated_at__isnull=True,
                                              due__lt=on).select_related("task"):
        if not rules.tgt_05_overdue(n.due, on):
            continue
        with transaction.atomic():
            if not SupervisionNotice.objects.filter(pk=n.pk, escalated_at__isnull=True).update(escalated_at=_now()):
                continue
            audit_record(actor=None, action="targets.notice_escalate", object_type="supervision_notice",
                         object_id=n.pk, org_path=n.org_path, after={"due": n.due, "on": on})
            users = users_with_role("township_secretary", n.org_path[:9])
            transaction.on_commit(lambda n=n, users=users: notify(
                users=users, title=f"督办通知单{n.number}已逾期未整改", body=n.requirement,
                url=f"/targets/notice/{n.pk}/", kind="targets", key=f"targets:escalate:{n.pk}"))
        sent += 1
    return sent


def notice_pdf(n: SupervisionNotice) -> bytes:
    from ganbu.reports.pdf import render_pdf

    return render_pdf("targets/notice_pdf.html", {"n": n, "t": n.task, "village": n.task.commitment.village,
                                                  "township": n.task.commitment.village.parent})


# ---- TGT-04 satisfaction survey ---------------------------------------------------------------------------

@transaction.atomic
def survey_record(*, actor: Any, task: LedgerTask, answers: list[tuple[str, str, str]], households: str) -> Survey:
    """Party members' and representatives' answers and the households visited for a major task (TGT-04)."""
    t = LedgerTask.objects.select_for_update().get(pk=task.pk)
    _require(can_manage(actor, t.org_path))
    policy = policy_for(t.org_path, timezone.localdate()).params
    errors = []
    if not t.major:
        errors.append(SURVEY_NOT_MAJOR)
    rows = [(g, r.strip(), a) for g, r, a in answers if r.strip()]
    if not rows:
        errors.append(SURVEY_EMPTY)
    if any(g not in policy.survey_groups for g, _, _ in rows):
        errors.append(SURVEY_GROUP.format(groups="、".join(policy.survey_groups)))
    if any(a not in SurveyAnswer.Answer.values for _, _, a in rows):
        errors.append(SURVEY_EMPTY)
    survey = Survey.objects.filter(task=t).first()
    if survey and survey.confirmed_at:
        errors.append(SURVEY_CONFIRMED)
    if errors:
        raise TargetsError(errors)
    if survey is None:
        survey = Survey.objects.create(task=t, org_path=t.org_path)
    survey.households = households.strip()[:2000]
    survey.save(update_fields=["households"])
    SurveyAnswer.objects.bulk_create([SurveyAnswer(survey=survey, group=g, respondent=r[:50], answer=a)
                                      for g, r, a in rows])
    audit_record(actor=actor, action="targets.survey", object_type="survey", object_id=survey.pk,
                 org_path=t.org_path, after={"answers": len(rows), "households": survey.households[:200]})
    return survey


@transaction.atomic
def survey_confirm(*, actor: Any, survey: Survey, present: list[str], conclusion: str) -> Survey:
    """The office confirms the result collectively, naming who was present; then it is archived (TGT-04)."""
    s = Survey.objects.select_for_update().get(pk=survey.pk)
    _require(can_manage(actor, s.org_path))
    names = sorted({p.strip()[:50] for p in present if p.strip()})
    errors = []
    if s.confirmed_at:
        errors.append(SURVEY_CONFIRMED)
    if len(names) < 2:
        errors.append(COLLECTIVE_FEW)
    if not conclusion.strip():
        errors.append(CONCLUSION_EMPTY)
    if not s.answers.exists():
        errors.append(SURVEY_EMPTY)
    if errors:
        raise TargetsError(errors)
    s.present, s.conclusion, s.confirmed_at, s.confirmed_by = names, conclusion.strip()[:300], _now(), actor
    s.save()
    audit_record(actor=actor, action="targets.survey_confirm", object_type="survey", object_id=s.pk,
                 org_path=s.org_path, after=snapshot(s, ["present", "conclusion", "confirmed_at"]))
    return s


# ---- TGT-06 / TGT-09 inspection rounds, half-yearly scores -------------------------------------------------

@transaction.atomic
def round_create(*, actor: Any, org: Org, kind: str, scope: str, start: date, days: int = 1,
                 sample: int | None = None) -> InspectionRound:
    """A quarterly comprehensive inspection, or a planned/unannounced full/sampled check (TGT-06/09).
    A sample is drawn by the system from a seed kept on the round."""
    _require(can_manage(actor, org.path))
    policy = policy_for(org.path, start)
    ids = list(Org.objects.filter(path__startswith=org.path, kind__in=list(VILLAGE_KINDS), valid_to__isnull=True)
               .values_list("pk", flat=True))
    if not ids:
        raise TargetsError(ROUND_NO_VILLAGES)
    n_before = InspectionRound.objects.filter(org=org).count()
    seed = f"{org.path}:{start.isoformat()}:{n_before + 1}"
    if scope == InspectionRound.Scope.SAMPLED:
        villages = rules.tgt_09_sample(ids, sample or policy.params.sample_villages, seed)
    else:
        villages = sorted(ids)
    rnd = InspectionRound.objects.create(org=org, org_path=org.path, kind=kind, scope=scope, start=start,
                                         days=max(1, days), villages=villages, seed=seed, created_by=actor,
                                         policy_ref=policy.ref)
    audit_record(actor=actor, action="targets.round_create", object_type="inspection_round", object_id=rnd.pk,
                 org_path=org.path, after=snapshot(rnd))
    return rnd


@transaction.atomic
def issue_add(*, actor: Any, rnd: InspectionRound, village: Org, text: str, found_on: date | None = None) -> RoundIssue:
    """One issue per village, one-week rectification by default; the village is told (TGT-09)."""
    _require(can_manage(actor, rnd.org_path))
    found_on = found_on or timezone.localdate()
    if village.pk not in rnd.villages:
        raise TargetsError(ISSUE_VILLAGE)
    if not text.strip():
        raise TargetsError(ISSUE_EMPTY)
    policy = policy_for(village.path, found_on)
    issue = RoundIssue.objects.create(round=rnd, village=village, org_path=village.path, text=text.strip()[:300],
                                      due=rules.tgt_09_issue_due(policy.params, found_on))
    audit_record(actor=actor, action="targets.issue_add", object_type="round_issue", object_id=issue.pk,
                 org_path=village.path, after=snapshot(issue))
    users = _village_users(village.path)
    transaction.on_commit(lambda: notify(users=users, title=f"督查发现问题，请于{issue.due:%m月%d日}前整改",
                                         body=issue.text, url=f"/targets/round/{rnd.pk}/", kind="targets",
                                         key=f"targets:issue:{issue.pk}"))
    return issue


@transaction.atomic
def issue_close(*, actor: Any, issue: RoundIssue, note: str) -> RoundIssue:
    i = RoundIssue.objects.select_for_update().get(pk=issue.pk)
    _require(can_manage(actor, i.org_path))
    if i.closed_at:
        raise TargetsError(ISSUE_CLOSED)
    if not note.strip():
        raise TargetsError(NOTE_EMPTY)
    i.closed_at, i.closed_note = _now(), note.strip()[:300]
    i.save(update_fields=["closed_at", "closed_note"])
    audit_record(actor=actor, action="targets.issue_close", object_type="round_issue", object_id=i.pk,
                 org_path=i.org_path, after={"note": i.closed_note})
    return i


def round_publish(*, actor: Any, rnd: InspectionRound) -> Any:
    """TGT-06/09: the round's results per township and village posted publicly with the supervision phone."""
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish_with_policy

    _require(can_manage(actor, rnd.org_path))
    names = dict(Org.objects.filter(pk__in=rnd.villages).values_list("pk", "name"))
    issues = [{"village": names.get(i.village_id, ""), "text": i.text, "due": i.due.isoformat(),
               "closed": bool(i.closed_at)} for i in rnd.issues.order_by("org_path", "id")]
    content = {"kind": rnd.get_kind_display(), "scope": rnd.get_scope_display(), "start": rnd.start.isoformat(),
               "checked": [names[v] for v in rnd.villages if v in names], "issues": issues,
               "columns": ["村", "存在问题", "整改期限", "整改情况"],
               "rows": [[i["village"], i["text"], i["due"], "已整改" if i["closed"] else "整改中"] for i in issues],
               "text": f"{rnd.get_kind_display()}（{rnd.get_scope_display()}），共检查{len(rnd.villages)}个村。"}
    try:
        return notice_publish_with_policy(actor=actor, org=rnd.org, kind=str(NoticeKind.TARGETS),
                                          key=f"targets:round:{rnd.pk}",
                                          title=f"{rnd.org.name}{rnd.start:%Y年%m月}{rnd.get_kind_display()}情况",
                                          content=content, policy_ref=rnd.policy_ref)
    except ValueError as exc:
        raise TargetsError(str(exc)) from None


@transaction.atomic
def half_scores_post(*, actor: Any, township: Org, year: int, half: int, scores: dict[int, Any]) -> Any:
    """Half-yearly quantified scores per village, posted publicly with the supervision phone (TGT-06)."""
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish_with_policy

    _require(can_manage(actor, township.path))
    policy = policy_for(township.path, date(year, 6 * half, 1))
    villages = {v.pk: v for v in Org.objects.filter(path__startswith=township.path, kind__in=list(VILLAGE_KINDS),
                                                    pk__in=list(scores))}
    errors, parsed = [], {}
    for row, (vid, raw) in enumerate(scores.items(), start=1):
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            value = Decimal(-1)
        if vid not in villages or not Decimal(0) <= value <= Decimal(100):
            errors.append(SCORE_BAD.format(row=row))
        else:
            parsed[vid] = value
    if errors or half not in (1, 2):
        raise TargetsError(errors or [SCORE_BAD.format(row=1)])
    for vid, value in parsed.items():
        HalfYearScore.objects.update_or_create(
            village_id=vid, year=year, half=half,
            defaults={"org_path": villages[vid].path, "score": value, "scored_by": actor,
                      "policy_version_id": policy.version_id})
    audit_record(actor=actor, action="targets.half_scores", object_type="half_scores", object_id=f"{year}H{half}",
                 org_path=township.path, after={str(k): str(v) for k, v in parsed.items()})
    rows = sorted(({"village": villages[k].name, "score": str(v)} for k, v in parsed.items()),
                  key=lambda r: -Decimal(r["score"]))
    try:
        return notice_publish_with_policy(actor=actor, org=township, kind=str(NoticeKind.TARGETS),
                                          key=f"targets:half:{township.pk}:{year}:{half}",
                                          title=f"{township.name}{year}年{'上' if half == 1 else '下'}半年任期目标量化考核得分",
                                          content={"scores": rows, "columns": ["名次", "村", "得分"],
                                                   "rows": [[n, r["village"], r["score"]] for n, r in
                                                            enumerate(rows, start=1)]},
                                          period=f"{year}H{half}", policy_ref=policy.ref)
    except ValueError as exc:
        raise TargetsError(str(exc)) from None


# ---- TGT-07 deposits, year-end results ----------------------------------------------------------------------

@transaction.atomic
def deposit_lodge(*, actor: Any, person: Person, year: int, on: date | None = None) -> Deposit:
    """A covered cadre lodges the policy's deposit for the year (TGT-07)."""
    _require(can_manage(actor, person.org_path))
    on = on or timezone.localdate()
    policy = policy_for(person.org_path, date(year, 1, 1))
    if policy.params.deposit_amount is None:
        raise TargetsError(DEPOSIT_NO_AMOUNT)
    if Deposit.objects.filter(person=person, year=year).exists():
        raise TargetsError(DEPOSIT_TWICE.format(name=person.name, year=year))
    d = Deposit.objects.create(person=person, org_path=person.org_path, year=year,
                               amount=Decimal(policy.params.deposit_amount), lodged_on=on,
                               policy_version_id=policy.version_id)
    audit_record(actor=actor, action="targets.deposit", object_type="deposit", object_id=d.pk,
                 org_path=person.org_path, after=snapshot(d))
    return d


@transaction.atomic
def year_end_decide(*, actor: Any, commitment: Commitment, person: Person, year: int, outcome: str,
                    score: Any = None) -> YearEndResult:
    """Exceeding is rewarded; an unfulfilled year opens a case — first a talk and the deposit deducted
    (itemised with rule and policy version), then a request to resign (TGT-07). Never twice a year."""
    from ganbu.cases.services import case_open_from_finding

    c = commitment
    _require(can_manage(actor, c.org_path))
    ensure_not_subject(actor, person)
    if not c.term_start <= year <= c.term_end:
        raise TargetsError(NOT_IN_TERM.format(year=year))
    if outcome not in YearEndResult.Outcome.values:
        raise TargetsError(OUTCOME_BAD)
    try:
        value = Decimal(str(score)) if score not in (None, "") else None
    except InvalidOperation:
        raise TargetsError(SCORE_BAD.format(row=1)) from None
    if YearEndResult.objects.filter(person=person, year=year).exists():
        raise TargetsError(YEAR_RESULT_TWICE.format(name=person.name, year=year))
    if DepositDeduction.objects.filter(person=person, year=year).exists():
        raise TargetsError(DEDUCTION_TWICE.format(name=person.name, year=year))
    policy = policy_for(c.org_path, date(year, 12, 31))
    result = YearEndResult(person=person, org_path=c.org_path, commitment=c, year=year, outcome=outcome,
                           score=value, decided_by=actor, decided_at=_now(), policy_version_id=policy.version_id,
                           policy_ref=policy.ref)
    finding = None
    if outcome == YearEndResult.Outcome.UNFULFILLED:
        earlier = list(YearEndResult.objects.filter(person=person, commitment__term_start=c.term_start,
                                                    outcome=YearEndResult.Outcome.UNFULFILLED)
                       .values_list("year", flat=True))
        findings = rules.tgt_07_findings(policy.params, person_id=person.pk, org_path=c.org_path,
                                         term=f"{c.term_start}-{c.term_end}", failed_years=[*earlier, year],
                                         policy_version_id=policy.version_id, policy_ref=policy.ref)
        finding = next((f for f in findings if f.facts["year"] == year), None)
        if finding is not None:
            result.occurrence = finding.facts["occurrence"]
            result.measure = "、".join(finding.facts["measures"])[:100]
            case, _ = case_open_from_finding(finding=finding, actor=actor)
            result.case_id = case.pk
    result.save()
    if result.case_id and finding is not None and finding.facts.get("deposit_deduction") is not None:
        deposit = Deposit.objects.filter(person=person, year=year).first()
        amount = deposit.amount if deposit else Decimal(finding.facts["deposit_deduction"])
        try:
            with transaction.atomic():
                DepositDeduction.objects.create(
                    person=person, org_path=c.org_path, year=year, amount=amount, rule_id="TGT-07",
                    reason=f"{year}年未完成承诺目标（任期内第{result.occurrence}次）：{result.measure}"[:200],
                    result=result, policy_version_id=policy.version_id, policy_ref=policy.ref)
        except IntegrityError:
            raise TargetsError(DEDUCTION_TWICE.format(name=person.name, year=year)) from None
    audit_record(actor=actor, action="targets.year_end", object_type="year_end_result", object_id=result.pk,
                 org_path=c.org_path, after=snapshot(result))
    return result


# ---- TGT-08 decision accountability ---------------------------------------------------------------------------

@transaction.atomic
def decision_record(*, actor: Any, village: Org, decided_on: date, title: str, body: str, meeting_on: date | None,
                    loss: Any, responsible: list[Person]) -> Decision:
    """A major village decision with the meeting that took it; none + a loss → a case per person named (TGT-08)."""
    from ganbu.cases.services import case_open_from_finding

    _require(can_manage(actor, village.path) or can_draft(actor, village.path))
    policy = policy_for(village.path, decided_on)
    errors = []
    if not title.strip():
        errors.append(TEXT_EMPTY)
    if body and body not in policy.params.decision_bodies:
        errors.append(BODY_BAD.format(bodies="、".join(policy.params.decision_bodies)))
    try:
        amount = Decimal(str(loss or 0))
        if amount < 0:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(LOSS_BAD)
        amount = Decimal(0)
    if not responsible:
        errors.append(DECISION_NO_RESPONSIBLE)
    if any(p.org_path not in (village.path, village.path[:9]) for p in responsible):
        errors.append(RESPONSIBLE_OUT)
    if errors:
        raise TargetsError(errors)
    ensure_not_subject(actor, list(responsible))
    d = Decision.objects.create(village=village, org_path=village.path, decided_on=decided_on, title=title.strip()[:200],
                                body=body, meeting_on=meeting_on if body else None, loss=amount, recorded_by=actor,
                                recorded_at=_now(), policy_ref=policy.ref)
    d.responsible.set(responsible)
    findings = rules.tgt_08_findings(policy.params, decision_id=d.pk, body=body, loss=amount, org_path=village.path,
                                     responsible=[p.pk for p in responsible], title=d.title,
                                     policy_version_id=policy.version_id, policy_ref=policy.ref)
    d.case_ids = [case_open_from_finding(finding=f, actor=actor)[0].pk for f in findings]
    d.save(update_fields=["case_ids"])
    audit_record(actor=actor, action="targets.decision", object_type="decision", object_id=d.pk,
                 org_path=village.path, after=snapshot(d))
    return d


# ---- TGT-10 oversight responsibility fund -------------------------------------------------------------------

@transaction.atomic
def fund_hold(*, actor: Any, person: Person, year: int, bonus: Any, pct: int | None = None) -> ResponsibilityFund:
    """30–50% (policy) of an assessment-office member's annual bonus held as a responsibility fund (TGT-10)."""
    _require(can_manage(actor, person.org_path))
    ensure_not_subject(actor, person)
    policy = policy_for(person.org_path, date(year, 1, 1))
    try:
        amount_bonus = Decimal(str(bonus))
        if amount_bonus < 0:
            raise InvalidOperation
    except InvalidOperation:
        raise TargetsError(BONUS_BAD) from None
    p = policy.params
    pct = p.responsibility_fund_min_pct if pct is None else pct
    try:
        amount = rules.tgt_10_fund(p, amount_bonus, pct)
    except ValueError:
        raise TargetsError(rules.E_FUND_PCT.format(pct=pct, lo=p.responsibility_fund_min_pct,
                                                   hi=p.responsibility_fund_max_pct)) from None
    if ResponsibilityFund.objects.filter(person=person, year=year).exists():
        raise TargetsError(FUND_TWICE.format(name=person.name, year=year))
    f = ResponsibilityFund.objects.create(person=person, org_path=person.org_path, year=year, bonus=amount_bonus,
                                          pct=pct, amount=amount, policy_version_id=policy.version_id,
                                          policy_ref=policy.ref)
    audit_record(actor=actor, action="targets.fund_hold", object_type="responsibility_fund", object_id=f.pk,
                 org_path=person.org_path, after=snapshot(f))
    return f


@transaction.atomic
def fund_decide(*, actor: Any, fund: ResponsibilityFund, status: str, reason: str) -> ResponsibilityFund:
    """Paid or withheld by the result of the member's oversight, with the reason on record (TGT-10)."""
    f = ResponsibilityFund.objects.select_for_update().select_related("person").get(pk=fund.pk)
    _require(can_manage(actor, f.org_path))
    ensure_not_subject(actor, f.person_id)
    if f.status != ResponsibilityFund.Status.HELD:
        raise TargetsError(FUND_DECIDED)
    if status not in (ResponsibilityFund.Status.PAID, ResponsibilityFund.Status.WITHHELD):
        raise TargetsError(FUND_STATUS)
    if not reason.strip():
        raise TargetsError(FUND_REASON)
    before = snapshot(f)
    f.status, f.reason, f.decided_by, f.decided_at = status, reason.strip()[:300], actor, _now()
    f.save()
    audit_record(actor=actor, action="targets.fund_decide", object_type="responsibility_fund", object_id=f.pk,
                 org_path=f.org_path, before=before, after=snapshot(f), reason=f.reason)
    return f
