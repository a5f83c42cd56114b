"""Issue 10: the sign-in page tells the truth before the tap, the geofence is enforced and flagged in
words, a cadre sees his month and asks for a 补签, and irreversible office acts preview first
(ATT-03, ATT-04, ATT-09)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ganbu.attendance import rules, services
from ganbu.attendance.models import CorrectionRequest, DaySheet, DayStatus, SignIn
from ganbu.core.models import Notification

from .conftest import at

OFFICE = (30.1, 120.1)  # 青山镇's office in the test county
FAR = (30.1 + 36 / 111.2, 120.1)  # ~36 km due north


def _page(login, who="township_cadre"):
    return login(who).get(reverse("attendance:signin")).content.decode()


def test_att_03_button_is_enabled_before_and_disabled_after_the_cutoff(world, policies, clock, login):
    clock.set(at(2024, 3, 4, 8, 29))
    html = _page(login)
    assert 'id="signin-button"' in html and "disabled" not in html.split('id="signin-button"')[1].split(">")[0]
    clock.set(at(2024, 3, 4, 8, 31))
    html = _page(login)
    button = html.split('id="signin-button"')[1].split("</button>")[0]
    assert "disabled" in button and "暂不能签到" in button
    assert rules.SIGNIN_CLOSED.format(cutoff="08:30") in html


def test_att_03_button_is_disabled_on_a_non_working_day(world, policies, clock, login):
    clock.set(at(2024, 3, 9, 8, 0))  # Saturday
    html = _page(login)
    assert rules.SIGNIN_NOT_WORKDAY in html and "disabled" in html.split('id="signin-button"')[1].split(">")[0]


def test_att_09_geofence_refuses_a_sign_in_36_km_away(world, policies, clock):
    services.attendance_policy_use_geofence(actor=world.users.township_secretary, org=world.t1, on=date(2024, 3, 1))
    office, user = world.people.office, world.users.office
    with pytest.raises(services.AttendanceError) as e:
        services.signin_record(actor=user, person=office, at=at(2024, 3, 4, 8, 0), lat=FAR[0], lng=FAR[1])
    assert "距离约 3" in e.value.text and "允许 500 米" in e.value.text
    with pytest.raises(services.AttendanceError, match="定位"):
        services.signin_record(actor=user, person=office, at=at(2024, 3, 4, 8, 0))
    assert not SignIn.objects.exists()
    record, created = services.signin_record(actor=user, person=office, at=at(2024, 3, 4, 8, 0),
                                             lat=OFFICE[0] + 0.001, lng=OFFICE[1])
    assert created and record.proof == "geofence" and record.distance_m < 500


def test_att_09_office_sheet_flags_a_distance_outside_the_fence_in_words(world, policies, clock, login):
    """Where the geofence is not enforced a far sign-in is kept, and the sheet says so in words."""
    services.signin_record(actor=world.users.office, person=world.people.office, at=at(2024, 3, 4, 8, 0),
                           lat=FAR[0], lng=FAR[1])
    services.signin_record(actor=world.users.township_cadre, person=world.people.township_cadre,
                           at=at(2024, 3, 4, 8, 1), lat=OFFICE[0], lng=OFFICE[1])
    html = login("office").get(reverse("attendance:sheet"), {"org": world.t1.pk, "date": "2024-03-04"}).content.decode()
    assert "超出围栏：距办公地点约 36.0 公里（允许 500 米），本镇未强制定位" in html
    assert "在围栏内（约 0 米）" in html


def _ask(world, day, reason="忘记签到，当天在镇里开会", **kw):
    return services.correction_request_submit(actor=world.users.township_cadre, person=world.people.township_cadre,
                                               day=day, reason=reason, **kw)


def test_att_03_correction_request_goes_to_the_office_inbox_and_is_capped_per_month(
        world, policies, clock, django_capture_on_commit_callbacks):
    clock.set(at(2024, 3, 20, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        first = _ask(world, date(2024, 3, 4),
                     upload=SimpleUploadedFile("通知.pdf", b"%PDF-1.4 test", content_type="application/pdf"))
    assert first.evidence is not None
    assert Notification.objects.filter(user=world.users.office, key=f"correction-request:{first.pk}").exists()
    _ask(world, date(2024, 3, 5))
    _ask(world, date(2024, 3, 6))
    with pytest.raises(services.AttendanceError) as e:  # the S0 preset's cap (not from the source): 3 a month
        _ask(world, date(2024, 3, 7))
    assert e.value.text == services.CR_CAP.format(cap=3)
    with pytest.raises(services.AttendanceError, match="不是工作日"):
        _ask(world, date(2024, 3, 9))
    with pytest.raises(services.AttendanceError, match="今天以后"):
        _ask(world, date(2024, 3, 21))
    assert CorrectionRequest.objects.count() == 3


def test_att_03_office_approves_a_correction_request_and_nobody_approves_his_own(world, policies, clock):
    services.day_close(actor=world.users.office, org=world.t1, on=date(2024, 3, 4))
    clock.set(at(2024, 3, 5, 9, 0))
    req = _ask(world, date(2024, 3, 4))
    services.correction_request_decide(actor=world.users.office, request=req, approve=True)
    day = DayStatus.objects.get(person=world.people.township_cadre, date=date(2024, 3, 4))
    assert day.status == "present" and day.corrected and "补签申请" in day.note
    own = services.correction_request_submit(actor=world.users.office, person=world.people.office,
                                             day=date(2024, 3, 4), reason="忘记签到")
    with pytest.raises(services.AttendanceError, match="回避"):
        services.correction_request_decide(actor=world.users.office, request=own, approve=True)
    with pytest.raises(services.AttendanceError, match="不同意时请填写意见"):
        services.correction_request_decide(actor=world.users.township_secretary, request=own, approve=False)
    services.correction_request_decide(actor=world.users.township_secretary, request=own, approve=False,
                                       note="当天无会议记录")
    own.refresh_from_db()
    assert own.status == "refused" and own.decided_by == world.users.township_secretary


def test_att_03_correction_request_page_keeps_what_was_typed_when_refused(world, policies, clock, login):
    clock.set(at(2024, 3, 20, 9, 0))
    client = login("township_cadre")
    resp = client.post(reverse("attendance:correction_request"),
                       {"date": "2024-03-09", "wanted": "meeting", "reason": "周六加班开会"})
    html = resp.content.decode()
    assert resp.status_code == 400 and services.CR_NOT_WORKDAY in html
    assert 'value="2024-03-09"' in html and 'value="周六加班开会"' in html and 'value="meeting" selected' in html
    long = client.post(reverse("attendance:correction_request"), {"date": "2024-03-04", "wanted": "present",
                                                                  "reason": "理" * 20000})
    assert long.status_code == 400 and "理由最多 300 字（现有 20000 字）" in long.content.decode()
    ok = client.post(reverse("attendance:correction_request"), {"date": "2024-03-04", "wanted": "present",
                                                                "reason": "手机没电未能签到"})
    assert ok.status_code == 302 and CorrectionRequest.objects.count() == 1
    page = login("office").get(reverse("attendance:corrections")).content.decode()
    assert "手机没电未能签到" in page and "钱干部" in page


def test_att_04_day_close_shows_what_it_will_record_then_confirms(world, policies, clock, login):
    """Issue 10: 日结 first says how many will be absent and the deduction, then the confirm writes."""
    services.signin_record(actor=world.users.office, person=world.people.office, at=at(2024, 3, 4, 8, 0))
    client = login("office")
    data = {"org": world.t1.pk, "date": "2024-03-04", "action": "close"}
    resp = client.post(reverse("attendance:stamp"), data)
    html = resp.content.decode()
    assert resp.status_code == 200 and "人将记为缺勤，扣款合计" in html and not DayStatus.objects.exists()
    n, money = re.search(r"(\d+) 人将记为缺勤，扣款合计 ([\d.]+) 元", html).groups()
    client.post(reverse("attendance:stamp"), {**data, "confirm": "1"})
    assert DayStatus.objects.filter(date=date(2024, 3, 4), status="absent").count() == int(n)
    assert float(money) == 20 * int(n)


def test_att_03_stamping_shows_what_it_freezes_then_confirms(world, policies, clock, login):
    client = login("office")
    data = {"org": world.t1.pk, "date": "2024-03-04", "action": "stamp"}
    html = client.post(reverse("attendance:stamp"), data).content.decode()
    assert "盖章停签后 03月04日 不能再签到" in html and not DaySheet.objects.filter(stamped_at__isnull=False).exists()
    client.post(reverse("attendance:stamp"), {**data, "confirm": "1"})
    assert DaySheet.objects.filter(stamped_at__isnull=False).count() == 1


def test_att_text_fields_are_limited_with_chinese_messages_not_database_errors(world, policies, clock, login):
    """Issue 10 (forms): over-long text is refused naming the field, nothing half-written, never a 500."""
    from ganbu.attendance.models import Meeting

    resp = login("office").post(reverse("attendance:meetings"), {"org": world.t1.pk, "kind": "other",
                                                                 "title": "会" * 20000, "date": "2024-03-04"},
                                follow=True)
    assert resp.status_code == 200 and "会议名称最多 200 字（现有 20000 字）" in resp.content.decode()
    assert not Meeting.objects.exists()
    services.day_close(actor=world.users.office, org=world.t1, on=date(2024, 3, 4))
    day = DayStatus.objects.filter(date=date(2024, 3, 4)).first()
    with pytest.raises(services.AttendanceError, match="更正理由最多 300 字"):
        services.daystatus_correct(actor=world.users.office, day=day, status="present", reason="理" * 301)


def test_att_03_outsider_gets_404_on_correction_pages(world, policies, clock, login):
    clock.set(at(2024, 3, 5, 9, 0))
    req = _ask(world, date(2024, 3, 4), upload=SimpleUploadedFile("证明.pdf", b"%PDF-1.4", content_type="application/pdf"))
    client = login("outsider")
    assert client.get(reverse("attendance:corrections")).status_code == 404
    assert client.post(reverse("attendance:corrections"), {"request": req.pk, "decision": "approve"}).status_code == 404
    assert client.get(reverse("attendance:correction_evidence", args=[req.pk])).status_code == 404
    assert client.get(reverse("attendance:correction_evidence", args=[999999])).status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"
