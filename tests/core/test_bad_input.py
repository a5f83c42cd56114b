"""Zero 500s on bad input (issue 17): each cause the outside test found is a Chinese 400 naming
the field, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ganbu.attendance import rules as attendance_rules
from ganbu.notices import services as notices
from ganbu.notices.models import NoticeKind, Objection

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999999"


@pytest.fixture
def notice(world, policies):
    return notices.notice_publish_with_policy(actor=world.users.office, org=world.t1, kind=NoticeKind.POINTS_RANKING,
                                              key="bad:ranking", title="积分排名公示",
                                              content={"columns": ["姓名"], "rows": [["周文书"]], "text": "公示"})


def test_nul_byte_in_the_anonymous_objection_is_a_400_naming_the_field(notice, client):
    resp = client.post(reverse("notices:detail", args=[notice.pk]), {"text": "排名\x00有误", "name": "村民"})
    assert resp.status_code == 400
    assert "内容中含有不可见的控制字符" in resp.content.decode()
    assert Objection.objects.count() == 0


def test_nul_byte_in_api_json_is_a_400_naming_the_field(world, policies, client):
    client.force_login(world.users.cadre_a)
    resp = client.post("/api/leave/submit", '{"kind": "personal", "start": "2024-03-04", "end": "2024-03-05", '
                       '"reason": "家中\\u0000有事"}', content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["fields"] == {"reason": ["理由中含有不可见的控制字符（NUL），请删除后重试"]}


def test_att_09_non_ascii_qr_code_is_simply_not_valid():
    """A scanned QR code with non-ASCII text is a wrong code (ATT-09), never a TypeError."""
    assert attendance_rules.qr_verify("k", "330521100201", "二维码✓", ts=1_700_000_000, seconds=60) is False


def test_non_ascii_qr_code_at_the_sign_in_page_is_not_a_500(world, policies, client):
    client.force_login(world.users.cadre_a)
    client.raise_request_exception = False
    resp = client.post(reverse("attendance:signin"), {"qr": "二维码✓", "lat": "30.1", "lng": "120.1"})
    assert resp.status_code < 500


def test_an_uncaught_assessment_error_becomes_a_chinese_400(world, rf):
    """The last resort: a domain error a view forgot to catch is a Chinese 400 page, never a 500."""
    from ganbu.assessment.services import AssessmentError
    from ganbu.core.security import DomainErrorMiddleware

    request = rf.post("/assessment/x/")
    request.user = world.users.office
    resp = DomainErrorMiddleware(lambda r: None).process_exception(request, AssessmentError("督查日期应在本月内"))
    assert resp.status_code == 400 and "督查日期应在本月内" in resp.content.decode()
    api_request = rf.post("/api/assessment/x")
    api_request.user = world.users.office
    resp = DomainErrorMiddleware(lambda r: None).process_exception(api_request, AssessmentError("督查日期应在本月内"))
    assert resp.status_code == 400 and "督查日期应在本月内" in json.loads(resp.content)["detail"]


@pytest.mark.parametrize("url", [
    "/assessment/t/{t1}/results/99999999/",
    "/points/?year=99999999",
    "/core/calendar/?year=0",
    "/attendance/monthly/?month=9999-99",
    "/org/people/?org=" + HUGE,
])
def test_out_of_range_years_and_huge_integers_are_not_500(world, policies, client, url):
    client.force_login(world.users.county_org)
    client.raise_request_exception = False
    resp = client.get(url.format(t1=world.t1.pk))
    assert resp.status_code in (200, 400, 404), resp.status_code


@pytest.mark.parametrize("path", [f"/api/org/people/{HUGE}", f"/api/leave/{HUGE}", f"/api/cases/{HUGE}"])
def test_api_ids_past_bigint_are_400_or_404(world, client, path):
    client.force_login(world.users.county_org)
    client.raise_request_exception = False
    assert client.get(path).status_code in (400, 404)


def test_api_schema_documents_status_codes_and_enums():
    from ganbu.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert {400, 401, 404} <= {int(c) for c in operation["responses"]}
    monthly = schema["paths"]["/api/attendance/monthly"]["get"]
    month = next(p for p in monthly["parameters"] if p["name"] == "month")
    assert month["schema"]["anyOf"][0]["pattern"].startswith("^\\d{4}-")
    signin = schema["components"]["schemas"]["SignInIn"]["properties"]["coord_system"]
    assert signin["enum"] == ["wgs84", "gcj02"]


def test_api_validation_is_a_chinese_400_naming_the_field(world, client):
    client.force_login(world.users.cadre_a)
    resp = client.post("/api/attendance/signin", {"lat": "north"}, content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["fields"] == {"lat": ["须为数字"]}
