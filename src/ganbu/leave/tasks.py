"""Scheduled leave jobs: the nightly overstay check (LV-07)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="20"))
def leave_overstay_nightly() -> int:
    """Every approved leave past its 销假 deadline without a return becomes absenteeism (LV-07)."""
    from ganbu.leave.services import leave_overstay_evaluate

    return leave_overstay_evaluate()
