"""Pages and API: parse, one service, render; outsiders get the same 404 as a missing ID."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from ganbu.core.access import NOT_FOUND
from ganbu.leave.models import LeaveRequest, StepStatus

from .conftest import MONDAY


@pytest.fixture
def approved(submit, approve_all):
    req = submit("team_1", days=4)
    approve_all(req)
    return req


def _routes(pk: int, step_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"/leave/{pk}/", {}),
        ("post", f"/leave/{pk}/decide/", {"step": step_id, "decision": "approve"}),
        ("post", f"/leave/{pk}/withdraw/", {}),
        ("post", f"/leave/{pk}/cancel/", {"returned_on": "2024-03-08"}),
        ("post", f"/leave/{pk}/cancel/confirm/", {}),
        ("post", f"/leave/{pk}/revoke/", {}),
        ("get", f"/leave/{pk}/pdf/", {}),
        ("get", f"/api/leave/{pk}", {}),
        ("post", f"/api/leave/{pk}/steps/{step_id}/decide", {"approve": True}),
        ("post", f"/api/leave/{pk}/cancel", {"returned_on": "2024-03-08"}),
        ("post", f"/api/leave/{pk}/revoke", {}),
    ]


def test_outsider_gets_same_404_as_missing_id_on_every_route(approved, login, lv):
    client = login("outsider")
    step_id = approved.steps.first().pk
    for (method, url, data), (_, missing, _) in zip(_routes(approved.pk, step_id), _routes(999999, step_id),
                                                    strict=True):
        kw: dict = {"data": data}
        if url.startswith("/api/"):
            kw = {"content_type": "application/json", "data": json.dumps(data)} if method == "post" else {}
        got = getattr(client, method)(url, **kw)
        none = getattr(client, method)(missing, **kw)
        assert got.status_code == none.status_code == 404, url
        if url.startswith("/api/"):
            assert got.json() == none.json() == {"detail": NOT_FOUND}
    approved.refresh_from_db()
    assert approved.status == "approved" and approved.steps.filter(decided_by=lv.users.outsider).count() == 0


def test_anonymous_is_sent_to_login(client, lv):
    for url in ("/leave/", "/leave/inbox/", "/leave/standin/", "/leave/preview/"):
        assert client.get(url).status_code == 302


def test_outsider_inbox_and_api_list_show_nothing_of_village_a(submit, login):
    submit("team_1", days=4)
    client = login("outsider")
    assert "郑队员" not in client.get("/leave/inbox/").content.decode()
    assert client.get("/api/leave/mine").json() == []


def test_lv_03_preview_shows_chain_before_submission(lv, login):
    client = login("team_1")
    resp = client.post("/leave/preview/", {"kind": "personal", "start": "2024-03-04", "end": "2024-03-07"})
    html = resp.content.decode()
    assert resp.status_code == 200
    for label in ("驻村第一书记签字同意", "村党支部审批", "乡镇党委审批", "县乡村振兴局", "县委组织部负责同志"):
        assert label in html
    assert "超过3天、不超过5天" in html and "县委分管副书记" not in html
    assert not LeaveRequest.objects.exists()


def test_bad_input_end_before_start_on_page(lv, login):
    client = login("team_1")
    resp = client.post("/leave/", {"kind": "personal", "start": "2024-03-07", "end": "2024-03-04", "reason": "事"})
    assert resp.status_code == 400 and "结束日期不能早于开始日期" in resp.content.decode()
    resp = client.post("/leave/", {"kind": "personal", "start": "2024-13-07", "end": "2024-03-04", "reason": "事"})
    assert resp.status_code == 400 and "日期格式应为 YYYY-MM-DD" in resp.content.decode()
    assert not LeaveRequest.objects.exists()


def test_bad_input_overlapping_approved_leave_on_page_and_api(approved, login):
    client = login("team_1")
    resp = client.post("/leave/", {"kind": "sick", "start": "2024-03-06", "end": "2024-03-08", "reason": "病"})
    assert resp.status_code == 400 and "时间重叠" in resp.content.decode()
    api = client.post("/api/leave/submit", data=json.dumps({"kind": "sick", "start": "2024-03-05",
                                                            "end": "2024-03-05", "reason": "病"}),
                      content_type="application/json")
    assert api.status_code == 400 and "时间重叠" in api.json()["errors"]["start"]
    assert LeaveRequest.objects.count() == 1


def test_submit_page_then_inbox_and_decide(lv, login):
    client = login("team_1")
    resp = client.post("/leave/", {"kind": "personal", "start": "2024-03-04", "end": "2024-03-05", "reason": "家事"})
    req = LeaveRequest.objects.get()
    assert resp.status_code == 302 and resp.url == f"/leave/{req.pk}/"
    client = login("first_secretary")
    assert "郑队员" in client.get("/leave/inbox/").content.decode()
    step = req.steps.get(status=StepStatus.PENDING)
    resp = client.post(f"/leave/{req.pk}/decide/", {"step": step.pk, "decision": "reject"})
    assert resp.status_code == 400 and "不同意时请填写意见" in resp.content.decode()
    client.post(f"/leave/{req.pk}/decide/", {"step": step.pk, "decision": "approve", "comment": "同意"})
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED and step.decided_by == lv.users.first_secretary


def test_api_submit_list_decide(lv, login):
    client = login("team_1")
    resp = client.post("/api/leave/submit", data=json.dumps({"kind": "annual", "start": "2024-03-04",
                                                             "end": "2024-03-04", "reason": "年休"}),
                       content_type="application/json")
    body = resp.json()
    assert resp.status_code == 200 and body["steps"][0]["role"] == "first_secretary" and body["days"] == "1"
    assert [r["id"] for r in client.get("/api/leave/mine").json()] == [body["id"]]
    client = login("first_secretary")
    resp = client.post(f"/api/leave/{body['id']}/steps/{body['steps'][0]['id']}/decide",
                       data=json.dumps({"approve": True, "comment": "好"}), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["steps"][0]["status"] == "approved"
    again = client.post(f"/api/leave/{body['id']}/steps/{body['steps'][0]['id']}/decide",
                        data=json.dumps({"approve": True}), content_type="application/json")
    assert again.status_code == 400 and again.json()["errors"]["__all__"] == "该环节已由他人处理，请刷新后查看"


def test_lv_09_stand_in_page(lv, login):
    client = login("township_secretary")
    resp = client.post("/leave/standin/", {"stand_in": lv.users.township_secretary.pk,
                                           "start": "2024-03-04", "end": "2024-03-05"})
    assert resp.status_code == 400 and "代理人不能是本人" in resp.content.decode()
    resp = client.post("/leave/standin/", {"stand_in": lv.users.township_head.pk,
                                           "start": "2024-03-04", "end": "2024-03-05", "reason": "学习"})
    assert resp.status_code == 302
    assert lv.users.township_secretary.stand_ins.get().stand_in == lv.users.township_head


def test_lv_06_cancel_page(approved, login, lv):
    client = login("team_1")
    resp = client.post(f"/leave/{approved.pk}/cancel/", {"returned_on": "2024-03-02"})
    assert resp.status_code == 400 and "返岗日期不能早于请假开始日期" in resp.content.decode()
    resp = client.post(f"/leave/{approved.pk}/cancel/", {"returned_on": (MONDAY + timedelta(days=4)).isoformat()})
    assert resp.status_code == 302
    approved.refresh_from_db()
    assert approved.status == "cancelled" and approved.cancellation.late  # 2024 leave cancelled today: late


def test_lv_05_override_on_page_by_township_secretary(submit, approve_all, lv, login):
    approve_all(submit("team_2", days=2))
    refused = login("team_1").post("/leave/", {"kind": "personal", "start": "2024-03-04", "end": "2024-03-05",
                                               "reason": "事"})
    assert refused.status_code == 400 and "2024-03-04" in refused.content.decode()
    client = login("township_secretary")
    assert "郑队员" in client.get("/leave/").content.decode()
    resp = client.post("/leave/", {"person": lv.people.team_1.pk, "kind": "personal", "start": "2024-03-04",
                                   "end": "2024-03-05", "reason": "事", "override_reason": "家有急事，特批"})
    assert resp.status_code == 302
    req = LeaveRequest.objects.get(person=lv.people.team_1)
    assert req.override_reason == "家有急事，特批" and req.overridden_by == lv.users.township_secretary
    # the outsider cannot file for a cadre outside his scope
    other = login("outsider").post("/leave/", {"person": lv.people.team_2.pk, "kind": "personal",
                                                "start": "2024-04-01", "end": "2024-04-01", "reason": "事"})
    assert other.status_code == 404


def test_lv_02_weekend_in_county_needs_no_request_but_leaving_county_does(lv, login):
    client = login("team_1")
    sat = {"kind": "personal", "start": "2024-03-09", "end": "2024-03-10"}
    assert "无需请假" in client.post("/leave/preview/", sat).content.decode()
    html = client.post("/leave/preview/", {**sat, "leaves_county": "on"}).content.decode()
    assert "无需请假" not in html and "村党支部审批" in html
    assert "无需请假" not in client.post("/leave/preview/", {"kind": "personal", "start": "2024-03-08",
                                                            "end": "2024-03-08"}).content.decode()


def test_lv_06_authority_confirms_cancellation_on_page(approved, login, lv):
    client = login("team_1")
    client.post(f"/leave/{approved.pk}/cancel/", {"returned_on": "2024-03-08"})
    assert "确认销假" not in login("village_secretary_a").get(f"/leave/{approved.pk}/").content.decode()
    assert "郑队员" not in login("village_secretary_a").get("/leave/inbox/").content.decode()
    client = login("county_org")
    assert "郑队员" in client.get("/leave/inbox/").content.decode()
    assert "确认销假" in client.get(f"/leave/{approved.pk}/").content.decode()
    client.post(f"/leave/{approved.pk}/cancel/confirm/")
    approved.refresh_from_db()
    assert approved.cancellation.approved_by == lv.users.county_org


def test_outsider_cannot_preview_for_someone_else(lv, login):
    client = login("outsider")
    got = client.post("/leave/preview/", {"person": lv.people.team_1.pk, "start": "2024-03-04", "end": "2024-03-05"})
    none = client.post("/leave/preview/", {"person": 999999, "start": "2024-03-04", "end": "2024-03-05"})
    assert got.status_code == none.status_code == 404


def test_lv_06_cancel_through_api(approved, login):
    client = login("team_1")
    bad = client.post(f"/api/leave/{approved.pk}/cancel", data=json.dumps({"returned_on": "2024-03-01"}),
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["returned_on"] == "返岗日期不能早于请假开始日期"
    ok = client.post(f"/api/leave/{approved.pk}/cancel", data=json.dumps({"returned_on": "2024-03-08"}),
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["deadline"] == "2024-03-08" and ok.json()["overstay_days"] == "0"
