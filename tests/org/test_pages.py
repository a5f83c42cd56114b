"""Org pages: tree, detail, people, person, forms (ORG-01..09, ORG-07 scopes, SEC-02 masking)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ganbu.core.idnumber import make_id_number
from ganbu.core.masking import mask_id_number
from ganbu.org.models import Org, Person, Post, SecretaryAppointment

pytestmark = pytest.mark.django_db


def test_org_01_tree_shows_history_and_org_06_units_beside(world, login):
    """ORG-01: a merged village stays in the tree, greyed, with its successor; ORG-06: the dispatch
    unit sits beside the tree with its leader."""
    from ganbu.org.services import org_merge, org_update

    org_update(actor=None, org=world.unit, leader_name="周副局长")
    org_merge(actor=None, absorbed=world.village_c, into=world.village_a, on=date(2025, 6, 30))
    html = login("county_org").get(reverse("org:tree")).content.decode()
    assert "东村" in html and "青山镇" in html and "西村" in html
    assert 'class="gone"' in html and "并入 东村" in html
    beside = html.split("派出单位与县直部门")[1]
    assert "县农业农村局" in beside and "周副局长" in beside


def test_org_07_tree_limited_to_scope(world, login):
    html = login("village_secretary_a").get(reverse("org:tree")).content.decode()
    assert "东村" in html and "西村" not in html and "南村" not in html


def test_org_detail_lists_current_and_past_cadres(world, login):
    """ORG-02: an ended post stays and is shown under past holders."""
    from ganbu.org.services import post_end

    post = Post.objects.get(person=world.people.cadre_a)
    post_end(actor=None, post=post, end=date(2025, 1, 31), reason="辞职")
    html = login("office").get(reverse("org:detail", args=[world.village_a.pk])).content.decode()
    current, past = html.split("历任")
    assert "孙支书" in current and "周文书" not in current
    assert "周文书" in past and "辞职" in past


def test_org_edit_households_and_categories(world, login):
    client = login("office")
    r = client.post(reverse("org:edit", args=[world.village_a.pk]),
                    {"households": "222", "categories": ["weak_collective"], "address": "东村村委会",
                     "latitude": "30.2", "longitude": "120.2"})
    assert r.status_code == 302
    world.village_a.refresh_from_db()
    assert world.village_a.households == 222 and world.village_a.categories == ["weak_collective"]
    r = client.post(reverse("org:edit", args=[world.village_a.pk]), {"households": "-3", "latitude": "99"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "户数不能为负数" in body and "90" in body
    world.village_a.refresh_from_db()
    assert world.village_a.households == 222


def test_org_01_rename_and_merge_forms_keep_history(world, login):
    client = login("office")
    r = client.post(reverse("org:rename", args=[world.village_c.pk]), {"new_name": "南湖村", "on": "2025-03-01",
                                                                        "reason": "报批"})
    assert r.status_code == 302
    r = client.post(reverse("org:merge", args=[world.village_c.pk]), {"into": world.village_a.pk,
                                                                       "on": "2025-06-30", "reason": "规模调整"})
    assert r.status_code == 302
    c = Org.objects.get(pk=world.village_c.pk)
    assert c.name == "南湖村" and c.valid_to == date(2025, 6, 30) and c.successor_id == world.village_a.pk
    html = client.get(reverse("org:detail", args=[c.pk])).content.decode()
    assert "南村 → 南湖村" in html and "并入" in html and "东村" in html


def test_org_07_village_secretary_cannot_edit(world, login):
    client = login("village_secretary_a")
    html = client.get(reverse("org:detail", args=[world.village_a.pk])).content.decode()
    assert "编辑基本信息" not in html
    r = client.post(reverse("org:edit", args=[world.village_a.pk]), {"households": "1"})
    assert r.status_code == 404
    world.village_a.refresh_from_db()
    assert world.village_a.households == 180


def test_people_list_scoped_and_searchable(world, login):
    client = login("office")
    html = client.get(reverse("org:people")).content.decode()
    assert "孙支书" in html and "王书记" in html and "陈外村" not in html
    html = client.get(reverse("org:people"), {"q": "孙"}).content.decode()
    assert "孙支书" in html and "周文书" not in html
    html = login("village_secretary_a").get(reverse("org:people")).content.decode()
    assert "孙支书" in html and "王书记" not in html


def test_sec_02_person_id_masked_without_view_id(world, login):
    p = world.people.cadre_a
    html = login("village_secretary_a").get(reverse("org:person", args=[p.pk])).content.decode()
    assert p.id_number not in html and mask_id_number(p.id_number) in html and p.phone not in html
    html = login("office").get(reverse("org:person", args=[p.pk])).content.decode()
    assert p.id_number in html and p.phone in html


def test_person_self_view(world, login):
    p = world.people.cadre_a
    r = login("cadre_a").get(reverse("org:person", args=[p.pk]))
    assert r.status_code == 200 and p.name in r.content.decode()
    r = login("cadre_a").get(reverse("org:person", args=[world.people.village_secretary_a.pk]))
    assert r.status_code == 404


def _person_post(world, **over):
    data = {"name": "新干部", "gender": "M", "id_number": make_id_number("330521", date(1990, 2, 3), 401, True),
            "birth_date": "1990-02-03", "staff_status": "none", "category": "village_elected",
            "org": world.village_a.pk}
    data.update(over)
    return data


def test_person_create_form_and_chinese_field_errors(world, login):
    client = login("office")
    data = _person_post(world)
    r = client.post(reverse("org:person_new"), data)
    assert r.status_code == 302
    assert Person.objects.filter(id_number=data["id_number"], org=world.village_a).exists()
    bad = data["id_number"][:17] + ("0" if data["id_number"][17] != "0" else "1")
    r = client.post(reverse("org:person_new"), _person_post(world, id_number=bad, name=""))
    body = r.content.decode()
    assert r.status_code == 400 and "身份证号校验位错误" in body and "此项必填" in body
    assert not Person.objects.filter(id_number=bad).exists()
    r = client.post(reverse("org:person_new"), _person_post(world, org=world.village_b.pk))
    assert r.status_code == 400 and "请选择有效的选项" in r.content.decode()


def test_person_edit(world, login):
    p = world.people.cadre_a
    client = login("office")
    data = {"name": "周文书", "gender": "F", "id_number": p.id_number, "phone": "13900000000", "staff_status": "none",
            "category": "village_elected", "org": world.village_a.pk}
    r = client.post(reverse("org:person_edit", args=[p.pk]), data)
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.phone == "13900000000"


def test_org_02_post_start_overlap_refused_with_reason(world, login):
    client = login("office")
    p = world.people.township_cadre
    base = {"org": world.village_a.pk, "title": "village_secretary", "start": "2025-01-01", "safety_duty": "防火",
            "principal": "on"}
    r = client.post(reverse("org:post_new", args=[p.pk]), base)
    assert r.status_code == 400 and "该职务同一时间只能有一人担任" in r.content.decode()
    r = client.post(reverse("org:post_new", args=[p.pk]), {**base, "title": "mass_org"})
    assert r.status_code == 302
    assert Post.objects.filter(person=p, title="mass_org").count() == 1


def test_org_08_post_form_requires_safety_duty(world, login):
    client = login("office")
    p = world.people.township_cadre
    r = client.post(reverse("org:post_new", args=[p.pk]),
                    {"org": world.village_a.pk, "title": "mass_org", "start": "2025-01-01", "safety_duty": ""})
    assert r.status_code == 400 and "一岗双责" in r.content.decode()
    assert not Post.objects.filter(person=p, title="mass_org").exists()


def test_org_02_post_end_form_keeps_row(world, login):
    post = Post.objects.get(person=world.people.cadre_a)
    r = login("office").post(reverse("org:post_end", args=[post.pk]), {"end": "2025-05-31", "reason": "调任"})
    assert r.status_code == 302
    post.refresh_from_db()
    assert post.end == date(2025, 5, 31) and post.end_reason == "调任"


def test_org_09_appointment_form(world, login):
    post = Post.objects.get(person=world.people.village_secretary_a)
    client = login("office")
    assert client.get(reverse("org:appointment", args=[post.pk])).status_code == 200
    r = client.post(reverse("org:appointment", args=[post.pk]), {"source": "veteran", "method": "public_direct",
                                                                 "strong_good_assessment": ""})
    assert r.status_code == 400 and "此项必填" in r.content.decode()
    r = client.post(reverse("org:appointment", args=[post.pk]), {"source": "veteran", "method": "public_direct",
                                                                 "strong_good_assessment": "双强双好，评估优秀"})
    assert r.status_code == 302
    appt = SecretaryAppointment.objects.get(post=post)
    assert appt.source == "veteran" and appt.method == "public_direct"
    html = client.get(reverse("org:person", args=[post.person_id])).content.decode()
    assert "退役军人" in html and "公推直选" in html
    clerk = Post.objects.get(person=world.people.cadre_a)
    assert client.get(reverse("org:appointment", args=[clerk.pk])).status_code == 404


def test_org_05_assessor_page_configures_per_township(world, login):
    client = login("office")
    r = client.post(reverse("org:assessors", args=[world.t1.pk]),
                    {"category": "career", "daily": "department", "meetings": "party_committee"})
    assert r.status_code == 302
    html = client.get(reverse("org:assessors", args=[world.t1.pk])).content.decode()
    assert "所在部门/单位" in html
    assert login("village_secretary_a").get(reverse("org:assessors", args=[world.t1.pk])).status_code == 404


def test_org_04_group_page_configures_per_township(world, login):
    client = login("office")
    r = client.post(reverse("org:group", args=[world.t1.pk]),
                    {"person": world.people.township_secretary.pk, "group_role": "leader", "start": "2025-01-01"})
    assert r.status_code == 302
    r = client.post(reverse("org:group", args=[world.t1.pk]),
                    {"person": world.people.township_head.pk, "group_role": "leader", "start": "2025-01-01"})
    assert r.status_code == 400 and "已由 王书记 担任" in r.content.decode()
    html = client.get(reverse("org:group", args=[world.t1.pk])).content.decode()
    assert "组长" in html and "王书记" in html


def test_people_list_query_count_does_not_grow_with_people(world, login):
    """The list page's queries are fixed, however many people are on it (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ganbu.org.services import person_create, post_start

    client = login("office")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("org:people"))
    for i in range(15):
        p = person_create(actor=None, org=world.village_a, name=f"加{i}", gender="M",
                          id_number=make_id_number("330521", date(1985, 1, 1), 300 + i, True))
        post_start(actor=None, person=p, org=world.village_a, title="group_leader", start=date(2024, 1, 1),
                   safety_duty="巡查")
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("org:people")).content.decode()
    assert "加14" in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_tree_query_count_is_fixed(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("county_org")
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("org:tree"))
    assert len(ctx.captured_queries) <= 8


def test_org_06_dispatch_unit_page_lists_its_stationed_cadres_and_leader(world, login):
    from ganbu.org.services import org_update

    org_update(actor=None, org=world.unit, leader_name="周副局长")
    html = login("county_org").get(reverse("org:detail", args=[world.unit.pk])).content.decode()
    assert "派驻干部" in html and "周副局长" in html
    cadres = html.split("派驻干部")[1]
    assert "吴第一书记" in cadres and "郑队员" in cadres and "冯队员" in cadres and "孙支书" not in cadres
    assert "东村" in cadres
