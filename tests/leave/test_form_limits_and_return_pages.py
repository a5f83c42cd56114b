"""Issue 10 on the leave pages: refusals keep what was typed, text has length limits, an approved
leave can be cancelled before it starts or reported back early (LV-06)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from ganbu.leave.models import LeaveRequest, LeaveStatus


def test_lv_form_20000_character_reason_is_refused_naming_the_field_and_keeps_the_form(lv, login):
    client = login("team_1")
    reason = "家" * 20000
    resp = client.post("/leave/", {"kind": "personal", "start": "2024-03-04", "end": "2024-03-05", "reason": reason,
                                   "leaves_county": "on"})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "事由最多 500 字（现有 20000 字）" in html
    assert 'value="2024-03-04"' in html and 'value="2024-03-05"' in html and "checked" in html
    assert LeaveRequest.objects.count() == 0


def test_lv_api_long_reason_is_refused(lv, login):
    client = login("team_1")
    resp = client.post("/api/leave/submit", content_type="application/json", data=json.dumps(
        {"kind": "personal", "start": "2024-03-04", "end": "2024-03-05", "reason": "家" * 20000}))
    assert resp.status_code in (400, 422) and LeaveRequest.objects.count() == 0


@pytest.fixture
def running(submit, approve_all):
    """team_1's approved 4-day leave that started yesterday (the page works on today's date)."""
    start = timezone.localdate() - timedelta(days=1)
    req = submit("team_1", start=start, days=4)
    approve_all(req)
    return req


def test_lv_06_report_back_early_on_the_page_shortens_the_record(running, login):
    client = login("team_1")
    page = client.get(f"/leave/{running.pk}/").content.decode()
    assert "销假（可提前返岗）" in page and f'min="{running.start:%Y-%m-%d}"' in page
    today = timezone.localdate()
    resp = client.post(f"/leave/{running.pk}/cancel/", {"returned_on": f"{today:%Y-%m-%d}"}, follow=True)
    html = resp.content.decode()
    running.refresh_from_db()
    assert running.end == today - timedelta(days=1) and running.days == 1 and running.approved_days == 4
    assert "提前返岗" in html and "共 1 天" in html
    api = client.get(f"/api/leave/{running.pk}").json()
    assert api["end"] == f"{today - timedelta(days=1):%Y-%m-%d}" and api["days"] == "1" and api["approved_days"] == "4"


def test_lv_06_bad_return_date_keeps_the_note(running, login):
    client = login("team_1")
    resp = client.post(f"/leave/{running.pk}/cancel/", {"returned_on": "2020-01-01", "note": "提前完成事务"})
    html = resp.content.decode()
    assert resp.status_code == 400 and "返岗日期不能早于请假开始日期" in html and 'value="提前完成事务"' in html
    long = client.post(f"/leave/{running.pk}/cancel/", {"returned_on": f"{timezone.localdate():%Y-%m-%d}",
                                                        "note": "x" * 301})
    assert long.status_code == 400 and "说明最多 300 字" in long.content.decode()


def test_lv_06_office_records_the_return_from_the_detail_page(running, login):
    client = login("office")
    assert "登记返岗" in client.get(f"/leave/{running.pk}/").content.decode()
    resp = client.post(f"/leave/{running.pk}/cancel/", {"returned_on": f"{timezone.localdate():%Y-%m-%d}"})
    assert resp.status_code == 302
    running.refresh_from_db()
    assert running.status == LeaveStatus.CANCELLED and running.cancellation.recorded_by_office


def test_lv_06_cancel_a_future_approved_leave_from_the_page(submit, approve_all, login):
    req = submit("team_1", start=timezone.localdate() + timedelta(days=3), days=2)
    approve_all(req)
    client = login("team_1")
    page = client.get(f"/leave/{req.pk}/").content.decode()
    assert "取消这次请假" in page and "销假（可提前返岗）" not in page
    resp = client.post(f"/leave/{req.pk}/revoke/", {"reason": "工作安排变化"}, follow=True)
    req.refresh_from_db()
    assert req.status == LeaveStatus.REVOKED and "已取消请假" in resp.content.decode()
    assert date.today() < req.start
