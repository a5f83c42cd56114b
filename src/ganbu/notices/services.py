"""Publishing frozen notice versions (PUB-01, PUB-02)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from ganbu.core.audit import audit_head, audit_record, chain_for
from ganbu.core.masking import mask_id_number, mask_phone
from ganbu.notices.models import Notice, NoticeVersion

_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PRIVATE_KEYS = {"id_number", "phone"}


def mask_public(value: Any) -> Any:
    """Mask every ID number and mobile number anywhere in a JSON payload, whatever the caller sent."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "id_number":
                out[k] = mask_id_number(str(v)) if v else ""
            elif k == "phone":
                out[k] = mask_phone(str(v)) if v else ""
            else:
                out[k] = mask_public(v)
        return out
    if isinstance(value, list):
        return [mask_public(v) for v in value]
    if isinstance(value, str):
        value = _ID.sub(lambda m: mask_id_number(m.group(0)), value)
        return _PHONE.sub(lambda m: mask_phone(m.group(0)), value)
    return value


def _rows_in(content: dict[str, Any]) -> int:
    from ganbu.notices.display import notice_shown

    return notice_shown(content).row_count


def change_reason(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The reason a republish states when its publisher gave none: what changed, in words."""
    before, after = _rows_in(old), _rows_in(new)
    if before != after:
        return AUTO_REASON_ROWS.format(before=before, after=after)
    return AUTO_REASON_DATA


@transaction.atomic
def notice_publish(
    *, actor: Any, org: Any, kind: str, key: str, title: str, content: dict[str, Any], period: str = "",
    public_until: date | None = None, supervision_phone: str = "", policy_ref: str = "", reason: str = "",
) -> NoticeVersion:
    """Publish a notice, masked and frozen (PUB-02).

    Publishing the same content again changes nothing and returns the version in force. Different
    content is a correction: a new version that states its reason, which the public page shows
    (the publisher's words, or what changed when a nightly job republishes).
    """
    notice, _ = Notice.objects.get_or_create(
        key=key, defaults={"kind": kind, "title": title, "org": org, "org_path": org.path, "period": period}
    )
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    frozen = json.loads(json.dumps(mask_public(content), cls=DjangoJSONEncoder, ensure_ascii=False))
    digest = hashlib.sha256(json.dumps(frozen, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    previous = notice.versions.order_by("-version").first()
    if previous is not None and not previous.withdrawn and previous.content_hash == digest \
            and notice.title == title:
        return previous
    reason = (reason or "").strip()[:300]
    if previous is not None and not reason:
        reason = REPUBLISHED if previous.withdrawn else change_reason(previous.content, frozen)
    latest = previous.version if previous else 0
    audit_record(actor=actor, action="notice.publish", object_type="notice", object_id=notice.pk,
                 org_path=org.path, reason=reason,
                 after={"version": latest + 1, "content_hash": digest, "title": title})
    version = NoticeVersion.objects.create(
        notice=notice, version=latest + 1, content=frozen, content_hash=digest,
        audit_head=audit_head(chain_for(org.path)), published_by=actor, published_at=timezone.now(),
        public_until=public_until, supervision_phone=supervision_phone, policy_ref=policy_ref, reason=reason,
    )
    if notice.title != title:
        notice.title = title
        notice.save(update_fields=["title"])
    return version


@transaction.atomic
def notice_withdraw(*, actor: Any, notice: Notice, reason: str) -> NoticeVersion:
    """Withdraw a notice: a new, empty version that says why; earlier versions stay readable (PUB-02)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(WITHDRAW_REASON)
    if len(reason) > 300:
        raise ValueError(REASON_TOO_LONG)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    previous = notice.versions.order_by("-version").first()
    if previous is None or previous.withdrawn:
        raise ValueError(ALREADY_WITHDRAWN)
    frozen: dict[str, Any] = {}
    digest = hashlib.sha256(b"{}").hexdigest()
    audit_record(actor=actor, action="notice.withdraw", object_type="notice", object_id=notice.pk,
                 org_path=notice.org_path, reason=reason, after={"version": previous.version + 1})
    return NoticeVersion.objects.create(
        notice=notice, version=previous.version + 1, content=frozen, content_hash=digest,
        audit_head=audit_head(chain_for(notice.org_path)), published_by=actor, published_at=timezone.now(),
        public_until=previous.public_until, supervision_phone=previous.supervision_phone,
        policy_ref=previous.policy_ref, withdrawn=True, reason=reason,
    )


NOTICE_NO_POLICY = "未找到施行中的公示细则（公示期、监督电话）"
AUTO_REASON_ROWS = "数据更新：公示记录由 {before} 条变为 {after} 条"
AUTO_REASON_DATA = "数据更正：公示内容已按最新记录更新"
REPUBLISHED = "撤回后重新发布"
WITHDRAW_REASON = "撤回公示须填写理由"
REASON_TOO_LONG = "理由不能超过 300 字"
ALREADY_WITHDRAWN = "该公示已撤回"
OBJECTION_TOO_LONG = "异议内容不能超过 {limit} 字（现为 {count} 字）"
OBJECTION_RATE = "同一网络地址今天已提交 {limit} 条异议，请明天再提，或拨打监督电话反映"
ANSWER_TOO_LONG = "答复不能超过 {limit} 字"
HIDE_REASON = "不予公开须填写理由"
ALREADY_MODERATED = "该异议已处理"
OBJECTION_EMPTY = "请填写异议内容"
OBJECTION_CLOSED = "公示期已过，异议请通过监督电话反映"
ANSWER_EMPTY = "请填写答复内容"
ALREADY_ANSWERED = "该异议已答复"


def notice_publish_with_policy(*, actor: Any, org: Any, kind: str, key: str, title: str, content: dict[str, Any],
                               period: str = "", policy_ref: str = "", on: date | None = None) -> NoticeVersion:
    """Publish with the public period and supervision phone of the notices policy in force (PUB-04)."""
    from datetime import timedelta

    from ganbu.core.policy import PolicyMissing, policy_resolve

    today = on or timezone.localdate()
    try:
        params = policy_resolve("notices", org.path, today).params
    except PolicyMissing:
        raise ValueError(NOTICE_NO_POLICY) from None
    days = params.public_days or 0
    until = today + timedelta(days=days - 1) if days else None  # "N天内" includes the N-th day
    return notice_publish(actor=actor, org=org, kind=kind, key=key, title=title, content=content, period=period,
                          public_until=until, supervision_phone=params.supervision_phone or "",
                          policy_ref=policy_ref)


def _notices_params(org_path: str, on: date) -> Any:
    from ganbu.core.policy import PolicyMissing, policy_resolve
    from ganbu.notices.policy import NoticesParams

    try:
        return policy_resolve("notices", org_path, on).params
    except PolicyMissing:
        return NoticesParams()  # the schema's limits: a notice without a policy still takes no flood


def address_key(address: str) -> str:
    """A keyed hash of the filer's network address: enough for the rate limit, not a record of who."""
    import hmac

    from django.conf import settings

    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def objection_file(*, version: NoticeVersion, text: str, name: str = "", contact: str = "", address: str = "",
                   on: date | None = None) -> Any:
    """Anyone may object during the public period (PUB-04). The objection waits for the office before
    it shows; its length and the filings per address per day are limited by the notices policy; ID
    numbers and mobile numbers typed into it are masked before it is stored."""
    from ganbu.notices.models import Objection

    today = on or timezone.localdate()
    text = (text or "").strip()
    if not text:
        raise ValueError(OBJECTION_EMPTY)
    if version.withdrawn or (version.public_until is not None and today > version.public_until):
        raise ValueError(OBJECTION_CLOSED)
    params = _notices_params(version.notice.org_path, today)
    if len(text) > params.objection_max_chars:
        raise ValueError(OBJECTION_TOO_LONG.format(limit=params.objection_max_chars, count=len(text)))
    key = address_key(address)
    filed_today = Objection.objects.filter(address_hash=key, filed_at__date=today).count()
    if filed_today >= params.objection_daily_limit:
        raise ValueError(OBJECTION_RATE.format(limit=params.objection_daily_limit))
    obj = Objection.objects.create(version=version, text=mask_public(text), name=mask_public(name.strip()[:50]),
                                   contact=contact.strip()[:50], address_hash=key)
    audit_record(actor=None, action="notice.objection", object_type="objection", object_id=obj.pk,
                 org_path=version.notice.org_path, after={"version": version.pk, "text": obj.text[:200]})
    return obj


def _pending(objection: Any) -> Any:
    from ganbu.notices.models import Objection

    obj = Objection.objects.select_for_update().select_related("version__notice").get(pk=objection.pk)
    if obj.status != Objection.Status.PENDING:
        raise ValueError(ALREADY_ANSWERED if obj.status == Objection.Status.ANSWERED else ALREADY_MODERATED)
    return obj


@transaction.atomic
def objection_answer(*, actor: Any, objection: Any, answer: str) -> Any:
    """The office's public reply: the objection and the reply show on the notice together (PUB-04)."""
    from ganbu.notices.models import Objection

    answer = (answer or "").strip()
    if not answer:
        raise ValueError(ANSWER_EMPTY)
    obj = _pending(objection)
    params = _notices_params(obj.version.notice.org_path, timezone.localdate())
    if len(answer) > params.reply_max_chars:
        raise ValueError(ANSWER_TOO_LONG.format(limit=params.reply_max_chars))
    obj.answer = mask_public(answer)
    obj.answered_by = actor
    obj.answered_at = timezone.now()
    obj.status = Objection.Status.ANSWERED
    obj.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    audit_record(actor=actor, action="notice.answer", object_type="objection", object_id=obj.pk,
                 org_path=obj.version.notice.org_path, after={"answer": obj.answer[:200]})
    return obj


@transaction.atomic
def objection_hide(*, actor: Any, objection: Any, reason: str) -> Any:
    """Keep an objection off the board (abuse, not about this notice); the reason is kept (PUB-04)."""
    from ganbu.notices.models import Objection

    reason = (reason or "").strip()
    if not reason:
        raise ValueError(HIDE_REASON)
    if len(reason) > 300:
        raise ValueError(REASON_TOO_LONG)
    obj = _pending(objection)
    obj.answer = mask_public(reason)
    obj.answered_by = actor
    obj.answered_at = timezone.now()
    obj.status = Objection.Status.HIDDEN
    obj.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    audit_record(actor=actor, action="notice.objection_hide", object_type="objection", object_id=obj.pk,
                 org_path=obj.version.notice.org_path, reason=obj.answer)
    return obj
