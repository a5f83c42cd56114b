"""Every write to the tree, people and posts: one transaction, one audit row (ORG-01..09)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.core.audit import audit_record, snapshot
from ganbu.core.idnumber import id_number_error
from ganbu.org.models import (
    STATIONED_TITLES,
    VILLAGE_KINDS,
    AssessmentGroupMember,
    AssessorRule,
    Org,
    OrgEvent,
    OrgKind,
    Person,
    PersonCategory,
    Post,
    PostTitle,
    RoleGrant,
    SecretaryAppointment,
)
from ganbu.org.rules import PostSpan, funded_post_error, post_conflicts, spans_overlap

BAD_CODE = "区划代码应为12位数字"
PARENT_KIND = {
    OrgKind.COUNTY: None,
    OrgKind.TOWNSHIP: OrgKind.COUNTY,
    OrgKind.SUBDISTRICT: OrgKind.COUNTY,
    OrgKind.VILLAGE: {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT},
    OrgKind.COMMUNITY: {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT},
}


def org_params(path: str, on: date) -> Any:
    """The org module's policy in force (ORG-03, ORG-05); before any adoption, the requirement defaults."""
    from ganbu.core.policy import PolicyMissing, policy_resolve
    from ganbu.org.policy import OrgParams

    try:
        return policy_resolve("org", path, on).params
    except PolicyMissing:
        return OrgParams()


def path_for_code(code: str, kind: str) -> str:
    """The scope key: significant digits of the division code for the org's level."""
    if len(code) != 12 or not code.isdigit():
        raise ValidationError({"code": BAD_CODE})
    if kind == OrgKind.COUNTY:
        return code[:6]
    if kind in (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT):
        return code[:9]
    return code


@transaction.atomic
def org_create(*, actor: Any, kind: str, name: str, parent: Org | None = None, code: str | None = None,
               households: int | None = None, categories: list[str] | None = None,
               valid_from: date | None = None, **extra: Any) -> Org:
    """Create a tree org (by division code) or a department/dispatch unit beside the tree."""
    if kind in (OrgKind.DEPARTMENT, OrgKind.DISPATCH_UNIT):
        if parent is None or parent.kind != OrgKind.COUNTY:
            raise ValidationError({"parent": "县直部门和派出单位须隶属于县"})
        letter = "D" if kind == OrgKind.DEPARTMENT else "U"
        n = Org.objects.filter(parent=parent, kind=kind).count() + 1
        path = f"{parent.path}{letter}{n:03d}"
        while Org.objects.filter(path=path).exists():
            n += 1
            path = f"{parent.path}{letter}{n:03d}"
        code = None
    else:
        if not code:
            raise ValidationError({"code": BAD_CODE})
        path = path_for_code(code, kind)
        expected = PARENT_KIND.get(kind)
        if expected and (parent is None or parent.kind not in (expected if isinstance(expected, set) else {expected})):
            raise ValidationError({"parent": "上级组织类型不符"})
        if parent is not None and not path.startswith(parent.path):
            raise ValidationError({"code": f"区划代码 {code} 不在上级 {parent.name}（{parent.code}）范围内"})
        if Org.objects.filter(code=code).exists():
            raise ValidationError({"code": f"区划代码 {code} 已存在"})
    org = Org(kind=kind, name=name, parent=parent, code=code, path=path, households=households,
              categories=categories or [], valid_from=valid_from, **extra)
    org.full_clean()
    org.save()
    OrgEvent.objects.create(org=org, kind=OrgEvent.Kind.CREATE, date=valid_from or timezone.localdate(), new_name=name)
    audit_record(actor=actor, action="org.create", object_type="org", object_id=org.pk, org_path=org.path,
                 after=snapshot(org))
    return org


@transaction.atomic
def org_update(*, actor: Any, org: Org, **changes: Any) -> Org:
    """Edit an org's attributes (households, categories, address …). Renames go through org_rename."""
    if "name" in changes or "code" in changes or "path" in changes:
        raise ValidationError({"name": "更名或改码请使用区划变更"})
    org = Org.objects.select_for_update().get(pk=org.pk)
    before = snapshot(org)
    for key, value in changes.items():
        setattr(org, key, value)
    org.full_clean()
    org.save()
    audit_record(actor=actor, action="org.update", object_type="org", object_id=org.pk, org_path=org.path,
                 before=before, after=snapshot(org))
    return org


@transaction.atomic
def org_rename(*, actor: Any, org: Org, new_name: str, on: date, reason: str = "") -> Org:
    """Rename: the org keeps its identity (and its records); the old name stays in history."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    before = snapshot(org)
    OrgEvent.objects.create(org=org, kind=OrgEvent.Kind.RENAME, date=on, old_name=org.name, new_name=new_name,
                            note=reason)
    org.name = new_name
    org.save(update_fields=["name"])
    audit_record(actor=actor, action="org.rename", object_type="org", object_id=org.pk, org_path=org.path,
                 before=before, after=snapshot(org), reason=reason)
    return org


@transaction.atomic
def org_merge(*, actor: Any, absorbed: Org, into: Org, on: date, reason: str = "") -> Org:
    """Merge ``absorbed`` into ``into``: the absorbed org is closed, never deleted, so its past
    records stay attached to it as it was; its open posts end on ``on``."""
    absorbed = Org.objects.select_for_update().get(pk=absorbed.pk)
    if absorbed.valid_to is not None:
        raise ValidationError({"absorbed": f"{absorbed.name} 已于 {absorbed.valid_to} 撤销"})
    before = snapshot(absorbed)
    absorbed.valid_to = on
    absorbed.successor = into
    absorbed.save(update_fields=["valid_to", "successor"])
    OrgEvent.objects.create(org=absorbed, kind=OrgEvent.Kind.MERGE, date=on, old_name=absorbed.name,
                            other=into, note=reason)
    OrgEvent.objects.create(org=into, kind=OrgEvent.Kind.MERGE, date=on, other=absorbed, note=f"并入{absorbed.name}")
    Post.objects.filter(org=absorbed, end__isnull=True).update(end=on, end_reason="区划合并")
    audit_record(actor=actor, action="org.merge", object_type="org", object_id=absorbed.pk,
                 org_path=absorbed.path, before=before, after=snapshot(absorbed), reason=reason)
    return absorbed


def person_validate(data: dict[str, Any]) -> dict[str, str]:
    """Field errors (Chinese) for person data, without touching the database."""
    errors: dict[str, str] = {}
    for key, label in (("name", "姓名"), ("gender", "性别"), ("id_number", "公民身份号码")):
        if not str(data.get(key) or "").strip():
            errors[key] = f"{label}必填"
    if data.get("id_number") and "id_number" not in errors:
        err = id_number_error(str(data["id_number"]))
        if err:
            errors["id_number"] = err
    if data.get("party_full_date") and data.get("party_join_date") and data["party_full_date"] < data["party_join_date"]:
        errors["party_full_date"] = "转正日期不能早于入党日期"
    return errors


@transaction.atomic
def person_create(*, actor: Any, org: Org, **data: Any) -> Person:
    errors = person_validate(data)
    if errors:
        raise ValidationError(errors)
    data["id_number"] = str(data["id_number"]).strip().upper()
    if Person.objects.filter(id_number=data["id_number"]).exists():
        raise ValidationError({"id_number": "该身份证号已登记"})
    person = Person(org=org, org_path=org.path, **data)
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="person.create", object_type="person", object_id=person.pk,
                 org_path=org.path, after=snapshot(person))
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, reason: str = "", **changes: Any) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    merged = {**snapshot(person), **changes}
    errors = person_validate(merged)
    if errors:
        raise ValidationError(errors)
    for key, value in changes.items():
        setattr(person, key, value)
    if "org" in changes:
        person.org_path = person.org.path
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="person.update", object_type="person", object_id=person.pk,
                 org_path=person.org_path, before=before, after=snapshot(person), reason=reason)
    return person


def _span(post: Post) -> PostSpan:
    return PostSpan(str(post.person_id), str(post.org_id), post.title, post.start, post.end, post.pk)


@transaction.atomic
def post_start(*, actor: Any, person: Person, org: Org, title: str, start: date, end: date | None = None,
               funded: bool = False, principal: bool = True, safety_duty: str = "",
               dispatch_unit: Org | None = None, eligibility_override: str = "",
               handover_of: Post | None = None) -> Post:
    """Appoint a person to a post. Every post carries a safety duty (一岗双责, ORG-08).

    A first secretary or team member must pass STN-04 wherever he is appointed (this form, the
    stationing pages, the API); only the county may override, with a reason that the audit keeps.
    ``handover_of`` is the outgoing stationed post during an STN-06 handover: both are posted."""
    if not safety_duty.strip():
        raise ValidationError({"safety_duty": "每个职务须明确安全职责（一岗双责）"})
    if end is not None and end < start:
        raise ValidationError({"end": "任职止日期不能早于任职起日期"})
    override = _stationed_eligibility(actor, person, org, title, start, eligibility_override)
    new = PostSpan(str(person.pk), str(org.pk), title, start, end)
    existing = [_span(p) for p in Post.objects.select_for_update().filter(org=org, title=title)
                if handover_of is None or p.pk != handover_of.pk]
    conflicts = post_conflicts(new, existing)
    if conflicts:
        raise ValidationError({"start": "；".join(f"{why}（{c.start}起）" for c, why in conflicts)})
    if funded and org.kind in VILLAGE_KINDS:
        params = org_params(org.path, start)
        funded_spans = [_span(p) for p in Post.objects.select_for_update().filter(org=org, funded=True)]
        err = funded_post_error(
            title=title, title_label=PostTitle(title).label if title in PostTitle.values else title,
            org_label=org.name, funded_titles=params.funded_titles, quota=params.funded_post_quota,
            other_funded_overlapping=sum(1 for s in funded_spans if spans_overlap(s, new)),
        )
        if err:
            raise ValidationError({"funded": err})
    post = Post(person=person, org=org, title=title, start=start, end=end, funded=funded, principal=principal,
                safety_duty=safety_duty, dispatch_unit=dispatch_unit)
    post.full_clean()
    post.save()
    audit_record(actor=actor, action="post.start", object_type="post", object_id=post.pk, org_path=org.path,
                 after=snapshot(post), reason=override)
    return post


def _stationed_eligibility(actor: Any, person: Person, org: Org, title: str, on: date, override: str) -> str:
    """STN-04 for stationed posts: refuse with every reason unless the county overrides (the reason is returned)."""
    if title not in STATIONED_TITLES:
        return ""
    from ganbu.core.access import has_perm
    from ganbu.stationing.eligibility import E_INELIGIBLE, E_OVERRIDE_NOT_COUNTY, person_eligibility

    result, _ref = person_eligibility(person, title, org.path, on)
    if result.eligible:
        return ""
    if not override.strip():
        raise ValidationError({"person": E_INELIGIBLE.format(reasons="；".join(result.reasons))})
    if actor is None or not has_perm(actor, "stationing.manage", org.path[:6]):
        raise ValidationError({"person": E_OVERRIDE_NOT_COUNTY})
    return f"破格任用（{'；'.join(result.reasons)}）：{override.strip()}"


@transaction.atomic
def post_end(*, actor: Any, post: Post, end: date, reason: str) -> Post:
    """End a post. The row stays: post history is never deleted (ORG-02)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if end < post.start:
        raise ValidationError({"end": "任职止日期不能早于任职起日期"})
    if post.title in STATIONED_TITLES:
        from ganbu.stationing.eligibility import handover_end_error

        err = handover_end_error(post, end)
        if err:
            raise ValidationError({"end": err})
    before = snapshot(post)
    post.end = end
    post.end_reason = reason
    post.save(update_fields=["end", "end_reason"])
    audit_record(actor=actor, action="post.end", object_type="post", object_id=post.pk, org_path=post.org.path,
                 before=before, after=snapshot(post), reason=reason)
    return post


@transaction.atomic
def role_grant(*, actor: Any, user: Any, role: str, org: Org) -> RoleGrant:
    grant, _ = RoleGrant.objects.get_or_create(user=user, role=role, org=org)
    audit_record(actor=actor, action="role.grant", object_type="role_grant", object_id=grant.pk,
                 org_path=org.path, after={"user": user.pk, "role": role, "org": org.pk})
    return grant


APPOINTMENT_NOT_SECRETARY = "只有村党组织书记职务需要登记任用记录"
APPOINTMENT_ASSESSMENT_REQUIRED = "请填写双强双好评估意见"


@transaction.atomic
def secretary_appointment_record(*, actor: Any, post: Post, source: str, method: str,
                                 strong_good_assessment: str, assessed_on: date | None = None) -> SecretaryAppointment:
    """Record how a village party secretary was chosen (ORG-09): source, method, 双强双好 assessment."""
    post = Post.objects.select_for_update().select_related("org").get(pk=post.pk)
    errors: dict[str, str] = {}
    if post.title != PostTitle.VILLAGE_SECRETARY:
        errors["post"] = APPOINTMENT_NOT_SECRETARY
    if source not in SecretaryAppointment.Source.values:
        errors["source"] = "请选择人选来源"
    if method not in SecretaryAppointment.Method.values:
        errors["method"] = "请选择产生方式"
    if not (strong_good_assessment or "").strip():
        errors["strong_good_assessment"] = APPOINTMENT_ASSESSMENT_REQUIRED
    if errors:
        raise ValidationError(errors)
    appt = SecretaryAppointment.objects.filter(post=post).first()
    before = snapshot(appt) if appt else None
    if appt is None:
        appt = SecretaryAppointment(post=post)
    appt.source, appt.method = source, method
    appt.strong_good_assessment, appt.assessed_on = strong_good_assessment.strip(), assessed_on
    appt.full_clean()
    appt.save()
    audit_record(actor=actor, action="appointment.record", object_type="secretary_appointment", object_id=appt.pk,
                 org_path=post.org.path, before=before, after=snapshot(appt))
    return appt


ASSESSOR_NOT_TOWNSHIP = "考核主体按镇（街道）设置"


@transaction.atomic
def assessor_rule_set(*, actor: Any, org: Org, category: str, daily: str, meetings: str, note: str = "") -> AssessorRule:
    """Who assesses a category of person in a township (ORG-05). One rule per township and category."""
    errors: dict[str, str] = {}
    if org.kind not in (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT):
        errors["org"] = ASSESSOR_NOT_TOWNSHIP
    if category not in PersonCategory.values:
        errors["category"] = "请选择人员类别"
    for key, value in (("daily", daily), ("meetings", meetings)):
        if value not in AssessorRule.Assessor.values:
            errors[key] = "请选择考核主体"
    if errors:
        raise ValidationError(errors)
    rule = AssessorRule.objects.select_for_update().filter(org=org, category=category).first()
    before = snapshot(rule) if rule else None
    if rule is None:
        rule = AssessorRule(org=org, category=category)
    rule.daily, rule.meetings, rule.note = daily, meetings, note
    rule.save()
    audit_record(actor=actor, action="assessor_rule.set", object_type="assessor_rule", object_id=rule.pk,
                 org_path=org.path, before=before, after=snapshot(rule))
    return rule


GROUP_NOT_TOWNSHIP = "考核领导小组按镇（街道）设置"
GROUP_PERSON_OUTSIDE = "该干部不属于本镇（街道）"
GROUP_SINGLE_TAKEN = "「{role}」已由 {name} 担任，请先免去"
GROUP_SINGLE_ROLES = {AssessmentGroupMember.GroupRole.LEADER, AssessmentGroupMember.GroupRole.EXECUTIVE_DEPUTY,
                      AssessmentGroupMember.GroupRole.OFFICE_HEAD}


@transaction.atomic
def group_member_add(*, actor: Any, org: Org, person: Person, group_role: str, start: date) -> AssessmentGroupMember:
    """Put a person into a township's assessment leadership group or its office (ORG-04)."""
    errors: dict[str, str] = {}
    if org.kind not in (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT):
        errors["org"] = GROUP_NOT_TOWNSHIP
    if not person.org_path.startswith(org.path):
        errors["person"] = GROUP_PERSON_OUTSIDE
    if group_role not in AssessmentGroupMember.GroupRole.values:
        errors["group_role"] = "请选择小组职务"
    elif group_role in GROUP_SINGLE_ROLES:
        holder = (AssessmentGroupMember.objects.select_for_update().select_related("person")
                  .filter(org=org, group_role=group_role, end__isnull=True).first())
        if holder is not None:
            errors["group_role"] = GROUP_SINGLE_TAKEN.format(
                role=AssessmentGroupMember.GroupRole(group_role).label, name=holder.person.name)
    if errors:
        raise ValidationError(errors)
    member = AssessmentGroupMember(org=org, person=person, group_role=group_role, start=start)
    member.save()
    audit_record(actor=actor, action="assessment_group.add", object_type="assessment_group_member",
                 object_id=member.pk, org_path=org.path, after=snapshot(member))
    return member


@transaction.atomic
def group_member_end(*, actor: Any, member: AssessmentGroupMember, end: date) -> AssessmentGroupMember:
    """Take a person out of the group; the row stays as history."""
    member = AssessmentGroupMember.objects.select_for_update().select_related("org").get(pk=member.pk)
    if end < member.start:
        raise ValidationError({"end": "止日期不能早于起日期"})
    before = snapshot(member)
    member.end = end
    member.save(update_fields=["end"])
    audit_record(actor=actor, action="assessment_group.end", object_type="assessment_group_member",
                 object_id=member.pk, org_path=member.org.path, before=before, after=snapshot(member))
    return member
