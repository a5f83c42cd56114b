"""The demo: commitments in several states, a month's ledger, a failed inspection with an open notice."""

from __future__ import annotations

from ganbu.targets.demo import load_demo_targets
from ganbu.targets.models import Commitment, LedgerTask, SupervisionNotice


def test_demo_targets_loads_every_state(world, policies):
    from datetime import date

    from ganbu.org.models import PostTitle
    from ganbu.org.services import post_start
    from tests.conftest import _person

    cadre = _person(world.village_c, "南村书记")
    post_start(actor=None, person=cadre, org=world.village_c, title=PostTitle.VILLAGE_SECRETARY,
               start=date(2024, 1, 1), funded=True, safety_duty="安全生产")
    made = load_demo_targets(world.county)
    states = set(Commitment.objects.values_list("status", flat=True))
    assert {"signed", "submitted"} <= states
    assert made["tasks"] >= 1 and LedgerTask.objects.exists()
    assert SupervisionNotice.objects.filter(status="open").count() == 1
