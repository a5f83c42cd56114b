"""PTS-01/04/07: the hand-written ranking SQL against an ORM oracle (who is ranked, totals, ties, order)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from ganbu.org.models import Person
from ganbu.points import queries, rules
from ganbu.points.models import Cycle, PointTally

pytestmark = pytest.mark.django_db


def _cycle(pts, township, year: int, scope: str = "village") -> Cycle:
    c = pts.cycle
    return Cycle.objects.create(township=township, org_path=township.path, scope=scope, year=year,
                                start=date(year, 1, 1), half=date(year, 6, 30), end=date(year, 12, 31),
                                policy_version_id=c.policy_version_id, policy_ref=c.policy_ref)


def _tally(person: Person, cycle: Cycle, total: str, deductions: str = "0") -> None:
    PointTally.objects.create(person=person, cycle=cycle, org_path=person.org_path, total=Decimal(total),
                              deductions=Decimal(deductions), entries=1)


@pytest.fixture
def tallies(world, pts):
    """Ties across names, halves, negatives, a cadre with tallies in two townships' cycles, and tallies
    of last year and of the township scope that a village ranking of this year must not count."""
    p, year = world.people, pts.year
    extra = Person.objects.bulk_create([
        Person(name=name, gender="M", birth_date=date(1980, 1, 1), id_number=f"330521{900000000100 + i}",
               org=world.village_c, org_path=world.village_c.path, category="village_elected")
        for i, name in enumerate(["乙", "甲", "甲", "丙", "丁"])])
    t2_cycle = _cycle(pts, world.t2, year)
    _tally(p.cadre_a, pts.cycle, "5.5", "-2.0")
    _tally(p.cadre_a, t2_cycle, "2.0")  # moved mid-year: both townships' cycles count
    _tally(p.village_secretary_a, pts.cycle, "7.5")
    _tally(p.village_secretary_a, _cycle(pts, world.t1, year - 1), "100.0")  # last year
    for person, total in zip(extra, ["7.5", "7.5", "7.5", "-3.5", "0.0"], strict=True):
        _tally(person, pts.cycle, total, "-3.5" if total == "-3.5" else "0")
    _tally(p.outsider, t2_cycle, "1.0", "-1.0")
    _tally(p.township_cadre, _cycle(pts, world.t1, year, "township"), "4.0", "-0.5")
    return extra


def _oracle(prefix: str, scope: str, year: int) -> list[rules.RankRow]:
    """The ranking recomputed with the ORM and Python: sums per cadre, RANK() per township, then name, ID."""
    people = list(queries.ranked_people(prefix, scope).select_related("org"))
    name_order = {pk: i for i, pk in enumerate(Person.objects.order_by("name", "id").values_list("id", flat=True))}
    sums: dict[int, list[Decimal]] = {x.pk: [Decimal("0.0"), Decimal("0.0")] for x in people}
    for t in PointTally.objects.filter(person_id__in=sums, cycle__year=year, cycle__scope=scope):
        sums[t.person_id][0] += t.total
        sums[t.person_id][1] -= t.deductions
    rows = []
    for township in sorted({x.org_path[:9] for x in people}):
        group = [x for x in people if x.org_path[:9] == township]
        ranks = rules.competition_ranks([(x.pk, sums[x.pk][0]) for x in group])
        for x in sorted(group, key=lambda x: (ranks[x.pk], name_order[x.pk])):
            rows.append(rules.RankRow(x.pk, x.name, x.org_path, x.org.name, sums[x.pk][0].quantize(Decimal("0.1")),
                                      sums[x.pk][1].quantize(Decimal("0.1")), ranks[x.pk]))
    return rows


@pytest.mark.parametrize(("where", "scope"), [("county", "village"), ("t1", "village"), ("t2", "village"),
                                              ("t1", "township"), ("county", "township")])
def test_pts_04_ranking_equals_orm_oracle(world, pts, tallies, where, scope):
    """PTS-01/04/07: same cadres as ``ranked_people``, same totals, ranks and order as the oracle."""
    prefix = getattr(world, where).path
    rows = queries.ranking(prefix, scope, pts.year)
    assert rows == _oracle(prefix, scope, pts.year)
    assert {r.person_id for r in rows} == set(queries.ranked_people(prefix, scope).values_list("id", flat=True))
    # One decimal place as stored, never "-0.0", as the pages and the published JSON print them.
    assert all(re.fullmatch(r"-?\d+\.\d", str(v)) and str(v) != "-0.0" for r in rows for v in (r.total, r.deductions))
    assert all(type(r.rank) is int and type(r.person_id) is int for r in rows)


def test_pts_04_ties_share_a_place_listed_by_name_then_id(world, pts, tallies):
    """PTS-04 (rules.TIE_METHOD): five share place 1, the next is 6th; the tied are listed by name, equal names by ID."""
    p = world.people
    rows = queries.ranking(world.t1.path, "village", pts.year)
    top = [r for r in rows if r.rank == 1]
    assert len(top) == 5 and all(r.total == Decimal("7.5") for r in top)  # cadre_a: 5.5 + 2.0
    assert [(r.name, r.rank) for r in rows[5:]] == [("丁", 6), ("丙", 7)]
    a = next(r for r in rows if r.person_id == p.cadre_a.pk)
    assert (str(a.total), str(a.deductions)) == ("7.5", "2.0")
    twins = [r.person_id for r in top if r.name == "甲"]
    assert twins == sorted(twins) and len(twins) == 2
    assert [str(r.total) for r in rows[-2:]] == ["0.0", "-3.5"] and str(rows[-1].deductions) == "3.5"


def test_pts_04_prefix_wildcards_match_only_themselves(world, pts, tallies):
    """A prefix is a path, not a LIKE pattern: ``_`` and ``%`` in it match nothing else."""
    assert queries.ranking(world.t1.path[:-1] + "_", "village", pts.year) == []
    assert queries.ranking(world.county.path[:4] + "%", "village", pts.year) == []
    assert queries.ranking("", "village", pts.year) == _oracle("", "village", pts.year)
