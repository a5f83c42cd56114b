"""Two journeys in real Chromium: a cadre signs in on a phone; the office exports the month."""

from __future__ import annotations

import io
from datetime import date

import pytest
from playwright.sync_api import expect

from ganbu.attendance import services
from ganbu.attendance.models import DayStatus, SignIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_att_01_cadre_signs_in_on_a_phone(world, policies, clock, browser_login, live_server):
    """ATT-01/ATT-09: on a phone-sized screen the cadre taps 签到; the phone's location is recorded."""
    page = browser_login("township_cadre", viewport={"width": 390, "height": 844},
                         geolocation={"latitude": 30.1003, "longitude": 120.1004}, permissions=["geolocation"])
    page.goto(f"{live_server.url}/attendance/signin/")
    expect(page.locator("#lat")).not_to_have_value("")  # no string eval: the CSP forbids it
    button = page.get_by_role("button", name="签到")
    box = button.bounding_box()
    assert box and box["width"] > 300  # thumb-sized on a 390px screen
    button.click()
    page.wait_for_selector("#signin-done")
    assert "签到成功" in page.content()
    sign = SignIn.objects.get(person=world.people.township_cadre)
    assert sign.latitude == pytest.approx(30.1003) and sign.distance_m < 100


def test_att_05_office_exports_monthly_sheet_to_excel_and_pdf(world, policies, clock, browser_login, live_server,
                                                              calendar):
    """ATT-05/RPT-01: the office opens the month and downloads Excel and the PDF register with the names."""
    from pypdf import PdfReader

    from ganbu.reports.excel import read_rows

    pv = services.resolve(world.t1.path, date(2024, 3, 4)).version_id
    people = [world.people.township_cadre, world.people.office]
    DayStatus.objects.bulk_create([
        DayStatus(person=p, date=d, status="present", org_path=p.org_path, county="330521", policy_version_id=pv)
        for p in people for d in calendar.workdays(date(2024, 3, 1), date(2024, 3, 31))])
    services.tally_refresh(org_path=world.t1.path, month=date(2024, 3, 1))
    page = browser_login("office")
    page.goto(f"{live_server.url}/attendance/monthly/?org={world.t1.pk}&month=2024-03")
    assert "钱干部" in page.inner_text("#monthly-table")
    with page.expect_download() as dl:
        page.click("#export-xlsx")
    rows = next(iter(read_rows(open(dl.value.path(), "rb").read(), "m.xlsx").values()))
    assert {"钱干部", "赵办事"} <= {r[0] for r in rows}
    href = page.get_attribute("#export-pdf", "href")
    resp = page.context.request.get(f"{live_server.url}{href}")
    assert resp.ok and resp.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.body())).pages)
    assert "钱干部" in text and "赵办事" in text


def test_att_03_att_09_phone_sign_in_before_the_cutoff_then_disabled_after_it(world, policies, clock, browser_login,
                                                                             live_server):
    """ATT-03/ATT-09 (issue 10): with the geofence on, the cadre signs in at 08:10 from the office on a
    390×844 phone; at 08:31 another cadre's button is disabled and says why before any tap."""
    services.attendance_policy_use_geofence(actor=world.users.township_secretary, org=world.t1, on=date(2024, 1, 1))
    clock.set(services.timezone.make_aware(services.datetime(2024, 3, 4, 8, 10)))
    phone = {"viewport": {"width": 390, "height": 844}, "geolocation": {"latitude": 30.1003, "longitude": 120.1004},
             "permissions": ["geolocation"]}
    page = browser_login("township_cadre", **phone)
    page.goto(f"{live_server.url}/attendance/signin/")
    expect(page.locator("#lat")).not_to_have_value("")  # no string eval: the CSP forbids it
    assert page.is_enabled("#signin-button")
    page.screenshot(path="/tmp/i10a-shots/signin-before-cutoff-phone.png", full_page=True)
    page.click("#signin-button")
    page.wait_for_selector("#signin-done")
    assert SignIn.objects.get(person=world.people.township_cadre).proof == "geofence"
    page.screenshot(path="/tmp/i10a-shots/signin-done-phone.png", full_page=True)

    clock.set(services.timezone.make_aware(services.datetime(2024, 3, 4, 8, 31)))
    late = browser_login("office", **phone)
    late.goto(f"{live_server.url}/attendance/signin/")
    assert not late.is_enabled("#signin-button")
    assert "签到已截止（08:30）" in late.inner_text("#signin-closed")
    assert late.inner_text("#signin-button") == "暂不能签到"
    assert "4" in late.inner_text("#my-month")
    late.screenshot(path="/tmp/i10a-shots/signin-after-cutoff-phone.png", full_page=True)
    assert not SignIn.objects.filter(person=world.people.office).exists()


def test_att_03_cadre_asks_for_a_correction_and_the_office_approves_it(world, policies, clock, browser_login,
                                                                        live_server):
    """ATT-03 (issue 10): a 补签申请 from the phone calendar reaches the office's inbox page; another
    authorised person approves it; the sheet flags a far sign-in in words."""
    services.day_close(actor=world.users.office, org=world.t1, on=date(2024, 3, 4))
    clock.set(services.timezone.make_aware(services.datetime(2024, 3, 5, 8, 5)))
    services.signin_record(actor=world.users.office, person=world.people.office, lat=30.1 + 36 / 111.2, lng=120.1)
    cadre = browser_login("township_cadre", viewport={"width": 390, "height": 844})
    cadre.goto(f"{live_server.url}/attendance/signin/")
    cadre.click("#correction summary")
    cadre.fill("#correction-form input[name=date]", "2024-03-04")
    cadre.fill("#correction-form input[name=reason]", "在村里处理信访，忘记签到")
    cadre.click("#correction-form button[type=submit]")
    cadre.wait_for_load_state("networkidle")
    assert "补签申请已提交" in cadre.content() and "补签待审核" in cadre.inner_text("#my-month")
    cadre.screenshot(path="/tmp/i10a-shots/correction-requested-phone.png", full_page=True)
    office = browser_login("office", viewport={"width": 1366, "height": 900})
    office.goto(f"{live_server.url}/attendance/sheet/?org={world.t1.pk}&date=2024-03-05")
    assert "超出围栏：距办公地点约 36.0 公里" in office.inner_text("#signins")
    office.screenshot(path="/tmp/i10a-shots/sheet-geofence-words-desktop.png", full_page=True)
    office.click("text=补签申请（1 件待审核）")
    office.click("#requests button[value=approve]")
    office.wait_for_load_state("networkidle")
    assert DayStatus.objects.get(person=world.people.township_cadre, date=date(2024, 3, 4)).status == "present"
    office.screenshot(path="/tmp/i10a-shots/corrections-office-desktop.png", full_page=True)
