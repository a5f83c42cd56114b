"""Background jobs whose worker died (issue 17): marked failed, so the office sees it.

A job writes ``heartbeat_at`` with every progress update. When the worker is killed (kill -9,
out of memory, a server restart) the heartbeat stops; :func:`job_reap_stale` — run every minute
by huey and on every look at the job's page — marks such a job failed with a Chinese message.
Imports validate everything first and write in one transaction, so a dead import wrote nothing
and failing it is the truth; the office uploads the file again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ganbu.core.models import Job

WORKER_DIED = "后台任务意外中断（处理进程已退出），未写入任何数据；请重新提交"
NEVER_STARTED = "后台任务长时间未开始执行（后台处理进程未运行），请联系管理员后重新提交"


def job_beat(job_id: int, **fields: Any) -> None:
    """A progress update that also says the worker is alive."""
    Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now(), **fields)


def job_reap_stale(now: Any = None, job_id: int | None = None) -> int:
    """Mark failed every running job without a heartbeat for ``GANBU_JOB_STALE_SECONDS`` and every
    queued job never started within ``GANBU_JOB_QUEUE_SECONDS``; return how many."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.GANBU_JOB_STALE_SECONDS)
    waited = now - timedelta(seconds=settings.GANBU_JOB_QUEUE_SECONDS)
    jobs = Job.objects.all() if job_id is None else Job.objects.filter(pk=job_id)
    error = [{"sheet": "", "row": 0, "field": "", "message": WORKER_DIED}]
    died = jobs.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    ).update(status=Job.Status.FAILED, stage="任务中断", finished_at=now, errors=error)
    never = jobs.filter(status=Job.Status.QUEUED, created_at__lt=waited).update(
        status=Job.Status.FAILED, stage="未执行", finished_at=now,
        errors=[{"sheet": "", "row": 0, "field": "", "message": NEVER_STARTED}])
    return died + never
