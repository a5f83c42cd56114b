"""The demo loaders run on the demo county and leave data every page shows on first open."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=False)
def test_demo_diary_and_reserves_load_on_the_demo_county(calendar):
    from ganbu.diary.models import Matter, Station, Visit
    from ganbu.org.management.commands.load_demo import load_demo
    from ganbu.org.models import User
    from ganbu.reserves.models import CareEvent, Reserve

    ctx = load_demo()  # its registry runs load_demo_diary and load_demo_reserves after the presets
    # the stationed township cadre of 东村 signs in with the login the org demo gave him
    [(username, role, village)] = ctx.logins
    assert (role, village) == ("驻村镇干部（民情日记）", "东村") and User.objects.get(username=username).person_id
    assert Station.objects.filter(village__isnull=False).count() >= 10
    assert Visit.objects.exists() and Matter.objects.filter(answered_on__isnull=False).exists()
    assert Reserve.objects.filter(status="pooled").exists() and CareEvent.objects.exists()
