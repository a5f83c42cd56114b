"""Every write of the leave app: submit, decide, cancel (销假), stand-ins, overstay evaluation.

Each is one transaction with an audit row; decisions lock the request and the step so two
approvers acting at once give one decision (compare-and-set on ``status=pending``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ganbu.core.access import has_perm
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.calendar import work_calendar
from ganbu.core.notify import notify, users_with_role
from ganbu.core.policy import PolicyMissing, policy_resolve
from ganbu.leave import rules
from ganbu.leave.models import (
    ApprovalStep,
    Cancellation,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
    StepKind,
    StepStatus,
)
from ganbu.leave.policy import LeaveParams
from ganbu.org.models import Org, Person, Post, PostTitle, RoleGrant, StandIn, User

OVERLAP = "与已提交或已批准的请假（{start}～{end}，{status}）时间重叠"
NOT_SELF = "只能为本人请假；代他人提交须有越过轮休规则的权限"
NO_POLICY = "该单位在开始日期没有施行中的请销假细则"
ALREADY_DECIDED = "该环节已由他人处理，请刷新后查看"
NOT_YOUR_STEP = "您不是该环节的审批人或代理人"
REASON_REQUIRED = "请填写事由"
KIND_INVALID = "请假类别不正确"
PRESENCE_REFUSED = "同一工作队至少{n}人在村，以下日期冲突："
OVERRIDE_NOT_ALLOWED = "越过轮休规则须由有权审批人填写理由"
CANCEL_NOT_APPROVED = "只有已批准的请假才能销假"
CANCEL_NOT_SELF = "只能由请假人本人销假，或由所在单位登记其返岗"
RETURN_BEFORE_START = "返岗日期不能早于请假开始日期"
RETURN_IN_FUTURE = "返岗日期不能晚于今天"
RETURN_REQUIRED = "请填写返岗日期"
REVOKE_NOT_APPROVED = "只有已批准、尚未开始的请假才能取消"
REVOKE_STARTED = "请假已于{start}开始，不能取消；已返岗的请办理销假（可提前返岗）"
REVOKE_NOT_SELF = "只能由请假人本人取消请假"
REASON_TOO_LONG = "事由最多{n}字（现有{m}字）"
REASON_MAX = 500
CANCEL_ALREADY_CONFIRMED = "该销假已确认"
STANDIN_SELF = "代理人不能是本人"
STANDIN_DATES = "代理结束日期不能早于开始日期"
STANDIN_UNKNOWN = "找不到该代理人账号"
COMMENT_REQUIRED = "不同意时请填写意见"


class LeaveError(ValueError):
    """Bad input or a refused action; ``errors`` maps field → Chinese message."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"__all__": errors}
        super().__init__("；".join(self.errors.values()))


class LeaveRefused(LeaveError):
    """LV-05 refusal: the dates and people in conflict."""

    def __init__(self, n: int, conflicts: list[rules.PresenceConflict]):
        self.conflicts = conflicts
        super().__init__({"__all__": PRESENCE_REFUSED.format(n=n) + "；".join(c.text() for c in conflicts)})


# --- facts about people and orgs ----------------------------------------------------------------

def applicant_role(person: Person, on: date) -> str:
    """township cadre / team member / first secretary, from the posts held on ``on``."""
    titles = set(
        Post.objects.filter(person=person, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("title", flat=True)
    )
    if PostTitle.FIRST_SECRETARY in titles:
        return rules.FIRST_SECRETARY
    if PostTitle.TEAM_MEMBER in titles:
        return rules.TEAM_MEMBER
    if len(person.org_path) == 9:
        return rules.TOWNSHIP_CADRE
    return rules.OTHER


LEVEL_CUT = {"village": 12, "township": 9, "county": 6}


def level_path(org_path: str, level: str) -> str:
    return org_path[: LEVEL_CUT[level]]


def _holders(role: str, path: str) -> list[User]:
    if role == "duty_leader":
        return _duty_users(path)
    return users_with_role(role, path)


def _duty_users(path: str) -> list[User]:
    """S0: the township head relays to the leader on duty: whoever the 24-hour roster (DUTY-01) has on
    duty now, or else the 党政办 that keeps the roster."""
    now = timezone.now()
    try:
        from ganbu.attendance.models import DutySlot

        ids = list(DutySlot.objects.filter(org_path=path, start__lte=now, end__gt=now)
                   .values_list("person_id", flat=True))
    except (ImportError, LookupError):  # attendance not installed
        ids = []
    users = list(User.objects.filter(person_id__in=ids, is_active=True)) if ids else []
    return users or users_with_role("township_office", path)


def step_actors(step: ApprovalStep, *, on: date | None = None) -> list[tuple[User, User | None]]:
    """Who may act on a step: (user, acting_for). Holders of the role on the step's org, and the
    stand-ins they named for today (LV-09); never the applicant himself."""
    on = on or timezone.localdate()
    holders = _holders(step.role, step.org_path)
    applicant_person = step.request.person_id
    out: list[tuple[User, User | None]] = [(u, None) for u in holders if u.person_id != applicant_person
                                           or applicant_person is None]
    if holders:
        for si in StandIn.objects.filter(user__in=holders, start__lte=on, end__gte=on).select_related(
                "stand_in", "user"):
            if si.stand_in.person_id != applicant_person or applicant_person is None:
                out.append((si.stand_in, si.user))
    return out


def _acting_for(user: Any, step: ApprovalStep) -> tuple[bool, User | None]:
    """Whether ``user`` may act on ``step``, and for whom (None: in his own right, which wins)."""
    mine = [for_user for u, for_user in step_actors(step) if u.pk == user.pk]
    if not mine:
        return False, None
    return True, None if None in mine else mine[0]


def _team(person: Person, on: date) -> dict[int, str]:
    """The work team of the applicant's village on ``on``: first secretary and members (LV-05)."""
    rows = (
        Post.objects.filter(org_id=person.org_id, title__in=[PostTitle.FIRST_SECRETARY, PostTitle.TEAM_MEMBER],
                            start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("person_id", "person__name").order_by("person_id")
    )
    return dict(rows)


def _team_conflicts(policy: LeaveParams, person: Person, start: date, end: date,
                    statuses: tuple[str, ...], exclude_id: int | None = None) -> list[rules.PresenceConflict]:
    team = _team(person, start)
    if person.pk not in team:
        return []
    others = LeaveRequest.objects.filter(person_id__in=list(team), status__in=statuses, start__lte=end,
                                         end__gte=start).exclude(pk=exclude_id or 0)
    away = [rules.Away(pid, s, e) for pid, s, e in others.values_list("person_id", "start", "end")]
    return rules.presence_conflicts(policy, team=team, others_away=away, new=rules.Away(person.pk, start, end))


# --- preview and submit -------------------------------------------------------------------------

@dataclass
class ChainPreview:
    days: Decimal | None
    role: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    policy_ref: str = ""
    policy_version_id: int | None = None
    tier: str = ""
    note: str = ""


def _holds(person: Person) -> set[tuple[str, str]]:
    """(role, level) pairs the applicant holds over his own place in the tree (for LV-09)."""
    held = set()
    for role, path in RoleGrant.objects.filter(user__person=person).values_list("role", "org__path"):
        for level, cut in LEVEL_CUT.items():
            if path == person.org_path[:cut] and len(path) == cut:
                held.add((role, level))
    return held


def leave_preview_chain(*, person: Person, start: date | None, end: date | None, start_pm: bool = False,
                        end_am: bool = False, leaves_county: bool = False, handover: Person | None = None
                        ) -> ChainPreview:
    """The chain the rules compute for a request, shown to the applicant before he submits (LV-03)."""
    return _preview(person=person, start=start, end=end, start_pm=start_pm, end_am=end_am,
                    leaves_county=leaves_county, handover=handover)[0]


def _preview(*, person: Person, start: date | None, end: date | None, start_pm: bool, end_am: bool,
             leaves_county: bool, handover: Person | None
             ) -> tuple[ChainPreview, LeaveParams | None, list[rules.PresenceConflict]]:
    """The preview, with the policy it used and the LV-05 conflicts it found: submitting reuses
    both rather than resolving the policy and reading the team's leave a second time."""
    on = start or timezone.localdate()
    role = applicant_role(person, on)
    preview = ChainPreview(days=None, role=role)
    try:
        resolved = policy_resolve("leave", person.org_path, on)
    except PolicyMissing:
        preview.errors["__all__"] = NO_POLICY
        return preview, None, []
    policy: LeaveParams = resolved.params
    preview.policy_ref, preview.policy_version_id = resolved.ref, resolved.version_id
    preview.errors = rules.request_errors(policy, applicant_role=role, start=start, end=end, start_pm=start_pm,
                                          end_am=end_am, has_handover=handover is not None,
                                          handover_is_self=handover is not None and handover.pk == person.pk)
    if start is None or end is None or "end" in preview.errors or "end_am" in preview.errors:
        return preview, policy, []
    preview.days = rules.leave_days(start, end, start_pm=start_pm, end_am=end_am)
    if role in rules.STATIONED:
        preview.tier = rules.tier_for(policy, preview.days).label
    if not rules.request_needed(policy, workdays=work_calendar().workdays_between(start, end),
                                leaves_county=leaves_county, stationed=role in rules.STATIONED):
        preview.note = rules.NO_REQUEST_NEEDED
    facts = rules.RequestFacts(applicant_role=role, days=preview.days, leaves_county=leaves_county,
                               has_handover=handover is not None)
    chain = rules.skip_self(policy, rules.approval_chain(policy, facts), _holds(person))
    orgs = {o.path: o for o in Org.objects.filter(path__in={level_path(person.org_path, s.level) for s in chain})}
    for s in chain:
        org = orgs.get(level_path(person.org_path, s.level))
        preview.steps.append({"role": s.role, "level": s.level, "label": s.label, "why": s.why, "kind": s.kind,
                              "org_path": org.path if org else "", "org_name": org.name if org else "",
                              "org_id": org.pk if org else None})
    conflicts = _team_conflicts(policy, person, start, end, (LeaveStatus.PENDING, LeaveStatus.APPROVED))
    preview.conflicts = [c.text() for c in conflicts]
    return preview, policy, conflicts


def _notify_step(step: ApprovalStep) -> None:
    users = [u for u, _ in step_actors(step)]
    verb = {StepKind.APPROVE: "待您审批", StepKind.FILE: "报您备案", StepKind.NOTIFY: "向您通报"}[step.kind]
    req = step.request
    title = f"{req.person.name}请假{req.days_display}天（{req.start}～{req.end}）{verb}"
    url = f"/leave/{req.pk}/"
    transaction.on_commit(lambda: notify(users=users, title=title, body=step.label, url=url, kind="leave",
                                         key=f"leave:{req.pk}:step:{step.order}"))


def _notify_applicant(req: LeaveRequest, title: str) -> None:
    users = list(User.objects.filter(person_id=req.person_id))
    if req.applicant_id:
        users.append(req.applicant)
    transaction.on_commit(lambda: notify(users=users, title=title, url=f"/leave/{req.pk}/", kind="leave",
                                         key=f"leave:{req.pk}:{title}"))


def _advance(req: LeaveRequest, waiting: list[ApprovalStep] | None = None) -> None:
    """Open the next approving step (passing file/notify steps on the way) or approve the request.

    ``waiting``: the request's waiting steps in order, when the caller has just created them."""
    now = timezone.now()
    if waiting is None:
        waiting = list(req.steps.select_related("request__person").filter(status=StepStatus.WAITING)
                       .order_by("order"))
    for step in waiting:
        if step.kind == StepKind.APPROVE:
            step.status = StepStatus.PENDING
            step.save(update_fields=["status"])
            _notify_step(step)
            _notify_applicant(req, f"您的请假已到“{step.label}”环节")
            return
        step.status, step.decided_at = StepStatus.DONE, now
        step.save(update_fields=["status", "decided_at"])
        _notify_step(step)
    req.status, req.decided_at = LeaveStatus.APPROVED, now
    req.save(update_fields=["status", "decided_at"])
    _notify_applicant(req, "您的请假已批准")


SUBMIT_KEY_TAKEN = "提交标识已被使用，请刷新页面后重新提交"


@transaction.atomic
def leave_submit(*, actor: Any, person: Person, kind: str, start: date | None, end: date | None,
                 reason: str, start_pm: bool = False, end_am: bool = False, leaves_county: bool = False,
                 handover: Person | None = None, override_reason: str = "", submit_key: str | None = None
                 ) -> LeaveRequest:
    """Submit a request: validate, compute and store the chain, open its first step."""
    if submit_key:
        existing = LeaveRequest.objects.filter(submit_key=submit_key, person=person).first()
        if existing:
            return existing
    person = Person.objects.select_for_update().get(pk=person.pk)  # one submission per person at a time
    on_behalf = getattr(actor, "person_id", None) != person.pk
    if on_behalf and not has_perm(actor, "leave.override", person.org_path):
        raise LeaveError(NOT_SELF)
    errors: dict[str, str] = {}
    if kind not in LeaveKind.values:
        errors["kind"] = KIND_INVALID
    if not (reason or "").strip():
        errors["reason"] = REASON_REQUIRED
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = REASON_TOO_LONG.format(n=REASON_MAX, m=len(reason.strip()))
    preview, policy, conflicts = _preview(person=person, start=start, end=end, start_pm=start_pm, end_am=end_am,
                                          leaves_county=leaves_county, handover=handover)
    errors.update(preview.errors)
    if errors:
        raise LeaveError(errors)
    assert start is not None and end is not None and preview.days is not None and policy is not None
    from ganbu.leave.queries import leave_overlapping

    clash = leave_overlapping(person_id=person.pk, start=start, end=end).first()
    if clash:
        raise LeaveError({"start": OVERLAP.format(start=clash.start, end=clash.end,
                                                  status=clash.get_status_display())})
    overridden_by = None
    if conflicts:
        if not (override_reason.strip() and on_behalf and policy.presence_overridable):
            raise LeaveRefused(policy.min_in_village, conflicts)
        overridden_by = actor
    req = LeaveRequest(
        person=person, applicant=actor if getattr(actor, "pk", None) else None, org_id=person.org_id,
        org_path=person.org_path, role=preview.role, kind=kind, start=start, start_pm=start_pm, end=end,
        end_am=end_am, days=preview.days, leaves_county=leaves_county, reason=reason.strip(), handover=handover,
        status=LeaveStatus.PENDING, policy_version_id=preview.policy_version_id, policy_ref=preview.policy_ref,
        chain=preview.steps, conflicts=[c.text() for c in conflicts],
        override_reason=override_reason.strip() if overridden_by else "", overridden_by=overridden_by,
        submit_key=submit_key or None, submitted_at=timezone.now(),
    )
    # Field checks only: the one table constraint (end not before start) is the rules' "end" error
    # above and the database's CHECK; Django would otherwise ask the database to evaluate it.
    req.full_clean(exclude=["org", "person", "handover", "policy_version", "applicant", "overridden_by",
                            "submit_key"],  # the unique index answers a racing or reused key below
                   validate_constraints=False)
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError:  # a second click raced in with the same key: answer with the first request
        existing = LeaveRequest.objects.filter(submit_key=submit_key, person=person).first() if submit_key else None
        if existing is None:  # another person's key, never their request
            raise LeaveError({"submit_key": SUBMIT_KEY_TAKEN}) from None
        return existing
    steps = ApprovalStep.objects.bulk_create([
        ApprovalStep(request=req, order=i + 1, kind=s["kind"], role=s["role"], org_id=s["org_id"],
                     org_path=s["org_path"], label=s["label"], why=s["why"])
        for i, s in enumerate(preview.steps)
    ])
    audit_record(actor=actor, action="leave.submit", object_type="leave", object_id=req.pk, org_path=req.org_path,
                 after=snapshot(req), reason=req.override_reason)
    _advance(req, steps)  # just created, all waiting, in order; each holds ``req`` (and its person)
    return req


@transaction.atomic
def leave_decide(*, actor: Any, step: ApprovalStep, approve: bool, comment: str = "",
                 override_reason: str = "") -> ApprovalStep:
    """Approve or reject one step. Locks the request, then compare-and-sets the step: one decision."""
    req = LeaveRequest.objects.select_for_update().get(pk=step.request_id)
    step = ApprovalStep.objects.select_for_update().select_related("request__person").get(pk=step.pk)
    if step.status != StepStatus.PENDING or req.status != LeaveStatus.PENDING:
        raise LeaveError(ALREADY_DECIDED)
    allowed, acting_for = _acting_for(actor, step)
    if not allowed:
        raise LeaveError(NOT_YOUR_STEP)
    if not approve and not comment.strip():
        raise LeaveError({"comment": COMMENT_REQUIRED})
    before = snapshot(req)
    if approve:
        policy: LeaveParams = policy_resolve("leave", req.org_path, req.start).params
        conflicts = _team_conflicts(policy, req.person, req.start, req.end, (LeaveStatus.APPROVED,),
                                    exclude_id=req.pk)
        if conflicts and not req.override_reason:
            if not (override_reason.strip() and policy.presence_overridable
                    and has_perm(actor, "leave.override", req.org_path)):
                raise LeaveRefused(policy.min_in_village, conflicts)
            req.override_reason, req.overridden_by = override_reason.strip(), actor
            req.conflicts = [c.text() for c in conflicts]
            req.save(update_fields=["override_reason", "overridden_by", "conflicts"])
    now = timezone.now()
    won = ApprovalStep.objects.filter(pk=step.pk, status=StepStatus.PENDING).update(
        status=StepStatus.APPROVED if approve else StepStatus.REJECTED, decided_by=actor, acting_for=acting_for,
        comment=comment.strip(), decided_at=now)
    if won != 1:
        raise LeaveError(ALREADY_DECIDED)
    step.refresh_from_db()
    if approve:
        _advance(req)
    else:
        req.steps.filter(status=StepStatus.WAITING).update(status=StepStatus.VOID)
        req.status, req.decided_at = LeaveStatus.REJECTED, now
        req.save(update_fields=["status", "decided_at"])
        _notify_applicant(req, f"您的请假未获批准（{step.label}）：{comment.strip()}")
    audit_record(actor=actor, action="leave.approve" if approve else "leave.reject", object_type="leave",
                 object_id=req.pk, org_path=req.org_path, before=before, after=snapshot(req),
                 reason=f"第{step.order}环节 {step.label}"
                        + (f"（代{acting_for}）" if acting_for else "") + (f"：{comment}" if comment else ""))
    return step


@transaction.atomic
def leave_withdraw(*, actor: Any, request: LeaveRequest) -> LeaveRequest:
    """The applicant withdraws a request still under approval."""
    req = LeaveRequest.objects.select_for_update().get(pk=request.pk)
    if getattr(actor, "person_id", None) != req.person_id:
        raise LeaveError(CANCEL_NOT_SELF)
    if req.status != LeaveStatus.PENDING:
        raise LeaveError(ALREADY_DECIDED)
    before = snapshot(req)
    req.status = LeaveStatus.WITHDRAWN
    req.save(update_fields=["status"])
    req.steps.filter(status__in=[StepStatus.WAITING, StepStatus.PENDING]).update(status=StepStatus.VOID)
    audit_record(actor=actor, action="leave.withdraw", object_type="leave", object_id=req.pk,
                 org_path=req.org_path, before=before, after=snapshot(req))
    return req


def _authority(req: LeaveRequest) -> ApprovalStep | None:
    """向谁请假备案，向谁销假 (LV-06): the authority that approved the leave (the last step that
    said yes); a filing step only where nobody approved (a chain of filings)."""
    steps = req.steps.exclude(kind=StepKind.NOTIFY)
    return (steps.filter(kind=StepKind.APPROVE, status=StepStatus.APPROVED).order_by("-order").first()
            or steps.filter(status=StepStatus.DONE).order_by("-order").first())


def _may_record_return(actor: Any, req: LeaveRequest) -> bool:
    """The cadre himself registers 销假; his township office (or an approver with the override)
    may record his return when he is back but has not registered (LV-07: closes the count)."""
    if getattr(actor, "person_id", None) == req.person_id:
        return True
    return has_perm(actor, "attendance.correct", req.org_path) or has_perm(actor, "leave.override", req.org_path)


@transaction.atomic
def leave_cancel(*, actor: Any, request: LeaveRequest, returned_on: date | None, note: str = "",
                 today: date | None = None) -> Cancellation:
    """销假 (LV-06): the cadre registers his return with the authority that approved (or his office
    records it). The return may be any day from the start to today: before the approved end it
    shortens the leave itself (dates, days); after it, the working days in between are an overstay
    (LV-07), and a late registration is flagged."""
    today = today or timezone.localdate()
    req = LeaveRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if not _may_record_return(actor, req):
        raise LeaveError(CANCEL_NOT_SELF)
    if req.status != LeaveStatus.APPROVED:
        raise LeaveError(CANCEL_NOT_APPROVED)
    if returned_on is None:
        raise LeaveError({"returned_on": RETURN_REQUIRED})
    if returned_on < req.start:
        raise LeaveError({"returned_on": RETURN_BEFORE_START})
    if returned_on > today:
        raise LeaveError({"returned_on": RETURN_IN_FUTURE})
    resolved = policy_resolve("leave", req.org_path, req.start)
    cal = work_calendar()
    deadline = rules.cancel_deadline(resolved.params, cal, req.end)
    overstay = len(rules.overstay_workdays(cal, req.end, returned_on))
    auth = _authority(req)
    before = snapshot(req)
    by_office = getattr(actor, "person_id", None) != req.person_id
    cancellation = Cancellation.objects.create(
        request=req, returned_on=returned_on, at=timezone.now(), by=actor, deadline=deadline,
        late=today > deadline, overstay_days=Decimal(overstay),
        authority_role=auth.role if auth else "", authority_org_path=auth.org_path if auth else "",
        note=note[:300], recorded_by_office=by_office,
    )
    fields = ["status"]
    if returned_on <= req.end:  # early return: the leave record itself is shortened
        req.approved_end, req.approved_days = req.end, req.days
        if returned_on == req.start:  # back on the first day: the leave was not taken
            req.end, req.end_am, req.days = req.start, False, Decimal(0)
        else:
            req.end, req.end_am = returned_on - timedelta(days=1), False
            req.days = rules.leave_days(req.start, req.end, start_pm=req.start_pm)
        fields += ["approved_end", "approved_days", "end", "end_am", "days"]
    req.status = LeaveStatus.CANCELLED
    req.save(update_fields=fields)
    audit_record(actor=actor, action="leave.cancel", object_type="leave", object_id=req.pk, org_path=req.org_path,
                 before=before, after={**snapshot(req), "returned_on": returned_on, "late": cancellation.late,
                                       "overstay_days": overstay, "recorded_by_office": by_office}, reason=note)
    if auth:
        users = [u for u, _ in step_actors(auth)]
        who = f"（{actor}登记）" if by_office else ""
        title = f"{req.person.name}销假{who}（{req.start}～{req.end}，{returned_on}返岗）请您确认"
        transaction.on_commit(lambda: notify(users=users, title=title, url=f"/leave/{req.pk}/", kind="leave",
                                             key=f"leave:{req.pk}:cancel"))
    leave_overstay_evaluate(today=today, request_ids=[req.pk])  # closes (or fixes) an open count
    return cancellation


@transaction.atomic
def leave_revoke(*, actor: Any, request: LeaveRequest, reason: str = "", today: date | None = None) -> LeaveRequest:
    """The applicant cancels an approved leave before it starts (LV-06); everyone who approved or
    took it on file is told in the app."""
    today = today or timezone.localdate()
    req = LeaveRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if getattr(actor, "person_id", None) != req.person_id:
        raise LeaveError(REVOKE_NOT_SELF)
    if req.status != LeaveStatus.APPROVED:
        raise LeaveError(REVOKE_NOT_APPROVED)
    if req.start <= today:
        raise LeaveError(REVOKE_STARTED.format(start=req.start))
    before = snapshot(req)
    req.status = LeaveStatus.REVOKED
    req.save(update_fields=["status"])
    audit_record(actor=actor, action="leave.revoke", object_type="leave", object_id=req.pk, org_path=req.org_path,
                 before=before, after=snapshot(req), reason=reason[:300])
    users: dict[int, User] = {}
    for step in req.steps.filter(status__in=[StepStatus.APPROVED, StepStatus.DONE]).select_related("request"):
        for u, _ in step_actors(step):
            users[u.pk] = u
    title = f"{req.person.name}已取消请假（{req.start}～{req.end}，{req.days_display}天），未休"
    targets = list(users.values())
    transaction.on_commit(lambda: notify(users=targets, title=title, body=reason[:300], url=f"/leave/{req.pk}/",
                                         kind="leave", key=f"leave:{req.pk}:revoke"))
    return req


@transaction.atomic
def leave_cancel_confirm(*, actor: Any, cancellation: Cancellation) -> Cancellation:
    """The approving authority (or its stand-in) confirms the 销假."""
    c = Cancellation.objects.select_for_update().select_related("request").get(pk=cancellation.pk)
    if c.approved_by_id:
        raise LeaveError(CANCEL_ALREADY_CONFIRMED)
    auth = c.request.steps.filter(role=c.authority_role, org_path=c.authority_org_path).order_by("-order").first()
    if auth is None or not _acting_for(actor, auth)[0]:
        raise LeaveError(NOT_YOUR_STEP)
    c.approved_by, c.approved_at = actor, timezone.now()
    c.save(update_fields=["approved_by", "approved_at"])
    audit_record(actor=actor, action="leave.cancel_confirm", object_type="leave", object_id=c.request_id,
                 org_path=c.request.org_path, after={"cancellation": c.pk, "approved_by": actor.pk})
    return c


# --- stand-ins (LV-09) ---------------------------------------------------------------------------

@transaction.atomic
def standin_name(*, actor: Any, stand_in: User | None, start: date | None, end: date | None,
                 reason: str = "") -> StandIn:
    """An approver who is away names who acts for him from ``start`` to ``end``."""
    errors = {}
    if stand_in is None:
        errors["stand_in"] = STANDIN_UNKNOWN
    elif stand_in.pk == actor.pk:
        errors["stand_in"] = STANDIN_SELF
    if start is None or end is None or end < start:
        errors["end"] = STANDIN_DATES
    if len(reason or "") > 200:
        errors["reason"] = f"事由最多 200 字（现有 {len(reason)} 字）"
    if errors:
        raise LeaveError(errors)
    si = StandIn.objects.create(user=actor, stand_in=stand_in, start=start, end=end, reason=reason)
    audit_record(actor=actor, action="standin.name", object_type="standin", object_id=si.pk,
                 after=snapshot(si), reason=reason)
    transaction.on_commit(lambda: notify(users=[stand_in], title=f"{actor}请您于{start}～{end}代理其审批",
                                         url="/leave/inbox/", kind="leave", key=f"standin:{si.pk}"))
    return si


# --- overstay and absenteeism (LV-07) ------------------------------------------------------------

SYSTEM_USERNAME = "ganbu-system"


def _system_user() -> User:
    """Nightly jobs publish as an inactive system account: a notice version must name its publisher."""
    user, _ = User.objects.get_or_create(username=SYSTEM_USERNAME,
                                         defaults={"display_name": "系统（自动通报）", "is_active": False})
    return user


def _county_circular(county_path: str, month: str) -> None:
    """Republish the county's absenteeism circular for a month with every LV-07 case in it: one
    entry per case, with its working days as they stand tonight (an open overstay keeps growing)."""
    from ganbu.cases.models import Case
    from ganbu.notices.models import NoticeKind
    from ganbu.notices.services import notice_publish

    county = Org.objects.filter(path=county_path).first()
    if county is None:
        return
    cases = Case.objects.filter(rule_id="LV-07", org_path__startswith=county_path, facts__month=month).order_by("id")
    entries = []
    refs = set()
    for case in cases:
        days = case.facts.get("days", case.facts.get("calendar_days"))
        if not days:  # re-evaluated to no absenteeism (returned in time after all)
            continue
        entries.append({"person": case.facts.get("person", ""), "title": case.title,
                        "from": case.facts.get("from") or (case.facts.get("dates") or [""])[0],
                        "to": case.facts.get("to") or (case.facts.get("dates") or [""])[-1],
                        "days": days, "open": bool(case.facts.get("open_ended")),
                        "measure": case.measure, "case": case.pk})
        refs.add(case.policy_ref)
    year, mon = month.split("-")
    notice_publish(actor=_system_user(), org=county, kind=NoticeKind.CIRCULAR, key=f"leave-absenteeism:{county_path}:{month}",
                   title=f"{county.name}{year}年{int(mon)}月驻村干部旷工通报",
                   content={"rule": "LV-07", "month": month, "entries": entries,
                            "note": "旷工按工作日计；超假未销假的，天数计至返岗前一个工作日"}, period=month,
                   policy_ref="；".join(sorted(r for r in refs if r)))


def findings_to_cases(findings: list[Any], *, circulate: bool, cleared: list[str] | None = None) -> int:
    """Open a case per finding (idempotent by key). A finding whose open case already exists
    updates it (an overstay still running adds its new working day); every new or changed case
    republishes the circular of its month. ``cleared``: keys of open cases re-evaluated to nothing."""
    from ganbu.cases.models import Case
    from ganbu.cases.services import case_open_from_finding, case_refresh_from_finding

    opened = 0
    months: set[tuple[str, str]] = set()
    for f in findings:
        _case, created = case_open_from_finding(finding=f)
        if created:
            opened += 1
        elif not case_refresh_from_finding(finding=f):
            continue
        months.add((f.org_path[:6], f.facts["month"]))
    for key in cleared or []:
        case = Case.objects.filter(key=key).exclude(status=Case.Status.CLOSED).first()
        if case is None or not case.facts.get("days"):
            continue
        facts = {**case.facts, "days": 0, "absent_workdays": [], "open_ended": False}
        title = f"{case.facts.get('person', '')}按期返岗，无超假（复核）"
        from ganbu.core.findings import Finding

        if case_refresh_from_finding(finding=Finding(rule_id=case.rule_id, key=key, title=title, measure=case.measure,
                                                     facts=facts, org_path=case.org_path)):
            months.add((case.org_path[:6], facts["month"]))
    if circulate:
        for county_path, month in sorted(months):
            _county_circular(county_path, month)
    return opened


def leave_overstay_evaluate(*, today: date | None = None, request_ids: list[int] | None = None) -> int:
    """LV-07, nightly and on every 销假: every approved leave past its 销假 deadline, every late
    return, and every open overstay case. An overstay still running gains the new working day
    (same case, facts and circular entry updated); the 销假 or an office record of return closes
    the count. Idempotent: nothing changes when nothing new happened. Returns cases opened."""
    from ganbu.cases.models import Case

    today = today or timezone.localdate()
    cal = work_calendar()
    open_ids = [int(k.rsplit(":", 1)[1]) for k in Case.objects.filter(
        rule_id="LV-07", key__startswith="LV-07:leave:").exclude(status=Case.Status.CLOSED).values_list("key", flat=True)]
    closed = set(Case.objects.filter(rule_id="LV-07", key__startswith="LV-07:leave:", status=Case.Status.CLOSED)
                 .values_list("key", flat=True))
    qs = LeaveRequest.objects.filter(
        Q(status=LeaveStatus.APPROVED, end__lt=today)
        | Q(status=LeaveStatus.CANCELLED, cancellation__overstay_days__gt=0) | Q(pk__in=open_ids)
    ).select_related("person", "cancellation")
    if request_ids is not None:
        qs = qs.filter(pk__in=request_ids)
    opened = 0
    for req in qs:
        key = f"LV-07:leave:{req.pk}"
        if key in closed:  # decided by a person: the count is no longer the system's to change
            continue
        try:
            resolved = policy_resolve("leave", req.org_path, req.start)
        except PolicyMissing:
            continue
        cancel = getattr(req, "cancellation", None) if req.status == LeaveStatus.CANCELLED else None
        facts = rules.LeaveFacts(request_id=req.pk, person_id=req.person_id, person_name=req.person.name,
                                 org_path=req.org_path, start=req.start, end=req.approved_end or req.end,
                                 returned_on=cancel.returned_on if cancel else None)
        found = rules.overstay_findings(resolved.params, cal, [facts], today=today,
                                        policy_version_id=resolved.version_id, policy_ref=resolved.ref)
        cleared = [key] if not found and req.pk in open_ids else []
        opened += findings_to_cases(found, circulate=resolved.params.circulate_county_wide, cleared=cleared)
    return opened


def leave_report_unexcused(*, actor: Any, person: Person, days_away: list[date]) -> int:
    """Working days a cadre was found away without leave (spot check, attendance day close) → LV-07
    cases and circular, one case per person and month; a later day of the same month is added to it."""
    if not days_away:
        return 0
    from ganbu.cases.models import Case

    resolved = policy_resolve("leave", person.org_path, min(days_away))
    from ganbu.leave.queries import approved_leave_spans

    months = {d.strftime("%Y-%m") for d in days_away}
    known: set[date] = set()
    for facts in Case.objects.filter(key__in=[f"LV-07:unexcused:{person.pk}:{m}" for m in months]).exclude(
            status=Case.Status.CLOSED).values_list("facts", flat=True):
        known |= {date.fromisoformat(d) for d in facts.get("dates", [])}
    if set(days_away) <= known:
        return 0  # already reported (day close run again)
    days_away = sorted(set(days_away) | known)
    covered = []
    for span in approved_leave_spans(start=min(days_away), end=max(days_away), person_ids=[person.pk]):
        d = span.start
        while d <= span.end:
            covered.append(d)
            d += timedelta(days=1)
    found = rules.unexcused_findings(resolved.params, work_calendar(), person_id=person.pk, person_name=person.name,
                                     org_path=person.org_path, days_away=days_away, leave_days_covered=covered,
                                     policy_version_id=resolved.version_id, policy_ref=resolved.ref)
    with transaction.atomic():
        audit_record(actor=actor, action="leave.unexcused", object_type="person", object_id=person.pk,
                     org_path=person.org_path, after={"days": [d.isoformat() for d in days_away]})
    return findings_to_cases(found, circulate=resolved.params.circulate_county_wide)
