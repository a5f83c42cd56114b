"""回避 in cases (DSC-01/02): the township secretary neither closes his own case nor answers his own appeal.

Found by the issue-16 crawl: ``cases.services`` checked the permission on the path, not who the
case is about. Each test fails on the main of 2026-12-01.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ganbu.cases import services
from ganbu.cases.models import Appeal, Case
from ganbu.core.findings import Finding
from ganbu.core.recusal import RECUSED, RecusalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_case(world, policies):
    """An absenteeism case about the township secretary himself, to be handled by township secretaries."""
    from ganbu.core.models import PolicyVersion

    person = world.people.township_secretary
    pv = PolicyVersion.objects.get(org=world.t1, module="attendance", status="adopted")
    case, _ = services.case_open_from_finding(finding=Finding(
        rule_id="ATT-06", key=f"ATT-06:{person.pk}:test", title="王书记：旷工", measure="admonishment_talk",
        facts={"旷工天数": 3}, subject_person_id=person.pk, org_path=person.org_path,
        due=timezone.localdate() + timedelta(days=15), policy_version_id=pv.pk, policy_ref=pv.title,
        acting_role="township_secretary"))
    return case


def test_recusal_dsc_01_subject_cannot_act_on_or_close_his_own_case(world, own_case, login):
    """DSC-01 + 回避: the service refuses the subject; the page hides the buttons and names the county."""
    with pytest.raises(RecusalError):
        services.case_close(actor=world.users.township_secretary, case=own_case, decision="不予处理")
    with pytest.raises(RecusalError):
        services.case_act(actor=world.users.township_secretary, case=own_case, note="已了解")
    client = login("township_secretary")
    resp = client.post(reverse("cases:act", args=[own_case.pk]), {"action": "close", "decision": "不予处理"},
                       follow=True)
    own_case.refresh_from_db()
    assert own_case.status == Case.Status.OPEN and RECUSED in resp.content.decode()
    html = client.get(reverse("cases:detail", args=[own_case.pk])).content.decode()
    assert 'value="close"' not in html and "依规回避" in html and "示范县县委组织部" in html
    # The next authority (the county) closes it; another township leader may too.
    services.case_close(actor=world.users.county_org, case=own_case, decision="诫勉谈话")
    own_case.refresh_from_db()
    assert own_case.status == Case.Status.CLOSED and own_case.closed_by == world.users.county_org


def test_recusal_dsc_02_subject_cannot_answer_his_own_appeal(world, own_case, login):
    """DSC-02 + 回避: the secretary appeals his case; he cannot uphold his own appeal, the county can."""
    me = world.users.township_secretary
    appeal = services.appeal_file(actor=me, target=services.case_appeal_target(own_case), reason="当日在县里开会")
    with pytest.raises(RecusalError):
        services.appeal_answer(actor=me, appeal=appeal, status=Appeal.Status.UPHELD, answer="成立")
    client = login("township_secretary")
    client.post(reverse("cases:appeal_answer", args=[appeal.pk]), {"status": "upheld", "answer": "成立"})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.FILED
    html = client.get(reverse("cases:appeal_detail", args=[appeal.pk])).content.decode()
    assert 'name="answer"' not in html and "依规回避" in html
    services.appeal_answer(actor=world.users.county_org, appeal=appeal, status=Appeal.Status.REJECTED,
                           answer="维持")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED and RECUSED
