"""One cheap query that tells every process whether its calendar and policy caches are stale.

Database triggers give ``core_cachestamp`` a fresh random value on every write to the calendar,
the policy versions or the attendance day sheets, by any process or tool (migrations core 0004,
attendance 0004); reading it is one primary-key lookup.

Each process caches the working-day calendar and resolved policies; before using them it reads
this stamp. A change made by any process shows on the next read everywhere, so no state that
matters lives in one process. Within one request, and within one transaction, the stamp is
read once (``StampMiddleware``); a calendar or policy write calls :func:`invalidate` so the
request itself sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

_local = threading.local()

_SQL = "SELECT calendar, policy, sheets FROM core_cachestamp WHERE id = 1"
_NONE = (None, None, None)
# A condition, with named parameters from :func:`stamp_params`, that is true while the stamp is
# still the row this process holds: for one statement that checks and writes at once (PostgreSQL).
STAMP_MATCH_SQL = ("EXISTS (SELECT 1 FROM core_cachestamp WHERE id = 1 AND calendar IS NOT DISTINCT FROM "
                   "%(stamp0)s::bigint AND policy IS NOT DISTINCT FROM %(stamp1)s::bigint "
                   "AND sheets IS NOT DISTINCT FROM %(stamp2)s::bigint)")
_last: tuple[Any, ...] | None = None


def stamp_params(row: tuple[Any, ...]) -> dict[str, Any]:
    return {f"stamp{n}": value for n, value in enumerate(row)}


def _query() -> tuple[Any, ...]:
    global _last
    with connection.cursor() as cur:
        cur.execute(_SQL)
        row = tuple(cur.fetchone() or _NONE)
    _last = row
    return row


def assume() -> tuple[Any, ...] | None:
    """The stamp this process read last, taken as current for this request without a query.

    Only for a writer that re-checks it in its own statement (:data:`STAMP_MATCH_SQL`) and
    falls back to the normal path when it changed. None if this process has not read one yet.
    """
    row = _last
    memo = getattr(_local, "memo", None)
    if row is None or memo is None:
        return None
    memo.setdefault("row", row)
    return memo["row"]


def _read() -> tuple[Any, ...]:
    memo = getattr(_local, "memo", None)
    if memo is not None:  # in a request: read once per request, whatever its transactions
        if "row" not in memo:
            memo["row"] = _query()
        return memo["row"]
    # Outside a request, within one transaction (a service call) it is read once too. The
    # outermost atomic block is held, not its id, so a later block is never mistaken for it.
    outer = connection.atomic_blocks[0] if connection.in_atomic_block and connection.atomic_blocks else None
    tx = getattr(_local, "tx", None)
    if outer is not None and tx is not None and tx[0] is outer:
        return tx[1]
    row = _query()
    if outer is not None:
        _local.tx = (outer, row)
    return row


def calendar_stamp() -> tuple[Any, ...]:
    return _read()[:1]


def policy_stamp() -> tuple[Any, ...]:
    return _read()[1:2]


def sheets_stamp() -> tuple[Any, ...]:
    """Changes whenever an attendance day sheet is written (stamped, closed)."""
    return _read()[2:3]


def invalidate() -> None:
    memo = getattr(_local, "memo", None)
    if memo is not None:
        memo.clear()
    _local.tx = None


class StampMiddleware:
    """Read the stamp at most once per request."""

    def __init__(self, get_response: Callable[[Any], Any]):
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        _local.memo = {}
        try:
            return self.get_response(request)
        finally:
            _local.memo = None
