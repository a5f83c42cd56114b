"""JSON API of core: working-day status, policy versions, job progress — same queries as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Router, Schema

from ganbu.core import queries
from ganbu.core.calendar import calendar_day_status
from ganbu.core.policy import MODULES

router = Router(tags=["核心"])


class DayOut(Schema):
    date: date
    is_workday: bool
    provisional: bool
    name: str
    note: str


class ParamOut(Schema):
    name: str
    title: str
    value: Any = None
    origin: str
    open: bool
    note: str


class PolicyOut(Schema):
    id: int
    org_id: int
    org_name: str
    module: str
    module_title: str
    title: str
    version: int
    status: str
    period_start: date
    period_end: date | None
    params: list[ParamOut]


class JobOut(Schema):
    id: int
    kind: str
    status: str
    stage: str
    done: int
    total: int
    errors: list[Any]
    result: dict[str, Any]


@router.get("/calendar/day", response=DayOut)
def calendar_day(request: Any, date: date, region: str = "") -> Any:
    """Is a date a working day (for a region); ``provisional`` when its year's notice is not entered (CAL-01)."""
    s = calendar_day_status(date, region if region.isdigit() else "")
    return {"date": s.day, "is_workday": s.is_workday, "provisional": s.provisional, "name": s.name, "note": s.note}


@router.get("/policies/{pk}", response=PolicyOut)
def policy(request: Any, pk: int) -> Any:
    """One policy version with every parameter, in the user's policy.view scope (POL-01)."""
    v = queries.access_policy(request.user, pk)
    rows = queries.policy_param_rows(v)
    return {"id": v.pk, "org_id": v.org_id, "org_name": v.org.name, "module": v.module,
            "module_title": MODULES[v.module].title, "title": v.title, "version": v.version, "status": v.status,
            "period_start": v.period_start, "period_end": v.period_end,
            "params": [{"name": r.name, "title": r.title, "value": r.value, "origin": r.origin, "open": r.open,
                        "note": r.note} for r in rows]}


@router.get("/jobs/{pk}", response=JobOut)
def job(request: Any, pk: int) -> Any:
    """Progress of a job the user started."""
    j = queries.access_job(request.user, pk)
    return {"id": j.pk, "kind": j.kind, "status": j.status, "stage": j.stage, "done": j.done, "total": j.total,
            "errors": j.errors or [], "result": j.result or {}}
