"""积分 JSON API: the same queries, services and access checks as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from ganbu.core.access import NotFound, access_object, access_org, access_person
from ganbu.org.models import OrgKind
from ganbu.points import queries, rules, services
from ganbu.points.models import PointEntry, Scope

router = Router(tags=["积分"])


class EntryIn(Schema):
    person_id: int
    item_id: int
    points: str
    date: date
    note: str = Field(..., max_length=300)
    submit_key: str | None = Field(None, max_length=64, description="客户端生成的一次性提交标识：重复提交只记一次")


def _err(exc: ValidationError) -> dict[str, Any]:
    return {"errors": exc.message_dict if hasattr(exc, "message_dict") else {"": exc.messages}}


@router.get("/ranking")
def ranking(request: Any, org: int, year: int, scope: str = Scope.VILLAGE) -> dict[str, Any]:
    """Township (or county: per township) ranking; ties per ``tie_method``."""
    if scope not in Scope.values:
        raise NotFound()
    node = access_org(request.user, org, "points.view")
    prefix = node.path if node.kind == OrgKind.COUNTY else node.path[:9]
    rows = [r for r in queries.ranking(prefix, scope, year) if r.org_path.startswith(node.path)]
    return {"tie_method": rules.TIE_METHOD, "rows": [
        {"person_id": r.person_id, "name": r.name, "village": r.village, "township": r.org_path[:9],
         "total": str(r.total), "deductions": str(r.deductions), "rank": r.rank} for r in rows]}


@router.get("/ledger/{person_id}")
def ledger(request: Any, person_id: int, year: int) -> dict[str, Any]:
    person = access_person(request.user, person_id, "points.view")
    scope = Scope.VILLAGE if len(person.org_path) == 12 else Scope.TOWNSHIP
    cycle = queries.cycles_for(person.org_path[:9], year, scope).get(person.org_path[:9])
    return {"entries": [{"id": e.pk, "item": e.item.name, "category": e.item.category, "points": str(e.points),
                         "date": e.date.isoformat(), "status": e.status, "evidence": bool(e.evidence_id),
                         "recorded_by": str(e.recorded_by), "approved_by": str(e.approved_by or "")}
                        for e in queries.ledger(person, cycle)]}


@router.post("/entries", response={200: dict, 400: dict})
def record(request: Any, payload: EntryIn) -> Any:
    person = access_person(request.user, payload.person_id, "points.record")
    try:
        entry = services.point_entry_record(actor=request.user, person=person, item_id=payload.item_id,
                                            points=payload.points, on=payload.date, note=payload.note,
                                            submit_key=payload.submit_key)
    except ValidationError as exc:
        return Status(400, _err(exc))
    return Status(200, {"id": entry.pk, "status": entry.status})


@router.post("/entries/{entry_id}/approve", response={200: dict, 400: dict})
def approve(request: Any, entry_id: int) -> Any:
    entry = access_object(request.user, PointEntry, entry_id, "points.approve")
    try:
        entry = services.point_entry_approve(actor=request.user, entry=entry)
    except ValidationError as exc:
        return Status(400, _err(exc))
    return Status(200, {"id": entry.pk, "status": entry.status})
