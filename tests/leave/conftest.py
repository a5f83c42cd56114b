"""Leave fixtures: the world with presets adopted, and a helper to submit a request."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

MONDAY = date(2024, 3, 4)  # an ordinary working week in 2024 (policies in force from 2024-01-01)


@pytest.fixture
def lv(world, policies):
    """The world with every preset adopted."""
    return world


@pytest.fixture
def submit(lv):
    from ganbu.leave.services import leave_submit

    def _submit(name: str, start: date = MONDAY, days: int = 4, kind: str = "personal", **kw):
        user = getattr(lv.users, name)
        person = kw.pop("person", None) or user.person
        return leave_submit(actor=user, person=person, kind=kind, start=start,
                            end=start + timedelta(days=days - 1), reason=kw.pop("reason", "家中有事"), **kw)

    return _submit


@pytest.fixture
def approve_all(lv):
    """Approve every pending step in order, each by the first user who may act on it."""
    from ganbu.leave.models import StepStatus
    from ganbu.leave.services import leave_decide, step_actors

    def _run(req):
        deciders = []
        while True:
            step = req.steps.filter(status=StepStatus.PENDING).first()
            if step is None:
                break
            user = step_actors(step)[0][0]
            leave_decide(actor=user, step=step, approve=True, comment="同意")
            deciders.append(user.username)
        req.refresh_from_db()
        return deciders

    return _run
