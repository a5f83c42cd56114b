"""Reserve cadres (RSV-01, RSV-02) and care for village secretaries (ORG-10): rules at the boundaries, services, pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ganbu.core.access import NotFound
from ganbu.core.care_policy import OrgCareParams
from ganbu.core.models import AuditEntry
from ganbu.core.recusal import RecusalError
from ganbu.org.models import Post
from ganbu.org.roles import Role
from ganbu.org.services import role_grant
from ganbu.reserves import queries, rules, services
from ganbu.reserves.models import Reserve
from ganbu.stationing.policy import ReservesParams
from tests.conftest import _person

ON = date(2025, 5, 1)


def m(pid, born, gender="M"):
    return rules.Member(pid, born, gender)


def test_rsv_02_ages_exactly_45_and_35_meet_the_rule():
    p = ReservesParams()
    team = [m(1, date(1980, 5, 1)), m(2, date(1990, 5, 1)), m(3, date(1960, 1, 1))]  # 45 and 35 on the day
    women = [m(9, date(1995, 1, 1), "F")]
    assert rules.rsv_02_shortfalls(p, team, women, ON) == []
    # a day later in birth terms the 35-year-old is 36: the younger rule fails, the 45 rule still holds
    older = [m(1, date(1980, 5, 1)), m(2, date(1989, 5, 1)), m(3, date(1960, 1, 1))]
    assert rules.rsv_02_shortfalls(p, older, women, ON) == ["其中35岁以下干部 0 名，不足 1 名"]
    # 46 on the day: only one left at 45 or under
    past = [m(1, date(1979, 5, 1)), m(2, date(1990, 5, 1))]
    assert rules.rsv_02_shortfalls(p, past, women, ON) == ["班子中45岁以下干部 1 名，不足 2 名"]
    assert rules.rsv_02_shortfalls(p, team, [], ON) == ["女后备干部 0 名，不足 1 名"]


def test_rsv_02_numbers_are_policy():
    strict = ReservesParams(young_min=3, younger_age=30, younger_min=1, female_reserves_min=2)
    team = [m(1, date(1980, 5, 1)), m(2, date(1990, 5, 1))]
    assert rules.rsv_02_shortfalls(strict, team, [m(9, date(1995, 1, 1), "F")], ON) == [
        "班子中45岁以下干部 2 名，不足 3 名", "其中30岁以下干部 0 名，不足 1 名", "女后备干部 1 名，不足 2 名"]
    exclusive = ReservesParams(age_limit_inclusive=False)
    assert "45岁以下（不含本数）干部 1 名" in rules.rsv_02_shortfalls(exclusive, team, [], ON)[0]


def test_rsv_01_one_reserve_per_post_and_not_the_holder():
    p = ReservesParams()
    kw = dict(post_label="村党组织书记（现任 孙支书）", holder_id=1, candidate_id=2, candidate_name="李青",
              other_post_label=None)
    assert rules.rsv_01_reserve_error(p, reserves_on_post=0, **kw) is None
    assert rules.rsv_01_reserve_error(p, reserves_on_post=1, **kw) == (
        "岗位：村党组织书记（现任 孙支书）已有 1 名后备人选（一职一备），不能再添加")
    assert rules.rsv_01_reserve_error(ReservesParams(reserves_per_post=2), reserves_on_post=1, **kw) is None
    assert rules.rsv_01_reserve_error(p, reserves_on_post=0, **{**kw, "candidate_id": 1}) == "后备人选：李青就是该岗位的现任干部"


def test_rsv_01_three_recommendations_two_deliberations_one_review_in_order():
    today = ON
    assert rules.rsv_01_step_error("proposal", ON, "会议记录", {}, today) == (
        "党组织提议：须先完成“三荐”之一（个人自荐、“两委”举荐、民主推荐）")
    done = {"democratic": date(2025, 4, 1)}
    assert rules.rsv_01_step_error("proposal", date(2025, 3, 31), "记录", done, today) == (
        "党组织提议日期：不能早于上一步（民主推荐，2025-04-01）")
    assert rules.rsv_01_step_error("proposal", date(2025, 4, 1), "记录", done, today) is None
    assert rules.rsv_01_step_error("party_review", ON, "意见", {**done, "proposal": ON}, today) == (
        "镇（街道）党委审查：须先完成“两委”集体审议")
    assert rules.rsv_01_step_error("democratic", ON, "x", done, today) == "民主推荐已于 2025-04-01 记录"
    assert rules.rsv_01_step_error("self", ON + timedelta(days=1), "x", {}, today).startswith("个人自荐日期：不能晚于今天")
    assert rules.rsv_01_step_error("self", ON, " ", {}, today).startswith("个人自荐：请填写依据")
    assert not rules.rsv_01_complete(["self", "proposal", "collective_review"])
    assert rules.rsv_01_complete(["committees", "proposal", "collective_review", "party_review"])


def test_org_10_home_visit_yearly_health_check_every_two_years():
    p = OrgCareParams()
    since = date(2024, 1, 1)
    visit = rules.CareEvent("home_visit", None, date(2024, 6, 1))
    due = {d.kind: d for d in rules.org_10_care_due(p, since, [visit], date(2025, 5, 31))}
    assert due["home_visit"].due == date(2025, 5, 31) and not due["home_visit"].overdue
    assert rules.org_10_care_due(p, since, [visit], date(2025, 6, 1))[0].kind == "home_visit"  # overdue sorts first
    assert due["health_check"].due == date(2025, 12, 31) and not due["health_check"].overdue
    late = {d.kind: d for d in rules.org_10_care_due(p, since, [], date(2026, 1, 1))}
    assert late["health_check"].overdue and late["home_visit"].overdue
    tour = rules.CareEvent("study_tour", date(2025, 3, 1), None)
    tours = [d for d in rules.org_10_care_due(p, since, [tour], date(2025, 3, 2)) if d.kind == "study_tour"]
    assert tours[0].overdue
    assert not [d for d in rules.org_10_care_due(p, since, [tour], date(2025, 3, 1)) if d.kind == "study_tour"][0].overdue


# --- services and pages ------------------------------------------------------------------------------


@pytest.fixture
def team(world, policies):
    posts = {p.title: p for p in Post.objects.filter(org=world.village_a, end__isnull=True)}
    young_woman = _person(world.village_a, "李青", gender="F", born=date(1998, 3, 1))
    young_man = _person(world.village_a, "王小军", born=date(1995, 7, 1))
    return posts, young_woman, young_man


def test_rsv_01_reserve_for_a_post_that_has_one_is_refused(world, team):
    posts, woman, man = team
    sec = posts["village_secretary"]
    r = services.reserve_add(actor=world.users.office, post=sec, person=woman)
    assert AuditEntry.objects.filter(action="reserve.add", object_id=str(r.pk)).exists()
    with pytest.raises(services.ReserveError) as exc:
        services.reserve_add(actor=world.users.office, post=sec, person=man)
    assert exc.value.message == "岗位：村党组织书记（现任 孙支书）已有 1 名后备人选（一职一备），不能再添加"
    with pytest.raises(services.ReserveError) as exc:  # one person backs one post
        services.reserve_add(actor=world.users.office, post=posts["village_clerk"], person=woman)
    assert exc.value.message == "后备人选：李青已是本村村党组织书记的后备人选"
    services.reserve_add(actor=world.users.office, post=posts["village_clerk"], person=man)
    with pytest.raises(NotFound):
        services.reserve_add(actor=world.users.outsider, post=posts["village_clerk"], person=man)


def test_rsv_01_steps_recorded_with_date_and_evidence_until_pooled(world, team):
    posts, woman, _ = team
    r = services.reserve_add(actor=world.users.office, post=posts["village_secretary"], person=woman)
    today = date(2025, 6, 1)
    with pytest.raises(services.ReserveError):
        services.reserve_step_record(actor=world.users.office, reserve=r, step="party_review", on=today,
                                     evidence="审查意见", today=today)
    for step, day in (("democratic", date(2025, 5, 1)), ("proposal", date(2025, 5, 10)),
                      ("collective_review", date(2025, 5, 12)), ("party_review", date(2025, 5, 20))):
        services.reserve_step_record(actor=world.users.office, reserve=r, step=step, on=day,
                                     evidence=f"{step} 会议记录", today=today)
    r.refresh_from_db()
    assert r.status == Reserve.Status.POOLED and r.steps.count() == 4


def test_rsv_01_nobody_names_himself_a_reserve(world, team):
    posts, _, _ = team
    me = world.users.cadre_a
    role_grant(actor=None, user=me, role=Role.TOWNSHIP_OFFICE, org=world.t1)
    with pytest.raises(RecusalError):
        services.reserve_add(actor=me, post=posts["village_secretary"], person=world.people.cadre_a)


def test_rsv_02_county_page_lists_villages_short_and_why(world, team, login):
    posts, woman, man = team
    text = login("county_org").get("/reserves/").content.decode()
    assert "东村" in text and "西村" in text
    assert "其中35岁以下干部 0 名，不足 1 名" in text and "女后备干部 0 名，不足 1 名" in text
    assert "村党组织书记（孙支书）" in text  # a post without a reserve
    today = date.today()
    rows = {r.village.name: r for r in queries.composition_report(world.users.county_org, today)}
    assert rows["东村"].short and rows["西村"].short
    assert login("outsider").get("/reserves/").status_code == 404
    assert login("outsider").get(f"/reserves/villages/{world.village_a.pk}/").status_code == 404


def test_rsv_01_page_refuses_second_reserve_in_chinese(world, team, login):
    posts, woman, man = team
    c = login("office")
    url = f"/reserves/villages/{world.village_a.pk}/"
    sec = posts["village_secretary"].pk
    r = c.post(url, {"post": sec, "person": woman.pk})
    assert r.status_code == 200 and "请确认" not in r.content.decode() and "将确定 李青" in r.content.decode()
    assert c.post(url, {"post": sec, "person": woman.pk, "confirm": "on"}).status_code == 302
    r = c.post(url, {"post": sec, "person": man.pk, "confirm": "on"})
    assert r.status_code == 400 and "已有 1 名后备人选（一职一备），不能再添加" in r.content.decode()
    assert Reserve.objects.count() == 1


def test_org_10_care_board_flags_overdue_and_records_visits(world, policies, login):
    u, p = world.users, world.people
    rows, _ = queries.care_board(u.office, world.t1, date(2025, 1, 2))
    row = rows[0]
    assert row.secretary == p.village_secretary_a
    assert [(d.kind, d.overdue) for d in row.due] == [("home_visit", True), ("health_check", False)]
    with pytest.raises(services.ReserveError) as exc:
        services.care_record(actor=u.office, secretary=p.village_secretary_a, kind="home_visit",
                             done_on=date(2025, 1, 2), led_by=p.township_cadre, today=date(2025, 1, 2))
    assert exc.value.message == "带队班子成员：须为本乡镇领导班子成员"
    services.care_record(actor=u.office, secretary=p.village_secretary_a, kind="home_visit", done_on=date(2025, 1, 2),
                         led_by=p.township_secretary, note="走访慰问", today=date(2025, 1, 2))
    rows, _ = queries.care_board(u.office, world.t1, date(2025, 1, 2))
    assert rows[0].overdue == 0
    with pytest.raises(NotFound):
        queries.care_board(u.outsider, world.t1, date(2025, 1, 2))
    page = login("office").get("/reserves/care/")
    assert page.status_code == 200 and "孙支书" in page.content.decode()
    assert login("outsider").get("/reserves/care/").status_code == 404


def test_rsv_01_step_page_records_in_order_and_org_10_care_page_records(world, team, login):
    posts, woman, _ = team
    r = services.reserve_add(actor=world.users.office, post=posts["village_secretary"], person=woman)
    c = login("office")
    today = date.today().isoformat()
    resp = c.post(f"/reserves/reserves/{r.pk}/steps/", {"step": "proposal", "on": today, "evidence": "纪要"},
                  follow=True)
    assert "党组织提议：须先完成“三荐”之一" in resp.content.decode()
    for step in ("self", "proposal", "collective_review", "party_review"):
        c.post(f"/reserves/reserves/{r.pk}/steps/", {"step": step, "on": today, "evidence": f"{step}纪要"})
    r.refresh_from_db()
    assert r.status == Reserve.Status.POOLED
    page = c.get(f"/reserves/villages/{world.village_a.pk}/").content.decode()
    assert "已入库" in page and "镇（街道）党委审查" in page
    resp = c.post("/reserves/care/", {"township": world.t1.pk, "secretary": world.people.village_secretary_a.pk,
                                      "kind": "health_check", "done_on": today})
    assert resp.status_code == 302
    resp = c.post("/reserves/care/", {"township": world.t1.pk, "secretary": world.people.village_secretary_a.pk,
                                      "kind": "home_visit"})
    assert resp.status_code == 400 and "请填写计划日期或完成日期" in resp.content.decode()
