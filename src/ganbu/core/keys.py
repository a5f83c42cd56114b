"""Keys that live outside the database (issue 17, SEC-01 and PIPL).

Two 32-byte keys, each from the environment (``GANBU_AUDIT_KEY`` / ``GANBU_DATA_KEY``, 64 hex
characters), or a file named by ``GANBU_AUDIT_KEY_FILE`` / ``GANBU_DATA_KEY_FILE``:

- the **audit key** keys every audit row's hash and every sealed checkpoint, so someone with
  only the database cannot recompute the chain after editing it;
- the **data key** encrypts identity numbers and phone numbers (SM4) and keys their blind index.

Never SECRET_KEY (a leaked session key must not open personal data), never a table. Demo and
test runs create key files under ``var/keys`` readable by their owner only; with DEBUG off those
files are never read and a missing key stops the process at start.

A data key file may hold several lines ``<id>:<hex>``; the first is current, the others are
old keys kept for reading until ``rotate_data_key`` has re-encrypted everything.
"""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

AUDIT = "audit"
DATA = "data"


def _demo_file(name: str) -> Path:
    return Path(settings.GANBU_KEY_DIR) / f"{name}.key"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _parse(text: str, source: str) -> list[tuple[str, bytes]]:
    """``hex`` or lines of ``id:hex`` → [(id, key)], current first."""
    out: list[tuple[str, bytes]] = []
    for n, line in enumerate(ln.strip() for ln in text.splitlines()):
        if not line or line.startswith("#"):
            continue
        kid, _, hexkey = line.rpartition(":")
        try:
            key = bytes.fromhex(hexkey)
        except ValueError:
            raise ImproperlyConfigured(f"{source}: line {n + 1} is not hex") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"{source}: a key must be 64 hex characters (32 bytes)")
        out.append((kid or "k1", key))
    if not out:
        raise ImproperlyConfigured(f"{source} holds no key")
    return out


@cache
def keyring(name: str) -> tuple[tuple[str, bytes], ...]:
    """All keys of one kind, current first."""
    env = f"GANBU_{name.upper()}_KEY"
    if os.environ.get(env):
        return tuple(_parse(os.environ[env], env))
    path = os.environ.get(f"{env}_FILE")
    if path:
        return tuple(_parse(Path(path).read_text(), path))
    if not settings.GANBU_DEMO_KEYS:
        raise ImproperlyConfigured(f"{env} (or {env}_FILE) is not set: production needs its own {name} key, "
                                   "kept outside the database")
    demo = _demo_file(name)
    if not demo.exists():
        _write_private(demo, f"k1:{secrets.token_hex(32)}\n")
    return tuple(_parse(demo.read_text(), str(demo)))


def current(name: str) -> tuple[str, bytes]:
    return keyring(name)[0]


def by_id(name: str, kid: str) -> bytes | None:
    return dict(keyring(name)).get(kid)


def reset() -> None:
    """Forget loaded keys (tests that switch keys, and after a rotation)."""
    keyring.cache_clear()
