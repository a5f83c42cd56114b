"""``manage.py load_demo [--if-empty]``: a deterministic demo county (示范县) that has used ganbu for a while.

Each app keeps its own demo data in ``ganbu/<app>/demo.py`` as ``load_demo_<app>(ctx)``; this
command runs them in the order of ``DEMO_MODULES`` inside one transaction (SQLite finishes in
seconds), skipping a module whose app is not installed yet. To add an app's demo, add one line.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ganbu.core.demo import DemoContext
from ganbu.org.demo import demo_logins, demo_password  # noqa: F401  (demo_password: re-exported)

# "module:function", in order: each may read what the ones before it wrote (leave before attendance,
# whose day close counts approved leave; cases after both, which open them). Extend by one line.
DEMO_MODULES: list[str] = [
    "ganbu.org.demo:load_demo_org",
    "ganbu.leave.demo:load_demo_leave",
    "ganbu.attendance.demo:load_demo_attendance",
    "ganbu.points.demo:load_demo_points",
    "ganbu.assessment.demo:load_demo_assessment",
    "ganbu.cases.demo:load_demo_cases",
    "ganbu.notices.demo:load_demo_notices",
    "ganbu.targets.demo:load_demo_targets",
    "ganbu.stationing.demo:load_demo_stationing",
    "ganbu.diary.demo:load_demo_diary",
    "ganbu.reserves.demo:load_demo_reserves",
    "ganbu.subsidies.demo:load_demo_subsidies",
]


def _loader(entry: str) -> Any | None:
    """The entry's function, or None while its app (or its demo module) does not exist yet."""
    module, _, func = entry.partition(":")
    app = module.split(".")[1]
    if not apps.is_installed(f"ganbu.{app}"):
        return None
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except ModuleNotFoundError:
        return None
    return getattr(importlib.import_module(module), func)


def _call(func: Any, ctx: DemoContext) -> None:
    """``load_demo_<app>(ctx)``; a module written as ``load_demo_<app>(county, *, seed=…, today=…)`` gets
    the county and whichever of those it takes, and a list of logins it returns is printed with the others."""
    params = inspect.signature(func).parameters
    if next(iter(params), "") == "ctx":
        func(ctx)
        return
    offered = {"seed": ctx.seed, "today": ctx.today}
    logins = func(ctx.county, **{k: v for k, v in offered.items() if k in params})
    if isinstance(logins, list):
        ctx.logins.extend(logins)


@transaction.atomic
def load_demo(seed: int = 2026, *, today: Any = None) -> DemoContext:
    """Run every installed demo module in order; returns the context they filled."""
    ctx = DemoContext(seed=seed, today=today or timezone.localdate())
    for entry in DEMO_MODULES:
        func = _loader(entry)
        if func is None:
            continue
        started = time.monotonic()
        _call(func, ctx)
        ctx.notes.append(f"{entry.split(':')[1].removeprefix('load_demo_')} {time.monotonic() - started:.1f}s")
    return ctx


class Command(BaseCommand):
    help = "载入示范县演示数据（确定性生成：三个月的签到、请假、积分、考核、问责、公示、值班、会议）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="已有组织数据时什么也不做")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **opts: Any) -> None:
        from ganbu.org.models import Org

        if opts["if_empty"] and Org.objects.exists():
            self.stdout.write("已有组织数据，跳过演示数据载入。")
            self._print_logins()
            return
        started = time.monotonic()
        ctx = load_demo(seed=opts["seed"])
        secs = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"示范县演示数据已载入（{secs:.1f} 秒）"))
        if opts["verbosity"] > 1:
            self.stdout.write("  " + "，".join(ctx.notes))
        self._print_logins(ctx.logins)

    def _print_logins(self, extra: list[tuple[str, str, str]] | None = None) -> None:
        logins = demo_logins() + [tuple(x) for x in extra or [] if len(x) == 3]
        if not logins:
            return
        self.stdout.write("演示账号（每个角色一个，密码各不相同；县级角色和三员首次登录须绑定手机动态验证码）：")
        self.stdout.write(f"  {_pad('用户名', 16)}{_pad('密码', 14)}{_pad('角色', 30)}范围")
        for username, role, scope in logins:
            self.stdout.write(f"  {_pad(username, 16)}{_pad(demo_password(username), 14)}{_pad(role, 30)}{scope}")


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal where each Chinese character takes two columns."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)


def demo_figures() -> dict[str, Any]:
    """The demo's figures, free of ids and clocks: two loads on the same day must give the same."""
    from django.db.models import Count, Sum

    from ganbu.assessment.models import AnnualResult
    from ganbu.attendance.models import DayStatus, DutySlot, MeetingAttendance, MonthTally, SignIn
    from ganbu.cases.models import Case
    from ganbu.leave.models import ApprovalStep, LeaveRequest
    from ganbu.notices.models import NoticeVersion
    from ganbu.org.models import Person
    from ganbu.points.models import PointEntry, PointTally

    def by(qs: Any, *fields: str) -> list[Any]:
        return [list(r) for r in qs.values_list(*fields).annotate(n=Count("id")).order_by(*fields)]

    return {
        "people": list(Person.objects.order_by("id_number").values_list("id_number", "name")),
        "signins": by(SignIn.objects.all(), "date"),
        "days": by(DayStatus.objects.all(), "person__id_number", "status"),
        "tallies": list(MonthTally.objects.order_by("person__id_number", "month").values_list(
            "person__id_number", "month", "present", "leave", "absent")),
        "leave": by(LeaveRequest.objects.all(), "person__id_number", "start", "status"),
        "steps": by(ApprovalStep.objects.all(), "label", "status"),
        "points": [str(x) for x in PointTally.objects.aggregate(t=Sum("total"), d=Sum("deductions")).values()],
        "entries": by(PointEntry.objects.all(), "status"),
        "kpi": [[n, str(t)] for n, t in AnnualResult.objects.order_by("village_name").values_list("village_name", "total")],
        "cases": by(Case.objects.all(), "rule_id", "status"),
        "meetings": by(MeetingAttendance.objects.all(), "status"),
        "duty": DutySlot.objects.count(),
        "notices": sorted(NoticeVersion.objects.values_list("notice__title", flat=True)),
    }
