"""Dashboard reads (驾驶舱): each role's home page as a few aggregate queries over its subtree.

Every figure is one GROUP BY (or a short list) filtered by a path prefix, so the number of queries
does not grow with cadres or villages (tests/reports/test_dashboard.py pins it). Reads go through
``core.access.scope_q``: a user sees only his subtree, and his own records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils import timezone

from ganbu.core.access import has_perm, perm_paths, scope_q
from ganbu.org.models import STATIONED_TITLES, TOWNSHIP_KINDS, VILLAGE_KINDS, Org, Person, Post

RED_BLACK_SIZE = 5  # how many names each list shows: a page layout choice, not a policy number
TREND_DAYS = 30  # the absence trend's window, also a layout choice
DAY_LABELS = {"present": "出勤", "leave": "请假", "trip": "出差", "meeting": "开会", "absent": "缺勤"}


@dataclass
class Scope:
    kind: str  # "province" | "county" | "township" | "village" | "unit" (a dispatch unit) | "self"
    org: Org | None
    path: str
    today: date
    month_start: date = field(init=False)

    def __post_init__(self) -> None:
        self.month_start = self.today.replace(day=1)

    @property
    def child_len(self) -> int:
        """Length of the path of the units one level down (townships under a county, villages under a township)."""
        return {"province": 6, "county": 9, "township": 12}.get(self.kind, len(self.path))


def dashboard_scope(user: Any, today: date | None = None) -> Scope:
    """The widest subtree the user's grants reach on the tree (dispatch units and departments aside)."""
    today = today or timezone.localdate()
    paths = perm_paths(user, "attendance.view")
    if "" in paths:  # everywhere: one county is its own dashboard, several are a province's
        counties = list(Org.objects.filter(kind="county", valid_to__isnull=True).order_by("path")[:2])
        if len(counties) > 1:
            return Scope("province", None, "", today)
        org = counties[0] if counties else None
        return Scope("county" if org else "self", org, org.path if org else "", today)
    tree = [p for p in paths if p.isdigit()]
    if not tree:
        unit = Org.objects.filter(path__in=paths, kind="dispatch_unit").order_by("path").first()
        return Scope("unit", unit, unit.path, today) if unit else Scope("self", None, "", today)
    org = Org.objects.filter(path=min(tree, key=len)).first()
    if org is None:
        return Scope("self", None, "", today)
    kind = ("township" if org.kind in TOWNSHIP_KINDS else "village" if org.kind in VILLAGE_KINDS
            else "county" if org.kind == "county" else "self")
    return Scope(kind, org, org.path, today)


def _daily_titles(scope: Scope) -> list[str]:
    """Who signs in daily: the attendance policy's titles (of the first township in scope)."""
    from ganbu.attendance.services import AttendanceError, resolve

    township = scope.path[:9] if len(scope.path) >= 9 else (
        Org.objects.filter(path__startswith=scope.path, kind__in=list(TOWNSHIP_KINDS), valid_to__isnull=True)
        .order_by("path").values_list("path", flat=True).first() or "")
    if not township:
        return []
    try:
        params = resolve(township, scope.today).params
    except AttendanceError:
        return []
    return list(params.daily_titles) + (sorted(STATIONED_TITLES) if params.stationed_daily else [])


def signin_today(user: Any, scope: Scope) -> list[dict[str, Any]]:
    """Today's sign-in rate per unit one level down: expected daily signers vs. sign-ins (3 queries)."""
    from ganbu.attendance.models import SignIn

    titles = _daily_titles(scope)
    n = scope.child_len
    expected = dict(Person.objects.filter(scope_q(user, "attendance.view"), org_path__startswith=scope.path,
                                          posts__title__in=titles, posts__end__isnull=True)
                    .annotate(unit=Substr("org_path", 1, n)).values("unit")
                    .annotate(n=Count("id", distinct=True)).values_list("unit", "n").order_by())
    # today's rows found through the daily signers, one (person, date) index probe each: a path
    # prefix that covers the whole county would otherwise scan every sign-in of the year (0.1 s)
    daily = Post.objects.filter(person__org_path__startswith=scope.path, title__in=titles,
                                end__isnull=True).values("person_id")
    signed = dict(SignIn.objects.filter(scope_q(user, "attendance.view"), date=scope.today, person_id__in=daily)
                  .annotate(unit=Substr("org_path", 1, n)).values("unit").annotate(n=Count("person_id", distinct=True))
                  .values_list("unit", "n").order_by())
    names = dict(Org.objects.filter(path__in=list(expected)).values_list("path", "name"))
    rows = []
    for unit in sorted(expected):
        due, done = expected[unit], signed.get(unit, 0)
        name = names.get(unit, "")
        if scope.org is not None and unit == scope.path:
            name = f"{scope.org.name}机关"
        rows.append({"path": unit, "name": name, "expected": due, "signed": done,
                     "rate": round(100 * done / due) if due else 0})
    return rows


def absence_trend(user: Any, scope: Scope) -> list[dict[str, Any]]:
    """The last month's closed days (30 days to today, so the 1st of a month is not blank): absences,
    leave and counted days per date (1 query)."""
    from ganbu.attendance.models import DayStatus, DayStatusKind

    rows = (DayStatus.objects.filter(scope_q(user, "attendance.view"), org_path__startswith=scope.path,
                                     date__gte=scope.today - timedelta(days=TREND_DAYS), date__lte=scope.today)
            .values("date").annotate(total=Count("id"), absent=Count("id", filter=Q(status=DayStatusKind.ABSENT)),
                                     leave=Count("id", filter=Q(status=DayStatusKind.LEAVE)))
            .order_by("date"))
    return [{"date": r["date"].isoformat(), "label": f"{r['date']:%m-%d}", "total": r["total"],
             "absent": r["absent"], "leave": r["leave"]} for r in rows]


def away_now(user: Any, scope: Scope) -> list[Any]:
    """Approved leave covering today, not yet registered back (1 query)."""
    from ganbu.leave.models import LeaveRequest, LeaveStatus

    return list(LeaveRequest.objects.filter(scope_q(user, "leave.view"), org_path__startswith=scope.path,
                                            status=LeaveStatus.APPROVED, start__lte=scope.today,
                                            end__gte=scope.today)
                .select_related("person", "org").order_by("end", "person__name")[:50])


def approvals_waiting(user: Any, scope: Scope) -> list[dict[str, Any]]:
    """Leave steps waiting for a decision, by step (1 query)."""
    from ganbu.leave.models import ApprovalStep, StepStatus

    return list(ApprovalStep.objects.filter(scope_q(user, "leave.view", "request__org_path"),
                                            request__org_path__startswith=scope.path, status=StepStatus.PENDING)
                .values("label").annotate(n=Count("id")).order_by("-n", "label"))


def cases_summary(user: Any, scope: Scope) -> dict[str, int]:
    """Open, in hand, closed and overdue cases (1 query)."""
    from ganbu.cases.models import Case

    q = scope_q(user, "cases.view")
    return Case.objects.filter(q, org_path__startswith=scope.path).aggregate(
        open=Count("id", filter=Q(status=Case.Status.OPEN)), acting=Count("id", filter=Q(status=Case.Status.ACTING)),
        closed=Count("id", filter=Q(status=Case.Status.CLOSED)),
        overdue=Count("id", filter=Q(due__lt=scope.today) & ~Q(status=Case.Status.CLOSED)))


def points_red_black(user: Any, scope: Scope) -> dict[str, list[Any]]:
    """红黑榜: the year's highest and lowest village-cadre totals (2 queries)."""
    from ganbu.points.models import PointTally

    qs = (PointTally.objects.filter(scope_q(user, "points.view"), org_path__startswith=scope.path,
                                    cycle__year=scope.today.year, cycle__scope="village")
          .annotate(village=F("person__org__name"), name=F("person__name"))
          .values("person_id", "name", "village", "total", "deductions"))
    return {"red": list(qs.order_by("-total", "name")[:RED_BLACK_SIZE]),
            "black": list(qs.order_by("total", "name")[:RED_BLACK_SIZE])}


def points_pending(user: Any, scope: Scope) -> int:
    """Entries recorded and waiting for the second person (1 query)."""
    from ganbu.points.models import PointEntry

    return PointEntry.objects.filter(scope_q(user, "points.view"), org_path__startswith=scope.path,
                                     status=PointEntry.Status.PENDING).count()


def kpi_standings(user: Any, scope: Scope) -> list[dict[str, Any]]:
    """千分制: this year's (or last year's) results, best first (1 query)."""
    from ganbu.assessment.models import AnnualResult

    rows = list(AnnualResult.objects.filter(scope_q(user, "assessment.view"), org_path__startswith=scope.path,
                                            year__gte=scope.today.year - 1)
                .values("year", "village_name", "total", "township_id", "township__name").order_by("-year", "-total"))
    if rows:
        latest = rows[0]["year"]
        rows = [r for r in rows if r["year"] == latest]
    return rows


def first_secretaries(user: Any, scope: Scope) -> list[Any]:
    """Stationed first secretaries by village, with their dispatch unit (1 query)."""
    return list(Post.objects.filter(scope_q(user, "person.view", "person__org_path"),
                                    org__path__startswith=scope.path, title="first_secretary", end__isnull=True)
                .select_related("person", "org", "dispatch_unit").order_by("org__path"))


def day_sheet(scope: Scope) -> Any:
    from ganbu.attendance.models import DaySheet

    return DaySheet.objects.filter(org_path=scope.path, date=scope.today).first()


def duty_gaps(scope: Scope) -> list[tuple[Any, Any]]:
    from ganbu.attendance.services import AttendanceError, duty_gaps_for

    try:
        return duty_gaps_for(org=scope.org, now=timezone.now())
    except AttendanceError:
        return []


def team_today(scope: Scope) -> list[dict[str, Any]]:
    """A village's cadres in post today (or the cadres a dispatch unit has stationed): signed in, on
    leave or neither (3 queries)."""
    from ganbu.attendance.models import SignIn
    from ganbu.leave.models import LeaveRequest, LeaveStatus

    where = Q(dispatch_unit=scope.org) if scope.kind == "unit" else Q(org__path=scope.path)
    posts = (Post.objects.filter(where, end__isnull=True, start__lte=scope.today)
             .select_related("person", "org").order_by("org__path", "person__name"))
    people: dict[int, dict[str, Any]] = {}
    for post in posts:
        row = people.setdefault(post.person_id, {"person": post.person, "titles": [], "signed": None, "leave": None,
                                                 "org": post.org})
        row["titles"].append(post.get_title_display())
    ids = list(people)
    for pid, at in SignIn.objects.filter(person_id__in=ids, date=scope.today).values_list("person_id", "at"):
        people[pid]["signed"] = at
    for req in LeaveRequest.objects.filter(person_id__in=ids, status=LeaveStatus.APPROVED, start__lte=scope.today,
                                           end__gte=scope.today):
        people[req.person_id]["leave"] = req
    return list(people.values())


def _month_grid(first: date, today: date, status: dict[date, str], signed: set[date]) -> dict[str, Any]:
    weeks: list[list[dict[str, Any] | None]] = []
    week: list[dict[str, Any] | None] = [None] * first.weekday()
    day = first
    counts = dict.fromkeys(DAY_LABELS, 0)
    while day.month == first.month:
        s = status.get(day) or ("present" if day in signed else "")
        if s and day <= today:
            counts[s] += 1
        week.append({"day": day.day, "date": day, "status": s, "label": DAY_LABELS.get(s, ""), "today": day == today,
                     "future": day > today})
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return {"first": first, "weeks": weeks, "counts": counts}


def my_month(person: Person, today: date) -> dict[str, Any]:
    """The cadre's sign-ins as calendars of last month and this one (closed days' status, and the days
    signed but not closed yet), and whether he signs in daily at all (4 queries)."""
    from ganbu.attendance.models import DayStatus, SignIn

    first = today.replace(day=1)
    prev = (first - timedelta(days=1)).replace(day=1)
    status = dict(DayStatus.objects.filter(person=person, date__gte=prev, date__lte=today)
                  .values_list("date", "status"))
    signed = set(SignIn.objects.filter(person=person, date__gte=prev, date__lte=today)
                 .values_list("date", flat=True))
    titles = _daily_titles(Scope("self", None, person.org_path[:9], today))
    daily = Post.objects.filter(person=person, end__isnull=True, title__in=titles).exists()
    return {"months": [_month_grid(prev, today, status, signed), _month_grid(first, today, status, signed)],
            "daily": daily or bool(status) or bool(signed), "signed_today": today in signed}


def my_points(person: Person, year: int) -> dict[str, Any] | None:
    """The cadre's total this year and his rank among the cadres his ranking covers (2 queries)."""
    from ganbu.points.models import PointTally

    tally = PointTally.objects.filter(person=person, cycle__year=year).select_related("cycle").first()
    if tally is None:
        return None
    cycle = tally.cycle
    ahead = PointTally.objects.filter(cycle=cycle, total__gt=tally.total).count()
    of = PointTally.objects.filter(cycle=cycle).count()
    return {"total": tally.total, "deductions": tally.deductions, "rank": ahead + 1, "of": of, "cycle": cycle}


def county_dashboard(user: Any, scope: Scope) -> dict[str, Any]:
    signin = signin_today(user, scope)
    away = away_now(user, scope)
    steps = approvals_waiting(user, scope)
    return {
        "signin": signin, "signin_total": {"expected": sum(r["expected"] for r in signin),
                                           "signed": sum(r["signed"] for r in signin)},
        "trend": absence_trend(user, scope), "away": away, "steps": steps,
        "steps_total": sum(s["n"] for s in steps), "cases": cases_summary(user, scope),
        "red_black": points_red_black(user, scope), "points_pending": points_pending(user, scope),
        "kpi": kpi_standings(user, scope), "first_secretaries": first_secretaries(user, scope),
        # approvers open the entries to approve; the office that records sees its recent entries
        "points_url": ("points:pending" if has_perm(user, "points.approve")
                       else "points:record" if has_perm(user, "points.record") else "points:ranking"),
    }


def township_dashboard(user: Any, scope: Scope) -> dict[str, Any]:
    data = county_dashboard(user, scope)
    data["sheet"] = day_sheet(scope)
    data["duty_gaps"] = duty_gaps(scope)
    return data



def village_dashboard(user: Any, scope: Scope) -> dict[str, Any]:
    """A village secretary's team today, who is on leave, what waits for him."""
    from ganbu.core.models import Notification
    from ganbu.leave.queries import leave_cancellations_to_confirm, leave_inbox

    unread = list(Notification.objects.filter(user=user, read_at__isnull=True).order_by("-id")[:5])
    return {"team": team_today(scope), "away": away_now(user, scope), "inbox": leave_inbox(user=user),
            "unread": unread,
            "to_confirm": leave_cancellations_to_confirm(user=user), "cases": cases_summary(user, scope),
            "ranking": points_red_black(user, scope)["red"], "first_secretaries": first_secretaries(user, scope)}


def self_dashboard(user: Any, today: date) -> dict[str, Any]:
    """A cadre's own month, leave, points and rank, and cases about him."""
    from ganbu.cases.models import Case
    from ganbu.leave.models import LeaveRequest

    person = user.person
    return {"person": person, "month": my_month(person, today), "points": my_points(person, today.year),
            "leave": list(LeaveRequest.objects.filter(person=person).order_by("-start")[:5]),
            "cases": list(Case.objects.filter(subject=person).order_by("-opened_at")[:5])}


def chart_data(d: dict[str, Any]) -> dict[str, Any]:
    """What the static chart script draws, passed with ``json_script`` (no inline script: CSP)."""
    out: dict[str, Any] = {}
    if d.get("signin"):
        out["signin"] = {"names": [r["name"] for r in d["signin"]], "signed": [r["signed"] for r in d["signin"]],
                         "missing": [r["expected"] - r["signed"] for r in d["signin"]]}
    if d.get("trend"):
        out["trend"] = {"labels": [r["label"] for r in d["trend"]], "absent": [r["absent"] for r in d["trend"]],
                        "leave": [r["leave"] for r in d["trend"]]}
    if d.get("kpi"):
        rows = d["kpi"][:15]
        out["kpi"] = {"names": [r["village_name"] for r in rows][::-1], "totals": [float(r["total"]) for r in rows][::-1]}
    return out


def unit_dashboard(user: Any, scope: Scope) -> dict[str, Any]:
    """A dispatch unit's leader: the cadres it stationed, where they are today."""
    return {"team": team_today(scope), "unit": True}
