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

import json
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
            if first[0] == "__all__" or first[1][0].startswith(field_label(first[0])):
                return first[1][0], fields
            return f"{field_label(first[0])}：{first[1][0]}", fields
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


def bad_input_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    message, fields = _messages(exc)
    if request.path.startswith("/api/"):
        fields = {k: v for k, v in fields.items()}
        return JsonResponse({"detail": message, "fields": fields}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    listed = {k: [m for m in v if m != message] for k, v in fields.items()}  # the headline is not repeated
    return render(request, "core/bad_input.html", {"message": message, "fields": {k: v for k, v in listed.items() if v}},
                  status=400)


# Chinese names for the form fields pages read directly, so a refusal names the field as the page does.
FIELD_LABELS = {
    "org": "组织", "person": "人员", "action": "操作", "year": "年度", "reason": "理由", "note": "说明",
    "month": "月份", "status": "状态", "date": "日期", "village": "村", "township": "镇（街道）", "start": "开始日期",
    "end": "结束日期", "scope": "范围", "kind": "类型", "version": "版本", "title": "标题", "summary": "摘要",
    "submit_key": "提交标识", "role": "角色", "qr": "二维码", "page": "页码", "override_reason": "调整理由",
    "next": "跳转地址", "name": "名称", "decision": "决定", "case": "事项", "answer": "答复", "text": "内容",
    "suggestions": "建议", "step": "审批环节", "stand_in": "代理人", "returned_on": "返岗日期", "result": "结果",
    "reported_on": "报告日期", "rectification": "整改", "q": "搜索", "points": "分值", "plan": "计划",
    "object_type": "对象类型", "object_id": "对象编号", "module": "模块", "minutes": "分钟", "method": "方式",
    "lng": "经度", "lat": "纬度", "item": "考核项目", "inspected_on": "检查日期", "half": "半年", "good": "亮点",
    "finding": "发现问题", "comment": "意见", "category": "类别", "contact": "联系方式", "coord_system": "坐标系",
    "file": "上传文件", "body": "内容", "content": "内容", "description": "说明", "remark": "备注", "phone": "电话", "id_number": "身份证号",
}


def field_label(name: str) -> str:
    base = name.rsplit(".", 1)[-1]
    return FIELD_LABELS.get(base, f"输入项“{base[:40]}”")


UPLOAD_TOO_LARGE = "上传的文件过大：每次提交最多 {mb}MB"
NUL_IN_FIELD = "{label}中含有不可见的控制字符（NUL），请删除后重试"
TOO_LONG_FIELD = "{label}过长（{n} 字，最多 {limit} 字）"


class InputGuardMiddleware:
    """Where every request's text enters: no field may carry a NUL character (PostgreSQL cannot
    store one) or exceed ``GANBU_MAX_FIELD_CHARS``. The refusal names the field, in Chinese, and
    nothing is written. Forms and schemas still apply their own, tighter, limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem:
            name, message = problem
            log.info("input refused at %s: %s", request.path, name)
            exc = ValidationError({name: [message]})
            return bad_input_response(request, exc)
        return self.get_response(request)

    def _problem(self, request: HttpRequest) -> tuple[str, str] | None:
        cap = int(getattr(settings, "GANBU_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > cap:  # refused before a byte of the upload is read
            return "file", UPLOAD_TOO_LARGE.format(mb=cap // (1024 * 1024))
        limit = int(getattr(settings, "GANBU_MAX_FIELD_CHARS", 50_000))
        sources = [request.GET]
        ctype = request.content_type or ""
        if request.method == "POST" and ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                for value in [key, *values]:
                    if "\x00" in value:
                        return key, NUL_IN_FIELD.format(label=field_label(key))
                    if len(value) > limit:
                        return key, TOO_LONG_FIELD.format(label=field_label(key), n=len(value), limit=limit)
        if ctype == "application/json" and request.method in ("POST", "PUT", "PATCH"):
            body = request.body
            if b"\\u0000" in body or len(body) > limit * 4:
                try:
                    return _json_problem(json.loads(body), "", limit)
                except ValueError:
                    return None  # not JSON: the schema's own validation answers
        return None


def _json_problem(value: Any, where: str, limit: int) -> tuple[str, str] | None:
    if isinstance(value, str):
        if "\x00" in value:
            return where, NUL_IN_FIELD.format(label=field_label(where or "body"))
        if len(value) > limit:
            return where, TOO_LONG_FIELD.format(label=field_label(where or "body"), n=len(value), limit=limit)
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _json_problem(item, f"{where}.{key}" if where else str(key), limit)
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _json_problem(item, where, limit)
            if found:
                return found
    return None


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
