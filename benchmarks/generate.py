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
from collections.abc import Iterable, Iterator, Sequence
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


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
              batch: int = 5000) -> int:
    """Insert rows fast: COPY on PostgreSQL, bulk_create elsewhere. Returns the count."""
    count = 0
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        columns = ", ".join(model._meta.get_field(f).column for f in fields)
        with connection.cursor() as cur:
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    buf: list[models.Model] = []
    for row in rows:
        buf.append(model(**dict(zip(fields, row, strict=True))))
        if len(buf) >= batch:
            model.objects.bulk_create(buf)
            count += len(buf)
            buf = []
    if buf:
        model.objects.bulk_create(buf)
        count += len(buf)
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


def generate_tree(scale: Scale, seed: int = 2026, start: date = date(2025, 1, 2)) -> Generated:
    """Orgs, people, posts and one user per cadre, deterministically from ``seed``."""
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.models import Org, OrgKind, Person, Post, PostTitle, User

    rng = random.Random(seed)
    counties, townships, villages = [], [], []
    with transaction.atomic():
        for c in range(scale.counties):
            code6 = f"{330100 + c * 2:06d}"
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
