"""STN-04 eligibility of a person record, read by org.services.post_start and the stationing pages.

Kept apart from ``queries.py`` so the org service can import it without pulling in the app's models.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ganbu.stationing.rules import Candidate, Eligibility, stn_04_eligibility

E_INELIGIBLE = "不符合驻村选派条件：{reasons}"
E_OVERRIDE_NOT_COUNTY = "只有县委组织部（县级驻村工作主管部门）可以破格任用，并须记录理由"


def stationing_params(org_path: str, on: date) -> tuple[Any, str]:
    """The stationing policy in force at ``org_path`` on ``on``; before any adoption, the requirement defaults."""
    from ganbu.core.policy import PolicyMissing, policy_resolve
    from ganbu.stationing.policy import StationingParams

    try:
        resolved = policy_resolve("stationing", org_path, on)
    except PolicyMissing:
        return StationingParams(), "驻村细则默认值（尚未施行本地细则）"
    return resolved.params, resolved.ref


def person_eligibility(person: Any, role: str, org_path: str, on: date) -> tuple[Eligibility, str]:
    """STN-04 for a person record: every reason he may not be sent, and the policy reference used."""
    params, ref = stationing_params(org_path, on)
    candidate = Candidate(role="first_secretary" if role == "first_secretary" else "team_member",
                          staff_status=person.staff_status, party_member=person.party_member,
                          party_full_date=person.party_full_date, work_start_date=person.work_start_date)
    return stn_04_eligibility(params, candidate, on), ref


E_HANDOVER_NOT_STARTED = "接任人选尚未报到，过渡期未开始，被调整人员不能离岗"
E_HANDOVER = "过渡期至 {end} 结束，被调整人员须在过渡期结束后方能离岗（离任日期不得早于 {end}）"


def handover_end_error(post: Any, end: date) -> str | None:
    """STN-06: the outgoing cadre's post may not end before the handover period with his replacement ends."""
    from ganbu.stationing.models import Selection

    sel = (Selection.objects.filter(outgoing_id=post.pk, status__in=[Selection.Status.APPROVED,
                                                                   Selection.Status.REPORTED])
           .order_by("-id").first())
    if sel is None:
        return None
    if sel.handover_end is None:
        return E_HANDOVER_NOT_STARTED
    if end < sel.handover_end:
        return E_HANDOVER.format(end=sel.handover_end)
    return None
