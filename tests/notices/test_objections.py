"""Issue 10, bug 8: public objections are moderated (PUB-04). Length limit and per-address rate limit
from the notices policy; nothing shows before the office replies; IDs and phones are masked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.notices import services
from ganbu.notices.models import NoticeKind, Objection

pytestmark = pytest.mark.django_db
ID = "330521198001011234"
PHONE = "13912345678"


@pytest.fixture
def notice(world, policies):
    return services.notice_publish_with_policy(
        actor=world.users.office, org=world.t1, kind=NoticeKind.POINTS_RANKING, key="test:obj",
        title="青山镇积分排名公示", content={"columns": ["名次", "姓名"], "rows": [[1, "周文书"]]})



def test_pub_04_objection_waits_for_the_office_then_shows_with_its_public_reply(world, notice, client, login):
    """PUB-04: a filed objection is not on the public page until the office replies; then the objection
    and the reply show together."""
    resp = client.post(reverse("notices:detail", args=[notice.pk]), {"text": "第1名分数有误"}, follow=True)
    assert "审核后" in resp.content.decode()
    obj = Objection.objects.get()
    assert obj.status == Objection.Status.PENDING
    assert "第1名分数有误" not in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    office = login("office")
    assert "第1名分数有误" in office.get(reverse("notices:manage")).content.decode()
    office.post(reverse("notices:answer", args=[obj.pk]), {"answer": "经核实，分数无误"})
    client.logout()
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "第1名分数有误" in html and "经核实，分数无误" in html


def test_pub_04_office_keeps_an_abusive_objection_off_the_board_with_a_reason(world, notice, client, login):
    """PUB-04: the office may refuse to publish an objection, only with a reason; it stays hidden."""
    client.post(reverse("notices:detail", args=[notice.pk]), {"text": "广告：代办证件"})
    obj = Objection.objects.get()
    office = login("office")
    office.post(reverse("notices:answer", args=[obj.pk]), {"action": "hide", "reason": ""})
    obj.refresh_from_db()
    assert obj.status == Objection.Status.PENDING
    office.post(reverse("notices:answer", args=[obj.pk]), {"action": "hide", "reason": "与本公示无关的广告"})
    obj.refresh_from_db()
    assert obj.status == Objection.Status.HIDDEN and obj.answer == "与本公示无关的广告"
    client.logout()
    assert "代办证件" not in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()


def test_pub_04_objection_length_limit_from_policy_at_the_boundary(world, notice, client):
    """PUB-04: the notices policy's limit (500 characters by default): 500 is accepted, 501 refused in
    Chinese with the count, nothing stored; an 18,000-character objection never reaches the page."""
    from ganbu.core.policy import policy_resolve

    limit = policy_resolve("notices", world.t1.path, notice.published_at.date()).params.objection_max_chars
    assert limit == 500
    refused = client.post(reverse("notices:detail", args=[notice.pk]), {"text": "长" * (limit + 1)})
    assert refused.status_code == 400 and f"不能超过 {limit} 字" in refused.content.decode()
    flood = client.post(reverse("notices:detail", args=[notice.pk]), {"text": "长" * 18000})
    assert flood.status_code == 400 and Objection.objects.count() == 0
    assert "长" * (limit + 1) in refused.content.decode()  # what was typed is kept in the form
    ok = client.post(reverse("notices:detail", args=[notice.pk]), {"text": "长" * limit})
    assert ok.status_code == 302 and Objection.objects.count() == 1


def test_pub_04_per_address_rate_limit_from_policy(world, notice):
    """PUB-04: three objections a day from one address (policy), the fourth refused; another address may
    still file."""
    a, b = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    url = reverse("notices:detail", args=[notice.pk])
    for i in range(3):
        assert a.post(url, {"text": f"异议{i}"}).status_code == 302
    fourth = a.post(url, {"text": "异议3"})
    assert fourth.status_code == 400 and "今天已提交 3 条异议" in fourth.content.decode()
    assert b.post(url, {"text": "另一地址"}).status_code == 302
    assert Objection.objects.count() == 4
    assert not Objection.objects.filter(address_hash__contains="10.0.0").exists()  # only a keyed hash


def test_pub_04_ids_and_phones_typed_into_objections_and_replies_are_masked(world, notice, client, login):
    """PUB-04/PUB-01: an ID number or mobile typed into an objection or a reply is stored and shown masked."""
    client.post(reverse("notices:detail", args=[notice.pk]), {"text": f"我的身份证 {ID}，电话{PHONE}"})
    obj = Objection.objects.get()
    assert ID not in obj.text and PHONE not in obj.text and "3305**********1234" in obj.text
    login("office").post(reverse("notices:answer", args=[obj.pk]), {"answer": f"已回电 {PHONE}"})
    obj.refresh_from_db()
    assert PHONE not in obj.answer and "139****5678" in obj.answer
    client.logout()
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert ID not in html and PHONE not in html and "139****5678" in html
