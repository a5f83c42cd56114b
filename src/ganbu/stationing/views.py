"""Stationing pages: check a candidate against the eligibility rules before dispatch (STN-04)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ganbu.core.access import NotFound, access_person, has_perm
from ganbu.core.policy import PolicyMissing, policy_resolve
from ganbu.stationing.rules import Candidate, stn_04_eligibility

ROLES = {"first_secretary": "驻村第一书记", "team_member": "驻村工作队员"}
E_NO_POLICY = "本地尚无施行中的驻村细则，无法核定"


@login_required
def eligibility(request: HttpRequest) -> HttpResponse:
    """STN-04: may this person be sent as first secretary or team member? Every reason if not."""
    if not has_perm(request.user, "stationing.manage"):
        raise NotFound()
    role = request.GET.get("role") if request.GET.get("role") in ROLES else "first_secretary"
    ctx: dict[str, object] = {"roles": ROLES, "role": role}
    if request.GET.get("person"):
        person = access_person(request.user, request.GET["person"], "stationing.manage")
        today = timezone.localdate()
        ctx["person"] = person
        try:
            resolved = policy_resolve("stationing", person.org_path, today)
        except PolicyMissing:
            ctx["error"] = E_NO_POLICY
        else:
            candidate = Candidate(role=role, staff_status=person.staff_status,  # type: ignore[arg-type]
                                  party_member=person.party_member, party_full_date=person.party_full_date,
                                  work_start_date=person.work_start_date)
            ctx.update(result=stn_04_eligibility(resolved.params, candidate, today), policy_ref=resolved.ref,
                       on=today)
    return render(request, "stationing/eligibility.html", ctx)
