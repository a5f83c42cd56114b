"""STN-16: awards for teams, first secretaries and team members, nominated and recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ganbu.core.models import AuditEntry
from ganbu.stationing import services
from ganbu.stationing.models import AwardNomination

pytestmark = pytest.mark.django_db


def test_stn_16_nominate_then_county_approves_and_the_award_shows_on_the_cadres_page(world, policies):
    """STN-16: the township nominates with reasons; the category must fit the post; the county approves after a
    confirm step; the approved award is on the cadre's page."""
    fs = world.people.first_secretary
    with pytest.raises(ValidationError) as exc:
        services.award_nominate(actor=world.users.township_secretary, person=fs, category="优秀工作队员",
                                reasons="扎根基层")
    assert "驻村工作队员" in exc.value.message_dict["category"][0]
    with pytest.raises(ValidationError):
        services.award_nominate(actor=world.users.township_secretary, person=fs, category="优秀第一书记", reasons=" ")
    with pytest.raises(PermissionDenied):
        services.award_nominate(actor=world.users.first_secretary, person=fs, category="优秀第一书记", reasons="x")
    nom = services.award_nominate(actor=world.users.township_secretary, person=fs, category="优秀第一书记",
                                  reasons="带领村集体经济增收")
    with pytest.raises(PermissionDenied):
        services.award_decide(actor=world.users.township_secretary, nomination=nom, approve=True)

    c = Client()
    c.force_login(world.users.county_org)
    assert "获得表彰" not in c.get(f"/stationing/cadre/{fs.pk}/").content.decode()
    r = c.post(f"/stationing/awards/{nom.pk}/", {"action": "approve", "note": ""})
    assert "确认批准" in r.content.decode()
    nom.refresh_from_db()
    assert nom.status == AwardNomination.Status.PROPOSED
    r = c.post(f"/stationing/awards/{nom.pk}/", {"action": "approve", "note": "", "sure": "1"})
    assert r.status_code == 302
    nom.refresh_from_db()
    assert nom.status == AwardNomination.Status.APPROVED
    page = c.get(f"/stationing/cadre/{fs.pk}/").content.decode()
    assert "获得表彰" in page and "优秀第一书记" in page
    with pytest.raises(ValidationError):
        services.award_decide(actor=world.users.county_org, nomination=nom, approve=False, note="重复")
    assert AuditEntry.objects.filter(object_type="award", object_id=str(nom.pk)).count() == 2


def test_stn_16_rejection_needs_a_reason_and_is_not_recorded_as_an_award(world, policies):
    """STN-16: rejecting without an opinion is refused; a rejected nomination is not on the cadre's page."""
    fs = world.people.first_secretary
    nom = services.award_nominate(actor=world.users.county_org, person=fs, category="优秀驻村工作队",
                                  reasons="工作队整体成效突出")
    with pytest.raises(ValidationError):
        services.award_decide(actor=world.users.county_org, nomination=nom, approve=False, note="")
    services.award_decide(actor=world.users.county_org, nomination=nom, approve=False, note="名额已满")
    c = Client()
    c.force_login(world.users.county_org)
    assert "获得表彰" not in c.get(f"/stationing/cadre/{fs.pk}/").content.decode()
    outsider = Client()
    outsider.force_login(world.users.outsider)
    assert outsider.get(f"/stationing/awards/{nom.pk}/").status_code == 404
    assert outsider.get(f"/stationing/cadre/{fs.pk}/award/").status_code == 404
