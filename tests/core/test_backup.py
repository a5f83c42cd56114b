"""Backup and restore (issue 17): one archive with the database, uploaded files and audit
checkpoints, brought back on an empty install; exports identical, audit chain clean, evidence opens."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as dj_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from ganbu.core import keys
from ganbu.core.attachments import attachment_store
from ganbu.core.audit import audit_record, audit_seal

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ["dumpdata", "--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "sessions",
          "--exclude", "admin.logentry", "--indent", "1"]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def _admin_sql(*statements: str) -> None:
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_backup_round_trip_on_an_empty_install(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf = b"%PDF-1.4 evidence " + os.urandom(64)
    att = attachment_store(actor=world.users.office, upload=SimpleUploadedFile("会议通知.pdf", pdf), org_path=world.t1.path)
    for i in range(3):
        audit_record(actor=world.users.office, action="test.write", object_type="x", object_id=i, org_path=world.t1.path)
    audit_seal()
    exported = io.StringIO()
    call_command(*EXPORT, stdout=exported)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    fresh = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GANBU_", "DJANGO_"))}
    env.update({"GANBU_VAR_DIR": str(fresh), "GANBU_TESTING": "1", "GANBU_HUEY": "immediate",
                "GANBU_AUDIT_KEY_FILE": str(keys._demo_file(keys.AUDIT)),
                "GANBU_DATA_KEY_FILE": str(keys._demo_file(keys.DATA)),
                "GANBU_AUDIT_HASH": dj_settings.GANBU_AUDIT_HASH})
    if connection.vendor == "postgresql":  # an empty database of its own for the fresh install
        db = connection.settings_dict
        name = f"{db['NAME']}_restore"
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        env["GANBU_DATABASE"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
    restored = _run(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "审计链完好" in restored.stdout
    again = _run(env, *EXPORT)
    assert again.returncode == 0, again.stderr
    assert again.stdout == exported.getvalue()  # every table, byte for byte
    evidence = fresh / "media" / att.file.name
    assert hashlib.sha256(evidence.read_bytes()).hexdigest() == att.sha256
    verify = _run(env, "verify_audit", "--no-seal")
    assert verify.returncode == 0 and "审计链完好" in verify.stdout
    second = _run(env, "restore", str(archive))  # never over an install that has data
    assert second.returncode != 0 and "已有数据" in second.stderr
