"""Writes of reserve cadres (RSV-01) and care for village secretaries (ORG-10): one transaction, one audit row."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from ganbu.core.access import NotFound, has_perm
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.policy import PolicyMissing, ResolvedPolicy, policy_resolve
from ganbu.core.recusal import ensure_not_subject
from ganbu.org.models import Person, Post, PostTitle
from ganbu.reserves import rules
from ganbu.reserves.models import CareEvent, Reserve, ReserveStep

TEAM_TITLES = [PostTitle.VILLAGE_SECRETARY, PostTitle.VILLAGE_DIRECTOR, PostTitle.VILLAGE_CLERK,
               PostTitle.WOMEN_DIRECTOR, PostTitle.VILLAGE_MEMBER]
LEADERSHIP_TITLES = [PostTitle.TOWNSHIP_SECRETARY, PostTitle.TOWNSHIP_HEAD, PostTitle.TOWNSHIP_DEPUTY_SECRETARY,
                     PostTitle.TOWNSHIP_DISCIPLINE, PostTitle.TOWNSHIP_LEADER]
E_NO_POLICY = "本地尚无施行中的「{what}」细则"
E_NOT_TEAM_POST = "岗位：只能为村“两委”班子的现任岗位确定后备人选"
E_NOT_VILLAGER = "后备人选：请在本村人员中搜索选择"
E_WITHDRAWN = "该后备人选已退出"
E_CARE_DATE = "请填写计划日期或完成日期"
E_CARE_FUTURE = "完成日期：不能晚于今天（{today}）"
E_LED_BY = "带队班子成员：须为本乡镇领导班子成员"
E_NOT_SECRETARY = "村书记：请选择本乡镇现任村党组织书记"


class ReserveError(ValueError):
    def __init__(self, message: str, field: str = "__all__") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _policy(module: str, what: str, path: str, on: date) -> ResolvedPolicy[Any]:
    try:
        return policy_resolve(module, path, on)
    except PolicyMissing:
        raise ReserveError(E_NO_POLICY.format(what=what)) from None


def post_label(post: Post) -> str:
    return f"{post.get_title_display()}（现任 {post.person.name}）"


def active_reserves(post: Post) -> Any:
    return Reserve.objects.filter(post=post).exclude(status=Reserve.Status.WITHDRAWN)


@transaction.atomic
def reserve_add(*, actor: Any, post: Post, person: Person, today: date | None = None) -> Reserve:
    """RSV-01: name a reserve for one post of a village team; a post that already has its reserve refuses."""
    day = today or timezone.localdate()
    village = post.org
    if not has_perm(actor, "reserves.manage", village.path):
        raise NotFound()
    ensure_not_subject(actor, person)
    post = Post.objects.select_for_update().select_related("person", "org").get(pk=post.pk)  # one writer per post
    if post.title not in TEAM_TITLES or (post.end and post.end < day):
        raise ReserveError(E_NOT_TEAM_POST, "post")
    if person.org_id != village.pk:
        raise ReserveError(E_NOT_VILLAGER, "person")
    resolved = _policy("reserves", "后备干部", village.path, day)
    other = (Reserve.objects.select_related("post").filter(person=person, village=village)
             .exclude(status=Reserve.Status.WITHDRAWN).first())
    error = rules.rsv_01_reserve_error(
        resolved.params, post_label=post_label(post), reserves_on_post=active_reserves(post).count(),
        holder_id=post.person_id, candidate_id=person.pk, candidate_name=person.name,
        other_post_label=other.post.get_title_display() if other else None)
    if error:
        raise ReserveError(error, "post" if "岗位" in error[:3] else "person")
    r = Reserve.objects.create(village=village, org_path=village.path, post=post, person=person, created_by=actor,
                               policy_version_id=resolved.version_id)
    audit_record(actor=actor, action="reserve.add", object_type="reserve", object_id=r.pk, org_path=r.org_path,
                 after=snapshot(r))
    return r


@transaction.atomic
def reserve_step_record(*, actor: Any, reserve: Reserve, step: str, on: date, evidence: str,
                        upload: Any = None, today: date | None = None) -> ReserveStep:
    """RSV-01: record one step of 三荐二议一审查; the township committee's review puts the reserve in the pool."""
    day = today or timezone.localdate()
    if not has_perm(actor, "reserves.manage", reserve.org_path):
        raise NotFound()
    r = Reserve.objects.select_for_update().get(pk=reserve.pk)
    ensure_not_subject(actor, r.person_id)
    if r.status == Reserve.Status.WITHDRAWN:
        raise ReserveError(E_WITHDRAWN)
    if step not in rules.STEP_LABELS:
        raise ReserveError("步骤：请从列表中选择", "step")
    done = dict(r.steps.values_list("step", "on"))
    error = rules.rsv_01_step_error(step, on, evidence, done, day)  # type: ignore[arg-type]
    if error:
        raise ReserveError(error, "on" if "日期" in error else "evidence" if "依据" in error else "step")
    attachment = None
    if upload is not None:
        from ganbu.core.attachments import attachment_store

        attachment = attachment_store(actor=actor, upload=upload, org_path=r.org_path)
    s = ReserveStep.objects.create(reserve=r, step=step, on=on, evidence=evidence.strip()[:300], attachment=attachment,
                                   recorded_by=actor)
    audit_record(actor=actor, action="reserve.step", object_type="reserve", object_id=r.pk, org_path=r.org_path,
                 after=snapshot(s))
    if rules.rsv_01_complete([*done, step]) and r.status != Reserve.Status.POOLED:
        before = snapshot(r)
        r.status = Reserve.Status.POOLED
        r.save(update_fields=["status"])
        audit_record(actor=actor, action="reserve.pool", object_type="reserve", object_id=r.pk, org_path=r.org_path,
                     before=before, after=snapshot(r))
    return s


@transaction.atomic
def reserve_withdraw(*, actor: Any, reserve: Reserve, on: date, reason: str) -> Reserve:
    if not has_perm(actor, "reserves.manage", reserve.org_path):
        raise NotFound()
    r = Reserve.objects.select_for_update().get(pk=reserve.pk)
    ensure_not_subject(actor, r.person_id)
    if r.status == Reserve.Status.WITHDRAWN:
        raise ReserveError(E_WITHDRAWN)
    if not reason.strip():
        raise ReserveError("退出原因：必填", "reason")
    before = snapshot(r)
    r.status, r.withdrawn_on, r.withdrawn_reason = Reserve.Status.WITHDRAWN, on, reason.strip()[:200]
    r.save(update_fields=["status", "withdrawn_on", "withdrawn_reason"])
    audit_record(actor=actor, action="reserve.withdraw", object_type="reserve", object_id=r.pk, org_path=r.org_path,
                 before=before, after=snapshot(r), reason=r.withdrawn_reason)
    return r


# --- ORG-10 care --------------------------------------------------------------------------------------


def is_village_secretary(person: Person, on: date) -> bool:
    return (Post.objects.filter(person=person, title=PostTitle.VILLAGE_SECRETARY, start__lte=on)
            .exclude(end__lt=on).exists())


@transaction.atomic
def care_record(*, actor: Any, secretary: Person, kind: str, planned_on: date | None = None,
                done_on: date | None = None, led_by: Person | None = None, note: str = "",
                event: CareEvent | None = None, today: date | None = None) -> CareEvent:
    """ORG-10: schedule care for a village secretary, or record it done (a home visit names the leader)."""
    day = today or timezone.localdate()
    if not has_perm(actor, "care.manage", secretary.org_path):
        raise NotFound()
    ensure_not_subject(actor, secretary)
    if not is_village_secretary(secretary, day):
        raise ReserveError(E_NOT_SECRETARY, "secretary")
    if kind not in rules.CARE_LABELS:
        raise ReserveError("类型：请从列表中选择", "kind")
    if planned_on is None and done_on is None:
        raise ReserveError(E_CARE_DATE, "planned_on")
    if done_on and done_on > day:
        raise ReserveError(E_CARE_FUTURE.format(today=day), "done_on")
    _policy("org_care", "村书记关爱", secretary.org_path, day)
    if led_by is not None:
        leads = Post.objects.filter(person=led_by, org__path=secretary.org_path[:9], title__in=LEADERSHIP_TITLES,
                                    start__lte=done_on or planned_on or day).exclude(end__lt=day).exists()
        if not leads:
            raise ReserveError(E_LED_BY, "led_by")
    if event is not None:
        e = CareEvent.objects.select_for_update().get(pk=event.pk, secretary=secretary)
        before = snapshot(e)
        e.done_on, e.led_by, e.note = done_on, led_by or e.led_by, note.strip()[:300] or e.note
        e.save(update_fields=["done_on", "led_by", "note"])
    else:
        before = None
        e = CareEvent.objects.create(secretary=secretary, org_path=secretary.org_path, kind=kind, planned_on=planned_on,
                                     done_on=done_on, led_by=led_by, note=note.strip()[:300], recorded_by=actor)
    audit_record(actor=actor, action="care.record", object_type="care_event", object_id=e.pk, org_path=e.org_path,
                 before=before, after=snapshot(e))
    return e
