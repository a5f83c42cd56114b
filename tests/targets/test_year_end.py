"""Rounds and scores (TGT-06, TGT-09), deposits and year-end results (TGT-07), decisions (TGT-08),
the responsibility fund (TGT-10), and what subsidies read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ganbu.cases.models import Case
from ganbu.core.recusal import RecusalError
from ganbu.notices.models import NoticeVersion
from ganbu.targets import queries, services
from ganbu.targets.models import DepositDeduction, InspectionRound, ResponsibilityFund, YearEndResult
from ganbu.targets.services import TargetsError
from tests.targets.conftest import signed


def test_tgt_09_sampled_round_draws_reproducibly_and_issues_due_in_a_week(world, policies):
    rnd = services.round_create(actor=world.users.county_org, org=world.county, kind="unannounced",
                                scope=InspectionRound.Scope.SAMPLED, start=date(2024, 9, 10), days=2, sample=2)
    assert len(rnd.villages) == 2
    from ganbu.targets.rules import tgt_09_sample
    all_ids = [world.village_a.pk, world.village_b.pk, world.village_c.pk]
    assert rnd.villages == tgt_09_sample(all_ids, 2, rnd.seed)
    village = world.village_a if world.village_a.pk in rnd.villages else world.village_c
    issue = services.issue_add(actor=world.users.county_org, rnd=rnd, village=village, text="财务公开“其他”栏打埋伏",
                               found_on=date(2024, 9, 11))
    assert issue.due == date(2024, 9, 18)
    full = services.round_create(actor=world.users.office, org=world.t1, kind="quarterly",
                                 scope=InspectionRound.Scope.FULL, start=date(2024, 9, 25))
    assert full.villages == sorted([world.village_a.pk, world.village_c.pk])
    outside = world.village_b
    with pytest.raises(TargetsError, match="不在本轮检查范围"):
        services.issue_add(actor=world.users.office, rnd=full, village=outside, text="x")


def test_tgt_06_half_year_scores_posted_with_supervision_phone(world, policies):
    version = services.half_scores_post(actor=world.users.office, township=world.t1, year=2024, half=1,
                                        scores={world.village_a.pk: "92.5", world.village_c.pk: 80})
    assert version.supervision_phone and version.content["scores"][0]["village"] == "东村"
    with pytest.raises(TargetsError, match="第1行"):
        services.half_scores_post(actor=world.users.office, township=world.t1, year=2024, half=2,
                                  scores={world.village_a.pk: "120"})


def test_tgt_06_round_results_posted_publicly(world, policies):
    rnd = services.round_create(actor=world.users.office, org=world.t1, kind="quarterly", scope="full",
                                start=date(2024, 9, 25))
    services.issue_add(actor=world.users.office, rnd=rnd, village=world.village_a, text="公开栏未更新")
    version = services.round_publish(actor=world.users.office, rnd=rnd)
    assert isinstance(version, NoticeVersion) and version.content["issues"][0]["text"] == "公开栏未更新"
    assert version.supervision_phone


def test_tgt_07_first_year_talk_and_deposit_second_year_resign(world, tgt):
    signed(world, tgt.c)
    person = world.people.cadre_a
    services.deposit_lodge(actor=world.users.office, person=person, year=2024)
    r1 = services.year_end_decide(actor=world.users.office, commitment=tgt.c, person=person, year=2024,
                                  outcome="unfulfilled", score="55")
    d = DepositDeduction.objects.get(person=person, year=2024)
    assert d.amount == Decimal("500.00") and d.rule_id == "TGT-07" and d.policy_version_id
    assert "谈话诫勉" in r1.measure and r1.occurrence == 1
    case = Case.objects.get(pk=r1.case_id)
    assert case.rule_id == "TGT-07" and case.subject_id == person.pk
    r2 = services.year_end_decide(actor=world.users.office, commitment=tgt.c, person=person, year=2025,
                                  outcome="unfulfilled")
    assert "辞职" in r2.measure and r2.occurrence == 2
    assert not DepositDeduction.objects.filter(year=2025).exists()


def test_tgt_07_deposit_deduction_twice_for_one_year_refused(world, tgt):
    signed(world, tgt.c)
    person = world.people.cadre_a
    services.year_end_decide(actor=world.users.office, commitment=tgt.c, person=person, year=2024,
                             outcome="unfulfilled")
    with pytest.raises(TargetsError, match="不能重复扣发"):
        services.year_end_decide(actor=world.users.office, commitment=tgt.c, person=person, year=2024,
                                 outcome="unfulfilled")
    assert DepositDeduction.objects.filter(person=person).count() == 1
    assert YearEndResult.objects.filter(person=person).count() == 1


def test_tgt_07_exceeding_is_rewarded_without_a_case(world, tgt):
    signed(world, tgt.c)
    r = services.year_end_decide(actor=world.users.office, commitment=tgt.c, person=world.people.cadre_a,
                                 year=2024, outcome="exceeded", score="98")
    assert r.case_id is None and not DepositDeduction.objects.exists()


def test_recusal_year_end_not_about_oneself(world, tgt):
    signed(world, tgt.c)
    with pytest.raises(RecusalError):
        services.year_end_decide(actor=world.users.office, commitment=tgt.c, person=world.people.office, year=2024,
                                 outcome="unfulfilled")


def test_sub_06_subsidy_inputs_itemise_deductions(world, tgt):
    signed(world, tgt.c)
    services.year_end_decide(actor=world.users.office, commitment=tgt.c, person=world.people.cadre_a, year=2024,
                             outcome="unfulfilled", score="60")
    got = queries.subsidy_inputs(org_path=world.t1.path, year=2024)[world.people.cadre_a.pk]
    assert got.deduction_total == Decimal("500.00") and got.score == Decimal("60")
    assert got.deductions[0]["rule_id"] == "TGT-07" and got.deductions[0]["policy_version_id"]


def test_tgt_08_decision_without_meeting_causing_loss_opens_cases(world, policies):
    d = services.decision_record(actor=world.users.office, village=world.village_a, decided_on=date(2024, 5, 1),
                                 title="出租集体鱼塘", body="", meeting_on=None, loss="12000",
                                 responsible=[world.people.village_secretary_a, world.people.cadre_a])
    assert len(d.case_ids) == 2
    assert set(Case.objects.filter(rule_id="TGT-08").values_list("subject_id", flat=True)) == {
        world.people.village_secretary_a.pk, world.people.cadre_a.pk}
    ok = services.decision_record(actor=world.users.office, village=world.village_a, decided_on=date(2024, 5, 2),
                                  title="修路", body="党员、村民代表会议", meeting_on=date(2024, 5, 1), loss="5000",
                                  responsible=[world.people.cadre_a])
    no_loss = services.decision_record(actor=world.users.office, village=world.village_a, decided_on=date(2024, 5, 3),
                                       title="买办公用品", body="", meeting_on=None, loss="0",
                                       responsible=[world.people.cadre_a])
    assert ok.case_ids == [] and no_loss.case_ids == []


def test_tgt_10_fund_30_to_50_percent_paid_or_withheld_with_reason(world, policies):
    with pytest.raises(TargetsError, match="30%–50%"):
        services.fund_hold(actor=world.users.county_org, person=world.people.office, year=2024, bonus="10000",
                           pct=29)
    f = services.fund_hold(actor=world.users.county_org, person=world.people.office, year=2024, bonus="10000",
                           pct=50)
    assert f.amount == Decimal("5000.00")
    low = services.fund_hold(actor=world.users.county_org, person=world.people.township_cadre, year=2024,
                             bonus="8000")
    assert low.pct == 30 and low.amount == Decimal("2400.00")
    with pytest.raises(TargetsError, match="理由"):
        services.fund_decide(actor=world.users.county_org, fund=f, status="withheld", reason="")
    with pytest.raises(RecusalError):
        services.fund_decide(actor=world.users.office, fund=f, status="paid", reason="无失察")
    services.fund_decide(actor=world.users.county_org, fund=f, status="withheld", reason="东村财务问题失察")
    f.refresh_from_db()
    assert f.status == ResponsibilityFund.Status.WITHHELD and f.reason
