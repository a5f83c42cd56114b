"""MTG-04: the county's quarterly symposium, one record per quarter, with each first secretary's report."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from ganbu.stationing import services
from ganbu.stationing.queries import cadre_posts, cadre_rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _symposium_due(person):
    row = cadre_rows(cadre_posts(person).filter(title="first_secretary"), TODAY)[0]
    return next(d for d in row.dues if d.kind == "symposium" and d.start <= TODAY <= d.due)


def test_mtg_04_symposium_once_a_quarter_and_a_report_meets_the_first_secretarys_obligation(world, policies):
    """MTG-04: one symposium per quarter; attending alone does not meet the obligation, his report does (Q4: the
    year's report); only an attending first secretary reports, once."""
    fs, member = world.people.first_secretary, world.people.team_1
    sym = services.symposium_record(actor=world.users.county_org, county=world.county, held_on=TODAY,
                                    attendees=[fs, member])
    with pytest.raises(ValidationError) as exc:
        services.symposium_record(actor=world.users.county_org, county=world.county, held_on=TODAY, attendees=[fs])
    assert "每季度一次" in exc.value.message_dict["held_on"][0]
    assert _symposium_due(fs).done_on is None  # attended, not yet reported
    with pytest.raises(ValidationError):
        services.symposium_report(actor=world.users.county_org, symposium=sym, person=member, summary="汇报")
    c = Client()
    c.force_login(world.users.county_org)
    r = c.post(f"/stationing/symposiums/{sym.pk}/", {"person": fs.pk, "summary": "本季度发展合作社一家"})
    assert "请确认" in r.content.decode() and _symposium_due(fs).done_on is None
    r = c.post(f"/stationing/symposiums/{sym.pk}/", {"person": fs.pk, "summary": "本季度发展合作社一家",
                                                     "sure": "True"})
    assert r.status_code == 302
    assert _symposium_due(fs).done_on == TODAY
    rep = sym.reports.get()
    assert rep.annual == (sym.quarter == 4)
    with pytest.raises(ValidationError):
        services.symposium_report(actor=world.users.county_org, symposium=sym, person=fs, summary="再报")
    assert "本季度发展合作社一家" in c.get(f"/stationing/symposiums/{sym.pk}/").content.decode()
