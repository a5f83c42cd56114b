"""Reads of the leave app: scoped, filtered in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from ganbu.leave.models import LeaveRequest, LeaveStatus

COUNTED_STATUSES = (LeaveStatus.APPROVED, LeaveStatus.CANCELLED)


@dataclass(frozen=True)
class LeaveSpan:
    """An approved absence as attendance sees it (ATT-04): ``end`` is the last day actually away
    under the approval, i.e. cut short by an early return (销假); overstay days are never part of it."""

    person_id: int
    start: date
    end: date
    kind: str
    request_id: int


def approved_leave_spans(*, start: date, end: date, person_ids: Iterable[int] | None = None,
                         org_path_prefix: str | None = None) -> list[LeaveSpan]:
    """Approved leave overlapping ``[start, end]``, one span per request, in one query."""
    qs = LeaveRequest.objects.filter(status__in=COUNTED_STATUSES, start__lte=end, end__gte=start)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    if org_path_prefix:
        qs = qs.filter(org_path__startswith=org_path_prefix)
    rows = qs.values_list("pk", "person_id", "start", "end", "kind", "cancellation__returned_on").order_by(
        "person_id", "start")
    spans = []
    for pk, person_id, s, e, kind, returned_on in rows:
        actual_end = e
        if returned_on is not None and returned_on <= e:
            actual_end = returned_on - timedelta(days=1)
        if actual_end < s:
            continue
        spans.append(LeaveSpan(person_id=person_id, start=s, end=actual_end, kind=kind, request_id=pk))
    return spans


def leave_mine(*, user: Any) -> QuerySet[LeaveRequest]:
    """A cadre's own requests, newest first."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return LeaveRequest.objects.none()
    return LeaveRequest.objects.filter(person_id=person_id).select_related("person").order_by("-start", "-id")


def leave_overlapping(*, person_id: int, start: date, end: date, exclude_id: int | None = None
                      ) -> QuerySet[LeaveRequest]:
    """Pending or approved requests of one person overlapping the dates (bad input for a new one)."""
    qs = LeaveRequest.objects.filter(person_id=person_id, start__lte=end, end__gte=start,
                                     status__in=(LeaveStatus.PENDING, LeaveStatus.APPROVED, LeaveStatus.CANCELLED))
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.filter(~Q(cancellation__returned_on__lte=start))
