"""PTS-04: ranking pages run a fixed number of queries, for a township, a county and 2,240 cadres."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ganbu.org.models import Org, OrgKind, Person
from ganbu.points import queries
from ganbu.points.models import PointEntry

pytestmark = pytest.mark.django_db

TOWNSHIP_QUERIES = 10  # +1: the sub-menu reads the user's grants to show only the links he can use
COUNTY_QUERIES = 8


def _warm(client, url, params):
    """First request warms the session, the policy cache and the user's grants."""
    assert client.get(url, params).status_code == 200


def _bulk_cadres(world, pts, n: int) -> None:
    """``n`` village cadres (bulk_create) in 40 villages of 青山镇, each with one approved entry."""
    villages = Org.objects.bulk_create([
        Org(code=f"330521100{300 + i:03d}", path=f"330521100{300 + i:03d}", name=f"测试村{i}", kind=OrgKind.VILLAGE,
            parent=world.t1) for i in range(40)])
    people = Person.objects.bulk_create([
        Person(name=f"干部{i:04d}", gender="M", birth_date=date(1980, 1, 1), id_number=f"330521{i:012d}",
               org=villages[i % 40], org_path=villages[i % 40].path, category="village_elected")
        for i in range(n)])
    PointEntry.objects.bulk_create([
        PointEntry(cycle=pts.cycle, person=p, item=pts.town, org_path=p.org_path, points=i % 50, date=pts.today,
                   note="批量", recorded_by=world.users.office, status="approved",
                   approved_by=world.users.township_head, policy_version_id=pts.cycle.policy_version_id,
                   policy_ref=pts.cycle.policy_ref) for i, p in enumerate(people)])
    from ganbu.points.services import tally_refresh

    tally_refresh(cycle_ids=[pts.cycle.pk])  # a bulk load refreshes the tallies as approval would


def test_pts_04_township_ranking_fixed_queries(world, pts, give, login, django_assert_num_queries):
    """PTS-04: the township ranking page runs a pinned number of queries."""
    give(world.people.cadre_a, pts.upper, 5)
    client = login("township_secretary")
    url, params = reverse("points:ranking"), {"org": world.t1.pk}
    _warm(client, url, params)
    with django_assert_num_queries(TOWNSHIP_QUERIES):
        client.get(url, params)


def test_pts_04_county_ranking_fixed_queries(world, pts, give, login, django_assert_num_queries):
    """PTS-04: the county page (townships side by side) runs a pinned number of queries."""
    give(world.people.cadre_a, pts.upper, 5)
    client = login("county_org")
    url, params = reverse("points:ranking"), {"org": world.county.pk}
    _warm(client, url, params)
    with django_assert_num_queries(COUNTY_QUERIES):
        client.get(url, params)


def test_pts_04_ranking_of_2240_cadres_same_fixed_queries(world, pts, login, django_assert_num_queries):
    """PTS-04: 2,240 cadres (one county's two-committee members) — the same pinned query counts."""
    _bulk_cadres(world, pts, 2240)
    client = login("township_secretary")
    url, params = reverse("points:ranking"), {"org": world.t1.pk}
    _warm(client, url, params)
    with django_assert_num_queries(TOWNSHIP_QUERIES):
        resp = client.get(url, params)
    assert resp.content.decode().count("<tr><td class=\"num\">") >= 2240
    county = login("county_org")
    _warm(county, url, {"org": world.county.pk})
    with django_assert_num_queries(COUNTY_QUERIES):
        county.get(url, {"org": world.county.pk})


def test_pts_04_ranking_reads_tallies_kept_equal_to_approved_entries(world, pts, give):
    """PTS-04: the tally behind the ranking equals the sum of approved entries after each approval."""
    from django.db.models import Sum

    from ganbu.points.models import PointTally

    give(world.people.cadre_a, pts.upper, 5)
    give(world.people.cadre_a, pts.upper, 3)
    tally = PointTally.objects.get(person=world.people.cadre_a, cycle=pts.cycle)
    approved = PointEntry.objects.filter(person=world.people.cadre_a, cycle=pts.cycle, status="approved")
    assert tally.total == approved.aggregate(s=Sum("points"))["s"] and tally.entries == approved.count() == 2
    row = next(r for r in queries.ranking(world.t1.path, "village", pts.year) if r.person_id == world.people.cadre_a.pk)
    assert row.total == tally.total
