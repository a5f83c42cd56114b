"""Response headers and the last line against bad input (issue 17).

:class:`SecurityHeadersMiddleware` adds the Content-Security-Policy (no inline script: page
scripts are static files) and ``Cache-Control: no-store`` on every dynamic answer, since almost
every ganbu page shows somebody's personal data and a shared office computer must not keep it.

:class:`DomainErrorMiddleware` is the last resort when a bad value slipped past a form or a
schema and a domain rule or the database refused it: the user gets a Chinese 400 page (or JSON
on the API) that names the field where we know it, never a 500. Forms and schemas stay the place
input is parsed; every case caught here is logged so it can get its own form check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

log = logging.getLogger("ganbu.security")

BAD_INPUT = "输入有误，未保存任何内容，请检查后重试"
DUPLICATE = "这项内容已经提交过（可能是重复点击了提交），未重复保存"
TOO_LARGE_NUMBER = "数字超出允许范围"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "GANBU_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


def _messages(exc: BaseException) -> tuple[str, dict[str, list[str]]]:
    """A Chinese message and, where known, the fields it concerns."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            first = next(iter(fields.items()))
            return f"{_label(first[0])}：{first[1][0]}" if first[0] != "__all__" else first[1][0], fields
        return "；".join(exc.messages), {}
    if isinstance(exc, IntegrityError):
        return DUPLICATE, {}
    if isinstance(exc, OverflowError | DataError):
        return f"{TOO_LARGE_NUMBER}或{BAD_INPUT}", {}
    text = str(exc)
    if "NUL" in text or "\x00" in text:
        return "文字中含有不可见的控制字符（NUL），请删除后重试", {}
    if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text, {}  # our own domain errors already speak Chinese
    return BAD_INPUT, {}


def _label(field: str) -> str:
    return {"__all__": "表单"}.get(field, field)


def bad_input_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    message, fields = _messages(exc)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "fields": fields}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "core/bad_input.html", {"message": message, "fields": fields}, status=400)


class DomainErrorMiddleware:
    """Turns a domain refusal or a database refusal of a bad value into a Chinese 400."""

    HANDLED: tuple[type[BaseException], ...] = (ValidationError, ValueError, OverflowError, IntegrityError, DataError)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> Any:
        if not isinstance(exc, self.HANDLED):
            return None
        log.warning("bad input reached %s %s: %r", request.method, request.path, exc)
        return bad_input_response(request, exc)
