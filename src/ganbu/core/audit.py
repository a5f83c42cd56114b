"""Tamper-evident audit log (SEC-01), holding against someone who has only the database.

Every service write calls :func:`audit_record` inside its own transaction. Rows carry a keyed
hash (HMAC, SM3 by default — ``GANBU_AUDIT_HASH``) of their own content at insert;
:func:`audit_seal` later chains them per county in commit order (``seq``, ``prev_hash``,
``chain_hash``, keyed too). Writers therefore never wait on one another.

The key lives outside the database (:mod:`ganbu.core.keys`), so a database administrator who
edits a row cannot recompute its hash or the chain after it. Each seal appends a signed
checkpoint (chain, seq, head hash, time) to a file outside the database
(``GANBU_AUDIT_CHECKPOINTS``), and heads are printed on notices and registers, so deleting the
newest rows or rewriting history shows. The sealer refuses an unsealed row whose keyed hash does
not verify (a forged insert, or a sign-in row edited before it was sealed) and reports it, and
:func:`audit_verify` never seals: it checks what is there and names every kind of tampering.
"""

from __future__ import annotations

import fcntl
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone

from ganbu.core import keys
from ganbu.core.models import AuditEntry

GENESIS = "0" * 64
log = logging.getLogger("ganbu.audit")


def _mac(text: str) -> str:
    """HMAC with the audit key (never SECRET_KEY, never from a table): SM3 or SHA-256, 64 hex."""
    _kid, key = keys.current(keys.AUDIT)
    return hmac.new(key, text.encode(), getattr(settings, "GANBU_AUDIT_HASH", "sm3")).hexdigest()


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
    return _mac(f"content:{text}")


def _link_hash(prev: str, seq: int, content: str) -> str:
    return _mac(f"link:{prev}:{seq}:{content}")


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


# --- checkpoints outside the database ------------------------------------------------------------


def _checkpoint_sig(chain: str, seq: int, head: str, at: str) -> str:
    return _mac(f"checkpoint:{chain}:{seq}:{head}:{at}")


def checkpoint_path() -> Path:
    return Path(settings.GANBU_AUDIT_CHECKPOINTS)


def checkpoint_write(chain: str, seq: int, head: str) -> dict[str, Any]:
    """Append one signed checkpoint line (fsync'd; many processes may append at once)."""
    at = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    line = {"chain": chain, "seq": seq, "head": head, "at": at, "sig": _checkpoint_sig(chain, seq, head, at)}
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        fh.flush()
        fcntl.flock(fh, fcntl.LOCK_UN)
    return line


def checkpoints(chain: str | None = None) -> list[dict[str, Any]]:
    """Every checkpoint line (of one chain), in file order; a malformed line is kept as ``bad``."""
    path = checkpoint_path()
    if not path.exists():
        return []
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            line["line"] = n
        except ValueError:
            out.append({"chain": chain or "?", "line": n, "bad": True})
            continue
        if chain is None or line.get("chain") == chain:
            out.append(line)
    return out


def _checkpoint_ok(line: dict[str, Any]) -> bool:
    try:
        return hmac.compare_digest(_checkpoint_sig(line["chain"], int(line["seq"]), line["head"], line["at"]),
                                   str(line["sig"]))
    except (KeyError, TypeError, ValueError):
        return False


# --- sealing ---------------------------------------------------------------------------------------


def _genuine(entry: AuditEntry) -> bool:
    return hmac.compare_digest(_content_hash(entry), entry.content_hash or "")


def audit_seal(chain: str | None = None) -> int:
    """Chain every unsealed row whose keyed hash verifies, per chain, in id order, and write a
    signed checkpoint after commit. A row that does not verify is refused: it stays unsealed,
    is logged, and :func:`audit_verify` names it. Safe to call from many processes."""
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
            good: list[AuditEntry] = []
            for entry in AuditEntry.objects.filter(chain=name, seq__isnull=True).order_by("id"):
                if not _genuine(entry):
                    log.error("audit: refused to seal row %s in chain %s: its keyed hash does not verify",
                              entry.pk, name)
                    continue
                seq += 1
                entry.seq = seq
                entry.prev_hash = prev
                entry.chain_hash = _link_hash(prev, seq, entry.content_hash)
                prev = entry.chain_hash
                good.append(entry)
            AuditEntry.objects.bulk_update(good, ["seq", "prev_hash", "chain_hash"], batch_size=1000)
            if good:
                transaction.on_commit(lambda n=name, s=seq, h=prev: checkpoint_write(n, s, h), robust=True)
            sealed += len(good)
    return sealed


def audit_head(chain: str) -> str:
    """The chain's head hash after sealing: printed on notices and registers."""
    audit_seal(chain)
    return audit_head_sealed(chain)


def audit_head_sealed(chain: str) -> str:
    """The head as it stands, without sealing (for the verifier)."""
    last = AuditEntry.objects.filter(chain=chain, seq__isnull=False).order_by("-seq").first()
    return last.chain_hash if last else GENESIS


@dataclass(frozen=True)
class AuditProblem:
    chain: str
    seq: int | None
    entry_id: int | None
    kind: str  # edited | deleted | out_of_order | truncated | rewritten | forged | checkpoint
    message: str


# A row sealed after one whose time is later by more than this was back-dated or inserted afterwards:
# legitimate rows are sealed in commit order, which differs from their time only by a transaction's length.
MAX_SKEW = timedelta(hours=1)


def audit_verify(chain: str | None = None) -> list[AuditProblem]:
    """Check every chain (or one) as it stands — never sealing first — and return the problems:
    per chain the first broken sealed row, any unsealed row whose keyed hash fails, and any
    checkpoint the database no longer matches (empty list when intact)."""
    problems: list[AuditProblem] = []
    names = set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    lines = checkpoints(chain)
    names |= {str(line.get("chain")) for line in lines}
    if chain:
        names = {chain}
    for name in sorted(names):
        mine = [line for line in lines if line.get("chain") == name]
        problems.extend(_verify_chain(name, mine))
        problems.extend(_verify_unsealed(name))
    return problems


def _verify_unsealed(name: str) -> list[AuditProblem]:
    out = []
    for entry in AuditEntry.objects.filter(chain=name, seq__isnull=True).order_by("id").iterator(2000):
        if not _genuine(entry):
            out.append(AuditProblem(name, None, entry.id, "forged",
                                    f"链 {name} 未封存记录 ID {entry.id}（{entry.action}）的密钥哈希不符："
                                    "伪造插入或封存前被修改，封存程序已拒绝"))
    return out


def _verify_chain(name: str, lines: list[dict[str, Any]]) -> list[AuditProblem]:
    problems: list[AuditProblem] = []
    wanted = {}
    for line in lines:
        if line.get("bad") or not _checkpoint_ok(line):
            problems.append(AuditProblem(name, None, None, "checkpoint",
                                         f"检查点文件第 {line.get('line')} 行签名不符（检查点被伪造或改动）"))
        else:
            wanted[int(line["seq"])] = line
    broken, _reached = _walk(name)
    if broken:
        problems.append(broken)
    sealed = AuditEntry.objects.filter(chain=name, seq__isnull=False)
    found = dict(sealed.filter(seq__in=list(wanted)).values_list("seq", "chain_hash"))
    top = sealed.order_by("-seq").values_list("seq", flat=True).first() or 0
    for seq, line in sorted(wanted.items()):
        at = line["at"][:19].replace("T", " ")
        if seq in found:
            if found[seq] != line["head"]:
                problems.append(AuditProblem(name, seq, None, "rewritten",
                                             f"链 {name} 第 {seq} 条与 {at} 的检查点不符：历史被改写"))
        elif seq > top:
            problems.append(AuditProblem(name, seq, None, "truncated",
                                         f"链 {name} 已于 {at} 封存至第 {seq} 条，数据库中只到第 {top} 条："
                                         "最新的记录被删除"))
    return problems


def _walk(name: str) -> tuple[AuditProblem | None, int]:
    """Walk the sealed rows in order: the first problem (if any) and the last sequence number reached."""
    expected_seq = 1
    prev_hash = GENESIS
    prev: AuditEntry | None = None
    for entry in AuditEntry.objects.filter(chain=name, seq__isnull=False).order_by("seq").iterator(2000):
        here = f"链 {name} 第 {entry.seq} 条（ID {entry.id}）"
        if entry.seq != expected_seq:
            span = f"第 {expected_seq} 条" if entry.seq == expected_seq + 1 else f"第 {expected_seq}–{entry.seq - 1} 条"
            after = f"ID {prev.id} 之后、" if prev else ""
            return AuditProblem(name, expected_seq, entry.id, "deleted",
                                f"链 {name} 缺少{span}（{after}ID {entry.id} 之前的记录已被删除）"), expected_seq - 1
        if not _genuine(entry):
            return AuditProblem(name, entry.seq, entry.id, "edited", f"{here}内容被修改"), expected_seq - 1
        if entry.prev_hash != prev_hash:
            before = f"第 {prev.seq} 条（ID {prev.id}）" if prev else "链首"
            return AuditProblem(name, entry.seq, entry.id, "out_of_order",
                                f"{here}不接续{before}：两者之间有记录被插入或顺序被改动"), expected_seq - 1
        if not hmac.compare_digest(entry.chain_hash, _link_hash(entry.prev_hash, entry.seq, entry.content_hash)):
            return AuditProblem(name, entry.seq, entry.id, "edited", f"{here}链哈希被修改"), expected_seq - 1
        if prev is not None and entry.at < prev.at - MAX_SKEW:
            return AuditProblem(name, entry.seq, entry.id, "out_of_order",
                                f"{here}时间 {timezone.localtime(entry.at):%Y-%m-%d %H:%M} 早于上一条（ID {prev.id}），"
                                "疑为事后补插"), expected_seq - 1
        prev_hash = entry.chain_hash
        prev = entry
        expected_seq += 1
    return None, expected_seq - 1


def audit_chains_for_paths(paths: list[str]) -> list[str]:
    """The chain names that hold rows of these subtrees ("" = every chain)."""
    if "" in paths:
        return list(AuditEntry.objects.values_list("chain", flat=True).distinct().order_by("chain"))
    return sorted({chain_for(p) for p in paths if p})
