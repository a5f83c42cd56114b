"""The lived-in demo county and each role's dashboard (驾驶舱), issue 11.

The demo loads once for this module (it takes seconds): a module fixture opens a transaction, loads,
and rolls it back at the end, so the rest of the suite sees an empty database.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from playwright.sync_api import expect

from ganbu.core.nav import nav_items
from ganbu.org.demo import DEMO_USERS, demo_password

# nav entries whose page lists what the demo promises for that persona; an empty-state phrase there fails
# an empty-state cell or paragraph: the phrase at the start of an element (not inside an explanation)
EMPTY = re.compile(r">[^<>]{0,6}(?:暂无|尚无|还没有)[^<>]{0,40}<")
NOT_PROMISED = {
    "attendance:signin",  # a form, not a list
    "stationing:eligibility",  # another issue's module, no demo data yet
    "stationing:selections",  # the stationing demo (issue 13's) makes no selection round yet
    "leave:inbox",  # empty for those whose steps the demo decided
}
# the diary demo stations cadres in two townships; a county user opens the first by path (白云街道) first
NOT_PROMISED_COUNTY = {"diary:stations"}
# (persona, nav entry) pairs where the demo honestly has nothing: county users are nobody's cadre
NOT_PROMISED_FOR = {"admin", "county_org", "county_rural", "county_deputy", "county_finance", "unit_leader"}
# The demo's meetings are the township's (MTG-01/02); a village role sees only meetings he takes part in
# (issue 16: a cadre sees his own attendance), and the village's own meetings are not in the demo yet.
NOT_PROMISED_MEETINGS = {"a_secretary", "a_committee", "a_first"}


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
        assert user.check_password(demo_password(user.username))
        client = _client(username)
        for item in nav_items(user):
            response = client.get(item["url"])
            assert response.status_code == 200, (username, item["url"])
            if item["name"] == "home":  # every figure on the dashboard links to a page the user may open
                for href in sorted(set(re.findall(r'data-figure="[^"]+" href="(/[^"#]*)"', response.content.decode()))):
                    assert client.get(href).status_code == 200, (username, href)
            if item["name"] in NOT_PROMISED:
                continue
            if username in NOT_PROMISED_FOR and item["name"] in {"leave:mine", "attendance:monthly",
                                                                 "attendance:meetings", *NOT_PROMISED_COUNTY}:
                continue
            if username in NOT_PROMISED_MEETINGS and item["name"] == "attendance:meetings":
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
    opened = 0
    for status in ("open", "acting"):
        tile = re.search(rf'data-figure="cases-{status}"[^>]*><b>(\d+)</b>', page)
        assert tile, status
        rows = len(re.findall(r'<td><a href="/cases/\d+/"', _main(client.get(f"/cases/?status={status}"))))
        assert int(tile.group(1)) == rows, (status, tile.group(1), rows)
        opened += rows
    from ganbu.org.models import User

    user = User.objects.get(username="county_org")
    scope = dashboard.dashboard_scope(user)
    signed = sum(r["signed"] for r in dashboard.signin_today(user, scope))
    assert signed <= SignIn.objects.filter(date=scope.today).count()
    assert opened >= 3  # every township keeps one open
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
    unit = _client("unit_leader").get("/").content.decode()  # a dispatch unit: the cadres it stationed
    assert "本单位选派的驻村干部今天" in unit and "东村 · 驻村第一书记" in unit and "西村" not in unit
    cadre = pages["a_cadre"]
    assert "不需要每日签到" in cadre  # a village clerk: S0 has township cadres sign in daily
    assert "为什么是这个分数、这个名次" in cadre and "我的请假" in cadre
    member = _client("a_team1").get("/").content.decode()  # stationed: S4 registers his days
    assert member.count('class="cal"') == 2 and "st-present" in member


# --- in Chromium: last in this module (the live server's test flushes the tables at its end) --------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = "/tmp/i11-shots"

DRAWN_PIXELS = """el => { const c = el.querySelector('canvas'); if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 3; i < d.length; i += 4 * 7) { if (d[i] > 0) n++; } return n; }"""


def _open(browser, live_server, username, viewport):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo_password(username))
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def _charts_drawn(page, expected: set[str]) -> None:
    charts = page.locator(".chart[data-chart]")
    kinds = {charts.nth(i).get_attribute("data-chart") for i in range(charts.count())}
    assert kinds == expected, kinds
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_attribute("data-drawn", "1")  # no string eval: the CSP forbids it
        assert chart.evaluate(DRAWN_PIXELS) > 200, chart.get_attribute("data-chart")


def _figure(page, name: str) -> int:
    return int(page.locator(f'[data-figure="{name}"] b').inner_text().split("/")[0])


def _on_sqlite() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.browser
@pytest.mark.skipif(not _on_sqlite(), reason="演示县在未提交的事务里：浏览器测试只在 SQLite 上运行")
def test_dashboards_draw_their_charts_and_figures_match_their_lists(demo, browser, live_server):
    """County, township, village secretary and cadre on a phone and a desktop: each chart's canvas is
    drawn, no inline script runs, and the figures equal the rows of the lists they link to.

    One test for both screens: the live server's test empties the tables when it ends. The server
    thread sees the module's open transaction only through SQLite's shared in-memory connection."""
    for tag, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        _walk_dashboards(browser, live_server, tag, viewport)


def _walk_dashboards(browser, live_server, tag, viewport):
    inline: list[str] = []
    # county organisation department
    context, page = _open(browser, live_server, "county_org", viewport)
    page.on("console", lambda m: inline.append(m.text) if m.type == "error" else None)
    assert page.locator("h2", has_text="今日签到率（按镇街）").count() == 1
    _charts_drawn(page, {"signin", "trend", "kpi"})
    page.screenshot(path=f"{SHOTS}/county-{tag}.png", full_page=True)
    away = _figure(page, "away")
    assert page.locator("#away li").count() == away
    steps = _figure(page, "steps")
    cells = page.locator("#steps td:nth-child(2)")
    assert sum(int(cells.nth(i).inner_text()) for i in range(cells.count())) == steps
    opened = _figure(page, "cases-open")
    overdue = _figure(page, "cases-overdue")
    page.click('[data-figure="cases-open"]')
    page.wait_for_load_state("networkidle")
    assert page.locator("#cases tbody tr td a").count() == opened
    page.goto(f"{live_server.url}/cases/")
    assert page.locator("#cases .tag.overdue").count() == overdue
    page.goto(f"{live_server.url}/")
    pending = _figure(page, "points-pending")
    page.click('[data-figure="points-pending"]')
    page.wait_for_load_state("networkidle")
    assert page.locator("#pending tbody tr form").count() == pending > 0
    context.close()
    # township office: its units, the day sheet and the duty gaps
    context, page = _open(browser, live_server, "t1_office", viewport)
    assert page.locator("h2", has_text="今日签到簿").count() == 1
    assert page.locator("li", has_text="无人值班").count() >= 1
    _charts_drawn(page, {"signin", "trend", "kpi"})
    page.screenshot(path=f"{SHOTS}/township-{tag}.png", full_page=True)
    assert _figure(page, "points-pending") > 0
    page.click('[data-figure="points-pending"]')  # the office records: its recent entries, some waiting
    page.wait_for_load_state("networkidle")
    assert "待审核" in page.locator("main").inner_text()
    context.close()
    # village secretary: his team today, what waits for him
    context, page = _open(browser, live_server, "a_secretary", viewport)
    assert page.locator("h2", has_text="本村班子今天").count() == 1
    assert page.locator(".chart").count() == 0
    page.screenshot(path=f"{SHOTS}/village-{tag}.png", full_page=True)
    context.close()
    # a stationed team member: his months as calendars, each day's colour the closed day's status
    context, page = _open(browser, live_server, "a_team1", viewport)
    assert page.locator("table.cal").count() == 2 and page.locator("table.cal td.st-present").count() >= 10
    page.screenshot(path=f"{SHOTS}/member-{tag}.png", full_page=True)
    context.close()
    # cadre: his points and rank with the why link
    context, page = _open(browser, live_server, "a_cadre", viewport)
    page.screenshot(path=f"{SHOTS}/cadre-{tag}.png", full_page=True)
    page.click("text=为什么是这个分数、这个名次")
    page.wait_for_load_state("networkidle")
    assert "/points/ledger/" in page.url
    context.close()
    assert not [m for m in inline if "Content Security Policy" in m], inline
