"""千分制 JSON API: the same services and scoped access as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema, Status

from ganbu.assessment import queries, services
from ganbu.assessment.services import AssessmentError
from ganbu.core.access import NotFound
from ganbu.org.models import Org

router = Router(tags=["千分制考核"])


class ResultOut(Schema):
    village: str
    kind: str
    rank: int
    total: str
    reward: str | None
    pay: str | None
    source: str
    policy_ref: str


class ScoreIn(Schema):
    village_id: int
    score: str
    note: str = ""


class ScoreOut(Schema):
    id: int
    score: str


class Error(Schema):
    detail: str


@router.get("/townships/{township_id}/results/{year}", response=list[ResultOut])
def results(request: Any, township_id: int, year: int) -> Any:
    """A year's results, villages and communities ranked apart (KPI-04/05)."""
    township = queries.access_township(request.user, township_id)
    return [
        {"village": r.village_name, "kind": r.kind, "rank": r.rank, "total": str(r.total),
         "reward": None if r.reward is None else str(r.reward), "pay": None if r.pay is None else str(r.pay),
         "source": r.source, "policy_ref": r.policy_ref}
        for r in queries.results_ranked(township, year)
    ]


@router.post("/items/{item_id}/scores", response={200: ScoreOut, 400: Error})
def score(request: Any, item_id: int, payload: ScoreIn) -> Any:
    """A designated rater's score for one village on one item (KPI-01)."""
    item = queries.access_item(request.user, item_id)
    village = Org.objects.filter(pk=payload.village_id, parent_id=item.template.township_id).first()
    if village is None:
        raise NotFound()
    try:
        row = services.score_enter(actor=request.user, item=item, village=village, score=payload.score,
                                   note=payload.note)
    except AssessmentError as exc:
        return Status(400, {"detail": "；".join(exc.errors)})
    return Status(200, {"id": row.pk, "score": str(row.score)})
