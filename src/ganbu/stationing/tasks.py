"""Nightly stationing jobs (huey): the diary check (STN-11) and the obligations calendar."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ganbu.stationing import services


@db_periodic_task(crontab(hour="22", minute="30"))
def stationing_nightly() -> dict[str, int]:
    """After the day has closed (attendance closes at 21:00): flag diaries, evaluate obligations."""
    today = timezone.localdate()
    return {"diary_flags": services.diary_evaluate(on=today), **services.obligations_evaluate(on=today),
            "task_notices": services.tasks_evaluate(on=today)}
