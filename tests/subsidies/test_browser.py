"""The subsidy register in Chromium: the township proposes, the finance bureau sends it back, the township
corrects, both approve, the public list shows masked IDs, the bank file downloads (SUB-04)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from ganbu.notices.models import NoticeVersion
from ganbu.subsidies.models import Register

from .conftest import YEAR

SHOTS = "/tmp/m15-shots"
PHONE = {"viewport": {"width": 390, "height": 844}}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _approve(page, url, reg, note=""):
    page.goto(f"{url}/subsidies/register/{reg.pk}/")
    if note:
        page.fill("#approve-form input[name=note]", note)
    finance_step = "财政" in page.inner_text("#review h2")
    page.check("#approve-form input[name=confirm]")
    page.click("#approve")
    page.wait_for_selector("text=审批通过，镇将公示" if finance_step else "text=审核通过，已转县财政局审批")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sub_04_subsidy_journey(world, scored, finance, browser_login, live_server):
    """SUB-04: propose → org review → finance sends back → correct → both approve → notice → bank file."""
    url = live_server.url
    office = browser_login("office", **DESKTOP)
    office.goto(f"{url}/subsidies/?year={YEAR}")
    office.fill("input[name=rural_income]", "900")
    office.check("#propose input[name=confirm]")
    office.click("text=计算并提出")
    office.wait_for_selector("text=已提出青山镇2024年补贴花名册")
    reg = Register.objects.get()
    assert "每分值" in office.inner_text("#formula")
    _shot(office, "register-desktop")

    org = browser_login("county_org", **DESKTOP)
    _approve(org, url, reg, note="户数已核")

    money = browser_login("finance", **PHONE)
    money.goto(f"{url}/subsidies/")
    money.click(f"a[href='/subsidies/register/{reg.pk}/']")
    _shot(money, "finance-review-phone")
    money.fill("#send-back input[name=reason]", "周文书得分与考核办台账不一致，请核实")
    money.check("#send-back input[name=confirm]")
    money.click("#send-back button")
    money.wait_for_selector("text=已退回镇修改")

    office.goto(f"{url}/subsidies/register/{reg.pk}/")
    assert "周文书得分与考核办台账不一致" in office.inner_text("#returned")
    office.fill("#correct input[name=reason]", "已与考核办核对得分")
    office.check("#correct input[name=duty_logs_checked]")
    office.check("#correct input[name=confirm]")
    office.click("text=更正并提出")
    office.wait_for_selector("text=已更正并重新提出")
    for person in ("孙支书", "周文书"):
        office.select_option("#cards select[name=person]", label=f"东村 {person}")
        office.fill("#cards input[name=bank]", "县农商银行")
        office.fill("#cards input[name=number]", "6230910000000012" + ("1" if person == "孙支书" else "2"))
        office.click("#cards button")
        office.wait_for_selector("text=工资卡已登记")

    _approve(org, url, reg)
    _approve(money, url, reg)

    office.goto(f"{url}/subsidies/register/{reg.pk}/")
    office.check("#publish input[name=confirm]")
    office.click("#publish button")
    office.wait_for_selector("text=已公示")
    office.click("#notice-link")
    board = office.inner_text("#content")
    full = world.people.village_secretary_a.id_number
    assert "孙支书" in board and full not in board and f"{full[:4]}**********{full[-4:]}" in board
    _shot(office, "public-notice-desktop")

    money.goto(f"{url}/subsidies/register/{reg.pk}/")
    until = timezone.localdate() + timedelta(days=6)  # 7-day public period including today
    assert f"{until.year}年{until.month}月{until.day}日" in money.inner_text("#pay-waiting")
    assert money.query_selector("#pay") is None  # 先审批后发放: not before the public period is over
    _shot(money, "pay-waiting-phone")
    # the public period passes: the notice was published 8 days ago, its last day was yesterday
    reg.refresh_from_db()
    NoticeVersion.objects.filter(pk=reg.notice_version_id).update(
        published_at=timezone.now() - timedelta(days=8), public_until=timezone.localdate() - timedelta(days=1))
    money.goto(f"{url}/subsidies/register/{reg.pk}/")
    assert "*" in money.inner_text("#lines .card-no") and "62309100000000121" not in money.content()
    money.check("#pay input[name=confirm]")
    money.click("#pay button")
    money.wait_for_selector("text=已生成银行发放文件")
    with money.expect_download() as dl:
        money.click("#bank-file")
    assert dl.value.suggested_filename.endswith(".xlsx")
    from ganbu.reports.excel import read_rows

    with open(dl.value.path(), "rb") as fh:
        rows = read_rows(fh.read(), "x.xlsx")["代发清单"][2:]
    assert {r[3] for r in rows} == {"62309100000000121", "62309100000000122"}  # whole numbers only here
    _shot(money, "paid-phone")
    assert money.query_selector("#pay") is None  # nothing left to pay twice
    money.goto(f"{url}/subsidies/?year={YEAR}")
    assert "青山镇" in money.inner_text("#overview") and "已生成发放文件" in money.inner_text("#overview")
    _shot(money, "home-phone")
    org.goto(f"{url}/subsidies/?year={YEAR}")
    _shot(org, "home-desktop")
