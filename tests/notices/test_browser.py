"""Issue 10 must-show journeys in real Chromium: a visitor reads the published attendance notice with
its rows and files an objection that waits for moderation; the office exports the month to Excel
(numbers that sum) and PDF (opens in a new tab)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/i10b-shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
MARCH = date(2024, 3, 1)


@pytest.fixture
def march(world, policies):
    from ganbu.attendance.models import MonthTally
    from ganbu.attendance.services import monthly_publish

    p = world.people
    for person, org, absent in ((p.cadre_a, world.village_a, 2), (p.office, world.t1, 0),
                                (p.township_cadre, world.t1, 1), (p.village_secretary_a, world.village_a, 0)):
        MonthTally.objects.create(person=person, month=MARCH, org_path=org.path, county="330521", days=21,
                                  present=21 - absent, absent=absent)
    return monthly_publish(actor=world.users.office, org=world.t1, month=MARCH)


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_pub_01_pub_04_visitor_reads_the_rows_and_objects_the_objection_waits_for_the_office(
        march, browser, browser_login, live_server):
    """PUB-01/PUB-04: on a phone, without signing in, the visitor opens the board, reads the monthly
    notice's table (every cadre with absences), files an objection: it is not shown until the office
    answers it from its page; then the objection and the reply are public."""
    visitor = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    visitor.goto(f"{live_server.url}/public/")
    visitor.click(f"text={march.notice.title}")
    table = visitor.inner_text("#content table")
    assert "周文书" in table and "钱干部" in table and "缺勤" in table
    _shot(visitor, "notice-phone")
    visitor.fill("textarea[name=text]", "周文书3月12日在县里开会，不应记缺勤，电话13912345678")
    visitor.click("button:has-text('提交异议')")
    visitor.wait_for_selector("text=经办公室审核后")
    assert "不应记缺勤" not in visitor.inner_text("#objections")
    _shot(visitor, "objection-filed-phone")

    office = browser_login("office", viewport=DESKTOP)
    office.goto(f"{live_server.url}/public/manage/")
    pending = office.inner_text("#pending-objections")
    assert "不应记缺勤" in pending and "13912345678" not in pending and "139****5678" in pending
    _shot(office, "moderation-desktop")
    office.fill("#pending-objections textarea[name=answer]", "已核实会议通知，下月公示更正")
    office.click("button:has-text('答复并公开')")
    office.wait_for_selector("text=异议和答复已在公示页公开")

    visitor.reload()
    shown = visitor.inner_text("#objections")
    assert "不应记缺勤" in shown and "已核实会议通知" in shown
    _shot(visitor, "objection-answered-phone")
    visitor.context.close()


def test_rpt_01_rpt_02_office_exports_the_month_to_excel_that_sums_and_pdf_in_a_new_tab(
        march, world, browser_login, live_server):
    """RPT-01/RPT-02: the office downloads the month: the Excel 扣款 column holds numbers whose sum is the
    合计 row; the PDF register opens in a new tab and carries every name and the signature boxes."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    page = browser_login("office", viewport=DESKTOP)
    page.goto(f"{live_server.url}/attendance/monthly/?org={world.t1.pk}&month=2024-03")
    _shot(page, "monthly-desktop")
    with page.expect_download() as dl:
        page.click("#export-xlsx")
    ws = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()), data_only=True).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "姓名")
    col = header.index("扣款(元)")
    body = [r for r in rows[rows.index(header) + 1:] if r[0] not in (None, "合计")]
    total = next(r for r in rows if r[0] == "合计")
    assert all(isinstance(r[col], int | float) for r in body)
    assert Decimal(str(total[col])) == sum(Decimal(str(r[col])) for r in body) > 0
    assert page.get_attribute("#export-pdf", "target") == "_blank"
    resp = page.context.request.get(f"{live_server.url}{page.get_attribute('#export-pdf', 'href')}")
    assert resp.ok and resp.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.body())).pages)
    assert "周文书" in text and "钱干部" in text and "盖章" in text

    phone = browser_login("office", viewport=PHONE)
    phone.goto(f"{live_server.url}/attendance/monthly/?org={world.t1.pk}&month=2024-03")
    _shot(phone, "monthly-phone")
