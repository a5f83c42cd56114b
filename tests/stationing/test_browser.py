"""Browser journeys (Chromium) for stationed cadres: a replacement from proposal to handover, the diary on a
phone flagged the next morning, the county's overdue filter and export, refusals in Chinese."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

SHOTS = "/tmp/i13-shots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stn_05_stn_06_replacement_late_report_and_handover(browser_login, live_server, stn):
    """STN-05/STN-06: the unit proposes a replacement (person found by search) → the organisation department
    reviews → the county approves in writing → the replacement reports on day 3 and is flagged (a case opens) →
    both are posted for the half-month handover; ending the outgoing's post inside it is refused in Chinese."""
    from django.utils import timezone

    from ganbu.cases.models import Case
    from ganbu.org.models import Post
    from ganbu.stationing.models import Selection

    today = timezone.localdate()
    url = live_server.url
    unit = browser_login("dispatch_leader", viewport=DESKTOP)
    unit.goto(f"{url}/stationing/selections/")
    unit.click("#to-replace")
    unit.fill("#picker input[name=q]", "林接")
    unit.click("#picker button[type=submit]")
    unit.click("#found a:has-text('林接任')")
    assert "符合选派条件" in unit.inner_text("#check")
    unit.select_option("select[name=outgoing]", str(stn.fs_post.pk))
    unit.select_option("select[name=reason]", "身体原因")
    unit.click("#propose button[name=save]")
    unit.wait_for_selector("#status")
    assert unit.inner_text("#status") == "已提出，待组织部审核"
    _shot(unit, "01-unit-proposed-replacement")
    sel = Selection.objects.get()

    rural = browser_login("county_rural", viewport=DESKTOP)
    rural.goto(f"{url}/stationing/selections/")
    rural.click(f"#mine a[href='/stationing/selections/{sel.pk}/']")
    rural.check("input[name=agree][value='1']")
    rural.fill("input[name=note]", "一事一议，同意报县委")
    rural.click("button:has-text('提交审查意见')")
    rural.wait_for_selector("#status:has-text('待县委审批')")

    county = browser_login("county_org", viewport=DESKTOP)
    county.goto(f"{url}/stationing/selections/{sel.pk}/")
    county.fill("#approve input[name=approved_on]", (today - timedelta(days=3)).isoformat())
    county.fill("#approve input[name=approval_ref]", "县委〔2026〕12号")
    county.click("#approve button[type=submit]")  # without the confirmation box: refused, nothing changes
    county.wait_for_selector("#approve .error:has-text('请勾选确认')")
    assert Selection.objects.get().status == "reviewed"
    county.check("#approve input[name=confirm]")
    county.click("#approve button[type=submit]")
    county.wait_for_selector("#status:has-text('已批复，待报到')")
    _shot(county, "02-county-approved-in-writing")

    town = browser_login("township_secretary", viewport=DESKTOP)
    town.goto(f"{url}/stationing/selections/{sel.pk}/")
    town.fill("#report input[name=on]", today.isoformat())
    town.check("#report input[name=confirm]")
    town.click("#report button[type=submit]")
    town.wait_for_selector("#late")
    handover = town.inner_text("#handover")
    end = today + timedelta(days=14)
    assert f"{today.year}年{today.month}月{today.day}日 至 {end.year}年{end.month}月{end.day}日" in handover
    _shot(town, "03-reported-day-3-flagged-handover")
    assert Case.objects.filter(rule_id="STN-05").count() == 1
    assert Post.objects.filter(org=stn.world.village_a, title="first_secretary", end__isnull=True).count() == 2

    county.goto(f"{url}/org/posts/{stn.fs_post.pk}/end/")
    county.fill("input[name=end]", (end - timedelta(days=1)).isoformat())
    county.fill("input[name=reason]", "调整")
    county.click("button:has-text('确认免职')")
    county.wait_for_selector(".error:has-text('过渡期')")
    _shot(county, "04-end-inside-handover-refused")
    assert Post.objects.get(pk=stn.fs_post.pk).end is None
    county.fill("input[name=end]", end.isoformat())
    county.click("button:has-text('确认免职')")
    county.wait_for_url(f"**/org/people/{stn.fs_post.person_id}/")
    assert Post.objects.get(pk=stn.fs_post.pk).end == end


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stn_11_diary_on_phone_and_leave_day_flagged_next_morning(browser_login, live_server, stn):
    """STN-11: a team member writes the day's diary on a phone (a future date is refused in Chinese); the day
    was a leave day, so the nightly check flags it to the first secretary, who sees it in the morning."""
    from django.utils import timezone

    from ganbu.stationing import services
    from ganbu.stationing.models import DiaryEntry

    from .conftest import leave_today

    today = timezone.localdate()
    url = live_server.url
    member = browser_login("team_1", viewport=PHONE)
    member.goto(f"{url}/")
    member.click("label.navbtn")
    member.click("nav.mainnav a:has-text('驻村工作日记')")
    member.fill("input[name=date]", (today + timedelta(days=1)).isoformat())
    member.fill("textarea[name=work]", "明天准备走访")
    member.click("#diary-form button[type=submit]")
    member.wait_for_selector(".error:has-text('日记日期不能晚于今天')")
    _shot(member, "05-phone-diary-future-refused")
    assert not DiaryEntry.objects.exists()
    member.fill("input[name=date]", today.isoformat())
    member.fill("textarea[name=work]", "走访脱贫户5户，核实就医报销情况；参加村两委例会。")
    member.fill("input[name=households]", "张大伯、李阿姨")
    member.click("#diary-form button[type=submit]")
    member.wait_for_selector("#today-done")
    _shot(member, "06-phone-diary-written")

    leave_today(stn.world.people.team_1, today)  # the day was an approved leave day
    assert services.diary_evaluate(on=today) >= 1  # the nightly job

    fs = browser_login("first_secretary", viewport=PHONE)
    fs.goto(f"{url}/inbox/")
    assert "工作日记异常：郑队员" in fs.inner_text("main")
    fs.goto(f"{url}/stationing/diary/flags/")
    assert "请假当日记有工作日记" in fs.inner_text("#flags")
    _shot(fs, "07-phone-first-secretary-sees-flag")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stn_county_list_overdue_filter_export_and_refusals(browser_login, live_server, stn):
    """The county opens the stationed-cadre list, filters overdue obligations and exports it; appointing an
    ineligible candidate and a private mobile number on the board are refused in Chinese."""
    from django.utils import timezone

    from ganbu.org.models import Person
    from ganbu.stationing import services
    from ganbu.stationing.models import Selection

    from .test_pages import _overdue_setup

    _overdue_setup(stn)
    today = timezone.localdate()
    url = live_server.url
    county = browser_login("county_org", viewport=DESKTOP)
    county.goto(f"{url}/")
    county.click("nav.mainnav a:has-text('驻村干部')")
    assert county.locator("#cadres tbody tr").count() == 3
    county.check("input[name=overdue]")
    county.click("#filters button[type=submit]")
    county.wait_for_url("**overdue=1**")
    names = county.locator("#cadres tbody tr td:first-child").all_inner_texts()
    assert "吴第一书记" in names and "郑队员" not in names
    _shot(county, "08-county-overdue-filter")
    with county.expect_download() as dl:
        county.click("#export")
    assert dl.value.suggested_filename.endswith(".xlsx")

    sel = services.selection_propose(actor=stn.world.users.dispatch_leader, kind="new", village=stn.world.village_a,
                                     unit=stn.world.unit, candidate=stn.bad, role="first_secretary", term_start=today)
    county.goto(f"{url}/stationing/selections/{sel.pk}/")
    county.fill("#approve input[name=approval_ref]", "县委组〔2026〕9号")
    county.check("#approve input[name=confirm]")
    county.click("#approve button[type=submit]")
    county.wait_for_selector("#approve .error:has-text('不符合驻村选派条件')")
    _shot(county, "09-ineligible-approval-refused")
    assert Selection.objects.get(pk=sel.pk).status == "proposed"

    p = stn.world.people.team_1
    county.goto(f"{url}/stationing/cadre/{p.pk}/board-phone/")
    county.fill("input[name=work_phone]", p.phone)
    county.click("#phone-form button[type=submit]")
    county.wait_for_selector(".error:has-text('私人手机号')")
    _shot(county, "10-board-private-mobile-refused")
    assert Person.objects.get(pk=p.pk).work_phone == ""
    board = browser_login("team_2", viewport=PHONE)
    board.goto(f"{url}/stationing/board/{stn.world.village_a.pk}/")
    _shot(board, "11-phone-village-board")
    assert p.phone not in board.inner_text("#board")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stn_17_task_on_a_phone(browser_login, live_server, stn):
    """STN-17: the township gives the first secretary a task (confirm step); he sees it on his phone."""
    from django.utils import timezone

    from ganbu.stationing.models import AssignedTask

    url = live_server.url
    fs = stn.world.people.first_secretary
    town = browser_login("township_secretary", viewport=PHONE)
    town.goto(f"{url}/stationing/cadre/{fs.pk}/tasks/new/")
    town.fill("input[name=title]", "摸排低收入户")
    town.fill("input[name=due]", (timezone.localdate() + timedelta(days=3)).isoformat())
    town.click("#task-form button.primary")
    town.wait_for_selector("#preview")
    os.makedirs("/tmp/m13-shots", exist_ok=True)
    town.screenshot(path="/tmp/m13-shots/task-preview-phone.png", full_page=True)
    town.click("#task-form button.primary")
    town.wait_for_selector("#task")
    town.screenshot(path="/tmp/m13-shots/task-phone.png", full_page=True)
    assert AssignedTask.objects.count() == 1
