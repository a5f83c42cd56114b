"""SEC-02 / ORG-07: the outsider (village B's secretary) gets the same 404 for village A's objects
as for an ID that does not exist, on every org route and API call."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganbu.core.access import NOT_FOUND
from ganbu.org.models import AssessmentGroupMember, Post

pytestmark = pytest.mark.django_db
MISSING = 987654


def _routes(world):
    """(name, args for an object of village A / township 1, method, data)."""
    sec_post = Post.objects.get(person=world.people.village_secretary_a)
    member = AssessmentGroupMember.objects.create(org=world.t1, person=world.people.township_secretary,
                                                  group_role="leader", start="2024-01-01")
    person = world.people.cadre_a
    return [
        ("org:detail", world.village_a.pk, "get", None),
        ("org:edit", world.village_a.pk, "post", {"households": "1"}),
        ("org:rename", world.village_a.pk, "post", {"new_name": "X", "on": "2025-01-01"}),
        ("org:merge", world.village_a.pk, "post", {"into": world.village_b.pk, "on": "2025-01-01"}),
        ("org:assessors", world.t1.pk, "get", None),
        ("org:assessors", world.t1.pk, "post", {"category": "career", "daily": "department",
                                                "meetings": "department"}),
        ("org:group", world.t1.pk, "get", None),
        ("org:group", world.t1.pk, "post", {"person": world.people.township_head.pk, "group_role": "member",
                                            "start": "2025-01-01"}),
        ("org:group_end", member.pk, "post", {}),
        ("org:person", person.pk, "get", None),
        ("org:person_edit", person.pk, "get", None),
        ("org:person_edit", person.pk, "post", {"name": "X"}),
        ("org:post_new", person.pk, "get", None),
        ("org:post_new", person.pk, "post", {"title": "mass_org"}),
        ("org:post_end", sec_post.pk, "get", None),
        ("org:post_end", sec_post.pk, "post", {"end": "2025-01-01", "reason": "x"}),
        ("org:appointment", sec_post.pk, "get", None),
        ("org:appointment", sec_post.pk, "post", {"source": "veteran"}),
    ]


def test_sec_02_outsider_refused_on_every_object_route_like_missing_id(world, login):
    client = login("outsider")
    for name, pk, method, data in _routes(world):
        call = getattr(client, method)
        theirs = call(reverse(name, args=[pk]), data or {})
        missing = call(reverse(name, args=[MISSING]), data or {})
        assert theirs.status_code == 404, name
        assert missing.status_code == 404, name
        assert theirs.content == missing.content, name
    # nothing changed
    world.village_a.refresh_from_db()
    assert world.village_a.households == 180 and world.village_a.name == "东村"
    assert Post.objects.get(person=world.people.village_secretary_a).end is None


def test_sec_02_outsider_list_pages_show_only_his_scope(world, login):
    client = login("outsider")
    html = client.get(reverse("org:people")).content.decode()
    assert "陈外村" in html and "孙支书" not in html
    html = client.get(reverse("org:tree")).content.decode()
    assert "西村" in html and "东村" not in html


def test_sec_02_roster_routes_refused_without_permission(world, login):
    """A village secretary holds neither roster.import nor roster.export."""
    client = login("outsider")
    for name in ("org:roster", "org:roster_template", "org:roster_export", "org:roster_import"):
        assert client.get(reverse(name)).status_code == 404, name
    assert client.post(reverse("org:roster_import"), {}).status_code == 404


def test_sec_02_outsider_refused_on_someone_elses_import_job(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ganbu.org.roster import roster_import_start, roster_template

    job = roster_import_start(actor=world.users.office, upload=SimpleUploadedFile("t.xlsx", roster_template()))
    theirs = login("outsider").get(reverse("org:job", args=[job.pk]))
    missing = login("outsider").get(reverse("org:job", args=[MISSING]))
    assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content
    assert login("office").get(reverse("org:job", args=[job.pk])).status_code == 200


def test_sec_02_api_outsider_refused_and_masked(world, login):
    p = world.people.cadre_a
    client = login("outsider")
    theirs = client.get(f"/api/org/people/{p.pk}")
    missing = client.get(f"/api/org/people/{MISSING}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {"detail": NOT_FOUND}
    names = [x["name"] for x in client.get("/api/org/people").json()["items"]]
    assert names == ["陈外村"]


def test_sec_02_api_people_scoped_and_masked(world, login):
    p = world.people.cadre_a
    data = login("village_secretary_a").get(f"/api/org/people/{p.pk}").json()
    assert data["masked"] is True and data["id_number"] != p.id_number and "*" in data["id_number"]
    assert data["posts"][0]["title"] == "village_clerk"
    data = login("office").get(f"/api/org/people/{p.pk}").json()
    assert data["masked"] is False and data["id_number"] == p.id_number
    page = login("office").get("/api/org/people", {"q": "周"}).json()
    assert page["count"] == 1 and page["items"][0]["name"] == "周文书"


def test_sec_02_api_anonymous_refused(world, client):
    assert client.get("/api/org/people").status_code == 401


def test_org_07_dispatch_leader_sees_only_his_stationed_cadres(world, login):
    client = login("dispatch_leader")
    html = client.get(reverse("org:people")).content.decode()
    assert "吴第一书记" in html and "郑队员" in html and "孙支书" not in html
    assert client.get(reverse("org:person", args=[world.people.first_secretary.pk])).status_code == 200
    assert client.get(reverse("org:person", args=[world.people.cadre_a.pk])).status_code == 404


def test_org_07_township_office_cannot_act_in_other_township(world, login):
    client = login("office")
    r = client.post(reverse("org:post_end", args=[Post.objects.get(person=world.people.outsider).pk]),
                    {"end": "2025-01-01", "reason": "x"})
    assert r.status_code == 404
    assert client.get(reverse("org:person", args=[world.people.outsider.pk])).status_code == 404
    assert Post.objects.get(person=world.people.outsider).end is None


def test_org_07_county_rural_views_but_cannot_manage(world, login):
    client = login("county_rural")
    assert client.get(reverse("org:person", args=[world.people.cadre_a.pk])).status_code == 200
    assert client.get(reverse("org:person_edit", args=[world.people.cadre_a.pk])).status_code == 404
    assert client.get(reverse("org:post_new", args=[world.people.cadre_a.pk])).status_code == 404


def test_sec_02_public_sees_no_org_page(world, client):
    """The public (not signed in) is sent to the login page; no org data leaks."""
    for url in (reverse("org:tree"), reverse("org:people"), reverse("org:detail", args=[world.village_a.pk]),
                reverse("org:person", args=[world.people.cadre_a.pk]), reverse("org:roster_export")):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/")
        assert "孙支书" not in r.content.decode()


def test_people_search_partial_for_htmx(world, login):
    r = login("office").get(reverse("org:people"), {"q": "周", "partial": "1"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and "周文书" in body and "孙支书" not in body
