"""What a frozen notice shows: its rows as tables, whatever shape its publisher froze (PUB-01, PUB-03).

Publishers freeze content in three shapes: ``columns`` + ``rows`` (lists), ``rows`` as dicts (the
monthly attendance notice) and ``entries`` as dicts (the county absenteeism circular). Versions
already published keep their shape forever (PUB-02), so the page, the poster and the circular
read all three through this one function instead of each template guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Chinese headers for the keys publishers freeze in dict rows; keys not listed are not shown.
LABELS: dict[str, str] = {
    "rank": "名次", "name": "姓名", "person": "姓名", "org": "单位", "village": "所在村",
    "title": "事由", "from": "起", "to": "止", "days": "天数", "calendar_days": "天数", "working_days": "工作日数",
    "present": "出勤", "leave": "请假", "trip": "出差", "meeting": "开会", "absent": "缺勤",
    "deduction": "扣款（元）", "half_absent": "半年累计缺勤", "half_deduction": "半年累计扣款（元）",
    "measure": "处理措施", "total": "合计", "cadres": "人数", "average": "人均", "amount": "奖励金（元）",
}
TABLE_TITLES = {"villages": "村汇总", "rewards": "奖励名单"}
RULE_ID = re.compile(r"^[A-Z]{2,4}-\d{2}$")
EMPTY = "—"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    title: str = ""


@dataclass
class Shown:
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # plain sentences (method, rule in words)

    @property
    def wide(self) -> bool:
        """More than six columns print on a landscape page."""
        return any(len(t.columns) > 6 for t in self.tables)

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)


def _choice_labels() -> dict[str, str]:
    """Codes publishers froze as values (a case's measure) shown by their Chinese label."""
    from ganbu.cases.models import Measure

    return dict(Measure.choices)


def _cell(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "measure":
        return _choice_labels().get(str(value), str(value))
    return str(value)


TABLE_LABELS = {"villages": {"name": "村（社区）"}}


def _dict_table(items: list[dict[str, Any]], title: str = "", labels: dict[str, str] | None = None) -> Table | None:
    labels = {**LABELS, **(labels or {})}
    keys: list[str] = []
    for item in items:
        for k in item:
            if k in labels and k not in keys:
                keys.append(k)
    if not keys:
        return None
    return Table([labels[k] for k in keys], [[_cell(item.get(k), k) for k in keys] for item in items], title)


def notice_shown(content: dict[str, Any] | None) -> Shown:
    """Tables and sentences of a notice's frozen content, in Chinese, in the order published."""
    shown = Shown()
    content = content or {}
    for key in ("tie_method", "rule"):
        text = content.get(key)
        if isinstance(text, str) and text and not RULE_ID.match(text):
            shown.notes.append(text)
    rows = content.get("rows") or []
    if content.get("columns"):
        shown.tables.append(Table([str(c) for c in content["columns"]],
                                  [[_cell(c) for c in row] if isinstance(row, list | tuple)
                                   else [_cell(row)] for row in rows]))
    elif rows and all(isinstance(r, dict) for r in rows):
        table = _dict_table(rows)
        if table:
            shown.tables.append(table)
    entries = content.get("entries") or []
    if entries and all(isinstance(e, dict) for e in entries):
        table = _dict_table(entries)
        if table:
            shown.tables.append(table)
    for key, title in TABLE_TITLES.items():
        items = content.get(key) or []
        if items and all(isinstance(i, dict) for i in items):
            table = _dict_table(items, title, TABLE_LABELS.get(key))
            if table:
                shown.tables.append(table)
    if isinstance(content.get("text"), str) and content["text"]:
        shown.notes.append(content["text"])
    return shown
