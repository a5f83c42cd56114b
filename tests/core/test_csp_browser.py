"""The Content-Security-Policy in a real browser (issue 17): htmx, the sign-in page's location
script and the page scripts run with no CSP violation; the Chinese 400 page for bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/i17-shots"


def test_pages_run_their_scripts_under_the_csp(browser_login, live_server, world, policies):
    page = browser_login("cadre_a", viewport={"width": 390, "height": 844})
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}{reverse('attendance:signin')}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object"  # htmx loaded and ran
    page.screenshot(path=f"{SHOTS}/signin-phone.png", full_page=True)
    page.goto(f"{live_server.url}{reverse('notices:board')}")
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_bad_input_page_is_chinese_and_names_the_field(browser, live_server, world, policies):
    from ganbu.notices import services
    from ganbu.notices.models import NoticeKind

    notice = services.notice_publish_with_policy(actor=world.users.office, org=world.t1,
                                                 kind=NoticeKind.POINTS_RANKING, key="csp:board", title="公示",
                                                 content={"text": "公示"})
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('notices:detail', args=[notice.pk])}")
    page.evaluate("""() => { const f = document.querySelector('form[method=post]');
        f.querySelector('[name=text]').value = '有误\\u0000'; f.submit(); }""")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    page.screenshot(path=f"{SHOTS}/bad-input-desktop.png", full_page=True)
    context.close()
    assert "输入有误" in text and "内容中含有不可见的控制字符" in text
