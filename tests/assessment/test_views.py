"""千分制 pages and API: access on every route, forms, bad input (KPI-01..08)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ganbu.assessment import services
from ganbu.assessment.models import AnnualResult, AssessmentTemplate, ItemScore
from ganbu.core.access import NOT_FOUND
from ganbu.reports.excel import xlsx_bytes
from tests.assessment.conftest import YEAR, fill

MONTH = f"{YEAR}-03"


def _routes(world, kpi):
    t, tpl, item = world.t1.pk, kpi.tpl.pk, kpi.items[0].pk
    return [
        ("get", reverse("assessment:home") + f"?township={t}"),
        ("get", reverse("assessment:template_new", args=[t])),
        ("post", reverse("assessment:template_new", args=[t])),
        ("get", reverse("assessment:results", args=[t, YEAR])),
        ("get", reverse("assessment:import", args=[t])),
        ("post", reverse("assessment:import", args=[t])),
        ("get", reverse("assessment:import_template", args=[t])),
        ("get", reverse("assessment:reports", args=[t])),
        ("post", reverse("assessment:reports", args=[t])),
        ("get", reverse("assessment:inspections", args=[t, MONTH])),
        ("post", reverse("assessment:inspections", args=[t, MONTH])),
        ("get", reverse("assessment:inspections_pdf", args=[t, MONTH])),
        ("get", reverse("assessment:template", args=[tpl])),
        ("get", reverse("assessment:template_edit", args=[tpl])),
        ("post", reverse("assessment:template_edit", args=[tpl])),
        ("get", reverse("assessment:three", args=[tpl])),
        ("post", reverse("assessment:three", args=[tpl])),
        ("get", reverse("assessment:stages", args=[tpl])),
        ("post", reverse("assessment:stages", args=[tpl])),
        ("post", reverse("assessment:finalize", args=[tpl])),
        ("post", reverse("assessment:publish", args=[tpl])),
        ("get", reverse("assessment:score", args=[item])),
        ("post", reverse("assessment:score", args=[item])),
        ("get", reverse("assessment:village", args=[world.village_a.pk])),
        ("get", f"/api/assessment/townships/{t}/results/{YEAR}"),
    ]


def test_kpi_01_outsider_gets_404_on_every_route_same_as_missing(world, kpi, login):
    """SEC-02 for KPI-01..08: village B's secretary sees nothing of 青山镇, like a nonexistent ID."""
    client = login("outsider")
    for method, url in _routes(world, kpi):
        resp = getattr(client, method)(url)
        assert resp.status_code == 404, (method, url, resp.status_code)
    for name, real, fake in (("template", kpi.tpl.pk, 999999), ("score", kpi.items[0].pk, 999999),
                             ("village", world.village_a.pk, 999999)):
        theirs = client.get(reverse(f"assessment:{name}", args=[real]))
        missing = client.get(reverse(f"assessment:{name}", args=[fake]))
        assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content
    real = client.get(reverse("assessment:results", args=[world.t1.pk, YEAR]))
    fake = client.get(reverse("assessment:results", args=[999999, YEAR]))
    assert real.content == fake.content
    api = client.post(f"/api/assessment/items/{kpi.items[0].pk}/scores",
                      data={"village_id": world.village_a.pk, "score": "1"}, content_type="application/json")
    assert api.status_code == 404 and api.json() == {"detail": NOT_FOUND}
    # the home page shows him nothing of 青山镇
    body = client.get(reverse("assessment:home")).content.decode()
    assert "东村" not in body and kpi.tpl.title not in body
    assert not ItemScore.objects.exists() and not AnnualResult.objects.exists()


def test_kpi_01_anonymous_redirected_to_login(world, kpi, client):
    resp = client.get(reverse("assessment:template", args=[kpi.tpl.pk]))
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_kpi_01_office_creates_template_and_bad_sum_shown(world, policies, login):
    client = login("office")
    url = reverse("assessment:template_new", args=[world.t1.pk])
    page = client.get(url + f"?year={YEAR}")
    assert page.status_code == 200 and "《履责全程纪实》规定的工作职责" in page.content.decode()
    bad = {"year": YEAR, "name_1": "甲", "max_1": "600", "rater_1": world.t1.pk,
           "name_2": "乙", "max_2": "300", "rater_2": world.t1.pk}
    resp = client.post(url, bad)
    assert resp.status_code == 400 and "考核项目满分合计为 900 分，应为 1000 分" in resp.content.decode()
    assert not AssessmentTemplate.objects.exists()
    good = {**bad, "max_2": "400", "rater_2": world.dept.pk}
    resp = client.post(url, good)
    tpl = AssessmentTemplate.objects.get()
    assert resp.status_code == 302 and tpl.items.get(name="乙").rater == world.dept


def test_kpi_01_score_form_above_max_nothing_saved(world, kpi, login):
    client = login("office")
    item = kpi.items[0]
    url = reverse("assessment:score", args=[item.pk])
    resp = client.post(url, {f"score_{world.village_a.pk}": "250", f"score_{world.village_c.pk}": "301"})
    assert resp.status_code == 400
    assert "南村：「《履责全程纪实》规定的工作职责」得分 301 超过该项满分 300 分" in resp.content.decode()
    assert not ItemScore.objects.exists()  # 东村's valid score rolled back with the form
    resp = client.post(url, {f"score_{world.village_a.pk}": "250", f"score_{world.village_c.pk}": "300"})
    assert resp.status_code == 302 and ItemScore.objects.count() == 2


def test_kpi_01_department_rater_sees_only_scoring_and_api(world, kpi, client):
    client.force_login(kpi.dept_user)
    dept_item, township_item = kpi.items[3], kpi.items[0]
    assert client.get(reverse("assessment:score", args=[dept_item.pk])).status_code == 200
    assert client.get(reverse("assessment:score", args=[township_item.pk])).status_code == 404
    ok = client.post(f"/api/assessment/items/{dept_item.pk}/scores",
                     data={"village_id": world.village_a.pk, "score": "150"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["score"] == "150.00"
    bad = client.post(f"/api/assessment/items/{dept_item.pk}/scores",
                      data={"village_id": world.village_a.pk, "score": "250"}, content_type="application/json")
    assert bad.status_code == 400 and "超过该项满分 200 分" in bad.json()["detail"]


def test_kpi_04_results_page_ranks_separately_and_states_rules(world, kpi, login):
    fill(world, kpi, {world.village_a.pk: 900, world.village_c.pk: 700, kpi.community.pk: 950,
                      kpi.community_b.pk: 900})
    client = login("office")
    resp = client.post(reverse("assessment:finalize", args=[kpi.tpl.pk]))
    assert resp.status_code == 302
    page = client.get(reverse("assessment:results", args=[world.t1.pk, YEAR])).content.decode()
    assert "村排名" in page and "社区排名" in page and "诫勉谈话" in page
    assert "考核工资 = 20000 元" in page and "并列同分者名次相同" in page
    assert "assessment-chart" in page and "vendor/echarts.min.js" in page
    api = client.get(f"/api/assessment/townships/{world.t1.pk}/results/{YEAR}").json()
    assert {(r["kind"], r["village"], r["rank"]) for r in api} >= {("village", "南村", 2), ("community", "中社区", 2)}
    pub = client.post(reverse("assessment:publish", args=[kpi.tpl.pk]))
    assert pub.status_code == 302 and AssessmentTemplate.objects.get().notice_version_id
    # the village secretary of A sees his village's history, not the township's pages
    sec = login("village_secretary_a")
    assert "东村" in sec.get(reverse("assessment:village", args=[world.village_a.pk])).content.decode()
    assert sec.get(reverse("assessment:village", args=[world.village_c.pk])).status_code == 404


def test_kpi_08_import_page_reports_every_bad_row(world, kpi, login):
    client = login("office")
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [[YEAR - 1, world.village_a.code, "东村", 910], [YEAR - 1, "1", "?", "x"]]
    data = xlsx_bytes([("历史结果", services.IMPORT_HEADERS, rows)], text_columns=["村（社区）代码"])
    resp = client.post(reverse("assessment:import", args=[world.t1.pk]),
                       {"file": SimpleUploadedFile("h.xlsx", data)})
    body = resp.content.decode()
    assert resp.status_code == 400 and "第 3 行：代码「1」不是青山镇的村（社区）" in body
    assert "第 3 行：得分「x」应为 0 至 1000 的数字" in body and not AnnualResult.objects.exists()
    tpl = client.get(reverse("assessment:import_template", args=[world.t1.pk]))
    assert tpl.status_code == 200 and tpl["Content-Type"].startswith("application/vnd.openxml")


def test_kpi_03_duty_report_form(world, kpi, login):
    client = login("office")
    url = reverse("assessment:reports", args=[world.t1.pk])
    resp = client.post(url, {"year": YEAR, "person": world.people.cadre_a.pk, "half": 2,
                             "reported_on": f"{YEAR}-12-20", "summary": "", "votes_excellent": "3"})
    assert resp.status_code == 400 and services.REPORT_AUDIENCE in resp.content.decode()
    resp = client.post(url, {"year": YEAR, "person": world.people.cadre_a.pk, "half": 2,
                             "reported_on": f"{YEAR}-12-20", "summary": "下半年履职", "audiences": ["committee"],
                             "votes_excellent": "3", "votes_competent": "5"})
    assert resp.status_code == 302
    assert "周文书" in client.get(url + f"?year={YEAR}").content.decode()


def test_kpi_06_inspection_page_records_and_publishes(world, kpi, login):
    client = login("office")
    url = reverse("assessment:inspections", args=[world.t1.pk, MONTH])
    resp = client.post(url, {"village": world.village_a.pk, "inspected_on": f"{YEAR}-03-05", "finding": "值班缺人",
                             "person": world.people.cadre_a.pk})
    assert resp.status_code == 302
    page = client.get(url).content.decode()
    assert "周文书" in page and f"{YEAR}-02" in page and f"{YEAR}-04" in page
    resp = client.post(url, {"village": world.village_a.pk, "inspected_on": f"{YEAR}-04-05", "finding": "x"})
    assert resp.status_code == 400 and "督查日期应在本月内" in resp.content.decode()
    resp = client.post(url, {"action": "publish"})
    assert resp.status_code == 302 and "已发布第 1 版" in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["county_org", "township_secretary"])
def test_kpi_01_scoped_viewers_see_home(world, kpi, login, name):
    body = login(name).get(reverse("assessment:home") + f"?township={world.t1.pk}").content.decode()
    assert kpi.tpl.title in body
    assert date.today().year  # noqa: DTZ011 — sanity: page rendered without a fixed clock


def test_kpi_01_office_opens_every_page(world, kpi, login):
    """Every GET route renders for the township office (the outsider test shows the refusals)."""
    client = login("office")
    for method, url in _routes(world, kpi):
        if method != "get" or url.endswith("/pdf/"):
            continue
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
    stages = client.get(reverse("assessment:stages", args=[kpi.tpl.pk])).content.decode()
    assert "第 2 阶段" in stages and "考核工资 = 20000 元" in stages
    three = client.get(reverse("assessment:three", args=[kpi.tpl.pk])).content.decode()
    assert "0.2 × 基层组织自评" in three


def test_kpi_04_results_page_query_count_does_not_grow_with_villages(world, kpi, login):
    """The ranking is one SQL window query: 4 or 24 villages cost the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ganbu.org.models import OrgKind
    from ganbu.org.services import org_create

    def import_year(villages):
        rows = [[YEAR - 1, v.code, v.name, 800 + i] for i, v in enumerate(villages)]
        services.results_import(actor=world.users.office, township=world.t1, filename="h.xlsx",
                                content=xlsx_bytes([("h", services.IMPORT_HEADERS, rows)], text_columns=["村（社区）代码"]))

    client = login("office")
    url = reverse("assessment:results", args=[world.t1.pk, YEAR - 1])
    import_year(kpi.villages)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    more = [org_create(actor=None, kind=OrgKind.VILLAGE, name=f"新村{i}", code=f"3305211002{i + 30:02d}",
                       parent=world.t1) for i in range(20)]
    import_year(kpi.villages + more)
    with CaptureQueriesContext(connection) as big:
        body = client.get(url).content.decode()
    assert "新村19" in body
    assert len(big.captured_queries) == len(small.captured_queries)


def test_kpi_06_published_circular_readable_without_login(world, kpi, login, client):
    """KPI-06 / PUB-01: the circular's frozen version shows on the public board, phone numbers masked."""
    services.inspection_record(actor=world.users.office, township=world.t1, village=world.village_a,
                               inspected_on=date(YEAR, 3, 12), finding="值班电话 13812345678 无人接听")
    circular = services.circular_publish(actor=world.users.office, township=world.t1, month=date(YEAR, 3, 1))
    client.logout()
    body = client.get(reverse("notices:detail", args=[circular.notice_version_id])).content.decode()
    assert "值班电话" in body and "13812345678" not in body and "督查情况" in body


def test_kpi_01_items_corrected_before_scoring_only(world, kpi, login):
    client = login("office")
    url = reverse("assessment:template_edit", args=[kpi.tpl.pk])
    form = {"name_1": "甲", "max_1": "500", "rater_1": world.t1.pk, "name_2": "乙", "max_2": "400",
            "rater_2": world.dept.pk}
    resp = client.post(url, form)
    assert resp.status_code == 400 and "考核项目满分合计为 900 分，应为 1000 分" in resp.content.decode()
    assert kpi.tpl.items.count() == 4
    resp = client.post(url, {**form, "max_2": "500"})
    assert resp.status_code == 302 and [i.name for i in kpi.tpl.items.order_by("order")] == ["甲", "乙"]
    services.score_enter(actor=world.users.office, item=kpi.tpl.items.get(name="甲"), village=world.village_a,
                         score=1)
    resp = client.post(url, {**form, "max_2": "500"})
    assert resp.status_code == 400 and services.ITEMS_LOCKED in resp.content.decode()
