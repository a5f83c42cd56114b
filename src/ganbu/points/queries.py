"""积分 reads: rankings in SQL (RANK() window per township), village summaries, ledgers (PTS-04, PTS-07).

A ranking query is one statement whatever the number of cadres or townships, so the ranking
pages run a fixed number of queries (pinned in tests).
"""

from __future__ import annotations

from decimal import Context, Decimal
from itertools import starmap
from typing import Any

from django.db import connection
from django.db.models import Count, DecimalField, F, FloatField, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Cast, Coalesce, Length, NullIf, Rank, Substr

from ganbu.core.access import scope_q
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Org, Person, PersonCategory
from ganbu.points.models import Cycle, PointEntry, PointItem, Scope
from ganbu.points.rules import RankRow

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=1))
DEC = DecimalField(max_digits=9, decimal_places=1)


def ranked_people(prefix: str, scope: str) -> QuerySet[Person]:
    """Who a ranking covers: village two-committee cadres (PTS-01), or the township's own cadres (PTS-07).

    ``ranking`` states the same in SQL (``_WHO_*``); change both together (tests/points/test_ranking.py).
    """
    qs = Person.objects.filter(org_path__startswith=prefix)
    if scope == Scope.VILLAGE:
        return qs.annotate(_len=Length("org_path")).filter(_len=12, category=PersonCategory.VILLAGE_ELECTED)
    return qs.annotate(_len=Length("org_path")).filter(_len=9, org__kind__in=list(TOWNSHIP_KINDS))


def _entry_filter(year: int, scope: str, prefix: str = "point_entries__") -> Q:
    return Q(**{f"{prefix}status": PointEntry.Status.APPROVED, f"{prefix}cycle__year": year,
                f"{prefix}cycle__scope": scope})


# Who a ranking covers, as in ``ranked_people`` (a test keeps the two equal): constant SQL, values
# as parameters, so the statement text is the same on every call.
_WHO_VILLAGE = "length(p.org_path) = 12 AND p.category = %s"
_WHO_TOWNSHIP_KINDS = tuple(sorted(k.value for k in TOWNSHIP_KINDS))
_WHO_TOWNSHIP = f"length(p.org_path) = 9 AND o.kind IN ({', '.join(['%s'] * len(_WHO_TOWNSHIP_KINDS))})"
# Tallies of the year's cycles of this scope only (joined by cycle id, as the summed rows need
# nothing else of the cycle). ``0.0 -`` rather than unary minus: no negative zero on SQLite.
_RANKING_SQL = (
    "SELECT p.id, p.name, p.org_path, o.name, coalesce(sum(pt.total), 0.0), "
    "0.0 - coalesce(sum(pt.deductions), 0.0), "
    "rank() OVER (PARTITION BY substr(p.org_path, 1, 9) ORDER BY coalesce(sum(pt.total), 0.0) DESC) "
    "FROM org_person p JOIN org_org o ON o.id = p.org_id "
    "LEFT JOIN points_pointtally pt ON pt.person_id = p.id "
    "AND pt.cycle_id IN (SELECT id FROM points_cycle WHERE year = %s AND scope = %s) "
    "WHERE p.org_path LIKE %s ESCAPE '\\' AND {who} "
    "GROUP BY p.id, p.name, p.org_path, o.name "
    "ORDER BY substr(p.org_path, 1, 9), 7, p.name, p.id"
)
_RANKING_VILLAGE = _RANKING_SQL.format(who=_WHO_VILLAGE)
_RANKING_TOWNSHIP = _RANKING_SQL.format(who=_WHO_TOWNSHIP)
_TENTH = Decimal("0.1")
_FLOAT_TO_DECIMAL = Context(prec=15).create_decimal_from_float


def _like_prefix(prefix: str) -> str:
    """``startswith`` as Django writes it: LIKE wildcards in the prefix match only themselves."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _tenth(value: float | int) -> Decimal:
    """A SQLite sum (float or int) as the ORM would give it: 15 significant digits, one decimal place."""
    return _FLOAT_TO_DECIMAL(float(value)).quantize(_TENTH)


def ranking(prefix: str, scope: str, year: int) -> list[RankRow]:
    """Every cadre under ``prefix`` ranked within his township, in one SQL statement.

    total = approved additions − approved deductions (kept per cadre and cycle in ``PointTally``
    when entries are approved); RANK() partitioned by township (a ranking
    covers one catalogue's scope, PTS-04), ties per ``rules.TIE_METHOD``: equal totals share a
    place and are listed by name (then ID).

    Hand-written SQL returning the ``RankRow`` fields in order: a province ranks 85,000 cadres,
    and the ORM's per-row dicts and converters cost more than the query (issue 5). On PostgreSQL
    the sums of NUMERIC(9, 1) tallies (and the 0.0 fallback) already carry one decimal place, so
    rows become ``RankRow`` as they are; SQLite returns floats, rounded as the ORM would.
    """
    village = scope == Scope.VILLAGE
    who = [PersonCategory.VILLAGE_ELECTED.value] if village else list(_WHO_TOWNSHIP_KINDS)
    with connection.cursor() as cur:
        cur.execute(_RANKING_VILLAGE if village else _RANKING_TOWNSHIP,
                    [year, str(scope), _like_prefix(prefix), *who])
        rows = cur.fetchall()
    if connection.vendor != "postgresql":
        rows = [(i, n, path, v, _tenth(t), _tenth(d), rank) for i, n, path, v, t, d, rank in rows]
    return list(starmap(RankRow, rows))


def village_summary(prefix: str, year: int) -> list[dict[str, Any]]:
    """年度汇总不离村: per village, cadres, total and average, ranked by average within the township."""
    ef = _entry_filter(year, Scope.VILLAGE, "people__point_entries__")
    cadre = Q(people__category=PersonCategory.VILLAGE_ELECTED)
    qs = (
        Org.objects.filter(path__startswith=prefix, kind__in=list(VILLAGE_KINDS))
        .annotate(township=Substr("path", 1, 9))
        .values("id", "name", "path", "township")
        .annotate(
            cadres=Count("people", filter=cadre, distinct=True),
            total=Coalesce(Sum("people__point_entries__points", filter=ef & cadre), ZERO, output_field=DEC),
        )
        .annotate(average=Cast("total", FloatField()) / NullIf(Cast("cadres", FloatField()), 0.0))
        .annotate(rank=Window(Rank(), partition_by=[F("township")],
                              order_by=F("average").desc(nulls_last=True)))
        .order_by("township", "rank", "name")
    )
    return [{**r, "total": Decimal(r["total"]).quantize(Decimal("0.1")), "average": None if r["average"] is None else round(r["average"], 1)}
            for r in qs]


def townships_in(prefix: str) -> list[Org]:
    return list(Org.objects.filter(path__startswith=prefix[:9], kind__in=list(TOWNSHIP_KINDS)).order_by("path"))


def cycles_for(prefix: str, year: int, scope: str) -> dict[str, Cycle]:
    return {c.org_path: c for c in Cycle.objects.filter(org_path__startswith=prefix[:9], year=year, scope=scope)}


def ledger(person: Person, cycle: Cycle | None) -> list[PointEntry]:
    """A cadre's own entries in a cycle, with item, evidence and who recorded and approved them (DSC-02)."""
    if cycle is None:
        return []
    return list(PointEntry.objects.filter(person=person, cycle=cycle)
                .select_related("item", "evidence", "recorded_by", "approved_by").order_by("date", "id"))


def catalogue(township: Org, scope: str, village: Org | None = None) -> QuerySet[PointItem]:
    """Items in force for a township (and a village's tailored ones)."""
    q = Q(village__isnull=True)
    if village is not None:
        q |= Q(village=village)
    return PointItem.objects.filter(q, township=township, scope=scope, active=True).order_by("category", "kind", "name")


def pending_entries(user: Any) -> QuerySet[PointEntry]:
    return (PointEntry.objects.filter(scope_q(user, "points.approve"), status=PointEntry.Status.PENDING)
            .select_related("person", "item", "evidence", "recorded_by", "cycle").order_by("recorded_at"))


def recent_entries(user: Any) -> QuerySet[PointEntry]:
    return (PointEntry.objects.filter(scope_q(user, "points.record"))
            .select_related("person", "item", "evidence", "recorded_by", "approved_by").order_by("-id")[:50])


def used_points(cycle: Cycle, person_id: int, item_id: int, *, include_pending: bool = True) -> Decimal:
    """Points of one item already recorded for a cadre in a cycle (for the per-cycle cap)."""
    statuses = [PointEntry.Status.APPROVED] + ([PointEntry.Status.PENDING] if include_pending else [])
    total = PointEntry.objects.filter(cycle=cycle, person_id=person_id, item_id=item_id, status__in=statuses) \
        .aggregate(s=Sum("points"))["s"]
    return abs(Decimal(total or 0))


def entry_rows_for_preview(cycle_year: int, prefix: str, scope: str) -> list[dict[str, Any]]:
    """Approved entries (aggregated per person and item) for recomputing totals under a draft policy."""
    return list(PointEntry.objects.filter(org_path__startswith=prefix, cycle__year=cycle_year, cycle__scope=scope,
                                          status=PointEntry.Status.APPROVED)
                .values("person_id", "item_id", "item__kind", "item__cap_per_cycle", "item__category")
                .annotate(points=Sum("points")).order_by("person_id", "item_id"))
