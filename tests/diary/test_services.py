"""Diary services and pages with the test county (DRY-01, DRY-02, STN-01, STN-02)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ganbu.cases.models import Case
from ganbu.core.access import NotFound
from ganbu.core.models import AuditEntry, Notification
from ganbu.core.recusal import RecusalError
from ganbu.diary import services
from ganbu.diary.models import Household, Matter, Visit

D = date(2025, 3, 3)
_capture = []


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """Service calls below run their on-commit inbox writes as a real commit would."""
    _capture[:] = [django_capture_on_commit_callbacks]
    yield


def run(fn, **kw):
    with _capture[0](execute=True):
        return fn(**kw)


@pytest.fixture
def stationed(world, policies):
    u, p = world.users, world.people
    st = services.station_set(actor=u.office, person=p.township_cadre, township=world.t1, village=world.village_a,
                              start=date(2024, 1, 1))
    mk = services.household_create
    homes = [mk(actor=u.office, village=world.village_a, head_name=n, group_name="一组", demonstration=d, poor=po)
             for n, d, po in (("张大山", True, False), ("李小河", False, True), ("王老五", False, False),
                              ("赵示范", True, False), ("钱贫困", False, True))]
    other = mk(actor=u.office, village=world.village_c, head_name="南村孙家")
    return st, homes, other


def record(world, home, met=D, **kw):
    return run(services.matter_record, actor=world.users.township_cadre, household=home, met_on=met, category="矛盾纠纷",
                                  content="宅基地边界纠纷，双方争执", action="到现场调解", today=kw.pop("today", met),
                                  **{"major": True, **kw})


def notes(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).values_list("title", flat=True))


def test_dry_01_entry_for_a_future_date_is_refused_and_nothing_written(world, stationed):
    _, homes, _ = stationed
    with pytest.raises(services.DiaryError) as exc:
        record(world, homes[0], met=D + timedelta(days=1), today=D)
    assert exc.value.message == "发生日期：不能晚于今天（2025-03-03），民情日记只记已经发生的事"
    assert not Matter.objects.exists()
    m = record(world, homes[0], today=D)
    assert m.report_due == D + timedelta(days=2) and m.needs_report
    assert AuditEntry.objects.filter(action="matter.record", object_id=str(m.pk)).exists()
    assert notes(world.users.township_cadre, "diary.report")  # the clock is in the author's inbox


def test_dry_01_household_outside_the_cadres_village_refused(world, stationed):
    _, _, other = stationed
    with pytest.raises(services.DiaryError) as exc:
        record(world, other)
    assert exc.value.message == "走访农户：南村孙家户不在您驻村的东村，不能记入本人的走访"


def test_dry_02_report_on_day_2_in_time_day_3_late_reaches_the_secretary(world, stationed):
    _, homes, _ = stationed
    a, b = record(world, homes[0]), record(world, homes[1])
    run(services.matter_report, actor=world.users.township_cadre, matter=a, reported_on=D + timedelta(days=2),
                           text="报告", today=D + timedelta(days=2))
    assert notes(world.users.township_secretary, "diary.late") == []
    run(services.matter_report, actor=world.users.township_cadre, matter=b, reported_on=D + timedelta(days=3),
                           text="报告", today=D + timedelta(days=3))
    assert notes(world.users.township_secretary, "diary.late") == [
        "超期提醒：钱干部报告党委、政府超期 1 天（李小河户（一组），期限 03月05日）"]
    b.refresh_from_db()
    assert b.answerer == world.people.township_head and b.opinion_due == D + timedelta(days=6)
    assert notes(world.users.township_head, "diary.opinion")  # the opinion clock is in the head's inbox


def test_dry_02_answer_before_report_refused_then_day_4_late_reaches_the_secretary(world, stationed):
    _, homes, _ = stationed
    m = record(world, homes[0])
    with pytest.raises(services.DiaryError) as exc:
        run(services.matter_answer, actor=world.users.township_head, matter=m, text="意见", today=D)
    assert exc.value.message == "处理意见：该民情尚未向党委、政府报告，不能先拿出处理意见"
    run(services.matter_report, actor=world.users.township_cadre, matter=m, reported_on=D, text="报告", today=D)
    run(services.matter_answer, actor=world.users.township_head, matter=m, text="由司法所牵头调解", today=D + timedelta(days=3))
    assert notes(world.users.township_secretary, "diary.late") == []  # day 3: in time
    m2 = record(world, homes[1])
    run(services.matter_report, actor=world.users.township_cadre, matter=m2, reported_on=D, text="报告", today=D)
    run(services.matter_answer, actor=world.users.township_head, matter=m2, text="意见", today=D + timedelta(days=4))
    assert notes(world.users.township_secretary, "diary.late") == [
        "超期提醒：李镇长拿出处理意见超期 1 天（李小河户（一组），期限 03月06日）"]
    assert notes(world.users.township_cadre, "diary.answered")


def test_dry_02_harm_recorded_by_an_authorised_person_opens_a_case_against_whoever_was_late(world, stationed):
    _, homes, _ = stationed
    m = record(world, homes[0])
    run(services.matter_report, actor=world.users.township_cadre, matter=m, reported_on=D + timedelta(days=1), text="报告",
                           today=D + timedelta(days=1))
    run(services.matter_answer, actor=world.users.township_head, matter=m, text="意见", today=D + timedelta(days=6))
    with pytest.raises(NotFound):  # the head may not record harm
        run(services.matter_harm_record, actor=world.users.township_head, matter=m, harm="矛盾激化")
    cases = run(services.matter_harm_record, actor=world.users.township_secretary, matter=m, harm="矛盾激化引发群体上访",
                                        today=D + timedelta(days=7))
    assert [(c.rule_id, c.subject) for c in cases] == [("DRY-02", world.people.township_head)]
    assert cases[0].facts["days_late"] == 2 and cases[0].policy_version_id
    # recorded twice: still one case
    run(services.matter_harm_record, actor=world.users.township_secretary, matter=m, harm="补充", today=D + timedelta(days=8))
    assert Case.objects.filter(rule_id="DRY-02").count() == 1


def test_dry_02_harm_without_lateness_refused_and_nobody_decides_about_himself(world, stationed):
    _, homes, _ = stationed
    m = record(world, homes[0])
    run(services.matter_report, actor=world.users.township_cadre, matter=m, reported_on=D, text="报告", today=D)
    with pytest.raises(services.DiaryError) as exc:
        run(services.matter_harm_record, actor=world.users.township_secretary, matter=m, harm="后果", today=D + timedelta(3))
    assert exc.value.message == services.E_HARM_NOT_LATE
    # the secretary answers late himself (the head is away): he may not record harm against himself
    Matter.objects.filter(pk=m.pk).update(answerer=world.people.township_secretary)
    run(services.matter_answer, actor=world.users.township_secretary, matter=m, text="意见", today=D + timedelta(days=5))
    with pytest.raises(RecusalError):
        run(services.matter_harm_record, actor=world.users.township_secretary, matter=m, harm="后果", today=D + timedelta(6))
    assert not Case.objects.exists()


def test_dry_02_nightly_sweep_notifies_the_superior_once(world, stationed):
    _, homes, _ = stationed
    record(world, homes[0])
    assert run(services.diary_lateness_sweep, on=D + timedelta(days=2)) == 0
    assert run(services.diary_lateness_sweep, on=D + timedelta(days=3)) == 1
    run(services.diary_lateness_sweep, on=D + timedelta(days=4))
    assert len(notes(world.users.township_secretary, "diary.late")) == 1


def test_stn_02_visit_outside_the_village_refused_in_chinese(world, stationed):
    _, homes, other = stationed
    with pytest.raises(services.DiaryError) as exc:
        services.visit_record(actor=world.users.township_cadre, household=other, visited_on=D, today=D)
    assert exc.value.message == "走访农户：南村孙家户不在您驻村的东村，不能记入本人的走访"
    services.visit_record(actor=world.users.township_cadre, household=homes[0], visited_on=D, today=D)
    assert Visit.objects.count() == 1
    with pytest.raises(services.DiaryError):  # a cadre without a station
        services.visit_record(actor=world.users.cadre_a, household=homes[0], visited_on=D, today=D)


def test_stn_02_contact_households_two_to_four_demonstration_or_poor(world, stationed):
    _, homes, _ = stationed
    with pytest.raises(services.DiaryError) as exc:
        services.contact_add(actor=world.users.township_cadre, household=homes[2])
    assert exc.value.message == "联系户：须为科技示范户或贫困户"
    for h in (homes[0], homes[1], homes[3], homes[4]):
        services.contact_add(actor=world.users.township_cadre, household=h)
    extra = services.household_create(actor=world.users.office, village=world.village_a, head_name="孙五", poor=True)
    with pytest.raises(services.DiaryError) as exc:
        services.contact_add(actor=world.users.township_cadre, household=extra)
    assert exc.value.message == "联系户：已联系 4 户，达到上限 4 户"


def test_stn_02_quarter_ending_short_notifies_the_township(world, stationed):
    _, homes, _ = stationed
    services.visit_record(actor=world.users.township_cadre, household=homes[0], visited_on=date(2025, 2, 1),
                          today=date(2025, 2, 1))
    assert run(services.quarter_shortfall_sweep, on=date(2025, 4, 1)) == 1
    titles = notes(world.users.office, "diary.quarter")
    assert titles == ["2025年第1季度驻村走访未达标：钱干部（东村）"]
    body = Notification.objects.get(user=world.users.office, kind="diary.quarter").body
    assert "走访 1/180 户（0.6%）" in body and "户主会 0 次" in body
    run(services.quarter_shortfall_sweep, on=date(2025, 4, 2))
    assert len(notes(world.users.office, "diary.quarter")) == 1


def test_stn_01_station_needs_a_listed_title_and_is_not_self_decided(world, policies):
    u, p = world.users, world.people
    with pytest.raises(services.DiaryError) as exc:
        services.station_set(actor=u.office, person=p.township_secretary, township=world.t1, village=world.village_a,
                             start=D)
    assert exc.value.message == "该干部的职务不属于安排驻村的镇行政干部"
    with pytest.raises(RecusalError):
        services.station_set(actor=u.office, person=p.office, township=world.t1, village=world.village_a, start=D)
    with pytest.raises(NotFound):
        services.station_set(actor=u.outsider, person=p.township_cadre, township=world.t1, village=world.village_a,
                             start=D)
    st = services.station_set(actor=u.township_secretary, person=p.office, township=world.t1, village=None,
                              special_post="党政办值班", start=D)
    assert st.special_post == "党政办值班"


def test_stn_01_township_page_lists_villages_without_a_cadre(world, stationed, login):
    page = login("office").get(f"/diary/stations/?township={world.t1.pk}")
    text = page.content.decode()
    assert page.status_code == 200
    block = text.split('id="villages-without"')[1].split("</div>")[0]
    assert "南村" in block and "东村" not in block
    assert "0.6%" not in text and "0.0%" in text  # this quarter: nothing visited yet
    assert login("outsider").get(f"/diary/stations/?township={world.t1.pk}").status_code == 404


def test_pages_record_refuse_in_chinese_and_scope(world, stationed, login, client):
    _, homes, other = stationed
    c = login("township_cadre")
    assert c.get("/diary/").status_code == 200
    future = (date.today() + timedelta(days=2)).isoformat()
    r = c.post("/diary/new/", {"household": homes[0].pk, "met_on": future, "category": "矛盾纠纷", "content": "x",
                               "major": "on"})
    assert r.status_code == 400 and "发生日期：不能晚于今天" in r.content.decode()
    assert not Matter.objects.exists()
    r = c.post("/diary/new/", {"household": homes[0].pk, "met_on": date.today().isoformat(), "category": "矛盾纠纷",
                               "content": "灌溉水渠堵塞", "major": "on"})
    assert r.status_code == 302
    m = Matter.objects.get()
    r = c.post("/diary/visits/", {"household": other.pk, "visited_on": date.today().isoformat()}, follow=True)
    assert "不在您驻村的东村" in r.content.decode()
    client.logout()
    head = login("township_head")
    r = head.post(f"/diary/matters/{m.pk}/answer/", {"text": "意见"})
    assert r.status_code == 400 and "尚未向党委、政府报告" in r.content.decode()
    listing = head.get("/diary/matters/?q=灌溉")
    assert "灌溉水渠堵塞" in listing.content.decode()
    assert head.get("/diary/matters/?q=不存在的词").content.decode().count("灌溉水渠堵塞") == 0
    xlsx = head.get("/diary/matters/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("发生日期", "村", "农户", "记录人") and rows[1][5] == "灌溉水渠堵塞"
    client.logout()
    out = login("outsider")
    assert out.get(f"/diary/matters/{m.pk}/").status_code == 404
    assert out.get("/diary/matters/").status_code == 404
    assert out.get("/diary/matters/999999/").status_code == 404


def test_matters_overdue_first(world, stationed, login):
    _, homes, _ = stationed
    today = date.today()
    fresh = record(world, homes[0], met=today, today=today)
    old = record(world, homes[1], met=today - timedelta(days=5), today=today)
    calm = record(world, homes[2], met=today, today=today, major=False)
    text = login("office").get("/diary/matters/").content.decode()
    ids = [text.index(f"/diary/matters/{m.pk}/") for m in (old, fresh, calm)]
    assert ids == sorted(ids)
    assert Household.objects.filter(village=world.village_a).count() == 5


def test_dry_01_photo_attached_through_core_attachments_and_wrong_type_refused(world, stationed, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, homes, _ = stationed
    c = login("township_cadre")
    data = {"household": homes[0].pk, "met_on": date.today().isoformat(), "category": "基础设施",
            "content": "村道塌方"}
    bad = SimpleUploadedFile("a.png", b"not a png", content_type="image/png")
    r = c.post("/diary/new/", {**data, "photos": bad})
    assert r.status_code == 400 and "证明材料只接受" in r.content.decode()
    assert not Matter.objects.exists()
    png = SimpleUploadedFile("road.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    assert c.post("/diary/new/", {**data, "photos": png}).status_code == 302
    m = Matter.objects.get()
    assert [a.original_name for a in m.photos.all()] == ["road.png"]


def test_household_search_stays_in_scope(world, stationed, login):
    _, homes, other = stationed
    b_home = services.household_create(actor=world.users.admin, village=world.village_b, head_name="西村周家")
    c = login("township_cadre")
    text = c.get("/diary/households/pick/?q=家").content.decode()
    assert "南村孙家" in text and "西村周家" not in text  # his township only; the other township is out of scope
    r = c.post("/diary/visits/", {"household": b_home.pk, "visited_on": date.today().isoformat()}, follow=True)
    assert "请先搜索并选择农户" in r.content.decode()


def test_township_pages_keep_their_query_count_as_rows_grow(world, stationed, login, django_assert_max_num_queries):
    """The matters list and the stations page read in a fixed number of queries (N matters, N cadres)."""
    _, homes, _ = stationed
    c = login("office")
    for h in homes[:2]:
        record(world, h, met=date.today(), today=date.today())
    with django_assert_max_num_queries(40) as few:
        assert c.get("/diary/matters/").status_code == 200
    for h in homes[2:] * 3:
        record(world, h, met=date.today() - timedelta(days=1), today=date.today())
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        assert c.get("/diary/matters/").status_code == 200
    with django_assert_max_num_queries(40) as before:
        c.get(f"/diary/stations/?township={world.t1.pk}")
    services.station_set(actor=world.users.township_secretary, person=world.people.office, township=world.t1,
                         village=world.village_c, start=date(2024, 1, 1))
    with django_assert_max_num_queries(len(before.captured_queries) + 1):
        c.get(f"/diary/stations/?township={world.t1.pk}")


def test_api_records_refuses_future_date_in_chinese_and_scopes(world, stationed, login, client):
    import json

    _, homes, _ = stationed
    c = login("township_cadre")
    found = c.get("/api/diary/households?q=张大").json()
    assert found[0]["name"] == "张大山户（一组）"
    body = {"household_id": homes[0].pk, "met_on": (date.today() + timedelta(days=1)).isoformat(),
            "category": "矛盾纠纷", "content": "纠纷", "major": True}
    r = c.post("/api/diary/matters", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"].startswith("发生日期：不能晚于今天") and r.json()["field"] == "met_on"
    body["met_on"] = date.today().isoformat()
    r = c.post("/api/diary/matters", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["clocks"][0]["state"] == "waiting"
    mid = r.json()["id"]
    client.logout()
    head = login("township_head")
    r = head.post(f"/api/diary/matters/{mid}/answer", json.dumps({"text": "意见"}), content_type="application/json")
    assert r.status_code == 400 and "尚未向党委、政府报告" in r.json()["detail"]
    client.logout()
    assert login("outsider").get(f"/api/diary/matters/{mid}").status_code == 404


def test_dry_02_harm_page_previews_who_a_case_opens_against_then_confirms(world, stationed, login):
    _, homes, _ = stationed
    m = record(world, homes[0], met=date.today() - timedelta(days=5), today=date.today())
    c = login("township_secretary")
    url = f"/diary/matters/{m.pk}/harm/"
    r = c.post(url, {"harm": "矛盾激化"})
    text = r.content.decode()
    assert r.status_code == 200 and "钱干部（向党委、政府报告超期 3 天）" in text and "确认记录并立案" in text
    assert not Case.objects.exists()
    assert c.post(url, {"harm": "矛盾激化", "confirm": "on"}).status_code == 302
    assert Case.objects.get().subject == world.people.township_cadre


def test_stn_01_station_page_confirms_before_writing(world, policies, login):
    c = login("office")
    url = "/diary/stations/"
    data = {"township": world.t1.pk, "person": world.people.township_cadre.pk, "village": world.village_c.pk,
            "start": "2025-01-01"}
    r = c.post(url, data)
    assert r.status_code == 200 and "将安排 钱干部 自 2025-01-01 起：南村" in r.content.decode()
    assert not services.Station.objects.exists()
    assert c.post(url, {**data, "confirm": "on"}).status_code == 302
    assert services.Station.objects.get().village == world.village_c
    r = c.post(url, {**data, "person": world.people.township_secretary.pk, "confirm": "on"})
    assert r.status_code == 400 and "不属于安排驻村的镇行政干部" in r.content.decode()
