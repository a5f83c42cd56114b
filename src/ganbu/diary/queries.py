"""Scoped reads of the diary app: the township's views on open matters, stations and coverage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, DateField, F, Q, QuerySet, When
from django.utils import timezone

from ganbu.core.access import NotFound, has_perm, scope_q
from ganbu.diary import rules
from ganbu.diary.models import ContactHousehold, HeadsMeeting, Household, Matter, Station, Visit
from ganbu.diary.policy import DiaryParams
from ganbu.org.models import Org, OrgKind, Person, Post

VILLAGE_KINDS = (OrgKind.VILLAGE, OrgKind.COMMUNITY)


def nav_is_stationed(user: Any) -> bool:
    """Nav: the diary entry shows for a cadre with a station today."""
    pid = getattr(user, "person_id", None)
    if not pid:
        return False
    today = timezone.localdate()
    return (Station.objects.filter(person_id=pid, start__lte=today, village__isnull=False).exclude(end__lt=today)
            .exists())


def can_view(user: Any, path: str | None = None) -> bool:
    return has_perm(user, "diary.view", path)


def matter_for(user: Any, pk: Any) -> Matter:
    """A diary matter: the author's own, or one in the user's township scope. Else the same NotFound."""
    try:
        m = Matter.objects.select_related("household", "author", "answerer", "answered_by").get(pk=int(pk))
    except (Matter.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if m.author_id == getattr(user, "person_id", None) or has_perm(user, "diary.view", m.org_path):
        return m
    raise NotFound()


def household_for(user: Any, pk: Any) -> Household:
    """A household the user may pick: in his own station's village, or in his management scope."""
    try:
        h = Household.objects.select_related("village").get(pk=int(pk))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    from ganbu.diary.services import station_current

    st = station_current(getattr(user, "person_id", None))
    if (st and st.village_id and h.org_path.startswith(st.org_path)) or has_perm(user, "diary.view", h.org_path):
        # A stationed cadre may pick a household of his township; the service refuses other villages in Chinese.
        return h
    raise NotFound()


def households_search(user: Any, q: str, village: Org | None = None, limit: int = 15) -> list[Household]:
    """Households by head name or group, in the cadre's own village or the user's scope."""
    from ganbu.diary.services import station_current

    qs = Household.objects.select_related("village")
    if village is not None:
        qs = qs.filter(village=village).order_by("group_name", "head_name")
    else:
        st = station_current(getattr(user, "person_id", None))
        scope = scope_q(user, "diary.view")
        if st and st.village_id:  # his township's households, his own village first; others are refused in Chinese
            scope |= Q(org_path__startswith=st.org_path)
            qs = qs.filter(scope).order_by(Case(When(village_id=st.village_id, then=0), default=1), "group_name",
                                           "head_name")
        else:
            qs = qs.filter(scope).order_by("group_name", "head_name")
    q = q.strip()
    if q:
        qs = qs.filter(Q(head_name__icontains=q) | Q(group_name__icontains=q))
    return list(qs[:limit])


def people_search(user: Any, q: str, township: Org, limit: int = 15) -> list[Person]:
    """Township cadres by name, for the station picker."""
    today = timezone.localdate()
    qs = (Person.objects.filter(posts__org=township, posts__start__lte=today)
          .exclude(posts__end__lt=today).distinct())
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name")[:limit])


def _pending_due() -> Any:
    return Case(When(needs_report=True, reported_on__isnull=True, then=F("report_due")),
                When(needs_report=True, answered_on__isnull=True, then=F("opinion_due")),
                default=None, output_field=DateField())


def open_matters(user: Any, *, q: str = "", village: str = "", author: str = "", include_closed: bool = False,
                 mine_only: bool = False) -> QuerySet[Matter]:
    """Matters in scope, overdue (earliest pending due day) first; searchable by text, household and cadre."""
    qs = Matter.objects.select_related("household", "author", "answerer")
    if mine_only:
        qs = qs.filter(author_id=getattr(user, "person_id", None))
    else:
        qs = qs.filter(scope_q(user, "diary.view"))
    if not include_closed:
        qs = qs.filter(closed_on__isnull=True)
    if village:
        qs = qs.filter(org_path=village)
    if author:
        qs = qs.filter(author_id=author) if author.isdigit() else qs.none()
    for word in q.split()[:5]:
        qs = qs.filter(Q(content__icontains=word) | Q(action__icontains=word) | Q(household__head_name__icontains=word)
                       | Q(author__name__icontains=word) | Q(category__icontains=word))
    return qs.annotate(pending_due=_pending_due()).order_by(F("pending_due").asc(nulls_last=True), "-met_on", "-id")


def open_counts(user: Any, on: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Open matters per village and per cadre, with how many are overdue (one GROUP BY each)."""
    base = (Matter.objects.filter(scope_q(user, "diary.view"), closed_on__isnull=True)
            .annotate(pending_due=_pending_due()))
    overdue = Count("id", filter=Q(pending_due__lt=on))
    villages = list(base.values("org_path").annotate(open=Count("id"), overdue=overdue).order_by("-overdue", "-open"))
    names = dict(Org.objects.filter(path__in=[v["org_path"] for v in villages]).values_list("path", "name"))
    for v in villages:
        v["name"] = names.get(v["org_path"], v["org_path"])
    cadres = list(base.values("author_id", "author__name").annotate(open=Count("id"), overdue=overdue)
                  .order_by("-overdue", "-open"))
    return villages, cadres


@dataclass
class StationRow:
    station: Station
    coverage: rules.Coverage | None


def station_coverage(st: Station, params: DiaryParams, start: date, end: date) -> rules.Coverage:
    visited = (Visit.objects.filter(person_id=st.person_id, household__village_id=st.village_id,
                                    visited_on__range=(start, end)).values("household_id").distinct().count())
    meetings = HeadsMeeting.objects.filter(person_id=st.person_id, village_id=st.village_id,
                                           held_on__range=(start, end)).count()
    contacts = ContactHousehold.objects.filter(station=st, end__isnull=True).count()
    households = st.village.households if st.village else 0
    return rules.stn_02_coverage(params, households=households, visited=visited, meetings=meetings,
                                 contacts=contacts)


def township_stations(user: Any, township: Org, params: DiaryParams, on: date) -> dict[str, Any]:
    """STN-01/02 for one township: who is stationed where, villages without a cadre, idle cadres, coverage."""
    if not has_perm(user, "diary.view", township.path):
        raise NotFound()
    start, end = rules.period_of(params, on)
    villages = list(Org.objects.filter(parent=township, kind__in=VILLAGE_KINDS, valid_to__isnull=True)
                    .order_by("path"))
    stations = list(Station.objects.select_related("person", "village")
                    .filter(township=township, start__lte=on).exclude(end__lt=on).order_by("village__path"))
    by_person = {s.person_id: s for s in stations}
    posts = (Post.objects.select_related("person").filter(org=township, start__lte=on, title__in=params.stationed_titles)
             .exclude(end__lt=on).order_by("title", "person__name"))
    cadres = []
    seen = set()
    for p in posts:
        if p.person_id in seen:
            continue
        seen.add(p.person_id)
        st = by_person.get(p.person_id)
        cadres.append(rules.CadreStation(p.person_id, p.title, st.village_id if st else None,
                                         st.special_post if st else ""))
    without, idle = rules.stn_01_gaps(params, [v.pk for v in villages], cadres)
    # coverage in a fixed number of GROUP BY queries, whatever the number of cadres and villages
    in_period = Visit.objects.filter(household__village__parent=township, visited_on__range=(start, end))
    visited_by = {(r["person_id"], r["household__village_id"]): r["n"] for r in
                  in_period.values("person_id", "household__village_id").annotate(n=Count("household_id", distinct=True))}
    visited_in = {r["household__village_id"]: r["n"] for r in
                  in_period.values("household__village_id").annotate(n=Count("household_id", distinct=True))}
    meetings = HeadsMeeting.objects.filter(village__parent=township, held_on__range=(start, end))
    meetings_by = {(r["person_id"], r["village_id"]): r["n"] for r in
                   meetings.values("person_id", "village_id").annotate(n=Count("id"))}
    meetings_in = {r["village_id"]: r["n"] for r in meetings.values("village_id").annotate(n=Count("id"))}
    contacts = ContactHousehold.objects.filter(station__township=township, end__isnull=True)
    contacts_by = {r["station_id"]: r["n"] for r in contacts.values("station_id").annotate(n=Count("id"))}
    contacts_in = {r["station__village_id"]: r["n"] for r in contacts.values("station__village_id").annotate(n=Count("id"))}
    rows = []
    for st in stations:
        cov = None
        if st.village is not None:
            key = (st.person_id, st.village_id)
            cov = rules.stn_02_coverage(params, households=st.village.households, visited=visited_by.get(key, 0),
                                        meetings=meetings_by.get(key, 0), contacts=contacts_by.get(st.pk, 0))
        rows.append(StationRow(st, cov))
    village_cov: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r.coverage is None or r.station.village is None:
            continue
        agg = village_cov.setdefault(r.station.village.pk, {"village": r.station.village, "cadres": 0})
        agg["cadres"] += 1
    for vid, agg in village_cov.items():
        agg["coverage"] = rules.stn_02_coverage(params, households=agg["village"].households,
                                                visited=visited_in.get(vid, 0), meetings=meetings_in.get(vid, 0),
                                                contacts=contacts_in.get(vid, 0))
    idle_people = list(Person.objects.filter(pk__in=idle).order_by("name"))
    return {"rows": rows, "villages_without": [v for v in villages if v.pk in set(without)], "idle": idle_people,
            "villages": villages, "village_cov": list(village_cov.values()), "period": (start, end),
            "period_label": rules.period_label(params, start)}


def my_station_summary(st: Station, params: DiaryParams, on: date) -> dict[str, Any]:
    start, end = rules.period_of(params, on)
    return {"coverage": station_coverage(st, params, start, end), "period_label": rules.period_label(params, start),
            "contacts": list(ContactHousehold.objects.select_related("household").filter(station=st, end__isnull=True)),
            "visits": list(Visit.objects.select_related("household").filter(person_id=st.person_id)
                           .order_by("-visited_on", "-id")[:10]),
            "meetings": list(HeadsMeeting.objects.filter(person_id=st.person_id).order_by("-held_on")[:5])}


def townships_for(user: Any) -> QuerySet[Org]:
    return Org.objects.filter(scope_q(user, "diary.view", "path"), kind__in=(OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT),
                              valid_to__isnull=True).order_by("path")
