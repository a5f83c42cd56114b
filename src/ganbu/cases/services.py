"""Turning findings into cases, acting on them, closing them (DSC-01)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ganbu.cases.models import Appeal, Case, CaseAction
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.findings import Finding
from ganbu.core.notify import notify, users_with_role
from ganbu.core.recusal import ensure_not_subject

CLOSE_NEEDS_DECISION = "办结必须填写处理结果"
ALREADY_CLOSED = "该事项已办结"


def case_open_from_finding(*, finding: Finding, actor: Any = None) -> tuple[Case, bool]:
    """Open a case for a finding, once: re-evaluation with the same key returns the existing case."""
    existing = Case.objects.filter(key=finding.key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            case = Case.objects.create(
                rule_id=finding.rule_id, key=finding.key, title=finding.title, facts=finding.facts,
                measure=finding.measure, subject_id=finding.subject_person_id, org_path=finding.org_path,
                acting_role=finding.acting_role, due=finding.due, policy_version_id=finding.policy_version_id,
                policy_ref=finding.policy_ref, provisional=finding.provisional,
            )
            audit_record(actor=actor, action="case.open", object_type="case", object_id=case.pk,
                         org_path=case.org_path, after=snapshot(case))
    except IntegrityError:
        return Case.objects.get(key=finding.key), False
    if finding.acting_role:
        path = finding.org_path
        targets = []
        for cut in (len(path), 9, 6):
            targets += users_with_role(finding.acting_role, path[:cut])
        transaction.on_commit(lambda: notify(users=targets, title=f"新问责事项：{case.title}",
                                             url=f"/cases/{case.pk}/", kind="case", key=f"case:{case.pk}"))
    return case, True


def case_refresh_from_finding(*, finding: Finding, actor: Any = None) -> bool:
    """Bring an open case up to date with its rule's latest finding (same key): a count that keeps
    running (an overstay, LV-07) updates its facts and title. A closed case is left as decided.
    Returns whether anything changed."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(key=finding.key).first()
        if case is None or case.status == Case.Status.CLOSED:
            return False
        if case.facts == finding.facts and case.title == finding.title:
            return False
        before = snapshot(case)
        case.facts, case.title = finding.facts, finding.title[:200]
        case.save(update_fields=["facts", "title"])
        audit_record(actor=actor, action="case.refresh", object_type="case", object_id=case.pk,
                     org_path=case.org_path, before=before, after=snapshot(case))
    return True


@transaction.atomic
def case_act(*, actor: Any, case: Case, note: str) -> Case:
    ensure_not_subject(actor, case.subject_id)  # 回避: the subject never handles his own case
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.CLOSED:
        raise ValueError(ALREADY_CLOSED)
    before = snapshot(case)
    case.status = Case.Status.ACTING
    case.assignee = actor
    case.save(update_fields=["status", "assignee"])
    CaseAction.objects.create(case=case, actor=actor, action="act", note=note)
    audit_record(actor=actor, action="case.act", object_type="case", object_id=case.pk, org_path=case.org_path,
                 before=before, after=snapshot(case), reason=note)
    return case


@transaction.atomic
def case_close(*, actor: Any, case: Case, decision: str) -> Case:
    if not decision.strip():
        raise ValueError(CLOSE_NEEDS_DECISION)
    ensure_not_subject(actor, case.subject_id)  # 回避: nor closes it
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.CLOSED:
        raise ValueError(ALREADY_CLOSED)
    before = snapshot(case)
    case.status = Case.Status.CLOSED
    case.closed_by = actor
    case.closed_at = timezone.now()
    case.decision = decision
    case.save(update_fields=["status", "closed_by", "closed_at", "decision"])
    CaseAction.objects.create(case=case, actor=actor, action="close", note=decision)
    audit_record(actor=actor, action="case.close", object_type="case", object_id=case.pk, org_path=case.org_path,
                 before=before, after=snapshot(case), reason=decision)
    return case



# --- appeals (DSC-02) -----------------------------------------------------------------------------

APPEAL_LATE = "已超过申诉期限（{deadline}），不能再申诉"
APPEAL_EMPTY = "请填写申诉理由"
APPEAL_NOT_SUBJECT = "只能对涉及本人的事项申诉"
APPEAL_DUPLICATE = "您已对该事项提交申诉，正在处理中"
ANSWER_EMPTY = "请填写答复内容"
ANSWER_BAD_STATUS = "答复结论应为“申诉成立”或“维持原结果”"
ALREADY_ANSWERED = "该申诉已答复"
NO_POLICY = "未找到施行中的问责与申诉细则"


@dataclass(frozen=True)
class AppealTarget:
    """What an appeal is about: whose it is, where it sits and when the appeal period starts."""

    person_id: int
    org_path: str
    start: date
    object_type: str
    object_id: str
    case: Case | None = None


# object_type → loader(object_id) -> AppealTarget; apps register theirs in ready() (points: "point_cycle").
APPEAL_TARGETS: dict[str, Callable[[str, Any], AppealTarget]] = {}


def appeal_target_register(object_type: str, loader: Callable[[str, Any], AppealTarget]) -> None:
    APPEAL_TARGETS[object_type] = loader


def appeal_deadline(*, org_path: str, start: date) -> tuple[date, str]:
    """Last day to appeal: ``start`` + the policy's period ("N天内" includes the N-th day)."""
    from ganbu.core.policy import PolicyMissing, policy_resolve

    try:
        resolved = policy_resolve("cases", org_path, start)
    except PolicyMissing:
        raise ValueError(NO_POLICY) from None
    return start + timedelta(days=resolved.params.appeal_days), resolved.ref


@transaction.atomic
def appeal_file(*, actor: Any, target: AppealTarget, reason: str, on: date | None = None) -> Appeal:
    """The cadre appeals within the period; a late appeal is refused and nothing is written."""
    today = on or timezone.localdate()
    if getattr(actor, "person_id", None) != target.person_id:
        raise ValueError(APPEAL_NOT_SUBJECT)
    if not reason.strip():
        raise ValueError(APPEAL_EMPTY)
    deadline, ref = appeal_deadline(org_path=target.org_path, start=target.start)
    if today > deadline:
        raise ValueError(APPEAL_LATE.format(deadline=deadline))
    object_type, object_id = target.object_type, target.object_id
    if Appeal.objects.select_for_update().filter(person_id=target.person_id, object_type=object_type,
                                                 object_id=object_id, status=Appeal.Status.FILED).exists():
        raise ValueError(APPEAL_DUPLICATE)
    appeal = Appeal.objects.create(person_id=target.person_id, case=target.case, object_type=object_type,
                                   object_id=object_id, org_path=target.org_path, reason=reason.strip(),
                                   deadline=deadline, policy_ref=ref)
    audit_record(actor=actor, action="appeal.file", object_type="appeal", object_id=appeal.pk,
                 org_path=appeal.org_path, after=snapshot(appeal))
    path = target.org_path
    targets = []
    for cut in (9, 6):
        targets += users_with_role("township_office", path[:cut]) + users_with_role("township_secretary", path[:cut])
    transaction.on_commit(lambda: notify(users=targets, title="收到新的申诉", url=f"/cases/appeals/{appeal.pk}/",
                                         kind="appeal", key=f"appeal:{appeal.pk}"))
    return appeal


def case_appeal_target(case: Case) -> AppealTarget:
    return AppealTarget(person_id=case.subject_id or 0, org_path=case.org_path,
                        start=timezone.localtime(case.opened_at).date(), object_type="case", object_id=str(case.pk),
                        case=case)


@transaction.atomic
def appeal_answer(*, actor: Any, appeal: Appeal, status: str, answer: str) -> Appeal:
    """A person answers the appeal; the appeal and its answer are kept (DSC-02)."""
    if not answer.strip():
        raise ValueError(ANSWER_EMPTY)
    if status not in (Appeal.Status.UPHELD, Appeal.Status.REJECTED):
        raise ValueError(ANSWER_BAD_STATUS)
    ensure_not_subject(actor, appeal.person_id)  # 回避: nobody answers his own appeal
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != Appeal.Status.FILED:
        raise ValueError(ALREADY_ANSWERED)
    before = snapshot(appeal)
    appeal.status = status
    appeal.answer = answer.strip()
    appeal.answered_by = actor
    appeal.answered_at = timezone.now()
    appeal.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="appeal.answer", object_type="appeal", object_id=appeal.pk,
                 org_path=appeal.org_path, before=before, after=snapshot(appeal))
    return appeal
