"""Stationing fixtures: the test county with its policies, and candidates in the dispatch unit."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from ganbu.core.idnumber import make_id_number


def _unit_person(world, name, seq, **extra):
    from ganbu.org.services import person_create

    return person_create(actor=None, org=world.unit, name=name, gender="M", birth_date=date(1985, 3, 1),
                         id_number=make_id_number("330521", date(1985, 3, 1), 800 + seq, True),
                         phone=f"1390000{800 + seq:04d}", category="civil_servant", **extra)


@pytest.fixture
def stn(world, policies):
    """``stn.good``: an eligible first-secretary candidate in the unit; ``stn.bad``: a temporary worker
    with no party standing and no work date (fails with three reasons)."""
    good = _unit_person(world, "林接任", 1, staff_status="established", party_member=True,
                        party_join_date=date(2012, 1, 1), party_full_date=date(2013, 1, 1),
                        work_start_date=date(2008, 7, 1))
    bad = _unit_person(world, "何临聘", 2, staff_status="temporary")
    return SimpleNamespace(good=good, bad=bad, world=world, fs_post=world.people.first_secretary.posts.get(
        title="first_secretary"))


def leave_today(person, on):
    """An approved leave for ``on`` (as the leave app stores it once approved)."""
    from ganbu.leave.models import LeaveRequest

    return LeaveRequest.objects.create(person=person, org=person.org, org_path=person.org_path, kind="personal",
                                       start=on, end=on, days=1, reason="家中有事", status="approved")
