"""The default-scope leak (issue 16, SEC-02): a page opened without naming an org is the user's own grant.

On main a village secretary who opened the attendance pages without ``?org=`` landed on his
township and saw every township cadre's attendance; naming the township answered 404.
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from ganbu.attendance import services

MON = date(2024, 3, 4)
OPEN = ["/attendance/monthly/?month=2024-03", "/attendance/sheet/?date=2024-03-04",
        "/attendance/monthly/export.xlsx?month=2024-03", "/api/attendance/monthly?month=2024-03"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", OPEN)
def test_sec_02_default_scope_is_the_village_secretarys_own_village(world, policies, clock, login, url):
    """Without ``org`` the village secretary sees 东村 only: no township cadre's name, in page, API or Excel."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    resp = login("village_secretary_a").get(url)
    assert resp.status_code == 200
    if "export.xlsx" in url:
        import io

        sheet = load_workbook(io.BytesIO(resp.content)).active
        text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    else:
        text = resp.content.decode()
    assert world.people.township_cadre.name not in text and world.people.office.name not in text
    assert world.people.first_secretary.name in text  # 东村's own stationed cadre is there
    # Naming the township is refused the same way as a missing id.
    named = login("village_secretary_a").get(url + f"&org={world.t1.pk}")
    assert named.status_code == 404


@pytest.mark.django_db
def test_sec_02_township_office_still_opens_on_his_township(world, policies, clock, login):
    """The township office (grant on 青山镇) still lands on 青山镇 and sees its cadres."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    html = login("office").get("/attendance/monthly/?month=2024-03").content.decode()
    assert world.people.township_cadre.name in html and world.people.first_secretary.name in html
