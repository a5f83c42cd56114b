"""The STN-04 eligibility check page."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from ganbu.org.models import Person, StaffStatus


def test_stn_04_page_refuses_ineligible_candidate_with_reasons(login, policies, world):
    """STN-04: the county checks a candidate; a temporary worker without party standing is refused with reasons."""
    c = login("county_org")
    fs = world.people.first_secretary
    Person.objects.filter(pk=fs.pk).update(work_start_date=date(2005, 7, 1))
    r = c.get(reverse("stationing:eligibility"), {"person": fs.pk, "role": "first_secretary"})
    assert r.status_code == 200 and r.context["result"].eligible
    assert "符合选派条件" in r.content.decode() and "驻村第一书记和工作队" in r.context["policy_ref"]
    cadre = world.people.cadre_a
    Person.objects.filter(pk=cadre.pk).update(staff_status=StaffStatus.TEMPORARY)
    r = c.get(reverse("stationing:eligibility"), {"person": cadre.pk, "role": "first_secretary"})
    html = r.content.decode()
    assert not r.context["result"].eligible
    assert "编制状态为「临聘」" in html and "第一书记须为中共正式党员" in html and "缺少参加工作时间" in html


def test_sec_02_eligibility_page_refuses_outsider(login, policies, world):
    """SEC-02: without stationing.manage the page is not found; a person out of scope answers like a missing one."""
    assert login("outsider").get(reverse("stationing:eligibility")).status_code == 404
    assert login("township_secretary").get(reverse("stationing:eligibility")).status_code == 404
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.models import OrgKind
    from ganbu.org.services import org_create, person_create

    elsewhere = org_create(actor=None, kind=OrgKind.COUNTY, name="邻县", code="330522000000")
    stranger = person_create(actor=None, org=elsewhere, name="外县人", gender="M", birth_date=date(1980, 1, 1),
                             id_number=make_id_number("330522", date(1980, 1, 1), 7, True), phone="13900000000",
                             category="civil_servant")
    c = login("county_rural")
    theirs = c.get(reverse("stationing:eligibility"), {"person": stranger.pk})
    missing = c.get(reverse("stationing:eligibility"), {"person": 999999})
    assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content
