"""Pure validation of a roster workbook (RPT-02, ORG-02, ORG-03, ORG-08). No ORM, no I/O.

Input: the sheets as header→value dicts with their Excel row numbers, and a ``RosterContext`` of
plain facts from the database. Output: every bad row and field (Chinese), or a plan of typed
values to write. Nothing here writes, so a file with any bad row changes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ganbu.core.idnumber import birth_date_of, gender_of, id_number_error
from ganbu.org.models import Education, Gender, PersonCategory, PostTitle, StaffStatus, VillageCategory
from ganbu.org.rules import PostSpan, funded_post_error, post_conflicts, spans_overlap

VILLAGE_SHEET = "村（社区）"
PEOPLE_SHEET = "干部"
POST_SHEET = "职务"
VILLAGE_HEADERS = ["区划代码", "名称", "类型", "所属镇（街道）", "户数", "村类别", "办公地址", "纬度", "经度", "办公电话"]
PEOPLE_HEADERS = ["公民身份号码", "姓名", "性别", "出生日期", "手机", "工作电话", "中共党员", "入党日期", "转正日期",
                  "编制状态", "人员类别", "学历", "参加工作时间", "所在单位代码", "所在单位"]
POST_HEADERS = ["公民身份号码", "姓名", "任职单位代码", "任职单位", "职务", "任职起", "任职止", "职数内", "主职",
                "安全职责", "派出单位", "离任原因"]
SHEETS = {VILLAGE_SHEET: VILLAGE_HEADERS, PEOPLE_SHEET: PEOPLE_HEADERS, POST_SHEET: POST_HEADERS}
REQUIRED = {
    VILLAGE_SHEET: ["区划代码"],
    PEOPLE_SHEET: ["公民身份号码", "姓名", "性别", "所在单位代码"],
    POST_SHEET: ["公民身份号码", "任职单位代码", "职务", "任职起", "安全职责"],
}
TEXT_COLUMNS = ["公民身份号码", "手机", "工作电话", "办公电话", "区划代码", "所在单位代码", "任职单位代码"]
NOT_FOR_REIMPORT = "脱敏导出，不可用于再导入"

E_MASKED_FILE = "该文件是脱敏导出（身份证号已隐藏），不可用于再导入；请使用可查看完整身份证号的账号导出或下载模板填写"
E_NO_SHEETS = "文件中没有「村（社区）」「干部」「职务」任何一张工作表"
E_MISSING_COLUMN = "缺少列「{col}」"
E_REQUIRED = "{col}必填"
E_ORG_UNKNOWN = "单位代码 {code} 不存在或不在您的管理范围内"
E_NOT_VILLAGE = "区划代码 {code} 不是村（社区）"
E_NAME_MISMATCH = "名称与区划代码不符（系统中为「{name}」）；更名请在组织架构中办理区划变更"
E_DUPLICATE = "与本文件第 {row} 行重复"
E_INT = "应为不小于0的整数"
E_NUMBER = "应为数字"
E_RANGE = "超出范围（{lo}～{hi}）"
E_DATE = "日期格式应为 YYYY-MM-DD"
E_CHOICE = "「{value}」不是有效选项（可选：{options}）"
E_BOOL = "应填「是」或「否」"
E_GENDER_ID = "性别与身份证号不符"
E_BIRTH_ID = "出生日期与身份证号不符"
E_PARTY_DATES = "转正日期不能早于入党日期"
E_PERSON_OUTSIDE = "该身份证号已登记在您管理范围以外的单位"
E_PERSON_UNKNOWN = "该身份证号既不在「干部」表中，也未在系统中登记"
E_END_BEFORE_START = "任职止日期不能早于任职起日期"
E_SAFETY = "每个职务须明确安全职责（一岗双责）"
E_UNIT_UNKNOWN = "派出单位「{value}」不存在"
E_ORG_CLOSED = "{name} 已撤销或合并，只能保留原有记录，不能新增人员或职务"


@dataclass(frozen=True)
class OrgInfo:
    key: str  # division code, or path for units/departments
    path: str
    name: str
    kind: str
    in_scope: bool
    valid_to: date | None = None

    @property
    def active(self) -> bool:
        return self.valid_to is None


@dataclass(frozen=True)
class PersonInfo:
    id_number: str
    in_scope: bool
    org_path: str = ""


@dataclass(frozen=True)
class PostInfo:
    id_number: str
    org_path: str
    title: str
    start: date
    end: date | None
    funded: bool


@dataclass
class RosterContext:
    orgs: dict[str, OrgInfo]  # by code and by path
    units: dict[str, OrgInfo]  # dispatch units by name and by path
    persons: dict[str, PersonInfo]
    posts: list[PostInfo]
    quota: dict[str, tuple[int, list[str]]]  # village path -> (quota, funded titles)
    village_kinds: frozenset[str] = frozenset({"village", "community"})


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "field": self.field, "message": self.message}


@dataclass
class RosterPlan:
    villages: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)


Rows = list[tuple[int, dict[str, Any]]]


# ---------------------------------------------------------------- cell parsing
def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(value: Any) -> date | None:
    """A date from a date cell or text like 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日. Raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE_RE.match(text(value))
    if not m:
        raise ValueError(E_DATE)
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(E_DATE) from None


def parse_bool(value: Any) -> bool | None:
    t = text(value)
    if t == "":
        return None
    if t in {"是", "Y", "y", "1", "TRUE", "True", "true", "√"}:
        return True
    if t in {"否", "N", "n", "0", "FALSE", "False", "false", "×"}:
        return False
    raise ValueError(E_BOOL)


def parse_choice(value: Any, choices: Iterable[tuple[str, str]]) -> str:
    t = text(value)
    pairs = list(choices)
    for v, label in pairs:
        if t in (label, v):
            return v
    raise ValueError(E_CHOICE.format(value=t, options="、".join(label for _, label in pairs)))


def bool_text(value: bool) -> str:
    return "是" if value else "否"


def date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


# ---------------------------------------------------------------- validation
class _Collector:
    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def add(self, sheet: str, row: int, fld: str, msg: str) -> None:
        self.errors.append(RowError(sheet, row, fld, msg))

    def take(self, sheet: str, row: int, fld: str, fn: Callable[[Any], Any], value: Any) -> Any:
        try:
            return fn(value)
        except ValueError as exc:
            self.add(sheet, row, fld, str(exc))
            return None


def check_headers(sheets: dict[str, tuple[int, list[str]]]) -> list[RowError]:
    """Every sheet present must have its required columns."""
    errors = []
    if not any(name in sheets for name in SHEETS):
        return [RowError("", 0, "", E_NO_SHEETS)]
    for name, (row, headers) in sheets.items():
        if name not in SHEETS:
            continue
        for col in REQUIRED[name]:
            if col not in headers:
                errors.append(RowError(name, row, col, E_MISSING_COLUMN.format(col=col)))
    return errors


def _int(value: Any) -> int | None:
    t = text(value)
    if t == "":
        return None
    if not t.isdigit():
        raise ValueError(E_INT)
    return int(t)


def _coord(lo: int, hi: int) -> Callable[[Any], Decimal | None]:
    def parse(value: Any) -> Decimal | None:
        t = text(value)
        if t == "":
            return None
        try:
            d = Decimal(t).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise ValueError(E_NUMBER) from None
        if not lo <= d <= hi:
            raise ValueError(E_RANGE.format(lo=lo, hi=hi))
        return d

    return parse


def _categories(value: Any) -> list[str]:
    t = text(value)
    if not t:
        return []
    out = []
    for part in re.split(r"[、,，;；\s]+", t):
        if part:
            out.append(parse_choice(part, VillageCategory.choices))
    return out


def validate_roster(sheets: dict[str, Rows], ctx: RosterContext,
                    progress: Callable[[int], None] | None = None) -> tuple[list[RowError], RosterPlan]:
    """Check every row of every sheet; returns (errors, plan). The plan is only to be written when
    there are no errors."""
    c = _Collector()
    plan = RosterPlan()
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and done % 50 == 0:
            progress(done)

    def org_of(sheet: str, row: int, col: str, value: Any) -> OrgInfo | None:
        code = text(value)
        info = ctx.orgs.get(code)
        if info is None or not info.in_scope:
            c.add(sheet, row, col, E_ORG_UNKNOWN.format(code=code))
            return None
        return info

    def required(sheet: str, row: int, data: dict[str, Any]) -> set[str]:
        missing = set()
        for col in REQUIRED[sheet]:
            if text(data.get(col)) == "":
                c.add(sheet, row, col, E_SAFETY if col == "安全职责" else E_REQUIRED.format(col=col))
                missing.add(col)
        return missing

    # villages
    seen: dict[str, int] = {}
    for row, data in sheets.get(VILLAGE_SHEET, []):
        tick()
        missing = required(VILLAGE_SHEET, row, data)
        code = text(data.get("区划代码"))
        info = None if "区划代码" in missing else org_of(VILLAGE_SHEET, row, "区划代码", code)
        if info is not None and info.kind not in ctx.village_kinds:
            c.add(VILLAGE_SHEET, row, "区划代码", E_NOT_VILLAGE.format(code=code))
            info = None
        if info is not None and not info.active:
            c.add(VILLAGE_SHEET, row, "区划代码", E_ORG_CLOSED.format(name=info.name))
            info = None
        if code and code in seen:
            c.add(VILLAGE_SHEET, row, "区划代码", E_DUPLICATE.format(row=seen[code]))
        seen.setdefault(code, row)
        name = text(data.get("名称"))
        if info is not None and name and name != info.name:
            c.add(VILLAGE_SHEET, row, "名称", E_NAME_MISMATCH.format(name=info.name))
        households = c.take(VILLAGE_SHEET, row, "户数", _int, data.get("户数"))
        cats = c.take(VILLAGE_SHEET, row, "村类别", _categories, data.get("村类别"))
        lat = c.take(VILLAGE_SHEET, row, "纬度", _coord(-90, 90), data.get("纬度"))
        lng = c.take(VILLAGE_SHEET, row, "经度", _coord(-180, 180), data.get("经度"))
        if info is not None:
            plan.villages.append({"path": info.path, "households": households, "categories": cats or [],
                                  "address": text(data.get("办公地址")), "latitude": lat, "longitude": lng,
                                  "phone": text(data.get("办公电话")), "row": row})

    # people
    file_people: dict[str, int] = {}
    closed_people: list[tuple[int, str, OrgInfo]] = []
    for row, data in sheets.get(PEOPLE_SHEET, []):
        tick()
        missing = required(PEOPLE_SHEET, row, data)
        idn = text(data.get("公民身份号码")).upper()
        id_ok = False
        if "公民身份号码" not in missing:
            err = id_number_error(idn)
            if err:
                c.add(PEOPLE_SHEET, row, "公民身份号码", err)
            else:
                id_ok = True
                if idn in file_people:
                    c.add(PEOPLE_SHEET, row, "公民身份号码", E_DUPLICATE.format(row=file_people[idn]))
                else:
                    file_people[idn] = row
                known = ctx.persons.get(idn)
                if known is not None and not known.in_scope:
                    c.add(PEOPLE_SHEET, row, "公民身份号码", E_PERSON_OUTSIDE)
        gender = None
        if "性别" not in missing:
            gender = c.take(PEOPLE_SHEET, row, "性别", lambda v: parse_choice(v, Gender.choices), data.get("性别"))
            if gender and id_ok and gender != gender_of(idn):
                c.add(PEOPLE_SHEET, row, "性别", E_GENDER_ID)
        birth = c.take(PEOPLE_SHEET, row, "出生日期", parse_date, data.get("出生日期"))
        if id_ok:
            if birth is None and text(data.get("出生日期")) == "":
                birth = birth_date_of(idn)
            elif birth is not None and birth != birth_date_of(idn):
                c.add(PEOPLE_SHEET, row, "出生日期", E_BIRTH_ID)
        party = c.take(PEOPLE_SHEET, row, "中共党员", parse_bool, data.get("中共党员"))
        join = c.take(PEOPLE_SHEET, row, "入党日期", parse_date, data.get("入党日期"))
        full = c.take(PEOPLE_SHEET, row, "转正日期", parse_date, data.get("转正日期"))
        if join and full and full < join:
            c.add(PEOPLE_SHEET, row, "转正日期", E_PARTY_DATES)
        status = StaffStatus.NONE
        if text(data.get("编制状态")):
            status = c.take(PEOPLE_SHEET, row, "编制状态", lambda v: parse_choice(v, StaffStatus.choices),
                            data.get("编制状态"))
        category = PersonCategory.VILLAGE_ELECTED
        if text(data.get("人员类别")):
            category = c.take(PEOPLE_SHEET, row, "人员类别", lambda v: parse_choice(v, PersonCategory.choices),
                              data.get("人员类别"))
        education = ""
        if text(data.get("学历")):
            education = c.take(PEOPLE_SHEET, row, "学历", lambda v: parse_choice(v, Education.choices),
                               data.get("学历"))
        work_start = c.take(PEOPLE_SHEET, row, "参加工作时间", parse_date, data.get("参加工作时间"))
        org = None if "所在单位代码" in missing else org_of(PEOPLE_SHEET, row, "所在单位代码", data.get("所在单位代码"))
        if org is not None and not org.active:
            known = ctx.persons.get(idn)
            if known is None or known.org_path != org.path:
                closed_people.append((row, idn, org))  # allowed only as history: checked against posts below
        if org is not None and id_ok:
            plan.people.append({
                "id_number": idn, "name": text(data.get("姓名")), "gender": gender, "birth_date": birth,
                "phone": text(data.get("手机")), "work_phone": text(data.get("工作电话")),
                "party_member": bool(party), "party_join_date": join, "party_full_date": full,
                "staff_status": status, "category": category, "education": education or "",
                "work_start_date": work_start, "org_path": org.path, "row": row,
            })

    # posts
    seen_posts: dict[tuple[str, str, str, date], int] = {}
    existing_keys = {(p.id_number, p.org_path, p.title, p.start) for p in ctx.posts}
    new_spans: list[tuple[int, PostSpan, bool]] = []
    for row, data in sheets.get(POST_SHEET, []):
        tick()
        missing = required(POST_SHEET, row, data)
        idn = text(data.get("公民身份号码")).upper()
        id_ok = False
        if "公民身份号码" not in missing:
            err = id_number_error(idn)
            if err:
                c.add(POST_SHEET, row, "公民身份号码", err)
            elif idn in file_people:
                id_ok = True
            elif idn in ctx.persons:
                id_ok = ctx.persons[idn].in_scope
                if not id_ok:
                    c.add(POST_SHEET, row, "公民身份号码", E_PERSON_OUTSIDE)
            else:
                c.add(POST_SHEET, row, "公民身份号码", E_PERSON_UNKNOWN)
        org = None if "任职单位代码" in missing else org_of(POST_SHEET, row, "任职单位代码", data.get("任职单位代码"))
        title = None
        if "职务" not in missing:
            title = c.take(POST_SHEET, row, "职务", lambda v: parse_choice(v, PostTitle.choices), data.get("职务"))
        start = None if "任职起" in missing else c.take(POST_SHEET, row, "任职起", parse_date, data.get("任职起"))
        end = c.take(POST_SHEET, row, "任职止", parse_date, data.get("任职止"))
        if start and end and end < start:
            c.add(POST_SHEET, row, "任职止", E_END_BEFORE_START)
            end = None
            start = None
        funded = c.take(POST_SHEET, row, "职数内", parse_bool, data.get("职数内"))
        principal = c.take(POST_SHEET, row, "主职", parse_bool, data.get("主职"))
        unit = None
        unit_text = text(data.get("派出单位"))
        if unit_text:
            unit = ctx.units.get(unit_text)
            if unit is None:
                c.add(POST_SHEET, row, "派出单位", E_UNIT_UNKNOWN.format(value=unit_text))
        if not (id_ok and org and title and start):
            continue
        key = (idn, org.path, title, start)
        if not org.active and key not in existing_keys and not (end and org.valid_to and end <= org.valid_to):
            c.add(POST_SHEET, row, "任职单位代码", E_ORG_CLOSED.format(name=org.name))
            continue
        if key in seen_posts:
            c.add(POST_SHEET, row, "任职起", E_DUPLICATE.format(row=seen_posts[key]))
            continue
        seen_posts[key] = row
        span = PostSpan(idn, org.path, title, start, end, row)
        new_spans.append((row, span, bool(funded)))
        plan.posts.append({
            "id_number": idn, "org_path": org.path, "title": title, "start": start, "end": end,
            "funded": bool(funded), "principal": True if principal is None else principal,
            "safety_duty": text(data.get("安全职责")), "dispatch_unit_path": unit.path if unit else None,
            "end_reason": text(data.get("离任原因")), "row": row,
        })

    history = {(p["id_number"], p["org_path"]) for p in plan.posts}
    for row, idn, org in closed_people:
        if (idn, org.path) not in history:
            c.add(PEOPLE_SHEET, row, "所在单位代码", E_ORG_CLOSED.format(name=org.name))

    # overlaps (ORG-02) and funded quota (ORG-03) against the database and the rest of the file
    in_file = {(s.person_key, s.org_key, s.title, s.start) for _, s, _ in new_spans}
    db_spans = [(PostSpan(p.id_number, p.org_path, p.title, p.start, p.end), p.funded) for p in ctx.posts
                if (p.id_number, p.org_path, p.title, p.start) not in in_file]
    all_spans = db_spans + [(s, f) for _, s, f in new_spans]
    by_post: dict[tuple[str, str], list[PostSpan]] = defaultdict(list)  # (org, title): a village has few
    funded_by_org: dict[str, list[PostSpan]] = defaultdict(list)
    for s, f in all_spans:
        by_post[(s.org_key, s.title)].append(s)
        if f:
            funded_by_org[s.org_key].append(s)
    org_names = {o.path: o.name for o in ctx.orgs.values()}
    for row, span, funded in new_spans:
        others = [s for s in by_post[(span.org_key, span.title)] if s is not span]
        for other, why in post_conflicts(span, others):
            where = f"本文件第 {other.row} 行" if other.row else "系统中已有记录"
            c.add(POST_SHEET, row, "任职起", f"{why}（与{where}，{other.start}起）")
        if funded and span.org_key in ctx.quota:
            quota, titles = ctx.quota[span.org_key]
            overlapping = sum(1 for s in funded_by_org[span.org_key] if s is not span and spans_overlap(s, span))
            err = funded_post_error(title=span.title, title_label=PostTitle(span.title).label,
                                    org_label=org_names.get(span.org_key, span.org_key), funded_titles=titles,
                                    quota=quota, other_funded_overlapping=overlapping)
            if err:
                c.add(POST_SHEET, row, "职数内", err)
    if progress:
        progress(done)
    c.errors.sort(key=lambda e: (list(SHEETS).index(e.sheet) if e.sheet in SHEETS else -1, e.row))
    return c.errors, plan
