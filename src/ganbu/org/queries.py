"""Scoped reads for the org pages and API (ORG-01..09, SEC-02). Every function takes the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ganbu.core.access import NotFound, access_person, has_perm, perm_paths, scope_q
from ganbu.core.masking import mask_id_number, mask_phone
from ganbu.org.models import (
    TOWNSHIP_KINDS,
    TREE_KINDS,
    AssessmentGroupMember,
    AssessorRule,
    Org,
    OrgKind,
    Person,
    Post,
    PostTitle,
)
from ganbu.org.rules import assessor_for


@dataclass
class TreeNode:
    org: Org
    children: list[TreeNode] = field(default_factory=list)


def org_tree(user: Any) -> tuple[list[TreeNode], list[Org]]:
    """The tree nodes the user may see (merged/abolished ones too, for history), and the
    dispatch units and departments beside the tree (ORG-01, ORG-06)."""
    orgs = list(Org.objects.filter(scope_q(user, "org.view", "path")).select_related("successor").order_by("path"))
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    beside: list[Org] = []
    for org in orgs:
        if org.kind not in TREE_KINDS:
            beside.append(org)
            continue
        node = TreeNode(org)
        nodes[org.pk] = node
        parent = nodes.get(org.parent_id) if org.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots, beside


def people_scope_q(user: Any, perm: str = "person.view") -> Q:
    """People in the user's subtree, plus those a dispatch unit in scope has sent (ORG-06)."""
    q = scope_q(user, perm, "org_path")
    unit_paths = [p for p in perm_paths(user, perm) if p and not p[-4:].isdigit()]
    for p in unit_paths:
        q |= Q(posts__dispatch_unit__path__startswith=p)
    return q


def people_list(user: Any, *, search: str = "", org: Org | None = None, current_only: bool = False) -> QuerySet[Person]:
    today = timezone.localdate()
    qs = Person.objects.filter(people_scope_q(user)).select_related("org").distinct()
    if org is not None:
        qs = qs.filter(org_path__startswith=org.path)
    search = search.strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(org__name__icontains=search) | Q(posts__org__name__icontains=search))
    if current_only:
        qs = qs.filter(Q(posts__end__isnull=True) | Q(posts__end__gte=today))
    current = Post.objects.filter(Q(end__isnull=True) | Q(end__gte=today)).select_related("org").order_by("-start")
    return qs.prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts")).order_by("org_path", "name")


def person_for(user: Any, person_id: Any, perm: str = "person.view") -> Person:
    """A person the user may see or act on: in scope, himself (self perms), or sent by his dispatch unit."""
    try:
        return access_person(user, person_id, perm)
    except NotFound:
        unit_paths = [p for p in perm_paths(user, perm) if p and not p[-4:].isdigit()]
        if not unit_paths:
            raise
        try:
            pid = int(person_id)
        except (TypeError, ValueError):
            raise NotFound() from None
        q = Q()
        for p in unit_paths:
            q |= Q(dispatch_unit__path__startswith=p)
        if Post.objects.filter(q, person_id=pid).exists():
            return Person.objects.select_related("org").get(pk=pid)
        raise


def post_for(user: Any, post_id: Any, perm: str) -> Post:
    try:
        post = Post.objects.select_related("person", "org").get(pk=int(post_id))
    except (Post.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if not has_perm(user, perm, post.org.path):
        raise NotFound()
    return post


def can_see_id(user: Any, person: Person) -> bool:
    return has_perm(user, "person.view_id", person.org_path)


def person_private(user: Any, person: Person) -> dict[str, str]:
    """ID number and private phone, masked unless the user holds ``person.view_id`` there (SEC-02)."""
    if can_see_id(user, person):
        return {"id_number": person.id_number, "phone": person.phone, "masked": ""}
    return {"id_number": mask_id_number(person.id_number), "phone": mask_phone(person.phone), "masked": "1"}


def person_posts(person: Person) -> list[Post]:
    return list(person.posts.select_related("org", "dispatch_unit").prefetch_related("appointment")
                .order_by("-start", "-id"))


def org_posts(org: Org, on: date | None = None) -> tuple[list[Post], list[Post]]:
    """Current and past posts held in an org, or sent by a dispatch unit (ORG-02: past posts are kept)."""
    on = on or timezone.localdate()
    rank = {t: i for i, t in enumerate(PostTitle.values)}
    where = Q(dispatch_unit=org) if org.kind == OrgKind.DISPATCH_UNIT else Q(org=org)  # ORG-06: its stationed cadres
    posts = sorted(Post.objects.filter(where).select_related("person", "org", "dispatch_unit"),
                   key=lambda p: (rank.get(p.title, 99), -p.start.toordinal(), p.pk))
    current = [p for p in posts if p.end is None or p.end >= on]
    past = [p for p in posts if p.end is not None and p.end < on]
    return current, past


def township_of(org: Org) -> Org | None:
    node: Org | None = org
    while node is not None and node.kind not in TOWNSHIP_KINDS:
        node = node.parent
    return node


def assessment_group(org: Org, on: date | None = None) -> list[AssessmentGroupMember]:
    """A township's assessment leadership group and office in force on a date (ORG-04)."""
    on = on or timezone.localdate()
    return list(AssessmentGroupMember.objects.filter(org=org, start__lte=on)
                .filter(Q(end__isnull=True) | Q(end__gte=on)).select_related("person").order_by("group_role", "id"))


def assessor_of(person: Person, on: date | None = None) -> tuple[str, str]:
    """(daily assessor, meetings/study/ad-hoc assessor) of a person (ORG-05): his township's rule
    for his category, else the policy default."""
    from ganbu.org.services import org_params

    on = on or timezone.localdate()
    township = township_of(person.org)
    rules: dict[str, tuple[str, str]] = {}
    if township is not None:
        rules = {r.category: (r.daily, r.meetings) for r in AssessorRule.objects.filter(org=township)}
    params = org_params(person.org_path, on)
    return assessor_for(person.category, rules, params.assessor_defaults)


def orgs_for(user: Any, perm: str, kinds: set[str] | None = None, active: bool = True) -> QuerySet[Org]:
    qs = Org.objects.filter(scope_q(user, perm, "path"))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if active:
        qs = qs.filter(valid_to__isnull=True)
    return qs.order_by("path")


def dispatch_units(user: Any) -> QuerySet[Org]:
    return orgs_for(user, "org.view", {OrgKind.DISPATCH_UNIT})
