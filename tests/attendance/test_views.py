"""Attendance pages, exports and API: scope, outsider refusal, fixed query counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganbu.attendance import rules, services
from ganbu.attendance.models import DayStatus, Meeting, SignIn
from ganbu.core.access import NOT_FOUND

from .conftest import at

MON = date(2024, 3, 4)


def _statuses(world, people, days):
    pv = services.resolve(world.t1.path, MON).version_id
    DayStatus.objects.bulk_create([
        DayStatus(person=p, date=d, status="absent" if (i + d.day) % 5 == 0 else "present", org_path=p.org_path,
                  county="330521", policy_version_id=pv) for i, p in enumerate(people) for d in days])
    services.tally_refresh(org_path=world.t1.path, month=days[0])


def test_att_01_signin_page_and_post(world, policies, clock, login):
    """ATT-01: the phone page signs the cadre in; after the cut-off it refuses with the Chinese message."""
    client = login("township_cadre")
    page = client.get(reverse("attendance:signin"))
    assert page.status_code == 200 and "签到" in page.content.decode()
    resp = client.post(reverse("attendance:signin"), {"lat": "30.1", "lng": "120.1", "coord_system": "wgs84"})
    assert resp.status_code == 302
    sign = SignIn.objects.get(person=world.people.township_cadre)
    assert sign.latitude == pytest.approx(30.1) and sign.distance_m is not None
    assert "今日已签到" in client.get(reverse("attendance:signin")).content.decode()
    clock.set(at(2024, 3, 4, 9, 0))
    late = login("office").post(reverse("attendance:signin"), {})
    assert late.status_code == 400
    assert rules.SIGNIN_CLOSED.format(cutoff="08:30") in late.content.decode()
    assert not SignIn.objects.filter(person=world.people.office).exists()


def test_att_01_json_api_signin_is_idempotent(world, policies, clock, login):
    """ATT-01/ATT-03: POST /api/attendance/signin creates once (201), repeats answer 200, late → 400."""
    client = login("township_cadre")
    url = "/api/attendance/signin"
    first = client.post(url, {"lat": 30.1, "lng": 120.1, "coord_system": "gcj02"}, content_type="application/json")
    assert first.status_code == 201 and first.json()["created"] is True
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clock.set(at(2024, 3, 4, 8, 45))
    late = login("office").post(url, {}, content_type="application/json")
    assert late.status_code == 400 and late.json()["detail"] == rules.SIGNIN_CLOSED.format(cutoff="08:30")
    assert SignIn.objects.count() == 1


def test_att_05_monthly_page_query_count_does_not_grow_with_cadres(world, policies, clock, login,
                                                                   django_assert_num_queries, calendar):
    """ATT-05: the township's monthly page runs a fixed number of queries whatever the number of cadres."""
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.services import person_create, post_start

    days = list(calendar.workdays(date(2024, 3, 1), date(2024, 3, 31)))
    _statuses(world, [world.people.township_cadre, world.people.office], days)
    client = login("office")
    url = f"{reverse('attendance:monthly')}?org={world.t1.pk}&month=2024-03"
    client.get(url)  # warm caches (calendar, policy)
    with CaptureQueriesContext(connection) as few:
        resp = client.get(url)
    assert resp.status_code == 200
    more = []
    for i in range(25):
        person = person_create(actor=None, org=world.village_c if i % 2 else world.t1, name=f"新干部{i:02d}",
                               gender="M", birth_date=date(1985, 1, 1),
                               id_number=make_id_number("330521", date(1985, 1, 1), 500 + i, True),
                               category="civil_servant")
        post_start(actor=None, person=person, org=person.org, title="township_cadre", start=date(2024, 1, 1),
                   safety_duty="安全")
        more.append(person)
    _statuses(world, more, days)
    with django_assert_num_queries(len(few.captured_queries)):
        resp = client.get(url)
    body = resp.content.decode()
    assert "新干部24" in body and "新干部00" in body


def test_att_05_excel_and_pdf_exports_contain_the_names(world, policies, clock, login, calendar):
    """ATT-05/RPT-01: Excel export and the PDF register (signature and stamp boxes, CJK font embedded)."""
    from pypdf import PdfReader

    from ganbu.reports.excel import read_rows

    _statuses(world, [world.people.township_cadre, world.people.office],
              list(calendar.workdays(date(2024, 3, 1), date(2024, 3, 31))))
    client = login("office")
    q = f"?org={world.t1.pk}&month=2024-03"
    xlsx = client.get(reverse("attendance:monthly_xlsx") + q)
    assert xlsx.status_code == 200
    rows = next(iter(read_rows(xlsx.content, "m.xlsx").values()))
    names = {r[0] for r in rows}
    assert {"钱干部", "赵办事"} <= names
    pdf = client.get(reverse("attendance:monthly_pdf") + q)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "钱干部" in text and "赵办事" in text and "盖章" in text and "镇党委书记（签字）" in text
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font.get("/BaseFont")))
            for desc in font.get("/DescendantFonts") or []:
                fd = desc.get_object().get("/FontDescriptor")
                if fd is not None:
                    fd = fd.get_object()
                    assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("CJK" in f for f in fonts), fonts


def test_att_05_publish_from_the_page(world, policies, clock, login):
    """ATT-05: the office publishes the month to the public notice board."""
    from ganbu.notices.models import NoticeVersion

    client = login("office")
    # the first POST only shows what will be published (issue 10: one click never does irreversible work)
    resp = client.post(reverse("attendance:monthly_publish"), {"org": world.t1.pk, "month": "2024-03"})
    assert resp.status_code == 200 and "将在公示栏公开发布" in resp.content.decode()
    assert not NoticeVersion.objects.exists()
    resp = client.post(reverse("attendance:monthly_publish"), {"org": world.t1.pk, "month": "2024-03", "confirm": "1"})
    assert resp.status_code == 302
    assert NoticeVersion.objects.filter(notice__key=f"attendance:{world.t1.path}:2024-03").count() == 1


def _routes(world, meeting_pk, day_pk):
    t1 = world.t1.pk
    return [
        ("get", reverse("attendance:monthly"), {"org": t1}),
        ("get", reverse("attendance:monthly_xlsx"), {"org": t1}),
        ("get", reverse("attendance:monthly_pdf"), {"org": t1}),
        ("post", reverse("attendance:monthly_publish"), {"org": t1}),
        ("get", reverse("attendance:sheet"), {"org": t1}),
        ("post", reverse("attendance:stamp"), {"org": t1, "date": "2024-03-04"}),
        ("get", reverse("attendance:proxy"), {"org": t1}),
        ("get", reverse("attendance:qr"), {"org": t1}),
        ("get", reverse("attendance:duty"), {"org": t1}),
        ("get", reverse("attendance:meetings"), {"org": t1}),
        ("get", reverse("attendance:stationed"), {"org": t1}),
        ("get", "/api/attendance/monthly", {"org": t1}),
        ("get", reverse("attendance:meeting", args=[meeting_pk]), {}),
        ("post", reverse("attendance:correct", args=[day_pk]), {"status": "present", "reason": "x"}),
        ("post", reverse("attendance:spot_check"), {"person": world.people.team_1.pk, "method": "phone_call",
                                                    "result": "present"}),
        ("post", reverse("attendance:evidence"), {"person": world.people.township_cadre.pk, "kind": "trip",
                                                  "start": "2024-03-04"}),
    ]


def _missing(method, url, data, meeting_pk, day_pk):
    data = dict(data)
    for key in ("org", "person"):
        if key in data:
            data[key] = 999999
    url = url.replace(f"/{meeting_pk}/", "/999999/").replace(f"/{day_pk}/", "/999999/")
    return url, data


def test_sec_02_outsider_refused_on_every_attendance_route(world, policies, clock, login):
    """ATT-*/SEC-02: the outsider (village B) gets the same 404 as a nonexistent ID on every route."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    meeting = services.meeting_create(actor=world.users.office, org=world.t1, kind="study", title="学习", on=MON)
    day = DayStatus.objects.filter(person=world.people.township_cadre).first()
    client = login("outsider")
    for method, url, data in _routes(world, meeting.pk, day.pk):
        resp = getattr(client, method)(url, data)
        murl, mdata = _missing(method, url, data, meeting.pk, day.pk)
        missing = getattr(client, method)(murl, mdata)
        assert resp.status_code == 404 == missing.status_code, (url, resp.status_code, missing.status_code)
        if not url.startswith("/api/"):
            assert NOT_FOUND in resp.content.decode() or resp.content == missing.content, url
    assert DayStatus.objects.get(pk=day.pk).status == day.status and not Meeting.objects.filter(held=True).exists()


def test_sec_02_office_sees_every_route(world, policies, clock, login):
    """The township office reaches each of its pages (the outsider test is not vacuous)."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    meeting = services.meeting_create(actor=world.users.office, org=world.t1, kind="study", title="学习", on=MON)
    day = DayStatus.objects.filter(person=world.people.township_cadre).first()
    client = login("office")
    for method, url, data in _routes(world, meeting.pk, day.pk):
        if method == "get":
            resp = client.get(url, data)
            assert resp.status_code == 200, url
    secretary = login("township_secretary")
    assert secretary.get(reverse("attendance:stationed"), {"org": world.t1.pk}).status_code == 200


def test_duty_01_and_mtg_pages_render_gaps_and_overdue(world, policies, clock, login):
    """DUTY-01: the duty page shows the coming gap; MTG-02: a scheduled meeting not held is overdue."""
    client = login("office")
    body = client.get(reverse("attendance:duty")).content.decode()
    assert "值班缺口" in body
    resp = client.post(reverse("attendance:duty"), {"org": world.t1.pk, "person": world.people.office.pk,
                                                    "start": "2024-03-04T10:00", "end": "2024-03-04T09:00"})
    assert resp.status_code == 302
    from ganbu.attendance.models import DutySlot

    assert not DutySlot.objects.exists()
    services.meetings_schedule(org=world.t1, today=date(2024, 2, 26))
    clock.set(at(2024, 3, 20, 9))
    body = client.get(reverse("attendance:meetings")).content.decode()
    assert "逾期未召开" in body


def test_att_03_correction_page_refuses_without_reason(world, policies, clock, login):
    """ATT-03: the page refuses a correction without a reason, shows the Chinese error, changes nothing."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    day = DayStatus.objects.get(person=world.people.township_cadre, date=MON)
    client = login("office")
    resp = client.post(reverse("attendance:correct", args=[day.pk]), {"status": "leave", "reason": ""}, follow=True)
    assert services.REASON_REQUIRED in resp.content.decode()
    assert DayStatus.objects.get(pk=day.pk).status == "absent"
    client.post(reverse("attendance:correct", args=[day.pk]), {"status": "leave", "reason": "补交假条"})
    assert DayStatus.objects.get(pk=day.pk).status == "leave"


def test_att_04_evidence_upload_from_the_phone_page_rejects_wrong_type(world, policies, clock, login):
    """ATT-04 bad input: uploading a non-document as a meeting notice shows the Chinese error; nothing stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ganbu.attendance.models import Evidence
    from ganbu.core.attachments import WRONG_TYPE

    client = login("township_cadre")
    bad = SimpleUploadedFile("notice.pdf", b"GIF89a nope", content_type="application/pdf")
    resp = client.post(reverse("attendance:evidence"), {"kind": "meeting", "start": "2024-03-04", "end": "2024-03-04",
                                                       "file": bad}, follow=True)
    assert WRONG_TYPE in resp.content.decode() and not Evidence.objects.exists()
    good = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    client.post(reverse("attendance:evidence"), {"kind": "meeting", "start": "2024-03-04", "end": "2024-03-04",
                                                "file": good})
    assert Evidence.objects.filter(person=world.people.township_cadre, kind="meeting").count() == 1


def test_mtg_01_cadre_files_weekly_report_from_the_meeting_page(world, policies, clock, login):
    """MTG-01: a township cadre with no office role opens his township's regular meeting and files his
    report (last period's work, this week's plan, suggestions); the outsider cannot open it."""
    from ganbu.attendance.models import WeeklyReport

    m = services.meeting_create(actor=world.users.office, org=world.t1, kind="regular", title="隔周例会", on=MON)
    client = login("township_cadre")
    assert "隔周例会" in client.get(reverse("attendance:meetings")).content.decode()
    assert client.get(reverse("attendance:meeting", args=[m.pk])).status_code == 200
    client.post(reverse("attendance:meeting", args=[m.pk]), {"action": "report", "last_work": "走访农户8户",
                                                             "plan": "推进项目", "suggestions": "无"})
    report = WeeklyReport.objects.get(meeting=m, person=world.people.township_cadre)
    assert (report.last_work, report.plan) == ("走访农户8户", "推进项目")
    resp = client.post(reverse("attendance:meeting", args=[m.pk]), {"p1": "present"})  # not a manager
    assert resp.status_code == 404 and not m.attendance.exists()
    assert login("outsider").get(reverse("attendance:meeting", args=[m.pk])).status_code == 404


def test_att_09_qr_policy_sign_in_with_the_office_code(world, policies, clock, login):
    """ATT-09: under the QR policy the office shows a rotating code; signing in needs the current
    one: a stale code is refused, the shown one works."""
    from django.conf import settings

    from ganbu.core.policy import policy_adopt, policy_save_draft

    draft = policy_save_draft(actor=None, org=world.t1, module="attendance", title="扫码签到",
                              period_start=date(2024, 3, 1), params={"proof_mode": "qr", "case_due_days": 15})
    policy_adopt(actor=None, version=draft)
    office_page = login("office").get(reverse("attendance:qr"), {"org": world.t1.pk})
    token = office_page.context["token"]
    assert office_page.status_code == 200 and "<svg" in office_page.content.decode()
    cadre = login("township_cadre")
    stale = rules.qr_token(settings.SECRET_KEY, world.t1.path, rules.qr_window(at(2024, 3, 4, 7).timestamp(), 60))
    resp = cadre.post(reverse("attendance:signin"), {"qr": stale})
    assert resp.status_code == 400 and rules.QR_INVALID in resp.content.decode()
    assert f'value="{token}"' in cadre.get(reverse("attendance:signin"), {"qr": token}).content.decode()
    assert cadre.post(reverse("attendance:signin"), {"qr": token}).status_code == 302
    assert SignIn.objects.get(person=world.people.township_cadre).proof == "qr"


def test_att_02_proxy_page_records_who_signed_and_who_authorised(world, policies, clock, login):
    """ATT-02: the office's 代签 page signs for a cadre only with a principal leader chosen."""
    client = login("office")
    page = client.get(reverse("attendance:proxy"), {"org": world.t1.pk})
    assert page.status_code == 200 and "王书记" in page.content.decode()
    resp = client.post(reverse("attendance:proxy"), {"org": world.t1.pk, "person": world.people.township_cadre.pk,
                                                     "authorised_by": ""}, follow=True)
    assert services.PROXY_NEEDS_AUTHORISER in resp.content.decode() and not SignIn.objects.exists()
    client.post(reverse("attendance:proxy"), {"org": world.t1.pk, "person": world.people.township_cadre.pk,
                                              "authorised_by": world.users.township_head.pk})
    sign = SignIn.objects.get(person=world.people.township_cadre)
    assert sign.proxy_by == world.users.office and sign.authorised_by == world.users.township_head
    assert login("outsider").post(reverse("attendance:proxy"), {"org": world.t1.pk}).status_code == 404


def test_att_05_api_monthly_in_scope(world, policies, clock, login):
    """ATT-05: GET /api/attendance/monthly gives the office its township's rows, with the deduction."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    resp = login("office").get("/api/attendance/monthly", {"org": world.t1.pk, "month": "2024-03"})
    assert resp.status_code == 200
    rows = {r["name"]: r for r in resp.json()}
    assert rows["钱干部"]["absent"] == 1 and rows["钱干部"]["deduction"] == "20.00"
    bad = login("office").get("/api/attendance/monthly", {"org": world.t1.pk, "month": "2024/03"})
    assert bad.status_code == 400 and bad.json()["detail"]


def test_att_07_printed_table_shows_signature_hash_and_stamp(world, policies, clock, login):
    """ATT-07: the printed monthly table carries the secretary's electronic signature (signer, time,
    content hash) and the stamp box; after a change it prints as not validly signed."""
    from pypdf import PdfReader

    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    table = services.stationed_table_sign(actor=world.users.township_secretary, org=world.t1, month=MON)
    client = login("office")
    url = reverse("attendance:stationed_pdf")
    resp = client.get(url, {"org": world.t1.pk, "month": "2024-03"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages).replace("\n", "")
    assert "郑队员" in text and "王书记" in text and table.content_hash[:16] in text and "盖章" in text
    day = DayStatus.objects.get(person=world.people.team_1, date=MON)
    services.daystatus_correct(actor=world.users.office, day=day, status="leave", reason="补交假条")
    resp = client.get(url, {"org": world.t1.pk, "month": "2024-03"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    assert "签字已失效" in text
    assert login("outsider").get(url, {"org": world.t1.pk, "month": "2024-03"}).status_code == 404


def test_att_03_no_policy_gives_a_chinese_message_not_a_crash(world, clock, login):
    """ATT-03/POL-01: with no adopted attendance policy, pages and sign-in say so in Chinese (no 500)."""
    cadre = login("township_cadre")
    resp = cadre.post(reverse("attendance:signin"), {})
    assert resp.status_code == 400 and services.NO_POLICY in resp.content.decode()
    assert not SignIn.objects.exists()
    office = login("office")
    for name in ("attendance:monthly", "attendance:duty", "attendance:stationed"):
        resp = office.get(reverse(name), {"org": world.t1.pk})
        assert resp.status_code == 400 and services.NO_POLICY in resp.content.decode(), name
    resp = office.get(reverse("attendance:monthly"), {"org": world.t1.pk, "month": "2024-13"})
    assert resp.status_code == 400


def test_att_04_cadre_sees_his_own_month_on_the_phone_page(world, policies, clock, login):
    """ATT-04: the cadre sees each closed day of his month and what it counted as."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    clock.set(at(2024, 3, 5, 8, 0))
    body = login("township_cadre").get(reverse("attendance:signin")).content.decode()
    assert 'id="my-month"' in body
    assert '<td class=" absent" data-date="2024-03-04"><span class="d">4</span><span class="s">缺勤</span>' in body


def test_att_03_day_sheet_lists_who_has_not_signed(world, policies, clock, login):
    """ATT-03: the office's day sheet shows who signed (and how) and who has not yet."""
    services.signin_record(actor=world.users.office, person=world.people.office, at=at(2024, 3, 4, 8, 0))
    resp = login("office").get(reverse("attendance:sheet"), {"org": world.t1.pk, "date": "2024-03-04"})
    missing = [p.name for p in resp.context["missing"]]
    assert "钱干部" in missing and "郑队员" in missing and "赵办事" not in missing


def test_att_05_monthly_rows_escape_names():
    """ATT-05: the monthly table body is built in Python for speed; names and org names stay escaped."""
    from datetime import date
    from decimal import Decimal

    from ganbu.attendance.queries import MonthlyRow, MonthlyStats
    from ganbu.attendance.views import _rows_html

    stats = MonthlyStats(org=None, month=date(2025, 6, 1), half_start=date(2025, 1, 1), rate=Decimal("20"),
                         policy_ref="", policy_version_id=None)
    stats.rows = [MonthlyRow(1, "<b>张三</b>", "330521100201", "东村&", days=21, present=20, absent=1,
                             deduction=Decimal("20.00"))]
    html = _rows_html(stats)
    assert "<b>" not in html and "&lt;b&gt;张三&lt;/b&gt;" in html and "东村&amp;" in html
    assert '<td class="num">21</td><td class="num">20</td>' in html and "20.00" in html
