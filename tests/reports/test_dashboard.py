"""Dashboard reads (reports/dashboard.py): scoped, and a fixed number of queries however many cadres."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import _person

pytestmark = pytest.mark.django_db
COUNTY_QUERIES = 20  # session, user, grants, nav, inbox badge and one aggregate per figure


def _sign(person, day):
    from ganbu.attendance.models import SignIn

    at = timezone.make_aware(datetime.combine(day, time(8, 0)))
    return SignIn.objects.create(person=person, date=day, at=at, org_path=person.org_path)


def _cadres(world, n, start):
    """``n`` more township cadres of 青山镇 (daily signers), each signed in today, and village cadres."""
    from ganbu.org.services import post_start

    today = timezone.localdate()
    for i in range(n):
        p = _person(world.t1, f"镇干部{i}", category="civil_servant")
        post_start(actor=None, person=p, org=world.t1, title="township_cadre", start=start, safety_duty="安全")
        _sign(p, today)
        v = _person(world.village_c, f"村干部{i}")
        post_start(actor=None, person=v, org=world.village_c, title="group_leader", start=start, safety_duty="安全")


def _home_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_county_dashboard_query_count_does_not_grow_with_cadres(world, policies, login):
    """Pinned: the county dashboard is a fixed set of aggregate queries (not one per cadre or village)."""
    client = login("county_org")
    _sign(world.people.office, timezone.localdate())
    _home_queries(client)  # warm: the calendar and policy caches fill once per process
    first, page = _home_queries(client)
    assert "今日签到率" in page
    _cadres(world, 25, date(2024, 1, 1))
    second, page = _home_queries(client)
    assert second == first, (first, second)
    assert first <= COUNTY_QUERIES, first
    # 4 + 25 township cadres and the 3 stationed (S4: 按日登记) sign in daily; the office and the 25 have
    assert "<b>26/32</b>" in page


def test_township_and_village_dashboards_are_scoped(world, policies, login):
    """The township sees its own units; the village secretary his own team; the outsider neither."""
    from ganbu.reports import dashboard

    _cadres(world, 3, date(2024, 1, 1))
    t_user, v_user, out = world.users.township_secretary, world.users.village_secretary_a, world.users.outsider
    t_scope = dashboard.dashboard_scope(t_user)
    assert (t_scope.kind, t_scope.path) == ("township", world.t1.path)
    rows = dashboard.signin_today(t_user, t_scope)
    # the township's own cadres, and the stationed team of 东村 (S4: they sign in daily)
    assert [(r["name"], r["expected"], r["signed"]) for r in rows] == [("青山镇机关", 7, 3), ("东村", 3, 0)]
    v_scope = dashboard.dashboard_scope(v_user)
    assert (v_scope.kind, v_scope.path) == ("village", world.village_a.path)
    team = {r["person"].name for r in dashboard.team_today(v_scope)}
    assert "周文书" in team and "陈外村" not in team
    o_scope = dashboard.dashboard_scope(out)
    assert o_scope.path == world.village_b.path
    assert not [r for r in dashboard.away_now(out, o_scope) if r.org_path.startswith(world.t1.path)]
    page = login("village_secretary_a").get("/").content.decode()
    assert "本村班子今天" in page and "陈外村" not in page


def test_cadre_dashboard_calendar_and_points_rank(world, policies, login):
    """A cadre's month as a calendar (today marked), his points total and rank with the ledger link."""
    from ganbu.points.services import cycle_open, point_entry_approve, point_entry_record, point_item_create

    today = timezone.localdate()
    _sign(world.people.cadre_a, today)
    office = world.users.office
    cycle_open(actor=office, township=world.t1, year=today.year)
    item = point_item_create(actor=office, township=world.t1, scope="village", category="上级工作任务",
                             name="完成上级交办任务", kind="add", default_points="5", cap_per_cycle="30")
    entry = point_entry_record(actor=office, person=world.people.cadre_a, item_id=item.pk, points="5", on=today,
                               note="按时完成")
    point_entry_approve(actor=world.users.township_head, entry=entry)
    page = login("cadre_a").get("/").content.decode()
    assert 'class="cal"' in page and "today" in page and "今天已签到" in page
    assert "5.0 分" in page and "第 1 名" in page
    assert f'/points/ledger/{world.people.cadre_a.pk}/' in page


def test_province_scope_for_a_nationwide_user(world, policies):
    """An administrator over several counties gets the province dashboard: rows by county."""
    from ganbu.org.services import org_create
    from ganbu.reports import dashboard

    org_create(actor=None, kind="county", name="邻县", code="330522000000")
    scope = dashboard.dashboard_scope(world.users.admin)
    assert scope.kind == "province" and scope.child_len == 6
    _sign(world.people.office, timezone.localdate())
    rows = dashboard.signin_today(world.users.admin, scope)
    assert [r["path"] for r in rows] == [world.county.path] and rows[0]["signed"] == 1
    assert dashboard.absence_trend(world.users.admin, scope) == []
    assert timezone.localdate() - timedelta(days=dashboard.TREND_DAYS) < timezone.localdate()
