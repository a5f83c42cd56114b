"""Tamper-evident audit log: chains per county, verification, the audit page (SEC-01)."""

from __future__ import annotations

import io
import threading
import time
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from ganbu.core.audit import (
    _content_hash,
    _link_hash,
    audit_head,
    audit_record,
    audit_seal,
    audit_verify,
)
from ganbu.core.models import AuditEntry


def _rows(n: int, org_path: str = "330521100", start: int = 0) -> list[AuditEntry]:
    return [audit_record(actor=None, action="test.write", object_type="thing", object_id=i, org_path=org_path,
                         after={"value": i}) for i in range(start, start + n)]


def _verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def _raw_update_after(entry_id: int, value: str) -> None:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cur:
        cur.execute(f"UPDATE core_auditentry SET after = {cast} WHERE id = %s", [value, entry_id])  # noqa: S608


@pytest.mark.django_db
def test_sec_01_intact_chain_verifies():
    """SEC-01: rows written through audit_record and sealed verify clean."""
    _rows(5)
    _rows(3, "330522001")
    code, out, err = _verify()
    assert code == 0 and err == ""
    assert "审计链完好：共 8 条记录" in out
    assert f"链 330522：3 条，链头 {audit_head('330522')}" in out
    one = io.StringIO()
    call_command("verify_audit", "--chain", "330521", stdout=one)
    assert "审计链完好：共 5 条记录" in one.getvalue()


@pytest.mark.django_db
def test_sec_01_sealing_is_per_county_chain():
    """SEC-01: each county has its own chain, numbered from 1, with its own head hash."""
    a = _rows(3, "330521100")
    b = _rows(2, "330522001")
    audit_seal()
    for rows in (a, b):
        seqs = [AuditEntry.objects.get(pk=r.pk).seq for r in rows]
        assert seqs == list(range(1, len(rows) + 1))
    assert {r.chain for r in a} == {"330521"} and {r.chain for r in b} == {"330522"}
    head_a, head_b = audit_head("330521"), audit_head("330522")
    assert head_a != head_b
    assert head_a == AuditEntry.objects.get(pk=a[-1].pk).chain_hash
    _rows(1, "330522001", start=9)
    assert audit_head("330521") == head_a  # another county's write does not move this head


@pytest.mark.django_db
def test_sec_01_edited_row_is_named():
    """SEC-01: changing a row's `after` with raw SQL is found, naming that row."""
    rows = _rows(4)
    audit_seal()
    victim = AuditEntry.objects.get(pk=rows[1].pk)
    _raw_update_after(victim.pk, '{"value": 999}')
    code, _, err = _verify()
    assert code == 1
    assert f"[edited] 链 330521 第 {victim.seq} 条（ID {victim.pk}）内容被修改" in err


@pytest.mark.django_db
def test_sec_01_deleted_middle_row_is_named_as_gap():
    """SEC-01: deleting a middle row leaves a gap the verifier names."""
    rows = _rows(4)
    audit_seal()
    gone = AuditEntry.objects.get(pk=rows[2].pk)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [gone.pk])
    problems = audit_verify()
    assert [p.kind for p in problems] == ["deleted"]
    assert problems[0].seq == gone.seq
    code, _, err = _verify()
    assert code == 1 and f"缺少第 {gone.seq} 条" in err and f"ID {rows[1].pk} 之后" in err


@pytest.mark.django_db
def test_sec_01_row_spliced_into_the_chain_is_named():
    """SEC-01: a forged row inserted in the middle (later rows renumbered) is named as out of order."""
    rows = _rows(4)
    audit_seal()
    third = AuditEntry.objects.get(pk=rows[2].pk)
    second = AuditEntry.objects.get(pk=rows[1].pk)
    with connection.cursor() as cur:  # make room: shift seq 3.. up by one, last first
        for entry in AuditEntry.objects.filter(chain="330521", seq__gte=third.seq).order_by("-seq"):
            cur.execute("UPDATE core_auditentry SET seq = seq + 1 WHERE id = %s", [entry.pk])
    forged = AuditEntry(chain="330521", seq=third.seq, at=second.at + timedelta(seconds=1), actor_label="伪造",
                        action="test.write", object_type="thing", object_id="x", org_path="330521100",
                        after={"value": "forged"}, prev_hash=second.chain_hash)
    forged.content_hash = _content_hash(forged)
    forged.chain_hash = _link_hash(forged.prev_hash, forged.seq, forged.content_hash)
    forged.save(force_insert=True)
    problems = audit_verify()
    assert [p.kind for p in problems] == ["out_of_order"]
    assert f"ID {forged.pk}" in problems[0].message and f"ID {third.pk}" in problems[0].message


@pytest.mark.django_db
def test_sec_01_backdated_insert_is_named():
    """SEC-01: a row inserted afterwards with an old time is sealed at the end and named as out of order."""
    _rows(3)
    audit_seal()
    late = AuditEntry(chain="330521", at=timezone.now() - timedelta(days=3), actor_label="补插",
                      action="test.write", object_type="thing", object_id="late", org_path="330521100")
    late.content_hash = _content_hash(late)  # made with the key: an insider, not a database administrator
    late.save(force_insert=True)
    audit_seal()
    code, _, err = _verify()
    assert code == 1
    assert f"（ID {late.pk}）时间" in err and "疑为事后补插" in err


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sec_01_concurrent_writers_do_not_wait_on_each_other():
    """SEC-01: two writers to one county chain in open transactions at once: the second commits (and
    sealing runs) while the first is still open; both rows end up in the verified chain."""
    first_written, second_done = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["one"] = audit_record(actor=None, action="t.one", object_type="x", org_path="330521100").pk
                first_written.set()
                results["first_saw_second"] = second_done.wait(10)
        except Exception as exc:  # pragma: no cover - reported below
            results["error_one"] = exc
        finally:
            connection.close()

    def second() -> None:
        try:
            assert first_written.wait(10)
            started = time.monotonic()
            with transaction.atomic():
                results["two"] = audit_record(actor=None, action="t.two", object_type="x", org_path="330521101").pk
            results["sealed"] = audit_seal("330521")
            results["second_seconds"] = time.monotonic() - started
        except Exception as exc:  # pragma: no cover
            results["error_two"] = exc
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert "error_one" not in results and "error_two" not in results, results
    assert results["first_saw_second"] is True  # the second finished while the first was open
    assert results["second_seconds"] < 2
    assert results["sealed"] == 1  # only the committed row was sealed; the open one waited for nothing
    audit_seal()
    one, two = AuditEntry.objects.get(pk=results["one"]), AuditEntry.objects.get(pk=results["two"])
    assert (two.seq, one.seq) == (1, 2)  # chained in commit order
    assert audit_verify() == []


# --- page -----------------------------------------------------------------------------------------


def test_sec_01_audit_page_scoped_filtered_with_heads(login, world):
    """SEC-01: the audit page shows rows in the user's subtree only, filters them, and prints chain heads."""
    mine = audit_record(actor=world.users.office, action="points.record", object_type="points_entry",
                        object_id=7, org_path=world.village_a.path, after={"points": 5}, reason="理由甲")
    other = audit_record(actor=world.users.outsider, action="points.record", object_type="points_entry",
                         object_id=8, org_path=world.village_b.path, after={"points": 3})
    c = login("township_secretary")
    r = c.get(reverse("core:audit"))
    assert r.status_code == 200
    ids = {e.pk for e in r.context["page"]}
    assert mine.pk in ids and other.pk not in ids
    assert all(e.org_path.startswith(world.t1.path) for e in r.context["page"])
    heads = dict(r.context["heads"])
    assert list(heads) == ["330521"] and heads["330521"] == audit_head("330521")
    assert heads["330521"] in r.content.decode()
    r = c.get(reverse("core:audit"), {"object_type": "points_entry", "object_id": "7"})
    assert [e.pk for e in r.context["page"]] == [mine.pk]
    r = c.get(reverse("core:audit"), {"actor": "赵办事", "object_type": "points_entry"})
    assert [e.pk for e in r.context["page"]] == [mine.pk]
    today = timezone.localdate()
    r = c.get(reverse("core:audit"), {"start": (today + timedelta(days=1)).isoformat(), "object_type": "points_entry"})
    assert list(r.context["page"]) == []
    r = c.get(reverse("core:audit"), {"start": date(2000, 1, 1).isoformat(), "end": today.isoformat(),
                                      "object_type": "points_entry"})
    assert [e.pk for e in r.context["page"]] == [mine.pk]
    # the county sees both
    r = login("county_org").get(reverse("core:audit"), {"object_type": "points_entry"})
    assert {e.pk for e in r.context["page"]} == {mine.pk, other.pk}


def test_sec_02_audit_page_refuses_outsider(login, world):
    """SEC-02: without audit.view the audit page is 'not found'."""
    assert login("outsider").get(reverse("core:audit")).status_code == 404
    assert login("cadre_a").get(reverse("core:audit")).status_code == 404
