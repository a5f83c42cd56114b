"""Background tasks of the org app (huey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def roster_import_task(job_id: int) -> None:
    """Check and write a roster import (RPT-02); progress is stored on the Job row."""
    from ganbu.org.roster import roster_import_run

    roster_import_run(job_id)
