"""JSON API for stationing: the same services and access functions as the pages (proposals, approval,
reporting, the diary from the phone, the county's list)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from ganbu.core.access import NotFound, has_perm
from ganbu.core.recusal import RecusalError
from ganbu.stationing import queries, services
from ganbu.stationing.models import Selection

router = Router(tags=["驻村干部"])


class ProposeIn(Schema):
    kind: str = Field("new", pattern="^(new|replace)$")
    village_id: int
    unit_id: int
    candidate_id: int = Field(..., description="从 /api/stationing/candidates?q= 搜索结果中选择")
    role: str = Field("team_member", max_length=16)
    term_start: date
    term_end: date | None = None
    outgoing_post_id: int | None = None
    reason: str = Field("", max_length=20)
    note: str = Field("", max_length=500)


class ApproveIn(Schema):
    approved_on: date
    approval_ref: str = Field(..., max_length=100)
    override_reason: str = Field("", max_length=300)


class ReportIn(Schema):
    on: date


class DiaryIn(Schema):
    date: date
    work: str = Field(..., max_length=2000)
    households: str = Field("", max_length=500)


def _errors(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, ValidationError):
        return {"errors": exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}}
    return {"errors": {"": [getattr(exc, "message", None) or str(exc) or "无权办理"]}}


def _sel(s: Selection) -> dict[str, Any]:
    return {"id": s.pk, "kind": s.kind, "status": s.status, "status_label": s.get_status_display(),
            "candidate": s.candidate.name, "village": s.village.name, "unit": s.unit.name, "role": s.role,
            "term_start": s.term_start, "term_end": s.term_end, "reasons": s.reasons, "report_due": s.report_due,
            "reported_on": s.reported_on, "reported_late": s.reported_late, "handover_start": s.handover_start,
            "handover_end": s.handover_end}


@router.get("/candidates")
def candidates(request: Any, q: str = "") -> list[dict[str, Any]]:
    """People the user may propose, by name, unit or post: only for those who may propose (as the page)."""
    if not queries.unit_choices(request.auth).exists():
        raise NotFound()
    return [{"id": p.pk, "name": p.name, "org": p.org.name,
             "posts": [x.get_title_display() for x in p.current_posts]}
            for p in queries.candidate_search(request.auth, q[:50])]


@router.post("/selections", response={200: dict, 400: dict})
def propose(request: Any, payload: ProposeIn) -> Any:
    from ganbu.org.queries import people_list

    user = request.auth
    village = queries.village_choices(user).filter(pk=payload.village_id).first()
    unit = queries.unit_choices(user).filter(pk=payload.unit_id).first()
    candidate = people_list(user).filter(pk=payload.candidate_id).first()
    if village is None or unit is None or candidate is None:
        raise NotFound()
    outgoing = None
    if payload.outgoing_post_id:
        outgoing = queries.current_posts(user, timezone.localdate()).filter(pk=payload.outgoing_post_id).first()
        if outgoing is None:
            raise NotFound()
    try:
        sel = services.selection_propose(actor=user, kind=payload.kind, village=village, unit=unit,
                                         candidate=candidate, role=payload.role, term_start=payload.term_start,
                                         term_end=payload.term_end, outgoing=outgoing, reason=payload.reason,
                                         note=payload.note)
    except (ValidationError, PermissionDenied, RecusalError) as exc:
        return Status(400, _errors(exc))
    return Status(200, _sel(sel))


@router.get("/selections/{pk}")
def selection(request: Any, pk: int) -> dict[str, Any]:
    return _sel(queries.access_selection(request.auth, pk))


@router.post("/selections/{pk}/approve", response={200: dict, 400: dict})
def approve(request: Any, pk: int, payload: ApproveIn) -> Any:
    """The county's written approval; an ineligible candidate is refused with every reason."""
    sel = queries.access_selection(request.auth, pk)
    try:
        sel = services.selection_approve(actor=request.auth, selection=sel, approved_on=payload.approved_on,
                                         approval_ref=payload.approval_ref, override_reason=payload.override_reason)
    except (ValidationError, PermissionDenied, RecusalError) as exc:
        return Status(400, _errors(exc))
    return Status(200, _sel(sel))


@router.post("/selections/{pk}/report", response={200: dict, 400: dict})
def report(request: Any, pk: int, payload: ReportIn) -> Any:
    sel = queries.access_selection(request.auth, pk)
    try:
        sel = services.selection_report(actor=request.auth, selection=sel, on=payload.on)
    except (ValidationError, PermissionDenied) as exc:
        return Status(400, _errors(exc))
    return Status(200, _sel(sel))


@router.post("/diary", response={200: dict, 400: dict})
def diary(request: Any, payload: DiaryIn) -> Any:
    """The day's work diary from the phone: one a day, never a future date."""
    try:
        e = services.diary_write(actor=request.auth, on=payload.date, work=payload.work,
                                 households=payload.households)
    except ValidationError as exc:
        return Status(400, _errors(exc))
    return Status(200, {"id": e.pk, "date": e.date})


@router.get("/cadres")
def cadres(request: Any, overdue: bool = False, q: str = "") -> list[dict[str, Any]]:
    """The stationed-cadre list: the same gate as the page (stationing.view somewhere), else "not found"."""
    if not has_perm(request.auth, "stationing.view"):
        raise NotFound()
    rows = queries.stationed_list(request.auth, timezone.localdate(), q=q[:50], overdue_only=overdue)
    return [{"person_id": r.post.person_id, "name": r.post.person.name, "village": r.post.org.name,
             "unit": r.post.dispatch_unit.name if r.post.dispatch_unit else "", "title": r.post.title,
             "term_start": r.term_start, "term_end": r.term_end, "days_in_village": r.days_in_village,
             "open": len(r.open), "overdue": [{"kind": d.kind, "period": d.period, "due": d.due} for d in r.overdue]}
            for r in rows]


