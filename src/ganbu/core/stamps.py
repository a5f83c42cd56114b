"""One cheap query that tells every process whether its calendar and policy caches are stale.

Each process caches the working-day calendar and resolved policies; before using them it reads
this stamp (max timestamps and counts of the rows they come from). A change made by any process
shows on the next read everywhere, so no state that matters lives in one process. Within one
request the stamp is read once (``StampMiddleware``); a write in that request calls
:func:`invalidate` so the request itself sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

_local = threading.local()

_SQL = (
    "SELECT (SELECT MAX(updated_at) FROM core_calendarday), (SELECT COUNT(*) FROM core_calendarday), "
    "(SELECT MAX(updated_at) FROM core_calendaryear), (SELECT COUNT(*) FROM core_calendaryear), "
    "(SELECT MAX(adopted_at) FROM core_policyversion WHERE status = 'adopted'), "
    "(SELECT COUNT(*) FROM core_policyversion WHERE status = 'adopted'), (SELECT MAX(id) FROM core_policyversion)"
)


def _read() -> tuple[Any, ...]:
    memo = getattr(_local, "memo", None)
    if memo is not None and "row" in memo:
        return memo["row"]
    with connection.cursor() as cur:
        cur.execute(_SQL)
        row = tuple(cur.fetchone())
    if memo is not None:
        memo["row"] = row
    return row


def calendar_stamp() -> tuple[Any, ...]:
    return _read()[:4]


def policy_stamp() -> tuple[Any, ...]:
    return _read()[4:]


def invalidate() -> None:
    memo = getattr(_local, "memo", None)
    if memo is not None:
        memo.clear()


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
