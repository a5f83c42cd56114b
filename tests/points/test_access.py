"""SEC-02 for 积分: the outsider (village B secretary) gets the same 404 as a nonexistent ID on every route."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ganbu.core.access import NOT_FOUND
from ganbu.points import services
from ganbu.points.models import PointEntry

pytestmark = pytest.mark.django_db

MISSING = 999999


@pytest.fixture
def stuff(world, pts, give):
    give(world.people.cadre_a, pts.law, 5, with_evidence=True)
    entry = services.point_entry_record(actor=world.users.office, person=world.people.cadre_a,
                                        item_id=pts.upper.pk, points="2", on=pts.today, note="待审")
    summary = services.cycle_summarise(actor=world.users.office, cycle=pts.cycle, kind="half")
    evidenced = PointEntry.objects.filter(evidence__isnull=False).first()
    return {"entry": entry, "summary": summary, "evidenced": evidenced}


def _same_404(client, method, name, real_args, missing_args, data=None):
    call = client.post if method == "post" else client.get
    real = call(reverse(name, args=real_args), data or {})
    missing = call(reverse(name, args=missing_args), data or {})
    assert real.status_code == 404 == missing.status_code, name
    assert NOT_FOUND in real.content.decode() or real.content == missing.content


def test_outsider_refused_on_every_points_route(world, pts, stuff, login):
    """Outsider: ranking, ledger, evidence, approve, circular get 404 like a missing ID; lists hide 青山镇."""
    c = login("outsider")
    p = world.people
    real = c.get(reverse("points:ranking"), {"org": world.t1.pk})
    missing = c.get(reverse("points:ranking"), {"org": MISSING})
    assert real.status_code == missing.status_code == 404
    _same_404(c, "get", "points:ledger", [p.cadre_a.pk], [MISSING])
    _same_404(c, "get", "points:evidence", [stuff["evidenced"].pk], [MISSING])
    _same_404(c, "post", "points:approve", [stuff["entry"].pk], [MISSING], {"action": "approve"})
    _same_404(c, "get", "points:circular", [stuff["summary"].pk], [MISSING])
    for name in ("points:record", "points:pending", "points:catalogue", "points:preview"):
        assert c.get(reverse(name)).status_code == 404, name
    cycles = c.get(reverse("points:cycles")).content.decode()
    assert "青山镇" not in cycles
    assert c.post(reverse("points:cycles"), {"action": "half", "cycle": pts.cycle.pk}).status_code == 404
    stuff["entry"].refresh_from_db()
    assert stuff["entry"].status == "pending"
    # his own village's ranking works, and shows nobody from 青山镇
    own = c.get(reverse("points:ranking"), {"org": world.village_b.pk}).content.decode()
    assert p.cadre_a.name not in own


def test_outsider_refused_on_points_api(world, pts, stuff, login):
    """Outsider: the JSON API answers 404 as for a missing ID."""
    c = login("outsider")
    y = pts.year
    assert c.get(f"/api/points/ranking?org={world.t1.pk}&year={y}").status_code == 404
    assert c.get(f"/api/points/ledger/{world.people.cadre_a.pk}?year={y}").status_code == 404
    assert c.post(f"/api/points/entries/{stuff['entry'].pk}/approve").status_code == 404
    r = c.post("/api/points/entries", {"person_id": world.people.cadre_a.pk, "item_id": pts.upper.pk,
                                       "points": "1", "date": str(pts.today), "note": "x"},
               content_type="application/json")
    assert r.status_code == 404


def test_pts_02_api_records_and_second_person_approves(world, pts, login, client):
    """PTS-02 through the API: same service, same Chinese errors, same second-person approval."""
    office = login("office")
    r = office.post("/api/points/entries", {"person_id": world.people.cadre_a.pk, "item_id": pts.upper.pk,
                                            "points": "50", "date": str(pts.today), "note": "x"},
                    content_type="application/json")
    assert r.status_code == 400 and "上限" in r.content.decode()
    r = office.post("/api/points/entries", {"person_id": world.people.cadre_a.pk, "item_id": pts.upper.pk,
                                            "points": "5", "date": str(pts.today), "note": "x"},
                    content_type="application/json")
    entry_id = r.json()["id"]
    assert office.post(f"/api/points/entries/{entry_id}/approve").status_code == 404  # office may not approve
    client.force_login(world.users.township_head)
    assert client.post(f"/api/points/entries/{entry_id}/approve").json()["status"] == "approved"
    rows = client.get(f"/api/points/ranking?org={world.t1.pk}&year={pts.year}").json()["rows"]
    assert {r["name"]: r["total"] for r in rows}[world.people.cadre_a.name] == "5.0"
