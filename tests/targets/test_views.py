"""Pages: each role reaches its step; bad input is refused in Chinese with nothing changed; the
outsider gets the same 404 as a missing id; the county progress page pins its query count."""

from __future__ import annotations

import re
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganbu.targets import services
from ganbu.targets.models import (
    Commitment,
    DepositDeduction,
    LedgerTask,
    Measure,
    MeetingVote,
    SupervisionNotice,
)
from ganbu.targets.services import ItemResult
from tests.targets.conftest import drafted, measure_input, signed, upload


def test_pages_open_for_office(world, tgt, login):
    signed(world, tgt.c)
    services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1))
    c = login("office")
    for url in ["/targets/", "/targets/propose/", f"/targets/c/{tgt.c.pk}/", "/targets/ledger/?month=2024-06",
                f"/targets/progress/{world.t1.pk}/", "/targets/rounds/",
                "/targets/decisions/", "/targets/funds/", f"/targets/scores/{world.t1.pk}/",
                f"/targets/c/{tgt.c.pk}/year-end/", f"/targets/task/{LedgerTask.objects.first().pk}/"]:
        resp = c.get(url)
        assert resp.status_code == 200, url
        body = re.sub(r"(value|hx-headers)=(\"[^\"]*\"|'[^']*')", "", resp.content.decode())
        assert "TGT-" not in body and not re.search(r"\bS[0-4]\b", body), url
    assert "任期目标" in c.get("/").content.decode()  # nav entry


def test_ledger_excel_export(world, tgt, login):
    signed(world, tgt.c)
    services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1))
    resp = login("office").get(f"/targets/ledger.xlsx?org={world.t1.pk}&month=2024-06")
    assert resp.status_code == 200 and resp.content[:2] == b"PK"
    from ganbu.reports.excel import read_rows
    rows = next(iter(read_rows(resp.content, "x.xlsx").values()))
    assert rows[1][:3] == ["村", "类别", "实事"] and len(rows) == 4


def test_outsider_gets_404_everywhere(world, tgt, login):
    signed(world, tgt.c)
    services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1))
    t = LedgerTask.objects.first()
    c = login("outsider")
    for url in [f"/targets/c/{tgt.c.pk}/", f"/targets/task/{t.pk}/", f"/targets/c/{tgt.c.pk}/letter.pdf",
                f"/targets/progress/{world.t1.pk}/", f"/targets/c/{tgt.c.pk}/people/?q=孙",
                "/targets/c/999999/", f"/targets/c/{tgt.c.pk}/year-end/"]:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/targets/c/{tgt.c.pk}/approve/", {"confirm": "on"}).status_code == 404


def test_tgt_01_page_refuses_measure_without_deadline_or_responsible(world, tgt, login):
    c = login("village_secretary_a")
    resp = c.post(f"/targets/c/{tgt.c.pk}/measure/", {"category": "经济发展", "text": "修路", "standard": "硬化2公里"})
    body = resp.content.decode()
    assert resp.status_code == 400 and "落实时限" in body and "责任人" in body
    assert not Measure.objects.exists()


def test_tgt_01_page_refuses_vote_over_attendance(world, tgt, login):
    services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c, data=measure_input(world))
    c = login("village_secretary_a")
    resp = c.post(f"/targets/c/{tgt.c.pk}/vote/", {"held_on": "2024-02-01", "attendance": "10", "votes_for": "9",
                                                   "votes_against": "2", "minutes": upload(), "confirm": "on"})
    assert resp.status_code == 400 and "不能多于到会人数" in resp.content.decode()
    assert not MeetingVote.objects.exists()


def test_tgt_01_page_refuses_approval_without_meeting(world, tgt, login):
    services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c, data=measure_input(world))
    Commitment.objects.filter(pk=tgt.c.pk).update(status=Commitment.Status.SUBMITTED)
    resp = login("township_secretary").post(f"/targets/c/{tgt.c.pk}/approve/", {"confirm": "on"})
    assert resp.status_code == 400 and "尚未经党员和村民代表会议表决通过" in resp.content.decode()
    tgt.c.refresh_from_db()
    assert tgt.c.status == Commitment.Status.SUBMITTED


def test_tgt_05_page_refuses_closing_notice_without_evidence(world, tgt, login):
    signed(world, tgt.c)
    services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1))
    t = LedgerTask.objects.filter(category="党的建设").first()
    services.tasks_due_scan(on=date(2024, 7, 1))
    insp = services.inspection_assign(actor=world.users.office, task=t, inspector=world.users.office,
                                      scheduled_on=date(2024, 7, 1))
    services.inspection_record(actor=world.users.office, inspection=insp, results=[ItemResult(False)],
                               missing="未开展", evidence=[upload()])
    n = SupervisionNotice.objects.get()
    resp = login("office").post(f"/targets/notice/{n.pk}/", {"confirm": "on"})
    assert resp.status_code == 400 and "复查合格" in resp.content.decode()
    n.refresh_from_db()
    assert n.status == "open"


def test_tgt_07_page_refuses_second_deduction_same_year(world, tgt, login):
    signed(world, tgt.c)
    c = login("office")
    data = {"action": "result", "person": world.people.cadre_a.pk, "year": "2024", "outcome": "unfulfilled",
            "confirm": "on"}
    assert c.post(f"/targets/c/{tgt.c.pk}/year-end/", data).status_code == 302
    resp = c.post(f"/targets/c/{tgt.c.pk}/year-end/", data)
    assert resp.status_code == 400 and "不能重复扣发" in resp.content.decode()
    assert DepositDeduction.objects.count() == 1


def test_people_picked_by_search(world, tgt, login):
    resp = login("village_secretary_a").get(f"/targets/c/{tgt.c.pk}/people/?q=周")
    assert "周文书" in resp.content.decode() and "孙支书" not in resp.content.decode()


def test_inspection_page_recused_for_responsible(world, tgt, login):
    drafted(world, tgt.c)
    signed_c = tgt.c
    services.commitment_approve(actor=world.users.township_secretary, commitment=signed_c)
    services.commitment_sign(actor=world.users.township_secretary, commitment=signed_c)
    services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1))
    t = LedgerTask.objects.filter(category="党的建设").first()
    services.tasks_due_scan(on=date(2024, 7, 1))
    insp = services.inspection_assign(actor=world.users.office, task=t, inspector=world.users.office,
                                      scheduled_on=date(2024, 7, 1))
    LedgerTask.objects.filter(pk=t.pk).update(responsible=world.people.office)
    body = login("office").get(f"/targets/inspection/{insp.pk}/").content.decode()
    assert "依规回避" in body and "提交检查结果" not in body


def test_county_progress_query_count_is_fixed_at_858_villages(world, tgt, login):
    """The county page groups in SQL: the same number of queries for 3 villages and for 858 (荣成's count)."""
    from ganbu.org.models import Org, OrgKind

    signed(world, tgt.c)
    c = login("county_org")
    c.get(f"/targets/progress/{world.county.pk}/?by=village")
    with CaptureQueriesContext(connection) as small:
        assert c.get(f"/targets/progress/{world.county.pk}/?by=village").status_code == 200
    Org.objects.bulk_create([Org(code=f"330521102{n:03d}", path=f"330521102{n:03d}", name=f"新村{n}",
                                 kind=OrgKind.VILLAGE, parent=world.t1) for n in range(855)])
    with CaptureQueriesContext(connection) as big:
        resp = c.get(f"/targets/progress/{world.county.pk}/?by=village")
    assert resp.status_code == 200 and resp.content.decode().count("新村") >= 855
    assert len(big) == len(small) <= 14


def test_api_commitments_and_outsider(world, tgt, client):
    signed(world, tgt.c)
    client.force_login(world.users.office)
    data = client.get("/api/targets/commitments").json()
    assert data[0]["village"] == "东村" and data[0]["signed"] is True
    detail = client.get(f"/api/targets/commitments/{tgt.c.pk}").json()
    assert len(detail["measures"]) == 2
    assert client.get(f"/api/targets/progress/{world.t1.pk}").status_code == 200
    client.force_login(world.users.outsider)
    assert client.get(f"/api/targets/commitments/{tgt.c.pk}").status_code == 404
    assert client.get("/api/targets/commitments").json() == []


def test_tgt_06_round_page_publishes_and_prints_the_circular(world, policies, login):
    rnd = services.round_create(actor=world.users.office, org=world.t1, kind="quarterly", scope="full",
                                start=date(2024, 9, 25))
    c = login("office")
    resp = c.post(f"/targets/round/{rnd.pk}/", {"village": world.village_a.pk, "text": "公开栏未更新"})
    assert resp.status_code == 302
    assert c.post(f"/targets/round/{rnd.pk}/", {"action": "publish"}).status_code == 400  # not confirmed
    assert c.post(f"/targets/round/{rnd.pk}/", {"action": "publish", "confirm": "1"}).status_code == 302
    body = c.get(f"/targets/round/{rnd.pk}/").content.decode()
    assert "通报文件（PDF）" in body and "公开栏未更新" in body


def test_ledger_build_needs_confirmation(world, tgt, login):
    signed(world, tgt.c)
    c = login("office")
    c.post("/targets/ledger/build/", {"org": world.t1.pk, "month": "2024-06"})
    assert not LedgerTask.objects.exists()
    c.post("/targets/ledger/build/", {"org": world.t1.pk, "month": "2024-06", "confirm": "1"})
    assert LedgerTask.objects.count() == 2


def test_outsider_404_on_inspection_notice_and_pdf(world, tgt, login):
    signed(world, tgt.c)
    services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1))
    t = LedgerTask.objects.filter(category="党的建设").first()
    services.tasks_due_scan(on=date(2024, 7, 1))
    insp = services.inspection_assign(actor=world.users.office, task=t, inspector=world.users.office,
                                      scheduled_on=date(2024, 7, 1))
    services.inspection_record(actor=world.users.office, inspection=insp, results=[ItemResult(False)],
                               missing="未开展", evidence=[upload()])
    n = SupervisionNotice.objects.get()
    c = login("outsider")
    for url in [f"/targets/inspection/{insp.pk}/", f"/targets/notice/{n.pk}/", f"/targets/notice/{n.pk}/notice.pdf"]:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/targets/notice/{n.pk}/", {"confirm": "on"}).status_code == 404
    # the village sees its own notice (told in the app) but cannot close it
    v = login("village_secretary_a")
    assert v.get(f"/targets/notice/{n.pk}/").status_code == 200
    assert "确认办结" not in v.get(f"/targets/notice/{n.pk}/").content.decode()
