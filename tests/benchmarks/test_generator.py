"""The benchmark generator at smoke size: deterministic, complete, and readable by the real queries."""

from __future__ import annotations

from datetime import date

import pytest
from benchmarks.generate import SCALES, generate_attendance, generate_points, generate_tree, load_policies


@pytest.fixture
def smoke(calendar):
    scale = SCALES["smoke"]
    gen = generate_tree(scale, seed=7, start=date(2025, 3, 3))
    load_policies(gen)
    return scale, gen


def test_generator_smoke_writes_every_table_deterministically(smoke):
    from ganbu.attendance.models import DayStatus, SignIn
    from ganbu.org.models import Org, Person
    from ganbu.points.models import PointEntry

    scale, gen = smoke
    people = scale.village_cadres + scale.township_cadres
    assert Person.objects.count() == people
    assert Org.objects.filter(kind="village").count() == scale.villages
    assert len(gen.days) == scale.working_days
    days = generate_attendance(gen, seed=7)
    assert days == people * scale.working_days == DayStatus.objects.count()
    assert SignIn.objects.count() == DayStatus.objects.filter(status="present").count() > 0
    # The SQL path (PostgreSQL) and the Python path (SQLite) write the same statuses.
    from benchmarks.generate import day_status

    assert all(s == day_status(pid, d, 7) for pid, d, s in DayStatus.objects.values_list("person_id", "date", "status"))
    entries = generate_points(gen, scale, seed=7)
    assert entries == scale.village_cadres * scale.points_per_cadre == PointEntry.objects.count()


def test_generator_is_deterministic_for_a_seed(calendar):
    from django.db import transaction

    from ganbu.org.models import Person

    def run(seed: int) -> list[tuple[str, str, str]]:
        with transaction.atomic():
            generate_tree(SCALES["smoke"], seed=seed, start=date(2025, 3, 3))
            out = list(Person.objects.order_by("id_number").values_list("name", "id_number", "org_path"))
            transaction.set_rollback(True)
        return out

    first = run(7)
    assert first == run(7)
    assert first != run(8)


def test_generated_month_is_read_by_monthly_stats_and_ranking(smoke):
    from ganbu.attendance.models import DayStatus
    from ganbu.attendance.queries import monthly_stats
    from ganbu.points.queries import ranking

    scale, gen = smoke
    generate_attendance(gen, seed=7)
    generate_points(gen, scale, seed=7)
    county = gen.counties[0]
    month = gen.days[0].replace(day=1)
    stats = monthly_stats(org=county, month=month)
    in_month = DayStatus.objects.filter(date__year=month.year, date__month=month.month)
    assert stats.total.absent == in_month.filter(status="absent").count()
    assert stats.total.present == in_month.filter(status="present").count()
    rows = ranking(county.path, "village", gen.days[0].year)
    assert len(rows) == scale.village_cadres
    assert min(r.rank for r in rows) == 1
