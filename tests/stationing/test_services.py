"""Stationing services against the database: eligibility everywhere (STN-04), selection and adjustment
(STN-03, STN-05, STN-06), the diary (STN-11), obligations, negative list (STN-10, STN-17), board (STN-13),
allowances (STN-14), recusal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ganbu.cases.models import Case
from ganbu.core.models import AuditEntry, Notification
from ganbu.core.recusal import RecusalError
from ganbu.org.models import Post, PostTitle
from ganbu.org.services import post_end, post_start
from ganbu.stationing import services
from ganbu.stationing.models import DiaryEntry, DiaryFlag, NegativeItem, ObligationRecord, Selection

from .conftest import leave_today

TODAY = timezone.localdate()


def _counts():
    return Post.objects.count(), Selection.objects.count(), AuditEntry.objects.count()


def test_stn_04_post_start_refuses_ineligible_with_every_reason_and_nothing_changes(stn):
    """STN-04: appointing an ineligible first secretary is refused with all three reasons; nothing is written."""
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        post_start(actor=stn.world.users.county_org, person=stn.bad, org=stn.world.village_c,
                   title=PostTitle.FIRST_SECRETARY, start=TODAY, safety_duty="安全", dispatch_unit=stn.world.unit)
    msg = exc.value.message_dict["person"][0]
    assert "临聘" in msg and "中共正式党员" in msg and "参加工作时间" in msg
    assert _counts() == before


def test_stn_04_team_member_needs_establishment_too(stn):
    """STN-04: a temporary worker is refused as team member; an established one passes."""
    with pytest.raises(ValidationError, match="临聘"):
        post_start(actor=None, person=stn.bad, org=stn.world.village_c, title=PostTitle.TEAM_MEMBER, start=TODAY,
                   safety_duty="安全")
    assert post_start(actor=None, person=stn.good, org=stn.world.village_c, title=PostTitle.TEAM_MEMBER,
                      start=TODAY, safety_duty="安全").pk


def test_stn_04_only_the_county_overrides_and_the_reason_is_audited(stn):
    """STN-04: the township may not override; the county may, and the audit row keeps its reason."""
    w = stn.world
    with pytest.raises(ValidationError, match="只有县委组织部"):
        post_start(actor=w.users.township_secretary, person=stn.bad, org=w.village_c, title=PostTitle.TEAM_MEMBER,
                   start=TODAY, safety_duty="安全", eligibility_override="急需")
    post = post_start(actor=w.users.county_org, person=stn.bad, org=w.village_c, title=PostTitle.TEAM_MEMBER,
                      start=TODAY, safety_duty="安全", eligibility_override="县委常委会研究同意")
    row = AuditEntry.objects.filter(action="post.start", object_id=str(post.pk)).get()
    assert "破格任用" in row.reason and "县委常委会研究同意" in row.reason and "临聘" in row.reason


def test_stn_03_selection_only_for_target_villages(stn):
    """STN-03: a village of none of the four categories gets no team."""
    w = stn.world
    with pytest.raises(ValidationError) as exc:
        services.selection_propose(actor=w.users.dispatch_leader, kind="new", village=w.village_c, unit=w.unit,
                                   candidate=stn.good, role="team_member", term_start=TODAY)
    assert "不属于选派村类别" in exc.value.message_dict["village"][0]


def test_stn_05_selection_unit_proposes_county_approves_post_starts(stn, django_capture_on_commit_callbacks):
    """STN-05: the unit proposes (term ≥ 2 years, end shown), the county approves, the post starts."""
    w = stn.world
    with pytest.raises(ValidationError, match="不少于2年"):
        services.selection_propose(actor=w.users.dispatch_leader, kind="new", village=w.village_a, unit=w.unit,
                                   candidate=stn.good, role="team_member", term_start=TODAY,
                                   term_end=TODAY + timedelta(days=365))
    with django_capture_on_commit_callbacks(execute=True):
        sel = services.selection_propose(actor=w.users.dispatch_leader, kind="new", village=w.village_a,
                                         unit=w.unit, candidate=stn.good, role="team_member", term_start=TODAY)
    assert sel.term_end >= TODAY.replace(year=TODAY.year + 2) - timedelta(days=1) and sel.reasons == []
    assert Notification.objects.filter(user=w.users.county_org, key=f"sel:{sel.pk}:proposed").exists()
    with pytest.raises(PermissionDenied):
        services.selection_approve(actor=w.users.dispatch_leader, selection=sel, approved_on=TODAY,
                                   approval_ref="县委组〔2026〕1号")
    sel = services.selection_approve(actor=w.users.county_org, selection=sel, approved_on=TODAY,
                                     approval_ref="县委组〔2026〕1号")
    assert sel.status == "reported" and sel.post.dispatch_unit == w.unit and sel.post.title == "team_member"


def test_stn_04_ineligible_selection_blocked_at_approval_unless_overridden(stn):
    """STN-04: the proposal keeps the reasons; approval refuses without an override and changes nothing."""
    w = stn.world
    sel = services.selection_propose(actor=w.users.dispatch_leader, kind="new", village=w.village_a, unit=w.unit,
                                     candidate=stn.bad, role="team_member", term_start=TODAY)
    assert any("临聘" in r for r in sel.reasons)
    before = _counts()
    with pytest.raises(ValidationError, match="不符合驻村选派条件"):
        services.selection_approve(actor=w.users.county_org, selection=sel, approved_on=TODAY, approval_ref="文1号")
    assert _counts() == before and Selection.objects.get(pk=sel.pk).status == "proposed"
    sel = services.selection_approve(actor=w.users.county_org, selection=sel, approved_on=TODAY, approval_ref="文1号",
                                     override_reason="熟悉该村产业，县委研究同意")
    assert sel.status == "reported" and sel.override_reason


def _replacement(stn, approved_days_ago: int):
    w = stn.world
    sel = services.selection_propose(actor=w.users.dispatch_leader, kind="replace", village=w.village_a, unit=w.unit,
                                     candidate=stn.good, role="first_secretary", term_start=TODAY,
                                     outgoing=stn.fs_post, reason="身体原因")
    with pytest.raises(ValidationError):  # the county decides only after the organisation department's review
        services.selection_approve(actor=w.users.county_org, selection=sel, approved_on=TODAY, approval_ref="x")
    sel = services.selection_review(actor=w.users.county_rural, selection=sel, agree=True, note="一事一议，同意")
    return services.selection_approve(actor=w.users.county_org, selection=sel,
                                      approved_on=TODAY - timedelta(days=approved_days_ago),
                                      approval_ref="县委〔2026〕12号")


def test_stn_05_replacement_reporting_on_day_two_is_in_time(stn):
    """STN-05: reported on the second day after the written approval: not flagged, no case."""
    sel = _replacement(stn, 2)
    assert sel.report_due == TODAY
    sel = services.selection_report(actor=stn.world.users.township_secretary, selection=sel, on=TODAY)
    assert not sel.reported_late and not Case.objects.filter(rule_id="STN-05").exists()


def test_stn_05_stn_06_late_report_opens_case_and_handover_keeps_both_posted(stn):
    """STN-05: day 3 is late → flagged and a case opens. STN-06: both are posted for fifteen days; the
    outgoing's post cannot end inside the handover (nothing changes), and may end on its last day."""
    w = stn.world
    sel = _replacement(stn, 3)
    sel = services.selection_report(actor=w.users.township_secretary, selection=sel, on=TODAY)
    assert sel.reported_late and Case.objects.filter(rule_id="STN-05", subject=stn.good).exists()
    assert sel.handover_start == TODAY and sel.handover_end == TODAY + timedelta(days=14)
    current = Post.objects.filter(org=w.village_a, title="first_secretary", end__isnull=True)
    assert set(current.values_list("person_id", flat=True)) == {w.people.first_secretary.pk, stn.good.pk}
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        post_end(actor=w.users.county_org, post=stn.fs_post, end=TODAY + timedelta(days=13), reason="调整")
    assert "过渡期" in exc.value.message_dict["end"][0]
    assert Post.objects.get(pk=stn.fs_post.pk).end is None and AuditEntry.objects.count() == audits
    assert post_end(actor=w.users.county_org, post=stn.fs_post, end=sel.handover_end, reason="调整").end


def test_stn_06_outgoing_cannot_leave_before_the_replacement_reports(stn):
    """STN-06: approved but not yet reported: the outgoing may not leave at all."""
    _replacement(stn, 0)
    with pytest.raises(ValidationError, match="尚未报到"):
        post_end(actor=stn.world.users.county_org, post=stn.fs_post, end=TODAY, reason="调整")


def test_stn_05_never_reported_opens_case_in_nightly_evaluation(stn):
    """STN-05: a replacement who has not reported after the deadline opens a case at night, once."""
    _replacement(stn, 3)
    services.obligations_evaluate(on=TODAY)
    services.obligations_evaluate(on=TODAY)
    assert Case.objects.filter(rule_id="STN-05").count() == 1


def test_recusal_nobody_approves_his_own_selection(stn):
    """Recusal: the county officer who is the candidate cannot review or approve his own stationing."""
    w = stn.world
    sel = services.selection_propose(actor=w.users.dispatch_leader, kind="new", village=w.village_a, unit=w.unit,
                                     candidate=stn.good, role="team_member", term_start=TODAY)
    w.users.county_org.person = stn.good
    w.users.county_org.save()
    with pytest.raises(RecusalError):
        services.selection_approve(actor=w.users.county_org, selection=sel, approved_on=TODAY, approval_ref="1号")


def test_stn_11_diary_one_a_day_never_future(stn):
    """STN-11: a future date is refused; a second entry for a day is refused; a non-stationed cadre has none."""
    w = stn.world
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.diary_write(actor=w.users.team_1, on=TODAY + timedelta(days=1), work="计划走访")
    assert not DiaryEntry.objects.exists()
    services.diary_write(actor=w.users.team_1, on=TODAY, work="走访农户5户", households="张三、李四")
    with pytest.raises(ValidationError, match="一天只记一篇"):
        services.diary_write(actor=w.users.team_1, on=TODAY, work="again")
    with pytest.raises(ValidationError, match="无需填写"):
        services.diary_write(actor=w.users.cadre_a, on=TODAY, work="x")


def test_stn_11_nightly_flags_diary_on_leave_and_present_day_without_diary(stn):
    """STN-11: a diary on a leave day and a present day without a diary are flagged to the first secretary
    and the township, once."""
    from ganbu.attendance.models import DayStatus
    from ganbu.core.models import PolicyVersion

    w = stn.world
    services.diary_write(actor=w.users.team_1, on=TODAY, work="走访")
    leave_today(w.people.team_1, TODAY)
    pv = PolicyVersion.objects.first()
    DayStatus.objects.create(person=w.people.team_2, date=TODAY, status="present", org_path=w.village_a.path,
                             county=w.county.path, stationed=True, policy_version=pv)
    assert services.diary_evaluate(on=TODAY) == 2  # the first secretary has no day status: nothing to compare
    reasons = dict(DiaryFlag.objects.values_list("person_id", "reason"))
    assert "请假" in reasons[w.people.team_1.pk] and "没有工作日记" in reasons[w.people.team_2.pk]
    assert Notification.objects.filter(user=w.users.first_secretary, kind="diary").count() >= 2
    assert Notification.objects.filter(user=w.users.township_secretary, kind="diary").exists()
    assert services.diary_evaluate(on=TODAY) == 0


def _fs_start(stn, start):
    Post.objects.filter(pk=stn.fs_post.pk).update(start=start)


def test_stn_07_overdue_obligation_notifies_then_opens_case(stn):
    """STN-07: a quarter without the township secretary's talk notifies him; after the grace days, a case."""
    w = stn.world
    q_end = date(TODAY.year, ((TODAY.month - 1) // 3) * 3 + 1, 1) - timedelta(days=1)  # last quarter's end
    _fs_start(stn, q_end - timedelta(days=80))
    services.obligations_evaluate(on=q_end + timedelta(days=1))
    note = Notification.objects.filter(user=w.users.township_secretary, kind="obligation",
                                       title__contains="乡镇党委书记谈心谈话")
    assert note.exists()
    talk_cases = Case.objects.filter(rule_id="STN-07", subject=w.people.first_secretary,
                                     title__contains="乡镇党委书记谈心谈话")
    assert not talk_cases.exists()
    services.obligations_evaluate(on=q_end + timedelta(days=16))
    assert talk_cases.exists()


def test_stn_07_recorded_talk_clears_the_obligation(stn):
    """STN-07: a talk recorded inside the quarter, with people and evidence, satisfies the calendar."""
    from ganbu.stationing.queries import cadre_rows

    w = stn.world
    services.obligation_record(actor=w.users.township_secretary, kind="secretary_talk", person=w.people.team_1,
                               on=TODAY, people="王书记、郑队员", evidence="谈话记录第3页")
    row = cadre_rows(Post.objects.filter(person=w.people.team_1, title="team_member"), TODAY)[0]
    talk = [d for d in row.dues if d.kind == "secretary_talk" and d.start <= TODAY <= d.due][0]
    assert talk.done_on == TODAY
    with pytest.raises(ValidationError, match="日期、参加人员和佐证"):
        services.obligation_record(actor=w.users.township_secretary, kind="secretary_talk", person=w.people.team_1,
                                   on=TODAY, people="", evidence="")


def test_stn_09_serious_incident_reaches_the_county_the_same_day(stn, django_capture_on_commit_callbacks):
    """STN-09/STN-15: a serious incident recorded by the township is in the county's inbox at once."""
    w = stn.world
    with django_capture_on_commit_callbacks(execute=True):
        services.obligation_record(actor=w.users.township_secretary, kind="incident", person=w.people.team_1,
                                   on=TODAY, people="郑队员", evidence="走访途中摔伤，已送县医院", detail="负伤去世")
    n = Notification.objects.get(user=w.users.county_org, kind="incident")
    assert "重大情况" in n.title and n.created_at.date() == timezone.now().date()


def test_stn_16_award_recorded_and_nobody_nominates_himself(stn):
    """STN-16: an award is recorded with its category; the first secretary cannot record his own."""
    w = stn.world
    services.obligation_record(actor=w.users.county_org, kind="award", person=w.people.first_secretary, on=TODAY,
                               people="县委组织部", evidence="县委组〔2026〕30号", detail="优秀第一书记")
    with pytest.raises(ValidationError, match="表彰类别"):
        services.obligation_record(actor=w.users.county_org, kind="award", person=w.people.team_1, on=TODAY,
                                   people="x", evidence="y", detail="最佳队员")
    with pytest.raises(RecusalError):
        services.obligation_record(actor=w.users.first_secretary, kind="grade_proposal",
                                   person=w.people.first_secretary, on=TODAY, people="x", evidence="y")
    assert ObligationRecord.objects.filter(kind="award").count() == 1


def test_stn_10_negative_list_verified_circulated_closed_with_evidence(stn):
    """STN-10: reported by the township, verified and circulated by the county, closed only with evidence."""
    w = stn.world
    item = services.negative_report(actor=w.users.township_secretary, problem="工作队员多次不在村",
                                    org_path=w.village_a.path, person=w.people.team_2)
    with pytest.raises(PermissionDenied):
        services.negative_advance(actor=w.users.township_secretary, item=item)
    item = services.negative_advance(actor=w.users.county_org, item=item)
    item = services.negative_advance(actor=w.users.county_org, item=item)
    assert item.status == "circulated" and item.verified_on and item.circulated_on
    with pytest.raises(ValidationError, match="整改情况"):
        services.negative_advance(actor=w.users.county_org, item=item)
    item = services.negative_advance(actor=w.users.county_org, item=item, rectification="已约谈，考勤恢复正常")
    assert item.status == "closed" and item.closed_on == TODAY


def test_stn_17_borrowing_a_stationed_cadre_refused_and_recorded(stn):
    """STN-17: a unit's request to borrow a stationed cadre is refused and lands on the negative list."""
    w = stn.world
    msg = services.assignment_request(actor=w.users.dispatch_leader, person=w.people.team_1, unit=w.unit,
                                      what="借调", detail="局里迎检缺人")
    assert "全脱产驻村" in msg
    item = NegativeItem.objects.get()
    assert item.unit == w.unit and item.person == w.people.team_1 and "借调" in item.problem


def test_stn_13_board_refuses_private_mobile_and_shows_work_phone(stn):
    """STN-13: the private mobile number is refused as board contact (nothing changes); a work phone is shown."""
    from ganbu.org.models import Person
    from ganbu.stationing.queries import board_rows

    w = stn.world
    p = w.people.team_1
    with pytest.raises(ValidationError, match="私人手机号"):
        services.board_phone_set(actor=w.users.county_org, person=p, work_phone=p.phone)
    assert Person.objects.get(pk=p.pk).work_phone == ""
    services.board_phone_set(actor=w.users.county_org, person=p, work_phone="0575-88001234")
    leave_today(w.people.team_2, TODAY)
    rows = {r.name: r for r in board_rows(w.village_a, TODAY)}
    assert rows["郑队员"].phone == "0575-88001234" and rows["郑队员"].whereabouts == "尚未签到"
    assert rows["冯队员"].whereabouts == "请假" and rows["冯队员"].phone == "（未设工作电话）"
    assert all(w.people.team_2.phone not in r.phone for r in rows.values())


def test_stn_14_allowance_from_signed_table_and_necessities_cap(stn):
    """STN-14: present days from the signed table × half the meal standard; necessities once, ≤ 2,000."""
    from ganbu.attendance.models import StationedTable
    from ganbu.core.models import PolicyVersion
    from ganbu.stationing.queries import allowances

    w = stn.world
    first = TODAY.replace(day=1)
    content = {"rows": [{"person_id": w.people.team_1.pk, "days": {
        (first + timedelta(days=i)).isoformat(): "present" if i < 18 else "leave" for i in range(20)}}]}
    rows = {r.post.person_id: r for r in allowances(w.users.county_org, first)}
    assert rows[w.people.team_1.pk].line is None  # not signed yet: no money
    StationedTable.objects.create(org=w.t1, org_path=w.t1.path, month=first, content=content, signed_by=w.users.admin,
                                  signed_at=timezone.now(), deadline=first, policy_version=PolicyVersion.objects.first())
    with pytest.raises(ValidationError, match="不超过"):
        services.reimbursement_record(actor=w.users.dispatch_leader, person=w.people.team_1, kind="necessities",
                                      on=TODAY, amount="2000.01", note="被褥")
    services.reimbursement_record(actor=w.users.dispatch_leader, person=w.people.team_1, kind="necessities",
                                  on=TODAY, amount="2000", note="被褥、电饭煲")
    with pytest.raises(ValidationError, match="只报销一次"):
        services.reimbursement_record(actor=w.users.dispatch_leader, person=w.people.team_1, kind="necessities",
                                      on=TODAY, amount="10", note="再买")
    line = {r.post.person_id: r for r in allowances(w.users.county_org, first)}[w.people.team_1.pk].line
    from ganbu.stationing.eligibility import stationing_params

    params, _ = stationing_params(w.village_a.path, first)
    per_day = Decimal(params.meal_allowance_per_day) * Decimal(params.living_allowance_ratio)
    assert line.present_days == 18 and line.living == (per_day * 18).quantize(Decimal("0.01"))
    assert line.necessities == Decimal("2000.00")
