"""Issue 10, bug 12: policies are edited in Chinese forms generated from the schemas (POL-01), and the
audit page speaks Chinese (who did what to whom)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from ganbu.core.models import PolicyVersion
from tests.htmlform import Page, form_fields

pytestmark = pytest.mark.django_db


def _visible(html: str) -> str:
    page = Page()
    page.feed(html)
    return " ".join(page.text)


def _subsidies(world):
    return PolicyVersion.objects.get(org=world.county, module="subsidies")


def test_pol_01_policy_page_shows_tiers_as_a_table_in_chinese_without_keys_or_seed_codes(login, policies, world):
    """POL-01: 细则 shows household tiers as a table with Chinese headers, post titles by name, the
    source by its document title; no English key (household_tiers), no JSON, no S0–S4."""
    html = login("county_org").get(reverse("core:policy", args=[_subsidies(world).pk])).content.decode()
    text = _visible(html)
    assert "户数上限（含）" in text and "党组织书记年补贴（元）" in text
    assert "村党组织书记" in text or "村党支部书记" in text  # covered_titles by their Chinese names
    for english in ("household_tiers", "covered_titles", "dual_post_rule", "village_secretary", "max_households"):
        assert english not in text, english
    assert not re.search(r"(?<![A-Za-z0-9])S[0-4](?![A-Za-z0-9])", text)
    assert "{" not in text and "[" not in text  # no JSON


def test_pol_01_edit_tiers_in_the_table_add_a_row_and_errors_show_in_place(login, policies, world):
    """POL-01: the office changes a tier's amount and adds a tier in the table editor; a letter in a
    number cell is refused with the row named, next to the field, and nothing is saved."""
    v = _subsidies(world)
    c = login("county_org")
    page = c.get(reverse("core:policy_edit", args=[v.pk])).content.decode()
    assert 'id="p_household_tiers"' in page and "<textarea" in page
    data = form_fields(page)
    rows = int(data["p_household_tiers__rows"])
    filled = [i for i in range(rows) if data.get(f"p_household_tiers__{i}__amount")]
    blank = next(i for i in range(rows) if i not in filled)
    bad = dict(data, **{f"p_household_tiers__{filled[0]}__amount": "一千二"})
    count = PolicyVersion.objects.count()
    r = c.post(reverse("core:policy_edit", args=[v.pk]), bad)
    assert r.status_code == 400 and PolicyVersion.objects.count() == count
    html = r.content.decode()
    error = html[html.index('id="error-household_tiers"'):][:200]
    assert "第 1 行" in error and "党组织书记年补贴（元）" in error
    assert "一千二" in html  # what was typed is kept
    good = dict(data, **{f"p_household_tiers__{filled[0]}__amount": "1300",
                         f"p_household_tiers__{blank}__max_households": "",
                         f"p_household_tiers__{blank}__amount": ""})
    r = c.post(reverse("core:policy_edit", args=[v.pk]), good)
    assert r.status_code == 302, r.content.decode()[:500]
    new = PolicyVersion.objects.filter(org=world.county, module="subsidies").order_by("-version").first()
    tiers = new.params["household_tiers"]
    assert Decimal(str(tiers[0]["amount"])) == Decimal("1300") and len(tiers) == len(filled)
    assert new.params["covered_titles"] == v.params["covered_titles"]  # codes survive the Chinese round trip


def test_pol_01_choices_are_shown_in_chinese(login, policies, world):
    """POL-01: a choice parameter (attendance proof mode) is offered by Chinese names, stored as its code."""
    v = PolicyVersion.objects.get(org=world.county, module="attendance")
    html = login("county_org").get(reverse("core:policy_edit", args=[v.pk])).content.decode()
    select = html[html.index('name="p_proof_mode"'):]
    select = select[:select.index("</select>")]
    assert "定位在围栏内" in select and "扫办公室二维码" in select and ">geofence<" not in select
    assert "非编" not in select  # "none" is read in its own family, not as a staff status


def test_audit_page_says_who_did_what_to_whom_in_chinese(login, policies, world):
    """The audit page: '赵办事 发布公示“青山镇…”' with changed fields by their Chinese names; no action
    codes (notice.publish), no JSON, no seed codes."""
    from datetime import date

    from ganbu.attendance.services import monthly_publish

    monthly_publish(actor=world.users.office, org=world.t1, month=date(2024, 3, 1))
    html = login("township_secretary").get(reverse("core:audit")).content.decode()
    text = _visible(html)
    assert "赵办事" in text and "发布公示" in text and "青山镇2024年03月考勤公示" in text
    assert "notice.publish" not in text and "policy.adopt" not in text and '"' + "version" not in text
    assert "施行细则" in text  # the preset adoption rows, in words
    assert not re.search(r"(?<![A-Za-z0-9])S[0-4](?![A-Za-z0-9])", text)
