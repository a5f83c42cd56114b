"""Deterministic data generator for benchmarks (issue 5).

Scales: ``smoke`` (part of ``make test``), ``county`` (19 townships, 858 villages, 2,240 village
cadres, 400 township cadres, one year of daily attendance, ~20 point entries per cadre) and
``province`` (38 such counties: ~100,000 cadres, 250 working days = 25 M attendance rows, 2 M
point entries). The tree and people go in with ``bulk_create``; the big tables with PostgreSQL
``COPY`` (``bulk_create`` on SQLite), so a province loads in minutes.

Benchmark data bypasses the services on purpose (no audit row per generated person): it is
load, not history. Every number the rules use still comes from the presets' policies.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰海峰志文斌亮波宁林琳凤辉鹏飞云春梅"
BENCH_PASSWORD = "ganbu-bench-2026"


@dataclass(frozen=True)
class Scale:
    counties: int
    townships: int
    villages: int  # per county
    village_cadres: int  # per county
    township_cadres: int  # per county
    working_days: int
    points_per_cadre: int


SCALES = {
    "smoke": Scale(counties=1, townships=2, villages=6, village_cadres=18, township_cadres=6, working_days=22,
                   points_per_cadre=3),
    "county": Scale(counties=1, townships=19, villages=858, village_cadres=2240, township_cadres=400,
                    working_days=250, points_per_cadre=20),
    "province": Scale(counties=38, townships=19, villages=858, village_cadres=2240, township_cadres=400,
                      working_days=250, points_per_cadre=20),
}


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


def copy_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], batch: int = 5000) -> int:
    """Insert dict rows fast: COPY on PostgreSQL, bulk_create elsewhere. Missing fields take
    their model default (COPY knows no Django defaults). Returns the count."""
    from django.utils import timezone

    fields = _columns(model)
    now = timezone.now()

    def full(row: dict[str, Any]) -> list[Any]:
        out = []
        for f in fields:
            if f.attname in row:
                out.append(row[f.attname])
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                out.append(now)
            else:
                out.append(f.get_default())
        return out

    count = 0
    if connection.vendor == "postgresql":
        import json

        table = model._meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in fields)
        json_idx = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = full(row)
                for i in json_idx:
                    values[i] = json.dumps(values[i], ensure_ascii=False)
                copy.write_row(values)
                count += 1
        return count
    for chunk in batched(rows, batch):
        model.objects.bulk_create([model(**dict(zip([f.attname for f in fields], full(r), strict=True)))
                                   for r in chunk])
        count += len(chunk)
    return count


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def working_days(start: date, n: int) -> list[date]:
    """The first ``n`` working days from ``start`` by the seeded official calendar."""
    from ganbu.core.calendar import work_calendar

    cal = work_calendar()
    out: list[date] = []
    day = start
    while len(out) < n:
        if cal.is_workday(day):
            out.append(day)
        day += timedelta(days=1)
    return out


@dataclass
class Generated:
    counties: list[Any]
    townships: list[Any]
    villages: list[Any]
    person_ids: list[int]
    user_ids: list[int]
    days: list[date]


def generate_tree(scale: Scale, seed: int = 2026, start: date = date(2025, 1, 2), code_base: int = 330100
                  ) -> Generated:
    """Orgs, people, posts and one user per cadre, deterministically from ``seed``."""
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.models import Org, OrgKind, Person, Post, PostTitle, User

    rng = random.Random(seed)
    counties, townships, villages = [], [], []
    with transaction.atomic():
        for c in range(scale.counties):
            code6 = f"{code_base + c * 2:06d}"
            counties.append(Org(code=f"{code6}000000", path=code6, name=f"基准{c + 1}县", kind=OrgKind.COUNTY))
        Org.objects.bulk_create(counties)
        for county in counties:
            for t in range(scale.townships):
                code9 = f"{county.path}{100 + t:03d}"
                townships.append(Org(code=f"{code9}000", path=code9, name=f"{county.name}第{t + 1}镇",
                                     kind=OrgKind.TOWNSHIP, parent=county))
        Org.objects.bulk_create(townships, batch_size=2000)
        per_county = {c.path: [t for t in townships if t.path.startswith(c.path)] for c in counties}
        for county in counties:
            towns = per_county[county.path]
            for v in range(scale.villages):
                town = towns[v % len(towns)]
                code = f"{town.path}{200 + v // len(towns):03d}"
                villages.append(Org(code=code, path=code, name=f"{town.name}{v // len(towns) + 1}村",
                                    kind=OrgKind.VILLAGE, parent=town, households=rng.randint(60, 600)))
        Org.objects.bulk_create(villages, batch_size=5000)
    vill_by_county = {c.path: [v for v in villages if v.path.startswith(c.path)] for c in counties}

    people: list[Person] = []
    titles: list[tuple[str, Org, bool]] = []
    n = 0
    for county in counties:
        vills = vill_by_county[county.path]
        towns = per_county[county.path]
        for i in range(scale.village_cadres):
            org = vills[i % len(vills)]
            rank = i // len(vills)
            title, funded = [(PostTitle.VILLAGE_SECRETARY, True), (PostTitle.VILLAGE_DIRECTOR, True),
                             (PostTitle.VILLAGE_CLERK, True)][rank] if rank < 3 else (PostTitle.VILLAGE_MEMBER, False)
            people.append(_person(rng, org, n, make_id_number, "village_elected"))
            titles.append((title, org, funded))
            n += 1
        for i in range(scale.township_cadres):
            org = towns[i % len(towns)]
            people.append(_person(rng, org, n, make_id_number, "civil_servant"))
            titles.append((PostTitle.TOWNSHIP_CADRE, org, False))
            n += 1
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=5000)
        Post.objects.bulk_create(
            [Post(person=p, org=org, title=title, start=date(2021, 1, 1), funded=funded, principal=True,
                  safety_duty="分管领域安全") for p, (title, org, funded) in zip(people, titles, strict=True)],
            batch_size=5000,
        )
        pw = make_password(BENCH_PASSWORD)
        users = [User(username=f"c{p.pk}", password=pw, display_name=p.name, person=p) for p in people]
        User.objects.bulk_create(users, batch_size=5000)
    days = working_days(start, scale.working_days)
    return Generated(counties, townships, villages, [p.pk for p in people], [u.pk for u in users], days)


def _person(rng: random.Random, org: Any, n: int, make_id: Any, category: str) -> Any:
    from ganbu.org.models import Person

    born = date(1960, 1, 1) + timedelta(days=n % 12000)
    male = rng.random() < 0.7
    return Person(name=_name(rng), gender="M" if male else "F", birth_date=born,
                  id_number=make_id(org.path[:6], born, n // 12000, male), phone=f"139{n:08d}",
                  category=category, org=org, org_path=org.path)


def batched(it: Iterable[Any], size: int) -> Iterator[list[Any]]:
    buf: list[Any] = []
    for x in it:
        buf.append(x)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def load_policies(gen: Generated, *, signin_cutoff: str | None = None) -> None:
    """Adopt the S0–S4 presets for every generated county (what a real county would run)."""
    from ganbu.core.presets import presets_load

    for county in gen.counties:
        towns = [t for t in gen.townships if t.path.startswith(county.path)]
        presets_load(actor=None, county=county, townships=towns, year=gen.days[0].year, adopt=True,
                     fill_suggested=True)


STATUSES = ["present"] * 93 + ["leave"] * 3 + ["trip"] * 2 + ["absent"] * 2


def day_status(pid: int, day: date, seed: int) -> str:
    """A stateless hash, so a pass over sign-ins sees the same statuses without reading them back
    (a query on the connection that is running COPY would block it). The PostgreSQL path computes
    the same expression in SQL."""
    return STATUSES[((pid * 2654435761) ^ (day.toordinal() * 40503) ^ seed) % 100]


def generate_attendance(gen: Generated, seed: int = 2026) -> int:
    """One DayStatus per cadre per working day, and a SignIn for each day present."""
    from django.utils import timezone

    from ganbu.attendance.models import DayStatus, SignIn
    from ganbu.core.policy import policy_resolve
    from ganbu.org.models import Person

    people = list(Person.objects.filter(pk__in=gen.person_ids).values_list("pk", "org_path"))
    versions = {c.path: policy_resolve("attendance", c.path, gen.days[0]).version_id for c in gen.counties}
    tz = timezone.get_current_timezone()
    def status(pid: int, day: date) -> str:
        return day_status(pid, day, seed)

    def day_rows() -> Iterator[dict[str, Any]]:
        for day in gen.days:
            for pid, path in people:
                yield {"person_id": pid, "date": day, "status": status(pid, day), "org_path": path,
                       "county": path[:6], "policy_version_id": versions[path[:6]], "policy_ref": ""}

    if connection.vendor == "postgresql":
        count = _attendance_sql(gen, versions, seed)
    else:
        count = copy_rows(DayStatus, day_rows())
        from datetime import datetime
        from datetime import time as dtime

        def signin_rows() -> Iterator[dict[str, Any]]:
            for day in gen.days:
                for pid, path in people:
                    if status(pid, day) == "present":
                        yield {"person_id": pid, "date": day,
                               "at": datetime.combine(day, dtime(7, 30 + pid % 29), tzinfo=tz), "org_path": path}

        copy_rows(SignIn, signin_rows())
    from ganbu.attendance.services import tally_refresh

    months = sorted({d.replace(day=1) for d in gen.days})
    for county in gen.counties:
        for month in months:
            tally_refresh(org_path=county.path, month=month)
    return count


def generate_points(gen: Generated, scale: Scale, seed: int = 2026) -> int:
    """A small catalogue and a cycle per township, ``points_per_cadre`` approved entries per village cadre."""
    from decimal import Decimal

    from ganbu.core.policy import policy_resolve
    from ganbu.org.models import Person, User
    from ganbu.points.models import Cycle, PointEntry, PointItem, Scope

    rng = random.Random(seed + 2)
    year = gen.days[0].year
    recorder = User.objects.filter(pk__in=gen.user_ids[:1]).get()
    items: dict[str, list[PointItem]] = {}
    cycles: dict[str, Cycle] = {}
    for town in gen.townships:
        pol = policy_resolve("points", town.path, gen.days[0])
        items[town.path] = PointItem.objects.bulk_create([
            PointItem(township=town, org_path=town.path, scope=Scope.VILLAGE, category="镇级工作任务",
                      name=f"任务{k}", kind="add", default_points=Decimal("2.0")) for k in range(4)
        ] + [PointItem(township=town, org_path=town.path, scope=Scope.VILLAGE, category="违反法律法规",
                       name=f"违规{k}", kind="deduct", default_points=Decimal("5.0")) for k in range(2)])
        cycles[town.path] = Cycle.objects.create(
            township=town, org_path=town.path, scope=Scope.VILLAGE, year=year, start=date(year, 1, 1),
            half=date(year, 6, 30), end=date(year, 12, 31), policy_version_id=pol.version_id, policy_ref=pol.ref)
    people = list(Person.objects.filter(pk__in=gen.person_ids, category="village_elected")
                  .values_list("pk", "org_path"))

    def rows() -> Iterator[dict[str, Any]]:
        for pid, path in people:
            cycle = cycles[path[:9]]
            town_items = items[path[:9]]
            for _ in range(scale.points_per_cadre):
                item = town_items[rng.randrange(len(town_items))]
                pts = item.default_points if item.kind == "add" else -item.default_points
                yield {"cycle_id": cycle.pk, "person_id": pid, "item_id": item.pk, "org_path": path, "points": pts,
                       "date": gen.days[rng.randrange(len(gen.days))], "note": "基准数据", "status": "approved",
                       "recorded_by_id": recorder.pk, "approved_by_id": recorder.pk,
                       "policy_version_id": cycle.policy_version_id, "policy_ref": ""}

    count = copy_rows(PointEntry, rows())
    from ganbu.points.services import tally_refresh

    tally_refresh(cycle_ids=[c.pk for c in cycles.values()])
    return count


def _attendance_sql(gen: Generated, versions: dict[str, int], seed: int) -> int:
    """PostgreSQL: the same rows as the Python path (same hash), written by the server itself,
    so 25 M province rows take minutes. Sign-ins follow from the present days."""
    ids = list(gen.person_ids)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS gen_days (d date, ord bigint)")
        cur.execute("TRUNCATE gen_days")
        with cur.cursor.copy("COPY gen_days (d, ord) FROM STDIN") as copy:
            for day in gen.days:
                copy.write_row((day, day.toordinal()))
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS gen_versions (county varchar(6), version_id bigint)")
        cur.execute("TRUNCATE gen_versions")
        with cur.cursor.copy("COPY gen_versions (county, version_id) FROM STDIN") as copy:
            for county, vid in versions.items():
                copy.write_row((county, vid))
        total = 0
        for chunk in batched(ids, 20000):
            cur.execute(
                """
                INSERT INTO attendance_daystatus (person_id, date, status, org_path, county, stationed,
                                                  policy_version_id, policy_ref, provisional, corrected, note)
                SELECT p.id, g.d,
                       CASE WHEN h.v < 93 THEN 'present' WHEN h.v < 96 THEN 'leave'
                            WHEN h.v < 98 THEN 'trip' ELSE 'absent' END,
                       p.org_path, left(p.org_path, 6), false, v.version_id, '', false, false, ''
                FROM org_person p
                JOIN gen_versions v ON v.county = left(p.org_path, 6)
                CROSS JOIN gen_days g
                CROSS JOIN LATERAL (SELECT (((p.id * 2654435761) # (g.ord * 40503) # %s) %% 100) AS v) h
                WHERE p.id = ANY(%s)
                """,
                [seed, chunk],
            )
            total += cur.rowcount
            cur.execute(
                """
                INSERT INTO attendance_signin (person_id, date, at, org_path, coord_system, proof)
                SELECT d.person_id, d.date,
                       (d.date + make_time(7, 30 + (d.person_id %% 29)::int, 0)) AT TIME ZONE 'Asia/Shanghai',
                       d.org_path, '', 'none'
                FROM attendance_daystatus d WHERE d.person_id = ANY(%s) AND d.status = 'present'
                """,
                [chunk],
            )
    return total
