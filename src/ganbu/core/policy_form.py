"""Policy parameters as Chinese forms, generated from each module's pydantic schema (POL-01, issue 10 bug 12).

A county office edits 细则 the way the document reads: lists one item a line, tiers and chains as
tables whose columns are the sub-schema's field titles, codes (roles, post titles, categories,
choices) shown and picked by their Chinese names. Nothing here knows a module: the widget is read
from the field's type, labels from the schema's titles and from the project's TextChoices.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.db import models
from pydantic import BaseModel

# Codes a policy uses that no TextChoices of ours declares.
EXTRA_LABELS = {
    "village": "村级", "township": "镇级", "county": "县级", "approve": "审批", "notify": "知会", "file": "备案",
    "none": "不核验", "geofence": "位置围栏", "qr": "现场二维码", "or": "满足其一", "and": "同时满足",
    "quarter": "按季度", "month": "按月", "half_year": "按半年", "higher": "取较高者", "sum": "合计",
    "secretary_only": "只发书记一份", "department": "所在部门", "party_committee": "党委政府",
    "daily": "日常工作", "meetings": "开会学习及临时任务", "on_site": "实地检查", "phone_location": "手机定位",
    "phone_call": "电话询问", "video_call": "视频通话", "dismissal": "辞退", "report_org_dept": "报组织部处理",
    "recall": "罢免", "removal": "免职", "other": "其他人员", "career": "事业人员", "civil_servant": "公务员",
    "village_elected": "村干部（选任）", "village_other": "其他村干部", "framework": "提出目标框架",
    "measures": "制订落实措施", "review": "审核", "established": "在编",
}
SEED_CODE = re.compile(r"(?<![A-Za-z0-9])S([0-4])(?![A-Za-z0-9])")


@functools.cache
def code_families() -> dict[str, list[tuple[str, str]]]:
    """Code → every choice of the TextChoices it belongs to: a text parameter holding a code is
    edited as a choice among its siblings, in Chinese."""
    code_labels()
    return _FAMILIES


_FAMILIES: dict[str, list[tuple[str, str]]] = {}


@functools.cache
def code_labels() -> dict[str, str]:
    """Every code → Chinese label the project declares (TextChoices in models and roles)."""
    from django.apps import apps

    labels: dict[str, str] = {}
    modules = [f"{cfg.name}.models" for cfg in apps.get_app_configs() if cfg.name.startswith("ganbu.")]
    for name in [*modules, "ganbu.org.roles"]:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        classes = [obj for _, obj in inspect.getmembers(mod, inspect.isclass)]
        classes += [inner for outer in list(classes) for inner in vars(outer).values() if inspect.isclass(inner)]
        for obj in classes:
            if issubclass(obj, models.TextChoices) and obj is not models.TextChoices:
                family = [(str(v), str(lb)) for v, lb in obj.choices]
                for value, label in family:
                    labels.setdefault(value, label)
                    _FAMILIES.setdefault(value, family)
    from ganbu.core.policy import MODULES

    for key, module in MODULES.items():
        labels.setdefault(key, module.title)
    for k, v in EXTRA_LABELS.items():
        labels.setdefault(k, v)
    return labels


def choice_labels(values: list[Any]) -> list[tuple[str, str]]:
    """Labels for a set of choices: from the one TextChoices holding them all (a code like "none"
    means different things in different families), else each code's own label."""
    codes = [str(v) for v in values]
    for family in {id(f): f for c in codes for f in [code_families().get(c)] if f}.values():
        labels = dict(family)
        if all(c in labels for c in codes):
            return [(c, labels[c]) for c in codes]
    return [(c, label_of(c)) for c in codes]


def label_of(code: Any) -> str:
    text = "" if code is None else str(code)
    return code_labels().get(text, text)


def doc_titles(text: str) -> str:
    """Seed codes (S0–S4) in a note become the document's title: users never see the codes."""
    from ganbu.core.presets import DOCUMENTS

    return SEED_CODE.sub(lambda m: f"《{DOCUMENTS[f'S{m.group(1)}']}》", text or "")


# --- the shape of a field ---------------------------------------------------------------------


@dataclass
class Column:
    name: str
    title: str
    kind: str  # text | number | bool | choice | lines | table (a list of sub-objects: a nested table)
    choices: list[tuple[str, str]] = field(default_factory=list)
    sub: list[Column] = field(default_factory=list)
    required: bool = False  # no default: a blank cell is kept as "none" (e.g. the last tier's open bound)


@dataclass
class Shape:
    kind: str  # lines | numbers | table | object | map | map_table | scalar
    columns: list[Column] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)  # for lines of codes


def _strip_none(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _column(name: str, annotation: Any, title: str) -> Column:
    base = _strip_none(annotation)
    if typing.get_origin(base) is typing.Literal:
        return Column(name, title, "choice", choice_labels(list(typing.get_args(base))))
    if base is bool:
        return Column(name, title, "bool")
    if base in (int, float, Decimal):
        return Column(name, title, "number")
    if typing.get_origin(base) is list:
        args = typing.get_args(base)
        if args and inspect.isclass(args[0]) and issubclass(args[0], BaseModel):
            return Column(name, title, "table", sub=_model_columns(args[0]))
        return Column(name, title, "lines")
    return Column(name, title, "text")


def _model_columns(model: type[BaseModel]) -> list[Column]:
    columns = []
    for n, f in model.model_fields.items():
        c = _column(n, f.annotation, f.title or n)
        c.required = f.is_required()
        columns.append(c)
    return columns


def shape_of(annotation: Any) -> Shape:
    """How a field whose value is a list, a dict or a sub-schema is edited."""
    base = _strip_none(annotation)
    origin, args = typing.get_origin(base), typing.get_args(base)
    if origin is list and args:
        item = args[0]
        if inspect.isclass(item) and issubclass(item, BaseModel):
            return Shape("table", _model_columns(item))
        if item in (int, float, Decimal):
            return Shape("numbers")
        return Shape("lines")
    if inspect.isclass(base) and issubclass(base, BaseModel):
        return Shape("object", _model_columns(base))
    if origin is dict and len(args) == 2:
        value = args[1]
        if inspect.isclass(value) and issubclass(value, BaseModel):
            return Shape("map_table", [Column("__key", "类别", "text"), *_model_columns(value)])
        if typing.get_origin(value) is dict:
            return Shape("map_table", [Column("__key", "类别", "text")])  # inner keys added from the value
        kind = "number" if value in (int, float, Decimal) else "text"
        return Shape("map", [Column("__key", "类别", "text"), Column("__value", "取值", kind)])
    return Shape("scalar")


# --- value → what the page shows ----------------------------------------------------------------


def _cell_text(value: Any, column: Column | None = None) -> str:
    if column is not None and column.kind == "table":
        return "\n".join(f"{n}. " + "，".join(f"{c.title}：{_cell_text(item.get(c.name), c)}" for c in column.sub
                                              if item.get(c.name) not in (None, ""))
                         for n, item in enumerate(value or [], start=1))
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_cell_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{label_of(k)}：{_cell_text(v)}" for k, v in value.items())
    return label_of(value)


@dataclass
class Grid:
    """A value laid out as a table or a list, for display and for the editor."""

    kind: str
    columns: list[Column]
    rows: list[list[tuple[Column, Any, str]]]  # (column, raw form value, shown text)
    items: list[str]  # lines / numbers: shown text


def _map_columns(shape: Shape, value: Any) -> list[Column]:
    columns = list(shape.columns)
    if len(columns) == 1 and isinstance(value, dict):  # dict of dicts: columns from the inner keys
        inner: list[str] = []
        for v in value.values():
            for k in (v or {}):
                if k not in inner:
                    inner.append(k)
        columns += [Column(k, label_of(k), "text") for k in inner]
    return columns


def grid(annotation: Any, value: Any) -> Grid:
    shape = shape_of(annotation)
    if shape.kind in ("lines", "numbers"):
        return Grid(shape.kind, [], [], [label_of(v) for v in (value or [])])
    if shape.kind == "table":
        items = value or []
        return Grid("table", shape.columns, [[(c, _form(c, row.get(c.name)), _cell_text(row.get(c.name), c))
                                              for c in shape.columns] for row in items], [])
    if shape.kind == "object":
        items = [value] if value else []
        return Grid("object", shape.columns, [[(c, _form(c, row.get(c.name)), _cell_text(row.get(c.name), c))
                                               for c in shape.columns] for row in items], [])
    if shape.kind in ("map", "map_table"):
        columns = _map_columns(shape, value)
        rows = []
        for key, v in (value or {}).items():
            cells = [(columns[0], label_of(key), label_of(key))]
            for c in columns[1:]:
                raw = v if c.name == "__value" else (v or {}).get(c.name)
                cells.append((c, _form(c, raw), _cell_text(raw, c)))
            rows.append(cells)
        return Grid(shape.kind, columns, rows, [])
    return Grid("scalar", [], [], [_cell_text(value)])


def _form(column: Column, value: Any) -> Any:
    if column.kind == "table":  # a nested table: its rows of cells, plus a blank one to add
        rows = [[(c, _form(c, item.get(c.name)), "") for c in column.sub] for item in (value or [])]
        return rows + [[(c, "", "") for c in column.sub]]
    if value is None:
        return ""
    if column.kind == "bool":
        return "true" if value else "false"
    if column.kind == "lines" and isinstance(value, list):
        return "\n".join(label_of(v) for v in value)
    if column.kind == "text":
        return label_of(value)
    return str(value)


# --- what the form posted → value -----------------------------------------------------------------

E_NUMBER = "第 {row} 行“{col}”应为数字"
E_NUMBERS = "“{item}”不是数字，请每行填一个数字"
BLANK_ROWS = 2  # empty rows offered for adding tiers or steps


def _code_for(text: str, known: list[Any]) -> str:
    """A label typed or kept in a line maps back to its code when the field's values are codes."""
    text = text.strip()
    reverse = {label_of(k): str(k) for k in known}
    if text in reverse:
        return reverse[text]
    if any(str(k) in code_labels() for k in known):
        for code, label in code_labels().items():
            if label == text:
                return code
    return text


def _cell_value(column: Column, text: str, known: list[Any], row: int, errors: list[str]) -> Any:
    text = text.strip()
    if column.kind == "bool":
        return text == "true"
    if text == "":
        return None
    if column.kind == "number":
        try:
            number = Decimal(text)
        except ArithmeticError:
            errors.append(E_NUMBER.format(row=row, col=column.title))
            return text  # kept as typed, to show it again beside the error
        return int(number) if number == number.to_integral_value() and "." not in text else text
    if column.kind == "lines":
        return [_code_for(line, known) for line in text.splitlines() if line.strip()]
    if column.kind == "choice":
        return text
    return _code_for(text, known) if known else text


def parse_shaped(annotation: Any, name: str, data: Any, current: Any) -> tuple[Any, list[str]]:
    """Read one list/dict/sub-schema field from the posted form. Returns (value, error messages)."""
    shape = shape_of(annotation)
    errors: list[str] = []
    prefix = f"p_{name}"
    if shape.kind == "lines":
        known = list(current or [])
        lines = [ln for ln in str(data.get(prefix, "")).splitlines() if ln.strip()]
        return [_code_for(ln, known) for ln in lines], errors
    if shape.kind == "numbers":
        out: list[Any] = []
        for item in re.split(r"[\s,，、]+", str(data.get(prefix, "")).strip()):
            if not item:
                continue
            try:
                out.append(int(Decimal(item)) if Decimal(item) == Decimal(item).to_integral_value() else item)
            except ArithmeticError:
                errors.append(E_NUMBERS.format(item=item))
        return (out or None), errors
    if shape.kind in ("table", "object", "map", "map_table"):
        columns = _map_columns(shape, current) if shape.kind.startswith("map") else shape.columns
        rows = _parse_rows(columns, prefix, data, _rows_of(current, shape.kind), errors)
        if shape.kind == "table":
            return rows, errors
        if shape.kind == "object":
            return (rows[0] if rows else None), errors
        out_map: dict[str, Any] = {}
        for r in rows:
            key = r.pop("__key", None)
            if key in (None, ""):
                continue
            out_map[str(key)] = r.get("__value") if shape.kind == "map" else r
        return out_map, errors
    return current, errors


def _parse_rows(columns: list[Column], prefix: str, data: Any, current: list[dict[str, Any]],
                errors: list[str]) -> list[dict[str, Any]]:
    """Rows of a table editor (``prefix__rows`` of them); blank or ticked-for-deletion rows dropped."""
    known: dict[str, list[Any]] = {}
    for row in current:
        for c in columns:
            v = row.get(c.name)
            known.setdefault(c.name, []).extend(v if isinstance(v, list) else [v])
    try:
        count = min(int(data.get(f"{prefix}__rows") or 0), 200)
    except ValueError:
        count = 0
    rows: list[dict[str, Any]] = []
    for i in range(count):
        if data.get(f"{prefix}__{i}__delete"):
            continue
        row: dict[str, Any] = {}
        for c in columns:
            name = f"{prefix}__{i}__{c.name}"
            if c.kind == "table":
                subs = [r for item in current for r in (item.get(c.name) or []) if isinstance(r, dict)]
                row[c.name] = _parse_rows(c.sub, name, data, subs, errors)
            else:
                row[c.name] = _cell_value(c, str(data.get(name, "")),
                                          [k for k in known.get(c.name, []) if k and not isinstance(k, dict)],
                                          len(rows) + 1, errors)
        blank = all(v in (None, [], False) for k, v in row.items())
        if not blank:
            required = {c.name for c in columns if c.required}
            rows.append({k: v for k, v in row.items() if v is not None or k in required})
    return rows


def _rows_of(current: Any, kind: str) -> list[dict[str, Any]]:
    if kind == "table":
        return [r for r in (current or []) if isinstance(r, dict)]
    if kind == "object":
        return [current] if isinstance(current, dict) else []
    if kind == "map_table":
        return [{"__key": k, **(v or {})} for k, v in (current or {}).items()]
    if kind == "map":
        return [{"__key": k, "__value": v} for k, v in (current or {}).items()]
    return []


def editor_rows(g: Grid) -> list[list[tuple[Column, Any, str]]]:
    """The grid's rows plus blank ones to add a tier or a step (an object edits as its one row)."""
    blank = [[(c, "", "") for c in g.columns] for _ in range(BLANK_ROWS)]
    if g.kind == "object":
        return g.rows or blank[:1]
    return g.rows + blank


def is_scalar_type(annotation: Any) -> bool:
    base = _strip_none(annotation)
    return base in (bool, int, float, Decimal, str, time, date) or typing.get_origin(base) is typing.Literal
