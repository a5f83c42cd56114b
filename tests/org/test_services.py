"""Org services: one transaction and audit row per write, history never overwritten (ORG-01..09)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ganbu.core.models import AuditEntry
from ganbu.org import queries
from ganbu.org.models import AssessmentGroupMember, Org, OrgEvent, OrgKind, Post, PostTitle
from ganbu.org.services import (
    assessor_rule_set,
    group_member_add,
    group_member_end,
    org_create,
    org_merge,
    org_rename,
    post_end,
    post_start,
    secretary_appointment_record,
)

pytestmark = pytest.mark.django_db


def test_org_01_merge_keeps_history_and_past_records_attached(world):
    """The absorbed village is closed, not deleted; its posts end on the merge date and stay attached
    to it; the successor names it as predecessor."""
    c = world.village_c
    p = world.people.cadre_a
    post = post_start(actor=world.users.office, person=p, org=c, title=PostTitle.MASS_ORG, start=date(2024, 3, 1),
                      safety_duty="防火")
    org_merge(actor=world.users.office, absorbed=c, into=world.village_a, on=date(2025, 6, 30), reason="规模调整")
    c.refresh_from_db()
    post.refresh_from_db()
    assert c.valid_to == date(2025, 6, 30) and c.successor == world.village_a and not c.is_active
    assert post.org_id == c.pk and post.end == date(2025, 6, 30) and post.end_reason == "区划合并"
    assert list(world.village_a.predecessors.all()) == [c]
    assert OrgEvent.objects.filter(org=c, kind="merge", other=world.village_a).exists()
    assert AuditEntry.objects.filter(action="org.merge", object_id=str(c.pk), reason="规模调整").exists()
    with pytest.raises(ValidationError):
        org_merge(actor=None, absorbed=c, into=world.village_a, on=date(2025, 7, 1))


def test_org_01_rename_keeps_identity_and_old_name(world):
    old_pk = world.village_a.pk
    org_rename(actor=None, org=world.village_a, new_name="东湖村", on=date(2025, 1, 1), reason="报批")
    org = Org.objects.get(pk=old_pk)
    assert org.name == "东湖村" and org.code == "330521100201"
    assert org.events.filter(kind="rename", old_name="东村", new_name="东湖村").exists()
    assert Post.objects.filter(org=org).count() == 5  # records stay attached


def test_org_02_ending_a_post_keeps_the_row(world):
    post = Post.objects.get(person=world.people.cadre_a)
    count = Post.objects.count()
    post_end(actor=world.users.office, post=post, end=date(2025, 3, 31), reason="辞职")
    assert Post.objects.count() == count
    post.refresh_from_db()
    assert post.end == date(2025, 3, 31) and post.end_reason == "辞职"
    # a new holder may start the day after; the history shows both
    new = post_start(actor=None, person=world.people.team_1, org=world.village_a, title=PostTitle.VILLAGE_CLERK,
                     start=date(2025, 4, 1), funded=True, safety_duty="台账")
    current, past = queries.org_posts(world.village_a, on=date(2025, 5, 1))
    assert new in current and post in past


def test_org_03_funded_quota_refused_beyond_three(world):
    a = world.village_a  # secretary + clerk funded
    post_start(actor=None, person=world.people.team_1, org=a, title=PostTitle.VILLAGE_DIRECTOR, start=date(2025, 1, 1),
               funded=True, safety_duty="道路安全")
    with pytest.raises(ValidationError) as exc:
        post_start(actor=None, person=world.people.team_2, org=a, title=PostTitle.WOMEN_DIRECTOR,
                   start=date(2025, 1, 1), funded=True, safety_duty="防溺水")
    assert "非职数工资自酬" in exc.value.message_dict["funded"][0]
    # unfunded posts beyond the quota are fine (set by the village, self-paid)
    post_start(actor=None, person=world.people.team_2, org=a, title=PostTitle.WOMEN_DIRECTOR, start=date(2025, 1, 1),
               funded=False, safety_duty="防溺水")


def test_org_03_quota_is_a_policy_parameter(world, policies):
    """With a township version setting quota 2, a third funded post is refused."""
    from ganbu.core.policy import policy_adopt, policy_resolve, policy_save_draft

    assert policy_resolve("org", world.village_a.path, date(2025, 1, 1)).params.funded_post_quota == 3
    v = policy_save_draft(actor=None, org=world.t1, module="org", title="二职数试点", period_start=date(2025, 1, 1),
                          params={"funded_post_quota": 2, "funded_titles": ["village_secretary", "village_director",
                                                                            "village_clerk"],
                                  "assessor_defaults": {}})
    policy_adopt(actor=None, version=v)
    with pytest.raises(ValidationError) as exc:
        post_start(actor=None, person=world.people.team_1, org=world.village_a, title=PostTitle.VILLAGE_DIRECTOR,
                   start=date(2025, 2, 1), funded=True, safety_duty="道路安全")
    assert "已满 2 个" in exc.value.message_dict["funded"][0]


def test_org_08_every_post_needs_a_safety_duty(world):
    with pytest.raises(ValidationError) as exc:
        post_start(actor=None, person=world.people.team_1, org=world.village_a, title=PostTitle.MASS_ORG,
                   start=date(2025, 1, 1), safety_duty="  ")
    assert exc.value.message_dict["safety_duty"] == ["每个职务须明确安全职责（一岗双责）"]
    assert not Post.objects.filter(person=world.people.team_1, title=PostTitle.MASS_ORG).exists()


def test_org_04_group_configured_per_township(world):
    """青山镇 puts its party secretary at the head (S0); 绿水镇 its discipline secretary (S2)."""
    t2_disc = world.people.outsider  # a person of 绿水镇's subtree stands in for its discipline secretary
    group_member_add(actor=None, org=world.t1, person=world.people.township_secretary, group_role="leader",
                     start=date(2024, 1, 1))
    group_member_add(actor=None, org=world.t1, person=world.people.office, group_role="office_staff",
                     start=date(2024, 1, 1))
    group_member_add(actor=None, org=world.t2, person=t2_disc, group_role="leader", start=date(2024, 1, 1))
    g1 = {m.group_role: m.person for m in queries.assessment_group(world.t1, date(2025, 1, 1))}
    g2 = {m.group_role: m.person for m in queries.assessment_group(world.t2, date(2025, 1, 1))}
    assert g1["leader"] == world.people.township_secretary and g2["leader"] == t2_disc
    with pytest.raises(ValidationError) as exc:
        group_member_add(actor=None, org=world.t1, person=world.people.township_head, group_role="leader",
                         start=date(2025, 1, 1))
    assert "已由 王书记 担任" in exc.value.message_dict["group_role"][0]
    with pytest.raises(ValidationError):
        group_member_add(actor=None, org=world.t1, person=t2_disc, group_role="member", start=date(2025, 1, 1))
    leader = AssessmentGroupMember.objects.get(org=world.t1, group_role="leader")
    group_member_end(actor=None, member=leader, end=date(2025, 3, 31))
    group_member_add(actor=None, org=world.t1, person=world.people.township_head, group_role="leader",
                     start=date(2025, 4, 1))
    assert {m.group_role: m.person for m in queries.assessment_group(world.t1, date(2025, 2, 1))}["leader"] == \
        world.people.township_secretary
    assert {m.group_role: m.person for m in queries.assessment_group(world.t1, date(2025, 5, 1))}["leader"] == \
        world.people.township_head


def test_org_05_assessor_configurable_per_category(world, policies):
    career = world.people.team_1
    career.category = "career"
    career.save()
    # S0 default: career cadres daily by their department, meetings/study/ad-hoc by the party committee
    assert queries.assessor_of(career) == ("department", "party_committee")
    assessor_rule_set(actor=None, org=world.t1, category="career", daily="party_committee", meetings="party_committee",
                      note="宣传文体中心干部完全由党委政府考核")
    assert queries.assessor_of(career) == ("party_committee", "party_committee")
    assessor_rule_set(actor=None, org=world.t1, category="career", daily="department", meetings="assessment_office")
    assert queries.assessor_of(career) == ("department", "assessment_office")
    with pytest.raises(ValidationError):
        assessor_rule_set(actor=None, org=world.village_a, category="career", daily="department",
                          meetings="department")


def test_org_06_dispatch_unit_beside_tree_with_leader(world):
    unit = org_create(actor=None, kind=OrgKind.DISPATCH_UNIT, name="县交通运输局", parent=world.county,
                      leader_name="吴副局长")
    assert unit.path == "330521U002" and unit.code is None and unit.leader_name == "吴副局长"
    roots, beside = queries.org_tree(world.users.county_org)
    assert unit in beside and world.unit in beside
    assert all(n.org.kind in ("county",) for n in roots)
    with pytest.raises(ValidationError):
        org_create(actor=None, kind=OrgKind.DISPATCH_UNIT, name="错", parent=world.t1)
    fs_post = Post.objects.get(person=world.people.first_secretary)
    assert fs_post.dispatch_unit == world.unit


def test_org_09_secretary_appointment_recorded(world):
    post = Post.objects.get(person=world.people.village_secretary_a)
    appt = secretary_appointment_record(actor=world.users.office, post=post, source="returned_migrant",
                                        method="two_recommend_one_elect", strong_good_assessment="双强双好",
                                        assessed_on=date(2024, 1, 5))
    assert appt.get_source_display() == "返乡农民工党员" and appt.get_method_display() == "两推一选"
    assert AuditEntry.objects.filter(action="appointment.record", object_id=str(appt.pk)).exists()
    again = secretary_appointment_record(actor=None, post=post, source="veteran", method="appointed",
                                         strong_good_assessment="复核")
    assert again.pk == appt.pk and again.source == "veteran"
    clerk = Post.objects.get(person=world.people.cadre_a)
    with pytest.raises(ValidationError) as exc:
        secretary_appointment_record(actor=None, post=clerk, source="veteran", method="appointed",
                                     strong_good_assessment="x")
    assert "村党组织书记" in exc.value.message_dict["post"][0]
