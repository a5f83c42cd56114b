"""千分制 fixtures: a 2025 template for 青山镇 (t1), a community, a county-department rater."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

YEAR = 2025


@pytest.fixture
def kpi(world, policies):
    from ganbu.assessment.services import ItemInput, policy_for, template_create
    from ganbu.org.models import OrgKind, PostTitle, User
    from ganbu.org.roles import Role
    from ganbu.org.services import org_create, post_start, role_grant
    from tests.conftest import _person

    community = org_create(actor=None, kind=OrgKind.COMMUNITY, name="北社区", code="330521100001", parent=world.t1)
    community_b = org_create(actor=None, kind=OrgKind.COMMUNITY, name="中社区", code="330521100002", parent=world.t1)
    sec_c = _person(world.village_c, "马支书")
    post_start(actor=None, person=sec_c, org=world.village_c, title=PostTitle.VILLAGE_SECRETARY,
               start=date(2024, 1, 1), funded=True, safety_duty="安全")
    dept_person = _person(world.dept, "组织部评分员", category="civil_servant")
    dept_user = User.objects.create_user(username="dept_rater", password=world.password, display_name="组织部评分员",
                                         person=dept_person)
    role_grant(actor=None, user=dept_user, role=Role.COUNTY_ORG, org=world.dept)
    policy = policy_for(world.t1, date(YEAR, 12, 31)).params
    items = [ItemInput(name="《履责全程纪实》规定的工作职责", max_points=300, rater_id=world.t1.pk),
             ItemInput(name="每月督查通报情况", max_points=200, rater_id=world.t1.pk),
             ItemInput(name="工作目标完成情况", max_points=300, rater_id=world.t1.pk),
             ItemInput(name="党建工作（组织部评分）", max_points=200, rater_id=world.dept.pk)]
    tpl = template_create(actor=world.users.office, township=world.t1, year=YEAR, items=items)
    villages = [world.village_a, world.village_c, community, community_b]
    return SimpleNamespace(tpl=tpl, items=list(tpl.items.order_by("order")), community=community,
                           community_b=community_b, villages=villages, dept_user=dept_user, sec_c=sec_c,
                           policy=policy, year=YEAR)


def fill(world, kpi, totals: dict, *, self_score=None, public_score=None):
    """Score every item so each village's superior sum is ``totals[village]`` (spread over items)."""
    from ganbu.assessment.services import score_enter, three_evaluation_enter

    for village in kpi.villages:
        target = totals[village.pk]
        remaining = target
        for item in kpi.items:
            part = min(item.max_points, remaining)
            remaining -= part
            rater = kpi.dept_user if item.rater_id == world.dept.pk else world.users.office
            score_enter(actor=rater, item=item, village=village, score=part)
        three_evaluation_enter(actor=world.users.office, template=kpi.tpl, village=village,
                               self_score=self_score if self_score is not None else target,
                               public_score=public_score if public_score is not None else target)
