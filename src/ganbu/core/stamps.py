"""One cheap query that tells every process whether its calendar and policy caches are stale.

Policy versions are never deleted or edited once adopted (a change is a new version), so the
latest adoption time and the highest id say everything; both are index lookups.

Each process caches the working-day calendar and resolved policies; before using them it reads
this stamp (max timestamps and counts of the rows they come from). A change made by any process
shows on the next read everywhere, so no state that matters lives in one process. Within one
request, and within one transaction, the stamp is read once (``StampMiddleware``); a calendar or
policy write calls :func:`invalidate` so the request itself sees it.
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
    "(SELECT MAX(id) FROM core_policyversion)"
)


def _query() -> tuple[Any, ...]:
    with connection.cursor() as cur:
        cur.execute(_SQL)
        return tuple(cur.fetchone())


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
    return _read()[:4]


def policy_stamp() -> tuple[Any, ...]:
    return _read()[4:]


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
