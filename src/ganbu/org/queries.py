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


def people_list(user: Any, *, search: str = "", org: Org | None = None, current_only: bool = False,
                filters: dict[str, Any] | None = None) -> QuerySet[Person]:
    today = timezone.localdate()
    qs = Person.objects.filter(people_scope_q(user)).select_related("org").distinct()
    if org is not None:
        qs = qs.filter(org_path__startswith=org.path)
    search = search.strip()
    if search:
        qs = qs.filter(person_search_q(search) | Q(posts__org__name__icontains=search))
    if filters:
        qs = roster_filter(qs, filters, today)
    if current_only:
        qs = qs.filter(Q(posts__end__isnull=True) | Q(posts__end__gte=today))
    current = Post.objects.filter(Q(end__isnull=True) | Q(end__gte=today)).select_related("org").order_by("-start")
    return qs.prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts")).order_by("org_path", "name")


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def roster_filter(qs: QuerySet[Person], f: dict[str, Any], today: date) -> QuerySet[Person]:
    """Apply the roster filters (RosterFilterForm.cleaned_data) in SQL: post, category, unit, age,
    education, party membership and term end (a current post ending by the given date)."""
    current = Q(posts__end__isnull=True) | Q(posts__end__gte=today)
    if f.get("title"):
        qs = qs.filter(current, posts__title=f["title"])
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    if f.get("org_obj") is not None:
        unit = f["org_obj"]
        qs = qs.filter(Q(org_path__startswith=unit.path) | Q(posts__dispatch_unit=unit, posts__end__isnull=True))
    if f.get("age_min") is not None:  # at least N years old: born on or before today − N years
        qs = qs.filter(birth_date__lte=_years_ago(today, f["age_min"]))
    if f.get("age_max") is not None:  # at most N: born after today − (N+1) years
        qs = qs.filter(birth_date__gt=_years_ago(today, f["age_max"] + 1))
    if f.get("education"):
        qs = qs.filter(education=f["education"])
    if f.get("party") == "yes":
        qs = qs.filter(party_member=True)
    elif f.get("party") == "no":
        qs = qs.filter(party_member=False)
    if f.get("term_end_by"):
        qs = qs.filter(posts__end__gte=today, posts__end__lte=f["term_end_by"])
    return qs


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


# --- pickers (issue 10 bug 11, issue 16): people and users are chosen by search within scope -------

PICKER_LIMIT = 20
HANDOVER_NOT_ALLOWED = "工作交接人须从搜索结果中选择（本乡镇的干部）"


def handover_candidates(person: Person | None) -> QuerySet[Person]:
    """Whom an applicant may name as his handover person: people of his own township (or his own
    org when it sits beside the tree), never himself. Any other id is refused, so the field is no
    id → name oracle."""
    if person is None:
        return Person.objects.none()
    root = person.org_path[:9] if person.org_path[:9].isdigit() else person.org_path
    return Person.objects.filter(org_path__startswith=root).exclude(pk=person.pk)


def standin_candidates(user: Any) -> QuerySet[Any]:
    """Whom an approver may name as stand-in (LV-09): active users whose person sits where he approves
    (or in his own township), or who hold a grant on a node inside that scope; never himself."""
    from ganbu.org.models import User

    roots = [p for p in perm_paths(user, "leave.approve")]
    own = getattr(getattr(user, "person", None), "org_path", "")
    if own:
        roots.append(own[:9] if own[:9].isdigit() else own)
    if "" in roots:
        return User.objects.filter(is_active=True).exclude(pk=user.pk)
    if not roots:
        return User.objects.none()
    q = Q()
    for p in roots:
        q |= Q(person__org_path__startswith=p) | Q(grants__org__path__startswith=p)
    return User.objects.filter(q, is_active=True).exclude(pk=user.pk).distinct()


def _titles_matching(text: str) -> list[str]:
    return [value for value, label in PostTitle.choices if text and text in label]


def person_search_q(text: str) -> Q:
    """Name, unit (own org or a post's org) or post title (by its Chinese label)."""
    q = Q(name__icontains=text) | Q(org__name__icontains=text)
    titles = _titles_matching(text)
    if titles:
        q |= Q(posts__title__in=titles, posts__end__isnull=True)
    return q


def picker_search(user: Any, purpose: str, text: str) -> list[dict[str, Any]]:
    """The picker's answer: [{id, label}] within the scope the purpose allows, at most PICKER_LIMIT."""
    text = text.strip()[:50]
    if not text:
        return []
    if purpose == "standin":
        users = standin_candidates(user).filter(
            Q(display_name__icontains=text) | Q(person__name__icontains=text)
            | Q(person__org__name__icontains=text)).select_related("person__org").order_by("display_name")
        return [{"id": u.pk, "label": f"{u.display_name or u.person or '—'}"
                 + (f"（{u.person.org.name}）" if u.person_id else "")} for u in users[:PICKER_LIMIT]]
    if purpose == "handover":
        me = getattr(user, "person", None)
        people = handover_candidates(me)
    else:
        people = Person.objects.filter(people_scope_q(user))
    people = people.filter(person_search_q(text)).select_related("org").distinct().order_by("org_path", "name")
    return [{"id": p.pk, "label": f"{p.name}（{p.org.name}）"} for p in people[:PICKER_LIMIT]]
