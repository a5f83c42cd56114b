"""Roster workbook (RPT-02): template, scoped export, and import (validate all, then write in bulk).

The import runs as a background job with real progress: ``done`` rows checked of ``total``.
Validation is pure (``roster_rules``); this module reads the file, gathers the facts it needs in
a few queries, and writes everything in one short transaction. One audit row per import lists
every person and post created or changed (a bulk write would otherwise need one row per record).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ganbu.core.access import has_perm, perm_paths, scope_q
from ganbu.core.audit import audit_record
from ganbu.core.jobs import job_beat
from ganbu.core.models import Job
from ganbu.org.models import VILLAGE_KINDS, Org, OrgKind, Person, Post, VillageCategory
from ganbu.org.roster_rules import (
    E_MASKED_FILE,
    NOT_FOR_REIMPORT,
    PEOPLE_HEADERS,
    PEOPLE_SHEET,
    POST_HEADERS,
    POST_SHEET,
    SHEETS,
    TEXT_COLUMNS,
    VILLAGE_HEADERS,
    VILLAGE_SHEET,
    OrgInfo,
    PersonInfo,
    PostInfo,
    RosterContext,
    RosterPlan,
    RowError,
    Rows,
    bool_text,
    check_headers,
    date_text,
    text,
    validate_roster,
)

JOB_KIND = "roster_import"
E_UNREADABLE = "无法读取文件：请上传 Excel 工作簿（.xlsx 或 .xls）"
_CAT_LABEL = dict(VillageCategory.choices)


# ---------------------------------------------------------------- export
def _org_key(org: Org) -> str:
    return org.code or org.path


def roster_template() -> bytes:
    """Empty workbook with the three sheets; ID and code columns formatted as text."""
    from ganbu.reports.excel import xlsx_bytes

    return xlsx_bytes([(name, headers, []) for name, headers in SHEETS.items()], text_columns=TEXT_COLUMNS)


def roster_rows(user: Any) -> tuple[list[tuple[str, list[str], list[list[Any]]]], bool]:
    """The sheets of the user's scope, and whether IDs/phones had to be masked."""
    from ganbu.core.masking import mask_id_number, mask_phone

    villages = (Org.objects.filter(scope_q(user, "roster.export", "path"), kind__in=VILLAGE_KINDS,
                                   valid_to__isnull=True).select_related("parent").order_by("path"))
    v_rows = [[v.code, v.name, v.get_kind_display(), v.parent.name if v.parent else "",
               v.households if v.households is not None else "",
               "、".join(_CAT_LABEL.get(c, c) for c in v.categories), v.address,
               "" if v.latitude is None else str(v.latitude), "" if v.longitude is None else str(v.longitude),
               v.phone] for v in villages]
    people = list(Person.objects.filter(scope_q(user, "roster.export")).select_related("org")
                  .order_by("org_path", "name", "id"))
    view_paths = perm_paths(user, "person.view_id")
    masked = False

    def visible(p: Person) -> bool:
        return any(p.org_path.startswith(v) for v in view_paths)

    p_rows = []
    shown: dict[int, str] = {}
    for p in people:
        ok = visible(p)
        masked = masked or not ok
        idn = p.id_number if ok else mask_id_number(p.id_number)
        shown[p.pk] = idn
        p_rows.append([idn, p.name, p.get_gender_display(), date_text(p.birth_date),
                       p.phone if ok else mask_phone(p.phone), p.work_phone, bool_text(p.party_member),
                       date_text(p.party_join_date), date_text(p.party_full_date), p.get_staff_status_display(),
                       p.get_category_display(), p.get_education_display() if p.education else "",
                       date_text(p.work_start_date), _org_key(p.org), p.org.name])
    posts = (Post.objects.filter(person_id__in=list(shown)).filter(scope_q(user, "roster.export", "org__path"))
             .select_related("person", "org", "dispatch_unit").order_by("person__org_path", "person__name",
                                                                          "person_id", "start", "id"))
    s_rows = [[shown[p.person_id], p.person.name, _org_key(p.org), p.org.name, p.get_title_display(),
               date_text(p.start), date_text(p.end), bool_text(p.funded), bool_text(p.principal), p.safety_duty,
               p.dispatch_unit.name if p.dispatch_unit else "", p.end_reason] for p in posts]
    return [(VILLAGE_SHEET, VILLAGE_HEADERS, v_rows), (PEOPLE_SHEET, PEOPLE_HEADERS, p_rows),
            (POST_SHEET, POST_HEADERS, s_rows)], masked


def roster_export(user: Any) -> tuple[bytes, bool]:
    """The workbook for the user's scope. A masked export carries a note on every sheet that it
    is not for re-import, and the importer refuses it (RPT-02)."""
    from ganbu.reports.excel import xlsx_bytes

    sheets, masked = roster_rows(user)
    return xlsx_bytes(sheets, text_columns=TEXT_COLUMNS, note=NOT_FOR_REIMPORT if masked else ""), masked


# ---------------------------------------------------------------- reading
def workbook_sheets(content: bytes, filename: str) -> tuple[dict[str, Rows], list[RowError]]:
    """Header→value rows per known sheet (Excel row numbers), or the file-level errors."""
    from ganbu.reports.excel import read_rows

    try:
        raw = read_rows(content, filename)
    except Exception:  # any parser failure is the user's file, not our bug
        return {}, [RowError("", 0, "文件", E_UNREADABLE)]
    sheets: dict[str, Rows] = {}
    headers: dict[str, tuple[int, list[str]]] = {}
    for name, rows in raw.items():
        name = name.strip()
        if name not in SHEETS:
            continue
        expected = SHEETS[name]
        head_at = None
        for i, row in enumerate(rows[:5]):
            cells = [text(v) for v in row]
            if any(NOT_FOR_REIMPORT in c for c in cells):
                return {}, [RowError(name, i + 1, "", E_MASKED_FILE)]
            if expected[0] in cells or expected[1] in cells:
                head_at = i
                break
        if head_at is None:
            headers[name] = (1, [])
            continue
        cols = [text(v) for v in rows[head_at]]
        headers[name] = (head_at + 1, cols)
        data: Rows = []
        for r, row in enumerate(rows[head_at + 1:], start=head_at + 2):
            values = {cols[i]: row[i] for i in range(min(len(cols), len(row))) if cols[i]}
            if all(text(v) == "" for v in values.values()):
                continue
            data.append((r, values))
        sheets[name] = data
    errors = check_headers(headers)
    return sheets, errors


def roster_context(user: Any, sheets: dict[str, Rows], on: date) -> RosterContext:
    """The facts validation needs, in a handful of queries (no query per row)."""
    from ganbu.org.services import org_params

    import_paths = perm_paths(user, "roster.import")
    county_prefixes = {p[:6] for p in import_paths} if "" not in import_paths else {""}
    orgs: dict[str, OrgInfo] = {}
    units: dict[str, OrgInfo] = {}
    uq = Q()
    for c in county_prefixes:
        uq |= Q(path__startswith=c)
    for o in Org.objects.filter(uq).only("code", "path", "name", "kind", "valid_to"):
        in_scope = any(o.path.startswith(p) for p in import_paths)
        info = OrgInfo(o.code or o.path, o.path, o.name, o.kind, in_scope, o.valid_to)
        if in_scope:
            orgs[o.path] = info
            if o.code:
                orgs[o.code] = info
        if o.kind == OrgKind.DISPATCH_UNIT and info.active:
            units[o.name] = info
            units[o.path] = info
    ids = {text(d.get("公民身份号码")).upper() for name in (PEOPLE_SHEET, POST_SHEET) for _, d in sheets.get(name, [])}
    ids.discard("")
    persons = {
        idn: PersonInfo(idn, any(path.startswith(p) for p in import_paths), path)
        for idn, path in Person.objects.filter(id_number__in=ids).values_list("id_number", "org_path")
    }
    post_org_paths = {orgs[text(d.get("任职单位代码"))].path for _, d in sheets.get(POST_SHEET, [])
                      if text(d.get("任职单位代码")) in orgs}
    posts = [PostInfo(idn, path, title, start, end, funded) for idn, path, title, start, end, funded in
             Post.objects.filter(org__path__in=post_org_paths).values_list(
                 "person__id_number", "org__path", "title", "start", "end", "funded")]
    quota = {}
    for path in post_org_paths:
        info = orgs[path]
        if info.kind in VILLAGE_KINDS:
            params = org_params(path, on)
            quota[path] = (params.funded_post_quota, list(params.funded_titles))
    return RosterContext(orgs=orgs, units=units, persons=persons, posts=posts, quota=quota)


# ---------------------------------------------------------------- writing
PERSON_FIELDS = ["name", "gender", "birth_date", "phone", "work_phone", "party_member", "party_join_date",
                 "party_full_date", "staff_status", "category", "education", "work_start_date"]
POST_FIELDS = ["end", "funded", "principal", "safety_duty", "dispatch_unit_id", "end_reason"]


def roster_write(*, actor: Any, plan: RosterPlan, job_id: int | None = None) -> dict[str, int]:
    """Write a validated plan in bulk, in one transaction; one audit row for the whole import."""
    with transaction.atomic():
        orgs = {o.path: o for o in Org.objects.filter(
            path__in={v["path"] for v in plan.villages} | {p["org_path"] for p in plan.people}
            | {p["org_path"] for p in plan.posts} | {p["dispatch_unit_path"] for p in plan.posts
                                                    if p["dispatch_unit_path"]})}
        village_changes = []
        for v in plan.villages:
            org = orgs[v["path"]]
            changed = False
            for key in ("households", "categories", "address", "latitude", "longitude", "phone"):
                if getattr(org, key) != v[key]:
                    setattr(org, key, v[key])
                    changed = True
            if changed:
                village_changes.append(org)
        if village_changes:
            Org.objects.bulk_update(village_changes, ["households", "categories", "address", "latitude",
                                                      "longitude", "phone"])
        existing = {p.id_number: p for p in Person.objects.select_for_update().filter(
            id_number__in=[p["id_number"] for p in plan.people])}
        new_people, changed_people = [], []
        for data in plan.people:
            org = orgs[data["org_path"]]
            person = existing.get(data["id_number"])
            if person is None:
                new_people.append(Person(id_number=data["id_number"], org=org, org_path=org.path,
                                         **{k: data[k] for k in PERSON_FIELDS}))
                continue
            changed = person.org_id != org.pk
            person.org, person.org_path = org, org.path
            for key in PERSON_FIELDS:
                if getattr(person, key) != data[key]:
                    setattr(person, key, data[key])
                    changed = True
            if changed:
                changed_people.append(person)
        Person.objects.bulk_create(new_people, batch_size=500)
        if changed_people:
            Person.objects.bulk_update(changed_people, PERSON_FIELDS + ["org", "org_path"], batch_size=500)
        person_ids = dict(Person.objects.filter(
            id_number__in={p["id_number"] for p in plan.posts}).values_list("id_number", "id"))
        keys = {(person_ids[p["id_number"]], orgs[p["org_path"]].pk, p["title"], p["start"]) for p in plan.posts}
        current = {(p.person_id, p.org_id, p.title, p.start): p for p in Post.objects.select_for_update().filter(
            person_id__in={k[0] for k in keys}, org_id__in={k[1] for k in keys})}
        new_posts, changed_posts = [], []
        for data in plan.posts:
            key = (person_ids[data["id_number"]], orgs[data["org_path"]].pk, data["title"], data["start"])
            unit = orgs[data["dispatch_unit_path"]] if data["dispatch_unit_path"] else None
            values = {"end": data["end"], "funded": data["funded"], "principal": data["principal"],
                      "safety_duty": data["safety_duty"], "dispatch_unit_id": unit.pk if unit else None,
                      "end_reason": data["end_reason"]}
            post = current.get(key)
            if post is None:
                new_posts.append(Post(person_id=key[0], org_id=key[1], title=key[2], start=key[3], **values))
            elif any(getattr(post, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(post, k, v)
                changed_posts.append(post)
        Post.objects.bulk_create(new_posts, batch_size=500)
        if changed_posts:
            Post.objects.bulk_update(changed_posts, POST_FIELDS, batch_size=500)
        counts = {"villages_updated": len(village_changes), "people_created": len(new_people),
                  "people_updated": len(changed_people), "posts_created": len(new_posts),
                  "posts_updated": len(changed_posts)}
        scope = perm_paths(actor, "roster.import")
        audit_record(actor=actor, action="roster.import", object_type="job", object_id=job_id or "",
                     org_path=scope[0] if scope else "",
                     after={**counts,
                            "people": sorted(p.id_number for p in new_people + changed_people),
                            "villages": sorted(o.path for o in village_changes),
                            "posts": sorted(f"{p.person_id}:{p.org_id}:{p.title}:{p.start}"
                                            for p in new_posts + changed_posts)})
    return counts


# ---------------------------------------------------------------- the job
def _count(sheets: dict[str, Rows]) -> int:
    return sum(len(rows) for rows in sheets.values())


def roster_import_check(*, actor: Any, content: bytes, filename: str,
                        progress: Any = None) -> tuple[list[RowError], RosterPlan | None, int]:
    """Read and validate a workbook without writing: (errors, plan, rows checked)."""
    sheets, errors = workbook_sheets(content, filename)
    if errors:
        return errors, None, _count(sheets)
    ctx = roster_context(actor, sheets, timezone.localdate())
    errors, plan = validate_roster(sheets, ctx, progress=progress)
    return errors, (None if errors else plan), _count(sheets)


E_INTERNAL = "导入过程中出现系统错误，未写入任何数据；请联系管理员"


def roster_import_run(job_id: int) -> Job:
    """Run a queued import job; an unexpected failure marks the job failed (nothing was written)."""
    try:
        return _roster_import_run(job_id)
    except Exception:
        Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, stage="系统错误", finished_at=timezone.now(),
                                             errors=[{"sheet": "", "row": 0, "field": "", "message": E_INTERNAL}])
        raise
    finally:
        _roster_input_delete(job_id)


def _roster_input_delete(job_id: int) -> None:
    """An uploaded roster holds every cadre's identity number: delete it once the import ran."""
    job = Job.objects.filter(pk=job_id).first()
    if job is not None and job.input_file:
        job.input_file.delete(save=False)
        Job.objects.filter(pk=job_id).update(input_file="")


def _roster_import_run(job_id: int) -> Job:
    """Check every row (updating progress), then write or report."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    job_beat(job.pk, status=Job.Status.RUNNING, stage="读取文件")
    with job.input_file.open("rb") as fh:
        content = fh.read()
    sheets, errors = workbook_sheets(content, job.input_file.name)
    total = _count(sheets)
    job_beat(job.pk, total=total, done=0, stage="逐行校验")
    plan = None
    if not errors:
        ctx = roster_context(actor, sheets, timezone.localdate())
        step = max(50, total // 40)  # about 40 progress writes however long the file
        last = [0]

        def progress(n: int) -> None:
            if n - last[0] >= step or n == total:
                last[0] = n
                job_beat(job.pk, done=n)

        errors, plan = validate_roster(sheets, ctx, progress=progress)
    now = timezone.now()
    if errors:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, stage="校验未通过", done=total,
                                             errors=[e.as_dict() for e in errors], finished_at=now)
    else:
        assert plan is not None
        job_beat(job.pk, stage="写入", done=total)
        counts = roster_write(actor=actor, plan=plan, job_id=job.pk)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, stage="已完成", result=counts,
                                             finished_at=timezone.now())
    job.refresh_from_db()
    return job


def roster_import_start(*, actor: Any, upload: Any) -> Job:
    """Queue an import of an uploaded workbook; the job runs in the background (huey)."""
    from ganbu.org.tasks import roster_import_task

    paths = perm_paths(actor, "roster.import")
    job = Job(kind=JOB_KIND, created_by=actor, org_path=paths[0] if paths else "")
    job.input_file.save(upload.name, upload, save=False)
    job.save()
    roster_import_task(job.pk)  # immediate mode runs it here; otherwise the huey consumer does
    job.refresh_from_db()
    return job


def job_for(user: Any, job_id: Any) -> Job:
    """An import job the user started, or one in his import scope; otherwise not found."""
    from ganbu.core.access import NotFound

    try:
        job = Job.objects.get(pk=int(job_id), kind=JOB_KIND)
    except (Job.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if job.created_by_id == user.pk or (job.org_path and has_perm(user, "roster.import", job.org_path)):
        return job
    raise NotFound()


def error_rows(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(errors, key=lambda e: (e.get("sheet", ""), e.get("row", 0)))
