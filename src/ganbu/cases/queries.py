"""Case reads: scoped lists with overdue flagged in SQL (DSC-01)."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Q, QuerySet, Value, When
from django.db.models import Case as When_
from django.utils import timezone

from ganbu.cases.models import Appeal, Case
from ganbu.core.access import scope_q


def cases_visible(user: Any) -> QuerySet[Case]:
    """Cases in the user's scope, and those about himself; ``overdue`` computed in SQL."""
    q = scope_q(user, "cases.view")
    if getattr(user, "person_id", None):
        q |= Q(subject_id=user.person_id)
    today = timezone.localdate()
    return (Case.objects.filter(q)
            .annotate(overdue=When_(When(Q(due__lt=today) & ~Q(status=Case.Status.CLOSED), then=Value(True)),
                                    default=Value(False), output_field=BooleanField()))
            .select_related("subject", "assignee").order_by("status", "due", "-opened_at"))


def appeals_visible(user: Any) -> QuerySet[Appeal]:
    q = scope_q(user, "cases.act")
    if getattr(user, "person_id", None):
        q |= Q(person_id=user.person_id)
    return Appeal.objects.filter(q).select_related("person", "case", "answered_by").order_by("status", "-filed_at")
