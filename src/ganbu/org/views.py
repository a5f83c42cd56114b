"""Org pages: tree, org detail, people, person, posts, appointments, assessors, group, roster.

Views parse, call one service or query, render. Objects come only through access functions
with the acting user; what is not yours looks exactly like what does not exist (SEC-02).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, access_object, access_org, has_perm, perm_paths
from ganbu.core.audit import audit_record
from ganbu.org import queries, roster, services
from ganbu.org.forms import (
    AppointmentForm,
    AssessorRuleForm,
    GroupMemberForm,
    MergeForm,
    OrgEditForm,
    PersonForm,
    PostEndForm,
    PostStartForm,
    RenameForm,
    RosterFilterForm,
    RosterImportForm,
    apply_errors,
)
from ganbu.org.models import (
    TOWNSHIP_KINDS,
    TREE_KINDS,
    VILLAGE_KINDS,
    AssessmentGroupMember,
    AssessorRule,
    Org,
    OrgKind,
    Person,
    PersonCategory,
    PostTitle,
    SecretaryAppointment,
)

SAVED = "已保存"


def _township(request: HttpRequest, org_id: Any, perm: str = "org.view") -> Any:
    org = access_org(request.user, org_id, perm)
    if org.kind not in TOWNSHIP_KINDS:
        raise NotFound()
    return org


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "org.view"):
        raise NotFound()
    roots, beside = queries.org_tree(request.user)
    return render(request, "org/tree.html", {"roots": roots, "beside": beside})


def _detail_context(request: HttpRequest, org: Any, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_manage = has_perm(user, "org.manage", org.path)
    current, past = queries.org_posts(org)
    ctx: dict[str, Any] = {
        "org": org, "current_posts": current, "past_posts": past, "can_manage": can_manage,
        "events": list(org.events.select_related("other").order_by("-date", "-id")),
        "predecessors": list(org.predecessors.all()),
        "children": list(org.children.order_by("path")),
        "is_village": org.kind in VILLAGE_KINDS, "is_township": org.kind in TOWNSHIP_KINDS,
        "can_add_person": has_perm(user, "person.manage", org.path) and org.is_active,
        "category_labels": [label for value, label in OrgEditForm.base_fields["categories"].choices
                            if value in (org.categories or [])],
    }
    if can_manage and org.is_active:
        initial = {k: getattr(org, k) for k in OrgEditForm.base_fields}
        ctx["edit_form"] = forms.get("edit_form") or OrgEditForm(initial=initial)
        if org.kind in TREE_KINDS and org.parent_id:
            ctx["rename_form"] = forms.get("rename_form") or RenameForm(initial={"on": timezone.localdate()})
            targets = queries.orgs_for(user, "org.manage").filter(kind=org.kind, parent_id=org.parent_id).exclude(
                pk=org.pk)
            ctx["merge_form"] = forms.get("merge_form") or MergeForm(targets=targets,
                                                                      initial={"on": timezone.localdate()})
    return ctx


@login_required
def detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access_org(request.user, org_id, "org.view")
    return render(request, "org/detail.html", _detail_context(request, org))


@login_required
@require_POST
def edit(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access_org(request.user, org_id, "org.manage")
    form = OrgEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if org.kind != OrgKind.DISPATCH_UNIT:
            data.pop("leader_name")
        try:
            services.org_update(actor=request.user, org=org, **data)
            messages.success(request, SAVED)
            return redirect("org:detail", org_id=org.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "org/detail.html", _detail_context(request, org, edit_form=form), status=400)


@login_required
@require_POST
def rename(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access_org(request.user, org_id, "org.manage")
    form = RenameForm(request.POST)
    if form.is_valid():
        services.org_rename(actor=request.user, org=org, new_name=form.cleaned_data["new_name"],
                            on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])
        messages.success(request, "已更名，原名称保留在变更记录中")
        return redirect("org:detail", org_id=org.pk)
    return render(request, "org/detail.html", _detail_context(request, org, rename_form=form), status=400)


@login_required
@require_POST
def merge(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access_org(request.user, org_id, "org.manage")
    targets = queries.orgs_for(request.user, "org.manage").filter(kind=org.kind, parent_id=org.parent_id).exclude(
        pk=org.pk)
    form = MergeForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            services.org_merge(actor=request.user, absorbed=org, into=form.cleaned_data["into"],
                               on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])
            messages.success(request, f"{org.name} 已并入 {form.cleaned_data['into'].name}，历史记录保留")
            return redirect("org:detail", org_id=org.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "org/detail.html", _detail_context(request, org, merge_form=form), status=400)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "person.view"):
        raise NotFound()
    form, filters = _roster_filters(request)
    qs = queries.people_list(request.user, search=filters.get("q") or "", filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(p, queries.person_private(request.user, p)) for p in page.object_list]
    tpl = "org/_people_rows.html" if request.htmx and request.GET.get("partial") else "org/people.html"
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("partial", None)
    return render(request, tpl, {"page": page, "rows": rows, "q": filters.get("q") or "", "form": form,
                                 "params": params.urlencode(),
                                 "can_export": has_perm(request.user, "roster.export"),
                                 "can_roster": has_perm(request.user, "roster.export")
                                 or has_perm(request.user, "roster.import"),
                                 "can_add": bool(perm_paths(request.user, "person.manage"))})


def _roster_filters(request: HttpRequest) -> tuple[RosterFilterForm, dict[str, Any]]:
    """The roster filter form bound to the query string; only valid fields filter."""
    orgs = queries.orgs_for(request.user, "person.view")
    form = RosterFilterForm(request.GET or None, orgs=orgs)
    filters: dict[str, Any] = {}
    if request.GET:
        form.is_valid()
        filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
        if filters.get("org"):
            filters["org_obj"] = access_org(request.user, filters["org"], "person.view")
    return form, filters


@login_required
def people_export(request: HttpRequest) -> HttpResponse:
    """The filtered roster as Excel; ID numbers and phones masked where the user may not see them."""
    if not has_perm(request.user, "roster.export"):
        raise NotFound()
    from ganbu.reports.excel import xlsx_bytes, xlsx_response

    _, filters = _roster_filters(request)
    headers = ["姓名", "性别", "出生日期", "所在单位", "现任职务", "人员类别", "学历", "中共党员", "公民身份号码", "手机"]
    rows = []
    masked = False
    for p in queries.people_list(request.user, search=filters.get("q") or "", filters=filters)[:20000]:
        priv = queries.person_private(request.user, p)
        masked = masked or bool(priv["masked"])
        rows.append([p.name, p.get_gender_display(), p.birth_date.isoformat() if p.birth_date else "", p.org.name,
                     "、".join(f"{post.org.name}{post.get_title_display()}" for post in p.current_posts),
                     p.get_category_display(), p.get_education_display(), "是" if p.party_member else "否",
                     priv["id_number"], priv["phone"]])
    note = roster.NOT_FOR_REIMPORT if masked else ""
    data = xlsx_bytes([("干部名册（筛选）", headers, rows)], text_columns=["公民身份号码", "手机"], note=note)
    audit_record(actor=request.user, action="roster.export_filtered", object_type="roster", object_id="",
                 after={"rows": len(rows), "filters": {k: str(v) for k, v in filters.items() if k != "org_obj"}})
    return xlsx_response(data, f"干部名册（筛选）{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    p = queries.person_for(request.user, person_id, "person.view")
    can_manage = has_perm(request.user, "person.manage", p.org_path)
    return render(request, "org/person.html", {
        "person": p, "private": queries.person_private(request.user, p), "posts": queries.person_posts(p),
        "can_manage": can_manage, "assessor": _assessor_labels(p), "today": timezone.localdate(),
    })


def _assessor_labels(p: Person) -> tuple[str, str]:
    daily, meetings = queries.assessor_of(p)
    labels = dict(AssessorRule.Assessor.choices)
    return labels.get(daily, daily), labels.get(meetings, meetings)


def _person_orgs(request: HttpRequest) -> Any:
    return queries.orgs_for(request.user, "person.manage")


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "person.manage"):
        raise NotFound()
    orgs = _person_orgs(request)
    form = PersonForm(request.POST or None, orgs=orgs, initial={"org": request.GET.get("org")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("org")
        try:
            p = services.person_create(actor=request.user, org=org, **data)
            messages.success(request, SAVED)
            return redirect("org:person", person_id=p.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "org/person_form.html", {"form": form, "title": "新增干部"},
                  status=400 if request.method == "POST" else 200)


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    p = queries.person_for(request.user, person_id, "person.manage")
    orgs = _person_orgs(request)
    initial = {f: getattr(p, f) for f in PersonForm.base_fields if f != "org"}
    initial["org"] = p.org_id
    if not queries.can_see_id(request.user, p):
        raise NotFound()
    form = PersonForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.person_update(actor=request.user, person=p, reason="页面编辑", **data)
            messages.success(request, SAVED)
            return redirect("org:person", person_id=p.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "org/person_form.html", {"form": form, "title": f"编辑 {p.name}", "person": p},
                  status=400 if request.method == "POST" else 200)


@login_required
def post_new(request: HttpRequest, person_id: int) -> HttpResponse:
    p = queries.person_for(request.user, person_id, "person.manage")
    orgs = _person_orgs(request)
    units = Org.objects.filter(kind=OrgKind.DISPATCH_UNIT, path__startswith=p.org_path[:6], valid_to__isnull=True)
    form = PostStartForm(request.POST or None, orgs=orgs, units=units,
                         initial={"org": p.org_id, "start": timezone.localdate(), "principal": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.post_start(actor=request.user, person=p, org=d["org"], title=d["title"], start=d["start"],
                                end=d["end"], funded=d["funded"], principal=d["principal"],
                                safety_duty=d["safety_duty"], dispatch_unit=d["dispatch_unit"])
            messages.success(request, SAVED)
            return redirect("org:person", person_id=p.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "org/post_form.html", {"form": form, "person": p},
                  status=400 if request.method == "POST" else 200)


@login_required
def post_end(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.post_for(request.user, post_id, "person.manage")
    form = PostEndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_end(actor=request.user, post=post, end=form.cleaned_data["end"],
                              reason=form.cleaned_data["reason"])
            messages.success(request, "已免职，任职记录保留")
            return redirect("org:person", person_id=post.person_id)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "org/post_end.html", {"form": form, "post": post},
                  status=400 if request.method == "POST" else 200)


@login_required
def appointment(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.post_for(request.user, post_id, "person.manage")
    if post.title != PostTitle.VILLAGE_SECRETARY:
        raise NotFound()
    existing = SecretaryAppointment.objects.filter(post=post).first()
    initial = ({"source": existing.source, "method": existing.method, "assessed_on": existing.assessed_on,
                "strong_good_assessment": existing.strong_good_assessment} if existing else {})
    form = AppointmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.secretary_appointment_record(actor=request.user, post=post, **form.cleaned_data)
            messages.success(request, SAVED)
            return redirect("org:person", person_id=post.person_id)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "org/appointment.html", {"form": form, "post": post},
                  status=400 if request.method == "POST" else 200)


@login_required
def assessors(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _township(request, org_id)
    can_manage = has_perm(request.user, "org.manage", org.path)
    form = AssessorRuleForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        if form.is_valid():
            try:
                services.assessor_rule_set(actor=request.user, org=org, **form.cleaned_data)
                messages.success(request, SAVED)
                return redirect("org:assessors", org_id=org.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    from ganbu.org.services import org_params

    defaults = org_params(org.path, timezone.localdate()).assessor_defaults
    labels = dict(AssessorRule.Assessor.choices)
    rules = {r.category: r for r in org.assessor_rules.all()}
    rows = []
    for value, label in PersonCategory.choices:
        rule = rules.get(value)
        d = defaults.get(value, {})
        rows.append({"label": label, "rule": rule,
                     "default": f"{labels.get(d.get('daily', ''), '镇党委')} / {labels.get(d.get('meetings', ''), '镇党委')}"})
    return render(request, "org/assessors.html", {"org": org, "rows": rows, "form": form, "can_manage": can_manage},
                  status=400 if request.method == "POST" else 200)


@login_required
def group(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _township(request, org_id)
    can_manage = has_perm(request.user, "org.manage", org.path)
    people_qs = Person.objects.filter(org_path__startswith=org.path).order_by("org_path", "name")
    form = GroupMemberForm(request.POST or None, people=people_qs, initial={"start": timezone.localdate()})
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        if form.is_valid():
            try:
                services.group_member_add(actor=request.user, org=org, **form.cleaned_data)
                messages.success(request, SAVED)
                return redirect("org:group", org_id=org.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    history = list(AssessmentGroupMember.objects.filter(org=org).select_related("person").order_by("-start", "id"))
    return render(request, "org/group.html", {
        "org": org, "members": queries.assessment_group(org), "history": history, "form": form,
        "can_manage": can_manage, "today": timezone.localdate(),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def group_end(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_object(request.user, AssessmentGroupMember, member_id, "org.manage", path_field="org__path")
    try:
        services.group_member_end(actor=request.user, member=member, end=timezone.localdate())
        messages.success(request, "已免去，记录保留")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("org:group", org_id=member.org_id)


# ---------------------------------------------------------------- roster (RPT-02)
@login_required
def roster_page(request: HttpRequest) -> HttpResponse:
    can_import = has_perm(request.user, "roster.import")
    can_export = has_perm(request.user, "roster.export")
    if not (can_import or can_export):
        raise NotFound()
    from ganbu.core.models import Job

    jobs = Job.objects.filter(kind=roster.JOB_KIND, created_by=request.user)[:10]
    return render(request, "org/roster.html", {"form": RosterImportForm(), "can_import": can_import,
                                               "can_export": can_export, "jobs": jobs})


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    if not (has_perm(request.user, "roster.import") or has_perm(request.user, "roster.export")):
        raise NotFound()
    from ganbu.reports.excel import xlsx_response

    return xlsx_response(roster.roster_template(), "干部名册模板.xlsx")


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "roster.export"):
        raise NotFound()
    from ganbu.reports.excel import xlsx_response

    data, masked = roster.roster_export(request.user)
    name = f"干部名册{'（脱敏）' if masked else ''}{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(data, name)


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "roster.import"):
        raise NotFound()
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = roster.roster_import_start(actor=request.user, upload=form.cleaned_data["file"])
        return redirect("org:job", job_id=job.pk)
    return render(request, "org/roster.html", {"form": form, "can_import": True,
                                               "can_export": has_perm(request.user, "roster.export"),
                                 "can_roster": has_perm(request.user, "roster.export")
                                 or has_perm(request.user, "roster.import"), "jobs": []},
                  status=400 if request.method == "POST" else 200)


@login_required
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    j = roster.job_for(request.user, job_id)
    ctx = {"job": j, "errors": roster.error_rows(j.errors), "poll": j.status in ("queued", "running"),
           "url": reverse("org:job", kwargs={"job_id": j.pk})}
    if request.htmx:
        return render(request, "org/_job_status.html", ctx)
    return render(request, "org/job.html", ctx)


@login_required
def people_search(request: HttpRequest) -> HttpResponse:
    """The picker's search (``org/_person_picker.html``): JSON [{id, label}] within the caller's scope.

    ``for=handover`` (people of the applicant's township), ``for=standin`` (users in the approver's
    scope) or ``for=person`` (people the caller may view). An empty answer looks the same whether
    nobody matches or nobody is in scope.
    """
    from django.http import JsonResponse

    purpose = request.GET.get("for", "person")
    if purpose not in {"person", "handover", "standin"}:
        raise NotFound()
    results = queries.picker_search(request.user, purpose, request.GET.get("q", ""))
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
