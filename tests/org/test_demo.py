"""The demo county (`manage.py load_demo`): deterministic, complete, fast."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ganbu.org.management.commands.load_demo import demo_password
from ganbu.org.models import (
    AssessmentGroupMember,
    AssessorRule,
    Org,
    OrgKind,
    Person,
    Post,
    PostTitle,
    SecretaryAppointment,
    User,
)
from ganbu.org.roles import Role

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_county_with_every_role():
    out = io.StringIO()
    # Its time (under a minute on SQLite, about 22 s on an idle 2-core machine) is printed by the command and
    # not asserted here: speed is measured outside the suite, which runs beside other work in CI.
    call_command("load_demo", "--if-empty", stdout=out)
    assert "演示数据已载入" in out.getvalue()
    text = out.getvalue()
    assert Org.objects.filter(kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]).count() >= 3
    active_villages = Org.objects.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY], valid_to__isnull=True)
    assert active_villages.count() >= 20
    assert Org.objects.filter(name="东村", code="330521100201").exists()
    assert Person.objects.count() >= 150
    assert Org.objects.filter(kind=OrgKind.DISPATCH_UNIT).count() == 2
    assert Org.objects.filter(kind=OrgKind.DEPARTMENT).count() == 1
    # ORG-03: funded are exactly secretary/director/clerk in villages; ORG-08: every post has a safety duty
    village_funded = set(Post.objects.filter(org__kind__in=["village", "community"], funded=True)
                         .values_list("title", flat=True))
    assert village_funded == {"village_secretary", "village_director", "village_clerk"}
    assert not Post.objects.filter(safety_duty="").exists()
    # stationed: first secretary + 2 team members in 3+ villages
    for fs in Post.objects.filter(title=PostTitle.FIRST_SECRETARY):
        assert Post.objects.filter(org=fs.org, title=PostTitle.TEAM_MEMBER, dispatch_unit=fs.dispatch_unit).count() == 2
    assert Post.objects.filter(title=PostTitle.FIRST_SECRETARY).count() >= 3
    assert AssessmentGroupMember.objects.values("org").distinct().count() >= 3
    assert AssessorRule.objects.values("org").distinct().count() >= 3
    assert SecretaryAppointment.objects.count() >= 20
    assert Org.objects.filter(valid_to__isnull=False, successor__isnull=False).exists()  # merged village history
    roles = set(User.objects.values_list("grants__role", flat=True))
    assert set(Role.values) <= roles
    for username in ("t1_office", "a_secretary", "a_cadre", "a_team1", "county_org"):
        assert username in text
        assert User.objects.get(username=username).check_password(demo_password(username))
        assert demo_password(username) in text
    assert len({demo_password(u) for u in ("t1_office", "a_secretary", "a_cadre")}) == 3  # distinct
    before = Person.objects.count()
    again = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=again)
    assert Person.objects.count() == before and "跳过" in again.getvalue() and "t1_office" in again.getvalue()


class _Rollback(Exception):
    pass


def test_load_demo_is_deterministic():
    """Two loads on the same day give the same figures in every module (people, days, leave, points, …)."""
    from django.db import transaction

    from ganbu.org.management.commands.load_demo import demo_figures

    runs = []
    for _ in range(2):
        try:
            with transaction.atomic():
                call_command("load_demo", stdout=io.StringIO())
                runs.append(demo_figures())
                raise _Rollback
        except _Rollback:
            pass
    assert not Person.objects.exists()
    assert runs[0] == runs[1] and len(runs[0]["people"]) >= 150
    assert runs[0]["signins"] and runs[0]["days"] and runs[0]["entries"] and runs[0]["kpi"] and runs[0]["cases"]
