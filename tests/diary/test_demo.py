"""The demo loaders run on the demo county and leave data every page shows on first open."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=False)
def test_demo_diary_and_reserves_load_on_the_demo_county(calendar):
    from ganbu.diary.demo import load_demo_diary
    from ganbu.diary.models import Matter, Station, Visit
    from ganbu.org.management.commands.load_demo import load_demo
    from ganbu.org.models import Org
    from ganbu.reserves.demo import load_demo_reserves
    from ganbu.reserves.models import CareEvent, Reserve

    load_demo()
    county = Org.objects.get(code="330521000000")
    logins = load_demo_diary(county)
    load_demo_reserves(county)
    assert logins == [("t1_zc1", "驻村镇干部（民情日记）", "东村")]
    assert Station.objects.filter(village__isnull=False).count() >= 10
    assert Visit.objects.exists() and Matter.objects.filter(answered_on__isnull=False).exists()
    assert Reserve.objects.filter(status="pooled").exists() and CareEvent.objects.exists()
