"""Shared fixtures: one named persona per role, so a permission test is three lines long.

``world`` builds a small county: two townships, villages A and B, a dispatch unit, a first
secretary with a work team in village A, and users for every role plus an outsider from
village B. ``policies`` loads the S0–S4 presets (open numbers filled with suggested values).
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from types import SimpleNamespace

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from ganbu.core.idnumber import make_id_number  # noqa: E402

PASSWORD = "ganbu-test-pass"
BROWSER_SKIP = None
if not (shutil.which("chromium") or os.path.exists("/usr/bin/chromium")):
    BROWSER_SKIP = "未安装 Chromium（apt-get install chromium），跳过浏览器测试"


def pytest_collection_modifyitems(config, items):
    if BROWSER_SKIP:
        skip = pytest.mark.skip(reason=BROWSER_SKIP)
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_pg = pytest.mark.skip(reason="需要 PostgreSQL：设置 GANBU_DATABASE=postgres://postgres@127.0.0.1:5432/ganbu 后运行")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_tmp(settings, tmp_path):
    """Each test has its own audit checkpoint file (outside the database, like production)."""
    settings.GANBU_AUDIT_CHECKPOINTS = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture
def calendar(db):
    from ganbu.core.calendar import calendar_seed_from_library, work_calendar

    calendar_seed_from_library()
    return work_calendar()


_seq = [100]


def _person(org, name, *, gender="M", born=date(1980, 5, 1), category="village_elected", **extra):
    from ganbu.org.services import person_create

    _seq[0] += 1
    return person_create(actor=None, org=org, name=name, gender=gender, birth_date=born,
                         id_number=make_id_number(org.path[:6], born, _seq[0], gender == "M"),
                         phone=f"138{_seq[0]:08d}", category=category, **extra)


def _user(username, display, person=None):
    from ganbu.org.models import User

    user = User.objects.create_user(username=username, password=PASSWORD, display_name=display, person=person)
    return user


@pytest.fixture
def world(db, calendar):
    from ganbu.org.models import OrgKind, PostTitle, StaffStatus
    from ganbu.org.roles import Role
    from ganbu.org.services import org_create, post_start, role_grant

    county = org_create(actor=None, kind=OrgKind.COUNTY, name="示范县", code="330521000000")
    t1 = org_create(actor=None, kind=OrgKind.TOWNSHIP, name="青山镇", code="330521100000", parent=county,
                    latitude="30.100000", longitude="120.100000")
    t2 = org_create(actor=None, kind=OrgKind.TOWNSHIP, name="绿水镇", code="330521101000", parent=county)
    village_a = org_create(actor=None, kind=OrgKind.VILLAGE, name="东村", code="330521100201", parent=t1,
                           households=180, categories=["poverty_alleviated"],
                           latitude="30.110000", longitude="120.110000")
    village_c = org_create(actor=None, kind=OrgKind.VILLAGE, name="南村", code="330521100202", parent=t1,
                           households=420)
    village_b = org_create(actor=None, kind=OrgKind.VILLAGE, name="西村", code="330521101201", parent=t2,
                           households=90)
    unit = org_create(actor=None, kind=OrgKind.DISPATCH_UNIT, name="县农业农村局", parent=county)
    dept = org_create(actor=None, kind=OrgKind.DEPARTMENT, name="县委组织部", parent=county)

    start = date(2024, 1, 1)
    duty = "负责分管领域安全生产"
    p = SimpleNamespace()
    p.township_secretary = _person(t1, "王书记", category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
    p.township_head = _person(t1, "李镇长", category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
    p.office = _person(t1, "赵办事", gender="F", category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
    p.township_cadre = _person(t1, "钱干部", category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
    p.village_secretary_a = _person(village_a, "孙支书")
    p.cadre_a = _person(village_a, "周文书", gender="F")
    p.first_secretary = _person(village_a, "吴第一书记", category="civil_servant",
                                staff_status=StaffStatus.ESTABLISHED, party_member=True,
                                party_join_date=date(2010, 1, 1), party_full_date=date(2011, 1, 1),
                                work_start_date=date(2005, 7, 1))
    p.team_1 = _person(village_a, "郑队员", category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
    p.team_2 = _person(village_a, "冯队员", gender="F", category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
    p.outsider = _person(village_b, "陈外村")
    posts = [
        (p.township_secretary, t1, PostTitle.TOWNSHIP_SECRETARY, True, None),
        (p.township_head, t1, PostTitle.TOWNSHIP_HEAD, True, None),
        (p.office, t1, PostTitle.TOWNSHIP_CADRE, False, None),
        (p.township_cadre, t1, PostTitle.TOWNSHIP_CADRE, False, None),
        (p.village_secretary_a, village_a, PostTitle.VILLAGE_SECRETARY, True, None),
        (p.cadre_a, village_a, PostTitle.VILLAGE_CLERK, True, None),
        (p.first_secretary, village_a, PostTitle.FIRST_SECRETARY, False, unit),
        (p.team_1, village_a, PostTitle.TEAM_MEMBER, False, unit),
        (p.team_2, village_a, PostTitle.TEAM_MEMBER, False, unit),
        (p.outsider, village_b, PostTitle.VILLAGE_SECRETARY, True, None),
    ]
    for person, org, title, funded, du in posts:
        post_start(actor=None, person=person, org=org, title=title, start=start, funded=funded,
                   safety_duty=duty, dispatch_unit=du)

    u = SimpleNamespace()
    u.admin = _user("admin", "管理员")
    u.admin.is_superuser = True
    u.admin.is_staff = True
    u.admin.save()
    u.county_org = _user("county_org", "组织部张科长")
    u.county_rural = _user("county_rural", "乡村振兴局刘局长")
    u.county_deputy = _user("county_deputy", "县委黄副书记")
    u.township_secretary = _user("t1_secretary", "王书记", p.township_secretary)
    u.township_head = _user("t1_head", "李镇长", p.township_head)
    u.office = _user("t1_office", "赵办事", p.office)
    u.township_cadre = _user("t1_cadre", "钱干部", p.township_cadre)
    u.village_secretary_a = _user("a_secretary", "孙支书", p.village_secretary_a)
    u.cadre_a = _user("a_cadre", "周文书", p.cadre_a)
    u.first_secretary = _user("a_first", "吴第一书记", p.first_secretary)
    u.team_1 = _user("a_team1", "郑队员", p.team_1)
    u.team_2 = _user("a_team2", "冯队员", p.team_2)
    u.outsider = _user("b_secretary", "陈外村", p.outsider)
    u.dispatch_leader = _user("unit_leader", "派出单位领导")
    grants = [
        (u.county_org, Role.COUNTY_ORG, county), (u.county_rural, Role.COUNTY_RURAL, county),
        (u.county_deputy, Role.COUNTY_DEPUTY, county), (u.township_secretary, Role.TOWNSHIP_SECRETARY, t1),
        (u.township_head, Role.TOWNSHIP_HEAD, t1), (u.office, Role.TOWNSHIP_OFFICE, t1),
        (u.village_secretary_a, Role.VILLAGE_SECRETARY, village_a), (u.first_secretary, Role.FIRST_SECRETARY, village_a),
        (u.outsider, Role.VILLAGE_SECRETARY, village_b), (u.dispatch_leader, Role.DISPATCH_LEADER, unit),
    ]
    for user, role, org in grants:
        role_grant(actor=None, user=user, role=role, org=org)
    return SimpleNamespace(county=county, t1=t1, t2=t2, village_a=village_a, village_b=village_b,
                           village_c=village_c, unit=unit, dept=dept, people=p, users=u, password=PASSWORD)


@pytest.fixture
def policies(world):
    """Every preset adopted: county S3/S4, townships S0/S1/S2 (open numbers: suggested values)."""
    from ganbu.core.presets import presets_load

    return presets_load(actor=None, county=world.county, townships=[world.t1, world.t2], year=2024,
                        adopt=True, fill_suggested=True)


@pytest.fixture
def login(client, world):
    """``login("office")`` signs the test client in as that persona and returns the client."""

    def _login(name: str):
        user = getattr(world.users, name)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def browser(live_server):
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_login(browser, live_server, world):
    """``page = browser_login("office", viewport={...})``: a page signed in through the login form."""
    pages = []

    def _open(name: str, **context_kw):
        context = browser.new_context(locale="zh-CN", **context_kw)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", getattr(world.users, name).username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        pages.append(context)
        return page

    yield _open
    for context in pages:
        context.close()


@pytest.fixture
def admins(world):
    """三员分立 (issue 16): system, security and audit administrators, each granted on the county only."""
    from ganbu.org.roles import Role
    from ganbu.org.services import role_grant

    a = SimpleNamespace()
    for attr, username, display, role in (("system", "sys_admin", "系统管理员", Role.SYSTEM_ADMIN),
                                          ("security", "sec_admin", "安全管理员", Role.SECURITY_ADMIN),
                                          ("audit", "audit_admin", "审计管理员", Role.AUDIT_ADMIN)):
        user = _user(username, display)
        role_grant(actor=None, user=user, role=role, org=world.county)
        setattr(a, attr, user)
        setattr(world.users, f"{attr}_admin", user)
    return a
