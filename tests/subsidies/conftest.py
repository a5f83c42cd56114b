"""Subsidy fixtures: a finance-bureau user, and year-end scores for 东村's two funded cadres."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import PASSWORD

YEAR = 2024


@pytest.fixture
def finance(world):
    from ganbu.org.models import User
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant

    user = User.objects.create_user(username="finance", password=PASSWORD, display_name="财政局陈科长")
    role_grant(actor=None, user=user, role=Role.COUNTY_FINANCE, org=world.county)
    world.users.finance = user
    return user


@pytest.fixture
def scored(world, policies, finance):
    """东村's secretary scores 90 and its clerk 60 for 2024 (through the targets app's own services)."""
    from ganbu.targets import services as targets

    c = targets.commitment_propose(actor=world.users.office, village=world.village_a, term_start=2024,
                                   term_end=2026, framework=[("党的建设", "支部规范化")])
    results = {
        "secretary": targets.year_end_decide(actor=world.users.office, commitment=c,
                                             person=world.people.village_secretary_a, year=YEAR,
                                             outcome="fulfilled", score="90"),
        "clerk": targets.year_end_decide(actor=world.users.office, commitment=c, person=world.people.cadre_a,
                                         year=YEAR, outcome="fulfilled", score="60"),
    }
    return SimpleNamespace(commitment=c, **results)
