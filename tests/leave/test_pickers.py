"""Pickers, not ids (issue 10 bug 11, issue 16): handover and stand-in chosen by a scoped search.

On main the handover field accepted any person id and printed that person's name (an id → name
oracle across the county) and the stand-in form said whether a user name existed and notified
any user of the county.
"""

from __future__ import annotations

import pytest

from ganbu.core.models import Notification
from ganbu.leave.models import LeaveRequest
from ganbu.org.queries import HANDOVER_NOT_ALLOWED

pytestmark = pytest.mark.django_db


def _leave(handover):
    return {"kind": "personal", "start": "2024-03-04", "end": "2024-03-05", "reason": "家中有事",
            "handover": handover, "submit_key": f"k{handover}"}


def test_handover_outside_the_applicants_township_is_refused_without_naming_him(lv, login):
    """The first secretary of 东村 may name 郑队员 (same township), not 陈外村 (绿水镇)."""
    client = login("first_secretary")
    outsider = lv.people.outsider
    resp = client.post("/leave/", _leave(outsider.pk))
    html = resp.content.decode()
    assert resp.status_code == 400 and HANDOVER_NOT_ALLOWED in html and outsider.name not in html
    assert not LeaveRequest.objects.exists()
    resp = client.post("/leave/", _leave(lv.people.team_1.pk))
    assert resp.status_code == 302 and LeaveRequest.objects.get().handover == lv.people.team_1
    # The API refuses the same way.
    from ganbu.org.tokens import token_issue

    api = client.post("/api/leave/submit", content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token_issue(lv.users.first_secretary)}",
                      data={"kind": "personal", "start": "2024-04-01", "end": "2024-04-02", "reason": "x",
                            "handover_id": outsider.pk})
    assert api.status_code == 400 and outsider.name not in api.content.decode()


def test_stand_in_is_picked_within_the_approvers_scope(lv, login):
    """The form takes a user id from the picker; an out-of-scope or missing user gets the same answer
    and nobody is notified."""
    client = login("township_secretary")
    before = Notification.objects.count()
    answers = []
    for target in (lv.users.outsider.pk, 999999, "b_secretary"):
        resp = client.post("/leave/standin/", {"stand_in": target, "start": "2024-03-04", "end": "2024-03-05"})
        assert resp.status_code == 400
        answers.append(resp.content.decode().split('id="form-errors"')[1][:80])
    assert len(set(answers)) == 1 and Notification.objects.count() == before
    resp = client.post("/leave/standin/", {"stand_in": lv.users.township_head.pk, "start": "2024-03-04",
                                           "end": "2024-03-05"})
    assert resp.status_code == 302


def test_picker_search_answers_within_scope_by_name_unit_and_post(lv, login):
    """The picker finds by name, unit or post title, only within the caller's scope."""
    client = login("first_secretary")
    got = client.get("/org/people/search/", {"for": "handover", "q": "队员"}).json()["results"]
    labels = [r["label"] for r in got]
    assert any("郑队员" in x for x in labels) and any("冯队员" in x for x in labels)
    assert client.get("/org/people/search/", {"for": "handover", "q": "陈外村"}).json()["results"] == []
    # by post title: every first secretary in the county, for the county org department
    county = login("county_org")
    got = county.get("/org/people/search/", {"for": "person", "q": "驻村第一书记"}).json()["results"]
    assert [r["id"] for r in got] == [lv.people.first_secretary.pk]
    got = county.get("/org/people/search/", {"for": "person", "q": "东村"}).json()["results"]
    assert len(got) >= 5
    # stand-in: users in the approver's scope, not the outsider of 绿水镇
    sec = login("township_secretary")
    ids = [r["id"] for r in sec.get("/org/people/search/", {"for": "standin", "q": "镇"}).json()["results"]]
    assert lv.users.township_head.pk in ids and lv.users.outsider.pk not in ids
    assert sec.get("/org/people/search/", {"for": "standin", "q": "陈外村"}).json()["results"] == []
    assert sec.get("/org/people/search/", {"for": "nope", "q": "x"}).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_handover_picker_in_the_browser(browser_login, live_server, lv):
    """The first secretary types part of a name, picks 郑队员 from his township's people, and the hidden
    field carries the id (phone-sized)."""
    import os

    page = browser_login("first_secretary", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/leave/")
    page.fill(".picker .picker-q", "队员")
    page.locator(".picker-option", has_text="郑队员").click()
    assert page.input_value("input[name=handover]") == str(lv.people.team_1.pk)
    assert "已选：郑队员" in page.locator(".picker-chosen").inner_text()
    page.fill(".picker .picker-q", "陈外村")
    page.wait_for_selector(".picker-results .picker-none")
    os.makedirs("/tmp/i16-shots", exist_ok=True)
    page.screenshot(path="/tmp/i16-shots/leave-picker-phone.png", full_page=True)
    assert page.locator(".picker-option").count() == 0
