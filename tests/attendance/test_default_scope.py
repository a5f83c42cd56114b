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


@pytest.mark.django_db
def test_sec_02_meeting_page_shows_a_cadre_only_his_own_row_and_report(world, policies, clock, login):
    """A cadre sees the meeting, his own attendance and report; the township leaders see everyone's."""
    u = world.users
    m = services.meeting_create(actor=u.office, org=world.t1, kind="regular", title="例会", on=MON)
    services.meeting_attendance_record(actor=u.office, meeting=m, minutes="例会记录", statuses={
        world.people.township_cadre.pk: "present", world.people.township_head.pk: "absent"})
    services.weekly_report_submit(actor=u.township_head, meeting=m, last_work="镇长对王书记的意见", plan="督查")
    services.weekly_report_submit(actor=u.township_cadre, meeting=m, last_work="走访5户", plan="整理台账")
    html = login("township_cadre").get(f"/attendance/meetings/{m.pk}/").content.decode()
    assert "走访5户" in html and "镇长对王书记的意见" not in html
    assert world.people.township_head.name not in html.split("<main")[1]
    html = login("township_secretary").get(f"/attendance/meetings/{m.pk}/").content.decode()
    assert "走访5户" in html and "镇长对王书记的意见" in html and world.people.township_head.name in html


@pytest.mark.django_db
def test_sec_02_evidence_upload_does_not_redirect_off_site(world, policies, clock, login):
    """The evidence upload follows ``next`` only within the site (no open redirect)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("township_cadre")
    for nxt, expected in (("https://evil.example/x", "/attendance/signin/"), ("//evil.example", "/attendance/signin/"),
                          ("/attendance/monthly/", "/attendance/monthly/")):
        resp = client.post("/attendance/evidence/", {
            "kind": "meeting", "start": "2024-03-04", "end": "2024-03-04", "next": nxt,
            "file": SimpleUploadedFile("n.pdf", b"%PDF-1.4 x", content_type="application/pdf")})
        assert resp.status_code == 302 and resp["Location"] == expected
