"""The whole commitment in Chromium: framework → measures → vote → send back → revise → approve →
sign → public board → a task comes due → failed on a phone → notice PDF → re-inspection → closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ganbu.targets import services
from ganbu.targets.models import Commitment, LedgerTask, SupervisionNotice
from tests.targets.conftest import PNG

SHOTS = "/tmp/i12-shots"
PHONE = {"viewport": {"width": 390, "height": 844}}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def _photo(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": PNG}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tgt_01_05_commitment_journey(world, policies, browser_login, live_server):
    """TGT-01/02/03/05, PUB-01: every step by the role that does it, through the pages."""
    today = timezone.localdate()
    deadline = today + timedelta(days=10)
    year = today.year
    url = live_server.url

    # the township assessment office proposes the framework
    office = browser_login("office", **DESKTOP)
    office.goto(f"{url}/targets/propose/")
    office.select_option("select[name=village]", label="东村")
    office.fill("input[name=term_start]", str(year))
    office.fill("input[name=term_end]", str(year + 2))
    office.check("input[name=cat_0]")
    office.fill("input[name=guide_0]", "支部规范化建设")
    office.check("input[name=cat_1]")
    office.fill("input[name=guide_1]", "集体经济增收")
    office.click("text=提出框架并通知村“两委”")
    office.wait_for_selector("text=已向东村提出目标框架")
    c = Commitment.objects.get(village=world.village_a)

    # the village two committees write measures on a phone, the responsible person found by search
    village = browser_login("village_secretary_a", **PHONE)
    village.goto(f"{url}/targets/c/{c.pk}/")
    village.click("text=新增落实措施")
    village.select_option("select[name=category]", "经济发展")
    village.fill("input[name=text]", "村内道路硬化")
    village.fill("input[name=standard]", "硬化道路1公里；安装路灯10盏")
    village.fill("input[name=deadline]", deadline.isoformat())
    village.fill("input[name=q]", "周")
    expect(village.locator("#responsible option")).to_have_count(1)  # no string eval: the CSP forbids it
    village.select_option("#responsible", label="周文书（东村）")
    village.click("text=保存措施")
    village.wait_for_selector("text=措施已保存")
    services.measure_save(actor=world.users.village_secretary_a, commitment=c, data=services.MeasureInput(
        category="党的建设", text="三会一课", standard="每月一次主题党日", deadline=today + timedelta(days=40),
        responsible=world.people.village_secretary_a))
    # the meeting's vote, with its minutes
    village.goto(f"{url}/targets/c/{c.pk}/")
    village.fill("input[name=held_on]", today.isoformat())
    village.fill("input[name=attendance]", "42")
    village.fill("input[name=votes_for]", "39")
    village.fill("input[name=votes_against]", "2")
    village.set_input_files("input[name=minutes]", _photo("会议记录.png"))
    village.check("#vote input[name=confirm]")
    village.click("text=登记表决结果")
    village.wait_for_selector("text=会议表决已登记")
    village.check("#submit input[name=confirm]")
    village.click("#submit button")
    village.wait_for_selector("text=已盖章报送镇党委、政府审批")
    village.screenshot(path=f"{SHOTS}/01-village-submitted-phone.png", full_page=True)

    # the township sends one measure back with a reason
    road = c.measures.get(text="村内道路硬化")
    secretary = browser_login("township_secretary", **DESKTOP)
    secretary.goto(f"{url}/targets/c/{c.pk}/")
    secretary.check(f"input[name=back_{road.pk}]")
    secretary.fill(f"input[name=reason_{road.pk}]", "目标偏低，应不少于2公里")
    secretary.check("#send-back input[name=confirm]")
    secretary.click("text=退回所选措施")
    secretary.wait_for_selector("text=已退回1项措施")

    # the village revises and submits again
    village.goto(f"{url}/targets/c/{c.pk}/")
    assert "目标偏低，应不少于2公里" in village.inner_text("#measures")
    village.click(f"#m-{road.pk} a:text-is('修改')")
    village.fill("input[name=standard]", "硬化道路2公里；安装路灯20盏")
    village.click("text=保存措施")
    village.wait_for_selector("text=措施已保存")
    village.check("#submit input[name=confirm]")
    village.click("#submit button")
    village.wait_for_selector("text=已盖章报送镇党委、政府审批")

    # approval and signing, then the public board
    secretary.goto(f"{url}/targets/c/{c.pk}/")
    secretary.check("#approve-form input[name=confirm]")
    secretary.click("#approve-form button")
    secretary.wait_for_selector("text=已审批通过")
    secretary.check("#sign input[name=confirm]")
    secretary.click("#sign button")
    secretary.wait_for_selector("text=责任书已签约，并已在公开栏公布")
    assert "电子签名有效" in secretary.inner_text("main")
    secretary.screenshot(path=f"{SHOTS}/02-signed-desktop.png", full_page=True)
    secretary.click("#board-link")
    secretary.wait_for_selector("text=硬化道路2公里")
    secretary.screenshot(path=f"{SHOTS}/03-public-board-desktop.png", full_page=True)

    # the monthly ledger, and the task comes due (the nightly job on the day after its deadline)
    office.goto(f"{url}/targets/ledger/?month={deadline:%Y-%m}")
    office.check("form[action$='/ledger/build/'] input[name=confirm]")
    office.click("text=从季度分解生成本月台账")
    office.wait_for_selector("text=完成村内道路硬化")
    office.screenshot(path=f"{SHOTS}/04-ledger-desktop.png", full_page=True)
    task = LedgerTask.objects.get(stage__measure=road)
    assert services.tasks_due_scan(on=deadline + timedelta(days=1)) >= 1
    office.goto(f"{url}/targets/task/{task.pk}/")
    office.select_option("select[name=inspector]", label="赵办事")
    office.check("#assign input[name=confirm]")
    office.click("#assign button")
    office.wait_for_selector("text=已指派赵办事到村现场验收")

    # the inspector fails it on a phone, item by item with a photo
    phone = browser_login("office", **PHONE)
    phone.goto(f"{url}/targets/")
    phone.click("#my-inspections a")
    phone.check("input[name=ok_0][value='1']")
    phone.check("input[name=ok_1][value='0']")
    phone.fill("input[name=note_1]", "仅安装8盏")
    phone.fill("textarea[name=missing]", "路灯只安装8盏，差12盏")
    phone.set_input_files("input[name=evidence]", _photo("现场.png"))
    phone.screenshot(path=f"{SHOTS}/05-inspection-phone.png", full_page=True)
    phone.check("input[name=confirm]")
    phone.click("text=提交检查结果")
    phone.wait_for_selector("text=验收不合格，已下发督办通知单并安排复查")
    notice = SupervisionNotice.objects.get(task=task)
    assert notice.due == today + timedelta(days=7)
    phone.screenshot(path=f"{SHOTS}/06-notice-phone.png", full_page=True)
    pdf = phone.request.get(f"{url}/targets/notice/{notice.pk}/notice.pdf")
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"
    with open(f"{SHOTS}/notice.pdf", "wb") as fh:
        fh.write(pdf.body())

    # the re-inspection passes, and only then the notice closes
    follow = notice.follow_ups.get()
    phone.goto(f"{url}/targets/inspection/{follow.pk}/")
    phone.check("input[name=ok_0][value='1']")
    phone.check("input[name=ok_1][value='1']")
    phone.set_input_files("input[name=evidence]", _photo("整改后.png"))
    phone.check("input[name=confirm]")
    phone.click("text=提交检查结果")
    phone.wait_for_selector("text=检查结果已登记：合格")
    phone.check("#close-form input[name=confirm]")
    phone.click("#close-form button")
    phone.wait_for_selector(f"text=督办通知单{notice.number}已办结")
    phone.screenshot(path=f"{SHOTS}/07-notice-closed-phone.png", full_page=True)
    notice.refresh_from_db()
    task.refresh_from_db()
    assert notice.status == "closed" and task.status == "passed"

    # the township dashboard with its chart
    office.goto(f"{url}/targets/progress/{world.t1.pk}/")
    office.wait_for_selector("#progress-chart canvas")
    assert "1" in office.inner_text("#t-due")
    office.screenshot(path=f"{SHOTS}/08-progress-desktop.png", full_page=True)
