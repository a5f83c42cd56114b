"""The JSON API (OpenAPI at /api/docs). Each app that has an ``api.py`` with ``router`` is mounted
under its own name; pages and API call the same services and access functions."""

from __future__ import annotations

import importlib
import importlib.util
import json
from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from ganbu.api.auth import TokenAuth
from ganbu.core.access import NOT_FOUND, NotFound


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}

    def render(self, request: Any, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=self.encoder_class, **self.json_dumps_params)


api = NinjaAPI(title="ganbu API", version="1", renderer=ChineseJSONRenderer(), auth=[TokenAuth(), django_auth],
               urls_namespace="api")


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
