"""Issue 10, bug 6: no Django debug pages and no 500s from in-app links; Chinese 403/404/500 pages,
also under DEBUG (the demo); links a role cannot use are not shown to it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_not_found_raised_by_our_code_is_the_chinese_page_even_under_debug(client, world):
    resp = client.get(reverse("notices:detail", args=[999999]))
    html = resp.content.decode()
    assert resp.status_code == 404 and "未找到该页面" in html
    assert "Page not found" not in html and "URLconf" not in html and "Traceback" not in html


@override_settings(DEBUG=True)
def test_an_unhandled_error_under_debug_is_the_chinese_500_page():
    from django.core.exceptions import PermissionDenied

    from ganbu.core.errors import ChineseErrorPagesMiddleware

    mw = ChineseErrorPagesMiddleware(lambda r: None)
    request = RequestFactory().get("/x/")
    crash = mw.process_exception(request, RuntimeError("boom"))
    assert crash.status_code == 500 and "系统暂时出错" in crash.content.decode()
    assert "boom" not in crash.content.decode()
    refused = mw.process_exception(request, PermissionDenied())
    assert refused.status_code == 403 and "无权" in refused.content.decode()


def test_error_templates_exist_in_chinese(client, world):
    from django.template.loader import render_to_string

    for name, words in (("403.html", "无权"), ("404.html", "未找到"), ("500.html", "出错")):
        assert words in render_to_string(name)
    resp = client.get("/no-such-page/")  # DEBUG off: Django's own handler uses our template
    assert resp.status_code == 404 and "未找到该页面" in resp.content.decode()


def test_kpi_03_duty_report_year_without_policy_is_a_page_not_a_traceback(login, policies, world):
    """述职测评's "← 2023 年" link: a year without a policy in force answers 200 with a Chinese note."""
    resp = login("township_secretary").get(reverse("assessment:reports", args=[world.t1.pk]), {"year": 2023})
    assert resp.status_code == 200 and 'id="no-policy"' in resp.content.decode()


def test_points_submenu_shows_only_what_the_role_can_use(login, policies, world):
    """A cadre sees no 待审核/录入积分/积分目录/细则预览 links (each answered 404 for him)."""
    html = login("cadre_a").get(reverse("points:ranking")).content.decode()
    for name in ("points:pending", "points:record", "points:catalogue", "points:preview"):
        assert f'href="{reverse(name)}"' not in html, name
    html = login("township_secretary").get(reverse("points:ranking")).content.decode()
    assert f'href="{reverse("points:pending")}"' in html


def test_points_catalogue_opens_for_a_county_role(login, policies, world):
    resp = login("county_org").get(reverse("points:catalogue"))
    assert resp.status_code == 200


def test_village_secretary_monthly_attendance_opens_on_his_village_and_its_links_work(login, policies, world):
    """The default org of a village role is its village, never the township above (whose rows it may
    not see); the export and sheet links of that page then work."""
    c = login("village_secretary_a")
    resp = c.get(reverse("attendance:monthly"))
    assert resp.status_code == 200 and resp.context["org"] == world.village_a
    org = world.village_a.pk
    for name in ("attendance:monthly_xlsx", "attendance:sheet", "attendance:meetings"):
        assert c.get(reverse(name), {"org": org, "month": "2024-03"}).status_code == 200, name


def test_breadcrumbs_do_not_link_above_the_users_scope(login, policies, world):
    """A township role sees its county's name in the breadcrumb, not a link it cannot open; the roster
    link is shown only to roles that import or export."""
    html = login("township_head").get(reverse("org:detail", args=[world.t1.pk])).content.decode()
    assert world.county.name in html
    assert f'href="{reverse("org:detail", args=[world.county.pk])}"' not in html
    assert f'href="{reverse("org:roster")}"' not in html
    html = login("county_org").get(reverse("org:detail", args=[world.t1.pk])).content.decode()
    assert f'href="{reverse("org:detail", args=[world.county.pk])}"' in html
