"""Target fixtures: a framework for village A (东村) and helpers that walk it through drafting."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganbu.targets import services

TERM = (2024, 2026)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def upload(name: str = "minutes.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def measure_input(world, **kw) -> services.MeasureInput:
    data = {"category": "经济发展", "text": "村集体经济增收", "standard": "集体收入达到20万元；账目公开",
            "deadline": date(2024, 9, 30), "responsible": world.people.cadre_a, "major": False}
    data.update(kw)
    return services.MeasureInput(**data)


@pytest.fixture
def tgt(world, policies):
    """A commitment for 东村 with the framework proposed by the office (2024 term start, day fixed)."""
    from django.utils import timezone

    c = services.commitment_propose(actor=world.users.office, village=world.village_a, term_start=TERM[0],
                                    term_end=TERM[1], framework=[("党的建设", "支部规范化"), ("经济发展", "增收")])
    c.proposed_at = timezone.make_aware(timezone.datetime(2024, 1, 5, 9, 0))
    c.save(update_fields=["proposed_at"])
    return SimpleNamespace(c=c)


def drafted(world, c, *, n: int = 2):
    """Measures written, the meeting's vote recorded, sealed and submitted."""
    ms = [services.measure_save(actor=world.users.village_secretary_a, commitment=c, data=measure_input(world))]
    if n > 1:
        ms.append(services.measure_save(actor=world.users.village_secretary_a, commitment=c, data=measure_input(
            world, category="党的建设", text="三会一课", standard="每月一次主题党日", deadline=date(2024, 6, 30),
            responsible=world.people.village_secretary_a)))
    services.vote_record(actor=world.users.village_secretary_a, commitment=c, held_on=date(2024, 2, 1),
                         attendance=40, votes_for=35, votes_against=3, minutes=upload())
    services.commitment_submit(actor=world.users.village_secretary_a, commitment=c)
    return ms


def signed(world, c):
    ms = drafted(world, c)
    services.commitment_approve(actor=world.users.township_secretary, commitment=c)
    services.commitment_sign(actor=world.users.township_secretary, commitment=c)
    c.refresh_from_db()
    return ms
