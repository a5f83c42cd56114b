"""Bring a backup archive back on an empty install, then check the audit chain (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ganbu.core.backup import RestoreError, backup_restore


class Command(BaseCommand):
    help = "从备份恢复（仅限空的新安装）：数据库、上传文件与审计检查点；恢复后补齐迁移并校验审计链"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            manifest = backup_restore(Path(opts["archive"]), progress=self.stdout.write)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        call_command("migrate", "--noinput", verbosity=0)  # a backup from an older version catches up
        self.stdout.write(f"恢复完成：备份时间 {manifest['created']}，上传文件 {manifest['media_files']} 个")
        call_command("verify_audit", "--no-seal", stdout=self.stdout, stderr=self.stderr)
