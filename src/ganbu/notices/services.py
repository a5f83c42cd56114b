"""Publishing frozen notice versions (PUB-01, PUB-02)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ganbu.core.audit import audit_head, audit_record, chain_for
from ganbu.core.masking import mask_id_number, mask_phone, mask_text
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


@transaction.atomic
def notice_publish(
    *, actor: Any, org: Any, kind: str, key: str, title: str, content: dict[str, Any], period: str = "",
    public_until: date | None = None, supervision_phone: str = "", policy_ref: str = "",
) -> NoticeVersion:
    """Publish (or republish as a new version) a notice. Content is masked and frozen."""
    notice, _ = Notice.objects.get_or_create(
        key=key, defaults={"kind": kind, "title": title, "org": org, "org_path": org.path, "period": period}
    )
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    frozen = json.loads(json.dumps(mask_public(content), cls=DjangoJSONEncoder, ensure_ascii=False))
    digest = hashlib.sha256(json.dumps(frozen, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    latest = notice.versions.aggregate(m=Max("version"))["m"] or 0
    audit_record(actor=actor, action="notice.publish", object_type="notice", object_id=notice.pk,
                 org_path=org.path, after={"version": latest + 1, "content_hash": digest, "title": title})
    version = NoticeVersion.objects.create(
        notice=notice, version=latest + 1, content=frozen, content_hash=digest,
        audit_head=audit_head(chain_for(org.path)), published_by=actor, published_at=timezone.now(),
        public_until=public_until, supervision_phone=supervision_phone, policy_ref=policy_ref,
    )
    if notice.title != title:
        notice.title = title
        notice.save(update_fields=["title"])
    return version


NOTICE_NO_POLICY = "未找到施行中的公示细则（公示期、监督电话）"
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


@transaction.atomic
def objection_file(*, version: NoticeVersion, text: str, name: str = "", contact: str = "",
                   on: date | None = None) -> Any:
    """Anyone may object during the public period; the objection is kept until answered (PUB-04)."""
    from ganbu.notices.models import Objection

    today = on or timezone.localdate()
    if not text.strip():
        raise ValueError(OBJECTION_EMPTY)
    if version.public_until is not None and today > version.public_until:
        raise ValueError(OBJECTION_CLOSED)
    # The objection is public: identity and phone numbers typed into it are masked like the rest (PIPL).
    obj = Objection.objects.create(version=version, text=mask_text(text.strip()[:2000]), name=name.strip()[:50],
                                   contact=contact.strip()[:50])
    audit_record(actor=None, action="notice.objection", object_type="objection", object_id=obj.pk,
                 org_path=version.notice.org_path, after={"version": version.pk, "text": obj.text[:200]})
    return obj


@transaction.atomic
def objection_answer(*, actor: Any, objection: Any, answer: str) -> Any:
    from ganbu.notices.models import Objection

    if not answer.strip():
        raise ValueError(ANSWER_EMPTY)
    obj = Objection.objects.select_for_update().select_related("version__notice").get(pk=objection.pk)
    if obj.answered_at is not None:
        raise ValueError(ALREADY_ANSWERED)
    obj.answer = mask_text(answer.strip())
    obj.answered_by = actor
    obj.answered_at = timezone.now()
    obj.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="notice.answer", object_type="objection", object_id=obj.pk,
                 org_path=obj.version.notice.org_path, after={"answer": obj.answer[:200]})
    return obj
