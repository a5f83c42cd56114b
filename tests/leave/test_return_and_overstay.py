"""Issue 10: working-day absenteeism, overstays that keep counting, cancelling and cutting leave short
(LV-06, LV-07, ATT-06)."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.core.models import Notification
from ganbu.leave import services
from ganbu.leave.models import LeaveStatus

from .conftest import MONDAY


def _cases(rule="LV-07"):
    from ganbu.cases.models import Case

    return Case.objects.filter(rule_id=rule)


def _circular(lv, month="2024-03"):
    from ganbu.notices.models import Notice

    notice = Notice.objects.filter(key=f"leave-absenteeism:{lv.county.path}:{month}").first()
    return notice.versions.order_by("-version").first() if notice else None


def test_lv_07_att_06_leave_ending_friday_back_monday_is_no_overstay(submit, approve_all, lv):
    """Leave Tue 5 – Fri 8 March 2024, 销假 on Monday 11 (first working day after the weekend): no case,
    nothing on the county circular."""
    req = submit("team_1", start=date(2024, 3, 5), days=4)
    approve_all(req)
    c = services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 11),
                              today=date(2024, 3, 11))
    assert c.overstay_days == 0 and not c.late
    assert services.leave_overstay_evaluate(today=date(2024, 3, 12)) == 0
    assert not _cases().exists() and _circular(lv) is None


def test_lv_07_att_06_back_tuesday_counts_monday_only(submit, approve_all, lv):
    req = submit("team_1", start=date(2024, 3, 5), days=4)  # to Friday 8
    approve_all(req)
    c = services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 12),
                              today=date(2024, 3, 12))
    assert c.overstay_days == 1
    case = _cases().get()
    assert case.facts["absent_workdays"] == ["2024-03-11"] and "1个工作日" in case.title
    assert _circular(lv).content["entries"][0]["days"] == 1


def test_lv_07_open_overstay_grows_each_night_until_office_records_return(submit, approve_all, lv):
    """Nightly evaluation adds each new working day to the open case and the circular entry; the
    office's record of return closes the count; running again changes nothing."""
    req = submit("team_1", days=4)  # Mon 4 – Thu 7 March, 销假 due Fri 8
    approve_all(req)
    assert services.leave_overstay_evaluate(today=date(2024, 3, 8)) == 0  # within the deadline
    assert services.leave_overstay_evaluate(today=date(2024, 3, 9)) == 1  # Friday away
    case = _cases().get()
    assert case.facts["days"] == 1 and case.facts["open_ended"]
    assert services.leave_overstay_evaluate(today=date(2024, 3, 11)) == 0  # the weekend adds nothing
    case.refresh_from_db()
    assert case.facts["days"] == 1
    versions = _circular(lv).version
    services.leave_overstay_evaluate(today=date(2024, 3, 13))  # Mon 11 and Tue 12 added
    case.refresh_from_db()
    assert case.facts["absent_workdays"] == ["2024-03-08", "2024-03-11", "2024-03-12"]
    circular = _circular(lv)
    assert circular.version == versions + 1 and circular.content["entries"][0]["days"] == 3
    services.leave_overstay_evaluate(today=date(2024, 3, 13))  # same night again: no new version
    assert _circular(lv).version == circular.version
    # the township office records that he was back on Wednesday 13: the count stops at 3 working days
    c = services.leave_cancel(actor=lv.users.office, request=req, returned_on=date(2024, 3, 13),
                              today=date(2024, 3, 14))
    assert c.recorded_by_office and c.overstay_days == 3
    case.refresh_from_db()
    assert case.facts["days"] == 3 and not case.facts["open_ended"] and case.facts["returned_on"] == "2024-03-13"
    services.leave_overstay_evaluate(today=date(2024, 3, 20))
    case.refresh_from_db()
    assert case.facts["days"] == 3 and _cases().count() == 1


def test_lv_07_return_registered_late_but_dated_in_time_clears_the_count(submit, approve_all, lv):
    req = submit("team_1", days=4)  # to Thu 7
    approve_all(req)
    services.leave_overstay_evaluate(today=date(2024, 3, 11))
    assert _cases().get().facts["days"] == 1
    c = services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 8),
                              today=date(2024, 3, 11))
    assert c.late and c.overstay_days == 0
    assert _cases().get().facts["days"] == 0
    assert _circular(lv).content["entries"] == []


def test_lv_07_outsider_cannot_record_a_return(submit, approve_all, lv):
    req = submit("team_1", days=2)
    approve_all(req)
    with pytest.raises(services.LeaveError, match="单位登记"):
        services.leave_cancel(actor=lv.users.outsider, request=req, returned_on=date(2024, 3, 6),
                              today=date(2024, 3, 6))


def test_lv_06_early_return_shortens_the_leave_record(submit, approve_all, lv):
    """Reported back on the third day of a 4-day leave, while the leave is still running: the record
    itself becomes 2 days (dates, days), the approved dates are kept beside it."""
    req = submit("team_1", days=4)  # Mon 4 – Thu 7
    approve_all(req)
    services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 6), today=date(2024, 3, 6))
    req.refresh_from_db()
    assert (req.start, req.end, req.days) == (MONDAY, date(2024, 3, 5), 2)
    assert (req.approved_end, req.approved_days) == (date(2024, 3, 7), 4)
    assert req.status == LeaveStatus.CANCELLED


def test_lv_06_back_on_the_first_day_means_the_leave_was_not_taken(submit, approve_all, lv):
    req = submit("team_1", days=4)
    approve_all(req)
    services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=MONDAY, today=MONDAY)
    req.refresh_from_db()
    assert req.days == 0 and req.end == MONDAY and req.approved_days == 4


def test_lv_06_return_date_any_day_from_start_to_today(submit, approve_all, lv):
    req = submit("team_1", days=4)
    approve_all(req)
    with pytest.raises(services.LeaveError) as e:
        services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 3), today=MONDAY)
    assert e.value.errors == {"returned_on": services.RETURN_BEFORE_START}
    with pytest.raises(services.LeaveError) as e:
        services.leave_cancel(actor=lv.users.team_1, request=req, returned_on=date(2024, 3, 6), today=date(2024, 3, 5))
    assert e.value.errors == {"returned_on": services.RETURN_IN_FUTURE}


def test_lv_06_approved_leave_cancelled_before_it_starts_tells_the_approvers(submit, approve_all, lv,
                                                                            django_capture_on_commit_callbacks):
    from ganbu.leave.queries import approved_leave_spans

    req = submit("team_1", days=4)
    deciders = approve_all(req)
    with pytest.raises(services.LeaveError, match="本人"):
        services.leave_revoke(actor=lv.users.team_2, request=req, today=date(2024, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_revoke(actor=lv.users.team_1, request=req, reason="任务调整，不再外出", today=date(2024, 3, 1))
    req.refresh_from_db()
    assert req.status == LeaveStatus.REVOKED
    told = set(Notification.objects.filter(key=f"leave:{req.pk}:revoke").values_list("user__username", flat=True))
    assert set(deciders) <= told
    assert approved_leave_spans(start=MONDAY, end=date(2024, 3, 31), person_ids=[lv.people.team_1.pk]) == []
    # once started it cannot be cancelled: report back instead
    other = submit("team_1", start=date(2024, 3, 18), days=2)
    approve_all(other)
    with pytest.raises(services.LeaveError, match="不能取消"):
        services.leave_revoke(actor=lv.users.team_1, request=other, today=date(2024, 3, 18))


def test_lv_07_day_close_reports_stationed_cadre_away_without_leave(lv):
    """A stationed cadre with no sign-in and no leave on a working day: the day close (the product's
    path, not a test helper) opens the LV-07 不假外出 case; the next day joins the same case."""
    from ganbu.attendance.services import day_close

    day_close(actor=lv.users.office, org=lv.t1, on=date(2024, 3, 5))
    case = _cases().get(subject=lv.people.team_1)
    assert case.facts["dates"] == ["2024-03-05"] and "不假外出" in case.title
    day_close(actor=lv.users.office, org=lv.t1, on=date(2024, 3, 6))
    case.refresh_from_db()
    assert case.facts["dates"] == ["2024-03-05", "2024-03-06"] and case.facts["days"] == 2
    entries = _circular(lv).content["entries"]
    assert {e["person"] for e in entries} >= {"郑队员", "冯队员", "吴第一书记"}
    # a weekend closes nothing
    day_close(actor=lv.users.office, org=lv.t1, on=date(2024, 3, 9))
    case.refresh_from_db()
    assert case.facts["days"] == 2
