"""The JSON API (OpenAPI at /api/docs). Each app that has an ``api.py`` with ``router`` is mounted
under its own name; pages and API call the same services and access functions."""

from __future__ import annotations

import importlib
import importlib.util
import json
from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from ganbu.api.auth import TokenAuth
from ganbu.core.access import NOT_FOUND, NotFound


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}

    def render(self, request: Any, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=self.encoder_class, **self.json_dumps_params)


# Every operation may answer these besides its own: documented once here so the schema tells the truth.
COMMON_RESPONSES = {
    "400": "输入有误：{\"detail\": 中文说明（指出字段）, \"fields\": {字段: [说明]}}",
    "401": "未登录或登录凭证无效",
    "404": "对象不存在或无权查看（两者回答相同）",
    "405": "不支持的请求方法",
}
_ERROR_SCHEMA = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


class GanbuAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, text in COMMON_RESPONSES.items():
                    responses.setdefault(int(code), {"description": text, "content": {
                        "application/json": {"schema": _ERROR_SCHEMA}}})
        return schema


api = GanbuAPI(title="ganbu API", version="1", renderer=ChineseJSONRenderer(), auth=[TokenAuth(), django_auth],
               urls_namespace="api")


_PYDANTIC_ZH = {"missing": "必填", "int_parsing": "须为整数", "float_parsing": "须为数字", "int_type": "须为整数",
                "float_type": "须为数字", "string_type": "须为文字", "bool_parsing": "须为是/否",
                "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）", "date_parsing": "须为日期（YYYY-MM-DD）",
                "literal_error": "不在允许的取值中", "enum": "不在允许的取值中", "string_too_long": "过长",
                "string_pattern_mismatch": "格式不正确", "greater_than_equal": "过小", "less_than_equal": "过大",
                "greater_than": "过小", "less_than": "过大", "date_type": "须为日期（YYYY-MM-DD）",
                "json_invalid": "不是有效的 JSON", "model_attributes_type": "格式不正确", "dict_type": "格式不正确",
                "list_type": "须为列表", "int_from_float": "须为整数", "decimal_parsing": "须为数字",
                "value_error": "取值不正确", "too_long": "过长"}


@api.exception_handler(ValidationError)
def _invalid(request: Any, exc: ValidationError) -> Any:
    """A schema refusal in Chinese, 400, naming each field (ninja answers 422 in English otherwise)."""
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        name = ".".join(loc) or "请求"
        fields.setdefault(name, []).append(_PYDANTIC_ZH.get(err.get("type", ""), "格式不正确"))
    from ganbu.core.security import field_label

    detail = "；".join(f"{field_label(name)}：{'、'.join(msgs)}" for name, msgs in fields.items())
    return api.create_response(request, {"detail": f"输入有误：{detail}", "fields": fields}, status=400)


@api.exception_handler(NotFound)
def _not_found(request: Any, exc: Exception) -> Any:
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


APPS = ["org", "attendance", "leave", "points", "assessment", "cases", "notices", "targets", "stationing", "diary",
        "subsidies", "core"]
for _app in APPS:
    if importlib.util.find_spec(f"ganbu.{_app}.api") is not None:
        api.add_router(f"/{_app}/", importlib.import_module(f"ganbu.{_app}.api").router)


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, the sign-in route wrapped by its hot path (see ``signin_statement``)."""
    from ganbu.attendance.signin_statement import hot_path

    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if str(pattern.pattern) == "attendance/signin":
            pattern.callback = hot_path(pattern.callback)
    return patterns, app_name, namespace
