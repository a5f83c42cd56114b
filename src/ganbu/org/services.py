"""Every write to the tree, people and posts: one transaction, one audit row (ORG-01..09)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.core.audit import audit_record, snapshot
from ganbu.core.idnumber import id_number_error
from ganbu.org.models import Org, OrgEvent, OrgKind, Person, Post, RoleGrant
from ganbu.org.rules import PostSpan, post_conflicts

BAD_CODE = "区划代码应为12位数字"
PARENT_KIND = {
    OrgKind.COUNTY: None,
    OrgKind.TOWNSHIP: OrgKind.COUNTY,
    OrgKind.SUBDISTRICT: OrgKind.COUNTY,
    OrgKind.VILLAGE: {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT},
    OrgKind.COMMUNITY: {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT},
}


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
               dispatch_unit: Org | None = None) -> Post:
    """Appoint a person to a post. Every post carries a safety duty (一岗双责, ORG-08)."""
    if not safety_duty.strip():
        raise ValidationError({"safety_duty": "每个职务须明确安全职责（一岗双责）"})
    if end is not None and end < start:
        raise ValidationError({"end": "任职止日期不能早于任职起日期"})
    new = PostSpan(str(person.pk), str(org.pk), title, start, end)
    existing = [_span(p) for p in Post.objects.select_for_update().filter(org=org, title=title)]
    conflicts = post_conflicts(new, existing)
    if conflicts:
        raise ValidationError({"start": "；".join(f"{why}（{c.start}起）" for c, why in conflicts)})
    post = Post(person=person, org=org, title=title, start=start, end=end, funded=funded, principal=principal,
                safety_duty=safety_duty, dispatch_unit=dispatch_unit)
    post.full_clean()
    post.save()
    audit_record(actor=actor, action="post.start", object_type="post", object_id=post.pk, org_path=org.path,
                 after=snapshot(post))
    return post


@transaction.atomic
def post_end(*, actor: Any, post: Post, end: date, reason: str) -> Post:
    """End a post. The row stays: post history is never deleted (ORG-02)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if end < post.start:
        raise ValidationError({"end": "任职止日期不能早于任职起日期"})
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
