"""Zero 500s on bad input in leave (issue 17): a non-numeric step id, a 100,000-character
comment, a submit key racing into the unique index — each a Chinese 400 naming the field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganbu.leave import services
from ganbu.leave.models import LeaveRequest

pytestmark = pytest.mark.django_db


def test_non_numeric_step_id_is_a_chinese_400_naming_the_step(lv, submit, client):
    req = submit("cadre_a")
    client.force_login(lv.users.village_secretary_a)
    client.raise_request_exception = False
    for bad in ("abc", "二", "99999999999999999999999", "1\x00"):
        resp = client.post(reverse("leave:decide", args=[req.pk]), {"step": bad, "decision": "approve"})
        assert resp.status_code == 400, (bad, resp.status_code)
        assert "审批环节" in resp.content.decode()


def test_a_100000_character_comment_is_refused_naming_the_field(lv, submit, client):
    req = submit("cadre_a")
    step = req.steps.first()
    client.force_login(lv.users.village_secretary_a)
    resp = client.post(reverse("leave:decide", args=[req.pk]),
                       {"step": step.pk, "decision": "reject", "comment": "长" * 100_000})
    assert resp.status_code == 400
    assert "意见过长" in resp.content.decode()
    step.refresh_from_db()
    assert step.status == "pending"


def test_api_comment_past_its_max_length_is_a_chinese_400(lv, submit, client):
    req = submit("cadre_a")
    step = req.steps.first()
    client.force_login(lv.users.village_secretary_a)
    resp = client.post(f"/api/leave/{req.pk}/steps/{step.pk}/decide", {"approve": False, "comment": "x" * 5000},
                       content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["fields"]["comment"] == ["过长"]


def test_another_persons_submit_key_never_returns_their_request(lv, submit):
    """A submit key already used by someone else: the unique index refuses it, and the answer is a
    Chinese error naming the key, never the other person's request."""
    theirs = submit("cadre_a", submit_key="k" * 32)
    with pytest.raises(services.LeaveError) as exc:
        submit("team_1", submit_key="k" * 32)
    assert "submit_key" in exc.value.errors
    assert LeaveRequest.objects.filter(submit_key="k" * 32).get() == theirs
