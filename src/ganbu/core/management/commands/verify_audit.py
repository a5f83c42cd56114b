"""Walk the audit chains and name the first row that was edited, deleted or inserted out of order (SEC-01)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from ganbu.core.audit import audit_head, audit_verify
from ganbu.core.models import AuditEntry


class Command(BaseCommand):
    help = "校验审计日志哈希链：逐链核对每条记录的内容哈希、序号与前后衔接"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chain", help="只校验一条链（县的6位区划代码，或 system）")

    def handle(self, *args: Any, **opts: Any) -> None:
        chain = opts.get("chain")
        problems = audit_verify(chain)
        if problems:
            for p in problems:
                self.stderr.write(f"[{p.kind}] {p.message}")
            raise SystemExit(1)
        rows = AuditEntry.objects.all()
        if chain:
            rows = rows.filter(chain=chain)
        counts = dict(rows.values_list("chain").annotate(n=Count("id")).values_list("chain", "n"))
        for name in sorted(counts):
            self.stdout.write(f"链 {name}：{counts[name]} 条，链头 {audit_head(name)}")
        self.stdout.write(f"审计链完好：共 {sum(counts.values())} 条记录")
