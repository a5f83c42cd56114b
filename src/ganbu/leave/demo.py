"""Demo leave (请销假) of the demo county: three months of requests in every state, through the services.

Township and stationed cadres apply themselves; the approvers the chain names decide; most past
leave was taken and registered back (销假) and confirmed. Some leave covers today (who is away now),
some waits at its first or a later step, some was refused or withdrawn.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count

from ganbu.core.demo import DemoContext

REASONS = {
    "personal": ["家中老人住院陪护", "子女升学报名", "处理家中房屋修缮", "回老家办理户籍手续"],
    "sick": ["感冒发热，遵医嘱休息", "腰椎不适到县医院复查", "牙科手术后休息"],
    "training": ["参加市委党校乡村振兴专题培训", "参加县农业技术推广培训"],
    "trip": ["赴市农业农村局汇报产业项目", "带队到邻县学习考察美丽乡村建设"],
    "annual": ["年休假，陪家人外出", "年休假"],
}
OUTCOMES = ["cancelled", "cancelled", "cancelled", "cancelled", "rejected", "withdrawn", "approved_open"]


def _decide_all(req: Any, rnd: Any, *, stop_before_last: bool = False, reject: bool = False) -> None:
    """Walk the chain: each pending step decided by a holder of its role (never the applicant)."""
    from ganbu.leave.models import StepStatus
    from ganbu.leave.services import LeaveError, leave_decide, step_actors

    while True:
        step = req.steps.filter(status=StepStatus.PENDING).order_by("order").first()
        if step is None:
            return
        later = req.steps.filter(status=StepStatus.WAITING, kind="approve").exists()
        if stop_before_last and not later:
            return
        actors = step_actors(step)
        if not actors:
            return
        user, _ = actors[0]
        try:
            if reject:
                leave_decide(actor=user, step=step, approve=False, comment=rnd.choice(
                    ["近期防汛任务重，请调整时间", "与值班安排冲突，请改期", "材料不全，请补充后再报"]))
                return
            leave_decide(actor=user, step=step, approve=True, comment="同意，请做好工作交接")
        except LeaveError:
            return


def load_demo_leave(ctx: DemoContext) -> None:
    from ganbu.leave.models import Cancellation, LeaveRequest, LeaveStatus
    from ganbu.leave.services import (
        LeaveError,
        leave_cancel,
        leave_cancel_confirm,
        leave_submit,
        leave_withdraw,
        step_actors,
    )
    from ganbu.org.models import User

    rnd = ctx.rnd("leave")
    today = ctx.today
    users = list(User.objects.exclude(person=None).select_related("person")
                 .filter(person__posts__end__isnull=True, person__posts__title__in=[
                     "township_secretary", "township_head", "township_deputy_secretary", "township_discipline",
                     "township_leader", "township_cadre", "first_secretary", "team_member"])
                 .distinct().order_by("person__org_path", "person__id_number"))
    past = ctx.workdays(ctx.history_start, today - timedelta(days=6))
    ahead = ctx.workdays(today + timedelta(days=1), today + timedelta(days=20))
    for index, user in enumerate(users):
        person = user.person
        plans: list[tuple[date, int, str]] = []
        for _ in range(rnd.choice([0, 1, 1, 2, 2, 3])):
            plans.append((rnd.choice(past), rnd.choice([0, 0, 1, 2]), rnd.choice(OUTCOMES)))
        if index % 9 == 4:  # away today: approved leave that covers today
            plans.append((today - timedelta(days=rnd.choice([0, 1])), rnd.choice([1, 2, 3]), "approved_open"))
        if index % 6 == 1 and ahead:  # asked for the coming weeks, still being approved
            plans.append((rnd.choice(ahead), rnd.choice([0, 1, 2]), rnd.choice(["pending", "pending_later"])))
        for start, extra_days, outcome in plans:
            end = start + timedelta(days=extra_days)
            kind = rnd.choice(list(REASONS))
            handover = None
            if person.posts.filter(title="first_secretary", end__isnull=True).exists():
                handover = (person.org.people.filter(posts__title="team_member", posts__end__isnull=True)
                            .order_by("id_number").first())
            try:
                req = leave_submit(actor=user, person=person, kind=kind, start=start, end=end,
                                   reason=rnd.choice(REASONS[kind]), handover=handover,
                                   leaves_county=kind in ("trip", "training"))
            except LeaveError:  # overlaps his other leave, or the team's presence rule refuses it
                continue
            if outcome == "withdrawn":
                leave_withdraw(actor=user, request=req)
            elif outcome == "rejected":
                _decide_all(req, rnd, reject=True)
            elif outcome == "pending":
                pass
            elif outcome == "pending_later":
                _decide_all(req, rnd, stop_before_last=True)
            else:
                _decide_all(req, rnd)
                req.refresh_from_db()
                if outcome == "cancelled" and req.status == LeaveStatus.APPROVED and end < today:
                    back = end + timedelta(days=1 + (rnd.random() < 0.1))
                    back = min(back, today)
                    try:
                        cancel = leave_cancel(actor=user, request=req, returned_on=back, today=back,
                                              note="已按期返岗")
                    except LeaveError:
                        continue
                    auth = req.steps.filter(role=cancel.authority_role, org_path=cancel.authority_org_path).first()
                    actors = step_actors(auth) if auth else []
                    if actors and rnd.random() < 0.85:
                        leave_cancel_confirm(actor=actors[0][0], cancellation=cancel)
    _personas(ctx, rnd, past, ahead)
    counts = dict(LeaveRequest.objects.values_list("status").annotate(n=Count("id")).order_by())
    ctx.notes.append(f"请假 {counts}，销假 {Cancellation.objects.count()}")


def _personas(ctx: DemoContext, rnd: Any, past: list[date], ahead: list[date]) -> None:
    """The printed logins see their own leave: the clerk's past leave taken and registered back and one
    being approved, the secretary's past leave, a team member's request waiting for the first secretary."""
    from ganbu.leave.models import LeaveStatus
    from ganbu.leave.services import LeaveError, leave_cancel, leave_submit

    if not past or not ahead:
        return
    plans = [("a_cadre", past[len(past) // 2], 1, "cancelled"), ("a_cadre", ahead[3 % len(ahead)], 0, "pending"),
             ("a_secretary", past[len(past) // 3], 0, "approved"), ("a_team1", ahead[2 % len(ahead)], 1, "pending"),
             ("a_committee", past[len(past) // 4], 1, "approved")]
    for username, start, extra, outcome in plans:
        user = ctx.users.get(username)
        if user is None or user.person is None:
            continue
        end = start + timedelta(days=extra)
        try:
            req = leave_submit(actor=user, person=user.person, kind="personal", start=start, end=end,
                               reason=rnd.choice(REASONS["personal"]))
        except LeaveError:
            continue
        if outcome == "pending":
            continue
        _decide_all(req, rnd)
        req.refresh_from_db()
        if outcome == "cancelled" and req.status == LeaveStatus.APPROVED:
            leave_cancel(actor=user, request=req, returned_on=end + timedelta(days=1), today=end + timedelta(days=1))
