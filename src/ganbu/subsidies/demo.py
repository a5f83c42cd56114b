"""Demo data for village cadre subsidies: year-end scores where targets left none, salary cards, and the
townships' registers — 青山镇 waiting on the finance bureau, 绿水镇 published three weeks ago (its public
period over) and paid, 白云街道 published today and waiting for its public period (先审批后发放) — so the
finance bureau's login has work, a bank file and a register it may not pay yet on first open.

Deterministic; the integrator calls ``load_demo_subsidies(county)`` from ``load_demo`` after the presets
(and, if present, the targets demo) are loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone


def _user(role: str, org: Any) -> Any:
    from ganbu.org.models import User

    return User.objects.filter(grants__role=role, grants__org=org).order_by("pk").first()


def _scores(admin: Any, township: Any, year: int) -> int:
    """Year-end scores through the targets app's own services for funded cadres who have none."""
    from django.db.models import Q

    from ganbu.org.models import VILLAGE_KINDS, Org, Post
    from ganbu.targets import services as targets
    from ganbu.targets.models import Commitment, YearEndResult

    done = set(YearEndResult.objects.filter(year=year, org_path__startswith=township.path)
               .values_list("person_id", flat=True))
    n = 0
    for v in Org.objects.filter(parent=township, kind__in=list(VILLAGE_KINDS), valid_to__isnull=True).order_by("path"):
        c = Commitment.objects.filter(village=v, term_start__lte=year, term_end__gte=year).order_by("pk").first()
        if c is None:
            c = targets.commitment_propose(actor=admin, village=v, term_start=year, term_end=year + 2,
                                           framework=[("党的建设", "支部标准化规范化建设")])
        posts = (Post.objects.filter(org=v, funded=True, start__lte=date(year, 12, 31))
                 .filter(Q(end__isnull=True) | Q(end__gte=date(year, 1, 1))).select_related("person")
                 .order_by("person_id"))
        for p in posts:
            if p.person_id in done:
                continue
            score = 62 + (p.person_id * 7) % 37  # 62–98, fixed per person
            targets.year_end_decide(actor=admin, commitment=c, person=p.person, year=year,
                                    outcome="exceeded" if score >= 95 else "fulfilled", score=str(score))
            done.add(p.person_id)
            n += 1
    return n


def _cards(actor: Any, reg: Any) -> None:
    from ganbu.subsidies import services

    for ln in reg.lines.order_by("person_id"):
        services.bank_card_save(actor=actor, register=reg, person_id=ln.person_id, bank="示范县农村商业银行",
                                number=f"6230910{ln.person_id:012d}")


def load_demo_subsidies(county: Any, *, today: date | None = None) -> dict[str, int]:
    from ganbu.org.models import Org, OrgKind, User
    from ganbu.subsidies import services

    today = today or timezone.localdate()
    year = today.year
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    org_user = _user("county_org", county) or admin
    finance = _user("county_finance", county) or admin
    townships = list(Org.objects.filter(parent=county, kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT])
                     .order_by("path"))
    if admin is None or len(townships) < 2:
        return {}
    first = next((t for t in townships if _user("township_office", t)), townships[0])
    second = next(t for t in townships if t != first)
    third = next((t for t in townships if t not in (first, second)), None)
    scores = sum(_scores(admin, t, year) for t in (first, second, third) if t is not None)
    out = {"scores": scores}
    # 青山镇: proposed by its office with last year's rural income, reviewed by the org department
    office = _user("township_office", first) or admin
    reg = services.register_propose(actor=office, township=first, year=year, rural_income=None,
                                    duty_logs_checked=True)
    _cards(office, reg)
    services.register_approve(actor=org_user, register=reg, note="已核对户数与职数")
    out["waiting_finance"] = reg.lines.count()
    # 绿水镇: the whole chain, with one send-back and a correction on the way
    reg2 = services.register_propose(actor=admin, township=second, year=year)
    _cards(admin, reg2)
    services.register_return(actor=org_user, register=reg2, reason="请补填上年农村人均收入")
    reg2 = services.register_correct(actor=admin, register=reg2, reason="补填上年农村人均收入",
                                     rural_income=Decimal("21000"), duty_logs_checked=True)
    services.register_approve(actor=org_user, register=reg2)
    services.register_approve(actor=finance, register=reg2, note="各镇已统一权衡")
    reg2 = services.register_publish(actor=admin, register=reg2, on=today - timedelta(days=21))
    services.payment_run_create(actor=finance, register=reg2, on=today)
    out["paid"] = reg2.lines.count()
    if third is not None:  # 白云街道: approved and published today, the bank file waits for the public period
        reg3 = services.register_propose(actor=admin, township=third, year=year, rural_income=Decimal("23000"),
                                         duty_logs_checked=True)
        _cards(admin, reg3)
        services.register_approve(actor=org_user, register=reg3)
        services.register_approve(actor=finance, register=reg3)
        services.register_publish(actor=admin, register=reg3, on=today)
        out["public_period"] = reg3.lines.count()
    return out
