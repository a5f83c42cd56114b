"""The policy journey in a real browser: an open number blocks adoption until filled (POL-02, POL-03)."""

from __future__ import annotations

import pytest

from ganbu.core.models import PolicyVersion
from ganbu.core.presets import presets_load


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pol_02_fill_open_param_then_adopt(browser_login, live_server, world):
    """POL-02/POL-03: the county fills the open deposit amount (saved as v2), then adopts it; v1 stays a draft."""
    presets_load(actor=None, county=world.county, townships=[world.t1], year=2024, adopt=True)
    v1 = PolicyVersion.objects.get(org=world.county, module="targets")
    page = browser_login("county_org", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/core/policies/{v1.pk}/")
    assert "原文未规定" in page.inner_text("#param-deposit_amount")
    page.click("form button:has-text('施行')")
    assert "原文未规定，施行前必须填写" in page.inner_text("#adopt-errors")
    page.click("text=修改（另存为新草稿）")
    page.fill("#p_deposit_amount", "500")
    page.click("text=保存为新草稿")
    page.wait_for_selector("text=已保存为新的草稿版本 v2")
    page.click("form button:has-text('施行')")
    page.wait_for_selector("text=已施行")
    v2 = PolicyVersion.objects.get(org=world.county, module="targets", version=2)
    assert v2.status == PolicyVersion.Status.ADOPTED and v2.params["deposit_amount"] == 500
    v1.refresh_from_db()
    assert v1.status == PolicyVersion.Status.DRAFT and v1.params["deposit_amount"] is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pol_01_tiers_edited_in_a_chinese_table(browser_login, live_server, world, policies):
    """POL-01: the county changes the first household tier's amount in the table editor and saves."""
    from pathlib import Path

    v = PolicyVersion.objects.get(org=world.county, module="subsidies")
    page = browser_login("county_org", viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/core/policies/{v.pk}/edit/")
    Path("/tmp/i10b-shots").mkdir(exist_ok=True)
    page.screenshot(path="/tmp/i10b-shots/policy-edit-desktop.png", full_page=True)
    page.fill("input[name=p_household_tiers__0__amount]", "1300")
    page.click("text=保存为新草稿")
    page.wait_for_selector("text=已保存为新的草稿版本 v2")
    assert "1300" in page.inner_text("#param-household_tiers")
    page.screenshot(path="/tmp/i10b-shots/policy-show-desktop.png", full_page=True)
    phone = browser_login("county_org", viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/core/policies/{v.pk}/")
    phone.screenshot(path="/tmp/i10b-shots/policy-show-phone.png")
    v2 = PolicyVersion.objects.get(org=world.county, module="subsidies", version=2)
    assert str(v2.params["household_tiers"][0]["amount"]) in {"1300", "1300.00"}
