"""Accounts and roles pages, 三员分立 and the locked back office (issue 16)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ganbu.core.access import has_perm
from ganbu.core.models import AuditEntry
from ganbu.org import accounts
from ganbu.org.models import RoleGrant, User
from ganbu.org.roles import ADMIN_PERMS, ROLE_PERMS, Role

pytestmark = pytest.mark.django_db


def test_separation_admin_permissions_are_disjoint_from_each_other_and_business_roles():
    """三员分立: no permission of one administrator is held by another or by a business role (except
    reading the audit log, which township offices also hold for their own township)."""
    admins = list(ADMIN_PERMS.items())
    for i, (role, perms) in enumerate(admins):
        for other, operms in admins[i + 1:]:
            assert not perms & operms, (role, other)
        for business, bperms in ROLE_PERMS.items():
            if business in ADMIN_PERMS:
                continue
            shared = perms & bperms
            assert shared <= {"audit.view"} and not (shared and role != Role.AUDIT_ADMIN and business != Role.ADMIN)


def test_system_admin_creates_accounts_in_bulk_and_prints_slips(world, admins, login):
    """The system administrator lists 东村's people without a login and creates them; the slips print once."""
    from tests.conftest import _person

    new = [_person(world.village_a, n) for n in ("甲村干", "乙村干")]
    client = login("system_admin")
    html = client.get("/org/accounts/", {"org": world.village_a.pk}).content.decode()
    assert "甲村干" in html and "乙村干" in html and "孙支书" not in html.split('id="without"')[1].split("</table>")[0]
    resp = client.post("/org/accounts/create/", {"person": [p.pk for p in new]})
    assert resp.status_code == 302
    users = User.objects.filter(person__in=new)
    assert users.count() == 2 and all(u.must_change_password for u in users)
    assert AuditEntry.objects.filter(action="account.create").count() == 2
    pdf = client.get("/org/accounts/slips.pdf")
    assert pdf.status_code == 200
    again = client.get("/org/accounts/slips.pdf")
    assert again.status_code == 302  # printed once, never stored
    # creating again for the same people: refused, nothing written
    client.post("/org/accounts/create/", {"person": [new[0].pk]})
    assert User.objects.filter(person=new[0]).count() == 1


def test_phone_number_as_user_name_where_the_policy_says_so(world, admins):
    """With the county's ``phone_as_username`` the login is the person's phone number; without, generated."""
    from datetime import date

    from ganbu.core.policy import policy_adopt, policy_save_draft
    from ganbu.org.policy import SecurityParams
    from tests.conftest import _person

    first = _person(world.village_a, "戊村干")
    assert accounts.account_create(actor=admins.system, person=first).username == f"u{first.pk:06d}"
    params = {**SecurityParams().model_dump(), "phone_as_username": True}
    draft = policy_save_draft(actor=None, org=world.county, module="security", title="账号规则",
                              period_start=date(2024, 1, 1), params=params)
    policy_adopt(actor=None, version=draft)
    person = _person(world.village_a, "丙村干")
    slip = accounts.account_create(actor=admins.system, person=person)
    assert slip.username == person.phone


def test_separation_of_duties_between_the_three_administrators(world, admins, login):
    """The security admin cannot create accounts, the system admin cannot grant, the audit admin
    only reads the audit log; none may take a business role."""
    from tests.conftest import _person

    person = _person(world.village_a, "丁村干")
    with pytest.raises(PermissionError):
        accounts.account_create(actor=admins.security, person=person)
    with pytest.raises(PermissionError):
        accounts.grant_create(actor=admins.system, user=world.users.cadre_a, role=Role.VILLAGE_COMMITTEE,
                              org=world.village_a)
    with pytest.raises(ValidationError) as exc:
        accounts.grant_create(actor=admins.security, user=admins.audit, role=Role.VILLAGE_SECRETARY,
                              org=world.village_a)
    assert "三员分立" in str(exc.value)
    with pytest.raises(ValidationError):
        accounts.grant_create(actor=admins.security, user=world.users.office, role=Role.AUDIT_ADMIN,
                              org=world.county)
    with pytest.raises(ValidationError):  # nor grant himself
        accounts.grant_create(actor=admins.security, user=admins.security, role=Role.COUNTY_ORG, org=world.county)
    audit = login("audit_admin")
    assert audit.get("/core/audit/").status_code == 200
    for url in ("/org/accounts/", "/org/grants/new/", "/org/people/", "/attendance/monthly/", "/org/grants/"):
        assert audit.get(url).status_code in (404, 405), url
    assert not has_perm(admins.audit, "person.view") and not has_perm(admins.system, "audit.view")


def test_security_admin_grants_on_a_node_with_scope_in_words_and_ends_it(world, admins, login):
    """A grant on 青山镇 reads “青山镇及其下辖村（社区）”; ending it stops the access at once."""
    from tests.conftest import _person

    person = _person(world.t1, "新干部")
    slip = accounts.account_create(actor=admins.system, person=person)
    user = User.objects.get(username=slip.username)
    client = login("security_admin")
    resp = client.post("/org/grants/new/", {"user": user.pk, "role": Role.TOWNSHIP_OFFICE, "org": world.t1.pk},
                       follow=True)
    html = resp.content.decode()
    assert "青山镇及其下辖村（社区）" in html
    grant = RoleGrant.objects.get(user=user, role=Role.TOWNSHIP_OFFICE)
    user = User.objects.get(pk=user.pk)
    assert has_perm(user, "attendance.correct", world.village_a.path)
    client.post(f"/org/grants/{grant.pk}/end/")
    user = User.objects.get(pk=user.pk)
    assert not has_perm(user, "attendance.correct", world.village_a.path)
    assert AuditEntry.objects.filter(action__in=["role.grant", "role.end"], object_id=str(grant.pk)).count() == 2
    perm_table = client.get("/org/grants/").content.decode()
    assert 'id="perm-table"' in perm_table and "审计管理员" in perm_table


def test_backoffice_only_for_the_system_admin_read_only_for_assessment_and_audited(world, admins, login):
    """Only the system administrator enters /backoffice/; assessment data is read-only; a change is audited."""
    for name in ("county_org", "security_admin", "audit_admin", "office"):
        resp = login(name).get("/backoffice/")
        assert resp.status_code == 302 and "login" in resp["Location"], name
    client = login("system_admin")
    assert client.get("/backoffice/").status_code == 200
    assert client.get("/backoffice/attendance/daystatus/add/").status_code == 403
    org = world.village_a
    resp = client.post(f"/backoffice/org/org/{org.pk}/change/", {
        "path": org.path, "code": org.code, "name": "东村（改）", "kind": org.kind, "parent": org.parent_id,
        "households": 180, "categories": "[]", "address": "", "phone": "", "leader_name": ""})
    assert resp.status_code in (200, 302)
    if resp.status_code == 302:
        assert AuditEntry.objects.filter(action="backoffice.change", object_type="org.org").exists()


def test_audit_admin_reads_and_exports_sign_in_events(world, admins, login, client):
    """The audit administrator sees sign-in failures and lockouts of the county and exports them."""
    for i in range(5):
        client.post("/login/", {"username": "a_cadre", "password": f"bad{i}"})
    audit = login("audit_admin")
    html = audit.get("/core/audit/", {"action": "auth."}).content.decode()
    assert 'id="audit-export"' in html
    resp = audit.get("/core/audit/export.xlsx", {"action": "auth."})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    cells = [c for row in load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True) for c in row]
    assert "auth.lockout" in cells and cells.count("auth.fail") == 5
    assert login("office").get("/core/audit/export.xlsx").status_code == 404


def test_only_the_security_admin_sets_the_sign_in_rules(world, admins, login, policies):
    """The security administrator changes the lockout threshold on his page; the county org department,
    who edits every business policy, cannot edit the security version."""
    from ganbu.core.models import PolicyVersion
    from ganbu.org.signin import security_params

    client = login("security_admin")
    page = client.get("/org/security/").content.decode()
    assert "连续登录失败几次锁定账号" in page
    values = {**security_params().model_dump(), "lockout_failures": 3}
    values = {k: v for k, v in values.items() if v is not False}
    resp = client.post("/org/security/", values)
    assert resp.status_code == 302 and security_params().lockout_failures == 3
    bad = client.post("/org/security/", {**values, "password_min_length": 5})
    assert bad.status_code == 400 and "不能小于 6" in bad.content.decode()
    version = PolicyVersion.objects.get(module="security", status="adopted")
    assert login("county_org").get(f"/core/policies/{version.pk}/edit/").status_code == 404
    assert login("county_org").get("/org/security/").status_code == 404
