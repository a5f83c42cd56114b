"""SEC-01 against someone with the database (issue 17): the seven tamper cases that passed as
"审计链完好" before keyed hashes and checkpoints outside the database, each detected and named."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from datetime import UTC

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from ganbu.core import keys
from ganbu.core.audit import audit_record, audit_seal, audit_verify, checkpoints
from ganbu.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PATH = "330521100"


def _plain_content(e: AuditEntry) -> str:
    """What a database administrator can compute: the public, unkeyed SHA-256 of a row."""
    payload = {"chain": e.chain, "at": e.at.astimezone(UTC).isoformat(timespec="microseconds"), "actor": e.actor_id,
               "actor_label": e.actor_label, "action": e.action, "object_type": e.object_type,
               "object_id": e.object_id, "org_path": e.org_path, "before": e.before, "after": e.after,
               "reason": e.reason}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain_link(prev: str, seq: int, content: str) -> str:
    return hashlib.sha256(f"{prev}:{seq}:{content}".encode()).hexdigest()


def _sealed_rows(n: int, capture) -> list[AuditEntry]:
    rows = [audit_record(actor=None, action="points.record", object_type="entry", object_id=i, org_path=PATH,
                         after={"points": i}) for i in range(n)]
    with capture(execute=True):  # the checkpoint is written after the seal commits
        audit_seal()
    return [AuditEntry.objects.get(pk=r.pk) for r in rows]


def _sql(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _set_after(entry_id: int, value: dict) -> None:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    _sql(f"UPDATE core_auditentry SET after = {cast} WHERE id = %s", [json.dumps(value), entry_id])  # noqa: S608


def _recompute_from(seq: int) -> None:
    """The administrator's rewrite: every hash from ``seq`` on recomputed with the public algorithm."""
    prev = AuditEntry.objects.get(chain="330521", seq=seq - 1).chain_hash if seq > 1 else "0" * 64
    for e in AuditEntry.objects.filter(chain="330521", seq__gte=seq).order_by("seq"):
        content = _plain_content(e)
        link = _plain_link(prev, e.seq, content)
        _sql("UPDATE core_auditentry SET content_hash = %s, prev_hash = %s, chain_hash = %s WHERE id = %s",
             [content, prev, link, e.pk])
        prev = link


def _kinds() -> list[str]:
    return [p.kind for p in audit_verify()]


def test_sec_01_tamper_1_edit_and_recompute_every_later_hash_is_detected(django_capture_on_commit_callbacks):
    rows = _sealed_rows(5, django_capture_on_commit_callbacks)
    _set_after(rows[1].pk, {"points": 999})
    _recompute_from(rows[1].seq)
    problems = audit_verify()
    assert problems and problems[0].kind == "edited" and problems[0].entry_id == rows[1].pk
    assert "rewritten" in _kinds()  # and the checkpoint outside the database no longer matches


def test_sec_01_tamper_2_deleting_the_newest_rows_is_detected(django_capture_on_commit_callbacks):
    rows = _sealed_rows(5, django_capture_on_commit_callbacks)
    _sql("DELETE FROM core_auditentry WHERE id IN (%s, %s)", [rows[3].pk, rows[4].pk])
    problems = audit_verify()
    assert [p.kind for p in problems] == ["truncated"]
    assert "封存至第 5 条" in problems[0].message and "只到第 3 条" in problems[0].message


def test_sec_01_tamper_3_forged_unsealed_row_is_refused_by_the_sealer_and_reported(
        django_capture_on_commit_callbacks):
    _sealed_rows(3, django_capture_on_commit_callbacks)
    forged = AuditEntry(chain="330521", at=AuditEntry.objects.last().at, actor_label="伪造", action="points.record",
                        object_type="entry", object_id="x", org_path=PATH, after={"points": 100})
    forged.content_hash = _plain_content(forged)
    forged.save(force_insert=True)
    assert audit_seal() == 0  # the sealer refuses it
    forged.refresh_from_db()
    assert forged.seq is None
    problems = audit_verify()
    assert [p.kind for p in problems] == ["forged"] and problems[0].entry_id == forged.pk


def test_sec_01_tamper_4_unsealed_sign_in_row_edited_is_detected(django_capture_on_commit_callbacks):
    _sealed_rows(2, django_capture_on_commit_callbacks)
    signin = audit_record(actor=None, action="attendance.signin", object_type="signin", object_id=77, org_path=PATH,
                          after={"latitude": 30.1, "longitude": 120.1, "proof": "gps"})
    _set_after(signin.pk, {"latitude": 30.2, "longitude": 120.1, "proof": "gps"})
    _sql("UPDATE core_auditentry SET content_hash = %s WHERE id = %s",
         [_plain_content(AuditEntry.objects.get(pk=signin.pk)), signin.pk])
    assert [p.kind for p in audit_verify()] == ["forged"]
    assert audit_seal() == 0


def test_sec_01_tamper_5_deleted_middle_row_is_detected(django_capture_on_commit_callbacks):
    rows = _sealed_rows(5, django_capture_on_commit_callbacks)
    _sql("DELETE FROM core_auditentry WHERE id = %s", [rows[2].pk])
    problems = audit_verify()
    assert problems[0].kind == "deleted" and problems[0].seq == 3


def test_sec_01_tamper_6_delete_and_renumber_with_recomputed_links_is_detected(django_capture_on_commit_callbacks):
    rows = _sealed_rows(5, django_capture_on_commit_callbacks)
    _sql("DELETE FROM core_auditentry WHERE id = %s", [rows[2].pk])
    for e in AuditEntry.objects.filter(chain="330521", seq__gt=3).order_by("seq"):
        _sql("UPDATE core_auditentry SET seq = %s WHERE id = %s", [e.seq - 1, e.pk])
    _recompute_from(3)
    kinds = _kinds()
    assert kinds == ["edited", "truncated"]  # the keyed hash, and the checkpoint's fifth row is gone


def test_sec_01_tamper_7_forged_checkpoint_line_is_detected(django_capture_on_commit_callbacks, settings):
    rows = _sealed_rows(3, django_capture_on_commit_callbacks)
    with open(settings.GANBU_AUDIT_CHECKPOINTS, "a") as fh:
        fh.write(json.dumps({"chain": "330521", "seq": 3, "head": rows[2].chain_hash, "at": "2026-01-01T00:00:00+00:00",
                             "sig": hashlib.sha256(b"guess").hexdigest()}) + "\n")
    assert [p.kind for p in audit_verify()] == ["checkpoint"]


def test_sec_01_verify_never_seals_before_it_verifies(django_capture_on_commit_callbacks):
    _sealed_rows(2, django_capture_on_commit_callbacks)
    pending = audit_record(actor=None, action="x", object_type="y", org_path=PATH)
    assert audit_verify() == []
    assert AuditEntry.objects.get(pk=pending.pk).seq is None
    _set_after(pending.pk, {"changed": True})
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert "[forged]" in err.getvalue() and "未封存任何记录" in err.getvalue()
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1


def test_sec_01_checkpoints_are_signed_lines_outside_the_database(django_capture_on_commit_callbacks):
    rows = _sealed_rows(3, django_capture_on_commit_callbacks)
    [line] = checkpoints("330521")
    assert (line["seq"], line["head"]) == (3, rows[2].chain_hash) and len(line["sig"]) == 64


def test_sec_01_audit_key_is_outside_the_database_and_not_the_secret_key(settings):
    kid, key = keys.current(keys.AUDIT)
    assert key != settings.SECRET_KEY.encode() and len(key) == 32
    path = keys._demo_file(keys.AUDIT)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path).startswith(str(settings.GANBU_KEY_DIR))


def test_sec_01_audit_rows_cannot_be_changed_or_deleted_in_the_back_office(rf, world):
    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/backoffice/")
    request.user = world.users.admin
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_add_permission(request)


def test_sec_01_audit_retention_is_a_policy_parameter_of_at_least_six_months():
    from pydantic import ValidationError

    from ganbu.core.integrity_policy import IntegrityParams

    assert IntegrityParams().audit_retention_months == 6
    with pytest.raises(ValidationError):
        IntegrityParams(audit_retention_months=5)
