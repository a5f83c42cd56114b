"""Public reads: the newest version of each notice; current vs archived by the public period or a
withdrawal (PUB-01, PUB-02, PUB-04)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ganbu.core.access import scope_q
from ganbu.notices.models import NoticeVersion, Objection


def latest_versions(*, archived: bool) -> QuerySet[NoticeVersion]:
    """The newest version of each notice; archived = its public period has ended or it was withdrawn
    (still retrievable, with the reason)."""
    newer = NoticeVersion.objects.filter(notice=OuterRef("notice"), version__gt=OuterRef("version"))
    today = timezone.localdate()
    if archived:
        period = Q(public_until__lt=today) | Q(withdrawn=True)
    else:
        period = (Q(public_until__isnull=True) | Q(public_until__gte=today)) & Q(withdrawn=False)
    return (NoticeVersion.objects.filter(period).exclude(Exists(newer))
            .select_related("notice", "notice__org", "published_by").order_by("-published_at"))


def newest_of(version: NoticeVersion) -> NoticeVersion:
    return version.notice.versions.order_by("-version").first() or version


def public_objections(version: NoticeVersion) -> QuerySet[Objection]:
    """What the public sees: objections the office has answered, with the answer (PUB-04)."""
    return version.objections.filter(status=Objection.Status.ANSWERED).order_by("filed_at")


def manageable(user: Any) -> QuerySet[NoticeVersion]:
    newer = NoticeVersion.objects.filter(notice=OuterRef("notice"), version__gt=OuterRef("version"))
    return (NoticeVersion.objects.filter(scope_q(user, "notices.publish", "notice__org_path"))
            .annotate(superseded=Exists(newer))
            .select_related("notice", "published_by").order_by("-published_at"))


def open_objections(user: Any) -> QuerySet[Objection]:
    return (Objection.objects.filter(scope_q(user, "notices.answer", "version__notice__org_path"),
                                     status=Objection.Status.PENDING)
            .select_related("version__notice").order_by("filed_at"))
