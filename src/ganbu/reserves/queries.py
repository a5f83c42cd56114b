"""Scoped reads: the county's composition report (RSV-01/02) and the township's care board (ORG-10)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from ganbu.core.access import NotFound, has_perm, scope_q
from ganbu.core.policy import PolicyMissing, policy_resolve
from ganbu.org.models import Org, OrgKind, Person, Post, PostTitle
from ganbu.reserves import rules
from ganbu.reserves.models import CareEvent, Reserve
from ganbu.reserves.services import LEADERSHIP_TITLES, TEAM_TITLES

VILLAGE_KINDS = (OrgKind.VILLAGE, OrgKind.COMMUNITY)


@dataclass
class VillageRow:
    village: Org
    shortfalls: list[str] = field(default_factory=list)
    posts_without: list[Post] = field(default_factory=list)
    team: int = 0
    reserves: int = 0
    policy_ref: str = ""
    params: Any = None

    @property
    def short(self) -> bool:
        return bool(self.shortfalls or self.posts_without)


def villages_for(user: Any, township: str = "") -> QuerySet[Org]:
    qs = Org.objects.filter(scope_q(user, "reserves.view", "path"), kind__in=VILLAGE_KINDS, valid_to__isnull=True)
    if township:
        qs = qs.filter(path__startswith=township)
    return qs.select_related("parent").order_by("path")


def _current_posts(villages: list[Org], on: date) -> list[Post]:
    return list(Post.objects.select_related("person").filter(org__in=villages, title__in=TEAM_TITLES, start__lte=on)
                .exclude(end__lt=on).order_by("org_id", "title", "id"))


def composition_report(user: Any, on: date, township: str = "") -> list[VillageRow]:
    """RSV-01/02 for every village in scope: why it falls short and which posts lack a reserve; short ones first."""
    villages = list(villages_for(user, township))
    posts = _current_posts(villages, on)
    reserves = list(Reserve.objects.select_related("person").filter(village__in=villages)
                    .exclude(status=Reserve.Status.WITHDRAWN))
    by_post: dict[int, int] = {}
    for r in reserves:
        by_post[r.post_id] = by_post.get(r.post_id, 0) + 1
    rows = []
    for v in villages:
        try:
            resolved = policy_resolve("reserves", v.path, on)
        except PolicyMissing:
            continue
        params = resolved.params
        vposts = [p for p in posts if p.org_id == v.pk]
        team = [rules.Member(p.person_id, p.person.birth_date, p.person.gender) for p in vposts]
        pooled = [rules.Member(r.person_id, r.person.birth_date, r.person.gender) for r in reserves
                  if r.village_id == v.pk and r.status == Reserve.Status.POOLED]
        row = VillageRow(village=v, team=len({m.person_id for m in team}), reserves=len(pooled),
                         policy_ref=resolved.ref, params=params)
        row.shortfalls = rules.rsv_02_shortfalls(params, team, pooled, on)
        row.posts_without = [p for p in vposts if by_post.get(p.pk, 0) < params.reserves_per_post]
        rows.append(row)
    return sorted(rows, key=lambda r: (not r.short, r.village.path))


def village_for(user: Any, pk: Any) -> Org:
    try:
        v = Org.objects.select_related("parent").get(pk=int(pk), kind__in=VILLAGE_KINDS)
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not has_perm(user, "reserves.view", v.path):
        raise NotFound()
    return v


def village_posts(v: Org, on: date) -> list[tuple[Post, list[Reserve]]]:
    posts = _current_posts([v], on)
    reserves = list(Reserve.objects.select_related("person").prefetch_related("steps").filter(post__in=posts)
                    .order_by("status", "id"))
    return [(p, [r for r in reserves if r.post_id == p.pk]) for p in posts]


def reserve_for(user: Any, pk: Any, perm: str = "reserves.manage") -> Reserve:
    try:
        r = Reserve.objects.select_related("person", "post", "village").get(pk=int(pk))
    except (Reserve.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not has_perm(user, perm, r.org_path):
        raise NotFound()
    return r


def villagers_search(user: Any, v: Org, q: str, limit: int = 15) -> list[Person]:
    if not has_perm(user, "reserves.manage", v.path):
        raise NotFound()
    qs = Person.objects.filter(org=v)
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name")[:limit])


# --- ORG-10 -----------------------------------------------------------------------------------------


@dataclass
class CareRow:
    secretary: Person
    village: Org
    since: date
    due: list[rules.CareDue]
    events: list[CareEvent]

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.due if d.overdue)


def care_board(user: Any, township: Org, on: date) -> tuple[list[CareRow], str]:
    """ORG-10: every village secretary of the township with what falls due, overdue first."""
    if not has_perm(user, "care.manage", township.path):
        raise NotFound()
    try:
        resolved = policy_resolve("org_care", township.path, on)
    except PolicyMissing:
        return [], ""
    posts = list(Post.objects.select_related("person", "org")
                 .filter(org__parent=township, title=PostTitle.VILLAGE_SECRETARY, start__lte=on).exclude(end__lt=on)
                 .order_by("org__path"))
    events = list(CareEvent.objects.select_related("led_by").filter(secretary__in=[p.person_id for p in posts]))
    rows = []
    for p in posts:
        mine = [e for e in events if e.secretary_id == p.person_id]
        facts = [rules.CareEvent(e.kind, e.planned_on, e.done_on) for e in mine]  # type: ignore[arg-type]
        rows.append(CareRow(p.person, p.org, p.start, rules.org_10_care_due(resolved.params, p.start, facts, on), mine))
    return sorted(rows, key=lambda r: (-r.overdue, r.village.path)), resolved.ref


def leaders_of(township: Org, on: date) -> list[Person]:
    return list(Person.objects.filter(posts__org=township, posts__title__in=LEADERSHIP_TITLES, posts__start__lte=on)
                .exclude(posts__end__lt=on).distinct().order_by("name"))


def townships_for(user: Any, perm: str) -> QuerySet[Org]:
    return Org.objects.filter(scope_q(user, perm, "path"), kind__in=(OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT),
                              valid_to__isnull=True).order_by("path")
