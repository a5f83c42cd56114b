"""Subsidy pages: propose, review, send back with a reason, publish, pay, download; access; query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganbu.subsidies import services
from ganbu.subsidies.compute import compute
from ganbu.subsidies.models import PaymentRun, Register, RegisterStatus

from .conftest import YEAR
from .test_services import paid_ready, propose


def test_sub_04_township_proposes_from_its_page(world, scored, login):
    c = login("office")
    page = c.get(f"/subsidies/?year={YEAR}")
    assert page.status_code == 200 and "提出补贴花名册" in page.content.decode()
    r = c.post(f"/subsidies/?year={YEAR}", {"township": world.t1.pk, "year": YEAR, "rural_income": "",
                                            "confirm": "on"})
    reg = Register.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/subsidies/register/{reg.pk}/"
    body = c.get(r["Location"]).content.decode()
    assert "孙支书" in body and "每分值" in body and "1514.00" in body
    assert "SUB-" not in body and "S3" not in body


def test_sub_04_propose_without_confirm_refused_in_chinese(world, scored, login):
    c = login("office")
    r = c.post("/subsidies/", {"township": world.t1.pk, "year": YEAR})
    assert r.status_code == 400 and "请勾选确认" in r.content.decode() and not Register.objects.exists()
    r = c.post("/subsidies/", {"township": world.t1.pk, "year": "abc", "confirm": "on"})
    assert "年度：" in r.content.decode() and not Register.objects.exists()


def test_sub_04_finance_sends_back_needs_reason(world, scored, finance, login, django_capture_on_commit_callbacks):
    reg = services.register_approve(actor=world.users.county_org, register=propose(world))
    c = login("finance")
    r = c.post(f"/subsidies/register/{reg.pk}/", {"action": "send_back", "reason": "", "confirm": "on"})
    assert r.status_code == 400 and "请填写退回理由" in r.content.decode()
    assert Register.objects.get().status == RegisterStatus.ORG_APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/subsidies/register/{reg.pk}/", {"action": "send_back", "reason": "得分与考核办不一致",
                                                      "confirm": "on"})
    assert r.status_code == 302 and Register.objects.get().status == RegisterStatus.RETURNED
    from ganbu.core.models import Notification

    assert Notification.objects.filter(user=world.users.office, kind="subsidies", title__contains="退回").exists()


def test_sub_04_bank_file_download_and_second_run_refused(world, scored, finance, login):
    reg = paid_ready(world, finance)
    c = login("finance")
    r = c.post(f"/subsidies/register/{reg.pk}/", {"action": "pay", "confirm": "on"})
    assert r.status_code == 302
    xlsx = c.get(f"/subsidies/register/{reg.pk}/bank.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    Register.objects.filter(pk=reg.pk).update(status=RegisterStatus.PUBLISHED)  # a stale page posting again
    r = c.post(f"/subsidies/register/{reg.pk}/", {"action": "pay", "confirm": "on"})
    assert r.status_code == 400 and "不能重复发放" in r.content.decode() and PaymentRun.objects.count() == 1


def test_outsider_gets_404_everywhere(world, scored, login, finance):
    reg = propose(world)
    c = login("outsider")
    for url in ["/subsidies/", f"/subsidies/register/{reg.pk}/", f"/subsidies/register/{reg.pk}/bank.xlsx",
                f"/subsidies/register/{reg.pk}/register.pdf", "/subsidies/register/999999/"]:
        assert c.get(url).status_code == 404, url
    office = login("office")
    assert office.get(f"/subsidies/register/{reg.pk}/bank.xlsx").status_code == 404


def test_register_page_query_count_pinned(world, scored, login, django_assert_max_num_queries):
    reg = propose(world)
    c = login("county_org")
    with django_assert_max_num_queries(25):
        assert c.get(f"/subsidies/register/{reg.pk}/").status_code == 200


def _add_cadres(world, n):
    from ganbu.org.models import OrgKind, PostTitle
    from ganbu.org.services import org_create, post_start
    from tests.conftest import _person

    for i in range(n):
        v = org_create(actor=None, kind=OrgKind.VILLAGE, name=f"新村{i}", code=f"3305211012{i + 10:02d}",
                       parent=world.t2, households=50 + 40 * i)
        for title in (PostTitle.VILLAGE_SECRETARY, PostTitle.VILLAGE_DIRECTOR):
            post_start(actor=None, person=_person(v, f"干部{i}{title[-3:]}"), org=v, title=title,
                       start=date(2024, 3, 1), funded=True, safety_duty="负责本村安全")


def test_sub_county_computation_one_pass_constant_queries(world, scored):
    """The county computation reads a fixed number of queries whatever the number of cadres."""
    with CaptureQueriesContext(connection) as small:
        before = compute(scope=world.county, year=YEAR)
    _add_cadres(world, 6)
    with CaptureQueriesContext(connection) as big:
        after = compute(scope=world.county, year=YEAR)
    assert len(big) == len(small) <= 6
    assert sum(len(t.lines) for t in after.values()) == sum(len(t.lines) for t in before.values()) + 12


@pytest.mark.parametrize("name", ["office", "county_org", "finance"])
def test_nav_entry_for_each_role(world, policies, finance, login, name):
    assert "村干部补贴" in login(name).get("/").content.decode()


def test_register_page_queries_do_not_grow_with_lines(world, scored, login, finance):
    """A 13-line register page reads in as many queries as a 2-line one (no per-line query)."""
    small = propose(world)
    _add_cadres(world, 6)
    big = services.register_propose(actor=world.users.admin, township=world.t2, year=YEAR)
    assert big.lines.count() == 13
    c = login("county_org")
    counts = []
    for reg in (small, big):
        with CaptureQueriesContext(connection) as q:
            assert c.get(f"/subsidies/register/{reg.pk}/").status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1]


def test_recused_reviewer_sees_who_decides_instead(world, scored, login):
    """Recusal on the page: a reviewer whose own line is on the register gets no button, and is told why."""
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant

    reg = propose(world)
    role_grant(actor=None, user=world.users.village_secretary_a, role=Role.COUNTY_ORG, org=world.county)
    body = login("village_secretary_a").get(f"/subsidies/register/{reg.pk}/").content.decode()
    assert "依规回避" in body and "由上一级负责人审批" in body and 'id="approve"' not in body


def test_sub_04_register_pdf_from_the_page(world, scored, login):
    reg = propose(world)
    r = login("office").get(f"/subsidies/register/{reg.pk}/register.pdf")
    if r.status_code == 503:
        pytest.skip("WeasyPrint 系统库缺失")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
