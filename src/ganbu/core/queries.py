"""Scoped reads behind the core pages: calendar overview, policy versions and parameters, audit log."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from pydantic import ValidationError

from ganbu.core.access import NotFound, has_perm, perm_paths, scope_q
from ganbu.core.models import AuditEntry, CalendarDay, CalendarYear, Job, PolicyVersion
from ganbu.core.policy import MODULES, _ancestor_paths, merge_levels

# --- calendar -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    year: int
    status: str  # official | provisional
    label: str
    source: str
    holidays: int
    workdays: int


def calendar_years(extra: list[int] | None = None) -> list[YearRow]:
    """Every year the table knows, plus this year and next (so an unknown next year shows up)."""
    today = timezone.localdate()
    counts: dict[int, dict[str, int]] = {}
    for row in (CalendarDay.objects.values("date__year", "is_workday").annotate(n=Count("id"))):
        counts.setdefault(row["date__year"], {})["w" if row["is_workday"] else "h"] = row["n"]
    status = {y.year: y for y in CalendarYear.objects.all()}
    years = sorted(set(counts) | set(status) | {today.year, today.year + 1} | set(extra or []))
    rows = []
    for y in years:
        official = y in status and status[y].status == CalendarYear.Status.OFFICIAL
        rows.append(YearRow(
            year=y, status="official" if official else "provisional",
            label=CalendarYear.Status.OFFICIAL.label if official else CalendarYear.Status.PROVISIONAL.label,
            source=status[y].source if y in status else "", holidays=counts.get(y, {}).get("h", 0),
            workdays=counts.get(y, {}).get("w", 0)))
    return rows


def calendar_region_q(user: Any) -> Q:
    """Days a calendar manager sees: national, his regions' ancestors (read-only) and his subtrees."""
    paths = perm_paths(user, "calendar.manage")
    if "" in paths:
        return Q()
    q = Q(region="")
    for p in paths:
        q |= Q(region__startswith=p) | Q(region__in=[p[:i] for i in range(2, len(p))])
    return q


def calendar_days(user: Any, year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(calendar_region_q(user), date__year=year).order_by("date", "region")


def calendar_can_edit(user: Any, region: str) -> bool:
    """National days need nationwide scope; a regional day needs scope over that region."""
    if region == "":
        return "" in perm_paths(user, "calendar.manage")
    return has_perm(user, "calendar.manage", region)


def access_calendar_day(user: Any, pk: Any) -> CalendarDay:
    try:
        row = CalendarDay.objects.get(pk=int(pk))
    except (CalendarDay.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if not calendar_can_edit(user, row.region):
        raise NotFound()
    return row


# --- policies -------------------------------------------------------------------------------------


def policy_visible_q(user: Any, field: str = "org__path") -> Q:
    """Versions in the user's policy.view subtrees, plus the levels above them that they inherit."""
    paths = perm_paths(user, "policy.view")
    if "" in paths:
        return Q()
    ancestors = {a for p in paths for a in _ancestor_paths(p) if a != p}
    return scope_q(user, "policy.view", field) | Q(**{f"{field}__in": sorted(ancestors)})


def policy_versions(user: Any, module: str = "", org_id: Any = None, status: str = "") -> QuerySet[PolicyVersion]:
    if not perm_paths(user, "policy.view"):
        raise NotFound()
    qs = PolicyVersion.objects.filter(policy_visible_q(user)).select_related("org", "created_by", "adopted_by")
    if module:
        qs = qs.filter(module=module)
    if org_id:
        qs = qs.filter(org_id=org_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("org__path", "module", "-period_start", "-version")


def access_policy(user: Any, pk: Any) -> PolicyVersion:
    try:
        version = PolicyVersion.objects.select_related("org", "created_by", "adopted_by").get(pk=int(pk))
    except (PolicyVersion.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if version.module not in MODULES or not PolicyVersion.objects.filter(policy_visible_q(user), pk=version.pk).exists():
        raise NotFound()
    return version


def policy_levels_above(version: PolicyVersion) -> list[PolicyVersion]:
    """Adopted versions of the levels above ``version`` in force at its start, top first."""
    paths = [p for p in _ancestor_paths(version.org.path) if p != version.org.path]
    above = (PolicyVersion.objects.filter(module=version.module, status=PolicyVersion.Status.ADOPTED,
                                          org__path__in=paths, period_start__lte=version.period_start)
             .filter(Q(period_end__isnull=True) | Q(period_end__gte=version.period_start))
             .select_related("org").order_by("-period_start", "-version"))
    best: dict[str, PolicyVersion] = {}
    for cand in above:
        best.setdefault(cand.org.path, cand)
    return sorted(best.values(), key=lambda v: len(v.org.path))


@dataclass
class ParamRow:
    name: str
    title: str
    kind: str  # bool | number | text | choice | json | time | date
    choices: list[str]
    value: Any
    display: str
    form_value: str
    origin: str  # own | override | inherited | default
    origin_label: str
    source: str
    note: str
    open: bool
    suggested: str
    allowed: bool  # a township version may set it (the level above allows)
    error: str = ""


def _kind(annotation: Any) -> tuple[str, list[str]]:
    """How a parameter is edited in a form, from its type (``X | None`` edits as ``X``)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        base = args[0]
    if typing.get_origin(base) is typing.Literal:
        return "choice", [str(a) for a in typing.get_args(base)]
    if base is bool:
        return "bool", []
    if base in (int, float, Decimal):
        return "number", []
    if base is str:
        return "text", []
    if base is time:
        return "time", []
    if base is date:
        return "date", []
    return "json", []


def _display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def _form_value(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "time" and isinstance(value, str):
        return value[:5]
    return str(value)


def policy_param_rows(version: PolicyVersion, values: dict[str, Any] | None = None,
                      errors: dict[str, str] | None = None) -> list[ParamRow]:
    """Every parameter of the version: title, value, source note, inherited or set here, open or not."""
    module = MODULES[version.module]
    levels = policy_levels_above(version)
    inherited = merge_levels(version.module, levels) if levels else {}
    allowed = set(levels[-1].overridable or []) if levels else None
    schema = module.schema
    own = version.params or {}
    merged = merge_levels(version.module, [*levels, version])
    try:
        effective = schema.model_validate(merged).model_dump(mode="json")
    except ValidationError:
        effective = {**{k: _jsonable(f.default) for k, f in schema.model_fields.items()}, **merged}
    rows = []
    for name, info in schema.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        kind, choices = _kind(info.annotation)
        value = effective.get(name)
        note = (version.notes or {}).get(name, "")
        if name in own:
            origin, label = ("override", f"本级调整（上级值：{_display(inherited[name])}）") if name in inherited \
                else ("own", "本级设定")
        elif name in inherited:
            src = next((lv for lv in reversed(levels) if name in (lv.params or {})), levels[-1])
            origin, label = "inherited", f"继承自 {src.org.name}《{src.title}》v{src.version}"
            note = (src.notes or {}).get(name, "")
        else:
            origin, label = "default", "默认值"
        is_open = bool(extra.get("required_open")) and value is None
        form_value = values.get(name, _form_value(kind, value)) if values is not None else _form_value(kind, value)
        rows.append(ParamRow(
            name=name, title=info.title or name, kind=kind, choices=choices, value=value, display=_display(value),
            form_value=form_value, origin=origin, origin_label=label, source=str(extra.get("source") or ""),
            note=note, open=is_open,
            suggested=_display(_jsonable(extra.get("suggested"))) if extra.get("required_open") else "",
            allowed=allowed is None or name in allowed, error=(errors or {}).get(name, "")))
    return rows


def _jsonable(value: Any) -> Any:
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)


# --- audit ----------------------------------------------------------------------------------------


def audit_entries(user: Any, *, object_type: str = "", object_id: str = "", actor: str = "",
                  action: str = "", start: date | None = None, end: date | None = None) -> QuerySet[AuditEntry]:
    """Audit rows in the user's audit.view subtrees (rows without a path: nationwide scope only)."""
    if not perm_paths(user, "audit.view"):
        raise NotFound()
    qs = AuditEntry.objects.filter(scope_q(user, "audit.view", "org_path")).select_related("actor")
    if "" not in perm_paths(user, "audit.view"):
        qs = qs.exclude(org_path="")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__username=actor))
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end:
        qs = qs.filter(at__lte=datetime.combine(end, time.max, tzinfo=tz))
    return qs.order_by("-id")


# --- jobs -----------------------------------------------------------------------------------------


def access_job(user: Any, pk: Any) -> Job:
    """A background job the user started himself; anyone else's is not found."""
    try:
        job = Job.objects.get(pk=int(pk))
    except (Job.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if job.created_by_id != getattr(user, "pk", None):
        raise NotFound()
    return job

