"""Chromium journeys on a phone: a major matter recorded, answered late, the lateness reaching the secretary;
the county sees which villages fall short on reserves (DRY-01, DRY-02, RSV-02)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from ganbu.diary import services
from ganbu.diary.models import Matter

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SHOTS = os.environ.get("GANBU_SHOTS", "/tmp/i14-shots")


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dry_02_major_matter_on_a_phone_answered_on_day_4_reaches_the_secretary(world, policies, browser_login,
                                                                                  live_server):
    """DRY-01/02: future date refused; major matter recorded and reported on day 0; opinion on day 4 is late."""
    u, p = world.users, world.people
    today = timezone.localdate()
    services.station_set(actor=u.office, person=p.township_cadre, township=world.t1, village=world.village_a,
                         start=today - timedelta(days=30))
    services.household_create(actor=u.office, village=world.village_a, head_name="张大山", group_name="一组",
                              demonstration=True)
    day0 = today - timedelta(days=4)

    page = browser_login("township_cadre", **PHONE)
    page.click("label.navbtn")
    page.click("nav.mainnav >> text=民情日记")
    page.click("text=＋ 记一条民情")
    page.fill("#matter-form input[name=q]", "张")
    page.click("label.pick:has-text('张大山')")
    page.fill("input[name=met_on]", (today + timedelta(days=1)).isoformat())
    page.select_option("select[name=category]", "矛盾纠纷")
    page.fill("textarea[name=content]", "两户因宅基地边界争执，情绪激动，可能引发冲突")
    page.fill("textarea[name=action]", "到现场初步调解")
    page.check("input[name=major]")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".form-errors")
    assert "发生日期：不能晚于今天" in page.inner_text(".form-errors")
    shot(page, "phone-diary-future-refused")
    assert not Matter.objects.exists()

    page.fill("input[name=met_on]", day0.isoformat())
    page.click("label.pick:has-text('张大山')")
    page.click("button:has-text('保存')")
    page.wait_for_selector("#report-form")
    assert "向党委、政府报告" in page.inner_text("#clocks")
    page.fill("#report-form input[name=reported_on]", day0.isoformat())
    page.fill("#report-form textarea[name=text]", "重大民情，请求镇党委、政府协调司法所调处")
    page.click("#report-form button")
    page.wait_for_selector("text=已报告党委、政府")
    clocks = page.inner_text("#clocks")
    assert "按时" in clocks and "已超期 1 天" in clocks
    shot(page, "phone-diary-matter-clocks")
    matter = Matter.objects.get()

    head = browser_login("township_head", **PHONE)
    head.goto(f"{live_server.url}/inbox/")
    head.click("text=待拿出处理意见")
    assert "提交后将同时通知 王书记" in head.inner_text("#answer-form")
    head.fill("#answer-form textarea[name=text]", "由司法所牵头，三日内调处到位")
    shot(head, "phone-diary-answer-late")
    head.click("#answer-form button")
    head.wait_for_selector("text=处理意见已送达记录人")
    matter.refresh_from_db()
    assert matter.answered_on == today and matter.closed_on == today

    secretary = browser_login("township_secretary", **PHONE)
    secretary.goto(f"{live_server.url}/inbox/")
    text = secretary.inner_text("main")
    assert "超期提醒：李镇长拿出处理意见超期 1 天" in text
    shot(secretary, "phone-secretary-inbox")
    secretary.goto(f"{live_server.url}/diary/matters/?closed=on")
    shot(secretary, "phone-township-matters")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rsv_02_county_opens_the_reserve_page_and_sees_villages_short(world, policies, browser_login, live_server):
    """RSV-01/02: the county's page lists the villages that fall short, why, and the posts without a reserve."""
    page = browser_login("county_org", **PHONE)
    page.click("label.navbtn")
    page.click("nav.mainnav >> text=后备干部")
    page.wait_for_selector("#short-table")
    assert page.inner_text("#short-count") == "3"
    table = page.inner_text("#short-table")
    assert "东村" in table and "女后备干部 0 名，不足 1 名" in table and "村党组织书记（孙支书）" in table
    shot(page, "phone-county-reserves")
    desk = browser_login("county_org", viewport={"width": 1366, "height": 900})
    desk.goto(f"{live_server.url}/reserves/")
    shot(desk, "desktop-county-reserves")
