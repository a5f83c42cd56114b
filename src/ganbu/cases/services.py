"""Turning findings into cases, acting on them, closing them (DSC-01)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ganbu.cases.models import Case, CaseAction
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.findings import Finding
from ganbu.core.notify import notify, users_with_role

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


@transaction.atomic
def case_act(*, actor: Any, case: Case, note: str) -> Case:
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
