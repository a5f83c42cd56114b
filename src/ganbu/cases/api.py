"""Cases JSON API: scoped list, detail, appeal — same queries and services as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema, Status

from ganbu.cases import queries, services
from ganbu.cases.models import Case
from ganbu.core.access import access_object

router = Router(tags=["问责"])


class AppealIn(Schema):
    reason: str


def _case(c: Case) -> dict[str, Any]:
    return {"id": c.pk, "rule_id": c.rule_id, "title": c.title, "measure": c.measure, "status": c.status,
            "due": c.due.isoformat() if c.due else None, "policy_ref": c.policy_ref,
            "policy_version_id": c.policy_version_id, "facts": c.facts, "subject_id": c.subject_id,
            "overdue": bool(getattr(c, "overdue", False))}


@router.get("/")
def case_list(request: Any) -> list[dict[str, Any]]:
    return [_case(c) for c in queries.cases_visible(request.user)[:500]]


@router.get("/{case_id}")
def case_detail(request: Any, case_id: int) -> dict[str, Any]:
    return _case(access_object(request.user, Case, case_id, "cases.view", person_field="subject_id"))


@router.post("/{case_id}/appeal", response={200: dict, 400: dict})
def appeal(request: Any, case_id: int, payload: AppealIn) -> Any:
    case = access_object(request.user, Case, case_id, "cases.view", person_field="subject_id")
    try:
        item = services.appeal_file(actor=request.user, target=services.case_appeal_target(case),
                                    reason=payload.reason)
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, {"id": item.pk, "deadline": item.deadline.isoformat()})
