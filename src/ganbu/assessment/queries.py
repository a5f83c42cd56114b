"""Scoped reads of the 千分制: rankings computed in SQL (window functions), villages and communities apart."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Rank

from ganbu.assessment.models import (
    AnnualResult,
    AssessmentItem,
    AssessmentTemplate,
    DutyReport,
    InspectionCircular,
    InspectionEntry,
    ItemScore,
)
from ganbu.assessment.rules import Standing
from ganbu.core.access import NotFound, has_perm, perm_paths, scope_q
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Org, Person, Post, PostTitle, RoleGrant


def villages_of(township: Org, on: date | None = None) -> QuerySet[Org]:
    """Villages and communities of a township that are not abolished (at ``on``)."""
    qs = Org.objects.filter(parent=township, kind__in=list(VILLAGE_KINDS))
    if on is not None:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    else:
        qs = qs.filter(valid_to__isnull=True)
    return qs.order_by("path")


def townships_for(user: Any, perm: str = "assessment.view") -> QuerySet[Org]:
    """Townships where the user holds ``perm`` (on the township or above)."""
    paths = perm_paths(user, perm)
    qs = Org.objects.filter(kind__in=list(TOWNSHIP_KINDS))
    if "" in paths:
        return qs.order_by("path")
    q = Q(pk__in=[])
    for p in paths:
        if len(p) <= 9:
            q |= Q(path__startswith=p)
    return qs.filter(q).order_by("path")


def access_township(user: Any, org_id: Any, perm: str = "assessment.view") -> Org:
    """A township the user may act on with ``perm``; anything else is the one NotFound."""
    try:
        org = Org.objects.get(pk=int(org_id), kind__in=list(TOWNSHIP_KINDS))
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not has_perm(user, perm, org.path):
        raise NotFound()
    return org


def is_rater(user: Any, rater: Org) -> bool:
    """A user of the designated rater org holding ``assessment.score`` there (KPI-01)."""
    if getattr(user, "is_superuser", False):
        return True
    if not has_perm(user, "assessment.score", rater.path):
        return False
    person_org = Person.objects.filter(pk=user.person_id).values_list("org_id", flat=True).first() \
        if getattr(user, "person_id", None) else None
    if person_org == rater.pk:
        return True
    return RoleGrant.objects.filter(user_id=user.pk, org_id=rater.pk).exists()


def access_template(user: Any, pk: Any, perm: str = "assessment.view") -> AssessmentTemplate:
    """A template the user sees: in his scope, or one where he is a designated rater."""
    try:
        tpl = AssessmentTemplate.objects.select_related("township").get(pk=int(pk))
    except (AssessmentTemplate.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if has_perm(user, perm, tpl.org_path):
        return tpl
    if perm == "assessment.view" and any(is_rater(user, it.rater) for it in tpl.items.select_related("rater")):
        return tpl
    raise NotFound()


def access_item(user: Any, pk: Any) -> AssessmentItem:
    try:
        item = AssessmentItem.objects.select_related("template", "template__township", "rater").get(pk=int(pk))
    except (AssessmentItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if has_perm(user, "assessment.view", item.template.org_path) or is_rater(user, item.rater):
        return item
    raise NotFound()


def templates_for(user: Any) -> QuerySet[AssessmentTemplate]:
    return (AssessmentTemplate.objects.filter(scope_q(user, "assessment.view", "org_path"))
            .select_related("township").annotate(n_items=Count("items")))


def score_progress(template: AssessmentTemplate) -> dict[str, int]:
    """How many (item, village) scores are in, of how many are needed — one aggregate query each."""
    n_villages = villages_of(template.township).count()
    n_items = template.items.count()
    done = ItemScore.objects.filter(item__template=template).count()
    return {"done": done, "needed": n_villages * n_items}


def superior_sums(template: AssessmentTemplate) -> dict[int, Any]:
    """village_id → sum of item scores (the superior evaluation), aggregated in SQL."""
    rows = (ItemScore.objects.filter(item__template=template).values("village_id")
            .annotate(s=Sum("score"), n=Count("id")))
    return {r["village_id"]: (r["s"], r["n"]) for r in rows}


def results_ranked(township: Org, years: list[int] | int) -> QuerySet[AnnualResult]:
    """Results with ``rank`` computed in SQL within (year, kind): villages and communities apart."""
    years = [years] if isinstance(years, int) else years
    return (
        AnnualResult.objects.filter(township=township, year__in=years)
        .annotate(rank=Window(Rank(), partition_by=[F("year"), F("kind")], order_by=F("total").desc()))
        .order_by("-year", "kind", "rank", "org_path")
    )


def principals(village_ids: list[int], on: date) -> dict[int, Person]:
    """The village (community) party secretary in post on ``on``: the principal person (S1 主要负责人)."""
    posts = (Post.objects.filter(org_id__in=village_ids, title=PostTitle.VILLAGE_SECRETARY, start__lte=on)
             .filter(Q(end__isnull=True) | Q(end__gte=on)).select_related("person").order_by("org_id", "-start"))
    out: dict[int, Person] = {}
    for post in posts:
        out.setdefault(post.org_id, post.person)
    return out


def standings(township: Org, years: list[int], on: date) -> list[Standing]:
    rows = list(results_ranked(township, years))
    heads = principals([r.village_id for r in rows], on)
    return [
        Standing(village_id=r.village_id, village_path=r.org_path, village_name=r.village_name, kind=r.kind,
                 year=r.year, total=r.total, rank=r.rank, principal_person_id=getattr(heads.get(r.village_id), "pk", None),
                 principal_name=getattr(heads.get(r.village_id), "name", ""))
        for r in rows
    ]


def result_years(township: Org) -> list[int]:
    return list(AnnualResult.objects.filter(township=township).values_list("year", flat=True)
                .distinct().order_by("-year"))


def village_history(village: Org) -> list[AnnualResult]:
    """A village's results over the years, each with its rank that year (SQL window over the township)."""
    township = village.parent
    years = list(AnnualResult.objects.filter(village=village).values_list("year", flat=True))
    return [r for r in results_ranked(township, years) if r.village_id == village.pk] if township else []


def duty_reports_for(township: Org, year: int) -> QuerySet[DutyReport]:
    return (DutyReport.objects.filter(org_path__startswith=township.path, year=year)
            .select_related("person", "village").order_by("half", "org_path", "person__name"))


def inspection_entries(township: Org, month: date) -> QuerySet[InspectionEntry]:
    return (InspectionEntry.objects.filter(township=township, month=month)
            .select_related("village", "person").order_by("org_path", "id"))


def circular_for(township: Org, month: date) -> InspectionCircular | None:
    return InspectionCircular.objects.filter(township=township, month=month).select_related("notice_version").first()


TEAM_TITLES = [PostTitle.VILLAGE_SECRETARY, PostTitle.VILLAGE_DIRECTOR, PostTitle.VILLAGE_CLERK,
               PostTitle.WOMEN_DIRECTOR, PostTitle.VILLAGE_MEMBER]


def team_members(township: Org, on: date) -> QuerySet[Person]:
    """Two-committee team members (班子成员) of the township's villages in post on ``on``."""
    return (Person.objects.filter(posts__org__parent=township, posts__title__in=TEAM_TITLES, posts__start__lte=on)
            .filter(Q(posts__end__isnull=True) | Q(posts__end__gte=on))
            .distinct().select_related("org").order_by("org_path", "name"))


def duty_report_missing(township: Org, year: int, half: int) -> QuerySet[Person]:
    """KPI-03: team members in post at the half's end with no 述职 recorded for it."""
    end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    done = DutyReport.objects.filter(year=year, half=half, org_path__startswith=township.path).values("person_id")
    return team_members(township, end).exclude(pk__in=done)
