"""Walk the audit chains and name the first row that was edited, deleted or inserted out of order."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ganbu.core.audit import audit_verify
from ganbu.core.models import AuditEntry


class Command(BaseCommand):
    help = "校验审计日志哈希链"

    def handle(self, *args: Any, **opts: Any) -> None:
        problems = audit_verify()
        if problems:
            for p in problems:
                self.stderr.write(f"[{p.kind}] {p.message}")
            raise SystemExit(1)
        self.stdout.write(f"审计链完好：共 {AuditEntry.objects.count()} 条记录")
