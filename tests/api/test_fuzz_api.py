"""Zero 500s on bad input (issue 17): schemathesis over every API operation, a bounded number of
examples each, as a cadre with a phone token. Fails on any 5xx."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from ganbu.api.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
FUZZ_SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
SERVER_ERRORS: list[str] = []


@pytest.fixture
def fuzz_token(world, policies):
    from ganbu.org.tokens import token_issue

    return token_issue(world.users.office)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_no_5xx(case, fuzz_token, client):
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    path = kwargs["url"].removeprefix("http://testserver")
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() not in {"content-length"}}
    headers["Authorization"] = f"Bearer {fuzz_token}"
    body = kwargs.get("json")
    data = json.dumps(body) if "json" in kwargs else kwargs.get("data") or ""
    client.raise_request_exception = False
    response = client.generic(case.method, path, data=data, content_type=headers.pop("Content-Type", "application/json"),
                              QUERY_STRING=urlencode(kwargs.get("params") or {}, doseq=True),
                              headers=headers)
    assert response.status_code < 500, f"{case.method} {path} {body!r} → {response.status_code}"
