"""Stationing pages and API: refusals in Chinese with nothing changed, scope (outsider = missing),
the county list's filter and export, pinned query counts."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ganbu.org.models import Person, Post
from ganbu.stationing import services
from ganbu.stationing.models import DiaryEntry, Selection

TODAY = timezone.localdate()


def test_stn_04_org_post_form_refuses_ineligible_first_secretary(stn, login):
    """STN-04: the ordinary post form refuses an ineligible first secretary, listing every reason."""
    c = login("county_org")
    before = Post.objects.count()
    r = c.post(reverse("org:post_new", args=[stn.bad.pk]), {
        "org": stn.world.village_c.pk, "title": "first_secretary", "start": TODAY.isoformat(),
        "safety_duty": "安全", "principal": "on", "dispatch_unit": stn.world.unit.pk})
    html = r.content.decode()
    assert r.status_code == 400 and "不符合驻村选派条件" in html and "临聘" in html and "中共正式党员" in html
    assert Post.objects.count() == before


def test_stn_04_api_approval_refuses_ineligible_with_reasons(stn, client):
    """STN-04: the API refuses the approval of an ineligible candidate with every reason; nothing changes."""
    w = stn.world
    client.force_login(w.users.dispatch_leader)
    found = client.get("/api/stationing/candidates", {"q": "何临"}).json()
    assert [p["name"] for p in found] == ["何临聘"]
    r = client.post("/api/stationing/selections", json.dumps({
        "village_id": w.village_a.pk, "unit_id": w.unit.pk, "candidate_id": found[0]["id"], "role": "team_member",
        "term_start": TODAY.isoformat()}), content_type="application/json")
    assert r.status_code == 200 and any("临聘" in x for x in r.json()["reasons"])
    client.force_login(w.users.county_org)
    r2 = client.post(f"/api/stationing/selections/{r.json()['id']}/approve", json.dumps({
        "approved_on": TODAY.isoformat(), "approval_ref": "县委组〔2026〕9号"}), content_type="application/json")
    assert r2.status_code == 400 and "不符合驻村选派条件" in json.dumps(r2.json(), ensure_ascii=False)
    assert Selection.objects.get().status == "proposed" and not Post.objects.filter(person=stn.bad).exists()


def test_stn_05_propose_page_picks_candidate_by_search_and_shows_check(stn, login):
    """STN-05/STN-04: the unit searches by name (no id typed), sees the check, submits; the county is told."""
    w = stn.world
    c = login("dispatch_leader")
    r = c.get(reverse("stationing:propose"), {"q": "林接"})
    assert "林接任" in r.content.decode()
    r = c.get(reverse("stationing:propose"), {"q": "林接", "candidate": stn.good.pk, "role": "first_secretary"})
    assert "符合选派条件" in r.content.decode()
    r = c.post(reverse("stationing:propose") + f"?candidate={stn.good.pk}", {
        "save": "1", "candidate": stn.good.pk, "village": w.village_a.pk, "unit": w.unit.pk, "role": "team_member",
        "term_start": TODAY.isoformat()})
    assert r.status_code == 302 and Selection.objects.get().candidate == stn.good


def test_stn_11_diary_page_refuses_future_date_in_chinese(stn, login):
    """STN-11: a diary for tomorrow is refused on the page; nothing is saved."""
    c = login("team_1")
    r = c.post(reverse("stationing:diary"), {"date": (TODAY + timedelta(days=1)).isoformat(), "work": "明天的计划"})
    assert r.status_code == 400 and "日记日期不能晚于今天" in r.content.decode()
    assert not DiaryEntry.objects.exists()
    r = c.post(reverse("stationing:diary"), {"date": TODAY.isoformat(), "work": "走访5户"})
    assert r.status_code == 302 and DiaryEntry.objects.count() == 1


def test_stn_13_board_phone_page_refuses_private_mobile(stn, login):
    """STN-13: the page refuses the private mobile number in Chinese, and the board never shows it."""
    p = stn.world.people.team_1
    c = login("county_org")
    r = c.post(reverse("stationing:board_phone", args=[p.pk]), {"work_phone": p.phone})
    assert r.status_code == 400 and "私人手机号" in r.content.decode()
    assert Person.objects.get(pk=p.pk).work_phone == ""
    board = c.get(reverse("stationing:board", args=[stn.world.village_a.pk])).content.decode()
    assert "郑队员" in board and p.phone not in board


def test_stn_13_board_is_public(stn, client):
    r = client.get(reverse("stationing:board", args=[stn.world.village_a.pk]))
    assert r.status_code == 200 and "驻村干部公示栏" in r.content.decode()


@pytest.mark.parametrize("name", ["stationing:propose", "stationing:replace", "stationing:diary",
                                  "stationing:eligibility"])
def test_sec_02_outsider_refused(stn, login, name):
    """SEC-02: the outsider from village B may not propose, check or write a diary (404)."""
    assert login("outsider").get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", ["stationing:cadres", "stationing:selections", "stationing:negative",
                                  "stationing:diary_flags", "stationing:allowances", "stationing:villages"])
def test_sec_02_outsider_lists_show_only_his_village(stn, login, name):
    """SEC-02: the outsider's lists are scoped to village B: nothing of village A's cadres."""
    services.negative_report(actor=stn.world.users.county_org, problem="东村问题", org_path=stn.world.village_a.path)
    r = login("outsider").get(reverse(name))
    html = r.content.decode()
    assert r.status_code in (200, 404) and "郑队员" not in html and "吴第一书记" not in html and "东村问题" not in html


def test_sec_02_outsider_gets_missing_for_selection_and_cadre(stn, login):
    w = stn.world
    sel = services.selection_propose(actor=w.users.dispatch_leader, kind="new", village=w.village_a, unit=w.unit,
                                     candidate=stn.good, role="team_member", term_start=TODAY)
    c = login("outsider")
    for url, missing in ((reverse("stationing:selection", args=[sel.pk]), reverse("stationing:selection",
                                                                                   args=[999999])),
                         (reverse("stationing:cadre", args=[w.people.team_1.pk]), reverse("stationing:cadre",
                                                                                          args=[999999]))):
        a, b = c.get(url), c.get(missing)
        assert a.status_code == b.status_code == 404 and a.content == b.content


def _overdue_setup(stn):
    """The first secretary misses last quarter's talk; the team members had theirs."""
    from ganbu.stationing.models import ObligationRecord

    w = stn.world
    Post.objects.filter(person__in=[w.people.team_1, w.people.team_2]).update(start=TODAY - timedelta(days=100))
    for p in (w.people.team_1, w.people.team_2):
        for d in range(0, 120, 20):
            day = TODAY - timedelta(days=d)
            for kind in ("secretary_talk", "report_to_unit", "unit_hearing", "safety_education", "insurance",
                         "county_training", "unit_visit"):
                ObligationRecord.objects.create(kind=kind, person=p, org_path=w.village_a.path, date=day, people="x",
                                                evidence="y", days=3)
        ObligationRecord.objects.create(kind="unit_talk", person=p, org_path=w.village_a.path, date=TODAY,
                                        people="x", evidence="y", detail="到村工作前")


def test_stn_county_list_filters_overdue_and_exports(stn, login):
    """The county's stationed-cadre list: every cadre, the overdue filter, and the Excel export."""
    from openpyxl import load_workbook

    _overdue_setup(stn)
    c = login("county_org")
    r = c.get(reverse("stationing:cadres"))
    assert {x.post.person.name for x in r.context["rows"]} == {"吴第一书记", "郑队员", "冯队员"}
    r = c.get(reverse("stationing:cadres"), {"overdue": "1"})
    names = {x.post.person.name for x in r.context["rows"]}
    assert "吴第一书记" in names and "郑队员" not in names
    x = c.get(reverse("stationing:cadres"), {"overdue": "1", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(x.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "姓名" and {r[0] for r in rows[2:]} == names and rows[2][9] > 0


def test_stn_county_list_query_count_is_pinned(stn, login, django_assert_max_num_queries):
    """The county page reads a constant number of queries whatever the number of cadres."""
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.services import person_create, post_start

    w = stn.world
    c = login("county_org")
    with django_assert_max_num_queries(30) as few:
        c.get(reverse("stationing:cadres"))
    for i in range(6):
        p = person_create(actor=None, org=w.unit, name=f"队员{i}", gender="M", birth_date=TODAY.replace(year=1990),
                          id_number=make_id_number("330521", TODAY.replace(year=1990), 900 + i, True),
                          category="civil_servant", staff_status="established")
        post_start(actor=None, person=p, org=w.village_b if i % 2 else w.village_c, title="team_member",
                   start=TODAY - timedelta(days=400), safety_duty="安全", dispatch_unit=w.unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(reverse("stationing:cadres"))
    assert len(r.context["rows"]) == 9


def test_nightly_obligations_query_count_is_pinned(stn, django_assert_max_num_queries):
    """The nightly evaluation, once its notices exist, reads a constant number of queries."""
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.services import person_create, post_start

    w = stn.world
    services.obligations_evaluate(on=TODAY)
    with django_assert_max_num_queries(40) as few:
        services.obligations_evaluate(on=TODAY)
    for i in range(6):
        p = person_create(actor=None, org=w.unit, name=f"队员{i}", gender="M", birth_date=TODAY.replace(year=1990),
                          id_number=make_id_number("330521", TODAY.replace(year=1990), 950 + i, True),
                          category="civil_servant", staff_status="established")
        post_start(actor=None, person=p, org=w.village_c, title="team_member", start=TODAY - timedelta(days=10),
                   safety_duty="安全", dispatch_unit=w.unit)
    services.obligations_evaluate(on=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        services.obligations_evaluate(on=TODAY)


def test_pages_render_for_their_roles(stn, login):
    """Every page answers for the role that works it (no 500s, Chinese headings)."""
    w = stn.world
    county = login("county_org")
    for name, args in (("stationing:cadres", []), ("stationing:villages", []), ("stationing:selections", []),
                       ("stationing:negative", []), ("stationing:allowances", []), ("stationing:diary_flags", []),
                       ("stationing:cadre", [w.people.first_secretary.pk]), ("stationing:eligibility", []),
                       ("stationing:assignment", [w.people.team_1.pk])):
        r = county.get(reverse(name, args=args))
        assert r.status_code == 200, name
    assert login("team_1").get(reverse("stationing:diary")).status_code == 200
    unit = login("dispatch_leader")
    assert unit.get(reverse("stationing:replace")).status_code == 200
    assert unit.get(reverse("stationing:cadres")).status_code == 200
