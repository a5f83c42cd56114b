"""POL-04: recompute the current cycle under a draft points policy. Reads only; writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from ganbu.core.models import PolicyVersion
from ganbu.core.policy import PolicyError, PolicyMissing, policy_full_params, policy_resolve, validate_params
from ganbu.points import queries, rules
from ganbu.points.models import Scope

NOT_A_DRAFT = "只能预览草稿状态的积分细则"
NO_CURRENT = "该单位没有施行中的积分细则，无从比较"


class PreviewError(ValueError):
    pass


def preview_policy(*, version: PolicyVersion, year: int | None = None) -> dict[str, Any]:
    """Who would change rank and who would cross the PTS-06 line if ``version`` were adopted now."""
    if version.status != PolicyVersion.Status.DRAFT or version.module != "points":
        raise PreviewError(NOT_A_DRAFT)
    try:
        params_new = validate_params("points", policy_full_params(version))
    except PolicyError as exc:
        raise PreviewError(str(exc)) from None
    year = year or timezone.localdate().year
    prefix = version.org.path
    rows = queries.ranking(prefix, Scope.VILLAGE, year)
    agg = queries.entry_rows_for_preview(year, prefix, Scope.VILLAGE)
    totals_new: dict[int, Decimal] = {r.person_id: Decimal(0) for r in rows}
    for a in agg:
        if a["item__category"] in params_new.categories and a["person_id"] in totals_new:
            totals_new[a["person_id"]] += Decimal(a["points"])
    by_township: dict[str, list[rules.RankRow]] = {}
    for r in rows:
        by_township.setdefault(r.org_path[:9], []).append(r)
    changes: list[rules.PreviewChange] = []
    today = timezone.localdate()
    for path, group in sorted(by_township.items()):
        try:
            params_now = policy_resolve("points", path, today).params
        except PolicyMissing:
            raise PreviewError(NO_CURRENT) from None
        changes += rules.preview(group, params_now, params_new, {r.person_id: totals_new[r.person_id] for r in group})
    return {
        "version": version, "year": year, "params": params_new, "changes": changes,
        "rank_changes": [c for c in changes if c.rank_changed],
        "threshold_changes": [c for c in changes if c.threshold_changed],
    }
