"""Check the audit chains as they stand against the keyed hashes and the sealed checkpoints kept
outside the database, and name every kind of tampering found (SEC-01). Only a clean result is
followed by sealing the rows written since the last seal (and a new checkpoint)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from ganbu.core.audit import audit_head_sealed, audit_seal, audit_verify, checkpoint_path, checkpoints
from ganbu.core.models import AuditEntry


class Command(BaseCommand):
    help = "校验审计日志哈希链：逐链核对密钥哈希、序号、前后衔接与库外检查点；通过后才封存新记录"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chain", help="只校验一条链（县的6位区划代码，或 system）")
        parser.add_argument("--no-seal", action="store_true", help="只校验，不封存新记录")

    def handle(self, *args: Any, **opts: Any) -> None:
        chain = opts.get("chain")
        problems = audit_verify(chain)  # never seals first: what is there is what is checked
        if problems:
            for p in problems:
                self.stderr.write(f"[{p.kind}] {p.message}")
            self.stderr.write(f"审计链异常：发现 {len(problems)} 处问题，未封存任何记录")
            raise SystemExit(1)
        if not opts.get("no_seal"):
            with_commit = audit_seal(chain)
            if with_commit:
                self.stdout.write(f"已封存 {with_commit} 条新记录，检查点写入 {checkpoint_path()}")
        rows = AuditEntry.objects.all()
        if chain:
            rows = rows.filter(chain=chain)
        counts = dict(rows.values_list("chain").annotate(n=Count("id")).values_list("chain", "n"))
        lines = checkpoints(chain)
        for name in sorted(counts):
            mine = [line for line in lines if line.get("chain") == name]
            last = f"，最近检查点第 {mine[-1]['seq']} 条（{mine[-1]['at'][:19].replace('T', ' ')}）" if mine else ""
            self.stdout.write(f"链 {name}：{counts[name]} 条，链头 {audit_head_sealed(name)}{last}")
        self.stdout.write(f"审计链完好：共 {sum(counts.values())} 条记录")
