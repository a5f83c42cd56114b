"""Attendance reads: scoped, aggregated in SQL (ATT-05, ATT-07, ATT-08, DUTY-01, MTG).

Monthly figures are one GROUP BY over ``DayStatus`` with conditional counts: the month and the
half-year running total come out of the same scan, whatever the number of cadres.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, Subquery, Sum
from django.utils import timezone

from ganbu.attendance import rules
from ganbu.attendance.models import DutySlot, Meeting, MonthTally, SpotCheck, StationedTable
from ganbu.attendance.services import month_bounds, resolve, township_path
from ganbu.core.access import NotFound, perm_paths
from ganbu.org.models import STATIONED_TITLES, Org, OrgKind, Person, Post

STATUSES = ("present", "leave", "trip", "meeting", "absent")


@dataclass
class MonthlyRow:
    person_id: int | None
    name: str
    org_path: str
    org_name: str = ""
    days: int = 0
    present: int = 0
    leave: int = 0
    trip: int = 0
    meeting: int = 0
    absent: int = 0
    half_days: int = 0
    half_absent: int = 0
    deduction: Decimal = Decimal("0.00")
    half_deduction: Decimal = Decimal("0.00")


@dataclass
class MonthlyStats:
    org: Org
    month: date
    half_start: date
    rate: Decimal
    policy_ref: str
    policy_version_id: int | None
    rows: list[MonthlyRow] = field(default_factory=list)
    org_rows: list[MonthlyRow] = field(default_factory=list)
    total: MonthlyRow | None = None


def _sums(month_start: date) -> dict[str, Any]:
    """Aggregates named ``n_<field>`` (an annotation may not shadow the column it sums)."""
    in_month = Q(month=month_start)
    agg: dict[str, Any] = {"n_days": Sum("days", filter=in_month, default=0), "n_half_days": Sum("days", default=0),
                           "n_half_absent": Sum("absent", default=0)}
    for s in STATUSES:
        agg[f"n_{s}"] = Sum(s, filter=in_month, default=0)
    return agg


def monthly_stats(*, org: Org, month: date) -> MonthlyStats:
    """Per person and per org: days present/leave/trip/meeting/absent, deduction, half-year total.

    Two queries whatever the size of the org (tallies grouped by person and org, org names), over
    the monthly tallies: at most six rows per person for the half-year, never every day.
    """
    first, _last = month_bounds(month)
    half_start = date(first.year, 1 if first.month <= 6 else 7, 1)
    policy = resolve(org.path, first)
    params = policy.params
    base = MonthTally.objects.filter(org_path__startswith=org.path, month__range=(half_start, first))
    # One GROUP BY (person, org of the tally): person rows and org rows are both folds of it, so
    # the page reads the tallies once. Executed as plain tuples: no per-row ORM conversion.
    keys = ("days", *STATUSES, "half_days", "half_absent")  # MonthlyRow's field order
    grouped = (base.values("person_id", "org_path")
               .annotate(name=Max("person__name"), path=Max("person__org_path"), **_sums(first))
               .values_list("person_id", "org_path", "name", "path", *[f"n_{k}" for k in keys]).order_by())
    sql, sql_params = grouped.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, sql_params)
        tuples = cur.fetchall()
    people: dict[int, list[Any]] = {}
    orgs: dict[str, list[int]] = {}
    for pid, tally_path, name, path, *counts in tuples:
        person = people.get(pid)
        if person is None:
            people[pid] = [path, name, pid, counts]
        else:  # moved between orgs within the half-year: one row per person all the same
            person[3] = [a + b for a, b in zip(person[3], counts, strict=True)]
        org_counts = orgs.get(tally_path)
        orgs[tally_path] = counts if org_counts is None else [a + b for a, b in zip(org_counts, counts, strict=True)]
    # Names of every org under this one: one prefix range scan, not an IN list of hundreds of paths.
    names = dict(Org.objects.filter(path__startswith=org.path).values_list("path", "name"))
    stats = MonthlyStats(org=org, month=first, half_start=half_start, rate=Decimal(params.deduction_per_absence),
                         policy_ref=policy.ref, policy_version_id=policy.version_id)
    rate_cache: dict[int, Decimal] = {}

    def money(n: int) -> Decimal:
        hit = rate_cache.get(n)
        if hit is None:
            hit = rate_cache[n] = rules.deduction(params, n)
        return hit

    absent, half_absent = keys.index("absent"), keys.index("half_absent")
    stats.rows = [MonthlyRow(pid, name, path, names.get(path, path), *c, money(c[absent]), money(c[half_absent]))
                  for path, name, pid, c in sorted(people.values(), key=lambda v: (v[0], v[1], v[2]))]
    stats.org_rows = [MonthlyRow(None, names.get(p, p), p, names.get(p, p), *orgs[p], money(orgs[p][absent]),
                                 money(orgs[p][half_absent])) for p in sorted(orgs)]
    total = MonthlyRow(None, "合计", org.path, org.name)
    for r in stats.org_rows:
        for k in ("days", "half_days", "half_absent", *STATUSES):
            setattr(total, k, getattr(total, k) + getattr(r, k))
    total.deduction = rules.deduction(params, total.absent)
    total.half_deduction = rules.deduction(params, total.half_absent)
    stats.total = total
    return stats


def default_org(user: Any, perm: str = "attendance.view") -> Org | None:
    """The org a page opens on: the user's own township if in scope, else his first scope root."""
    person_path = ""
    if getattr(user, "person_id", None):
        person_path = Person.objects.filter(pk=user.person_id).values_list("org_path", flat=True).first() or ""
    paths = perm_paths(user, perm)
    if person_path and any(person_path.startswith(p) for p in paths):
        return Org.objects.filter(path=township_path(person_path)).first()
    if not paths:
        return None
    if paths == [""]:
        return Org.objects.filter(kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]).order_by("path").first()
    return Org.objects.filter(path=paths[0]).first()


def scoped_org(user: Any, org_id: Any, perm: str) -> Org:
    """An org given by id (or the user's default) that the user may see with ``perm``."""
    from ganbu.core.access import access_org

    if org_id in (None, ""):
        org = default_org(user, perm)
        if org is None:
            raise NotFound()
        return org
    return access_org(user, org_id, perm)


def stationed_overview(*, org: Org, month: date, today: date) -> dict[str, Any]:
    """The month's table (signature state, deadline, late flag) and spot-check coverage."""
    first, last = month_bounds(month)
    policy = resolve(org.path, first)
    table = StationedTable.objects.filter(org=org, month=first).select_related("signed_by", "stamped_by").first()
    from ganbu.core.calendar import work_calendar

    deadline = table.deadline if table else rules.filing_deadline(work_calendar(org.path), policy.params, first)
    filed_on = timezone.localtime(table.filed_at).date() if table and table.filed_at else None
    late = rules.filing_late(policy.params, deadline, filed_on, today)
    posts = Post.objects.filter(org__path__startswith=org.path, title__in=list(STATIONED_TITLES), start__lte=last
                                ).filter(Q(end__isnull=True) | Q(end__gte=first))
    people = list(Person.objects.filter(pk__in=Subquery(posts.values("person_id"))).order_by("org_path", "name")
                  .values("pk", "name", "org_path"))
    counts = dict(SpotCheck.objects.filter(person_id__in=[p["pk"] for p in people], at__date__range=(first, last))
                  .values("person_id").annotate(n=Count("id")).values_list("person_id", "n"))
    short = set(rules.spot_check_gaps(policy.params, [p["pk"] for p in people], counts))
    checks = list(SpotCheck.objects.filter(org_path__startswith=org.path, at__date__range=(first, last))
                  .select_related("person", "checker")[:200])
    return {"table": table, "deadline": deadline, "late": late, "policy": policy,
            "people": [{**p, "checks": counts.get(p["pk"], 0), "short": p["pk"] in short} for p in people],
            "checks": checks}


def duty_roster(*, org: Org, start: datetime, end: datetime) -> list[DutySlot]:
    return list(DutySlot.objects.filter(org=org, end__gt=start, start__lt=end).select_related("person"))


def meetings_list(*, org: Org, today: date) -> list[Meeting]:
    """Meetings with per-session counts; scheduled ones past their date and not held are overdue."""
    qs = (Meeting.objects.filter(org_path__startswith=org.path)
          .annotate(n_present=Count("attendance", filter=Q(attendance__status="present"), distinct=True),
                    n_absent=Count("attendance", filter=Q(attendance__status="absent"), distinct=True),
                    n_leave=Count("attendance", filter=Q(attendance__status="leave"), distinct=True),
                    n_reports=Count("reports", distinct=True))
          .order_by("-date", "id"))
    items = list(qs[:200])
    for m in items:
        m.overdue = m.scheduled and not m.held and (m.due or m.date) < today
    return items


def access_meeting(user: Any, pk: Any) -> Meeting:
    """A meeting the user may open: in his attendance scope, or one he is expected at (his
    township's meetings), so that every cadre can file his weekly report (MTG-01)."""
    from ganbu.core.access import has_perm

    try:
        meeting = Meeting.objects.get(pk=int(pk))
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if has_perm(user, "attendance.view", meeting.org_path):
        return meeting
    person_path = own_path(user)
    if person_path and person_path.startswith(meeting.org_path):
        return meeting
    raise NotFound()


def own_path(user: Any) -> str:
    if not getattr(user, "person_id", None):
        return ""
    return Person.objects.filter(pk=user.person_id).values_list("org_path", flat=True).first() or ""


def absences_by_person(*, org_path: str, first_month: date, last_month: date) -> dict[int, int]:
    """Absences per person over whole months (for subsidy deductions, SUB-06): one GROUP BY."""
    rows = (MonthTally.objects.filter(org_path__startswith=org_path,
                                      month__range=(first_month.replace(day=1), last_month.replace(day=1)))
            .values("person_id").annotate(n=Sum("absent")).values_list("person_id", "n"))
    return {pid: n for pid, n in rows if n}
