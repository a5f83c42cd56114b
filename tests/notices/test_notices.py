"""Public notices (PUB-01..04): board without login, masking, frozen versions, PDFs, public period, objections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ganbu.notices import services
from ganbu.notices.models import NoticeKind, NoticeVersion, Objection

pytestmark = pytest.mark.django_db
MISSING = 999999


@pytest.fixture
def notice(world, policies):
    p = world.people.cadre_a
    content = {"columns": ["名次", "姓名", "身份证号", "手机"],
               "rows": [[1, p.name, p.id_number, p.phone]],
               "people": [{"name": p.name, "id_number": p.id_number, "phone": p.phone}],
               "text": f"联系人 {p.name} 手机 {p.phone}，身份证 {p.id_number}"}
    return services.notice_publish_with_policy(actor=world.users.office, org=world.t1, kind=NoticeKind.POINTS_RANKING,
                                               key="test:ranking", title="青山镇积分排名公示", content=content)


def test_pub_01_public_board_without_login_masks_ids_and_phones(world, notice, client):
    """PUB-01: anyone opens the board and the notice; ID numbers and private phones are masked."""
    p = world.people.cadre_a
    board = client.get(reverse("notices:board"))
    assert board.status_code == 200 and "青山镇积分排名公示" in board.content.decode()
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert p.name in html
    assert p.id_number not in html and p.phone not in html
    assert p.id_number[:4] + "**********" + p.id_number[-4:] in html
    assert p.id_number not in str(notice.content) and p.phone not in str(notice.content)


def test_pub_01_poster_pdf_for_the_village_board(world, notice, client):
    """PUB-01: each notice prints as a poster for the village board, with the CJK font embedded."""
    resp = client.get(reverse("notices:poster", args=[notice.pk]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(resp.content))
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in (page["/Resources"].get_object().get("/Font") or {}).values()
             for f in [f.get_object()]}
    assert any("CJK" in f for f in fonts), fonts
    text = "".join(page.extract_text() for page in reader.pages)
    assert world.people.cadre_a.name in text and world.people.cadre_a.id_number not in text


def test_pub_02_published_notice_is_frozen_change_is_new_version(world, notice, client):
    """PUB-02: what, when and by whom stays visible; republishing creates version 2, version 1 unchanged."""
    before = dict(notice.content)
    v2 = services.notice_publish_with_policy(actor=world.users.township_secretary, org=world.t1,
                                             kind=NoticeKind.POINTS_RANKING, key="test:ranking",
                                             title="青山镇积分排名公示（更正）", content={"text": "更正后的内容"})
    notice.refresh_from_db()
    assert v2.version == 2 and notice.version == 1 and notice.content == before
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "第 1 版" in html and world.users.office.display_name in html and notice.content_hash[:16] in html
    board = client.get(reverse("notices:board")).content.decode()
    assert reverse("notices:detail", args=[v2.pk]) in board
    assert reverse("notices:detail", args=[notice.pk]) not in board  # board shows the newest version
    assert "第2版" in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()


def test_pub_03_circular_pdf_is_generated(world, notice, client):
    """PUB-03: a circular (通报) is generated as a printable document."""
    resp = client.get(reverse("notices:circular", args=[notice.pk]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")


def test_pub_04_public_period_and_supervision_phone_from_policy(world, notice, client):
    """PUB-04: the public period (7 days, inclusive) and the supervision phone come from the policy."""
    today = timezone.localdate()
    assert notice.public_until == today + timedelta(days=6)
    assert notice.supervision_phone == "12380"
    assert "12380" in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()


def test_pub_04_objection_recorded_and_answered(world, notice, client, login):
    """PUB-04: an objection is recorded (no login) and answered by the office; the answer is public."""
    client.post(reverse("notices:detail", args=[notice.pk]), {"text": "排名有误", "name": "村民甲"})
    obj = Objection.objects.get()
    office = login("office")
    assert "排名有误" in office.get(reverse("notices:manage")).content.decode()
    office.post(reverse("notices:answer", args=[obj.pk]), {"answer": "已核实，排名无误"})
    obj.refresh_from_db()
    assert obj.answer == "已核实，排名无误" and obj.answered_by == world.users.office
    client.logout()
    assert "已核实，排名无误" in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()


def test_pub_04_after_the_period_archived_still_retrievable_objection_refused(world, notice, client):
    """PUB-04: after the public period the notice moves to the archive, stays readable, objections close."""
    NoticeVersion.objects.filter(pk=notice.pk).update(public_until=timezone.localdate() - timedelta(days=1))
    notice.refresh_from_db()
    assert notice.notice.title not in client.get(reverse("notices:board")).content.decode()
    assert notice.notice.title in client.get(reverse("notices:board"), {"archived": "1"}).content.decode()
    resp = client.post(reverse("notices:detail", args=[notice.pk]), {"text": "迟到的异议"})
    assert resp.status_code == 400 and services.OBJECTION_CLOSED in resp.content.decode()
    assert Objection.objects.count() == 0


def test_pub_04_empty_objection_refused_in_chinese(world, notice, client):
    """PUB-04: an empty objection gets a Chinese error and nothing is stored."""
    resp = client.post(reverse("notices:detail", args=[notice.pk]), {"text": " "})
    assert resp.status_code == 400 and services.OBJECTION_EMPTY in resp.content.decode()
    assert Objection.objects.count() == 0


def test_outsider_refused_on_notice_management(world, notice, client, login):
    """SEC-02: the outsider cannot manage or answer 青山镇's notices (404 like a missing ID)."""
    client.post(reverse("notices:detail", args=[notice.pk]), {"text": "异议"})
    obj = Objection.objects.get()
    c = login("outsider")
    assert c.get(reverse("notices:manage")).status_code == 404
    real = c.post(reverse("notices:answer", args=[obj.pk]), {"answer": "x"})
    missing = c.post(reverse("notices:answer", args=[MISSING]), {"answer": "x"})
    assert real.status_code == missing.status_code == 404 and real.content == missing.content
    obj.refresh_from_db()
    assert obj.answer == ""


def test_pub_01_withdrawn_versions_print_nothing_unknown_ones_are_not_found(world, notice, client):
    """PUB-01/02: a withdrawal is public (it says why) but prints no poster; an unknown id is not found."""
    withdrawal = services.notice_withdraw(actor=world.users.office, notice=notice.notice, reason="名单有误")
    assert "名单有误" in client.get(reverse("notices:detail", args=[withdrawal.pk])).content.decode()
    assert client.get(reverse("notices:poster", args=[withdrawal.pk])).status_code == 404
    assert client.get(reverse("notices:detail", args=[MISSING])).status_code == 404
