"""Targets JSON API for phones and integrations: the same queries and services as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Router, Schema, Status

from ganbu.targets import queries, services
from ganbu.targets.models import Commitment, LedgerTask

router = Router(tags=["任期目标"])


class DoneIn(Schema):
    done_on: date


def _commitment(c: Commitment) -> dict[str, Any]:
    return {"id": c.pk, "village": c.village.name, "term": [c.term_start, c.term_end], "status": c.status,
            "status_label": c.get_status_display(), "round": c.round, "signed": c.signature_valid,
            "content_hash": c.content_hash, "policy_ref": c.policy_ref}


def _task(t: LedgerTask) -> dict[str, Any]:
    return {"id": t.pk, "village": t.commitment.village.name, "category": t.category, "title": t.title,
            "standard": t.standard, "deadline": t.deadline.isoformat(), "responsible": t.responsible.name,
            "major": t.major, "status": t.status}


@router.get("/commitments")
def commitment_list(request: Any) -> list[dict[str, Any]]:
    return [_commitment(c) for c in queries.commitments(request.user)[:1000]]


@router.get("/commitments/{commitment_id}")
def commitment_detail(request: Any, commitment_id: int) -> dict[str, Any]:
    c = queries.access_commitment(request.user, commitment_id)
    return {**_commitment(c), "framework": c.framework, "measures": services.commitment_content(c)["measures"]}


@router.get("/ledger")
def ledger(request: Any, org: int, month: str) -> list[dict[str, Any]]:
    unit = queries.access_unit(request.user, org)
    try:
        y, m = (int(x) for x in month.split("-")[:2])
        first = date(y, m, 1)
    except ValueError:
        return []
    return [_task(t) for t in queries.ledger(request.user, org_path=unit.path, month=first)]


@router.get("/inspections/mine")
def my_inspections(request: Any) -> list[dict[str, Any]]:
    return [{"id": i.pk, "kind": i.kind, "scheduled_on": i.scheduled_on.isoformat(), "items": i.items,
             "task": _task(i.task)} for i in queries.my_inspections(request.user)]


@router.post("/tasks/{task_id}/done", response={200: dict, 400: dict})
def task_done(request: Any, task_id: int, payload: DoneIn) -> Any:
    t = queries.access_task(request.user, task_id)
    try:
        t = services.task_report_done(actor=request.user, task=t, done_on=payload.done_on)
    except services.TargetsError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, {"id": t.pk, "status": t.status})


@router.get("/progress/{org_id}")
def progress(request: Any, org_id: int) -> list[dict[str, Any]]:
    unit = queries.access_unit(request.user, org_id)
    return [r.__dict__ for r in queries.progress(request.user, unit)]
