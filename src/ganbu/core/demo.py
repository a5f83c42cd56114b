"""What every app's demo module receives (``load_demo_<app>(ctx)``): the demo county as built so far.

The org module fills it (orgs, people, users); later modules read it and add their own entries.
Each module draws from its own seeded random stream, so adding a module (or data to one) never
changes another module's figures: two loads on the same day give the same county.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone


@dataclass
class DemoContext:
    seed: int
    today: date
    county: Any = None
    townships: list[Any] = field(default_factory=list)
    orgs: dict[str, Any] = field(default_factory=dict)  # by name
    people: dict[str, Any] = field(default_factory=dict)  # persona key → Person
    users: dict[str, Any] = field(default_factory=dict)  # username → User
    notes: list[str] = field(default_factory=list)  # one line per module for the command's output
    logins: list[Any] = field(default_factory=list)  # (username, role, scope) a module adds to the printed ones

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def history_start(self) -> date:
        """The first day of the demo's history: three whole months before this one."""
        first = self.today.replace(day=1)
        for _ in range(3):
            first = (first - timedelta(days=1)).replace(day=1)
        return first

    def rnd(self, module: str) -> random.Random:
        """A random stream of one module, fixed by the seed and the module's name."""
        digest = hashlib.sha256(f"{self.seed}:{module}".encode()).hexdigest()
        return random.Random(int(digest[:12], 16))

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """An aware local time on ``day`` (never later than now, so nothing happens in the future)."""
        moment = timezone.make_aware(datetime.combine(day, time(hour + minute // 60, minute % 60)))
        return min(moment, timezone.now())

    def user(self, username: str) -> Any:
        return self.users[username]

    def workdays(self, start: date, end: date) -> list[date]:
        from ganbu.core.calendar import work_calendar

        cal = work_calendar()
        out, day = [], start
        while day <= end:
            if cal.is_workday(day):
                out.append(day)
            day += timedelta(days=1)
        return out
