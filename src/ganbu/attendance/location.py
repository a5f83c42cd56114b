"""Sign-in locations are personal location data (PIPL, issue 17).

A sign-in keeps, for good, what the rules need: the distance to the office and whether it was
inside the geofence (``distance_m``, ``proof``). The raw coordinates are kept only as long as the
integrity policy says (``location_raw_days``, 30 by default) and then erased by a daily job;
every look at raw coordinates is written to the audit log.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from ganbu.attendance.models import SignIn
from ganbu.core.audit import audit_record
from ganbu.core.integrity_policy import IntegrityParams, integrity_params


def _counties(today: date) -> dict[str, int]:
    """County prefix → days to keep raw coordinates, for every county with coordinates left."""
    prefixes = {p[:6] for p in SignIn.objects.filter(latitude__isnull=False).values_list("org_path", flat=True)
                .distinct()}
    return {prefix: integrity_params(prefix, today).location_raw_days for prefix in sorted(prefixes)}


def signin_coordinates_purge(*, today: date) -> dict[str, int]:
    """Erase raw coordinates older than each county's window; one audit row per county purged."""
    done: dict[str, int] = {}
    for prefix, days in _counties(today).items():
        cutoff = today - timedelta(days=days)
        with transaction.atomic():
            n = SignIn.objects.filter(org_path__startswith=prefix, date__lt=cutoff, latitude__isnull=False).update(
                latitude=None, longitude=None)
            if n:
                audit_record(actor=None, action="attendance.location_purge", object_type="signin",
                             org_path=prefix, after={"before": cutoff.isoformat(), "rows": n, "days": days},
                             reason=f"签到原始坐标保存期 {days} 天已满，仅保留距离与是否在范围内")
        done[prefix] = n
    return done


def signin_coordinates_view(*, actor: Any, signin: SignIn, where: str) -> tuple[float | None, float | None]:
    """Raw coordinates of one sign-in, for someone entitled to look: the look itself is audited."""
    audit_record(actor=actor, action="attendance.location_view", object_type="signin", object_id=signin.pk,
                 org_path=signin.org_path, reason=f"查看签到原始坐标（{where}）")
    return signin.latitude, signin.longitude


DEFAULT_DAYS = IntegrityParams().location_raw_days
