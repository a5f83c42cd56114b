"""Scheduled leave jobs: the nightly overstay check (LV-07)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="20"))
def leave_overstay_nightly() -> int:
    """Every approved leave past its 销假 deadline without a return becomes absenteeism (LV-07); an
    overstay still running gains each new working day (case facts and circular entry) until the
    cadre's 销假 or the office's record of his return."""
    from ganbu.leave.services import leave_overstay_evaluate

    return leave_overstay_evaluate()
