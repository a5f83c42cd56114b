"""Sign-in locations as personal data (issue 17, PIPL): raw coordinates kept only the policy's
window (30 days by default), then erased by the daily job; distance and inside/outside stay;
every look at raw coordinates is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ganbu.attendance.location import signin_coordinates_purge
from ganbu.attendance.models import Proof, SignIn
from ganbu.core.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = date(2024, 6, 3)


def _signin(world, person, day: date) -> SignIn:
    return SignIn.objects.create(person=person, date=day, at=timezone.now(), org_path=person.org_path,
                                 latitude=30.1, longitude=120.1, coord_system="wgs84", distance_m=35.0,
                                 proof=Proof.GEOFENCE)


def test_raw_coordinates_are_erased_after_30_days_distance_and_inside_stay(world):
    old = _signin(world, world.people.cadre_a, TODAY - timedelta(days=31))
    edge = _signin(world, world.people.team_1, TODAY - timedelta(days=30))
    done = signin_coordinates_purge(today=TODAY)
    old.refresh_from_db()
    edge.refresh_from_db()
    assert (old.latitude, old.longitude) == (None, None)
    assert (old.distance_m, old.proof) == (35.0, Proof.GEOFENCE)
    assert edge.latitude == 30.1  # day 30 is still inside the window
    assert sum(done.values()) == 1
    row = AuditEntry.objects.get(action="attendance.location_purge")
    assert row.after["rows"] == 1 and row.after["days"] == 30


def test_viewing_raw_coordinates_in_the_back_office_is_audited(world, client):
    s = _signin(world, world.people.cadre_a, TODAY)
    client.force_login(world.users.admin)
    resp = client.get(f"/backoffice/attendance/signin/{s.pk}/change/")
    assert resp.status_code == 200
    row = AuditEntry.objects.get(action="attendance.location_view")
    assert row.actor_id == world.users.admin.pk and row.object_id == str(s.pk)
