"""Issue 10, bug 3: every notice kind shows its rows on the public page, the poster and the circular
(PUB-01, PUB-03); a correction or a withdrawal is a new version with a reason the page shows (PUB-02)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from ganbu.notices import services
from ganbu.notices.models import NoticeVersion

pytestmark = pytest.mark.django_db
MARCH = date(2024, 3, 1)


def _pdf_text(resp) -> str:
    from pypdf import PdfReader

    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.content)).pages)


@pytest.fixture
def attendance_notice(world, policies):
    """The real monthly publication of 青山镇, March 2024: 周文书 absent 2 days, 赵办事 none."""
    from ganbu.attendance.models import MonthTally
    from ganbu.attendance.services import monthly_publish

    p = world.people
    MonthTally.objects.create(person=p.cadre_a, month=MARCH, org_path=world.village_a.path, county="330521",
                              days=21, present=19, absent=2)
    MonthTally.objects.create(person=p.office, month=MARCH, org_path=world.t1.path, county="330521",
                              days=21, present=21)
    return monthly_publish(actor=world.users.office, org=world.t1, month=MARCH)


def test_pub_01_monthly_attendance_notice_shows_its_rows_on_page_poster_and_circular(attendance_notice, client):
    """PUB-01/PUB-03: the monthly attendance notice lists every cadre with days and deductions, on the
    public page (a table with a row per person), the poster PDF and the circular PDF."""
    v = attendance_notice
    html = client.get(reverse("notices:detail", args=[v.pk])).content.decode()
    table = html[html.index('id="content"'):]
    assert "<th>姓名</th>" in table and "<th>缺勤</th>" in table and "<th>扣款（元）</th>" in table
    row = table[table.index("周文书"):]
    row = row[:row.index("</tr>")]
    assert ">2</td>" in row  # two absences
    assert "赵办事" in table and "本期没有需要公示的记录" not in html
    for name in ("poster", "circular"):
        text = _pdf_text(client.get(reverse(f"notices:{name}", args=[v.pk])))
        assert "周文书" in text and "赵办事" in text and "缺勤" in text, name


def test_pub_03_county_absenteeism_circular_shows_its_entries(world, policies, client):
    """PUB-03: the county-wide 旷工 circular the nightly job publishes lists each case (who, dates,
    days, measure) everywhere it appears, and shows no rule ID to the public."""
    from ganbu.cases.models import Case, Measure
    from ganbu.leave.services import _county_circular

    Case.objects.create(rule_id="LV-07", key="t:lv07:1", title="擅自超假 2 天", measure=Measure.WARNING_TALK,
                        subject=world.people.team_1, org_path=world.village_a.path,
                        facts={"person": "郑队员", "month": "2024-03", "from": "2024-03-11", "to": "2024-03-12",
                               "calendar_days": 2})
    _county_circular(world.county.path, "2024-03")
    v = NoticeVersion.objects.get(notice__key__startswith="leave-absenteeism:")
    html = client.get(reverse("notices:detail", args=[v.pk])).content.decode()
    content = html[html.index('id="content"'):]
    assert "郑队员" in content and "2024-03-11" in content and "谈话提醒" in content
    assert "LV-07" not in content.split('class="muted basis"')[0]
    for name in ("poster", "circular"):
        text = _pdf_text(client.get(reverse(f"notices:{name}", args=[v.pk])))
        assert "郑队员" in text and "2024-03-11" in text, name


def test_pub_02_republishing_the_same_content_makes_no_new_version(attendance_notice, world):
    """PUB-02: publishing the same month again changes nothing (no empty 'correction')."""
    from ganbu.attendance.services import monthly_publish

    again = monthly_publish(actor=world.users.office, org=world.t1, month=MARCH)
    assert again.pk == attendance_notice.pk and again.notice.versions.count() == 1


def test_pub_02_correction_is_a_new_version_with_its_reason_on_the_public_page(attendance_notice, world, client):
    """PUB-02: a change is a new version that states its reason; the page shows it and version 1 says it
    was corrected; version 1's content is untouched."""
    from ganbu.attendance.models import MonthTally
    from ganbu.attendance.services import monthly_publish

    MonthTally.objects.create(person=world.people.team_1, month=MARCH, org_path=world.village_a.path,
                              county="330521", days=21, present=20, absent=1)
    v2 = monthly_publish(actor=world.users.office, org=world.t1, month=MARCH)
    assert v2.version == 2 and v2.reason  # the republish states what changed
    given = services.notice_publish(actor=world.users.office, org=world.t1, kind=v2.notice.kind, key=v2.notice.key,
                                    title=v2.notice.title, content={"text": "更正后"}, reason="郑队员 3 月 5 日实为出差")
    assert given.version == 3 and given.reason == "郑队员 3 月 5 日实为出差"
    html = client.get(reverse("notices:detail", args=[given.pk])).content.decode()
    assert "郑队员 3 月 5 日实为出差" in html and v2.reason in html
    old = client.get(reverse("notices:detail", args=[attendance_notice.pk])).content.decode()
    assert 'id="superseded"' in old and "周文书" in old


def test_pub_02_withdrawal_is_a_new_version_with_a_reason_and_needs_one(attendance_notice, world, client, login):
    """PUB-02: the office withdraws only with a reason (confirm page first); the public page of the
    notice says it was withdrawn and why; the board moves it to the archive; earlier versions stay."""
    office = login("office")
    url = reverse("notices:withdraw", args=[attendance_notice.notice_id])
    page = office.get(url).content.decode()
    assert "确认撤回" in page and "第 2 版" in page
    refused = office.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "撤回公示须填写理由" in refused.content.decode()
    assert attendance_notice.notice.versions.count() == 1
    office.post(url, {"reason": "统计口径有误，待核实后重新发布"})
    withdrawal = attendance_notice.notice.versions.get(version=2)
    assert withdrawal.withdrawn and withdrawal.reason == "统计口径有误，待核实后重新发布"
    client.logout()
    html = client.get(reverse("notices:detail", args=[withdrawal.pk])).content.decode()
    assert 'id="withdrawn"' in html and "统计口径有误" in html
    assert "统计口径有误" in client.get(reverse("notices:detail", args=[attendance_notice.pk])).content.decode()
    assert attendance_notice.notice.title not in client.get(reverse("notices:board")).content.decode()
    archive = client.get(reverse("notices:board"), {"archived": "1"}).content.decode()
    assert attendance_notice.notice.title in archive and "已撤回" in archive
    assert client.get(reverse("notices:poster", args=[withdrawal.pk])).status_code == 404
    with pytest.raises(ValueError, match=services.ALREADY_WITHDRAWN):
        services.notice_withdraw(actor=world.users.office, notice=attendance_notice.notice, reason="再撤一次")
