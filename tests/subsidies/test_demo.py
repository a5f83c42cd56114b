"""The demo county shows subsidies on first open: one register waiting on the finance bureau, one paid."""

from __future__ import annotations

import pytest

from ganbu.subsidies.models import PaymentRun, Register, RegisterStatus


@pytest.mark.django_db
def test_load_demo_subsidies_on_the_demo_county():
    from ganbu.org.management.commands.load_demo import load_demo
    from ganbu.org.models import Org
    from ganbu.subsidies.demo import load_demo_subsidies

    load_demo()
    county = Org.objects.get(name="示范县")
    counts = load_demo_subsidies(county)
    assert counts["waiting_finance"] > 0 and counts["paid"] > 0
    waiting = Register.objects.get(status=RegisterStatus.ORG_APPROVED)
    assert waiting.township.name == "青山镇" and not waiting.lines.filter(score__isnull=True).exists()
    assert waiting.lines.values("score").distinct().count() > 3  # scores differ, so the pool spreads
    assert len(set(waiting.lines.values_list("reward", flat=True))) > 3
    run = PaymentRun.objects.get()
    assert run.register.notice_version is not None and run.total == run.register.total_net
