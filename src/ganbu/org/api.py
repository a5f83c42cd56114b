"""JSON API of the org app: the same scoped queries and masking as the pages (SEC-02)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from ninja import Field, Router, Schema, Status

from ganbu.core.access import NotFound, has_perm
from ganbu.core.audit import audit_record
from ganbu.org import queries
from ganbu.org.tokens import token_issue, token_revoke

router = Router(tags=["组织与人员"])


class PostOut(Schema):
    id: int
    org_id: int
    org_name: str
    title: str
    title_label: str
    start: date
    end: date | None
    funded: bool
    safety_duty: str


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    org_id: int
    org_name: str
    category: str
    id_number: str
    phone: str
    masked: bool


class PersonDetailOut(PersonOut):
    posts: list[PostOut]


def _person(user: Any, p: Any) -> dict[str, Any]:
    priv = queries.person_private(user, p)
    return {"id": p.pk, "name": p.name, "gender": p.gender, "org_id": p.org_id, "org_name": p.org.name,
            "category": p.category, "id_number": priv["id_number"], "phone": priv["phone"],
            "masked": bool(priv["masked"])}


class PeoplePage(Schema):
    count: int
    items: list[PersonOut]


@router.get("/people", response=PeoplePage)
def people_list(request: Any, q: str = "", limit: int = 50, offset: int = 0) -> Any:
    """People in the caller's scope, a page at a time; ID numbers and phones masked unless he may see them."""
    if not has_perm(request.user, "person.view"):
        raise NotFound()
    qs = queries.people_list(request.user, search=q)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return {"count": qs.count(), "items": [_person(request.user, p) for p in qs[offset:offset + limit]]}


@router.get("/people/{person_id}", response=PersonDetailOut)
def person_detail(request: Any, person_id: int) -> Any:
    p = queries.person_for(request.user, person_id, "person.view")
    posts = [{"id": x.pk, "org_id": x.org_id, "org_name": x.org.name, "title": x.title,
              "title_label": x.get_title_display(), "start": x.start, "end": x.end, "funded": x.funded,
              "safety_duty": x.safety_duty} for x in queries.person_posts(p)]
    return {**_person(request.user, p), "posts": posts}


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)
    otp: str | None = Field(default=None, max_length=6)


class TokenOut(Schema):
    token: str
    expires_in: int


class TokenError(Schema):
    detail: str


@router.post("/token", response={200: TokenOut, 401: TokenError}, auth=None)
def token_create(request: Any, payload: TokenIn) -> Any:
    """A bearer token for the phone app (``Authorization: Bearer …``), for username and password."""
    from ganbu.org import signin
    from ganbu.org.account_views import needs_totp

    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        return Status(401, {"detail": signin.lock_message(request) or "用户名或密码不正确，或账号已停用"})
    if user.must_change_password:
        return Status(401, {"detail": "请先在网页端登录并修改初始密码"})
    if needs_totp(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None or not payload.otp or not device.verify_token(payload.otp):
            return Status(401, {"detail": "该账号须填写动态验证码"})
    signin.signin_record(request=request, user=user, channel="api")
    audit_record(actor=user, action="org.token_issue", object_type="user", object_id=user.pk,
                 org_path=user.person.org_path if user.person_id else "")
    return {"token": token_issue(user), "expires_in": settings.GANBU_TOKEN_MAX_AGE}


@router.post("/token/revoke", response={204: None})
def token_revoke_mine(request: Any) -> Any:
    """End every token of the caller (a lost phone): the app must log in again."""
    token_revoke(actor=request.user, user=request.user)
    return Status(204, None)
