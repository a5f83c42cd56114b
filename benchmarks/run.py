"""`make bench`: generate a county or province on PostgreSQL and measure the workloads of issue 5.

    python -m benchmarks.run --scale county --database postgres://postgres@127.0.0.1:5432/ganbu

The data goes into ``<name>_bench_<scale>`` (created fresh unless --reuse). Results go to
benchmarks/results.json and are printed as a table; BENCHMARKS.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

FLOORS = {"signin_http": None}
MONTH = date(2025, 6, 1)  # county/province; smoke uses its first month
START = date(2025, 1, 2)
SIGNIN_CADRES = 30000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def setup_django(url: str, fresh: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
        if fresh and exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["GANBU_DATABASE"] = url
    os.environ.setdefault("GANBU_TESTING", "1")
    os.environ.setdefault("GANBU_HUEY", "immediate")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganbu.settings")
    import django

    django.setup()


def build(scale_name: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.generate import SCALES, generate_attendance, generate_points, generate_tree, load_policies
    from ganbu.core.calendar import calendar_seed_from_library

    scale = SCALES[scale_name]
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    calendar_seed_from_library()
    gen = generate_tree(scale, start=START)
    log(f"tree: {len(gen.counties)} counties, {len(gen.villages)} villages, {len(gen.person_ids)} cadres")
    load_policies(gen)
    late_cutoff(gen.townships)
    log("policies adopted")
    n = generate_attendance(gen)
    log(f"attendance: {n} day-status rows")
    n = generate_points(gen, scale)
    log(f"points: {n} entries")
    signin_population()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"generated in {time.perf_counter() - t0:.0f} s")


def late_cutoff(townships: list[Any]) -> None:
    """Benchmarks run at any hour: each township adopts a 23:59 cut-off through the policy service."""
    from datetime import time as dtime

    from ganbu.core.models import PolicyVersion
    from ganbu.core.policy import policy_adopt, policy_save_draft

    for town in townships:
        current = (PolicyVersion.objects.filter(org=town, module="attendance", status="adopted")
                   .order_by("-period_start", "-version").first())
        params = {**(current.params if current else {}), "signin_cutoff": dtime(23, 59).isoformat()}
        v = policy_save_draft(actor=None, org=town, module="attendance", title="基准测试：签到截止 23:59",
                              period_start=current.period_start if current else date(2020, 1, 1), params=params,
                              based_on=current)
        policy_adopt(actor=None, version=v)


def signin_population() -> None:
    """A separate county of cadres who sign in over HTTP, so every request is a new sign-in."""
    from benchmarks.generate import Scale, generate_tree, load_policies

    gen = generate_tree(Scale(counties=1, townships=10, villages=1000, village_cadres=0,
                              township_cadres=SIGNIN_CADRES, working_days=1, points_per_cadre=0),
                        seed=99, start=date.today(), code_base=339900)
    from ganbu.org.models import Org

    Org.objects.filter(pk=gen.counties[0].pk).update(name="签到基准县")
    load_policies(gen)
    late_cutoff(gen.townships)


def counties() -> list[Any]:
    from ganbu.org.models import Org

    return list(Org.objects.filter(kind="county").exclude(name__in=["签到基准县", "导入基准县"]).order_by("path"))


# ---------------------------------------------------------------- workloads

def bench_monthly(runs: int) -> dict[str, Any]:
    from django.db import connection

    from benchmarks.harness import measure
    from ganbu.attendance.queries import monthly_stats

    scope = counties()
    last = (MONTH.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    half = date(MONTH.year, 1 if MONTH.month <= 6 else 7, 1)

    def app() -> int:
        return sum(len(monthly_stats(org=c, month=MONTH).rows) for c in scope)

    # The same tables the app reads, by hand: the monthly tallies that day close keeps, grouped
    # by person and org of the tally, with the person's name and his org's name, which the
    # result carries (as the ranking's raw SQL names the org). Until 2026-11-26 the raw SQL left
    # the org name out; it is still measured, as ``raw_sql_without_org_names_median_s``.
    sums = ", ".join(f"sum(t.{s}) FILTER (WHERE t.month = %(first)s) AS {s}" for s in
                     ("present", "leave", "trip", "meeting", "absent"))
    grouped = (f"SELECT t.person_id, t.org_path AS tally_path, max(p.name) AS name, max(p.org_path) AS path, "
               f"sum(t.days) FILTER (WHERE t.month = %(first)s) AS days, sum(t.days) AS half_days, "
               f"sum(t.absent) AS half_absent, {sums} "
               "FROM attendance_monthtally t JOIN org_person p ON p.id = t.person_id "
               "WHERE t.org_path LIKE %(prefix)s AND t.month BETWEEN %(half)s AND %(first)s "
               "GROUP BY t.person_id, t.org_path")
    person_sql = (f"SELECT g.*, o.name FROM ({grouped}) g "  # noqa: S608 - constant fragments
                  "LEFT JOIN org_org o ON o.path = g.path AND o.path LIKE %(prefix)s")
    # And straight from the per-day rows, for the record of what the summary table saves.
    day_sql = ("SELECT d.person_id, count(*) FILTER (WHERE d.date >= %(first)s AND d.status = 'absent'), count(*) "
               "FROM attendance_daystatus d WHERE d.org_path LIKE %(prefix)s AND d.date BETWEEN %(half)s AND %(last)s "
               "GROUP BY d.person_id")

    def raw_days() -> int:
        n = 0
        with connection.cursor() as cur:
            for c in scope:
                cur.execute(day_sql, {"first": MONTH, "half": half, "last": last, "prefix": c.path + "%"})
                n += len(cur.fetchall())
        return n

    def raw_with(sql: str) -> Callable[[], int]:
        def raw() -> int:
            n = 0
            with connection.cursor() as cur:
                for c in scope:
                    cur.execute(sql, {"first": MONTH, "half": half, "last": last, "prefix": c.path + "%"})
                    n += len({row[0] for row in cur.fetchall()})
            return n
        return raw

    raw, raw_unnamed = raw_with(person_sql), raw_with(grouped)

    assert app() == raw(), "the app and the raw SQL disagree on the number of people"
    a, r, d = measure(app, runs), measure(raw, runs), measure(raw_days, runs)
    u = measure(raw_unnamed, runs)
    return {"median_s": a.median_s, "raw_sql_median_s": r.median_s, "ratio_vs_raw_sql": a.median_s / r.median_s,
            "raw_sql_without_org_names_median_s": u.median_s,
            "ratio_vs_raw_sql_without_org_names": a.median_s / u.median_s,
            "raw_sql_over_day_rows_median_s": d.median_s, "peak_mb": a.peak_mb, "counties": len(scope),
            "people": app(), "month": MONTH.isoformat(), "runs_s": a.runs}


def bench_ranking(runs: int) -> dict[str, Any]:
    from django.db import connection

    from benchmarks.harness import measure
    from ganbu.points.queries import ranking

    scope = counties()
    year = START.year

    def app() -> int:
        return sum(len(ranking(c.path, "village", year)) for c in scope)

    from ganbu.points.models import PointEntry, PointTally
    from ganbu.points.services import tally_refresh

    if not PointTally.objects.exists() and PointEntry.objects.exists():
        log(f"points tallies: {tally_refresh()} rows refreshed from approved entries")
    # By hand over the same tables the app reads: people, their org, and the per-cycle tallies.
    sql = ("SELECT p.id, p.name, p.org_path, o.name, substr(p.org_path, 1, 9) AS t, "
           "coalesce(sum(pt.total), 0) AS total, coalesce(sum(pt.deductions), 0), "
           "rank() OVER (PARTITION BY substr(p.org_path, 1, 9) ORDER BY coalesce(sum(pt.total), 0) DESC) "
           "FROM org_person p JOIN org_org o ON o.id = p.org_id LEFT JOIN points_pointtally pt ON pt.person_id = p.id "
           "AND pt.cycle_id IN (SELECT id FROM points_cycle WHERE year = %(year)s AND "
           "scope = 'village') WHERE p.org_path LIKE %(prefix)s AND length(p.org_path) = 12 AND "
           "p.category = 'village_elected' GROUP BY p.id, p.name, p.org_path, o.name ORDER BY t, 8, p.name, p.id")
    # And summing every entry, for the record of what the tallies save.
    entries_sql = ("SELECT e.person_id, sum(e.points) FROM points_pointentry e JOIN points_cycle c ON c.id = e.cycle_id "
                   "WHERE e.org_path LIKE %(prefix)s AND e.status = 'approved' AND c.year = %(year)s "
                   "AND c.scope = 'village' GROUP BY e.person_id")

    def raw_entries() -> int:
        n = 0
        with connection.cursor() as cur:
            for c in scope:
                cur.execute(entries_sql, {"year": year, "prefix": c.path + "%"})
                n += len(cur.fetchall())
        return n

    def raw() -> int:
        n = 0
        with connection.cursor() as cur:
            for c in scope:
                cur.execute(sql, {"year": year, "prefix": c.path + "%"})
                n += len(cur.fetchall())
        return n

    assert app() == raw(), "the app and the raw SQL disagree on the number of ranked cadres"
    a, r, e = measure(app, runs), measure(raw, runs), measure(raw_entries, runs)
    return {"median_s": a.median_s, "raw_sql_median_s": r.median_s, "ratio_vs_raw_sql": a.median_s / r.median_s,
            "raw_sql_over_entries_median_s": e.median_s, "peak_mb": a.peak_mb, "counties": len(scope),
            "cadres": app(), "entries": PointEntry.objects.count(), "runs_s": a.runs}


def bench_county_page(runs: int) -> dict[str, Any]:
    from django.test import Client

    from benchmarks.harness import measure
    from ganbu.org.models import User
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant

    county = counties()[0]
    user, _ = User.objects.get_or_create(username="bench_county_org", defaults={"display_name": "组织部"})
    role_grant(actor=None, user=user, role=Role.COUNTY_ORG, org=county)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = f"/attendance/monthly/?org={county.pk}&month={MONTH:%Y-%m}"

    def get() -> None:
        resp = client.get(url)
        assert resp.status_code == 200, resp.status_code

    t = measure(get, runs)
    return {"median_ms": t.median_s * 1000, "runs_ms": [x * 1000 for x in t.runs]}


def bench_day_close(runs: int) -> dict[str, Any]:
    from django.db import connection

    from benchmarks.generate import copy_rows
    from benchmarks.harness import measure
    from ganbu.attendance.models import DayStatus, SignIn
    from ganbu.attendance.services import day_close
    from ganbu.cases.models import Case
    from ganbu.core.calendar import work_calendar
    from ganbu.org.models import Person

    county = counties()[0]
    cal = work_calendar(county.path)
    day = cal.add_workdays(DayStatus.objects.filter(county=county.path).latest("date").date, 1)
    from datetime import datetime
    from datetime import time as dtime

    from django.utils import timezone

    tz = timezone.get_current_timezone()
    people = list(Person.objects.filter(org_path__startswith=county.path).values_list("pk", "org_path"))
    SignIn.objects.filter(date=day).delete()
    copy_rows(SignIn, ({"person_id": pid, "date": day, "at": datetime.combine(day, dtime(7, 45), tzinfo=tz),
                        "org_path": path} for i, (pid, path) in enumerate(people) if i % 20))
    with connection.cursor() as cur:
        cur.execute("ANALYZE attendance_signin")

    def reset() -> None:
        DayStatus.objects.filter(date=day, county=county.path).delete()

    def close() -> None:
        day_close(actor=None, org=county, on=day)

    times = []
    for _ in range(runs + 1):
        reset()
        t0 = time.perf_counter()
        close()
        times.append(time.perf_counter() - t0)
    times = times[1:]
    rows = DayStatus.objects.filter(date=day, county=county.path).count()
    del measure
    return {"median_s": statistics.median(times), "runs_s": times, "rows": rows, "date": day.isoformat(),
            "cases_total": Case.objects.count()}


def bench_leave(runs: int) -> dict[str, Any]:
    from ganbu.leave.models import LeaveRequest
    from ganbu.leave.services import leave_submit
    from ganbu.org.models import Person, User

    county = counties()[0]
    people = list(Person.objects.filter(org_path__startswith=county.path, category="civil_servant")[: runs * 4 + 1])
    users = {u.person_id: u for u in User.objects.filter(person__in=people)}
    # An earlier run's requests (--reuse) would overlap these dates and be refused.
    LeaveRequest.objects.filter(person__in=people, reason="基准测试").delete()
    times = []
    base = date.today() + timedelta(days=30)
    for i, person in enumerate(people):
        start = base + timedelta(days=i % 7)
        t0 = time.perf_counter()
        leave_submit(actor=users[person.pk], person=person, kind="personal", start=start,
                     end=start + timedelta(days=1), reason="基准测试")
        times.append(time.perf_counter() - t0)
    times = times[1:]
    return {"median_ms": statistics.median(times) * 1000, "p90_ms": sorted(times)[int(len(times) * 0.9)] * 1000,
            "requests": len(times)}


def bench_roster(runs: int) -> dict[str, Any]:
    from django.db import transaction

    from benchmarks.generate import Scale, generate_tree
    from ganbu.org.models import Org, Person, Post, User
    from ganbu.org.roster import roster_export, roster_import_check, roster_write

    county = Org.objects.filter(name="导入基准县").first()
    if county is None:
        gen = generate_tree(Scale(counties=1, townships=5, villages=100, village_cadres=5000, township_cadres=0,
                                  working_days=1, points_per_cadre=0), seed=5, start=START, code_base=339800)
        county = gen.counties[0]
        Org.objects.filter(pk=county.pk).update(name="导入基准县")
    # Export the county's roster; each run then removes its people (not timed) so that it imports
    # 5,000 new people and their posts into the existing villages, and rolls all of it back, so
    # the county is whole again for the next run and the next --reuse.
    grant, _ = User.objects.get_or_create(username="bench_roster", defaults={"display_name": "导入员"})
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant

    role_grant(actor=None, user=grant, role=Role.ADMIN, org=county)
    content, _masked = roster_export(grant)
    admin = grant
    times, rows = [], 0
    for _ in range(runs):
        with transaction.atomic():
            people = Person.objects.filter(org_path__startswith=county.path)
            User.objects.filter(person__in=people).delete()
            Post.objects.filter(person__in=people).delete()
            people.delete()
            t0 = time.perf_counter()
            errors, plan, rows = roster_import_check(actor=admin, content=content, filename="roster.xlsx")
            assert not errors, errors[:3]
            roster_write(actor=admin, plan=plan)
            times.append(time.perf_counter() - t0)
            transaction.set_rollback(True)
    assert rows > 10_000, f"the import county has lost its people ({rows} rows); regenerate without --reuse"
    return {"median_s": statistics.median(times), "rows": rows, "runs_s": times}


def bench_stationing(runs: int) -> dict[str, Any]:
    """The county's stationed-cadre page and the nightly obligations evaluation, with one team member in every
    village of the first county (added inside a transaction that is rolled back); queries are counted."""
    from django.db import connection, transaction
    from django.test import Client

    from benchmarks.harness import measure
    from ganbu.org.models import VILLAGE_KINDS, Org, Post, PostTitle, User
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant
    from ganbu.stationing.services import obligations_evaluate

    county = counties()[0]
    user, _ = User.objects.get_or_create(username="bench_county_org", defaults={"display_name": "组织部"})
    role_grant(actor=None, user=user, role=Role.COUNTY_ORG, org=county)
    on = MONTH.replace(day=28)
    out: dict[str, Any] = {}
    with transaction.atomic():
        villages = Org.objects.filter(path__startswith=county.path, kind__in=list(VILLAGE_KINDS))
        seen: set[int] = set()
        posts = []
        for person_id, org_id in (Post.objects.filter(org__in=villages).values_list("person_id", "org_id")
                                  .order_by("org_id", "-person_id")):
            if org_id not in seen:
                seen.add(org_id)
                posts.append(Post(person_id=person_id, org_id=org_id, title=PostTitle.TEAM_MEMBER,
                                  start=on.replace(year=on.year - 1, day=1), safety_duty="驻村安全"))
        Post.objects.bulk_create(posts)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)

        def page() -> None:
            resp = client.get("/stationing/")
            assert resp.status_code == 200, resp.status_code

        def count(fn: Any) -> int:
            n = [0]

            def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                n[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(wrapper):
                fn()
            return n[0]

        page_queries = count(page)
        t = measure(page, runs)
        out["stationing_county_page"] = {"median_ms": t.median_s * 1000, "runs_ms": [x * 1000 for x in t.runs],
                                         "cadres": len(posts), "queries": page_queries}
        obligations_evaluate(on=on)  # the first night writes the notices; later nights only read
        night_queries = count(lambda: obligations_evaluate(on=on))
        t = measure(lambda: obligations_evaluate(on=on), runs, warmup=0)
        out["stationing_nightly"] = {"median_ms": t.median_s * 1000, "runs_ms": [x * 1000 for x in t.runs],
                                     "cadres": len(posts), "queries": night_queries}
        transaction.set_rollback(True)
    return out


def bench_signin(runs: int, seconds: int) -> dict[str, Any]:
    """Sign-in over HTTP: each request a distinct cadre of the sign-in county, against the floor.

    The phone app authenticates with a bearer token (ganbu.org.tokens); the phone browser page
    with a session cookie is measured too, for the record, under ``signin_http_session``.
    """
    import tempfile

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from benchmarks.floor import ensure_table
    from benchmarks.harness import gunicorn, wrk
    from ganbu.attendance.models import SignIn
    from ganbu.org.models import Org, User
    from ganbu.org.tokens import token_issue

    county = Org.objects.get(name="签到基准县")
    users = list(User.objects.filter(person__org_path__startswith=county.path).select_related("person")
                 .order_by("pk"))
    tokens = Path(tempfile.mkstemp(suffix=".txt")[1])
    tokens.write_text("".join(f"bearer {token_issue(u)}\n" for u in users))
    lines = []
    for user in users[:5000]:
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        lines.append(f"{s.session_key} {'x' * 32}")
    sessions = Path(tempfile.mkstemp(suffix=".txt")[1])
    sessions.write_text("\n".join(lines) + "\n")
    ensure_table()
    env = {"GANBU_DATABASE": os.environ["GANBU_DATABASE"], "GANBU_BENCH_FLOOR": "1", "GANBU_HUEY": "immediate",
           "GANBU_TESTING": "1", "GANBU_DEBUG": "0", "GANBU_CONN_MAX_AGE": "600"}
    out: dict[str, Any] = {}

    def med(rows: list[dict[str, float]], k: str) -> float:
        return statistics.median(r[k] for r in rows)

    with gunicorn(env, workers=4) as url:
        # Warm-up, not measured: each worker connects, reads the stamp, caches calendar and
        # policy and draws its first block of ids (the sign-ins it makes are deleted below).
        wrk(url, ROOT / "benchmarks" / "signin.lua", 10, 2, env={"CREDENTIALS": str(tokens), "THREADS": "2"})
        wrk(url, ROOT / "benchmarks" / "floor.lua", 10, 2)
        plan = (("signin_http", 10, tokens, runs), ("signin_http_c50", 50, tokens, runs),
                ("signin_http_session", 10, sessions, max(1, runs // 2)))
        for key, conns, creds, n in plan:
            real, floor = [], []
            for _ in range(n):
                SignIn.objects.filter(person__org_path__startswith=county.path).delete()
                real.append(wrk(url, ROOT / "benchmarks" / "signin.lua", conns, seconds,
                                env={"CREDENTIALS": str(creds), "THREADS": "2"}))
                floor.append(wrk(url, ROOT / "benchmarks" / "floor.lua", conns, seconds))
            made = SignIn.objects.filter(person__org_path__startswith=county.path).count()
            out[key] = {
                "concurrency": conns, "auth": "session cookie" if creds is sessions else "bearer token",
                "requests_per_s": med(real, "requests_per_s"), "p50_ms": med(real, "p50_ms"),
                "p99_ms": med(real, "p99_ms"), "non_2xx": sum(r["non_2xx"] for r in real),
                "floor_requests_per_s": med(floor, "requests_per_s"), "floor_p99_ms": med(floor, "p99_ms"),
                "ratio_vs_floor": med(real, "requests_per_s") / med(floor, "requests_per_s"),
                "signins_last_run": made, "seconds_per_run": seconds, "runs": n,
            }
            log(f"{key}: {real[-1]['requests_per_s']} req/s, floor {floor[-1]['requests_per_s']} req/s")
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_floor_signin")
    tokens.unlink()
    sessions.unlink()
    return out


def bench_subsidies(runs: int) -> dict[str, Any]:
    """SUB-01..06: every township's subsidy lines for a county in one pass, with its query count, and the
    reward pool paid by score to the fen over all the county's cadres."""
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.harness import measure
    from ganbu.subsidies.compute import compute
    from ganbu.subsidies.rules import pool_shares

    county = counties()[0]
    year = START.year

    def app() -> int:
        return sum(len(t.lines) for t in compute(scope=county, year=year).values())

    with CaptureQueriesContext(connection) as q:
        cadres = app()
    parts = {i: Decimal(700 - i % 3 * 70) for i in range(cadres)}
    scores = {i: Decimal(60 + (i * 37) % 40) for i in range(cadres)}
    t, p = measure(app, runs), measure(lambda: pool_shares(parts, scores), runs)
    return {"median_s": t.median_s, "queries": len(q), "cadres": cadres, "peak_mb": t.peak_mb,
            "pool_median_s": p.median_s, "runs_s": t.runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["smoke", "county", "province"], default="county")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/ganbu")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--only", default="", help="comma-separated workloads")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.json"))
    args = parser.parse_args()
    parsed = urlparse(args.database)
    url = parsed._replace(path=f"/{parsed.path.lstrip('/') or 'ganbu'}_bench_{args.scale}").geturl()
    global MONTH
    if args.scale == "smoke":
        MONTH = date(2025, 1, 1)
    setup_django(url, fresh=not args.reuse)
    if not args.reuse:
        build(args.scale)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    only = set(filter(None, args.only.split(",")))
    workloads = {
        "monthly_attendance": lambda: bench_monthly(args.runs),
        "points_ranking": lambda: bench_ranking(args.runs),
        "county_sheet_page": lambda: bench_county_page(args.runs),
        "day_close": lambda: bench_day_close(args.runs),
        "leave_submit": lambda: bench_leave(max(args.runs, 20)),
        "roster_import": lambda: bench_roster(args.runs),
        "signin": lambda: bench_signin(args.runs, args.seconds),
        "stationing": lambda: bench_stationing(args.runs),
        "subsidies_county": lambda: bench_subsidies(args.runs),
    }
    results: dict[str, Any] = {}
    out_path = Path(args.out)
    if out_path.exists() and only:
        results = json.loads(out_path.read_text()).get("results", {})
    for name, fn in workloads.items():
        if only and name not in only:
            continue
        log(f"running {name}")
        value = fn()
        if name in ("signin", "stationing"):
            results.update(value)
        else:
            results[name] = value
        log(f"{name}: {json.dumps(value, ensure_ascii=False, default=str)[:300]}")
    doc = {"scale": args.scale, "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                                            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                                                               / 2**30, 1)},
           "command": " ".join(sys.argv), "at": time.strftime("%Y-%m-%d %H:%M:%S"), "results": results}
    out_path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
