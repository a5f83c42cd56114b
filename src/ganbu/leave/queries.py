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


def _acting_keys(user: Any, on: date) -> dict[tuple[str, str], Any]:
    """(role, org path) pairs the user may act as today → whom he stands in for (None: himself)."""
    from ganbu.org.models import RoleGrant, StandIn

    principals = {user.pk: None}
    for si in StandIn.objects.filter(stand_in=user, start__lte=on, end__gte=on).select_related("user"):
        principals.setdefault(si.user_id, si.user)
    grants = RoleGrant.objects.filter(user_id__in=list(principals)).values_list("user_id", "role", "org__path")
    by_key: dict[tuple[str, str], Any] = {}
    for uid, role, path in grants:
        if by_key.get((role, path), "x") is not None:  # acting in his own right wins over standing in
            by_key[(role, path)] = principals[uid]
    return by_key


def leave_inbox(*, user: Any, on: date | None = None) -> list[tuple[Any, Any]]:
    """Pending steps this user may act on (as holder or as a named stand-in), with whom he acts for."""
    from django.utils import timezone

    from ganbu.leave.models import ApprovalStep, StepStatus

    by_key = _acting_keys(user, on or timezone.localdate())
    q = Q(pk__in=[])
    for role, path in by_key:
        q |= Q(role=role, org_path=path)
    steps = (ApprovalStep.objects.filter(q, status=StepStatus.PENDING)
             .exclude(request__person_id=getattr(user, "person_id", None) or 0)
             .select_related("request__person", "org").order_by("request__start", "order"))
    return [(s, by_key.get((s.role, s.org_path))) for s in steps]


def access_leave(*, user: Any, pk: Any) -> LeaveRequest:
    """A request the user may see: his own, in his leave.view scope, or one he acts on in its chain."""
    from ganbu.core.access import NotFound, has_perm

    try:
        req = LeaveRequest.objects.select_related("person", "org", "handover").get(pk=int(pk))
    except (LeaveRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if getattr(user, "person_id", None) == req.person_id or has_perm(user, "leave.view", req.org_path):
        return req
    from ganbu.leave.services import step_actors

    for step in req.steps.select_related("request"):
        if any(u.pk == user.pk for u, _ in step_actors(step)):
            return req
    raise NotFound()


def leave_cancellations_to_confirm(*, user: Any, on: date | None = None) -> list[Any]:
    """销假 registrations waiting on this user as the approving authority (LV-06), or his stand-in."""
    from django.utils import timezone

    from ganbu.leave.models import Cancellation

    by_key = _acting_keys(user, on or timezone.localdate())
    q = Q(pk__in=[])
    for role, path in by_key:
        q |= Q(authority_role=role, authority_org_path=path)
    return list(Cancellation.objects.filter(q, approved_by__isnull=True)
                .exclude(request__person_id=getattr(user, "person_id", None) or 0)
                .select_related("request__person").order_by("at"))
