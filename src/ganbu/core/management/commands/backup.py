"""One archive with the database, the uploaded files and the audit checkpoints (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from ganbu.core.backup import backup_write


class Command(BaseCommand):
    help = "备份：数据库快照、上传文件与审计检查点，写入一个 .tar.gz（不含密钥）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", help="备份文件路径（默认 var/backups/ganbu-时间.tar.gz）")

    def handle(self, *args: Any, **opts: Any) -> None:
        default = Path(settings.VAR_DIR) / "backups" / f"ganbu-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        output = Path(opts.get("output") or default)
        manifest = backup_write(output, progress=self.stdout.write)
        self.stdout.write(f"备份完成：{output}（数据库 {manifest['vendor']}，上传文件 {manifest['media_files']} 个）")
        self.stdout.write("提醒：密钥不在备份中，请另行妥善保管（GANBU_AUDIT_KEY / GANBU_DATA_KEY）")
