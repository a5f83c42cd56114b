"""Every write of the stationing app: one transaction, one audit row, the access check, recusal.

Selection and adjustment (STN-03..06), the work diary (STN-11), obligations (STN-07/08/09/12/15/16,
MTG-03/04), the negative list and full-time rule (STN-10, STN-17), the village board (STN-13).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ganbu.core.access import has_perm, perm_paths
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.notify import notify, users_with_role
from ganbu.core.recusal import ensure_not_subject
from ganbu.org.models import STATIONED_TITLES, VILLAGE_KINDS, Org, OrgKind, Person, Post
from ganbu.stationing import rules
from ganbu.stationing.eligibility import person_eligibility, stationing_params
from ganbu.stationing.models import (
    DiaryEntry,
    NegativeItem,
    ObligationKind,
    ObligationRecord,
    Selection,
    StationRole,
)

E_NOT_VILLAGE = "派驻地须为村（社区）"
E_NOT_TARGET = "{village}不属于选派村类别（脱贫村、乡村振兴重点村、集体经济薄弱村、党组织软弱涣散村）"
E_NOT_UNIT = "请选择派出单位"
E_NO_RIGHT = "您不是该派出单位或县委组织部的经办人，不能提出人选"
E_OUTGOING = "请选择被调整的驻村干部（须为该村在任的驻村第一书记或工作队员）"
E_REASON = "请选择调整事由"
E_STATUS = "该事项当前状态为「{status}」，不能办理此步骤"
E_APPROVAL_REF = "请填写县委书面批复文号"
E_APPROVAL_DATE = "书面批复日期不能晚于今天"
E_REPORT_BEFORE = "报到日期不能早于书面批复日期"
E_FUTURE = "不能填写今天以后的日期"
E_DIARY_FUTURE = "日记日期不能晚于今天：只能记已经做过的工作"
E_DIARY_DUP = "{date} 的工作日记已经写过，一天只记一篇"
E_DIARY_NOT_STATIONED = "您当天不是驻村工作队成员，无需填写驻村工作日记"
E_DIARY_EMPTY = "请填写当日工作情况"
E_PRIVATE_PHONE = "公示栏只能公布工作电话：{phone} 是本人私人手机号，不能公示"
E_PHONE = "工作电话格式不正确（7～20位数字，可含“-”）"
E_NEG_STATUS = "负面清单事项当前为「{status}」，不能办理此步骤"
E_NEG_EVIDENCE = "销号须填写整改情况和佐证"
E_NEG_PROBLEM = "请填写问题"
E_OBL_FIELDS = "请填写日期、参加人员和佐证"
E_AWARD = "请选择表彰类别"
E_TRAINING_DAYS = "培训须填写天数"


def _today() -> date:
    return timezone.localdate()


def unit_paths(user: Any) -> list[str]:
    """Dispatch units (and departments) the user speaks for: grants beside the tree."""
    return [p for p in perm_paths(user, "stationing.view") if p and not p[-4:].isdigit()]


def may_propose(user: Any, unit: Org) -> bool:
    return has_perm(user, "stationing.manage", unit.path) or any(unit.path.startswith(p) for p in unit_paths(user))


def _county_users(path: str) -> list[Any]:
    return users_with_role("county_org", path[:6])


def _person_users(person_id: int | None) -> list[Any]:
    from ganbu.org.models import User

    return list(User.objects.filter(person_id=person_id, is_active=True)) if person_id else []


def _later(fn: Any) -> None:
    transaction.on_commit(fn)


# --- selection and adjustment (STN-03..06) --------------------------------------------------------


@transaction.atomic
def selection_propose(*, actor: Any, kind: str, village: Org, unit: Org, candidate: Person, role: str,
                      term_start: date, term_end: date | None = None, outgoing: Post | None = None,
                      reason: str = "", note: str = "") -> Selection:
    """A dispatch unit proposes a candidate (new stationing) or a replacement (adjustment).

    The eligibility check runs now and its reasons are kept on the proposal for the reviewers."""
    if not may_propose(actor, unit):
        raise PermissionDenied(E_NO_RIGHT)
    ensure_not_subject(actor, candidate)
    params, ref = stationing_params(village.path, term_start)
    errors: dict[str, str] = {}
    if village.kind not in VILLAGE_KINDS:
        errors["village"] = E_NOT_VILLAGE
    elif kind == Selection.Kind.NEW and not rules.stn_03_village_qualifies(params, village.categories or []):
        errors["village"] = E_NOT_TARGET.format(village=village.name)
    if unit.kind not in (OrgKind.DISPATCH_UNIT, OrgKind.DEPARTMENT):
        errors["unit"] = E_NOT_UNIT
    if role not in StationRole.values:
        errors["role"] = "请选择拟任职务"
    if kind == Selection.Kind.REPLACE:
        if outgoing is None or outgoing.org_id != village.pk or outgoing.title not in STATIONED_TITLES or (
                outgoing.end is not None and outgoing.end < term_start):
            errors["outgoing"] = E_OUTGOING
        elif reason not in params.adjustment_reasons:
            errors["reason"] = E_REASON
        else:
            role = outgoing.title
    term_end = term_end or rules.stn_05_term_end(params, term_start)
    err = rules.stn_05_term_error(params, term_start, term_end)
    if err:
        errors["term_end"] = err
    if errors:
        raise ValidationError(errors)
    result, _ = person_eligibility(candidate, role, village.path, term_start)
    sel = Selection(kind=kind, village=village, org_path=village.path, unit=unit, candidate=candidate, role=role,
                    outgoing=outgoing if kind == Selection.Kind.REPLACE else None, reason=reason, note=note[:500],
                    term_start=term_start, term_end=term_end, reasons=list(result.reasons), proposed_by=actor,
                    policy_ref=ref)
    sel.full_clean()
    sel.save()
    audit_record(actor=actor, action="stationing.propose", object_type="selection", object_id=sel.pk,
                 org_path=village.path, after=snapshot(sel))
    step = "审查" if kind == Selection.Kind.REPLACE else "审批"
    targets = _county_users(village.path)
    _later(lambda: notify(users=targets, title=f"待{step}：{unit.name}推荐{candidate.name}驻{village.name}",
                          url=f"/stationing/selections/{sel.pk}/", kind="stationing", key=f"sel:{sel.pk}:proposed"))
    return sel


def _lock(selection: Selection) -> Selection:
    return (Selection.objects.select_for_update(of=("self",))
            .select_related("village", "unit", "candidate", "outgoing__person").get(pk=selection.pk))


def _county_check(actor: Any, sel: Selection) -> None:
    if not has_perm(actor, "stationing.manage", sel.org_path[:6]):
        raise PermissionDenied("只有县委组织部可以审查、审批驻村人选")
    subjects = [sel.candidate_id] + ([sel.outgoing.person_id] if sel.outgoing_id else [])
    ensure_not_subject(actor, subjects)


@transaction.atomic
def selection_review(*, actor: Any, selection: Selection, agree: bool, note: str = "") -> Selection:
    """The organisation department reviews an adjustment (一事一议) before the county decides."""
    sel = _lock(selection)
    _county_check(actor, sel)
    if sel.kind != Selection.Kind.REPLACE or sel.status != Selection.Status.PROPOSED:
        raise ValidationError({"status": E_STATUS.format(status=sel.get_status_display())})
    before = snapshot(sel)
    sel.status = Selection.Status.REVIEWED if agree else Selection.Status.REJECTED
    sel.reviewed_by, sel.reviewed_at, sel.review_note = actor, timezone.now(), note[:300]
    sel.save()
    audit_record(actor=actor, action="stationing.review", object_type="selection", object_id=sel.pk,
                 org_path=sel.org_path, before=before, after=snapshot(sel), reason=note)
    if agree:
        targets = [u for u in _county_users(sel.org_path) if u.pk != getattr(actor, "pk", None)] or \
            _county_users(sel.org_path)
        _later(lambda: notify(users=targets, title=f"待审批：{sel.candidate.name}接任{sel.village.name}驻村干部",
                              url=f"/stationing/selections/{sel.pk}/", kind="stationing",
                              key=f"sel:{sel.pk}:reviewed"))
    return sel


@transaction.atomic
def selection_approve(*, actor: Any, selection: Selection, approved_on: date, approval_ref: str,
                      override_reason: str = "", safety_duty: str = "") -> Selection:
    """The county approves in writing. A new stationing starts the post now; a replacement must report
    within N days (STN-05). An ineligible candidate is refused with every reason unless overridden."""
    from ganbu.org.services import post_start

    sel = _lock(selection)
    _county_check(actor, sel)
    ready = Selection.Status.REVIEWED if sel.kind == Selection.Kind.REPLACE else Selection.Status.PROPOSED
    if sel.status != ready:
        raise ValidationError({"status": E_STATUS.format(status=sel.get_status_display())})
    if not approval_ref.strip():
        raise ValidationError({"approval_ref": E_APPROVAL_REF})
    if approved_on > _today():
        raise ValidationError({"approved_on": E_APPROVAL_DATE})
    params, ref = stationing_params(sel.org_path, approved_on)
    before = snapshot(sel)
    sel.approved_by, sel.approved_on, sel.approval_ref = actor, approved_on, approval_ref.strip()[:100]
    sel.override_reason = override_reason.strip()[:300]
    duty = safety_duty or "负责驻村期间本人及工作队安全，落实安全教育"
    if sel.kind == Selection.Kind.NEW:
        sel.post = post_start(actor=actor, person=sel.candidate, org=sel.village, title=sel.role,
                              start=max(sel.term_start, approved_on), end=None, safety_duty=duty,
                              dispatch_unit=sel.unit, eligibility_override=sel.override_reason)
        sel.status = Selection.Status.REPORTED
        sel.reported_on = sel.post.start
    else:
        result, _ = person_eligibility(sel.candidate, sel.role, sel.org_path, approved_on)
        if not result.eligible and not sel.override_reason:
            from ganbu.stationing.eligibility import E_INELIGIBLE

            raise ValidationError({"candidate": E_INELIGIBLE.format(reasons="；".join(result.reasons))})
        sel.status = Selection.Status.APPROVED
        sel.report_due = rules.stn_05_report_deadline(params, approved_on)
    sel.policy_ref = ref
    sel.save()
    audit_record(actor=actor, action="stationing.approve", object_type="selection", object_id=sel.pk,
                 org_path=sel.org_path, before=before, after=snapshot(sel), reason=sel.override_reason)
    targets = (_person_users(sel.candidate_id) + users_with_role("dispatch_leader", sel.unit.path)
               + users_with_role("township_secretary", sel.org_path[:9]))
    if sel.kind == Selection.Kind.REPLACE:
        title = f"县委已书面批复：{sel.candidate.name}须于{sel.report_due}前到{sel.village.name}报到"
    else:
        title = f"县委已批准：{sel.candidate.name}任{sel.village.name}{sel.get_role_display()}"
    _later(lambda: notify(users=targets, title=title, url=f"/stationing/selections/{sel.pk}/", kind="stationing",
                          key=f"sel:{sel.pk}:approved"))
    return sel


@transaction.atomic
def selection_reject(*, actor: Any, selection: Selection, note: str) -> Selection:
    sel = _lock(selection)
    _county_check(actor, sel)
    if sel.status not in (Selection.Status.PROPOSED, Selection.Status.REVIEWED):
        raise ValidationError({"status": E_STATUS.format(status=sel.get_status_display())})
    before = snapshot(sel)
    sel.status, sel.review_note = Selection.Status.REJECTED, note[:300]
    sel.save()
    audit_record(actor=actor, action="stationing.reject", object_type="selection", object_id=sel.pk,
                 org_path=sel.org_path, before=before, after=snapshot(sel), reason=note)
    return sel


def report_late_finding(sel: Selection, on: date) -> Any:
    from ganbu.core.findings import Finding

    return Finding(rule_id="STN-05", key=f"STN-05:report:{sel.pk}",
                   title=f"{sel.candidate.name}未在书面批复后规定期限内到{sel.village.name}报到",
                   measure="提醒谈话", facts={"approved_on": sel.approved_on.isoformat() if sel.approved_on else None,
                                           "due": sel.report_due.isoformat() if sel.report_due else None,
                                           "reported_on": sel.reported_on.isoformat() if sel.reported_on else None,
                                           "checked_on": on.isoformat()},
                   subject_person_id=sel.candidate_id, org_path=sel.org_path, due=sel.report_due,
                   policy_ref=sel.policy_ref, acting_role="county_org")


@transaction.atomic
def selection_report(*, actor: Any, selection: Selection, on: date) -> Selection:
    """The replacement reports to the village: his post starts, the half-month handover begins with both
    posted (STN-06); reporting after the deadline is flagged and opens a case (STN-05)."""
    from ganbu.cases.services import case_open_from_finding
    from ganbu.org.services import post_start

    sel = _lock(selection)
    if not (has_perm(actor, "stationing.manage", sel.org_path) or has_perm(actor, "attendance.correct", sel.org_path)
            or getattr(actor, "person_id", None) == sel.candidate_id):
        raise PermissionDenied("只有本人、乡镇党委或县委组织部可以登记报到")
    if sel.kind != Selection.Kind.REPLACE or sel.status != Selection.Status.APPROVED:
        raise ValidationError({"status": E_STATUS.format(status=sel.get_status_display())})
    if on > _today():
        raise ValidationError({"on": E_FUTURE})
    if sel.approved_on and on < sel.approved_on:
        raise ValidationError({"on": E_REPORT_BEFORE})
    params, _ = stationing_params(sel.org_path, on)
    before = snapshot(sel)
    sel.post = post_start(actor=actor, person=sel.candidate, org=sel.village, title=sel.role, start=on,
                          safety_duty="负责驻村期间本人及工作队安全，落实安全教育", dispatch_unit=sel.unit,
                          eligibility_override=sel.override_reason, handover_of=sel.outgoing)
    sel.reported_on = on
    sel.reported_late = rules.stn_05_reported_late(params, sel.approved_on or on, on)
    sel.handover_start, sel.handover_end = rules.stn_06_handover(params, on)
    sel.status = Selection.Status.REPORTED
    sel.save()
    audit_record(actor=actor, action="stationing.report", object_type="selection", object_id=sel.pk,
                 org_path=sel.org_path, before=before, after=snapshot(sel))
    if sel.reported_late:
        case_open_from_finding(finding=report_late_finding(sel, on), actor=actor)
    targets = users_with_role("township_secretary", sel.org_path[:9]) + _person_users(sel.outgoing.person_id)
    _later(lambda: notify(users=targets, title=f"{sel.candidate.name}已报到，过渡期至{sel.handover_end}",
                          url=f"/stationing/selections/{sel.pk}/", kind="stationing", key=f"sel:{sel.pk}:reported"))
    return sel


# --- the work diary (STN-11) -----------------------------------------------------------------------


def stationed_post_on(person_id: int, on: date) -> Post | None:
    from django.db.models import Q

    return (Post.objects.filter(person_id=person_id, title__in=list(STATIONED_TITLES), start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on)).select_related("org").first())


@transaction.atomic
def diary_write(*, actor: Any, on: date, work: str, households: str = "") -> DiaryEntry:
    """A stationed cadre writes the day's diary: one per day, never for a day still to come."""
    person_id = getattr(actor, "person_id", None)
    if on > _today():
        raise ValidationError({"date": E_DIARY_FUTURE})
    if not work.strip():
        raise ValidationError({"work": E_DIARY_EMPTY})
    post = stationed_post_on(person_id, on) if person_id else None
    if post is None:
        raise ValidationError({"date": E_DIARY_NOT_STATIONED})
    if DiaryEntry.objects.filter(person_id=person_id, date=on).exists():
        raise ValidationError({"date": E_DIARY_DUP.format(date=on)})
    try:
        with transaction.atomic():
            entry = DiaryEntry.objects.create(person_id=person_id, org_path=post.org.path, date=on,
                                              work=work.strip()[:2000], households=households.strip()[:500])
    except IntegrityError:
        raise ValidationError({"date": E_DIARY_DUP.format(date=on)}) from None
    audit_record(actor=actor, action="diary.write", object_type="diary", object_id=entry.pk,
                 org_path=entry.org_path, after=snapshot(entry))
    return entry


# --- obligations (STN-07/08/09/12/15/16, MTG-03/04) -------------------------------------------------


def _may_record(actor: Any, kind: str, person: Person, path: str) -> bool:
    if has_perm(actor, "stationing.manage", path) or has_perm(actor, "meeting.manage", path):
        return True
    unit_ids = set(Post.objects.filter(person=person, title__in=list(STATIONED_TITLES))
                   .values_list("dispatch_unit__path", flat=True))
    if any(u and any(u.startswith(p) for p in unit_paths(actor)) for u in unit_ids):
        return True
    own = kind in {ObligationKind.REPORT_TO_UNIT, ObligationKind.WORK_MEETING, ObligationKind.RESEARCH_REPORT,
                   ObligationKind.ANNUAL_PLAN, ObligationKind.GRADE_PROPOSAL, ObligationKind.INCIDENT}
    return own and (getattr(actor, "person_id", None) == person.pk or has_perm(actor, "leave.approve", path)
                    and has_perm(actor, "stationing.view", path))


@transaction.atomic
def obligation_record(*, actor: Any, kind: str, person: Person, on: date, people: str, evidence: str,
                      detail: str = "", days: int | None = None) -> ObligationRecord:
    """Record an obligation done (date, people, evidence). A serious incident reaches the county the same day."""
    post = stationed_post_on(person.pk, on) or Post.objects.filter(
        person=person, title__in=list(STATIONED_TITLES)).select_related("org").order_by("-start").first()
    if post is None:
        raise ValidationError({"person": "该干部不是驻村干部"})
    path = post.org.path
    if not _may_record(actor, kind, person, path):
        raise PermissionDenied("您无权登记该事项")
    if kind not in ObligationKind.values:
        raise ValidationError({"kind": "请选择事项"})
    if on > _today():
        raise ValidationError({"date": E_FUTURE})
    if not people.strip() or not evidence.strip():
        raise ValidationError({"evidence": E_OBL_FIELDS})
    params, _ = stationing_params(path, on)
    if kind == ObligationKind.AWARD and detail not in params.award_categories:
        raise ValidationError({"detail": E_AWARD})
    if kind == ObligationKind.INCIDENT and detail not in params.immediate_incidents:
        raise ValidationError({"detail": "请选择重大情况类别"})
    if kind == ObligationKind.COUNTY_TRAINING and not days:
        raise ValidationError({"days": E_TRAINING_DAYS})
    if kind in (ObligationKind.AWARD, ObligationKind.GRADE_PROPOSAL):
        ensure_not_subject(actor, person)
    rec = ObligationRecord.objects.create(kind=kind, person=person, org_path=path, date=on, people=people[:300],
                                          evidence=evidence[:500], detail=detail[:200], days=days,
                                          recorded_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="obligation.record", object_type="obligation", object_id=rec.pk,
                 org_path=path, after=snapshot(rec))
    if kind == ObligationKind.INCIDENT:
        targets = _county_users(path) + users_with_role("county_rural", path[:6]) + users_with_role(
            "township_secretary", path[:9])
        _later(lambda: notify(users=targets, title=f"重大情况报告（{detail}）：{person.name}，{post.org.name}",
                              body=evidence[:200], url=f"/stationing/cadre/{person.pk}/", kind="incident",
                              key=f"incident:{rec.pk}"))
    return rec


# --- negative list (STN-10) and full-time rule (STN-17) --------------------------------------------


@transaction.atomic
def negative_report(*, actor: Any, problem: str, org_path: str, unit: Org | None = None,
                    person: Person | None = None, source: str = "乡镇党委上报", on: date | None = None
                    ) -> NegativeItem:
    if not problem.strip():
        raise ValidationError({"problem": E_NEG_PROBLEM})
    if actor is not None and not (has_perm(actor, "stationing.manage", org_path)
                                  or has_perm(actor, "cases.act", org_path)):
        raise PermissionDenied("您无权上报负面清单")
    item = NegativeItem.objects.create(problem=problem.strip()[:500], org_path=org_path, unit=unit, person=person,
                                       source=source[:50], reported_by=actor if getattr(actor, "pk", None) else None,
                                       reported_on=on or _today())
    audit_record(actor=actor, action="negative.report", object_type="negative_item", object_id=item.pk,
                 org_path=org_path, after=snapshot(item))
    targets = _county_users(org_path)
    _later(lambda: notify(users=targets, title=f"负面清单待核查：{item.problem[:30]}", url="/stationing/negative/",
                          kind="stationing", key=f"neg:{item.pk}:reported"))
    return item


NEG_NEXT = {NegativeItem.Status.REPORTED: NegativeItem.Status.VERIFIED,
            NegativeItem.Status.VERIFIED: NegativeItem.Status.CIRCULATED,
            NegativeItem.Status.CIRCULATED: NegativeItem.Status.CLOSED}


@transaction.atomic
def negative_advance(*, actor: Any, item: NegativeItem, rectification: str = "") -> NegativeItem:
    """Verified by the organisation department, circulated, then closed with the rectification evidence."""
    item = NegativeItem.objects.select_for_update().get(pk=item.pk)
    if not has_perm(actor, "stationing.manage", item.org_path[:6]):
        raise PermissionDenied("只有县委组织部可以核查、通报、销号")
    if item.person_id:
        ensure_not_subject(actor, item.person_id)
    nxt = NEG_NEXT.get(item.status)
    if nxt is None:
        raise ValidationError({"status": E_NEG_STATUS.format(status=item.get_status_display())})
    if nxt == NegativeItem.Status.CLOSED and not rectification.strip():
        raise ValidationError({"rectification": E_NEG_EVIDENCE})
    before = snapshot(item)
    today = _today()
    item.status = nxt
    if nxt == NegativeItem.Status.VERIFIED:
        item.verified_on = today
    elif nxt == NegativeItem.Status.CIRCULATED:
        item.circulated_on = today
    else:
        item.closed_on, item.rectification = today, rectification.strip()[:500]
    item.save()
    audit_record(actor=actor, action="negative.advance", object_type="negative_item", object_id=item.pk,
                 org_path=item.org_path, before=before, after=snapshot(item))
    return item


def assignment_request(*, actor: Any, person: Person, unit: Org, what: str, detail: str = "") -> str:
    """STN-17: a unit asks to give a stationed cadre other duties, second or borrow him. Always refused while
    the policy says full time; the request is recorded on the negative list. Returns the refusal."""
    post = stationed_post_on(person.pk, _today())
    if post is None:
        raise ValidationError({"person": "该干部当前不是驻村干部"})
    params, _ = stationing_params(post.org.path, _today())
    if what not in params.forbidden_duties:
        raise ValidationError({"what": "请选择安排类别"})
    refusal = rules.stn_17_assignment_refusal(params, what)
    if refusal is None:
        return ""
    negative_report(actor=None, problem=f"{unit.name}申请对驻村干部{person.name}{what}：{detail}".strip("：")[:500],
                    org_path=post.org.path, unit=unit, person=person, source="驻村脱产规定拦截")
    audit_record(actor=actor, action="stationing.assignment_refused", object_type="person", object_id=person.pk,
                 org_path=post.org.path, after={"what": what, "detail": detail, "unit": unit.pk}, reason=refusal)
    return refusal


# --- village board (STN-13) ------------------------------------------------------------------------


@transaction.atomic
def board_phone_set(*, actor: Any, person: Person, work_phone: str) -> Person:
    """The work phone shown on the village board; a private mobile number is refused (STN-13)."""
    import re

    from ganbu.org.services import person_update

    phone = work_phone.strip()
    post = stationed_post_on(person.pk, _today())
    path = post.org.path if post else person.org_path
    if not (has_perm(actor, "stationing.manage", path) or has_perm(actor, "person.manage", path)):
        raise PermissionDenied("您无权修改公示信息")
    if not re.fullmatch(r"[0-9][0-9-]{6,19}", phone):
        raise ValidationError({"work_phone": E_PHONE})
    params, _ = stationing_params(path, _today())
    private = re.sub(r"\D", "", person.phone or "")
    if params.board_work_phone_only and private and re.sub(r"\D", "", phone) == private:
        raise ValidationError({"work_phone": E_PRIVATE_PHONE.format(phone=phone)})
    return person_update(actor=actor, person=person, reason="驻村公示栏工作电话", work_phone=phone)


# --- nightly evaluation: diaries (STN-11) and the obligations calendar ---------------------------------


def _role_users(roles: set[str]) -> dict[tuple[str, str], list[Any]]:
    """(role, org path) → users, for every grant of these roles: one query."""
    from ganbu.org.models import RoleGrant

    out: dict[tuple[str, str], list[Any]] = {}
    for g in RoleGrant.objects.filter(role__in=list(roles), user__is_active=True).select_related("user", "org"):
        out.setdefault((g.role, g.org.path), []).append(g.user)
    return out


def _notify_bulk(items: list[tuple[Any, str, str, str, str]]) -> int:
    """(user, title, url, kind, key) → inbox rows not sent before: one read, one bulk insert."""
    from ganbu.core.models import Notification

    if not items:
        return 0
    keys = {i[4] for i in items}
    seen = set(Notification.objects.filter(key__in=keys).values_list("user_id", "key"))
    new = []
    for user, title, url, kind, key in items:
        if user is None or (user.pk, key) in seen:
            continue
        seen.add((user.pk, key))
        new.append(Notification(user=user, title=title[:200], url=url, kind=kind, key=key))
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def diary_evaluate(*, on: date) -> int:
    """STN-11 each night: a diary on a leave day, or a present day without a diary, is flagged to the first
    secretary and the township (inbox). Idempotent: a day is flagged once."""
    from django.db.models import Q

    from ganbu.org.models import User
    from ganbu.stationing.models import DiaryFlag
    from ganbu.stationing.queries import diary_facts

    posts = list(Post.objects.filter(title__in=list(STATIONED_TITLES), start__lte=on)
                 .filter(Q(end__isnull=True) | Q(end__gte=on)).select_related("org", "person"))
    if not posts:
        return 0
    ids = [p.person_id for p in posts]
    diary, leave, present = diary_facts(ids, on, on)
    flags = []
    for p in posts:
        for d, why in rules.stn_11_diary_flags(diary[p.person_id], leave[p.person_id], present[p.person_id]):
            flags.append(DiaryFlag(person_id=p.person_id, org_path=p.org.path, date=d, reason=why))
    if not flags:
        return 0
    existing = set(DiaryFlag.objects.filter(person_id__in=ids, date=on).values_list("person_id", "reason"))
    flags = [f for f in flags if (f.person_id, f.reason) not in existing]
    DiaryFlag.objects.bulk_create(flags, ignore_conflicts=True)
    grants = _role_users({"first_secretary", "township_secretary", "township_office"})
    names = {p.person_id: p.person.name for p in posts}
    selves = {u.person_id: u for u in User.objects.filter(person_id__in=[f.person_id for f in flags])}
    items = []
    for f in flags:
        title = f"工作日记异常：{names[f.person_id]} {f.date:%m月%d日}{f.reason}"
        key = f"diary:{f.person_id}:{f.date:%Y-%m-%d}:{f.reason[:12]}"
        targets = (grants.get(("first_secretary", f.org_path), []) + grants.get(("township_secretary",
                                                                                 f.org_path[:9]), [])
                   + grants.get(("township_office", f.org_path[:9]), []) + [selves.get(f.person_id)])
        items += [(u, title, "/stationing/diary/flags/", "diary", key) for u in targets]
    _notify_bulk(items)
    return len(flags)


def obligations_evaluate(*, on: date) -> dict[str, int]:
    """Each night: an overdue obligation notifies whoever answers for it; after the policy's grace it opens a
    case (DSC-01). A replacement who has not reported by his deadline opens a case (STN-05). The number of
    queries does not grow with the number of cadres once the notices and cases exist."""
    from django.db.models import Q

    from ganbu.cases.models import Case
    from ganbu.cases.services import case_open_from_finding
    from ganbu.core.findings import Finding
    from ganbu.org.models import User
    from ganbu.stationing.queries import _Params, cadre_rows

    posts = Post.objects.filter(title__in=list(STATIONED_TITLES), start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on))
    rows = cadre_rows(posts, on)
    grants = _role_users({"township_secretary", "dispatch_leader", "county_org"})
    selves = {u.person_id: u for u in User.objects.filter(person_id__in=[r.post.person_id for r in rows])}
    params = _Params(on)
    items, findings = [], []
    for r in rows:
        p = r.post
        pol = params[p.org.path[:9]]
        for d in r.overdue:
            holders = {"self": [selves.get(p.person_id)],
                       "township_secretary": grants.get(("township_secretary", p.org.path[:9]), []),
                       "dispatch_leader": grants.get(("dispatch_leader", p.dispatch_unit.path), [])
                       if p.dispatch_unit_id else [],
                       "county_org": grants.get(("county_org", p.org.path[:6]), [])}[d.responsible]
            key = f"obl:{p.person_id}:{d.kind}:{d.start:%Y%m%d}:{d.due:%Y%m%d}"
            label = ObligationKind(d.kind).label
            title = f"驻村履职事项逾期：{p.person.name}（{p.org.name}）{d.period}{label}，应于{d.due}前完成"
            items += [(u, title, f"/stationing/cadre/{p.person_id}/", "obligation", key) for u in holders]
            if on > rules.obligation_case_due(pol, d):
                findings.append(Finding(rule_id=d.rule_id, key=f"{d.rule_id}:{key}", title=title,
                                        measure="提醒谈话", facts={"period": d.period, "due": d.due.isoformat()},
                                        subject_person_id=p.person_id, org_path=p.org.path, due=d.due,
                                        acting_role="county_org" if d.responsible == "self" else d.responsible))
    late = list(Selection.objects.filter(status=Selection.Status.APPROVED, report_due__lt=on)
                .select_related("candidate", "village"))
    findings += [report_late_finding(s, on) for s in late]
    sent = _notify_bulk(items)
    known = set(Case.objects.filter(key__in=[f.key for f in findings]).values_list("key", flat=True))
    opened = 0
    for f in findings:
        if f.key not in known:
            case_open_from_finding(finding=f)
            opened += 1
    return {"cadres": len(rows), "notices": sent, "cases": opened}


# --- allowances (STN-14) -----------------------------------------------------------------------------


@transaction.atomic
def reimbursement_record(*, actor: Any, person: Person, kind: str, on: date, amount: Any, note: str) -> Any:
    """Record a necessities reimbursement (once, capped) or a work-fund expense for a stationed cadre."""
    from decimal import Decimal, InvalidOperation

    from django.db.models import Sum

    from ganbu.stationing.models import Reimbursement

    post = stationed_post_on(person.pk, on)
    if post is None:
        raise ValidationError({"person": "该干部当天不是驻村干部"})
    if not (has_perm(actor, "stationing.manage", post.org.path) or (
            post.dispatch_unit_id and any(post.dispatch_unit.path.startswith(p) for p in unit_paths(actor)))):
        raise PermissionDenied("只有派出单位或县委组织部可以登记经费")
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": "金额格式不正确"}) from None
    if value <= 0:
        raise ValidationError({"amount": "金额须大于0"})
    if kind not in Reimbursement.Kind.values:
        raise ValidationError({"kind": "请选择类别"})
    if not note.strip():
        raise ValidationError({"note": "请填写事由或票据"})
    params, ref = stationing_params(post.org.path, on)
    if kind == Reimbursement.Kind.NECESSITIES:
        Person.objects.select_for_update().filter(pk=person.pk).first()
        already = Reimbursement.objects.filter(person=person, kind=kind).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        err = rules.stn_14_necessities_error(params, value, already)
        if err:
            raise ValidationError({"amount": err})
    rec = Reimbursement.objects.create(kind=kind, person=person, org_path=post.org.path, date=on, amount=value,
                                       note=note.strip()[:200], policy_ref=ref,
                                       recorded_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="reimbursement.record", object_type="reimbursement", object_id=rec.pk,
                 org_path=post.org.path, after=snapshot(rec))
    return rec


# --- tasks the county and township assign (STN-17) --------------------------------------------------

E_TASK_TITLE = "请填写任务内容"
E_TASK_DUE = "完成期限不能早于今天"
E_TASK_RIGHT = "只有县委组织部或所在乡镇党委可以给驻村干部交办任务"
E_TASK_NOT_STATIONED = "该干部当前不是驻村干部"
E_TASK_STATUS = "该任务当前为「{status}」，不能办理此步骤"
E_TASK_REPORT = "请填写完成情况并上传佐证材料"
E_TASK_NOT_MINE = "只有承办任务的驻村干部本人可以报告完成"
E_TASK_CONFIRM = "只有交办人可以确认办结"


def task_may_assign(actor: Any, path: str) -> bool:
    """The county (organisation department) or the township party committee over the village."""
    return has_perm(actor, "stationing.manage", path) or has_perm(actor, "cases.act", path)


@transaction.atomic
def task_assign(*, actor: Any, person: Person, title: str, due: date, detail: str = "") -> Any:
    """STN-17: the county or township gives a stationed cadre a task with a due date; he is told in his inbox."""
    from ganbu.stationing.models import AssignedTask

    post = stationed_post_on(person.pk, _today())
    if post is None:
        raise ValidationError({"person": E_TASK_NOT_STATIONED})
    if not task_may_assign(actor, post.org.path):
        raise PermissionDenied(E_TASK_RIGHT)
    if not title.strip():
        raise ValidationError({"title": E_TASK_TITLE})
    if due < _today():
        raise ValidationError({"due": E_TASK_DUE})
    township = Org.objects.filter(path=post.org.path[:9]).first()
    by = "县委组织部" if has_perm(actor, "stationing.manage", post.org.path) else (
        f"{township.name}党委" if township else "乡镇党委")
    task = AssignedTask.objects.create(person=person, org_path=post.org.path, title=title.strip()[:100],
                                       detail=detail.strip()[:500], due=due, assigned_by=actor,
                                       assigner_org=by[:50])
    audit_record(actor=actor, action="task.assign", object_type="assigned_task", object_id=task.pk,
                 org_path=task.org_path, after=snapshot(task))
    targets = _person_users(person.pk)
    _later(lambda: notify(users=targets, title=f"交办任务：{task.title}，请于{task.due}前完成",
                          url=f"/stationing/tasks/{task.pk}/", kind="stationing", key=f"task:{task.pk}:assigned"))
    return task


@transaction.atomic
def task_report(*, actor: Any, task: Any, report: str, upload: Any) -> Any:
    """STN-17: the cadre reports the task done, with what was done and an evidence file."""
    from ganbu.core.attachments import attachment_store
    from ganbu.stationing.models import AssignedTask

    task = AssignedTask.objects.select_for_update().get(pk=task.pk)
    if getattr(actor, "person_id", None) != task.person_id:
        raise PermissionDenied(E_TASK_NOT_MINE)
    if task.status != AssignedTask.Status.OPEN:
        raise ValidationError({"status": E_TASK_STATUS.format(status=task.get_status_display())})
    if not report.strip() or upload is None:
        raise ValidationError({"report": E_TASK_REPORT})
    before = snapshot(task)
    task.evidence = attachment_store(actor=actor, upload=upload, org_path=task.org_path)
    task.report, task.reported_on, task.status = report.strip()[:500], _today(), AssignedTask.Status.REPORTED
    task.save()
    audit_record(actor=actor, action="task.report", object_type="assigned_task", object_id=task.pk,
                 org_path=task.org_path, before=before, after=snapshot(task))
    assigner = task.assigned_by
    _later(lambda: notify(users=[assigner], title=f"交办任务已报告完成，待确认：{task.title}",
                          url=f"/stationing/tasks/{task.pk}/", kind="stationing", key=f"task:{task.pk}:reported"))
    return task


@transaction.atomic
def task_confirm(*, actor: Any, task: Any) -> Any:
    """STN-17: the assigner confirms the task done. Nobody confirms a task given to himself."""
    from ganbu.stationing.models import AssignedTask

    task = AssignedTask.objects.select_for_update().get(pk=task.pk)
    ensure_not_subject(actor, task.person_id)
    if actor.pk != task.assigned_by_id and not has_perm(actor, "stationing.manage", task.org_path):
        raise PermissionDenied(E_TASK_CONFIRM)
    if task.status != AssignedTask.Status.REPORTED:
        raise ValidationError({"status": E_TASK_STATUS.format(status=task.get_status_display())})
    before = snapshot(task)
    task.status, task.confirmed_by, task.confirmed_on = AssignedTask.Status.CONFIRMED, actor, _today()
    task.save()
    audit_record(actor=actor, action="task.confirm", object_type="assigned_task", object_id=task.pk,
                 org_path=task.org_path, before=before, after=snapshot(task))
    return task


def tasks_evaluate(*, on: date) -> int:
    """STN-17 each night: an open task past its due day notifies the cadre and the assigner, once."""
    from ganbu.org.models import User
    from ganbu.stationing.models import AssignedTask

    overdue = [t for t in AssignedTask.objects.filter(status=AssignedTask.Status.OPEN, due__lt=on)
               .select_related("person", "assigned_by") if rules.stn_17_task_overdue(t.due, t.status, on)]
    selves = {u.person_id: u for u in User.objects.filter(person_id__in=[t.person_id for t in overdue])}
    items = []
    for t in overdue:
        title = f"交办任务逾期：{t.person.name}「{t.title}」应于{t.due}前完成"
        for u in (selves.get(t.person_id), t.assigned_by):
            items.append((u, title, f"/stationing/tasks/{t.pk}/", "stationing", f"task:{t.pk}:overdue"))
    return _notify_bulk(items)


# --- awards (STN-16) -----------------------------------------------------------------------------------

E_AWARD_RIGHT = "只有派出单位、所在乡镇党委或县委组织部可以推荐"
E_AWARD_REASONS = "请填写推荐理由"
E_AWARD_ROLE = "{category}须推荐{role}"
E_AWARD_STATUS = "该推荐当前为「{status}」，不能再审核"
E_AWARD_NOTE = "不批准须填写审核意见"
AWARD_ROLE = {"优秀第一书记": StationRole.FIRST_SECRETARY, "优秀工作队员": StationRole.TEAM_MEMBER,
              "优秀驻村工作队": StationRole.FIRST_SECRETARY}


def award_may_nominate(actor: Any, post: Post) -> bool:
    from ganbu.stationing.queries import _unit_paths

    unit = post.dispatch_unit.path if post.dispatch_unit_id else None
    return (has_perm(actor, "stationing.manage", post.org.path) or has_perm(actor, "cases.act", post.org.path)
            or bool(unit and any(unit.startswith(p) for p in _unit_paths(actor))))


@transaction.atomic
def award_nominate(*, actor: Any, person: Person, category: str, reasons: str) -> Any:
    """STN-16: nominate a stationed cadre (a team: by its first secretary) for an award category of the policy."""
    from ganbu.stationing.models import AwardNomination

    today = _today()
    post = stationed_post_on(person.pk, today)
    if post is None:
        raise ValidationError({"person": E_TASK_NOT_STATIONED})
    if not award_may_nominate(actor, post):
        raise PermissionDenied(E_AWARD_RIGHT)
    ensure_not_subject(actor, person.pk)
    params, _ = stationing_params(post.org.path, today)
    if category not in params.award_categories:
        raise ValidationError({"category": E_AWARD})
    role = AWARD_ROLE.get(category)
    if role and post.title != role:
        raise ValidationError({"category": E_AWARD_ROLE.format(category=category, role=StationRole(role).label)})
    if not reasons.strip():
        raise ValidationError({"reasons": E_AWARD_REASONS})
    by = ("县委组织部" if has_perm(actor, "stationing.manage", post.org.path) else
          Org.objects.filter(path=post.org.path[:9]).values_list("name", flat=True).first() or ""
          if has_perm(actor, "cases.act", post.org.path) else (post.dispatch_unit.name if post.dispatch_unit else ""))
    nom = AwardNomination.objects.create(category=category, person=person, org_path=post.org.path, year=today.year,
                                         reasons=reasons.strip()[:1000], nominated_by=actor, nominator_org=by[:50],
                                         nominated_on=today)
    audit_record(actor=actor, action="award.nominate", object_type="award", object_id=nom.pk,
                 org_path=nom.org_path, after=snapshot(nom))
    targets = _county_users(post.org.path)
    _later(lambda: notify(users=targets, title=f"表彰推荐待审核：{category} {person.name}",
                          url=f"/stationing/awards/{nom.pk}/", kind="stationing", key=f"award:{nom.pk}"))
    return nom


@transaction.atomic
def award_decide(*, actor: Any, nomination: Any, approve: bool, note: str = "") -> Any:
    """STN-16: the county organisation department approves or rejects a nomination (never his own)."""
    from ganbu.stationing.models import AwardNomination

    nom = AwardNomination.objects.select_for_update().get(pk=nomination.pk)
    if not has_perm(actor, "stationing.manage", nom.org_path[:6]):
        raise PermissionDenied("只有县委组织部可以审核表彰推荐")
    ensure_not_subject(actor, nom.person_id)
    if nom.status != AwardNomination.Status.PROPOSED:
        raise ValidationError({"status": E_AWARD_STATUS.format(status=nom.get_status_display())})
    if not approve and not note.strip():
        raise ValidationError({"note": E_AWARD_NOTE})
    before = snapshot(nom)
    nom.status = AwardNomination.Status.APPROVED if approve else AwardNomination.Status.REJECTED
    nom.decided_by, nom.decided_on, nom.decision_note = actor, _today(), note.strip()[:300]
    nom.save()
    audit_record(actor=actor, action="award.decide", object_type="award", object_id=nom.pk,
                 org_path=nom.org_path, before=before, after=snapshot(nom))
    targets = _person_users(nom.person_id)
    _later(lambda: notify(users=targets, title=f"表彰推荐{nom.get_status_display()}：{nom.category}",
                          url=f"/stationing/cadre/{nom.person_id}/", kind="stationing", key=f"award:{nom.pk}:done"))
    return nom


# --- the quarterly symposium (MTG-04) -------------------------------------------------------------------

E_SYM_RIGHT = "只有县委组织部可以登记驻村干部座谈会"
E_SYM_DUP = "{year}年第{quarter}季度座谈会已经登记，每季度一次"
E_SYM_ATTENDEES = "请勾选参会的驻村干部"
E_SYM_NOT_FS = "只有当时在任的驻村第一书记在座谈会上汇报"
E_SYM_NOT_ATTENDED = "{name}不在本次座谈会参会名单中"
E_SYM_REPORTED = "{name}在本次座谈会的汇报已经登记"
E_SYM_SUMMARY = "请填写汇报内容"


@transaction.atomic
def symposium_record(*, actor: Any, county: Org, held_on: date, attendees: list[Person], place: str = "") -> Any:
    """MTG-04: record the quarter's symposium (its quarter from the date) and who attended."""
    from ganbu.stationing.models import Symposium

    if not has_perm(actor, "stationing.manage", county.path):
        raise PermissionDenied(E_SYM_RIGHT)
    if held_on > _today():
        raise ValidationError({"held_on": E_FUTURE})
    if not attendees:
        raise ValidationError({"attendees": E_SYM_ATTENDEES})
    quarter = (held_on.month - 1) // 3 + 1
    if Symposium.objects.filter(org_path=county.path, year=held_on.year, quarter=quarter).exists():
        raise ValidationError({"held_on": E_SYM_DUP.format(year=held_on.year, quarter=quarter)})
    sym = Symposium.objects.create(org_path=county.path, year=held_on.year, quarter=quarter, held_on=held_on,
                                   place=place.strip()[:100], recorded_by=actor)
    sym.attendees.set(attendees)
    audit_record(actor=actor, action="symposium.record", object_type="symposium", object_id=sym.pk,
                 org_path=county.path, after={**snapshot(sym), "attendees": [p.pk for p in attendees]})
    return sym


@transaction.atomic
def symposium_report(*, actor: Any, symposium: Any, person: Person, summary: str, upload: Any = None) -> Any:
    """MTG-04: attach a first secretary's report to the quarter's symposium (Q4: the year's report); the
    obligations calendar then counts his symposium obligation for that quarter as met."""
    from ganbu.core.attachments import attachment_store
    from ganbu.stationing.models import SymposiumReport

    if not has_perm(actor, "stationing.manage", symposium.org_path):
        raise PermissionDenied(E_SYM_RIGHT)
    ensure_not_subject(actor, person.pk)
    post = stationed_post_on(person.pk, symposium.held_on)
    if post is None or post.title != StationRole.FIRST_SECRETARY:
        raise ValidationError({"person": E_SYM_NOT_FS})
    if not symposium.attendees.filter(pk=person.pk).exists():
        raise ValidationError({"person": E_SYM_NOT_ATTENDED.format(name=person.name)})
    if SymposiumReport.objects.filter(symposium=symposium, person=person).exists():
        raise ValidationError({"person": E_SYM_REPORTED.format(name=person.name)})
    if not summary.strip():
        raise ValidationError({"summary": E_SYM_SUMMARY})
    annual = symposium.quarter == 4
    evidence = attachment_store(actor=actor, upload=upload, org_path=post.org.path) if upload else None
    what = "年度工作报告" if annual else "季度汇报"
    obligation = ObligationRecord.objects.create(
        kind=ObligationKind.SYMPOSIUM, person=person, org_path=post.org.path, date=symposium.held_on,
        people="县委组织部驻村干部座谈会", evidence=f"{symposium}座谈会{what}", recorded_by=actor)
    rep = SymposiumReport.objects.create(symposium=symposium, person=person, annual=annual,
                                         summary=summary.strip()[:2000], evidence=evidence, obligation=obligation,
                                         recorded_by=actor)
    audit_record(actor=actor, action="symposium.report", object_type="symposium_report", object_id=rep.pk,
                 org_path=post.org.path, after=snapshot(rep))
    return rep
