"""Roster filters and filtered export (issue 10 bug 11): post, category, unit, age, education, party, term end."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _names(resp):
    html = resp.content.decode().split('id="people-rows"')[1]
    return {p for p in ("王书记", "李镇长", "赵办事", "钱干部", "孙支书", "周文书", "吴第一书记", "郑队员", "冯队员",
                        "陈外村") if f">{p}</a>" in html}


def test_roster_filter_every_first_secretary_in_the_county_and_export(world, login):
    """The county org department lists every 第一书记 in the county and exports that list."""
    client = login("county_org")
    assert _names(client.get("/org/people/", {"title": "first_secretary"})) == {"吴第一书记"}
    resp = client.get("/org/people/export.xlsx", {"title": "first_secretary"})
    sheet = load_workbook(io.BytesIO(resp.content)).active
    names = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] and r[0] != "姓名"]
    assert names == ["吴第一书记"]


def test_roster_filter_category_unit_party_age_education_and_term_end(world, login):
    """Each filter narrows the list in SQL; a bad age is a Chinese error on that field."""
    from ganbu.org.models import Post

    client = login("county_org")
    assert _names(client.get("/org/people/", {"category": "civil_servant", "org": world.village_a.pk})) == {
        "吴第一书记", "郑队员", "冯队员"}
    assert _names(client.get("/org/people/", {"party": "yes"})) == {"吴第一书记"}
    today = date.today()
    # everyone in the fixture was born 1980-05-01: age boundaries on either side of it
    age = today.year - 1980 - ((today.month, today.day) < (5, 1))
    assert len(_names(client.get("/org/people/", {"age_min": age, "age_max": age}))) == 10
    assert _names(client.get("/org/people/", {"age_min": age + 1})) == set()
    assert _names(client.get("/org/people/", {"age_max": age - 1})) == set()
    Post.objects.filter(person=world.people.cadre_a).update(end=date(today.year + 1, 1, 1))
    assert _names(client.get("/org/people/", {"term_end_by": f"{today.year + 1}-12-31"})) == {"周文书"}
    resp = client.get("/org/people/", {"age_min": "abc"})
    assert resp.status_code == 200 and "年龄应为整数" in resp.content.decode()
    world.people.cadre_a.education = "bachelor"
    world.people.cadre_a.save()
    assert _names(client.get("/org/people/", {"education": "bachelor"})) == {"周文书"}


def test_roster_filter_stays_within_scope(world, login):
    """A township office filtering by post sees only his township; naming another unit is not found."""
    client = login("office")
    assert _names(client.get("/org/people/", {"title": "village_secretary"})) == {"孙支书"}
    assert client.get("/org/people/", {"org": world.village_b.pk}).status_code in (200, 404)
    assert "陈外村" not in client.get("/org/people/", {"org": world.village_b.pk}).content.decode()
