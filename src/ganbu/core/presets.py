"""Presets that reproduce each seed document S0–S4 (POL-02).

Each app's ``policy.py`` holds ``PRESETS = {"S0": Preset(...), ...}`` for its own module: what
that document gives for the module, with a note per number naming where it comes from. A
county-level document (S3, S4) becomes a county version; a township-level one (S0, S1, S2) a
township version over it.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic_core import to_jsonable_python

from ganbu.core.policy import (
    MODULES,
    PolicyVersion,
    open_fields,
    policy_adopt,
    policy_full_params,
    policy_save_draft,
)

DOCUMENTS = {
    "S0": "某镇关于加强镇村干部管理的决定",
    "S1": "某街道村（社区）党建与目标管理千分制意见",
    "S2": "敬梓镇村干部积分制管理办法",
    "S3": "荣成市村干部任期目标管理与补贴办法",
    "S4": "某县驻村第一书记和工作队管理办法",
}
COUNTY_LEVEL = {"S3", "S4"}


@dataclass(frozen=True)
class Preset:
    title: str
    params: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)
    overridable: list[str] | None = None  # None: every field (county presets only)


def module_presets() -> dict[str, dict[str, Preset]]:
    """{module: {doc: Preset}} gathered from every app that declares presets."""
    out: dict[str, dict[str, Preset]] = {}
    for module, info in MODULES.items():
        # The schema's own module first (core/care_policy.py holds org_care beside its schema).
        for name in (info.schema.__module__, *(f"ganbu.{app}.policy" for app in (module, module.split("_")[0]))):
            try:
                if importlib.util.find_spec(name) is None:
                    continue
            except ModuleNotFoundError:  # "points_township": no package ganbu.points_township
                continue
            mod = importlib.import_module(name)
            presets = getattr(mod, "PRESETS", {}).get(module) if isinstance(getattr(mod, "PRESETS", {}), dict) else None
            if presets:
                out[module] = presets
                break
    return out


def presets_load(*, actor: Any, county: Any, townships: list[Any], year: int, adopt: bool,
                 fill_suggested: bool = False) -> list[PolicyVersion]:
    """Load every preset as drafts (and adopt them when asked). Returns the versions, one per preset and org.

    A preset already loaded for that org and year is left as it is (the command can run again safely).
    """
    written: list[PolicyVersion] = []
    start = date(year, 1, 1)
    for module, docs in module_presets().items():
        schema = MODULES[module].schema
        # County documents first, so a township version is checked against (and inherits) them.
        for doc, preset in sorted(docs.items(), key=lambda d: (d[0] not in COUNTY_LEVEL, d[0])):
            orgs = [county] if doc in COUNTY_LEVEL else townships
            for org in orgs:
                existing = PolicyVersion.objects.filter(org=org, module=module, preset=doc, period_start=start).first()
                if existing is not None:  # loading twice does not duplicate versions
                    written.append(existing)
                    continue
                params = to_jsonable_python(dict(preset.params))
                notes = dict(preset.notes)
                if fill_suggested:
                    inherited = {} if doc in COUNTY_LEVEL else _inherited(module, org, start)
                    for name, info in schema.model_fields.items():
                        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
                        if (extra.get("required_open") and params.get(name) is None
                                and (name in params or inherited.get(name) is None)):
                            params[name] = to_jsonable_python(extra.get("suggested"))
                            notes[name] = "非原文规定（演示用建议值）"
                overridable = preset.overridable if preset.overridable is not None else list(schema.model_fields)
                version = policy_save_draft(
                    actor=actor, org=org, module=module, title=f"{DOCUMENTS[doc]}（{MODULES[module].title}）",
                    period_start=start, params=params, overridable=overridable if doc in COUNTY_LEVEL else [],
                    preset=doc, notes=notes,
                )
                if adopt and not open_fields(module, policy_full_params(version)):
                    version = policy_adopt(actor=actor, version=version)
                written.append(version)
    return written


def _inherited(module: str, org: Any, on: date) -> dict[str, Any]:
    """What a township version would inherit from adopted county versions on ``on``."""
    probe = PolicyVersion(org=org, module=module, period_start=on, params={})
    return policy_full_params(probe)
