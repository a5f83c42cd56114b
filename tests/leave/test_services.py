"""Service tests: chains stored and walked, bad input, presence rule, 销假, overstay, stand-ins."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from ganbu.core.models import Notification
from ganbu.leave import services
from ganbu.leave.models import ApprovalStep, LeaveRequest, LeaveStatus, StepStatus
from ganbu.leave.queries import approved_leave_spans, leave_inbox

from .conftest import MONDAY


def test_lv_03_four_day_team_request_walks_the_s4_chain_in_order(submit, approve_all, lv):
    """LV-03/LV-04: 4 days for a team member → first secretary, village, township, rural bureau, org dept."""
    req = submit("team_1", days=4)
    assert req.days == 4 and req.status == LeaveStatus.PENDING
    assert req.policy_version_id and "驻村" in req.policy_ref
    assert approve_all(req) == ["a_first", "a_secretary", "t1_secretary", "county_rural", "county_org"]
    assert req.status == LeaveStatus.APPROVED
    assert not req.steps.exclude(status=StepStatus.APPROVED).exists()


def test_lv_03_three_day_request_is_filed_not_signed_by_org_dept(submit, approve_all):
    req = submit("team_1", days=3)
    assert approve_all(req) == ["a_first", "a_secretary", "t1_secretary"]
    last = req.steps.order_by("-order").first()
    assert (last.role, last.kind, last.status) == ("county_org", "file", StepStatus.DONE)
    assert req.status == LeaveStatus.APPROVED


def test_lv_03_six_days_needs_county_deputy(submit, approve_all):
    req = submit("team_1", days=6)
    assert approve_all(req)[-1] == "county_deputy"


def test_lv_01_township_cadre_chain_and_notifications(submit, approve_all, lv, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit("township_cadre", days=1)
    assert Notification.objects.filter(user=lv.users.township_secretary, url=f"/leave/{req.pk}/").exists()
    assert not Notification.objects.filter(user=lv.users.township_head).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert approve_all(req) == ["t1_secretary"]
    assert Notification.objects.filter(user=lv.users.township_head, url=f"/leave/{req.pk}/").exists()
    assert Notification.objects.filter(user=lv.users.office, url=f"/leave/{req.pk}/").exists()  # duty relay
    assert Notification.objects.filter(user=lv.users.township_cadre, title="您的请假已批准").exists()


def test_lv_09_everyone_in_chain_is_notified_at_their_step(submit, approve_all, lv,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit("team_1", days=4)
    assert Notification.objects.filter(user=lv.users.first_secretary).exists()
    assert not Notification.objects.filter(user=lv.users.village_secretary_a).exists()  # not yet his step
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(req)
    for name in ("first_secretary", "village_secretary_a", "township_secretary", "county_rural", "county_org"):
        assert Notification.objects.filter(user=getattr(lv.users, name), url=f"/leave/{req.pk}/").exists(), name
    assert Notification.objects.filter(user=lv.users.team_1, url=f"/leave/{req.pk}/").count() >= 5


def test_lv_04_first_secretary_without_handover_is_refused(submit, lv):
    with pytest.raises(services.LeaveError) as exc:
        submit("first_secretary", days=2)
    assert exc.value.errors["handover"] == services.rules.HANDOVER_REQUIRED
    req = submit("first_secretary", days=2, handover=lv.people.team_1)
    assert req.handover == lv.people.team_1 and req.steps.first().role == "village_secretary"


def test_end_before_start_is_refused_with_chinese_error_and_nothing_stored(lv):
    with pytest.raises(services.LeaveError) as exc:
        services.leave_submit(actor=lv.users.team_1, person=lv.people.team_1, kind="personal", start=MONDAY,
                              end=MONDAY - timedelta(days=1), reason="事")
    assert exc.value.errors["end"] == services.rules.END_BEFORE_START
    assert not LeaveRequest.objects.exists()


def test_overlapping_approved_leave_is_refused(submit, approve_all, lv):
    approve_all(submit("team_1", days=2))
    with pytest.raises(services.LeaveError) as exc:
        submit("team_1", start=MONDAY + timedelta(days=1), days=3)
    assert "时间重叠" in exc.value.errors["start"] and "已批准" in exc.value.errors["start"]
    assert LeaveRequest.objects.count() == 1


def test_double_submission_with_same_key_gives_one_record(submit):
    a = submit("team_1", submit_key="k1")
    b = submit("team_1", submit_key="k1")
    assert a.pk == b.pk and LeaveRequest.objects.count() == 1


def test_lv_05_refusal_names_dates_and_people(submit, approve_all, lv):
    approve_all(submit("team_2", start=MONDAY + timedelta(days=2), days=2))  # Wed–Thu
    with pytest.raises(services.LeaveRefused) as exc:
        submit("team_1", days=4)
    msg = exc.value.errors["__all__"]
    assert "2024-03-06" in msg and "2024-03-07" in msg and "2024-03-04" not in msg
    assert "冯队员" in msg and "郑队员" in msg and "至少2人" in msg
    assert LeaveRequest.objects.filter(person=lv.people.team_1).count() == 0


def test_lv_05_authorised_approver_overrides_with_recorded_reason(submit, approve_all, lv):
    from ganbu.core.models import AuditEntry

    approve_all(submit("team_2", days=2))
    with pytest.raises(services.LeaveRefused):  # the applicant cannot override himself
        submit("team_1", days=2, override_reason="急事")
    req = services.leave_submit(actor=lv.users.township_secretary, person=lv.people.team_1, kind="sick",
                                start=MONDAY, end=MONDAY, reason="住院", override_reason="住院治疗，特批")
    assert req.override_reason == "住院治疗，特批" and req.overridden_by == lv.users.township_secretary
    assert req.conflicts and "冯队员" in req.conflicts[0]
    assert AuditEntry.objects.filter(action="leave.submit", object_id=str(req.pk), reason="住院治疗，特批").exists()


def test_lv_05_checked_again_at_approval(submit, approve_all, lv):
    """Two pending requests can both pass submission; approving the second needs the override."""
    first = submit("team_2", days=2)
    # team_1's request is refused while team_2's is pending: pending leave counts too
    with pytest.raises(services.LeaveRefused):
        submit("team_1", days=2)
    assert first.status == LeaveStatus.PENDING


def test_lv_06_cancel_within_deadline_goes_to_the_approving_authority(submit, approve_all, lv):
    req = submit("team_1", days=4)  # Mon–Thu, deadline Friday
    approve_all(req)
    c = services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 8),
                              today=date(2024, 3, 8))
    assert c.deadline == date(2024, 3, 8) and not c.late and c.overstay_days == 0
    assert (c.authority_role, c.authority_org_path) == ("county_org", lv.county.path)
    with pytest.raises(services.LeaveError, match=services.NOT_YOUR_STEP):
        services.leave_cancel_confirm(actor=lv.users.village_secretary_a, cancellation=c)
    services.leave_cancel_confirm(actor=lv.users.county_org, cancellation=c)
    c.refresh_from_db()
    assert c.approved_by == lv.users.county_org
    req.refresh_from_db()
    assert req.status == LeaveStatus.CANCELLED


def test_lv_06_late_cancellation_is_flagged(submit, approve_all, lv):
    req = submit("team_1", days=3)  # Mon–Wed → deadline Thu
    approve_all(req)
    c = services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 7),
                              today=date(2024, 3, 11))
    assert c.late and c.deadline == date(2024, 3, 7)
    # LV-06: 销假 goes to the authority that approved (the township), not to the county that only filed it
    assert (c.authority_role, c.authority_org_path) == ("township_secretary", lv.t1.path)


def test_lv_06_only_the_applicant_cancels_approved_leave(submit, approve_all, lv):
    req = submit("team_1", days=2)
    with pytest.raises(services.LeaveError, match=services.CANCEL_NOT_APPROVED):
        services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=MONDAY + timedelta(days=2),
                              today=date(2024, 3, 8))
    approve_all(req)
    with pytest.raises(services.LeaveError, match=services.CANCEL_NOT_SELF):
        services.leave_cancel(actor=lv.users.team_2, request=req, returned_on=MONDAY, today=date(2024, 3, 8))


def test_att_04_early_return_shortens_the_span(submit, approve_all, lv):
    req = submit("team_1", days=4)
    approve_all(req)
    spans = approved_leave_spans(start=date(2024, 3, 1), end=date(2024, 3, 31), person_ids=[lv.people.team_1.pk])
    assert [(s.start, s.end, s.request_id) for s in spans] == [(MONDAY, date(2024, 3, 7), req.pk)]
    services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 6), today=date(2024, 3, 6))
    spans = approved_leave_spans(start=date(2024, 3, 1), end=date(2024, 3, 31), org_path_prefix=lv.t1.path)
    assert [(s.start, s.end) for s in spans] == [(MONDAY, date(2024, 3, 5))]
    assert approved_leave_spans(start=date(2024, 3, 1), end=date(2024, 3, 31), org_path_prefix=lv.t2.path) == []


def test_lv_07_overstay_opens_case_and_circular_entry(submit, approve_all, lv):
    from ganbu.cases.models import Case
    from ganbu.notices.models import Notice, NoticeKind

    req = submit("team_1", days=4)  # ends Thu 2024-03-07
    approve_all(req)
    services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 11), today=date(2024, 3, 11))
    case = Case.objects.get(rule_id="LV-07")
    # back on Monday: Friday is the one working day overstayed (ATT-06: the weekend never counts)
    assert case.subject == lv.people.team_1 and case.facts["days"] == 1
    assert case.policy_version_id == req.policy_version_id
    notice = Notice.objects.get(kind=NoticeKind.CIRCULAR, key=f"leave-absenteeism:{lv.county.path}:2024-03")
    assert notice.versions.count() == 1
    assert notice.versions.first().content["entries"][0]["person"] == "郑队员"
    # idempotent: evaluating again adds nothing
    assert services.leave_overstay_evaluate(today=date(2024, 3, 12)) == 0
    assert Case.objects.filter(rule_id="LV-07").count() == 1 and notice.versions.count() == 1
    # a second absentee in the county → a new version of the same circular with both entries
    other = submit("team_2", start=date(2024, 3, 18), days=2)
    approve_all(other)
    assert services.leave_overstay_evaluate(today=date(2024, 3, 25)) == 1
    latest = notice.versions.order_by("-version").first()
    assert latest.version == 2 and {e["person"] for e in latest.content["entries"]} == {"郑队员", "冯队员"}


def test_lv_07_unexcused_absence_reported_opens_case(submit, lv):
    from ganbu.cases.models import Case

    assert services.leave_report_unexcused(actor=lv.users.county_org, person=lv.people.team_2,
                                           days_away=[date(2024, 5, 6), date(2024, 5, 7)]) == 1
    assert Case.objects.get(rule_id="LV-07").facts["dates"] == ["2024-05-06", "2024-05-07"]


def test_lv_07_nightly_task_runs_the_evaluation(submit, approve_all, lv):
    from ganbu.cases.models import Case
    from ganbu.leave.tasks import leave_overstay_nightly

    approve_all(submit("team_1", days=2))  # 2024: long past, never cancelled
    leave_overstay_nightly.call_local()
    assert Case.objects.filter(rule_id="LV-07", subject=lv.people.team_1).exists()


def test_lv_09_nobody_approves_his_own_request(submit, lv):
    """LV-09: the township secretary's own leave skips his step and goes to the county org dept."""
    req = submit("township_secretary", days=1)
    steps = list(req.steps.all())
    assert steps[0].role == "county_org" and "回避" in steps[0].why
    assert all(s.role != "township_secretary" for s in steps)
    assert leave_inbox(user=lv.users.township_secretary) == []
    with pytest.raises(services.LeaveError, match=services.NOT_YOUR_STEP):
        services.leave_decide(actor=lv.users.township_secretary, step=steps[0], approve=True)


def test_lv_09_stand_in_acts_for_away_approver(submit, lv):
    from django.utils import timezone

    today = timezone.localdate()
    services.standin_name(actor=lv.users.first_secretary, stand_in=lv.users.team_2, start=today,
                          end=today + timedelta(days=3), reason="外出培训")
    req = submit("team_1", days=2)
    step = req.steps.get(status=StepStatus.PENDING)
    items = leave_inbox(user=lv.users.team_2)
    assert [(s.pk, f) for s, f in items] == [(step.pk, lv.users.first_secretary)]
    services.leave_decide(actor=lv.users.team_2, step=step, approve=True, comment="代批")
    step.refresh_from_db()
    assert step.decided_by == lv.users.team_2 and step.acting_for == lv.users.first_secretary
    with pytest.raises(services.LeaveError) as exc:
        services.standin_name(actor=lv.users.county_org, stand_in=lv.users.county_org, start=today, end=today)
    assert exc.value.errors["stand_in"] == services.STANDIN_SELF


def test_lv_09_stand_in_cannot_approve_own_request(submit, lv):
    from django.utils import timezone

    today = timezone.localdate()
    services.standin_name(actor=lv.users.first_secretary, stand_in=lv.users.team_1, start=today, end=today)
    req = submit("team_1", days=2)
    step = req.steps.get(status=StepStatus.PENDING)
    assert leave_inbox(user=lv.users.team_1) == []
    with pytest.raises(services.LeaveError, match=services.NOT_YOUR_STEP):
        services.leave_decide(actor=lv.users.team_1, step=step, approve=True)


def test_reject_requires_comment_and_ends_chain(submit, lv):
    req = submit("team_1", days=4)
    step = req.steps.get(status=StepStatus.PENDING)
    with pytest.raises(services.LeaveError, match=services.COMMENT_REQUIRED):
        services.leave_decide(actor=lv.users.first_secretary, step=step, approve=False)
    services.leave_decide(actor=lv.users.first_secretary, step=step, approve=False, comment="工作紧")
    req.refresh_from_db()
    assert req.status == LeaveStatus.REJECTED
    assert set(req.steps.exclude(order=1).values_list("status", flat=True)) == {StepStatus.VOID}
    with pytest.raises(services.LeaveError, match=services.ALREADY_DECIDED):
        services.leave_decide(actor=lv.users.first_secretary, step=step, approve=True)


def test_lv_08_pdf_has_two_archive_copies(submit, approve_all, lv):
    import io

    from django.test import RequestFactory
    from pypdf import PdfReader

    from ganbu.leave.views import pdf

    req = submit("team_1", days=4)
    approve_all(req)
    request = RequestFactory().get("/")
    request.user = lv.users.team_1
    resp = pdf(request, req.pk)
    assert resp.status_code == 200
    reader = PdfReader(io.BytesIO(resp.content))
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) == 2
    assert "乡镇党委" in texts[0] and "县委组织部" in texts[1]
    assert all("郑队员" in t for t in texts)
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert any("CJK" in name for name in fonts), fonts  # glyphs embedded, not only extractable text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_give_one_decision(world, policies):
    """Concurrency: the village secretary's stand-in and himself approve the same step at once."""
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    services.standin_name(actor=world.users.first_secretary, stand_in=world.users.cadre_a, start=today, end=today)
    req = services.leave_submit(actor=world.users.team_1, person=world.people.team_1, kind="personal",
                                start=MONDAY, end=MONDAY + timedelta(days=1), reason="事")
    step = req.steps.get(status=StepStatus.PENDING)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def act(user):
        try:
            barrier.wait()
            services.leave_decide(actor=user, step=step, approve=True, comment=user.username)
            results.append("ok")
        except services.LeaveError as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in (world.users.first_secretary, world.users.cadre_a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == sorted(["ok", services.ALREADY_DECIDED])
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED
    assert ApprovalStep.objects.filter(request=req, status=StepStatus.PENDING).count() == 1  # next step opened once


def test_lv_03_half_days_are_stored_and_decide_the_tier(submit, lv):
    """LV-03: Mon afternoon to Thu noon is 3 calendar days → the ≤3 tier (filed, not signed, by org dept)."""
    req = submit("team_1", days=4, start_pm=True, end_am=True)
    assert req.days == 3
    assert [s.kind for s in req.steps.order_by("order")][-1] == "file"


def test_lv_06_authority_is_told_of_the_cancellation(submit, approve_all, lv, django_capture_on_commit_callbacks):
    req = submit("team_1", days=3)
    approve_all(req)
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 7),
                              today=date(2024, 3, 7))
    # a 3-day leave is approved by the township and only filed with the county: the township confirms
    assert Notification.objects.filter(user=lv.users.township_secretary, key=f"leave:{req.pk}:cancel").exists()
    assert not Notification.objects.filter(user=lv.users.county_org, key=f"leave:{req.pk}:cancel").exists()
    assert not Notification.objects.filter(user=lv.users.village_secretary_a, key=f"leave:{req.pk}:cancel").exists()


def test_withdraw_pending_request(submit, lv):
    req = submit("team_1", days=2)
    with pytest.raises(services.LeaveError):
        services.leave_withdraw(actor=lv.users.team_2, request=req)
    services.leave_withdraw(actor=lv.users.team_1, request=req)
    req.refresh_from_db()
    assert req.status == LeaveStatus.WITHDRAWN
    assert not req.steps.filter(status=StepStatus.PENDING).exists()
    assert submit("team_1", days=2).pk != req.pk  # the dates are free again


def test_inbox_query_count_does_not_grow_with_requests(submit, lv, login, django_assert_max_num_queries):
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.services import person_create, post_start

    submit("team_1", days=1)
    client = login("first_secretary")
    with django_assert_max_num_queries(14) as few:
        client.get("/leave/inbox/")
    for i in range(5):
        p = person_create(actor=None, org=lv.village_a, name=f"队员{i}", gender="M", birth_date=date(1990, 1, 1),
                          id_number=make_id_number("330521", date(1990, 1, 1), 700 + i, True),
                          category="civil_servant", staff_status="established")
        post_start(actor=None, person=p, org=lv.village_a, title="team_member", start=date(2024, 1, 1),
                   safety_duty="安全", dispatch_unit=lv.unit)
        services.leave_submit(actor=lv.users.township_secretary, person=p, kind="personal",
                              start=date(2024, 6, 3 + i), end=date(2024, 6, 3 + i), reason="事",
                              override_reason="测试")
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        resp = client.get("/leave/inbox/")
    assert resp.content.decode().count("/leave/") >= 6 and len(many.captured_queries) == len(few.captured_queries)


def test_lv_01_duty_leader_on_the_roster_is_told(submit, approve_all, lv, django_capture_on_commit_callbacks):
    """LV-01: the leader on duty now (DUTY-01 roster) is notified of a township cadre's leave."""
    from django.utils import timezone

    from ganbu.attendance.models import DutySlot

    now = timezone.now()
    DutySlot.objects.create(org=lv.t1, org_path=lv.t1.path, person=lv.people.township_head,
                            start=now - timedelta(hours=1), end=now + timedelta(hours=8), created_by=lv.users.office)
    req = submit("township_cadre", days=1)
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(req)
    duty = Notification.objects.get(key=f"leave:{req.pk}:step:3")
    assert duty.user == lv.users.township_head and duty.body == "镇长再通报值班领导"


def test_lv_03_chain_stays_with_the_policy_it_was_submitted_under(submit, lv):
    """LV-03 / POL-03: a later policy version changes new chains, never a submitted one."""
    from ganbu.core.policy import policy_adopt, policy_resolve, policy_save_draft
    from ganbu.leave.policy import PRESETS

    old = submit("team_1", days=4)
    params = dict(PRESETS["leave"]["S4"].params)
    tiers = [dict(t) for t in params["stationed_tiers"]]
    tiers[0] = {**tiers[0], "max_days": "5"}  # the county widens the short tier to 5 days
    params["stationed_tiers"] = tiers
    v2 = policy_adopt(actor=lv.users.county_org, version=policy_save_draft(
        actor=lv.users.county_org, org=lv.county, module="leave", title="2024年修订", period_start=date(2024, 1, 1),
        params=params, overridable=list(params) + ["township_chain"]))
    new = submit("team_2", start=date(2024, 4, 1), days=4)
    assert "2024年修订》v2" in new.policy_ref and "2024年修订" not in old.policy_ref
    assert [s.role for s in new.steps.order_by("order")] == ["first_secretary", "village_secretary",
                                                              "township_secretary", "county_org"]
    assert new.steps.order_by("-order").first().kind == "file"
    old.refresh_from_db()
    assert [s.role for s in old.steps.order_by("order")][-2:] == ["county_rural", "county_org"]
    assert v2.pk in policy_resolve("leave", lv.people.team_2.org_path, date(2024, 4, 1)).versions


def test_lv_03_submit_reads_the_team_and_policy_once(submit, lv, django_assert_max_num_queries):
    """LV-03/LV-05: a team member's submission computes its chain and presence check from one read
    of the team, its leave and the policy (the preview's), and opens the first step from the steps
    it has just written: a second read of any of them shows here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit("team_2", start=MONDAY, days=1)  # warm: the policy is cached, a colleague is away that day
    with CaptureQueriesContext(connection) as ctx:
        req = submit("team_1", start=MONDAY + timedelta(days=7), days=1)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert req.steps.filter(status=StepStatus.PENDING).count() == 1
    assert sum('FROM "leave_leaverequest"' in q for q in sql) == 2, sql  # own overlap; the team's leave
    assert sum('FROM "leave_approvalstep"' in q for q in sql) == 0, sql
    assert sum('"core_policyversion"' in q for q in sql) <= 1, sql  # cached per date: a new date reads once
    assert sum('"person__name"' in q for q in sql) == 1, sql  # the team
