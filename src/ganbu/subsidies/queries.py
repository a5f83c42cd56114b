"""Scoped reads of the subsidies app: registers a user may see, what waits on him, the county overview."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from ganbu.core.access import NotFound, has_perm, perm_paths, scope_q
from ganbu.core.recusal import is_subject
from ganbu.org.models import TOWNSHIP_KINDS, Org
from ganbu.subsidies.models import PaymentRun, Register, RegisterStatus

S = RegisterStatus


def registers(user: Any) -> QuerySet[Register]:
    return (Register.objects.filter(scope_q(user, "subsidies.view")).select_related("township")
            .annotate(n=Count("lines")))


def access_register(user: Any, pk: Any) -> Register:
    try:
        reg = Register.objects.select_related("township", "notice_version", "previous").get(pk=int(pk))
    except (Register.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not has_perm(user, "subsidies.view", reg.org_path):
        raise NotFound()
    return reg


def proposable_townships(user: Any) -> QuerySet[Org]:
    q = Q()
    paths = perm_paths(user, "subsidies.propose")
    if not paths:
        return Org.objects.none()
    for p in paths:
        q |= Q(path__startswith=p)
    return Org.objects.filter(q, kind__in=TOWNSHIP_KINDS).order_by("path")


def actions(user: Any, reg: Register) -> dict[str, bool]:
    """What the user may do on this register now (the services check again)."""
    p = reg.org_path
    review = (reg.status == S.PROPOSED and has_perm(user, "subsidies.org_review", p)) or (
        reg.status == S.ORG_APPROVED and has_perm(user, "subsidies.finance_review", p))
    return {
        "review": review,
        "correct": reg.status in (S.RETURNED, S.APPROVED, S.PUBLISHED) and has_perm(user, "subsidies.propose", p),
        "publish": reg.status == S.APPROVED and has_perm(user, "subsidies.publish", p),
        "pay": reg.status in (S.APPROVED, S.PUBLISHED) and has_perm(user, "subsidies.pay", p),
        "download": reg.status == S.PAID and has_perm(user, "subsidies.pay", p),
        "cards": reg.status != S.SUPERSEDED and reg.status != S.PAID and has_perm(user, "subsidies.propose", p),
    }


def recused(user: Any, reg: Register) -> bool:
    return is_subject(user, list(reg.lines.values_list("person_id", flat=True)))


def waiting(user: Any) -> list[Register]:
    """Registers waiting on this user's step (the inbox links here too)."""
    q = Q(pk__in=[])
    for perm, statuses in (("subsidies.org_review", [S.PROPOSED]), ("subsidies.finance_review", [S.ORG_APPROVED]),
                           ("subsidies.propose", [S.RETURNED]), ("subsidies.publish", [S.APPROVED]),
                           ("subsidies.pay", [S.PUBLISHED])):
        if has_perm(user, perm):
            q |= scope_q(user, perm) & Q(status__in=statuses)
    return list(Register.objects.filter(q).select_related("township").order_by("year", "org_path"))


def overview(user: Any, year: int) -> dict[str, Any]:
    """Per township in scope: the current register's status and totals, and townships with none yet, so the
    county can balance across townships (统一权衡)."""
    regs = {r.township_id: r for r in registers(user).filter(year=year).exclude(status=S.SUPERSEDED)
            .annotate(entitled=Sum("lines__entitled"), reward=Sum("lines__reward"))}
    towns = Org.objects.filter(scope_q(user, "subsidies.view", "path"), kind__in=TOWNSHIP_KINDS).order_by("path")
    rows = [{"township": t, "r": regs.get(t.pk)} for t in towns]
    done = list(regs.values())
    return {"rows": rows, "n": sum(r.n for r in done), "net": sum((r.total_net for r in done), Decimal("0.00")),
            "missing": sum(1 for x in rows if x["r"] is None)}


def payment_run(reg: Register) -> PaymentRun | None:
    return PaymentRun.objects.filter(register=reg).first()
