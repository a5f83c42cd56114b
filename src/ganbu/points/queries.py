"""积分 reads: rankings in SQL (RANK() window per township), village summaries, ledgers (PTS-04, PTS-07).

A ranking query is one statement whatever the number of cadres or townships, so the ranking
pages run a fixed number of queries (pinned in tests).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, FloatField, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Cast, Coalesce, Length, NullIf, Rank, Substr

from ganbu.core.access import scope_q
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Org, Person, PersonCategory
from ganbu.points.models import Cycle, PointEntry, PointItem, Scope
from ganbu.points.rules import RankRow

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=1))
DEC = DecimalField(max_digits=9, decimal_places=1)


def ranked_people(prefix: str, scope: str) -> QuerySet[Person]:
    """Who a ranking covers: village two-committee cadres (PTS-01), or the township's own cadres (PTS-07)."""
    qs = Person.objects.filter(org_path__startswith=prefix)
    if scope == Scope.VILLAGE:
        return qs.annotate(_len=Length("org_path")).filter(_len=12, category=PersonCategory.VILLAGE_ELECTED)
    return qs.annotate(_len=Length("org_path")).filter(_len=9, org__kind__in=list(TOWNSHIP_KINDS))


def _entry_filter(year: int, scope: str, prefix: str = "point_entries__") -> Q:
    return Q(**{f"{prefix}status": PointEntry.Status.APPROVED, f"{prefix}cycle__year": year,
                f"{prefix}cycle__scope": scope})


def ranking(prefix: str, scope: str, year: int) -> list[RankRow]:
    """Every cadre under ``prefix`` ranked within his township, in one SQL statement.

    total = approved additions − approved deductions (kept per cadre and cycle in ``PointTally``
    when entries are approved); RANK() partitioned by township (a ranking
    covers one catalogue's scope, PTS-04), ties per ``rules.TIE_METHOD``.
    """
    # One row per cadre from the tallies that approval keeps (models.PointTally), not a sum of entries.
    tf = Q(point_tallies__cycle__year=year, point_tallies__cycle__scope=scope)
    qs = (
        ranked_people(prefix, scope)
        .annotate(township=Substr("org_path", 1, 9))
        .values("id", "name", "org_path", "org__name", "township")
        .annotate(
            total=Coalesce(Sum("point_tallies__total", filter=tf), ZERO, output_field=DEC),
            deductions=Coalesce(Sum("point_tallies__deductions", filter=tf), ZERO, output_field=DEC),
        )
        .annotate(rank=Window(Rank(), partition_by=[F("township")], order_by=F("total").desc()))
        .order_by("township", "rank", "name", "id")
    )
    return [
        RankRow(person_id=r["id"], name=r["name"], org_path=r["org_path"], village=r["org__name"],
                total=Decimal(r["total"]).quantize(Decimal("0.1")),
                deductions=-Decimal(r["deductions"]).quantize(Decimal("0.1")), rank=r["rank"])
        for r in qs
    ]


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
