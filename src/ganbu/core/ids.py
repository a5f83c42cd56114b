"""Primary keys drawn ahead from a table's own sequence (PostgreSQL).

A writer that inserts a row and its audit row in one statement must know the row's id
before the statement runs, because the audit row's hash covers it. Drawing ids in blocks
keeps that to one extra round trip per block, and the ids stay unique across processes
because the sequence hands them out. Gaps are harmless; ids are never reused.
"""

from __future__ import annotations

import os
import threading
from collections import deque

from django.db import connection
from django.db.models import Model

_lock = threading.Lock()
_blocks: dict[str, tuple[int, deque[int]]] = {}


def next_id(model: type[Model], block: int = 64) -> int:
    """The next id reserved for ``model`` in this process."""
    table = model._meta.db_table
    with _lock:
        held = _blocks.get(table)
        if held is None or held[0] != os.getpid() or not held[1]:
            with connection.cursor() as cur:
                cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                            [table, block])
                held = _blocks[table] = (os.getpid(), deque(r[0] for r in cur.fetchall()))
        return held[1].popleft()


def forget(model: type[Model]) -> None:
    """Drop the ids held for ``model`` (after a sequence reset, say): the next call draws anew."""
    with _lock:
        _blocks.pop(model._meta.db_table, None)
