"""Browser journey (issue 16 must-show): the system administrator creates accounts for a village from
the roster, the security administrator grants the village secretary's role, the secretary signs in
for the first time, must change his password, then sees only his village."""

from __future__ import annotations

import io
import os
import re
from datetime import date

import pytest

SHOTS = "/tmp/i16-shots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_accounts_journey_create_grant_first_login_then_only_his_village(browser_login, browser, live_server, world,
                                                                        admins, policies):
    from pypdf import PdfReader

    from ganbu.org.models import PostTitle
    from ganbu.org.services import post_start
    from tests.conftest import _person

    # 南村 gets a new secretary and a clerk in the roster, neither with a login yet
    secretary = _person(world.village_c, "韩新书记")
    post_start(actor=None, person=secretary, org=world.village_c, title=PostTitle.VILLAGE_SECRETARY,
               start=date(2024, 1, 1), funded=True, safety_duty="全面负责")
    _person(world.village_c, "曹新文书")

    # 1. the system administrator creates both accounts from the roster and prints the sealed slips
    page = browser_login("system_admin", viewport=DESKTOP)
    page.goto(f"{live_server.url}/org/accounts/?org={world.village_c.pk}")
    assert page.locator("#without").get_by_text("韩新书记").count() == 1
    _shot(page, "accounts-desktop")
    page.click("#create-accounts")
    page.wait_for_load_state("networkidle")
    assert "已开通 2 个账号" in page.content()
    with page.expect_download() as dl:
        page.click("#print-slips")
    text = PdfReader(io.BytesIO(open(dl.value.path(), "rb").read())).pages[0].extract_text()
    username = re.search(r"(u\d{6})", text).group(1)
    from ganbu.org.models import User

    user = User.objects.get(username=username)
    if user.person_id != secretary.pk:  # the slip lists both; take the secretary's line
        username = f"u{secretary.pk:06d}"
    lines = [ln for ln in text.splitlines() if ln.strip()]
    i = next(k for k, ln in enumerate(lines) if username in ln)
    password = next(re.search(r"初始密码[:：]\s*(\S+)", ln).group(1) for ln in lines[i:] if "初始密码" in ln)

    # 2. the security administrator picks the secretary by search and grants his role on 南村
    sec = browser_login("security_admin", viewport=DESKTOP)
    sec.goto(f"{live_server.url}/org/grants/")
    sec.fill("#grant-form .picker-q", "韩新")
    sec.locator("#grant-form .picker-option").first.click()
    sec.select_option("#grant-form select[name=role]", "village_secretary")
    sec.select_option("#grant-form select[name=org]", str(world.village_c.pk))
    sec.click("#grant-form button[type=submit]")
    sec.wait_for_load_state("networkidle")
    assert "南村（仅本村/社区）" in sec.content()
    _shot(sec, "grants-desktop")

    # 3. the secretary signs in on his phone, must change the password, then sees only 南村
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    me = context.new_page()
    me.goto(f"{live_server.url}/login/")
    me.fill("input[name=username]", username)
    me.fill("input[name=password]", password)
    me.click("button[type=submit]")
    me.wait_for_load_state("networkidle")
    assert "/account/password/" in me.url and me.locator("#must-change").count() == 1
    _shot(me, "first-login-phone")
    me.goto(f"{live_server.url}/attendance/monthly/")
    assert "/account/password/" in me.url  # nothing else until the password is changed
    me.fill("input[name=old]", password)
    me.fill("input[name=new]", "Nancun#2026a")
    me.fill("input[name=new2]", "Nancun#2026a")
    me.click("main form button[type=submit]")
    me.wait_for_load_state("networkidle")
    me.goto(f"{live_server.url}/attendance/monthly/")
    body = me.content()
    assert "南村" in body and "青山镇 ·" not in body and "钱干部" not in body
    me.goto(f"{live_server.url}/org/people/")
    rows = me.locator("#people-rows").inner_text()
    assert "韩新书记" in rows and "孙支书" not in rows and "钱干部" not in rows
    _shot(me, "secretary-people-phone")
    context.close()
