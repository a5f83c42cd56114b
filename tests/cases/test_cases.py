"""Cases (DSC-01) and appeals (DSC-02): pages, services, API, access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ganbu.cases import services
from ganbu.cases.models import Appeal, Case, CaseAction
from ganbu.core.findings import Finding

pytestmark = pytest.mark.django_db
MISSING = 999999


@pytest.fixture
def case(world, policies):
    from ganbu.core.models import PolicyVersion

    pv = PolicyVersion.objects.get(org=world.t1, module="points", status="adopted")
    finding = Finding(rule_id="PTS-06", key=f"PTS-06:{world.people.cadre_a.pk}:test", title="周文书：积分触发警示",
                      measure="warning_talk", facts={"扣分": "45.0", "名次": 2},
                      subject_person_id=world.people.cadre_a.pk, org_path=world.people.cadre_a.org_path,
                      due=timezone.localdate() + timedelta(days=15), policy_version_id=pv.pk, policy_ref=pv.title,
                      acting_role="township_secretary")
    c, created = services.case_open_from_finding(finding=finding)
    assert created
    return c


def test_dsc_01_case_detail_shows_rule_policy_facts_and_measure(world, case, login):
    """DSC-01: the case names the rule and policy version that fired, the facts, the proposed measure."""
    html = login("township_secretary").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "PTS-06" in html and case.policy_ref in html and f"版本编号 {case.policy_version_id}" in html
    assert "45.0" in html and "谈话提醒" in html and case.due.isoformat() in html


def test_dsc_01_case_opening_is_idempotent(world, case):
    """DSC-01: re-evaluating the same finding returns the same case."""
    again, created = services.case_open_from_finding(finding=Finding(
        rule_id="PTS-06", key=case.key, title="x", measure="warning_talk"))
    assert not created and again.pk == case.pk and Case.objects.count() == 1


def test_dsc_01_person_acts_and_closes_with_decision(world, case, login):
    """DSC-01: a person acts on the case and closes it; closing needs a decision."""
    client = login("township_secretary")
    client.post(reverse("cases:act", args=[case.pk]), {"action": "act", "note": "已约谈"})
    resp = client.post(reverse("cases:act", args=[case.pk]), {"action": "close", "decision": ""}, follow=True)
    assert services.CLOSE_NEEDS_DECISION in resp.content.decode()
    client.post(reverse("cases:act", args=[case.pk]), {"action": "close", "decision": "谈话提醒已完成"})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_by == world.users.township_secretary
    assert list(CaseAction.objects.filter(case=case).values_list("action", flat=True)) == ["act", "close"]


def test_dsc_01_overdue_cases_are_flagged_in_the_list(world, case, login):
    """DSC-01: an open case past its due date is flagged overdue."""
    Case.objects.filter(pk=case.pk).update(due=timezone.localdate() - timedelta(days=1))
    html = login("township_secretary").get(reverse("cases:list")).content.decode()
    assert "已逾期" in html and case.title in html
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert "已逾期" not in login("township_secretary").get(reverse("cases:list")).content.decode()


def test_dsc_02_subject_sees_why_and_appeals_within_period_answer_kept(world, case, login, client):
    """DSC-02: the cadre sees the case, appeals within the period; the answer is kept."""
    me = login("cadre_a")
    assert case.title in me.get(reverse("cases:list")).content.decode()
    me.post(reverse("cases:appeal"), {"case": case.pk, "reason": "扣分有误"})
    appeal = Appeal.objects.get(case=case)
    assert appeal.person == world.people.cadre_a and appeal.deadline == timezone.localdate() + timedelta(days=7)
    client.force_login(world.users.township_secretary)
    client.post(reverse("cases:appeal_answer", args=[appeal.pk]), {"status": "rejected", "answer": "经核实，维持"})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED and appeal.answer == "经核实，维持"
    client.force_login(world.users.cadre_a)
    assert "经核实，维持" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_dsc_02_late_appeal_refused_in_chinese_nothing_written(world, case, login):
    """DSC-02: an appeal after the policy's period is refused with a Chinese error."""
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=8))
    resp = login("cadre_a").post(reverse("cases:appeal"), {"case": case.pk, "reason": "太晚了"}, follow=True)
    assert "已超过申诉期限" in resp.content.decode()
    assert Appeal.objects.count() == 0
    # the 7th day is still inside ("N天内" includes the N-th day)
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=7))
    login("cadre_a").post(reverse("cases:appeal"), {"case": case.pk, "reason": "第7天"})
    assert Appeal.objects.count() == 1


def test_dsc_02_only_the_subject_may_appeal(world, case):
    """DSC-02: someone else cannot appeal on the cadre's behalf."""
    with pytest.raises(ValueError, match=services.APPEAL_NOT_SUBJECT):
        services.appeal_file(actor=world.users.village_secretary_a, target=services.case_appeal_target(case),
                             reason="代申诉")


def test_outsider_refused_on_every_cases_route(world, case, login):
    """SEC-02: the outsider gets the same 404 as for a nonexistent ID; lists and API hide the case."""
    me = login("cadre_a")
    me.post(reverse("cases:appeal"), {"case": case.pk, "reason": "东村扣分有误"})
    appeal = Appeal.objects.get()
    c = login("outsider")
    for name, args, method, data in [
        ("cases:detail", [case.pk], "get", {}), ("cases:act", [case.pk], "post", {"action": "act", "note": "x"}),
        ("cases:appeal_detail", [appeal.pk], "get", {}),
        ("cases:appeal_answer", [appeal.pk], "post", {"status": "upheld", "answer": "x"}),
    ]:
        call = c.post if method == "post" else c.get
        real, missing = call(reverse(name, args=args), data), call(reverse(name, args=[MISSING]), data)
        assert real.status_code == missing.status_code == 404, name
        assert real.content == missing.content, name
    assert c.post(reverse("cases:appeal"), {"case": case.pk, "reason": "x"}).status_code == 404
    assert c.post(reverse("cases:appeal"), {"object_type": "point_cycle", "object_id": MISSING,
                                            "reason": "x"}).status_code == 404
    assert case.title not in c.get(reverse("cases:list")).content.decode()
    assert appeal.reason not in c.get(reverse("cases:appeals")).content.decode()
    assert c.get(f"/api/cases/{case.pk}").status_code == 404
    assert c.post(f"/api/cases/{case.pk}/appeal", {"reason": "x"}, content_type="application/json").status_code == 404
    assert c.get("/api/cases/").json() == []
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_dsc_02_api_appeal_late_is_refused(world, case, login):
    """DSC-02 through the API: same service, same Chinese error."""
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=30))
    r = login("cadre_a").post(f"/api/cases/{case.pk}/appeal", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 400 and "已超过申诉期限" in r.json()["detail"]
