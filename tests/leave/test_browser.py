"""Browser journey (Chromium): a work-team member asks 4 days' leave on his phone, each S4 approver
approves in turn from the inbox, and the member reports back early (销假): the leave record shortens."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lv_03_lv_06_team_member_four_days_walks_chain_and_reports_back_early(browser_login, live_server, policies,
                                                                              world):
    """LV-03/LV-04/LV-06/LV-09: chain preview before submission; first secretary, village secretary, township
    secretary, county rural bureau, county org dept approve from their inboxes; the member comes back on
    the second day and reports back early: the record becomes 1 day, and the county confirms."""
    from django.utils import timezone

    from ganbu.leave.models import LeaveRequest, LeaveStatus

    today = timezone.localdate()
    start, end = today - timedelta(days=1), today + timedelta(days=2)  # 4 days, running since yesterday
    page = browser_login("team_1", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/leave/")
    page.select_option("select[name=kind]", "personal")
    page.fill("input[name=start]", start.isoformat())
    page.fill("input[name=end]", end.isoformat())
    page.fill("textarea[name=reason]", "家中老人住院")
    page.locator("input[name=end]").dispatch_event("change")
    chain = page.locator("#chain ol.chain li")
    chain.nth(4).wait_for()
    labels = chain.all_inner_texts()
    assert [t.split("\n")[0].split("（")[0] for t in labels] == [
        "驻村第一书记签字同意", "村党支部审批", "乡镇党委审批", "县乡村振兴局负责同志签字同意", "县委组织部负责同志签字同意并备案"]
    assert page.inner_text("#chain-days") == "4"
    page.click("button:has-text('提交申请')")
    page.wait_for_url("**/leave/*/")
    assert page.inner_text("#leave-status") == "审批中"
    req = LeaveRequest.objects.get(person=world.people.team_1)

    for order, name in enumerate(["first_secretary", "village_secretary_a", "township_secretary", "county_rural",
                                  "county_org"], start=1):
        approver = browser_login(name)
        approver.goto(f"{live_server.url}/")  # from the inbox the home page links to
        approver.goto(f"{live_server.url}/leave/inbox/")
        approver.click(f"a[href='/leave/{req.pk}/']")
        approver.fill("#decide-form input[name=comment]", f"同意（{name}）")
        approver.click("#decide-form button[value=approve]")
        approver.wait_for_selector(f"#step-{order} >> text=同意")
        assert f"同意（{name}）" in approver.inner_text(f"#step-{order}")
        approver.context.close()

    page.reload()
    assert page.inner_text("#leave-status") == "已批准"
    assert page.inner_text("#leave-days") == "4"
    page.screenshot(path="/tmp/i10a-shots/leave-approved-phone.png", full_page=True)
    # back today, before the approved end: any day from the start to today may be given
    assert page.get_attribute("#cancel-form input[name=returned_on]", "min") == start.isoformat()
    page.fill("#cancel-form input[name=returned_on]", today.isoformat())
    page.click("#cancel-form button[type=submit]")
    page.wait_for_selector("#cancellation")
    assert page.inner_text("#leave-status") == "已销假"
    assert page.inner_text("#leave-days") == "1"
    assert "原批准" in page.inner_text("#leave-shortened")
    page.screenshot(path="/tmp/i10a-shots/leave-reported-back-early-phone.png", full_page=True)
    req.refresh_from_db()
    assert req.status == LeaveStatus.CANCELLED and (req.start, req.end, req.days) == (start, start, 1)
    assert req.approved_end == end and req.approved_days == 4
    assert req.cancellation.returned_on == today and not req.cancellation.late
    # 向谁请假，向谁销假: the last approver (the county org dept signed this tier) confirms from its inbox
    assert req.cancellation.authority_role == "county_org"
    org = browser_login("county_org")
    org.goto(f"{live_server.url}/leave/inbox/")
    org.click(f"a[href='/leave/{req.pk}/']")
    org.click("text=确认销假")
    org.wait_for_load_state("networkidle")
    req.cancellation.refresh_from_db()
    assert req.cancellation.approved_by == world.users.county_org
