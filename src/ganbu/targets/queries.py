"""Scoped reads for tenure-target commitments (TGT-01..10, SEC-02), and who may do what.

The township assessment office holds ``targets.manage``; the township party committee and
government (secretary, head) approve; the village two committees (village secretary, village
committee) draft their own village's measures. The last two are roles, not permissions, in
``org.roles``, so they are read here from the user's grants in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ganbu.core.access import NotFound, _grants, access_object, has_perm, scope_q
from ganbu.org.models import VILLAGE_KINDS, Org, OrgKind, Person
from ganbu.targets.models import (
    Commitment,
    Decision,
    DepositDeduction,
    HalfYearScore,
    Inspection,
    InspectionRound,
    LedgerTask,
    ResponsibilityFund,
    RoundIssue,
    SupervisionNotice,
    YearEndResult,
)

VILLAGE_ROLES = {"village_secretary", "village_committee"}
APPROVER_ROLES = {"township_secretary", "township_head"}


def _has_role_on(user: Any, roles: set[str], path: str) -> bool:
    return any(role in roles and path.startswith(p) for role, p in _grants(user))


def can_manage(user: Any, path: str) -> bool:
    """The assessment office (and the county organisation department above it)."""
    return has_perm(user, "targets.manage", path)


def can_approve(user: Any, path: str) -> bool:
    """The township party committee and government review and sign (TGT-01)."""
    return can_manage(user, path) or _has_role_on(user, APPROVER_ROLES, path)


def can_draft(user: Any, village_path: str) -> bool:
    """The village two committees write their own village's measures (TGT-01)."""
    return bool(getattr(user, "is_superuser", False)) or _has_role_on(user, VILLAGE_ROLES, village_path)


def access_commitment(user: Any, pk: Any) -> Commitment:
    return access_object(user, Commitment, pk, "targets.view")


def access_task(user: Any, pk: Any) -> LedgerTask:
    return access_object(user, LedgerTask, pk, "targets.view")


def access_inspection(user: Any, pk: Any) -> Inspection:
    """The named inspector, or anyone who may see the village's targets."""
    try:
        insp = Inspection.objects.select_related("task", "notice").get(pk=int(pk))
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if insp.inspector_id == getattr(user, "pk", None) or has_perm(user, "targets.view", insp.org_path):
        return insp
    raise NotFound()


def access_notice(user: Any, pk: Any) -> SupervisionNotice:
    return access_object(user, SupervisionNotice, pk, "targets.view")


def access_round(user: Any, pk: Any) -> InspectionRound:
    return access_object(user, InspectionRound, pk, "targets.view")


def access_fund(user: Any, pk: Any) -> ResponsibilityFund:
    return access_object(user, ResponsibilityFund, pk, "targets.manage")


def access_unit(user: Any, pk: Any, perm: str = "targets.view") -> Org:
    """A township or county in scope (for dashboards and rounds)."""
    try:
        org = Org.objects.get(pk=int(pk), kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT, OrgKind.COUNTY])
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not has_perm(user, perm, org.path):
        raise NotFound()
    return org


def access_village(user: Any, pk: Any, perm: str = "targets.view") -> Org:
    try:
        org = Org.objects.get(pk=int(pk), kind__in=list(VILLAGE_KINDS))
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not has_perm(user, perm, org.path):
        raise NotFound()
    return org


def commitments(user: Any) -> QuerySet[Commitment]:
    return (Commitment.objects.filter(scope_q(user, "targets.view")).select_related("village", "village__parent")
            .annotate(n_measures=Count("measures")).order_by("org_path", "-term_start"))


def villages_for(user: Any, perm: str = "targets.manage") -> QuerySet[Org]:
    return Org.objects.filter(scope_q(user, perm, "path"), kind__in=list(VILLAGE_KINDS),
                              valid_to__isnull=True).order_by("path")


def people_pick(user: Any, village: Org, q: str = "") -> QuerySet[Person]:
    """Responsible persons: cadres of the village (and its township) with a post in force, found by name."""
    today = timezone.localdate()
    township_path = village.path[:9]
    qs = (Person.objects.filter(Q(org_path=village.path) | Q(org_path=township_path))
          .filter(Q(posts__end__isnull=True) | Q(posts__end__gte=today), posts__start__lte=today).distinct())
    q = q.strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("-org_path", "name")[:30]


def inspectors_for(user: Any, path: str) -> list[Any]:
    """Users who may inspect on site at ``path``: assessment-office staff of the township (or above)."""
    from ganbu.org.models import User

    paths = [path[:6], path[:9]]
    return list(User.objects.filter(grants__role__in=["township_office", "county_org"], grants__org__path__in=paths,
                                    is_active=True).distinct().order_by("display_name"))


def ledger(user: Any, *, org_path: str, month: date) -> QuerySet[LedgerTask]:
    """The month's ledger (TGT-03) for the villages under ``org_path`` in the user's scope."""
    return (LedgerTask.objects.filter(scope_q(user, "targets.view"), org_path__startswith=org_path, month=month)
            .select_related("responsible", "commitment__village").order_by("org_path", "category", "deadline", "id"))


def my_inspections(user: Any) -> QuerySet[Inspection]:
    return (Inspection.objects.filter(inspector=user, result=Inspection.Result.PENDING)
            .select_related("task", "task__commitment__village", "notice").order_by("scheduled_on"))


def notices(user: Any, *, open_only: bool = False) -> QuerySet[SupervisionNotice]:
    qs = SupervisionNotice.objects.filter(scope_q(user, "targets.view")).select_related("task", "task__commitment__village")
    return qs.filter(status=SupervisionNotice.Status.OPEN) if open_only else qs


@dataclass
class ProgressRow:
    """One village's line on the progress dashboards."""

    org_id: int
    name: str
    path: str
    due: int = 0
    inspected: int = 0
    failed: int = 0
    notices_open: int = 0
    notices_overdue: int = 0
    status: str = ""


def progress(user: Any, unit: Org, *, on: date | None = None, by: str = "village") -> list[ProgressRow]:
    """Tasks due, inspected, failed, notices open and overdue per village (or per township) — a fixed
    number of grouped queries whatever the number of villages."""
    on = on or timezone.localdate()
    width = 9 if by == "township" else 12
    kinds = [OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT] if by == "township" else list(VILLAGE_KINDS)
    orgs = Org.objects.filter(path__startswith=unit.path, kind__in=kinds, valid_to__isnull=True).order_by("path")
    rows = {o.path: ProgressRow(o.pk, o.name, o.path) for o in orgs.only("pk", "name", "path")}

    def key(path: str) -> str:
        return path[:width]

    came_due = Q(deadline__lte=on) | ~Q(status=LedgerTask.Status.OPEN)  # past its deadline, or reported done
    tasks = (LedgerTask.objects.filter(scope_q(user, "targets.view"), came_due, org_path__startswith=unit.path)
             .values("org_path").annotate(
                 due=Count("id"),
                 inspected=Count("id", filter=Q(status__in=[LedgerTask.Status.PASSED, LedgerTask.Status.FAILED])),
                 failed=Count("id", filter=Q(status=LedgerTask.Status.FAILED))))
    for t in tasks:
        row = rows.get(key(t["org_path"]))
        if row:
            row.due += t["due"]
            row.inspected += t["inspected"]
            row.failed += t["failed"]
    open_notices = (SupervisionNotice.objects.filter(scope_q(user, "targets.view"), org_path__startswith=unit.path,
                                                     status=SupervisionNotice.Status.OPEN)
                    .values("org_path").annotate(n=Count("id"), overdue=Count("id", filter=Q(due__lt=on))))
    for n in open_notices:
        row = rows.get(key(n["org_path"]))
        if row:
            row.notices_open += n["n"]
            row.notices_overdue += n["overdue"]
    if by == "village":
        status = dict(Commitment.objects.filter(org_path__startswith=unit.path).order_by("org_path", "term_start")
                      .values_list("org_path", "status"))
        labels = dict(Commitment.Status.choices)
        for path, st in status.items():
            if path in rows:
                rows[path].status = labels.get(st, "")
    return list(rows.values())


def rounds(user: Any) -> QuerySet[InspectionRound]:
    return InspectionRound.objects.filter(scope_q(user, "targets.view")).annotate(n_issues=Count("issues"))


def round_tasks(user: Any, rnd: InspectionRound) -> QuerySet[LedgerTask]:
    """TGT-06: the quarter's tasks of every village in the round, in one list."""
    q = (rnd.start.month - 1) // 3
    first = date(rnd.start.year, q * 3 + 1, 1)
    last = date(rnd.start.year + 1, 1, 1) if q == 3 else date(rnd.start.year, q * 3 + 4, 1)
    return (LedgerTask.objects.filter(scope_q(user, "targets.view"), commitment__village_id__in=rnd.villages,
                                      deadline__gte=first, deadline__lt=last)
            .select_related("commitment__village", "responsible").order_by("org_path", "deadline", "id"))


def half_year_scores(*, org_path: str, year: int) -> dict[int, dict[int, Decimal]]:
    """Half-yearly scores per village ({village_id: {half: score}}), for the 千分制 where its policy
    takes them (TGT-06 → KPI)."""
    out: dict[int, dict[int, Decimal]] = {}
    for vid, half, score in HalfYearScore.objects.filter(org_path__startswith=org_path, year=year).values_list(
            "village_id", "half", "score"):
        out.setdefault(vid, {})[half] = score
    return out


def round_issues(user: Any, rnd: InspectionRound) -> QuerySet[RoundIssue]:
    return rnd.issues.filter(scope_q(user, "targets.view")).select_related("village", "village__parent")


def half_scores(user: Any, unit: Org, year: int) -> QuerySet[HalfYearScore]:
    return (HalfYearScore.objects.filter(scope_q(user, "targets.view"), org_path__startswith=unit.path, year=year)
            .select_related("village").order_by("half", "-score"))


def decisions(user: Any) -> QuerySet[Decision]:
    return Decision.objects.filter(scope_q(user, "targets.view")).select_related("village").prefetch_related("responsible")


def funds(user: Any) -> QuerySet[ResponsibilityFund]:
    return ResponsibilityFund.objects.filter(scope_q(user, "targets.manage")).select_related("person")


def year_results(user: Any, year: int | None = None) -> QuerySet[YearEndResult]:
    qs = YearEndResult.objects.filter(scope_q(user, "targets.view")).select_related("person", "deduction")
    return qs.filter(year=year) if year else qs


# --- for the subsidies module (SUB-06) ---------------------------------------------------------------

@dataclass
class SubsidyInput:
    """What targets tells the subsidy computation about one cadre for one year (TGT-07 → SUB-06)."""

    person_id: int
    year: int
    outcome: str = ""
    score: Decimal | None = None
    deductions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def deduction_total(self) -> Decimal:
        return sum((Decimal(d["amount"]) for d in self.deductions), Decimal("0.00"))


def subsidy_inputs(*, org_path: str, year: int) -> dict[int, SubsidyInput]:
    """Year-end outcome, score and itemised deposit deductions (rule, policy version) per cadre under
    ``org_path`` for ``year``. Two queries; the subsidies module calls this without a user because it
    runs inside its own access-checked computation."""
    out: dict[int, SubsidyInput] = {}
    for r in YearEndResult.objects.filter(org_path__startswith=org_path, year=year).order_by("person_id"):
        out[r.person_id] = SubsidyInput(person_id=r.person_id, year=year, outcome=r.outcome, score=r.score)
    for d in DepositDeduction.objects.filter(org_path__startswith=org_path, year=year).order_by("person_id", "id"):
        row = out.setdefault(d.person_id, SubsidyInput(person_id=d.person_id, year=year))
        row.deductions.append({"amount": d.amount, "rule_id": d.rule_id, "reason": d.reason,
                               "policy_version_id": d.policy_version_id, "policy_ref": d.policy_ref})
    return out
