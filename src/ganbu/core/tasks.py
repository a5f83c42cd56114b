"""Scheduled core jobs: seal the audit chains every minute (SEC-01).

Writers only insert rows with their own content hash; this task chains committed rows per county
in order, so the head hash printed on notices is never more than a minute behind.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def audit_seal_periodic() -> int:
    from ganbu.core.audit import audit_seal

    return audit_seal()


@db_periodic_task(crontab(minute="*"))
def job_reap_periodic() -> int:
    """Mark failed the background jobs whose worker died (issue 17)."""
    from ganbu.core.jobs import job_reap_stale

    return job_reap_stale()
