"""One Chromium journey: the office enters the last item's scores, finalizes, sees the ranking chart."""

from __future__ import annotations

import pytest

from ganbu.assessment import services
from ganbu.cases.models import Case
from tests.assessment.conftest import YEAR


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kpi_04_office_scores_finalizes_and_sees_ranking(world, kpi, browser_login, live_server):
    """KPI-01/04: scores entered in the page, results ranked apart with a bar chart, admonishment case opened."""
    totals = {world.village_a.pk: 950, world.village_c.pk: 700, kpi.community.pk: 900, kpi.community_b.pk: 880}
    for village in kpi.villages:
        for item in kpi.items[1:]:
            rater = kpi.dept_user if item.rater_id == world.dept.pk else world.users.office
            services.score_enter(actor=rater, item=item, village=village, score=item.max_points)
        services.three_evaluation_enter(actor=world.users.office, template=kpi.tpl, village=village,
                                        self_score=totals[village.pk], public_score=totals[village.pk])
    page = browser_login("office")
    page.goto(f"{live_server.url}/assessment/item/{kpi.items[0].pk}/score/")
    for village in kpi.villages:
        # superior sum = 700 from the other items + this one; 南村 gets 0 here → last and below 800
        page.fill(f"input[name=score_{village.pk}]", "0" if village == world.village_c else "250")
    page.fill(f"input[name=score_{world.village_a.pk}]", "301")
    # the form itself refuses more than the item's maximum before the server does (test_views checks the server)
    assert page.eval_on_selector(f"input[name=score_{world.village_a.pk}]", "el => el.validity.rangeOverflow")
    page.fill(f"input[name=score_{world.village_a.pk}]", "250")
    page.click("text=保存评分")
    page.wait_for_selector("text=评分已保存")
    page.goto(f"{live_server.url}/assessment/template/{kpi.tpl.pk}/")
    page.click("text=汇总年度结果")
    page.wait_for_url(f"**/assessment/t/{world.t1.pk}/results/{YEAR}/")
    assert "村排名" in page.inner_text("main") and "社区排名" in page.inner_text("main")
    page.wait_for_selector(".chart canvas")
    assert Case.objects.filter(rule_id="KPI-04", subject=kpi.sec_c, measure="admonishment").exists()
