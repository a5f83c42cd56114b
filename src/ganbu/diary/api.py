"""Diary JSON API for the phone app: search households, record, report, answer — the pages' services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from ganbu.core.policy import PolicyMissing, policy_resolve
from ganbu.core.recusal import RecusalError
from ganbu.diary import queries, rules, services
from ganbu.diary.models import Matter

router = Router(tags=["民情日记"])


class MatterIn(Schema):
    household_id: int
    met_on: date
    category: str = Field(max_length=30)
    content: str = Field(max_length=2000)
    action: str = Field("", max_length=2000)
    major: bool = False
    beyond: bool = False


class ReportIn(Schema):
    reported_on: date
    text: str = Field(max_length=2000)


class AnswerIn(Schema):
    text: str = Field(max_length=2000)


def _matter(m: Matter) -> dict[str, Any]:
    try:
        params = policy_resolve("diary", m.org_path, m.met_on).params
        clocks = rules.dry_02_clocks(params, services.matter_facts(m), timezone.localdate())
    except PolicyMissing:
        clocks = []
    return {"id": m.pk, "household": str(m.household), "met_on": m.met_on.isoformat(), "category": m.category,
            "content": m.content, "action": m.action, "major": m.major, "beyond": m.beyond,
            "reported_on": m.reported_on.isoformat() if m.reported_on else None,
            "answered_on": m.answered_on.isoformat() if m.answered_on else None, "answer": m.answer_text,
            "clocks": [{"kind": c.kind, "label": c.label, "due": c.due.isoformat(), "state": c.state, "days": c.days}
                       for c in clocks]}


@router.get("/households")
def households(request: Any, q: str = "") -> list[dict[str, Any]]:
    return [{"id": h.pk, "name": str(h), "village": h.village.name, "demonstration": h.demonstration, "poor": h.poor}
            for h in queries.households_search(request.user, q[:50])]


@router.get("/matters")
def matter_list(request: Any, mine: bool = True) -> list[dict[str, Any]]:
    return [_matter(m) for m in queries.open_matters(request.user, mine_only=mine, include_closed=mine)[:200]]


@router.post("/matters", response={200: dict, 400: dict})
def matter_record(request: Any, payload: MatterIn) -> Any:
    household = queries.household_for(request.user, payload.household_id)
    try:
        m = services.matter_record(actor=request.user, household=household, met_on=payload.met_on,
                                   category=payload.category, content=payload.content, action=payload.action,
                                   major=payload.major, beyond=payload.beyond)
    except services.DiaryError as exc:
        return Status(400, {"detail": exc.message, "field": exc.field})
    return Status(200, _matter(m))


@router.get("/matters/{matter_id}")
def matter_detail(request: Any, matter_id: int) -> dict[str, Any]:
    return _matter(queries.matter_for(request.user, matter_id))


@router.post("/matters/{matter_id}/report", response={200: dict, 400: dict})
def matter_report(request: Any, matter_id: int, payload: ReportIn) -> Any:
    m = queries.matter_for(request.user, matter_id)
    try:
        m = services.matter_report(actor=request.user, matter=m, reported_on=payload.reported_on, text=payload.text)
    except services.DiaryError as exc:
        return Status(400, {"detail": exc.message, "field": exc.field})
    return Status(200, _matter(m))


@router.post("/matters/{matter_id}/answer", response={200: dict, 400: dict})
def matter_answer(request: Any, matter_id: int, payload: AnswerIn) -> Any:
    m = queries.matter_for(request.user, matter_id)
    try:
        m = services.matter_answer(actor=request.user, matter=m, text=payload.text)
    except (services.DiaryError, RecusalError) as exc:
        return Status(400, {"detail": exc.message})
    return Status(200, _matter(m))
