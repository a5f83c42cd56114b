"""Scheduled diary jobs: the nightly lateness sweep (DRY-02) and the quarter-end coverage check (STN-02)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="40"))
def diary_lateness_nightly() -> int:
    """Every report or opinion past its due day notifies the late person's superior (once per clock)."""
    from ganbu.diary.services import diary_lateness_sweep

    return diary_lateness_sweep()


@db_periodic_task(crontab(hour="2", minute="0", day="1"))
def diary_quarter_check() -> int:
    """On the first of each month: a visiting period that just ended short notifies the township."""
    from ganbu.diary.services import quarter_shortfall_sweep

    return quarter_shortfall_sweep()
