"""Versioned policies (细则): typed schemas per module, inheritance, adoption (POL-01..03).

Each domain app declares a pydantic schema in its ``policy.py`` and registers it from its
``apps.py``. Field defaults are the defaults REQUIREMENTS.md gives; a number a seed leaves
open is declared with :func:`open_param` and blocks adoption until filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import to_jsonable_python

from ganbu.core.audit import audit_record, snapshot
from ganbu.core.models import PolicyVersion
from ganbu.core.stamps import invalidate

NOT_FROM_SOURCE = "非原文规定（建议值）"


class PolicyParams(BaseModel):
    """Base of every module schema: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def param(default: Any, title: str, *, source: str = "", **kw: Any) -> Any:
    """A parameter with a default from the seed document named in ``source``."""
    return Field(default=default, title=title, json_schema_extra={"source": source}, **kw)


def open_param(suggested: Any, title: str, **kw: Any) -> Any:
    """A number the seed leaves open: required before adoption; ``suggested`` is not from the source."""
    return Field(
        default=None, title=title,
        json_schema_extra={"required_open": True, "suggested": suggested, "source": NOT_FROM_SOURCE}, **kw,
    )


@dataclass(frozen=True)
class PolicyModule:
    key: str
    title: str
    schema: type[PolicyParams]


MODULES: dict[str, PolicyModule] = {}


def register_module(key: str, title: str, schema: type[PolicyParams]) -> None:
    MODULES[key] = PolicyModule(key, title, schema)


class PolicyError(ValueError):
    """Invalid parameters, with one Chinese message per field.

    ``errors`` is keyed by the field's display title; ``fields`` by the parameter name (for forms).
    """

    def __init__(self, errors: dict[str, str], fields: dict[str, str] | None = None):
        self.errors = errors
        self.fields = fields or {}
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))


class PolicyMissing(LookupError):
    pass


_MESSAGES = {
    "missing": "必填",
    "extra_forbidden": "不是本模块的参数",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是/否",
    "time_parsing": "时间格式应为 HH:MM",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
}


def _field_title(schema: type[BaseModel], loc: tuple[Any, ...]) -> str:
    if loc and isinstance(loc[0], str) and loc[0] in schema.model_fields:
        title = schema.model_fields[loc[0]].title or loc[0]
        rest = ".".join(str(p) for p in loc[1:])
        return f"{title}（{loc[0]}{'.' + rest if rest else ''}）"
    return ".".join(str(p) for p in loc) or "参数"


def _chinese(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in {"greater_than_equal", "greater_than"}:
        return f"应{'不小于' if kind.endswith('equal') else '大于'} {ctx.get('ge', ctx.get('gt'))}"
    if kind in {"less_than_equal", "less_than"}:
        return f"应{'不大于' if kind.endswith('equal') else '小于'} {ctx.get('le', ctx.get('lt'))}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return _MESSAGES.get(kind, err["msg"])


def validate_params(module: str, data: dict[str, Any]) -> PolicyParams:
    """Validate a full parameter set; errors come back in Chinese, keyed by field."""
    schema = MODULES[module].schema
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        fields: dict[str, str] = {}
        for e in errors:
            name = str(e["loc"][0]) if e["loc"] else "__all__"
            fields[name] = "；".join(filter(None, [fields.get(name), _chinese(e)]))
        raise PolicyError({_field_title(schema, tuple(e["loc"])): _chinese(e) for e in errors}, fields) from exc


def open_fields(module: str, params: PolicyParams | dict[str, Any]) -> list[str]:
    """Titles of required-open parameters still unfilled: adoption waits for them."""
    schema = MODULES[module].schema
    values = params if isinstance(params, dict) else params.model_dump()
    missing = []
    for name, info in schema.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("required_open") and values.get(name) is None:
            missing.append(f"{info.title}（{name}）")
    return missing


T = TypeVar("T", bound=PolicyParams)


@dataclass(frozen=True)
class ResolvedPolicy(Generic[T]):
    """Parameters in force, and which versions produced them (POL-03)."""

    params: T
    version_id: int
    versions: tuple[int, ...]
    ref: str


def _ancestor_paths(path: str) -> list[str]:
    return [p for p in (path[:6], path[:9], path[:12]) if p and len(p) <= len(path)] if path[:1].isdigit() else [path]


_cache: dict[tuple[Any, ...], ResolvedPolicy[Any]] = {}


def policy_stamp() -> tuple[Any, ...]:
    from ganbu.core.stamps import policy_stamp as stamp

    return stamp()


def merge_levels(module: str, levels: list[PolicyVersion]) -> dict[str, Any]:
    """Top level's params, then each lower level's overrides where the level above allows them."""
    merged: dict[str, Any] = {}
    allowed: set[str] | None = None
    for level in levels:
        for key, value in level.params.items():
            if allowed is None or key in allowed:
                merged[key] = value
        allowed = set(level.overridable or [])
    return merged


def policy_resolve(module: str, org_path: str, on: date) -> ResolvedPolicy[Any]:
    """The adopted parameters for an org (by path) on a date, county first, township over it."""
    key = (module, org_path, on, policy_stamp())
    hit = _cache.get(key)
    if hit is not None:
        return hit
    paths = _ancestor_paths(org_path)
    candidates = (
        PolicyVersion.objects.filter(module=module, status=PolicyVersion.Status.ADOPTED, org__path__in=paths,
                                     period_start__lte=on)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=on))
        .select_related("org")
        .order_by("-period_start", "-version")
    )
    best: dict[str, PolicyVersion] = {}
    for cand in candidates:
        best.setdefault(cand.org.path, cand)
    levels = sorted(best.values(), key=lambda v: len(v.org.path))
    if not levels:
        raise PolicyMissing(f"{org_path} 在 {on} 没有施行中的「{MODULES[module].title}」细则")
    params = validate_params(module, merge_levels(module, levels))
    ref = " / ".join(f"{v.org.name}《{v.title}》v{v.version}" for v in levels)
    resolved = ResolvedPolicy(params=params, version_id=levels[-1].pk, versions=tuple(v.pk for v in levels), ref=ref)
    if len(_cache) > 4096:
        _cache.clear()
    _cache[key] = resolved
    return resolved


def _check_overrides(version: PolicyVersion) -> None:
    parent_levels = [
        p for p in _ancestor_paths(version.org.path) if p != version.org.path
    ]
    if not parent_levels:
        return
    above = (
        PolicyVersion.objects.filter(module=version.module, status=PolicyVersion.Status.ADOPTED,
                                     org__path__in=parent_levels, period_start__lte=version.period_start)
        .select_related("org").order_by("-period_start", "-version")
    )
    best: dict[str, PolicyVersion] = {}
    for cand in above:
        best.setdefault(cand.org.path, cand)
    if not best:
        return
    nearest = max(best.values(), key=lambda v: len(v.org.path))
    allowed = set(nearest.overridable or [])
    schema = MODULES[version.module].schema
    refused_keys = [k for k in version.params if k not in allowed]
    if refused_keys:
        message = f"上级《{nearest.title}》不允许下级调整此参数"
        raise PolicyError({_field_title(schema, (k,)): message for k in refused_keys},
                          {k: message for k in refused_keys})


def policy_full_params(version: PolicyVersion) -> dict[str, Any]:
    """This version's own params merged over what it inherits."""
    paths = [p for p in _ancestor_paths(version.org.path) if p != version.org.path]
    above = (
        PolicyVersion.objects.filter(module=version.module, status=PolicyVersion.Status.ADOPTED,
                                     org__path__in=paths, period_start__lte=version.period_start)
        .select_related("org").order_by("-period_start", "-version")
    )
    best: dict[str, PolicyVersion] = {}
    for cand in above:
        best.setdefault(cand.org.path, cand)
    levels = sorted(best.values(), key=lambda v: len(v.org.path)) + [version]
    return merge_levels(version.module, levels)


@transaction.atomic
def policy_save_draft(
    *, actor: Any, org: Any, module: str, title: str, period_start: date, params: dict[str, Any],
    period_end: date | None = None, overridable: list[str] | None = None, preset: str = "",
    notes: dict[str, str] | None = None, based_on: PolicyVersion | None = None,
) -> PolicyVersion:
    """Create a new draft version (never edits an adopted one: POL-03)."""
    if module not in MODULES:
        raise PolicyError({"模块": f"未知模块 {module}"})
    # Numbered per org and module across periods, so "v2" is the second version whatever its period;
    # the org row lock keeps two editors from taking the same number.
    type(org)._default_manager.select_for_update().filter(pk=org.pk).first()
    latest = PolicyVersion.objects.filter(org=org, module=module).aggregate(m=Max("version"))
    version = PolicyVersion(
        org=org, module=module, title=title, period_start=period_start, period_end=period_end,
        version=(latest["m"] or 0) + 1, parent=based_on, params=to_jsonable_python(params),
        overridable=overridable or [],
        preset=preset, notes=notes or {}, created_by=actor if getattr(actor, "pk", None) else None,
    )
    _check_overrides(version)
    validate_params(module, policy_full_params(version))
    unknown = [k for k in version.overridable if k not in MODULES[module].schema.model_fields]
    if unknown:
        raise PolicyError({"下级可调整参数": f"未知参数 {', '.join(unknown)}"})
    version.save()
    audit_record(actor=actor, action="policy.draft", object_type="policy", object_id=version.pk,
                 org_path=org.path, after=snapshot(version))
    return version


@transaction.atomic
def policy_adopt(*, actor: Any, version: PolicyVersion) -> PolicyVersion:
    """Adopt a draft. Refused while a required-open parameter is unfilled."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PolicyVersion.Status.DRAFT:
        raise PolicyError({"状态": "只有草稿可以施行"})
    full = policy_full_params(version)
    validate_params(version.module, full)
    missing = open_fields(version.module, full)
    if missing:
        raise PolicyError({m: "原文未规定，施行前必须填写" for m in missing})
    before = snapshot(version)
    version.status = PolicyVersion.Status.ADOPTED
    version.adopted_by = actor if getattr(actor, "pk", None) else None
    version.adopted_at = timezone.now()
    version.save(update_fields=["status", "adopted_by", "adopted_at"])
    audit_record(actor=actor, action="policy.adopt", object_type="policy", object_id=version.pk,
                 org_path=version.org.path, before=before, after=snapshot(version))
    _cache.clear()
    invalidate()
    return version


E_PERIOD = "施行止不能早于施行起"
E_TITLE = "请填写细则名称"


def policy_revise(
    *, actor: Any, version: PolicyVersion, values: dict[str, Any], title: str | None = None,
    period_start: date | None = None, period_end: date | None = None, overridable: list[str] | None = None,
    replace: bool = False,
) -> PolicyVersion:
    """Save an edit of ``version`` as a NEW draft; the version edited (adopted or not) stays as it was.

    ``values`` change this level's parameters (``replace=True``: they are the whole set this level
    sets, as a form submits them; a township's unticked overrides are dropped). Strings are coerced
    by the schema, so the stored JSON has proper types. Errors come back per field.
    """
    if not replace:
        values = {**(version.params or {}), **values}
    title = (version.title if title is None else title).strip()
    start = period_start or version.period_start
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = E_TITLE
    if period_end is not None and period_end < start:
        errors["period_end"] = E_PERIOD
    if errors:
        raise PolicyError({"名称" if k == "title" else "施行止": v for k, v in errors.items()}, errors)
    params = policy_check_values(version, values, start)
    notes = dict(version.notes or {})
    changed = [k for k in params if (version.params or {}).get(k, object()) != params[k]]
    who = getattr(actor, "display_name", "") or getattr(actor, "username", "") or "系统"
    for key in changed:
        notes[key] = f"{who} 于 {timezone.localdate():%Y-%m-%d} 修改（原出处：{notes.get(key) or '无'}）"
    return policy_save_draft(
        actor=actor, org=version.org, module=version.module, title=title, period_start=start,
        period_end=period_end, params=params,
        overridable=list(version.overridable or []) if overridable is None else overridable,
        preset=version.preset, notes=notes, based_on=version,
    )


def policy_check_values(version: PolicyVersion, values: dict[str, Any], period_start: date | None = None
                        ) -> dict[str, Any]:
    """The typed parameters a revision of ``version`` would store, or PolicyError per field (no write)."""
    probe = PolicyVersion(org=version.org, module=version.module, period_start=period_start or version.period_start,
                          params=dict(values))
    _check_overrides(probe)
    dumped = validate_params(version.module, policy_full_params(probe)).model_dump(mode="json")
    return {k: dumped.get(k, v) for k, v in values.items()}
