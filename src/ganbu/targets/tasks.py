"""Scheduled target jobs: tasks past their deadline await inspection (TGT-03); overdue supervision
notices escalate to the township secretary (TGT-05); each month's ledger is built on the 1st."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="40"))
def targets_nightly() -> tuple[int, int]:
    from django.utils import timezone

    from ganbu.targets.services import notices_escalate, tasks_due_scan

    today = timezone.localdate()
    return tasks_due_scan(on=today), notices_escalate(on=today)


@db_periodic_task(crontab(day="1", hour="1", minute="50"))
def targets_monthly_ledger() -> int:
    """Each county's ledger for the new month, from the quarterly breakdown (TGT-03)."""
    from django.utils import timezone

    from ganbu.org.models import Org, OrgKind
    from ganbu.targets.services import ledger_build

    month = timezone.localdate().replace(day=1)
    return sum(ledger_build(actor=None, org=county, month=month) for county in Org.objects.filter(kind=OrgKind.COUNTY))
