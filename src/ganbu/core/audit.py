"""Tamper-evident audit log (SEC-01).

Every service write calls :func:`audit_record` inside its own transaction. Rows carry a hash
of their own content at insert; :func:`audit_seal` later chains them per county in commit
order (``seq``, ``prev_hash``, ``chain_hash``). Writers therefore never wait on one another,
and :func:`audit_verify` names the first row that was edited, deleted or inserted out of order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone

from ganbu.core.models import AuditEntry

GENESIS = "0" * 64


def _normal(value: Any) -> Any:
    """JSON-normalise so the stored value and the hashed value are the same text."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def snapshot(instance: Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-ready dict of a model instance, for ``before``/``after``."""
    data = model_to_dict(instance, fields=fields)
    for key, value in list(data.items()):
        if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
            data[key] = value.name or ""
        elif isinstance(value, list) and value and isinstance(value[0], Model):
            data[key] = [v.pk for v in value]
    return _normal(data)


def chain_for(org_path: str) -> str:
    return org_path[:6] if org_path else "system"


def _content_hash(entry: AuditEntry) -> str:
    return content_hash(chain=entry.chain, at=entry.at, actor_id=entry.actor_id, actor_label=entry.actor_label,
                        action=entry.action, object_type=entry.object_type, object_id=entry.object_id,
                        org_path=entry.org_path, before=entry.before, after=entry.after, reason=entry.reason)


def content_hash(*, chain: str, at: Any, actor_id: int | None, actor_label: str, action: str, object_type: str,
                 object_id: str, org_path: str, before: Any, after: Any, reason: str) -> str:
    """The hash of a row's content: what :func:`audit_verify` recomputes from the stored row."""
    payload = {
        "chain": chain,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "org_path": org_path,
        "before": before,
        "after": after,
        "reason": reason,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _link_hash(prev: str, seq: int, content: str) -> str:
    return hashlib.sha256(f"{prev}:{seq}:{content}".encode()).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = "",
    org_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one row. Call inside the service's transaction."""
    user = actor if getattr(actor, "pk", None) else None
    label = (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if user else str(actor or "系统")
    entry = audit_entry(actor_id=user.pk if user else None, actor_label=label, action=action,
                        object_type=object_type, object_id=object_id, org_path=org_path, before=before,
                        after=after, reason=reason)
    entry.save(force_insert=True)
    return entry


def audit_entry(
    *,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: Any = "",
    org_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """The unsaved row with its content hash: for writers that insert it in their own statement."""
    entry = AuditEntry(
        chain=chain_for(org_path),
        at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label[:100],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        org_path=org_path,
        before=_normal(before),
        after=_normal(after),
        reason=reason,
    )
    entry.content_hash = _content_hash(entry)
    return entry


def audit_seal(chain: str | None = None) -> int:
    """Chain every unsealed row, per chain, in id order. Safe to call from many processes."""
    sealed = 0
    chains = [chain] if chain else list(
        AuditEntry.objects.filter(seq__isnull=True).values_list("chain", flat=True).distinct()
    )
    for name in chains:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"audit:{name}"])
                    if not cur.fetchone()[0]:
                        continue
            last = AuditEntry.objects.filter(chain=name, seq__isnull=False).order_by("-seq").first()
            seq = last.seq if last else 0
            prev = last.chain_hash if last else GENESIS
            pending = list(AuditEntry.objects.filter(chain=name, seq__isnull=True).order_by("id"))
            for entry in pending:
                seq += 1
                entry.seq = seq
                entry.prev_hash = prev
                entry.chain_hash = _link_hash(prev, seq, entry.content_hash)
                prev = entry.chain_hash
            AuditEntry.objects.bulk_update(pending, ["seq", "prev_hash", "chain_hash"], batch_size=1000)
            sealed += len(pending)
    return sealed


def audit_head(chain: str) -> str:
    """The chain's head hash after sealing: printed on notices and registers."""
    audit_seal(chain)
    last = AuditEntry.objects.filter(chain=chain, seq__isnull=False).order_by("-seq").first()
    return last.chain_hash if last else GENESIS


@dataclass(frozen=True)
class AuditProblem:
    chain: str
    seq: int | None
    entry_id: int | None
    kind: str  # edited | deleted | out_of_order
    message: str


# A row sealed after one whose time is later by more than this was back-dated or inserted afterwards:
# legitimate rows are sealed in commit order, which differs from their time only by a transaction's length.
MAX_SKEW = timedelta(hours=1)


def audit_verify(chain: str | None = None) -> list[AuditProblem]:
    """Walk every chain (or one); return the first problem in each (empty list when intact).

    Seals pending rows first, so that rows written since the last seal are checked too.
    """
    audit_seal(chain)
    problems: list[AuditProblem] = []
    names = [chain] if chain else AuditEntry.objects.values_list("chain", flat=True).distinct().order_by("chain")
    for name in names:
        problem = _verify_chain(name)
        if problem:
            problems.append(problem)
    return problems


def _verify_chain(name: str) -> AuditProblem | None:
    expected_seq = 1
    prev_hash = GENESIS
    prev: AuditEntry | None = None
    for entry in AuditEntry.objects.filter(chain=name, seq__isnull=False).order_by("seq").iterator(2000):
        here = f"链 {name} 第 {entry.seq} 条（ID {entry.id}）"
        if entry.seq != expected_seq:
            span = f"第 {expected_seq} 条" if entry.seq == expected_seq + 1 else f"第 {expected_seq}–{entry.seq - 1} 条"
            after = f"ID {prev.id} 之后、" if prev else ""
            return AuditProblem(name, expected_seq, entry.id, "deleted",
                                f"链 {name} 缺少{span}（{after}ID {entry.id} 之前的记录已被删除）")
        if _content_hash(entry) != entry.content_hash:
            return AuditProblem(name, entry.seq, entry.id, "edited", f"{here}内容被修改")
        if entry.prev_hash != prev_hash:
            before = f"第 {prev.seq} 条（ID {prev.id}）" if prev else "链首"
            return AuditProblem(name, entry.seq, entry.id, "out_of_order",
                                f"{here}不接续{before}：两者之间有记录被插入或顺序被改动")
        if entry.chain_hash != _link_hash(entry.prev_hash, entry.seq, entry.content_hash):
            return AuditProblem(name, entry.seq, entry.id, "edited", f"{here}链哈希被修改")
        if prev is not None and entry.at < prev.at - MAX_SKEW:
            return AuditProblem(name, entry.seq, entry.id, "out_of_order",
                                f"{here}时间 {timezone.localtime(entry.at):%Y-%m-%d %H:%M} 早于上一条（ID {prev.id}），"
                                "疑为事后补插")
        prev_hash = entry.chain_hash
        prev = entry
        expected_seq += 1
    return None


def audit_chains_for_paths(paths: list[str]) -> list[str]:
    """The chain names that hold rows of these subtrees ("" = every chain)."""
    if "" in paths:
        return list(AuditEntry.objects.values_list("chain", flat=True).distinct().order_by("chain"))
    return sorted({chain_for(p) for p in paths if p})
