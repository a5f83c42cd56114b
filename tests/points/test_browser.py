"""One Chromium walk through the whole 积分 flow (PTS-02, PTS-04, PUB-01, DSC-02)."""

from __future__ import annotations

import re

import pytest

from ganbu.cases.models import Appeal
from ganbu.notices.models import NoticeVersion
from ganbu.org.models import Person
from ganbu.points.models import CycleSummary, PointEntry


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pts_02_pub_01_dsc_02_record_approve_publish_public_view_and_appeal(world, pts, browser, browser_login,
                                                                               live_server):
    """PTS-02/PUB-01/DSC-02: office records, a second user approves, the ranking is published, an anonymous
    visitor sees it without ID numbers, and the cadre opens his "why" page and appeals."""
    p = world.people
    office = browser_login("office")
    for person, points in ((p.cadre_a, "12"), (p.village_secretary_a, "6")):
        office.goto(f"{live_server.url}/points/record/")
        office.select_option("select[name=person]", str(person.pk))
        office.select_option("select[name=item]", str(pts.upper.pk))
        office.fill("input[name=points]", points)
        office.fill("input[name=note]", "完成上级交办的防汛任务")
        office.click("form.card button[type=submit]")
        office.wait_for_load_state("networkidle")
        assert "待另一名审核人审核" in office.content()
    assert PointEntry.objects.filter(status="pending").count() == 2

    head = browser_login("township_head")
    head.goto(f"{live_server.url}/points/pending/")
    for _ in range(2):
        head.locator("button[value=approve]").first.click()
        head.wait_for_load_state("networkidle")
    assert PointEntry.objects.filter(status="approved", approved_by=world.users.township_head).count() == 2

    office.goto(f"{live_server.url}/points/cycles/")
    office.click("button[value=half]")
    office.wait_for_load_state("networkidle")
    # nothing irreversible on one click: the summary is previewed first (issue 10)
    assert "参加排名" in office.inner_text("#confirm-summary") and not CycleSummary.objects.exists()
    office.screenshot(path="/tmp/i10a-shots/points-half-confirm-desktop.png", full_page=True)
    office.click("#confirm-button")
    office.wait_for_load_state("networkidle")
    office.click("button[value=publish]")
    office.wait_for_load_state("networkidle")
    assert "将在" in office.inner_text("#confirm-summary") and NoticeVersion.objects.count() == 0
    office.click("#confirm-button")
    office.wait_for_load_state("networkidle")
    assert NoticeVersion.objects.count() == 1

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/public/")
    public.click("#board a")
    public.wait_for_load_state("networkidle")
    html = public.content()
    assert p.cadre_a.name in html and "12.0" in html
    for person in Person.objects.all():
        assert person.id_number not in html
    assert not re.search(r"\d{17}[\dX]", public.inner_text("body"))

    cadre = browser_login("cadre_a")
    cadre.goto(f"{live_server.url}/points/ledger/{p.cadre_a.pk}/")
    assert cadre.inner_text("#rank") == "1" and cadre.inner_text("#total") == "12.0"
    assert "完成上级交办的防汛任务" in cadre.inner_text("#entries")
    cadre.fill("textarea[name=reason]", "我还完成了另一项任务，未计分")
    cadre.click("text=提交申诉")
    cadre.wait_for_load_state("networkidle")
    assert "申诉已提交" in cadre.content()
    appeal = Appeal.objects.get()
    assert appeal.person == p.cadre_a and appeal.object_type == "point_cycle"
