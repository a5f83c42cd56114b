"""Reserve pages (county report, village posts) and the township's care board for village secretaries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganbu.core.access import NotFound, access_org, has_perm
from ganbu.core.recusal import RecusalError
from ganbu.org.models import Person, Post
from ganbu.reserves import forms, queries, rules, services
from ganbu.reserves.models import CareEvent


def _add_error(form: Any, exc: services.ReserveError | RecusalError) -> None:
    field = getattr(exc, "field", "__all__")
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
def county(request: HttpRequest) -> HttpResponse:
    """RSV-01/02: villages that fall short and why, and the posts without a reserve."""
    if not has_perm(request.user, "reserves.view"):
        raise NotFound()
    today = timezone.localdate()
    townships = list(queries.townships_for(request.user, "reserves.view"))
    t = request.GET.get("township", "")
    path = next((x.path for x in townships if str(x.pk) == t), "")
    rows = queries.composition_report(request.user, today, path)
    return render(request, "reserves/county.html", {
        "rows": rows, "short": [r for r in rows if r.short], "townships": townships, "t": t, "today": today,
        "policy_ref": rows[0].policy_ref if rows else "", "params": rows[0].params if rows else None})


def _village_page(request: HttpRequest, village: Any, status: int = 200, **extra: Any) -> HttpResponse:
    today = timezone.localdate()
    posts = queries.village_posts(village, today)
    for _post, reserves in posts:
        for r in reserves:
            done = [s.step for s in r.steps.all()]
            r.next_steps = [(s, rules.STEP_LABELS[s]) for s in rules.rsv_01_next(done)]  # type: ignore[attr-defined]
    row = next((r for r in queries.composition_report(request.user, today, village.path) if r.village.pk == village.pk),
               None)
    ctx = {"village": village, "posts": posts, "row": row, "today": today,
           "can_manage": has_perm(request.user, "reserves.manage", village.path),
           "form": extra.pop("form", None) or forms.ReserveForm(), "step_form": forms.StepForm(initial={"on": today})}
    ctx.update(extra)
    return render(request, "reserves/village.html", ctx, status=status)


@login_required
def village(request: HttpRequest, pk: int) -> HttpResponse:
    v = queries.village_for(request.user, pk)
    if request.method != "POST":
        return _village_page(request, v)
    if not has_perm(request.user, "reserves.manage", v.path):
        raise NotFound()
    form = forms.ReserveForm(request.POST)
    if not form.is_valid():
        return _village_page(request, v, 400, form=form)
    post = Post.objects.select_related("person").filter(pk=form.cleaned_data["post"], org=v).first()
    person = Person.objects.filter(pk=form.cleaned_data["person"], org=v).first()
    if post is None:
        form.add_error("post", "请选择本村的岗位")
    if person is None:
        form.add_error("person", services.E_NOT_VILLAGER)
    if form.errors:
        return _village_page(request, v, 400, form=form, picked=person)
    assert post is not None and person is not None
    if not form.cleaned_data["confirm"]:
        return _village_page(request, v, form=form, picked=person, picked_post=post,
                             confirm=f"将确定 {person.name} 为{services.post_label(post)}的后备人选，"
                                     f"随后逐步记录“三荐二议一审查”。")
    try:
        services.reserve_add(actor=request.user, post=post, person=person)
    except (services.ReserveError, RecusalError) as exc:
        _add_error(form, exc)
        return _village_page(request, v, 400, form=form, picked=person, picked_post=post)
    messages.success(request, f"已确定 {person.name} 为{post.get_title_display()}后备人选")
    return redirect("reserves:village", pk=v.pk)


@login_required
def villager_pick(request: HttpRequest, pk: int) -> HttpResponse:
    v = queries.village_for(request.user, pk)
    rows = queries.villagers_search(request.user, v, request.GET.get("q", "")[:50])
    return render(request, "reserves/_person_pick.html", {"rows": rows})


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    r = queries.reserve_for(request.user, pk)
    form = forms.StepForm(request.POST)
    if form.is_valid():
        try:
            services.reserve_step_record(actor=request.user, reserve=r, step=form.cleaned_data["step"],
                                         on=form.cleaned_data["on"], evidence=form.cleaned_data["evidence"],
                                         upload=request.FILES.get("file"))
        except (services.ReserveError, RecusalError) as exc:
            messages.error(request, f"{r.person.name}：{exc.message}")
        except Exception as exc:
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已记录 {r.person.name}：{rules.STEP_LABELS[form.cleaned_data['step']]}")
    else:
        messages.error(request, "；".join(m for errs in form.errors.values() for m in errs))
    return redirect("reserves:village", pk=r.village_id)


@login_required
def care(request: HttpRequest) -> HttpResponse:
    """ORG-10: care for village secretaries — scheduled, recorded, overdue first."""
    townships = list(queries.townships_for(request.user, "care.manage"))
    if not townships:
        raise NotFound()
    tid = request.GET.get("township") or request.POST.get("township")
    township = access_org(request.user, tid, "care.manage") if tid else townships[0]
    today = timezone.localdate()
    form = forms.CareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            secretary = Person.objects.filter(pk=d["secretary"], org__parent=township).first()
            led_by = Person.objects.filter(pk=d["led_by"]).first() if d["led_by"] else None
            event = CareEvent.objects.filter(pk=d["event"]).first() if d["event"] else None
            try:
                if secretary is None:
                    raise services.ReserveError(services.E_NOT_SECRETARY, "secretary")
                services.care_record(actor=request.user, secretary=secretary, kind=d["kind"],
                                     planned_on=d["planned_on"], done_on=d["done_on"], led_by=led_by,
                                     note=d["note"], event=event)
            except (services.ReserveError, RecusalError) as exc:
                _add_error(form, exc)
                status = 400
            else:
                messages.success(request, f"已记录：{secretary.name} {rules.CARE_LABELS[d['kind']]}")
                return redirect(f"{request.path}?township={township.pk}")
        else:
            status = 400
    rows, ref = queries.care_board(request.user, township, today)
    from ganbu.core.policy import PolicyMissing, policy_resolve

    try:
        care_params = policy_resolve("org_care", township.path, today).params
    except PolicyMissing:
        care_params = None
    return render(request, "reserves/care.html", {
        "township": township, "townships": townships, "rows": rows, "policy_ref": ref, "form": form, "today": today,
        "leaders": queries.leaders_of(township, today), "kinds": list(rules.CARE_LABELS.items()),
        "overdue": sum(r.overdue for r in rows), "params": care_params}, status=status)
