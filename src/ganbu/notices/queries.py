"""Public reads: only published, non-withdrawn versions; current vs archived by the public period (PUB-01, PUB-04)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ganbu.core.access import scope_q
from ganbu.notices.models import NoticeVersion, Objection


def latest_versions(*, archived: bool) -> QuerySet[NoticeVersion]:
    """The newest version of each notice; archived = its public period has ended (still retrievable)."""
    newer = NoticeVersion.objects.filter(notice=OuterRef("notice"), version__gt=OuterRef("version"), withdrawn=False)
    today = timezone.localdate()
    period = Q(public_until__lt=today) if archived else (Q(public_until__isnull=True) | Q(public_until__gte=today))
    return (NoticeVersion.objects.filter(period, withdrawn=False).exclude(Exists(newer))
            .select_related("notice", "notice__org", "published_by").order_by("-published_at"))


def manageable(user: Any) -> QuerySet[NoticeVersion]:
    return (NoticeVersion.objects.filter(scope_q(user, "notices.publish", "notice__org_path"))
            .select_related("notice", "published_by").order_by("-published_at"))


def open_objections(user: Any) -> QuerySet[Objection]:
    return (Objection.objects.filter(scope_q(user, "notices.answer", "version__notice__org_path"),
                                     answered_at__isnull=True).select_related("version__notice").order_by("filed_at"))
