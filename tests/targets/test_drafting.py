"""Layered drafting (TGT-01), send-back rounds and quarterly breakdown (TGT-02), signing and the board (PUB-01)."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.core.access import NotFound
from ganbu.core.models import AuditEntry
from ganbu.notices.models import NoticeVersion
from ganbu.targets import services
from ganbu.targets.models import Commitment, Measure, MeasureStage, MeetingVote, ReviewRound
from ganbu.targets.services import TargetsError
from tests.targets.conftest import drafted, measure_input, signed, upload


def test_tgt_01_framework_by_category_is_the_offices(world, tgt):
    assert [f["category"] for f in tgt.c.framework] == ["党的建设", "经济发展"]
    with pytest.raises(TargetsError, match="不在框架内"):
        services.commitment_propose(actor=world.users.office, village=world.village_c, term_start=2024,
                                    term_end=2026, framework=[("招商引资", "")])
    with pytest.raises(NotFound):
        services.commitment_propose(actor=world.users.village_secretary_a, village=world.village_a,
                                    term_start=2027, term_end=2029, framework=[("党的建设", "")])


@pytest.mark.parametrize("missing,field", [("deadline", "落实时限"), ("responsible", "责任人"), ("standard", "标准要求")])
def test_tgt_01_measure_without_deadline_or_responsible_refused(world, tgt, missing, field):
    """TGT-01: a measure needs standard, deadline and responsible person; nothing is written otherwise."""
    data = measure_input(world, **{missing: "" if missing == "standard" else None})
    with pytest.raises(TargetsError) as exc:
        services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c, data=data)
    assert field in str(exc.value)
    assert not Measure.objects.exists()


def test_tgt_01_measure_category_must_be_in_the_framework(world, tgt):
    with pytest.raises(TargetsError, match="精神文明"):
        services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c,
                              data=measure_input(world, category="精神文明"))


def test_tgt_02_measure_broken_into_years_and_quarters(world, tgt):
    m = services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c,
                              data=measure_input(world, deadline=date(2025, 5, 20)))
    stages = list(MeasureStage.objects.filter(measure=m).values_list("year", "quarter", "deadline"))
    assert stages[0] == (2024, 1, date(2024, 3, 31))
    assert stages[-1] == (2025, 2, date(2025, 5, 20))
    assert len(stages) == 6  # 2024 Q1–Q4, 2025 Q1–Q2


def test_tgt_01_vote_with_more_votes_than_attendees_refused(world, tgt):
    services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c, data=measure_input(world))
    with pytest.raises(TargetsError, match="不能多于到会人数"):
        services.vote_record(actor=world.users.village_secretary_a, commitment=tgt.c, held_on=date(2024, 2, 1),
                             attendance=30, votes_for=25, votes_against=6, minutes=upload())
    assert not MeetingVote.objects.exists()
    # the boundary: exactly the attendance is accepted
    services.vote_record(actor=world.users.village_secretary_a, commitment=tgt.c, held_on=date(2024, 2, 1),
                         attendance=30, votes_for=24, votes_against=6, minutes=upload())


def test_tgt_01_approval_without_recorded_meeting_refused(world, tgt):
    services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c, data=measure_input(world))
    with pytest.raises(TargetsError, match="尚未经党员和村民代表会议表决通过"):
        services.commitment_submit(actor=world.users.village_secretary_a, commitment=tgt.c)
    Commitment.objects.filter(pk=tgt.c.pk).update(status=Commitment.Status.SUBMITTED)
    tgt.c.refresh_from_db()
    with pytest.raises(TargetsError, match="尚未经党员和村民代表会议表决通过"):
        services.commitment_approve(actor=world.users.township_secretary, commitment=tgt.c)
    tgt.c.refresh_from_db()
    assert tgt.c.status == Commitment.Status.SUBMITTED and not ReviewRound.objects.exists()


def test_tgt_01_02_send_back_revise_approve_rounds_kept(world, tgt):
    m1, m2 = drafted(world, tgt.c)
    with pytest.raises(TargetsError, match="写明理由"):
        services.commitment_return(actor=world.users.township_secretary, commitment=tgt.c, reasons={m1.pk: " "})
    services.commitment_return(actor=world.users.township_secretary, commitment=tgt.c,
                               reasons={m1.pk: "目标偏低，应不少于30万元"})
    tgt.c.refresh_from_db()
    assert tgt.c.status == Commitment.Status.RETURNED and tgt.c.round == 2
    with pytest.raises(TargetsError, match="尚有退回的措施未修改"):
        services.commitment_submit(actor=world.users.village_secretary_a, commitment=tgt.c)
    services.measure_save(actor=world.users.village_secretary_a, commitment=tgt.c, measure=m1,
                          data=measure_input(world, standard="集体收入达到30万元；账目公开"))
    services.commitment_submit(actor=world.users.village_secretary_a, commitment=tgt.c)
    services.commitment_approve(actor=world.users.township_secretary, commitment=tgt.c)
    rounds = list(ReviewRound.objects.filter(commitment=tgt.c).values_list("round", "decision"))
    assert rounds == [(1, "returned"), (2, "approved")]
    first = ReviewRound.objects.get(round=1)
    assert first.returned[0]["reason"] == "目标偏低，应不少于30万元"
    assert "20万元" in first.snapshot[0]["standard"] or "20万元" in first.snapshot[1]["standard"]


def test_tgt_01_signature_covers_content_and_a_later_change_voids_it(world, tgt):
    signed(world, tgt.c)
    assert tgt.c.signature_valid and services.commitment_verify(commitment=tgt.c)
    Measure.objects.filter(commitment=tgt.c).update(standard="改过的标准")
    assert not services.commitment_verify(commitment=tgt.c)
    tgt.c.refresh_from_db()
    assert tgt.c.voided_at is not None and "内容发生变化" in tgt.c.void_reason
    assert AuditEntry.objects.filter(action="targets.signature_void").exists()


def test_pub_01_signed_commitment_on_the_public_board(world, tgt, client):
    signed(world, tgt.c)
    version = NoticeVersion.objects.get(notice_id=tgt.c.notice_id)
    assert version.content["measures"][0]["standard"]
    resp = client.get(f"/public/{version.pk}/")
    assert resp.status_code == 200 and "任期目标承诺" in resp.content.decode()


def test_tgt_01_each_step_recorded_with_who_and_when(world, tgt):
    signed(world, tgt.c)
    actions = set(AuditEntry.objects.filter(object_type="commitment", object_id=str(tgt.c.pk))
                  .values_list("action", flat=True))
    assert {"targets.propose", "targets.vote", "targets.submit", "targets.approve", "targets.sign"} <= actions


def test_outsider_cannot_draft_or_vote(world, tgt):
    with pytest.raises(NotFound):
        services.measure_save(actor=world.users.outsider, commitment=tgt.c, data=measure_input(world))
