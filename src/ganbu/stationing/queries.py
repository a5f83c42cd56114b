"""Scoped reads of the stationing app. Every function takes the acting user or a scoped object.

Attendance (day statuses, sign-ins, the signed monthly table) is read here from the attendance tables
read-only; leave through ``leave.queries``. The county page and the nightly evaluation read a constant
number of queries however many cadres there are (one per township policy aside).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from ganbu.core.access import NotFound, has_perm, perm_paths, scope_q
from ganbu.org.models import STATIONED_TITLES, VILLAGE_KINDS, Org, Person, Post, VillageCategory
from ganbu.stationing import rules
from ganbu.stationing.eligibility import stationing_params
from ganbu.stationing.models import DiaryEntry, DiaryFlag, NegativeItem, ObligationRecord, Selection

CATEGORY_LABELS = dict(VillageCategory.choices)
RESPONSIBLE = {"self": "本人", "township_secretary": "乡镇党委书记", "dispatch_leader": "派出单位",
               "county_org": "县委组织部"}


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def _unit_paths(user: Any, perm: str = "stationing.view") -> list[str]:
    return [p for p in perm_paths(user, perm) if p and not p[-4:].isdigit()]


def post_scope_q(user: Any, perm: str = "stationing.view") -> Q:
    """Stationed posts the user may see: in his subtree, or sent by his dispatch unit."""
    q = scope_q(user, perm, "org__path")
    for p in _unit_paths(user, perm):
        q |= Q(dispatch_unit__path__startswith=p)
    return q


def current_posts(user: Any, on: date, perm: str = "stationing.view") -> QuerySet[Post]:
    return (Post.objects.filter(post_scope_q(user, perm), title__in=list(STATIONED_TITLES), start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on)))


# --- selection --------------------------------------------------------------------------------------


def selections_visible(user: Any) -> QuerySet[Selection]:
    q = scope_q(user, "stationing.view", "org_path")
    for p in _unit_paths(user):
        q |= Q(unit__path__startswith=p)
    return (Selection.objects.filter(q).select_related("village", "unit", "candidate", "outgoing__person", "post")
            .order_by("-proposed_at", "-id"))


def access_selection(user: Any, pk: Any) -> Selection:
    try:
        return selections_visible(user).get(pk=int(pk))
    except (Selection.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def selections_waiting(user: Any) -> list[Selection]:
    """What waits on this user: review/approval for the county, reporting for the township and the candidate."""
    out = []
    for s in selections_visible(user).filter(status__in=[Selection.Status.PROPOSED, Selection.Status.REVIEWED,
                                                          Selection.Status.APPROVED])[:200]:
        county = has_perm(user, "stationing.manage", s.org_path[:6])
        if s.status in (Selection.Status.PROPOSED, Selection.Status.REVIEWED) and county or (
                s.status == Selection.Status.APPROVED and (has_perm(user, "attendance.correct", s.org_path)
                                                           or county or user.person_id == s.candidate_id)):
            out.append(s)
    return out


def candidate_search(user: Any, q: str, limit: int = 20) -> list[Person]:
    """People the user may propose, found by name, unit or post (never by id): his scope, org.queries-style."""
    from ganbu.org.queries import people_list

    q = q.strip()
    if not q:
        return []
    return list(people_list(user, search=q[:50])[:limit])


def unit_choices(user: Any) -> QuerySet[Org]:
    """Dispatch units the user may propose for."""
    from ganbu.org.models import OrgKind

    q = scope_q(user, "stationing.manage", "path")
    for p in _unit_paths(user):
        q |= Q(path__startswith=p)
    return Org.objects.filter(q, kind__in=[OrgKind.DISPATCH_UNIT, OrgKind.DEPARTMENT], valid_to__isnull=True
                              ).order_by("path")


def village_choices(user: Any) -> QuerySet[Org]:
    """Villages in the county of any unit or scope the user holds."""
    paths = {p[:6] for p in perm_paths(user, "stationing.view")}
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    if "" in paths:
        q = Q()
    return Org.objects.filter(q, kind__in=list(VILLAGE_KINDS), valid_to__isnull=True).order_by("path")


@dataclass
class VillageRow:
    village: Org
    categories: list[str]
    team: list[str]


def eligible_villages(user: Any, on: date) -> list[VillageRow]:
    """STN-03: villages of the target categories in scope, with or without a team today (one query each)."""
    villages = list(Org.objects.filter(scope_q(user, "stationing.view", "path"), kind__in=list(VILLAGE_KINDS),
                                       valid_to__isnull=True).exclude(categories=[]).order_by("path"))
    if not villages:
        return []
    params, _ = stationing_params(villages[0].path, on)
    teams: dict[int, list[str]] = defaultdict(list)
    for org_id, name, title in (Post.objects.filter(org__in=villages, title__in=list(STATIONED_TITLES),
                                                    start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
                                .values_list("org_id", "person__name", "title")):
        teams[org_id].append(name + ("（第一书记）" if title == "first_secretary" else ""))
    out = []
    for v in villages:
        cats = rules.stn_03_village_qualifies(params, v.categories or [])
        if cats:
            out.append(VillageRow(v, [CATEGORY_LABELS.get(c, c) for c in cats], teams.get(v.pk, [])))
    return out


def term_end_of(post: Post, params: Any, selection_term_end: date | None) -> date:
    return post.end or selection_term_end or rules.stn_05_term_end(params, post.start)


# --- the stationed-cadre page and the calendar -----------------------------------------------------


@dataclass
class CadreRow:
    post: Post
    term_start: date
    term_end: date
    days_in_village: int
    dues: list[rules.Due] = field(default_factory=list)
    rotation: bool = False
    on: date = field(default_factory=date.today)
    tasks_overdue: int = 0  # STN-17: assigned tasks still open after their due day

    @property
    def open(self) -> list[rules.Due]:
        return [d for d in self.dues if d.open(self.on)]

    @property
    def overdue(self) -> list[rules.Due]:
        return [d for d in self.dues if d.overdue(self.on)]

    @property
    def pending(self) -> list[rules.Due]:
        """Not done: periods already running, and anything due within the coming month."""
        soon = self.on + timedelta(days=31)
        return [d for d in self.dues if not d.done_on and (d.start <= self.on or d.due <= soon)]

    @property
    def done_count(self) -> int:
        return sum(1 for d in self.dues if d.done_on)

    @property
    def overdue_recent(self) -> list[rules.Due]:
        """The three latest overdue obligations (the page shows these and the count)."""
        return sorted(self.overdue, key=lambda d: d.due, reverse=True)[:3]


class _Params(dict[str, Any]):
    """Policy per township, resolved once per township (the count does not grow with cadres)."""

    def __init__(self, on: date) -> None:
        super().__init__()
        self.on = on

    def __missing__(self, path: str) -> Any:
        value = stationing_params(path, self.on)[0]
        self[path] = value
        return value


def cadre_rows(posts: QuerySet[Post], on: date) -> list[CadreRow]:
    """Every stationed cadre of ``posts`` with term, days in the village this month and the calendar."""
    from ganbu.attendance.models import DayStatus

    posts_list = list(posts.select_related("person", "org", "dispatch_unit").order_by("org__path", "title", "id"))
    if not posts_list:
        return []
    person_ids = [p.person_id for p in posts_list]
    first, last = month_bounds(on)
    days = dict(DayStatus.objects.filter(person_id__in=person_ids, date__range=(first, last), status="present")
                .values("person_id").annotate(n=Count("id")).values_list("person_id", "n"))
    term_ends = dict(Selection.objects.filter(post_id__in=[p.pk for p in posts_list]).values_list("post_id",
                                                                                                 "term_end"))
    done: dict[int, list[rules.Done]] = defaultdict(list)
    for pid, kind, d, n, detail in ObligationRecord.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "kind", "date", "days", "detail"):
        done[pid].append(rules.Done(kind, d, n, detail))
    params = _Params(on)
    rows = []
    for p in posts_list:
        pol = params[p.org.path[:9]]
        end = term_end_of(p, pol, term_ends.get(p.pk))
        dues = rules.obligation_calendar(pol, role=p.title, term_start=p.start, term_end=end, done=done[p.person_id],
                                         until=on + timedelta(days=31), post_end=p.end)
        rows.append(CadreRow(post=p, term_start=p.start, term_end=end, days_in_village=days.get(p.person_id, 0),
                             dues=dues, rotation=rules.stn_05_rotation_due(pol, end, on), on=on))
    return rows


def stationed_list(user: Any, on: date, *, q: str = "", township: str = "", unit: str = "",
                   overdue_only: bool = False) -> list[CadreRow]:
    """The county's stationed-cadre page: filter by name/village, township, dispatch unit, overdue obligations."""
    posts = current_posts(user, on)
    if q.strip():
        s = q.strip()[:50]
        posts = posts.filter(Q(person__name__icontains=s) | Q(org__name__icontains=s))
    if township:
        posts = posts.filter(org__path__startswith=township[:9])
    if unit:
        posts = posts.filter(dispatch_unit__path=unit[:16])
    rows = cadre_rows(posts, on)
    late = tasks_overdue_by_person([r.post.person_id for r in rows], on)
    for r in rows:
        r.tasks_overdue = late.get(r.post.person_id, 0)
    if overdue_only:
        rows = [r for r in rows if r.overdue or r.tasks_overdue]
    return rows


def cadre_for(user: Any, person_id: Any) -> Person:
    """A stationed cadre the user may see (scope, his dispatch unit, or himself)."""
    try:
        pid = int(person_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if getattr(user, "person_id", None) == pid or Post.objects.filter(
            post_scope_q(user), person_id=pid, title__in=list(STATIONED_TITLES)).exists():
        person = Person.objects.select_related("org").filter(pk=pid).first()
        if person is not None:
            return person
    raise NotFound()


def cadre_posts(person: Person) -> QuerySet[Post]:
    return Post.objects.filter(person=person, title__in=list(STATIONED_TITLES)).order_by("-start")


def cadre_records(person: Person) -> list[ObligationRecord]:
    return list(ObligationRecord.objects.filter(person=person).select_related("recorded_by")[:20])


# --- diary (STN-11) -----------------------------------------------------------------------------------


def diary_mine(person_id: int, limit: int = 31) -> list[DiaryEntry]:
    return list(DiaryEntry.objects.filter(person_id=person_id)[:limit])


def diary_flags_visible(user: Any, limit: int = 200) -> list[DiaryFlag]:
    return list(DiaryFlag.objects.filter(scope_q(user, "stationing.view", "org_path")).select_related("person")
                [:limit])


def diary_facts(person_ids: list[int], start: date, end: date) -> tuple[dict[int, set[date]], dict[int, set[date]],
                                                                          dict[int, set[date]]]:
    """Diary days, leave days (approved leave, through leave.queries) and present days per person."""
    from ganbu.attendance.models import DayStatus
    from ganbu.leave.queries import approved_leave_spans

    diary: dict[int, set[date]] = defaultdict(set)
    for pid, d in DiaryEntry.objects.filter(person_id__in=person_ids, date__range=(start, end)).values_list(
            "person_id", "date"):
        diary[pid].add(d)
    leave: dict[int, set[date]] = defaultdict(set)
    for span in approved_leave_spans(start=start, end=end, person_ids=person_ids):
        d = max(span.start, start)
        while d <= min(span.end, end):
            leave[span.person_id].add(d)
            d += timedelta(days=1)
    present: dict[int, set[date]] = defaultdict(set)
    for pid, d, status in DayStatus.objects.filter(person_id__in=person_ids, date__range=(start, end)).values_list(
            "person_id", "date", "status"):
        if status == "present":
            present[pid].add(d)
        elif status == "leave":
            leave[pid].add(d)
    return diary, leave, present


# --- village board (STN-13) ---------------------------------------------------------------------------


@dataclass
class BoardRow:
    name: str
    title: str
    phone: str
    whereabouts: str


def board_rows(village: Org, on: date) -> list[BoardRow]:
    """Name, post, work phone (never the private number) and today's whereabouts from attendance and leave."""
    from ganbu.attendance.models import DayStatus, SignIn
    from ganbu.leave.models import OFFICIAL_KINDS
    from ganbu.leave.queries import approved_leave_spans

    posts = list(Post.objects.filter(org=village, title__in=list(STATIONED_TITLES), start__lte=on)
                 .filter(Q(end__isnull=True) | Q(end__gte=on)).select_related("person").order_by("title", "id"))
    ids = [p.person_id for p in posts]
    params, _ = stationing_params(village.path, on)
    away = {s.person_id: s.kind for s in approved_leave_spans(start=on, end=on, person_ids=ids)}
    signed = set(SignIn.objects.filter(person_id__in=ids, date=on).values_list("person_id", flat=True))
    status = dict(DayStatus.objects.filter(person_id__in=ids, date=on).values_list("person_id", "status"))
    out = []
    for p in posts:
        if p.person_id in away:
            where = "因公外出" if away[p.person_id] in OFFICIAL_KINDS else "请假"
        elif status.get(p.person_id) == "trip":
            where = "出差"
        elif p.person_id in signed or status.get(p.person_id) == "present":
            where = "在村"
        else:
            where = "尚未签到"
        out.append(BoardRow(p.person.name, p.get_title_display(),
                            rules.stn_13_board_contact(params, p.person.work_phone, p.person.phone), where))
    return out


def board_villages() -> QuerySet[Org]:
    """Villages with stationed cadres today: the public board index."""
    sub = Post.objects.filter(org=OuterRef("pk"), title__in=list(STATIONED_TITLES), end__isnull=True)
    return Org.objects.filter(Exists(sub), kind__in=list(VILLAGE_KINDS)).order_by("path")


# --- negative list (STN-10) ---------------------------------------------------------------------------


def negative_visible(user: Any) -> QuerySet[NegativeItem]:
    q = scope_q(user, "stationing.view", "org_path")
    for p in _unit_paths(user):
        q |= Q(unit__path__startswith=p)
    return NegativeItem.objects.filter(q).select_related("unit", "person")


def access_negative(user: Any, pk: Any) -> NegativeItem:
    try:
        return negative_visible(user).get(pk=int(pk))
    except (NegativeItem.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


# --- allowances (STN-14) ---------------------------------------------------------------------------------


@dataclass
class AllowanceRow:
    post: Post
    line: rules.AllowanceLine | None
    signed: bool
    error: str = ""


def allowances(user: Any, month: date, *, unit: Org | None = None) -> list[AllowanceRow]:
    """Each stationed cadre's month from his township's signed attendance table: present working days ×
    the daily living allowance, the communication subsidy, reimbursements; unsigned months show no money."""
    from decimal import Decimal

    from django.db.models import Sum

    from ganbu.attendance.models import StationedTable
    from ganbu.stationing.models import Reimbursement

    first, last = month_bounds(month)
    posts = current_posts(user, last).filter(start__lte=last)
    if unit is not None:
        posts = posts.filter(dispatch_unit=unit)
    posts_list = list(posts.select_related("person", "org", "dispatch_unit").order_by("org__path", "title", "id"))
    townships = {p.org.path[:9] for p in posts_list}
    present: dict[int, int] = {}
    signed_towns = set()
    for org_path, content in StationedTable.objects.filter(org_path__in=townships, month=first,
                                                           signed_at__isnull=False, voided_at__isnull=True
                                                           ).values_list("org_path", "content"):
        signed_towns.add(org_path)
        for row in content.get("rows", []):
            present[row["person_id"]] = sum(1 for s in row.get("days", {}).values() if s == "present")
    money: dict[tuple[int, str], Decimal] = {
        (pid, kind): s for pid, kind, s in Reimbursement.objects.filter(
            person_id__in=[p.person_id for p in posts_list], date__range=(first, last))
        .values("person_id", "kind").annotate(s=Sum("amount")).values_list("person_id", "kind", "s")}
    params = _Params(first)
    out = []
    for p in posts_list:
        signed = p.org.path[:9] in signed_towns
        if not signed:
            out.append(AllowanceRow(p, None, False))
            continue
        try:
            line = rules.stn_14_month(params[p.org.path[:9]], present.get(p.person_id, 0),
                                      money.get((p.person_id, "necessities"), Decimal(0)),
                                      money.get((p.person_id, "work_funds"), Decimal(0)))
        except ValueError as exc:
            out.append(AllowanceRow(p, None, True, str(exc)))
            continue
        out.append(AllowanceRow(p, line, True))
    return out


def is_stationed(user: Any) -> bool:
    """Whether the user is a stationed cadre today (the work-diary entry in his menu).

    Nav runs on every page, so no query for users whose roles (already loaded for the menu) say they are
    not stationed: a team member holds no role, a first secretary holds ``first_secretary``."""
    from django.utils import timezone

    from ganbu.core.access import _grants

    pid = getattr(user, "person_id", None)
    if not pid:
        return False
    roles = {role for role, _path in _grants(user)}
    if roles and "first_secretary" not in roles:
        return False
    today = timezone.localdate()
    return Post.objects.filter(person_id=pid, title__in=list(STATIONED_TITLES), start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)).exists()


# --- tasks the county and township assign (STN-17) ------------------------------------------------------


def tasks_visible(user: Any) -> QuerySet[Any]:
    """Tasks in the user's scope, given to him, or given by him."""
    from ganbu.stationing.models import AssignedTask

    q = scope_q(user, "stationing.view", "org_path") | Q(assigned_by_id=getattr(user, "pk", None))
    if getattr(user, "person_id", None):
        q |= Q(person_id=user.person_id)
    return AssignedTask.objects.filter(q).select_related("person", "assigned_by", "evidence").order_by(
        "status", "due", "id")


def access_task(user: Any, pk: Any) -> Any:
    try:
        return tasks_visible(user).get(pk=int(pk))
    except (ValueError, TypeError, ObjectDoesNotExist):
        raise NotFound() from None


def tasks_overdue_by_person(person_ids: list[int], on: date) -> dict[int, int]:
    """STN-17: overdue open tasks per stationed cadre, for the county list's column and filter."""
    from ganbu.stationing.models import AssignedTask

    out: dict[int, int] = defaultdict(int)
    for pid, due, status in AssignedTask.objects.filter(person_id__in=person_ids, status="open",
                                                        due__lt=on).values_list("person_id", "due", "status"):
        if rules.stn_17_task_overdue(due, status, on):
            out[pid] += 1
    return out


# --- awards (STN-16) ------------------------------------------------------------------------------------


def awards_visible(user: Any) -> QuerySet[Any]:
    """Nominations in the user's scope, of his dispatch unit's cadres, made by him, or about himself."""
    from ganbu.stationing.models import AwardNomination

    q = scope_q(user, "stationing.view", "org_path") | Q(nominated_by_id=getattr(user, "pk", None))
    if getattr(user, "person_id", None):
        q |= Q(person_id=user.person_id)
    units = _unit_paths(user)
    if units:
        ids = Post.objects.filter(post_scope_q(user), title__in=list(STATIONED_TITLES)).values("person_id")
        q |= Q(person_id__in=ids)
    return AwardNomination.objects.filter(q).select_related("person", "nominated_by", "decided_by")


def access_award(user: Any, pk: Any) -> Any:
    try:
        return awards_visible(user).get(pk=int(pk))
    except (ValueError, TypeError, ObjectDoesNotExist):
        raise NotFound() from None


def awards_of(person: Person) -> list[Any]:
    """Approved awards, for the cadre's page."""
    from ganbu.stationing.models import AwardNomination

    return list(AwardNomination.objects.filter(person=person, status=AwardNomination.Status.APPROVED))
