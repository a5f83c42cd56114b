"""Browser journey: the township office opens village 东村 from the tree and sees its cadres."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_opens_village_from_tree_and_sees_cadres(browser_login, live_server):
    page = browser_login("office", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/org/")
    page.get_by_role("link", name="东村", exact=True).click()
    page.wait_for_load_state("networkidle")
    cadres = page.locator("#cadres")
    assert page.locator("h1").inner_text().startswith("东村")
    for name in ("孙支书", "周文书", "吴第一书记"):
        assert cadres.get_by_text(name).count() >= 1
