"""Pure org rules, tested without the database (ORG-02, ORG-03, ORG-05, RPT-02 parsing)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ganbu.org.roster_rules import (
    E_BOOL,
    E_DATE,
    PEOPLE_SHEET,
    POST_SHEET,
    OrgInfo,
    PersonInfo,
    PostInfo,
    RosterContext,
    parse_bool,
    parse_date,
    validate_roster,
)
from ganbu.org.rules import PostSpan, assessor_for, funded_post_error, post_conflicts

D = date


def test_org_02_same_person_same_post_overlap_is_a_conflict():
    old = PostSpan("1", "A", "mass_org", D(2021, 1, 1), None)
    new = PostSpan("1", "A", "mass_org", D(2024, 1, 1), None)
    assert [why for _, why in post_conflicts(new, [old])] == ["同一人同一职务任期重叠"]
    ended = PostSpan("1", "A", "mass_org", D(2021, 1, 1), D(2023, 12, 31))
    assert post_conflicts(new, [ended]) == []


def test_org_02_concurrent_posts_allowed_but_single_holder_posts_exclusive():
    secretary = PostSpan("1", "A", "village_secretary", D(2021, 1, 1), None)
    assert post_conflicts(PostSpan("1", "A", "mass_org", D(2021, 1, 1), None), [secretary]) == []  # 兼职
    other = PostSpan("2", "A", "village_secretary", D(2022, 1, 1), None)
    assert [why for _, why in post_conflicts(other, [secretary])] == ["该职务同一时间只能有一人担任"]
    assert post_conflicts(PostSpan("2", "A", "group_leader", D(2022, 1, 1), None),
                          [PostSpan("1", "A", "group_leader", D(2021, 1, 1), None)]) == []


@given(st.dates(D(2000, 1, 1), D(2030, 1, 1)), st.integers(0, 2000), st.integers(0, 2000))
def test_org_02_overlap_is_symmetric(start, len_a, gap):
    a = PostSpan("1", "A", "village_director", start, start + timedelta(days=len_a))
    b_start = start + timedelta(days=gap)
    b = PostSpan("2", "A", "village_director", b_start, None)
    assert bool(post_conflicts(a, [b])) == bool(post_conflicts(b, [a])) == (gap <= len_a)


def test_org_03_funded_quota_and_titles():
    titles = ["village_secretary", "village_director", "village_clerk"]
    ok = funded_post_error(title="village_clerk", title_label="文书", org_label="东村", funded_titles=titles, quota=3,
                           other_funded_overlapping=2)
    assert ok is None
    full = funded_post_error(title="village_clerk", title_label="文书", org_label="东村", funded_titles=titles, quota=3,
                             other_funded_overlapping=3)
    assert full == "东村 职数内职务已满 3 个，不能再设享受补贴的职务"
    assert "非职数工资自酬" in funded_post_error(title="group_leader", title_label="社长", org_label="东村",
                                                 funded_titles=titles, quota=3, other_funded_overlapping=0)
    # the quota is a parameter: a county allowing 4 accepts a fourth
    assert funded_post_error(title="village_clerk", title_label="文书", org_label="东村", funded_titles=titles,
                             quota=4, other_funded_overlapping=3) is None


def test_org_05_assessor_rule_wins_over_policy_default():
    defaults = {"career": {"daily": "department", "meetings": "party_committee"}}
    assert assessor_for("career", {}, defaults) == ("department", "party_committee")
    assert assessor_for("career", {"career": ("party_committee", "party_committee")}, defaults) == (
        "party_committee", "party_committee")
    assert assessor_for("village_elected", {}, defaults) == ("party_committee", "party_committee")


@given(st.dates(D(1950, 1, 1), D(2050, 12, 31)))
def test_rpt_02_dates_in_office_spellings(d):
    for s in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month}.{d.day}",
              f"{d.year}年{d.month}月{d.day}日"):
        assert parse_date(s) == d
    assert parse_date(datetime(d.year, d.month, d.day)) == d


def test_rpt_02_bad_cells():
    import pytest

    for bad in ("2024-13-01", "明天", "20240101"):
        with pytest.raises(ValueError, match=E_DATE):
            parse_date(bad)
    with pytest.raises(ValueError, match=E_BOOL):
        parse_bool("也许")
    assert parse_bool("是") is True and parse_bool("否") is False and parse_bool("") is None


def _ctx(**kw):
    a = OrgInfo("330521100201", "330521100201", "东村", "village", True)
    base = dict(orgs={a.key: a}, units={}, persons={}, posts=[],
                quota={a.path: (3, ["village_secretary", "village_director", "village_clerk"])})
    base.update(kw)
    return RosterContext(**base)


ID1 = "11010519491231002X"
ID2 = "110105194912310037"


def _post(idn, title, start="2025-01-01", funded="否", duty="防火"):
    return {"公民身份号码": idn, "任职单位代码": "330521100201", "职务": title, "任职起": start, "职数内": funded,
            "安全职责": duty}


def test_org_03_roster_funded_quota_counts_file_and_database():
    ctx = _ctx(persons={ID1: PersonInfo(ID1, True), ID2: PersonInfo(ID2, True)},
               posts=[PostInfo("X", "330521100201", "village_secretary", D(2021, 1, 1), None, True),
                      PostInfo("Y", "330521100201", "village_director", D(2021, 1, 1), None, True)])
    errors, _ = validate_roster({POST_SHEET: [(2, _post(ID1, "村文书/会计", funded="是"))]}, ctx)
    assert errors == []
    ctx.posts.append(PostInfo("Z", "330521100201", "village_clerk", D(2021, 1, 1), D(2024, 12, 31), True))
    ctx.posts.append(PostInfo("W", "330521100201", "women_director", D(2021, 1, 1), None, True))  # legacy data
    errors, _ = validate_roster({POST_SHEET: [(2, _post(ID1, "村文书/会计", funded="是"))]}, ctx)
    assert [(e.row, e.field) for e in errors] == [(2, "职数内")] and "已满 3 个" in errors[0].message


def test_rpt_02_post_for_unknown_person_reported():
    errors, plan = validate_roster({POST_SHEET: [(7, _post(ID1, "群团干部"))]}, _ctx())
    assert [(e.sheet, e.row, e.field) for e in errors] == [(POST_SHEET, 7, "公民身份号码")]
    assert plan.posts == []


def test_rpt_02_gender_and_birth_must_match_id():
    row = {"公民身份号码": ID1, "姓名": "甲", "性别": "男", "出生日期": "1949-12-30", "所在单位代码": "330521100201"}
    errors, _ = validate_roster({PEOPLE_SHEET: [(2, row)]}, _ctx())
    assert {(e.field, e.message) for e in errors} == {("性别", "性别与身份证号不符"), ("出生日期", "出生日期与身份证号不符")}
