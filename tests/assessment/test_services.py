"""千分制 services against the database (KPI-01..08)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ganbu.assessment import rules, services
from ganbu.assessment.models import AnnualResult, AssessmentTemplate, ItemScore
from ganbu.assessment.queries import results_ranked
from ganbu.assessment.services import AssessmentError, ItemInput
from ganbu.cases.models import Case
from ganbu.reports.excel import xlsx_bytes
from tests.assessment.conftest import YEAR, fill


def test_kpi_01_template_items_not_summing_to_1000_refused(world, policies):
    items = [ItemInput(name="甲", max_points=600, rater_id=world.t1.pk),
             ItemInput(name="乙", max_points=300, rater_id=world.t1.pk)]
    with pytest.raises(AssessmentError) as exc:
        services.template_create(actor=world.users.office, township=world.t1, year=YEAR, items=items)
    assert exc.value.errors == ["考核项目满分合计为 900 分，应为 1000 分"]
    assert not AssessmentTemplate.objects.exists()


def test_kpi_01_rater_must_be_township_or_county_department(world, policies):
    items = [ItemInput(name="甲", max_points=1000, rater_id=world.village_a.pk)]
    with pytest.raises(AssessmentError) as exc:
        services.template_create(actor=world.users.office, township=world.t1, year=YEAR, items=items)
    assert exc.value.errors == [services.RATER_INVALID.format(n=1)]


def test_kpi_01_template_records_policy_and_duplicate_year_refused(world, kpi):
    from ganbu.core.presets import DOCUMENTS

    assert kpi.tpl.total_points == 1000 and kpi.tpl.policy_version.preset == "S1"
    assert DOCUMENTS["S1"] in kpi.tpl.policy_ref
    with pytest.raises(AssessmentError, match="已存在"):
        services.template_create(actor=world.users.office, township=world.t1, year=YEAR,
                                 items=services.default_items(kpi.policy, world.t1))


def test_kpi_01_default_items_follow_s1_bases(world, kpi):
    items = services.default_items(kpi.policy, world.t1)
    assert [i.name for i in items] == kpi.policy.item_bases
    assert sum(i.max_points for i in items) == 1000


def test_kpi_01_score_above_max_refused_nothing_saved(world, kpi):
    item = kpi.items[0]
    with pytest.raises(AssessmentError) as exc:
        services.score_enter(actor=world.users.office, item=item, village=world.village_a, score="300.5")
    assert exc.value.errors == ["「《履责全程纪实》规定的工作职责」得分 300.5 超过该项满分 300 分"]
    with pytest.raises(AssessmentError, match="应为数字"):
        services.score_enter(actor=world.users.office, item=item, village=world.village_a, score="abc")
    assert not ItemScore.objects.exists()


def test_kpi_01_only_designated_rater_org_scores(world, kpi):
    township_item, dept_item = kpi.items[0], kpi.items[3]
    # county org staff are not the township's 考核办; the township office is not the department
    with pytest.raises(AssessmentError, match="指定评分单位"):
        services.score_enter(actor=world.users.county_org, item=township_item, village=world.village_a, score=1)
    with pytest.raises(AssessmentError, match="指定评分单位（县委组织部）"):
        services.score_enter(actor=world.users.office, item=dept_item, village=world.village_a, score=1)
    with pytest.raises(AssessmentError, match="指定评分单位"):
        services.score_enter(actor=world.users.outsider, item=township_item, village=world.village_a, score=1)
    services.score_enter(actor=kpi.dept_user, item=dept_item, village=world.village_a, score=150)
    row = services.score_enter(actor=world.users.office, item=township_item, village=world.village_a, score=250)
    row = services.score_enter(actor=world.users.office, item=township_item, village=world.village_a, score=260)
    assert ItemScore.objects.filter(item=township_item).count() == 1 and row.score == Decimal(260)
    with pytest.raises(AssessmentError, match="不属于"):
        services.score_enter(actor=world.users.office, item=township_item, village=world.village_b, score=1)


def test_kpi_02_finalize_refused_until_all_scored(world, kpi):
    services.score_enter(actor=world.users.office, item=kpi.items[0], village=world.village_a, score=250)
    with pytest.raises(AssessmentError) as exc:
        services.results_finalize(actor=world.users.office, template=kpi.tpl)
    assert "东村（每月督查通报情况" in exc.value.errors[0] and "基层组织自评" in exc.value.errors[0]
    assert not AnnualResult.objects.exists()


def _totals(world, kpi, a, c, n1, n2):
    return {world.village_a.pk: a, world.village_c.pk: c, kpi.community.pk: n1, kpi.community_b.pk: n2}


def test_kpi_02_three_evaluations_weighted_into_result_and_ranked_separately(world, kpi):
    """KPI-02: result = 0.2 × 自评 + 0.3 × 测评 + 0.5 × 上级考评 (suggested weights); ranks per kind in SQL."""
    fill(world, kpi, _totals(world, kpi, 900, 850, 700, 950), self_score=1000, public_score=800)
    rows = {r.village_id: r for r in services.results_finalize(actor=world.users.office, template=kpi.tpl)}
    a = rows[world.village_a.pk]
    assert a.superior_score == Decimal(900)
    assert a.total == Decimal("0.2") * 1000 + Decimal("0.3") * 800 + Decimal("0.5") * 900
    assert a.policy_version_id and a.policy_ref
    ranked = {(r.kind, r.village_name): r.rank for r in results_ranked(world.t1, YEAR)}
    assert ranked == {("village", "东村"): 1, ("village", "南村"): 2, ("community", "中社区"): 1,
                      ("community", "北社区"): 2}


def test_kpi_04_last_place_below_800_opens_admonishment_for_secretary(world, kpi):
    fill(world, kpi, _totals(world, kpi, 900, 780, 950, 900))
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    case = Case.objects.get(rule_id="KPI-04")
    assert case.measure == "admonishment" and case.subject_id == kpi.sec_c.pk
    assert case.org_path == world.village_c.path and case.policy_version_id
    assert case.facts["total"] == "780.00"
    # communities are ranked apart: 北社区 at 900 is last of communities but above 800 → no case
    assert Case.objects.count() == 1
    # re-finalizing is idempotent
    AssessmentTemplate.objects.filter(pk=kpi.tpl.pk).update(status="open")
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    assert Case.objects.count() == 1


def test_kpi_04_last_but_above_800_no_case(world, kpi):
    fill(world, kpi, _totals(world, kpi, 900, 810, 950, 900))
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    assert not Case.objects.exists()


def test_kpi_05_rewards_top_villages_and_communities(world, kpi):
    fill(world, kpi, _totals(world, kpi, 900, 880, 950, 900))
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    rewards = dict(AnnualResult.objects.values_list("village_name", "reward"))
    # 2 villages (top 3 → both), 2 communities (top 2 → both) at the policy amount
    assert rewards == {"东村": Decimal("2000.00"), "南村": Decimal("2000.00"), "北社区": Decimal("2000.00"),
                       "中社区": Decimal("2000.00")}


def test_kpi_07_stage_results_set_pay_and_budget(world, kpi):
    services.stage_score_enter(actor=world.users.office, template=kpi.tpl, village=world.village_a, stage=1, score=800)
    services.stage_score_enter(actor=world.users.office, template=kpi.tpl, village=world.village_a, stage=2, score=900)
    with pytest.raises(AssessmentError, match="阶段应为 1 至 2"):
        services.stage_score_enter(actor=world.users.office, template=kpi.tpl, village=world.village_a, stage=3,
                                   score=900)
    fill(world, kpi, _totals(world, kpi, 900, 880, 950, 900))
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    a = AnnualResult.objects.get(village=world.village_a)
    expected = rules.assessment_pay(kpi.policy, stage_scores=[Decimal(800), Decimal(900)], year_total=a.total)
    assert a.stage_mean == Decimal(850) and a.pay == expected.pay == Decimal("17600.00")
    assert a.budget == Decimal("8800.00")
    c = AnnualResult.objects.get(village=world.village_c)
    assert c.pay == Decimal("17600.00")  # no stage scores: year-end result alone (880/1000 × 20000)


def _xlsx(rows):
    return xlsx_bytes([("历史结果", services.IMPORT_HEADERS, rows)], text_columns=["村（社区）代码"])


def test_kpi_08_import_two_past_years_then_current_opens_removal(world, kpi):
    """KPI-08 + KPI-04: 南村 last and below 800 in 2023 and 2024 (imported) and 2025 → removal case."""
    rows = []
    for year in (YEAR - 2, YEAR - 1):
        rows += [[year, world.village_a.code, "东村", 910], [year, world.village_c.code, "南村", 760.5],
                 [year, kpi.community.code, "北社区", 900], [year, kpi.community_b.code, "中社区", 880]]
    created = services.results_import(actor=world.users.office, township=world.t1, content=_xlsx(rows),
                                      filename="历年结果.xlsx")
    assert len(created) == 8 and all(r.policy_version_id and "历年结果.xlsx" in r.policy_ref for r in created)
    fill(world, kpi, _totals(world, kpi, 900, 700, 950, 900))
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    case = Case.objects.get(rule_id="KPI-04")
    assert case.measure == "removal" and case.subject_id == kpi.sec_c.pk
    assert [r["year"] for r in case.facts["years_running"]] == [YEAR, YEAR - 1, YEAR - 2]


def test_kpi_08_bad_rows_change_nothing_and_are_all_reported(world, kpi):
    rows = [[YEAR - 1, world.village_a.code, "东村", 910],
            [YEAR - 1, "330521999999", "无此村", 800],
            [YEAR - 1, world.village_c.code, "南村", 1200],
            ["去年", world.village_c.code, "南村", 700],
            [YEAR - 1, world.village_a.code, "东村", 900],
            [YEAR - 1, world.village_b.code, "西村", 800],
            [2099, world.village_c.code, "南村", 700]]
    with pytest.raises(AssessmentError) as exc:
        services.results_import(actor=world.users.office, township=world.t1, content=_xlsx(rows), filename="x.xlsx")
    errs = exc.value.errors
    assert errs == [
        "第 3 行：代码「330521999999」不是青山镇的村（社区）",
        "第 4 行：得分「1200」应为 0 至 1000 的数字",
        "第 5 行：年度「去年」不是有效年份",
        "第 6 行：东村2024年与第 2 行重复",
        "第 7 行：代码「330521101201」不是青山镇的村（社区）",
        "第 8 行：2099 年不是往年，本年度结果请通过评分汇总产生",
    ]
    assert not AnnualResult.objects.exists()
    with pytest.raises(AssessmentError, match="表头"):
        services.results_import(actor=world.users.office, township=world.t1,
                                content=xlsx_bytes([("x", ["a", "b"], [[1, 2]])]), filename="x.xlsx")
    with pytest.raises(AssessmentError, match="无法读取"):
        services.results_import(actor=world.users.office, township=world.t1, content=b"junk", filename="x.xlsx")


def test_kpi_03_half_yearly_duty_report_with_written_evaluation(world, kpi):
    report = services.duty_report_record(
        actor=world.users.office, person=world.people.village_secretary_a, year=YEAR, half=1,
        reported_on=date(YEAR, 7, 5), audiences=["committee", "party_meeting"], summary="上半年履职情况……",
        votes={"excellent": 12, "competent": 6, "basic": 2, "incompetent": 0})
    assert report.rating == "excellent" and report.good_share == Decimal("90.00") and report.policy_version_id
    with pytest.raises(AssessmentError) as exc:
        services.duty_report_record(
            actor=world.users.office, person=world.people.village_secretary_a, year=YEAR, half=1,
            reported_on=date(YEAR, 7, 5), audiences=[], summary=" ", votes={"excellent": -1})
    assert services.REPORT_AUDIENCE in exc.value.errors and services.REPORT_SUMMARY in exc.value.errors
    assert any("已登记" in e for e in exc.value.errors) and any("优秀" in e for e in exc.value.errors)


def test_kpi_06_monthly_circular_published_as_frozen_notice(world, kpi):
    from ganbu.notices.models import NoticeVersion

    month = date(YEAR, 3, 1)
    with pytest.raises(AssessmentError, match="没有督查记录"):
        services.circular_publish(actor=world.users.office, township=world.t1, month=month)
    services.inspection_record(actor=world.users.office, township=world.t1, village=world.village_a,
                               inspected_on=date(YEAR, 3, 12), finding="值班表未按时更新", good=False,
                               rectification="一周内整改", person=world.people.cadre_a)
    services.inspection_record(actor=world.users.office, township=world.t1, village=world.village_c,
                               inspected_on=date(YEAR, 3, 14), finding="民情日记记录完整", good=True)
    circular = services.circular_publish(actor=world.users.office, township=world.t1, month=month)
    version = NoticeVersion.objects.get(pk=circular.notice_version_id)
    assert version.content["rows"][0][0] == "问题" and version.content["rows"][0][4] == "值班表未按时更新"
    assert version.content["rows"][1][:2] == ["表扬", "南村"]
    assert circular.policy_version_id and "3月" in circular.title
    again = services.circular_publish(actor=world.users.office, township=world.t1, month=month)
    # the same content published again is the same notice version (PUB-02: only a change is a new version)
    assert again.pk == circular.pk and again.notice_version.version == 1


def test_kpi_06_circular_pdf_has_cjk_text(world, kpi):
    pypdf = pytest.importorskip("pypdf")
    import io

    from ganbu.reports.pdf import PdfUnavailable

    services.inspection_record(actor=world.users.office, township=world.t1, village=world.village_a,
                               inspected_on=date(YEAR, 3, 12), finding="值班表未按时更新")
    try:
        data = services.circular_pdf(world.t1, date(YEAR, 3, 1))
    except PdfUnavailable:
        pytest.skip("WeasyPrint 系统库缺失")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "督查通报" in text and "值班表未按时更新" in text


def test_kpi_02_results_published_as_notice(world, kpi):
    with pytest.raises(AssessmentError, match="请先汇总"):
        services.results_publish(actor=world.users.office, template=kpi.tpl)
    fill(world, kpi, _totals(world, kpi, 900, 880, 950, 900))
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    version = services.results_publish(actor=world.users.office, template=kpi.tpl)
    assert [r[2] for r in version.content["rows"] if r[0] == "村"] == ["东村", "南村"]
    assert version.content["columns"] == services.RESULT_COLUMNS
    assert [r[3] for r in version.content["rows"] if r[0] == "村"] == ["孙支书", "马支书"]
    assert version.policy_ref == kpi.tpl.policy_ref


def test_kpi_08_import_after_finalize_reevaluates_removal(world, kpi):
    """KPI-08: importing history after the current year was finalized still opens the removal case."""
    fill(world, kpi, _totals(world, kpi, 900, 700, 950, 900))
    services.results_finalize(actor=world.users.office, template=kpi.tpl)
    assert Case.objects.get(rule_id="KPI-04").measure == "admonishment"
    rows = [[y, code, "", score] for y in (YEAR - 2, YEAR - 1)
            for code, score in ((world.village_a.code, 900), (world.village_c.code, 650))]
    services.results_import(actor=world.users.office, township=world.t1, content=_xlsx(rows), filename="h.xlsx")
    assert Case.objects.filter(rule_id="KPI-04", measure="removal", subject=kpi.sec_c).exists()
    with pytest.raises(AssessmentError, match="已有系统计算结果"):
        services.results_import(actor=world.users.office, township=world.t1, filename="h.xlsx",
                                content=_xlsx([[YEAR, world.village_a.code, "东村", 900]]))


def test_kpi_03_team_members_without_duty_report_are_listed(world, kpi):
    from ganbu.assessment.queries import duty_report_missing

    before = {p.name for p in duty_report_missing(world.t1, YEAR, 1)}
    assert {"孙支书", "周文书", "马支书"} <= before and "吴第一书记" not in before
    services.duty_report_record(
        actor=world.users.office, person=world.people.village_secretary_a, year=YEAR, half=1,
        reported_on=date(YEAR, 7, 5), audiences=["committee"], summary="述职", votes={"competent": 5})
    after = {p.name for p in duty_report_missing(world.t1, YEAR, 1)}
    assert after == before - {"孙支书"}
    assert "孙支书" in {p.name for p in duty_report_missing(world.t1, YEAR, 2)}
