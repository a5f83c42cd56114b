"""The floor for the sign-in benchmark: a minimal Django view doing one INSERT of a sign-in row.

Mounted only when GANBU_BENCH_FLOOR=1 (see ganbu/urls.py), served by the same gunicorn setup
as the real sign-in, in the same run.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_floor_signin"


def ensure_table() -> None:
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, person_id bigint NOT NULL, "
                    "at timestamptz NOT NULL)")
        cur.execute(f"TRUNCATE {TABLE}")


@csrf_exempt
def floor_signin(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {TABLE} (person_id, at) VALUES (%s, %s)",  # noqa: S608 - constant table
                    [int(request.GET.get("p", "0")), timezone.now()])
    return JsonResponse({"ok": True})
