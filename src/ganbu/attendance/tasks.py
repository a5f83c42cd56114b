"""Scheduled attendance jobs (huey): close the day, schedule meetings, warn of duty gaps."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ganbu.attendance import services
from ganbu.org.models import TOWNSHIP_KINDS, Org

log = logging.getLogger(__name__)


def _townships() -> list[Org]:
    return list(Org.objects.filter(kind__in=list(TOWNSHIP_KINDS), valid_to__isnull=True).order_by("path"))


def run_morning() -> dict[str, int]:
    """Schedule upcoming meetings (MTG-01/02) and flag duty gaps before they happen (DUTY-01)."""
    today, now = services.today(), services._now()
    out = {"meetings": 0, "gap_notices": 0, "late_tables": 0}
    for org in _townships():
        try:
            out["meetings"] += len(services.meetings_schedule(org=org, today=today))
            out["gap_notices"] += services.duty_gaps_notify(org=org, now=now)
            out["late_tables"] += services.stationed_late_notify(org=org, on=today)
        except ValidationError:
            log.info("no attendance policy for %s", org.path)
    return out


def run_evening() -> int:
    """Close today's attendance for every township (ATT-04) and evaluate ATT-06."""
    today = services.today()
    closed = 0
    for org in _townships():
        try:
            services.day_close(actor=None, org=org, on=today)
            closed += 1
        except ValidationError:
            log.info("no attendance policy for %s", org.path)
    return closed


@db_periodic_task(crontab(hour="7", minute="0"))
def attendance_morning() -> dict[str, int]:
    return run_morning()


@db_periodic_task(crontab(hour="21", minute="0"))
def attendance_evening() -> int:
    return run_evening()


@db_periodic_task(crontab(hour="2", minute="30"))
def signin_coordinates_purge_daily() -> dict[str, int]:
    """Erase raw sign-in coordinates past the policy's window (issue 17, PIPL)."""
    from ganbu.attendance.location import signin_coordinates_purge

    return signin_coordinates_purge(today=services.today())
