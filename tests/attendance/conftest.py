"""Attendance fixtures: a pinned clock (services read time through one function)."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def clock(monkeypatch):
    """``clock.set(at(...))`` pins what the services (and pages) think now is."""
    from ganbu.attendance import services

    state = SimpleNamespace(now=at(2024, 3, 4, 8, 0))

    def _set(value: datetime) -> None:
        state.now = value

    state.set = _set
    monkeypatch.setattr(services, "_now", lambda: state.now)
    return state


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
