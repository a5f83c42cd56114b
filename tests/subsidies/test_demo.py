"""The demo county shows subsidies on first open: one register waiting on the finance bureau, one paid after
its public period, one published and waiting for its public period to end."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ganbu.subsidies import services
from ganbu.subsidies.models import PaymentRun, Register, RegisterStatus
from ganbu.subsidies.services import SubsidyError


@pytest.mark.django_db
def test_load_demo_subsidies_on_the_demo_county():
    from ganbu.org.management.commands.load_demo import load_demo

    load_demo()  # its registry runs load_demo_subsidies after the other modules
    assert Register.objects.filter(status=RegisterStatus.PAID).exists()
    waiting = Register.objects.get(status=RegisterStatus.ORG_APPROVED)
    assert waiting.township.path.startswith("330521") and not waiting.lines.filter(score__isnull=True).exists()
    assert waiting.lines.values("score").distinct().count() > 3  # scores differ, so the pool spreads
    assert len(set(waiting.lines.values_list("reward", flat=True))) > 3
    run = PaymentRun.objects.get()
    assert run.register.notice_version is not None and run.total == run.register.total_net
    assert run.register.notice_version.public_until < run.created_at.date()  # paid after the public period
    waits = Register.objects.get(status=RegisterStatus.PUBLISHED)
    assert waits.notice_version.public_until >= timezone.localdate()
    with pytest.raises(SubsidyError, match="公示期至"):
        services.payment_run_create(actor=run.created_by, register=waits)
