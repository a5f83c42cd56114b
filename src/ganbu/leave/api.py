"""JSON API for leave: the same services and access functions as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Router, Schema, Status

from ganbu.core.access import NotFound
from ganbu.leave import services
from ganbu.leave.models import ApprovalStep, LeaveRequest
from ganbu.leave.queries import access_leave, leave_mine
from ganbu.org.queries import HANDOVER_NOT_ALLOWED, handover_candidates

router = Router(tags=["请销假"])


class SubmitIn(Schema):
    kind: str
    start: date
    end: date
    reason: str = Field(..., max_length=500)
    start_pm: bool = False
    end_am: bool = False
    leaves_county: bool = False
    handover_id: int | None = None
    submit_key: str | None = Field(None, max_length=64, description="客户端生成的一次性提交标识：重复提交只记一次")


class DecideIn(Schema):
    approve: bool
    comment: str = Field("", max_length=2000)
    override_reason: str = Field("", max_length=2000)


def _num(value: Any) -> str:
    return format(value.normalize(), "f")


def _out(req: LeaveRequest) -> dict[str, Any]:
    return {
        "id": req.pk, "person": req.person.name, "kind": req.kind, "start": req.start, "end": req.end,
        "days": req.days_display, "status": req.status, "policy_ref": req.policy_ref,
        "approved_end": req.approved_end, "approved_days": None if req.approved_days is None else _num(req.approved_days),
        "steps": [{"id": s.pk, "order": s.order, "label": s.label, "role": s.role, "kind": s.kind,
                   "status": s.status, "why": s.why} for s in req.steps.all()],
    }


@router.get("/mine")
def mine(request: Any) -> list[dict[str, Any]]:
    return [_out(r) for r in leave_mine(user=request.auth).prefetch_related("steps")[:200]]


@router.post("/submit", response={200: dict, 400: dict})
def submit(request: Any, payload: SubmitIn) -> Any:
    user = request.auth
    if user.person is None:
        raise NotFound()
    handover = handover_candidates(user.person).filter(pk=payload.handover_id).first() if payload.handover_id else None
    if payload.handover_id and handover is None:  # only people the applicant may pick (issue 16)
        return Status(400, {"errors": {"handover": HANDOVER_NOT_ALLOWED}})
    try:
        req = services.leave_submit(actor=user, person=user.person, kind=payload.kind, start=payload.start,
                                    end=payload.end, reason=payload.reason, start_pm=payload.start_pm,
                                    end_am=payload.end_am, leaves_county=payload.leaves_county,
                                    handover=handover, submit_key=payload.submit_key)
    except services.LeaveError as exc:
        return Status(400, {"errors": exc.errors})
    return Status(200, _out(req))


@router.get("/{pk}")
def detail(request: Any, pk: int) -> dict[str, Any]:
    return _out(access_leave(user=request.auth, pk=pk))


@router.post("/{pk}/steps/{step_id}/decide", response={200: dict, 400: dict})
def decide(request: Any, pk: int, step_id: int, payload: DecideIn) -> Any:
    req = access_leave(user=request.auth, pk=pk)
    step = ApprovalStep.objects.filter(request=req, pk=step_id).first()
    if step is None:
        raise NotFound()
    try:
        services.leave_decide(actor=request.auth, step=step, approve=payload.approve, comment=payload.comment,
                              override_reason=payload.override_reason)
    except services.LeaveError as exc:
        return Status(400, {"errors": exc.errors})
    req.refresh_from_db()
    return Status(200, _out(req))


class CancelIn(Schema):
    returned_on: date
    note: str = Field("", max_length=300)


class RevokeIn(Schema):
    reason: str = Field("", max_length=300)


@router.post("/{pk}/revoke", response={200: dict, 400: dict})
def revoke(request: Any, pk: int, payload: RevokeIn) -> Any:
    """Cancel an approved leave before it starts (LV-06); the approvers are told."""
    req = access_leave(user=request.auth, pk=pk)
    try:
        req = services.leave_revoke(actor=request.auth, request=req, reason=payload.reason)
    except services.LeaveError as exc:
        return Status(400, {"errors": exc.errors})
    return Status(200, _out(req))


@router.post("/{pk}/cancel", response={200: dict, 400: dict})
def cancel(request: Any, pk: int, payload: CancelIn) -> Any:
    """销假 from the phone (LV-06)."""
    req = access_leave(user=request.auth, pk=pk)
    try:
        c = services.leave_cancel(actor=request.auth, request=req, returned_on=payload.returned_on, note=payload.note)
    except services.LeaveError as exc:
        return Status(400, {"errors": exc.errors})
    req.refresh_from_db()
    return Status(200, {**_out(req), "deadline": c.deadline, "late": c.late, "returned_on": c.returned_on,
                        "overstay_days": _num(c.overstay_days)})
