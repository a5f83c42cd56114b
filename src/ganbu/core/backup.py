"""Backup and restore in one archive (issue 17): the database, the uploaded files and the audit
checkpoints, so a county server can be rebuilt on an empty install and its audit chain verified.

The database goes in as a consistent snapshot: SQLite through its online backup API (readers and
writers carry on), PostgreSQL through ``pg_dump -Fc``. The keys are NOT in the archive: they are
kept apart (the key safe), so a stolen backup neither opens personal data nor lets its holder
re-sign the audit chain.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = "ganbu-backup-1"


def _db_settings() -> dict[str, Any]:
    return connections["default"].settings_dict


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    return ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]


def _dump_database(dest: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dest)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return "sqlite"
    db = _db_settings()
    subprocess.run(["pg_dump", "-Fc", "--no-owner", *_pg_args(db), "-f", str(dest), db["NAME"]],  # noqa: S603, S607
                   check=True, env=_pg_env(db), capture_output=True)
    return "postgresql"


def backup_write(output: Path, *, progress: Any = None) -> dict[str, Any]:
    """Write one .tar.gz with ``database``, ``media/…``, ``audit/checkpoints.jsonl`` and a manifest."""
    say = progress or (lambda _msg: None)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "database"
        say("数据库快照…")
        vendor = _dump_database(db_file)
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        checkpoints = Path(settings.GANBU_AUDIT_CHECKPOINTS)
        manifest = {"format": FORMAT, "vendor": vendor, "created": timezone.now().isoformat(),
                    "media_files": len(files), "checkpoints": checkpoints.exists(),
                    "audit_hash": settings.GANBU_AUDIT_HASH}
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname="database")
            say(f"上传文件 {len(files)} 个…")
            for path in files:
                tar.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
            if checkpoints.exists():
                tar.add(checkpoints, arcname="audit/checkpoints.jsonl")
    return manifest


class RestoreError(Exception):
    pass


def _install_is_empty() -> bool:
    """No tables with data: a fresh database (not even migrated) or a migrated one without rows."""
    tables = connection.introspection.table_names()
    if "org_org" not in tables:
        return True
    with connection.cursor() as cur:
        for table in ("org_org", "core_auditentry"):
            cur.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cur.fetchone():
                return False
    return True


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    out = []
    for m in tar.getmembers():
        name = Path(m.name)
        if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
            raise RestoreError(f"备份文件中有不安全的路径：{m.name}")
        out.append(m)
    return out


def backup_restore(archive: Path, *, progress: Any = None) -> dict[str, Any]:
    """Bring an archive back on an empty install: database, uploaded files, checkpoints."""
    say = progress or (lambda _msg: None)
    if not _install_is_empty():
        raise RestoreError("目标系统已有数据：恢复只能在空的新安装上进行（以免覆盖现有记录）")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        members = _safe_members(tar)
        tar.extractall(tmp, members=members, filter="data")  # noqa: S202 — members checked above
        root = Path(tmp)
        manifest = json.loads((root / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise RestoreError("不是本系统的备份文件")
        if manifest["vendor"] != connection.vendor:
            raise RestoreError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}")
        say("恢复数据库…")
        if connection.vendor == "sqlite":
            connection.close()
            name = Path(_db_settings()["NAME"])
            for suffix in ("-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
            source = sqlite3.connect(root / "database")
            target = sqlite3.connect(name)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            db = _db_settings()
            connection.close()
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(db), "-d", db["NAME"],  # noqa: S603, S607
                            str(root / "database")], check=True, env=_pg_env(db), capture_output=True)
        media = Path(settings.MEDIA_ROOT)
        if (root / "media").exists():
            say("恢复上传文件…")
            shutil.copytree(root / "media", media, dirs_exist_ok=True)
        if (root / "audit" / "checkpoints.jsonl").exists():
            target_cp = Path(settings.GANBU_AUDIT_CHECKPOINTS)
            target_cp.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / "audit" / "checkpoints.jsonl", target_cp)
    return manifest
