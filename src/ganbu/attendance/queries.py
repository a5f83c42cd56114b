"""Attendance reads: scoped, aggregated in SQL (ATT-05, ATT-07, ATT-08, DUTY-01, MTG).

Monthly figures are one GROUP BY over the monthly tallies (``MonthTally``) with conditional sums:
the month and the half-year running total come out of the same scan, whatever the number of cadres.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Q, Subquery, Sum
from django.utils import timezone

from ganbu.attendance import rules
from ganbu.attendance.models import DutySlot, Meeting, MonthTally, SpotCheck, StationedTable
from ganbu.attendance.services import month_bounds, resolve, township_path
from ganbu.core.access import NotFound, perm_paths
from ganbu.core.gcpause import gc_paused
from ganbu.org.models import STATIONED_TITLES, Org, OrgKind, Person, Post

STATUSES = ("present", "leave", "trip", "meeting", "absent")


class MonthlyRow(NamedTuple):
    """One line of the monthly table: a person, an org subtotal or the grand total (``person_id`` None).

    A named tuple: a county builds thousands of these per call, and ``_make`` builds one from the
    fetched row at C speed (a dataclass binds fourteen arguments in Python per row). Read-only.
    """

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


COUNTS = ("days", *STATUSES, "half_days", "half_absent")  # MonthlyRow's count fields, in order
_ABSENT, _HALF_ABSENT = COUNTS.index("absent"), COUNTS.index("half_absent")


def _sums(month_start: date) -> dict[str, Any]:
    """Aggregates named ``n_<field>`` (an annotation may not shadow the column it sums)."""
    in_month = Q(month=month_start)
    agg: dict[str, Any] = {"n_days": Sum("days", filter=in_month, default=0), "n_half_days": Sum("days", default=0),
                           "n_half_absent": Sum("absent", default=0)}
    for s in STATUSES:
        agg[f"n_{s}"] = Sum(s, filter=in_month, default=0)
    return agg


class _Deductions(dict[int, Decimal]):
    """ATT-05 deduction per number of absences, computed once per distinct count."""

    def __init__(self, params: Any) -> None:
        super().__init__()
        self.params = params

    def __missing__(self, n: int) -> Decimal:
        value = self[n] = rules.deduction(self.params, n)
        return value


# Constant fragments only; every value is a parameter. Column by column as COUNTS and MonthlyRow.
_PERSON_SQL = """
SELECT g.person_id, g.name, g.org_path, coalesce(o.name, g.org_path), {counts}, g.lo, g.hi
FROM (SELECT p.id AS person_id, p.name, p.org_path, min(t.org_path{collate}) AS lo, max(t.org_path{collate}) AS hi,
             {sums}
      FROM attendance_monthtally t JOIN org_person p ON p.id = t.person_id
      WHERE t.org_path {startswith} AND t.month BETWEEN %s AND %s
      GROUP BY p.id) g
LEFT JOIN org_org o ON o.path = g.org_path AND o.path {startswith}
"""  # noqa: S608
_IN_MONTH = ("days", *STATUSES)  # summed over the month; half_days and half_absent over the half-year


def _column_sums(rows: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """Column-wise sums of equal-length rows (most orgs hold one or two cadres: one is itself)."""
    return rows[0] if len(rows) == 1 else tuple(map(sum, zip(*rows, strict=True)))


def _person_sql(prefix: str, half_start: date, first: date) -> tuple[str, list[Any]]:
    """Person rows in one statement: the tallies grouped by person (name and path depend on the
    person's key), and his org's name from the orgs under ``prefix`` (as before: the orgs in scope,
    a small hash, not the province's). Unordered: Python sorts 2,640 rows in about 1 ms, where an
    ORDER BY on the two strings cost PostgreSQL about 3.5 ms a county.

    ``lo``/``hi`` are the first and last org the person's tallies carry: equal unless he moved
    within the half-year (byte-wise ``COLLATE "C"``: only equality matters, and it is the cheapest).
    Written by hand, not compiled by the ORM on every call, to keep it cheap.
    """
    sums = [f"coalesce(sum(t.{k}) FILTER (WHERE t.month = %s), 0) AS n_{k}" for k in _IN_MONTH]
    sums += ["coalesce(sum(t.days), 0) AS n_half_days", "coalesce(sum(t.absent), 0) AS n_half_absent"]
    sql = _PERSON_SQL.format(counts=", ".join(f"g.n_{k}" for k in COUNTS), sums=", ".join(sums),
                             startswith=connection.operators["startswith"],
                             collate=' COLLATE "C"' if connection.vendor == "postgresql" else "")
    like = connection.ops.prep_for_like_query(prefix) + "%"
    return sql, [first] * len(_IN_MONTH) + [like, half_start, first, like]


def monthly_stats(*, org: Org, month: date) -> MonthlyStats:
    """Per person and per org: days present/leave/trip/meeting/absent, deduction, half-year total.

    One statement over the monthly tallies (at most six rows per person for the half-year, never
    every day) returns the person rows summed and named; they are sorted and org subtotals folded here.
    Only when someone moved between orgs within the half-year does a second, small query split his
    tallies by org, and only an org no current person belongs to needs its name looked up.
    The rows are built with the cycle collector paused (``gc_paused``: they hold no cycles).
    """
    with gc_paused():
        return _monthly_stats(org, month)


def _monthly_stats(org: Org, month: date) -> MonthlyStats:
    first, _last = month_bounds(month)
    half_start = date(first.year, 1 if first.month <= 6 else 7, 1)
    policy = resolve(org.path, first)
    params = policy.params
    sql, sql_params = _person_sql(org.path, half_start, first)
    with connection.cursor() as cur:
        cur.execute(sql, sql_params)
        tuples = cur.fetchall()
    tuples.sort(key=itemgetter(2, 1, 0))  # org path, name, id: by code point, as the page always listed them
    money = _Deductions(params)
    # a fetched row: person_id, name, org_path, org_name, *COUNTS, lo, hi
    a, h, n = 4 + _ABSENT, 4 + _HALF_ABSENT, 4 + len(COUNTS)
    rows: list[MonthlyRow] = []
    by_org: dict[str, list[tuple[Any, ...]]] = {}  # the rows' COUNTS by the org their tallies are kept under
    names: dict[str, str] = {}
    moved: list[int] = []
    new = tuple.__new__  # what MonthlyRow._make calls, without its Python frame per row
    for t in tuples:
        rows.append(new(MonthlyRow, t[:n] + (money[t[a]], money[t[h]])))
        names[t[2]] = t[3]
        lo = t[n]
        if lo == t[n + 1]:
            kept = by_org.get(lo)
            if kept is None:
                by_org[lo] = kept = []
            kept.append(t[4:n])
        else:
            moved.append(t[0])
    if moved:  # moved within the half-year: his tallies count to the org each was kept under
        split = (MonthTally.objects.filter(org_path__startswith=org.path, month__range=(half_start, first),
                                           person_id__in=moved)
                 .values("person_id", "org_path").annotate(**_sums(first))
                 .values_list("org_path", *[f"n_{k}" for k in COUNTS]).order_by())
        for path, *counts in split:  # counts, as the fold below takes them
            by_org.setdefault(path, []).append(tuple(counts))
    missing = [p for p in by_org if p not in names]
    if missing:  # an org whose tallies outlived every member's move
        names.update(Org.objects.filter(path__in=missing).values_list("path", "name"))
    stats = MonthlyStats(org=org, month=first, half_start=half_start, rate=Decimal(params.deduction_per_absence),
                         policy_ref=policy.ref, policy_version_id=policy.version_id, rows=rows)
    org_sums = {p: _column_sums(by_org[p]) for p in sorted(by_org)}
    stats.org_rows = [MonthlyRow(None, names.get(p, p), p, names.get(p, p), *c, money[c[_ABSENT]],
                                 money[c[_HALF_ABSENT]]) for p, c in org_sums.items()]
    total = [sum(c) for c in zip(*org_sums.values(), strict=True)] if org_sums else [0] * len(COUNTS)
    stats.total = MonthlyRow(None, "合计", org.path, org.name, *total, money[total[_ABSENT]],
                             money[total[_HALF_ABSENT]])
    return stats


def default_org(user: Any, perm: str = "attendance.view") -> Org | None:
    """The org a page opens on: the user's own township if in scope, else his first scope root."""
    person_path = ""
    if getattr(user, "person_id", None):
        person_path = Person.objects.filter(pk=user.person_id).values_list("org_path", flat=True).first() or ""
    paths = perm_paths(user, perm)
    if person_path and any(person_path.startswith(p) for p in paths):
        own_township = township_path(person_path)
        if any(own_township.startswith(p) for p in paths):
            return Org.objects.filter(path=own_township).first()
        # a village role: his own scope root, never the township above it (its rows are not his to see)
        return Org.objects.filter(path=max((p for p in paths if person_path.startswith(p)), key=len)).first()
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
