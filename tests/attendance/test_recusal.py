"""回避 in attendance (ATT-03): the office user does not correct his own day (issue 16 finding)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ganbu.attendance import services
from ganbu.attendance.models import Correction, DayStatus
from ganbu.core.recusal import RECUSED

MON = date(2024, 3, 4)


@pytest.mark.django_db
def test_recusal_att_03_office_cannot_correct_his_own_absence(world, policies, clock, login):
    """The office's own absence stays absent when he corrects it; the county corrects it; the page says so."""
    services.day_close(actor=world.users.office, org=world.t1, on=MON)
    mine = DayStatus.objects.get(person=world.people.office, date=MON)
    other = DayStatus.objects.get(person=world.people.township_cadre, date=MON)
    assert mine.status == "absent"
    with pytest.raises(ValidationError) as exc:
        services.daystatus_correct(actor=world.users.office, day=mine, status="present", reason="在岗")
    assert exc.value.text == RECUSED
    mine.refresh_from_db()
    assert mine.status == "absent" and not Correction.objects.filter(day=mine).exists()
    services.daystatus_correct(actor=world.users.office, day=other, status="leave", reason="补交假条")
    html = login("office").get(reverse("attendance:sheet") + f"?org={world.t1.pk}&date={MON}").content.decode()
    assert html.count('class="muted recused"') == 1 and "县委组织部" in html
    services.daystatus_correct(actor=world.users.county_org, day=mine, status="leave", reason="补交假条")
    mine.refresh_from_db()
    assert mine.status == "leave"
