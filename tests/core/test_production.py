"""A production server for real (issue 17): gunicorn with DEBUG off serves pages and static files
with hashed names, sends the security headers, and refuses to start on weak or missing keys."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "ganbu"
PY = sys.executable


def _prod_env(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GANBU_", "DJANGO_"))}
    env.update({"GANBU_VAR_DIR": str(var), "GANBU_SECRET_KEY": secrets.token_urlsafe(50),
                "GANBU_AUDIT_KEY": secrets.token_hex(32), "GANBU_DATA_KEY": secrets.token_hex(32),
                "GANBU_ALLOWED_HOSTS": "127.0.0.1,localhost", "GANBU_HUEY": "immediate",
                "PYTHONPATH": str(ROOT / "src")})
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def read(self) -> bytes:
        return self.body


def _get(url: str, **headers: str) -> _Answer:
    """One GET without following redirects."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        r = conn.getresponse()
        return _Answer(r.status, dict(r.getheaders()), r.read())
    finally:
        conn.close()


def test_gunicorn_debug_off_serves_pages_and_hashed_static_files(tmp_path):
    env = _prod_env(tmp_path)
    done = _manage(env, "collectstatic", "--noinput", "-v", "0")
    assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen([str(Path(PY).parent / "gunicorn"), "ganbu.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1"], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        page = _get(f"{base}/login/", **{"X-Forwarded-Proto": "https"})
        body = page.read().decode()
        assert page.status == 200
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert "no-store" in page.headers["Cache-Control"]
        assert "max-age=" in page.headers["Strict-Transport-Security"]
        css = re.search(r'href="(/static/ganbu/ganbu\.[0-9a-f]{12}\.css)"', body)
        assert css, "the page links the stylesheet by its hashed name"
        asset = _get(base + css.group(1), **{"X-Forwarded-Proto": "https"})
        assert asset.status == 200
        assert b".topbar" in asset.read()
        assert "max-age=31536000" in asset.headers["Cache-Control"]
        htmx = re.search(r'src="(/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js)"', body)
        assert htmx and _get(base + htmx.group(1), **{"X-Forwarded-Proto": "https"}).status == 200
        plain = _get(f"{base}/login/")  # plain HTTP is sent to HTTPS
        assert plain.status == 301 and plain.headers["Location"].startswith("https://")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    done = _manage(_prod_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize("key", ["", "short", "a" * 60, "django-insecure-" + "x1y2z3" * 10])
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path, key):
    done = _manage(_prod_env(tmp_path, GANBU_SECRET_KEY=key), "check")
    assert done.returncode != 0
    assert "GANBU_SECRET_KEY" in done.stderr


def test_production_never_reads_the_demo_key_file(tmp_path):
    (tmp_path / "secret_key").write_text(secrets.token_urlsafe(50))
    env = _prod_env(tmp_path)
    del env["GANBU_SECRET_KEY"]
    done = _manage(env, "check")
    assert done.returncode != 0 and "GANBU_SECRET_KEY is not set" in done.stderr


def test_production_refuses_to_start_without_the_audit_and_data_keys(tmp_path):
    env = _prod_env(tmp_path)
    del env["GANBU_AUDIT_KEY"]
    done = _manage(env, "check")
    assert done.returncode != 0 and "GANBU_AUDIT_KEY" in done.stderr


def test_demo_key_files_are_written_owner_only(tmp_path):
    env = _prod_env(tmp_path, GANBU_DEBUG="1")
    for name in ("GANBU_SECRET_KEY", "GANBU_AUDIT_KEY", "GANBU_DATA_KEY"):
        del env[name]
    done = subprocess.run([PY, "-c", "import django; django.setup(); from ganbu.core import keys; "
                           "keys.keyring('audit'); keys.keyring('data')"],
                          env={**env, "DJANGO_SETTINGS_MODULE": "ganbu.settings"}, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    for path in (tmp_path / "secret_key", tmp_path / "keys" / "audit.key", tmp_path / "keys" / "data.key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_no_inline_script_in_any_template():
    """The CSP forbids inline script, so no template may carry one (or an on…= handler)."""
    offenders = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text):
            offenders.append(f"{path.relative_to(SRC)}: {m.group(0)}")
        for m in re.finditer(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(SRC)}: {m.group(0)}")
    assert offenders == []


def test_pages_carry_csp_and_no_store(client, world):
    client.force_login(world.users.cadre_a)
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
