"""The lived-in demo county and each role's dashboard (驾驶舱), issue 11.

The demo loads once for this module (it takes seconds): a module fixture opens a transaction, loads,
and rolls it back at the end, so the rest of the suite sees an empty database.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client

from ganbu.core.nav import nav_items
from ganbu.org.demo import DEMO_PASSWORD, DEMO_USERS

# nav entries whose page lists what the demo promises for that persona; an empty-state phrase there fails
EMPTY = re.compile(r"暂无|尚无|还没有")
NOT_PROMISED = {
    "attendance:signin",  # a form, not a list
    "stationing:eligibility",  # another issue's module, no demo data yet
    "leave:inbox",  # empty for those whose steps the demo decided
}
# (persona, nav entry) pairs where the demo honestly has nothing: county users are nobody's cadre
NOT_PROMISED_FOR = {"admin", "county_org", "county_rural", "county_deputy", "county_finance", "unit_leader"}


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from ganbu.org.management.commands.load_demo import load_demo

    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                ctx = load_demo(seed=2026)
                yield ctx
                raise _Rollback
        except _Rollback:
            pass


def _client(username: str) -> Client:
    from ganbu.org.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _main(response) -> str:
    text = response.content.decode()
    return text[text.find("<main"):text.find("</main>")]


@pytest.mark.django_db
def test_every_nav_entry_of_every_demo_persona_opens_with_data(demo):
    """Each printed login walks its whole menu: every page opens, and lists the demo fills are not empty."""
    from ganbu.org.models import User

    empty = []
    for username, *_ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        client = _client(username)
        for item in nav_items(user):
            response = client.get(item["url"])
            assert response.status_code == 200, (username, item["url"])
            if item["name"] in NOT_PROMISED:
                continue
            if username in NOT_PROMISED_FOR and item["name"] in {"leave:mine", "attendance:monthly",
                                                                 "attendance:meetings"}:
                continue
            hits = EMPTY.findall(_main(response))
            if hits and item["name"] != "home":
                empty.append((username, item["name"], hits[:2]))
    assert not empty, empty


@pytest.mark.django_db
def test_demo_fills_every_module(demo):
    """Three months of closed days, leave in every state, points, 千分制, cases open and closed, notices,
    duty and meetings: what the issue promises a new user sees."""
    from ganbu.assessment.models import AnnualResult
    from ganbu.attendance.models import DaySheet, DayStatus, DutySlot, MeetingAttendance, MonthTally
    from ganbu.cases.models import Case
    from ganbu.leave.models import LeaveRequest
    from ganbu.notices.models import NoticeVersion
    from ganbu.points.models import Cycle, PointEntry, PointItem

    assert DayStatus.objects.values("date").distinct().count() >= 55  # ~3 months of working days
    assert MonthTally.objects.values("month").distinct().count() >= 3
    assert DaySheet.objects.filter(closed_at__isnull=False).count() >= 150
    assert set(LeaveRequest.objects.values_list("status", flat=True)) >= {
        "pending", "approved", "rejected", "cancelled", "withdrawn"}
    assert PointItem.objects.count() >= 20 and Cycle.objects.count() >= 3
    assert set(PointEntry.objects.values_list("status", flat=True)) == {"pending", "approved", "rejected"}
    assert AnnualResult.objects.count() >= 10
    assert set(Case.objects.values_list("status", flat=True)) >= {"open", "closed"}
    assert NoticeVersion.objects.count() >= 6 and DutySlot.objects.count() >= 40
    assert MeetingAttendance.objects.filter(status="present").count() >= 500


@pytest.mark.django_db
def test_county_dashboard_figures_match_the_lists_they_link_to(demo):
    """The 问责 tiles equal the rows of the case list they link to; the sign-in figure equals the day's rows."""
    from ganbu.attendance.models import SignIn
    from ganbu.reports import dashboard

    client = _client("county_org")
    page = client.get("/").content.decode()
    for status in ("open", "acting"):
        tile = re.search(rf'data-figure="cases-{status}"[^>]*><b>(\d+)</b>', page)
        assert tile, status
        listed = _main(client.get(f"/cases/?status={status}")).count('href="/cases/') - 0
        rows = len(re.findall(r'<tr[^>]*>\s*<td', _main(client.get(f"/cases/?status={status}"))))
        assert int(tile.group(1)) == rows, (status, tile.group(1), rows, listed)
    from ganbu.org.models import User

    user = User.objects.get(username="county_org")
    scope = dashboard.dashboard_scope(user)
    signed = sum(r["signed"] for r in dashboard.signin_today(user, scope))
    assert signed <= SignIn.objects.filter(date=scope.today).count()
    assert 'id="chart-data"' in page and "<script>" not in page.replace('<script id="chart-data"', "")


@pytest.mark.django_db
def test_every_role_sees_its_dashboard(demo):
    """County: sign-in by township, 红黑榜, 千分制, first secretaries; township: the day sheet and duty gaps;
    village secretary: his team today; cadre: his month as a calendar, his points with the why link."""
    pages = {u: _client(u).get("/").content.decode() for u in ("county_org", "t1_office", "a_secretary", "a_cadre")}
    county = pages["county_org"]
    for text in ("今日签到率（按镇街）", "青山镇", "红榜", "黑榜", "千分制考核", "驻村第一书记", "审批在途"):
        assert text in county, text
    for text in ("今日签到簿", "值班缺口", "无人值班"):
        assert text in pages["t1_office"], text
    assert "本村班子今天" in pages["a_secretary"] and "等我处理" in pages["a_secretary"]
    cadre = pages["a_cadre"]
    assert 'class="cal"' in cadre and "为什么是这个分数、这个名次" in cadre and "我的请假" in cadre
