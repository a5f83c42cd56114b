"""JSON API for phones: the same services and access checks as the pages."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from ganbu.api.auth import SignInTokenAuth
from ganbu.attendance import queries, services
from ganbu.attendance.signin_statement import signin_by_token
from ganbu.attendance.views import NO_PERSON, _month, _msg
from ganbu.org.models import Person
from ganbu.org.tokens import TokenClaims, claims_for

TOKEN_INVALID = "登录凭证已失效（账号停用或凭证已注销），请重新登录"

router = Router(tags=["考勤"])


class SignInIn(Schema):
    lat: float | None = Field(None, ge=-90, le=90, description="纬度（度）")
    lng: float | None = Field(None, ge=-180, le=180, description="经度（度）")
    coord_system: Literal["wgs84", "gcj02"] = Field("wgs84", description="坐标系：wgs84（GPS）或 gcj02（国测局）")
    qr: str | None = Field(None, max_length=200, description="办公点二维码上的字符串")


class SignInOut(Schema):
    id: int
    date: str
    at: str
    proof: str
    distance_m: float | None = None
    created: bool


class Error(Schema):
    detail: str


@router.post("/signin", response={200: SignInOut, 201: SignInOut, 400: Error, 401: Error},
             auth=[SignInTokenAuth(), django_auth])
def signin(request: Any, payload: SignInIn) -> Any:
    """Sign in for today (ATT-01..03, ATT-09). A repeat returns the first record (200).

    A new sign-in is one SQL statement on PostgreSQL (``signin_statement``): straight from a
    bearer token (the phone app), or after the session's user and person are read (the phone
    page). Refusals, repeats and SQLite take the general service below.
    """
    if payload.coord_system not in {"wgs84", "gcj02"}:
        return Status(400, {"detail": "坐标系只能是 wgs84 或 gcj02"})
    token = request.auth if isinstance(request.auth, TokenClaims) else None
    if token is not None and not getattr(request, "signin_statement_tried", False):
        done = signin_by_token(token, lat=payload.lat, lng=payload.lng, coord_system=payload.coord_system,
                               qr_token=payload.qr)
        if done is not None:  # already the response's shape: no second validation on the hot path
            return JsonResponse(done, status=201, json_dumps_params={"ensure_ascii": False})
    if token is not None and not request.user.is_authenticated:
        return Status(401, {"detail": TOKEN_INVALID})
    person = Person.objects.filter(pk=request.user.person_id).select_related("org").first() \
        if request.user.person_id else None
    if person is None:
        return Status(400, {"detail": NO_PERSON})
    if token is None:
        done = signin_by_token(claims_for(request.user, person), lat=payload.lat, lng=payload.lng,
                               coord_system=payload.coord_system, qr_token=payload.qr)
        if done is not None:
            return JsonResponse(done, status=201, json_dumps_params={"ensure_ascii": False})
    try:
        record, created = services.signin_record(actor=request.user, person=person, lat=payload.lat, lng=payload.lng,
                                                 coord_system=payload.coord_system, qr_token=payload.qr)
    except ValidationError as exc:
        return Status(400, {"detail": _msg(exc)})
    return Status(201 if created else 200, {
        "id": record.pk, "date": record.date.isoformat(), "at": timezone.localtime(record.at).isoformat(),
        "proof": record.proof, "distance_m": record.distance_m, "created": created})


class MonthlyRowOut(Schema):
    name: str
    org: str
    days: int
    present: int
    leave: int
    trip: int
    meeting: int
    absent: int
    deduction: str
    half_absent: int
    half_deduction: str


@router.get("/monthly", response={200: list[MonthlyRowOut], 400: Error})
def monthly(request: Any, org: int | None = None,
            month: str | None = Query(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="月份，YYYY-MM")) -> Any:
    """Monthly statistics (ATT-05) for an org in the caller's scope."""
    try:
        target = queries.scoped_org(request.user, org, "attendance.view")
        stats = queries.monthly_stats(org=target, month=_month(month))
    except ValidationError as exc:
        return Status(400, {"detail": _msg(exc)})
    return [{"name": r.name, "org": r.org_name, "days": r.days, "present": r.present, "leave": r.leave,
             "trip": r.trip, "meeting": r.meeting, "absent": r.absent, "deduction": str(r.deduction),
             "half_absent": r.half_absent, "half_deduction": str(r.half_deduction)} for r in stats.rows]
