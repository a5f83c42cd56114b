"""The token sign-in in one statement (PostgreSQL) writes what the general path writes, and falls
back to it whenever anything it assumed has changed (ATT-01, ATT-03, SEC-01)."""

from __future__ import annotations

from datetime import datetime
from datetime import time as dtime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganbu.attendance import rules
from ganbu.attendance.models import SignIn
from ganbu.core.audit import audit_verify, snapshot
from ganbu.core.models import AuditEntry, PolicyVersion
from ganbu.core.policy import policy_adopt, policy_save_draft
from ganbu.org.models import Person
from ganbu.org.tokens import token_issue, token_revoke

from .conftest import at

pytestmark = pytest.mark.postgres
URL = "/api/attendance/signin"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement sign-in is PostgreSQL's; SQLite takes the general path (tested elsewhere)")


def _post(client, user, body=None):
    return client.post(URL, body or {}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token_issue(user)}")


def _warm(client, world):
    """A colleague signs in first: this process has read the stamp and cached the day's policy and calendar."""
    assert _post(client, world.users.township_secretary).status_code == 201


def _cutoff(world, when: dtime) -> None:
    current = (PolicyVersion.objects.filter(org=world.t1, module="attendance", status="adopted")
               .order_by("-period_start", "-version").first())
    draft = policy_save_draft(actor=world.users.admin, org=world.t1, module="attendance", title=f"截止 {when}",
                              period_start=current.period_start,
                              params={**current.params, "signin_cutoff": when.isoformat()}, based_on=current)
    policy_adopt(actor=world.users.admin, version=draft)


def test_att_01_token_signin_is_one_statement_and_audited(world, policies, clock, client):
    """ATT-01/SEC-01: a new sign-in is one round trip; the row and its audit row are what the general path writes."""
    _warm(client, world)
    user = world.users.township_cadre
    token = token_issue(user)
    with CaptureQueriesContext(connection) as ctx:
        resp = client.post(URL, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 201, resp.content
    writes = [q["sql"] for q in ctx.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1 and "attendance_signin" in writes[0] and "core_auditentry" in writes[0]
    statements = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]  # the test's transaction
    assert len(statements) == 1, statements  # ids were drawn in a block by the colleague's request
    sign = SignIn.objects.get(person=world.people.township_cadre)
    body = resp.json()
    assert body["id"] == sign.pk and body["created"] is True and body["date"] == "2024-03-04"
    assert (sign.org_path, sign.proof, sign.at) == (world.t1.path, "none", at(2024, 3, 4, 8, 0))
    entry = AuditEntry.objects.get(object_type="signin", object_id=str(sign.pk))
    assert (entry.actor_id, entry.actor_label, entry.action, entry.chain) == (user.pk, "钱干部", "attendance.signin",
                                                                              world.county.path)
    after, stored = dict(entry.after), snapshot(sign)
    assert datetime.fromisoformat(after.pop("at")) == datetime.fromisoformat(stored.pop("at")) == sign.at
    assert after == stored
    assert audit_verify() == []

    # A second tap is the general path's answer: the first record, 200, nothing new written.
    again = client.post(URL, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 200 and again.json()["id"] == sign.pk and again.json()["created"] is False
    assert AuditEntry.objects.filter(object_type="signin", object_id=str(sign.pk)).count() == 1


def test_att_01_statement_is_prepared_once_per_connection(world, policies, clock, client):
    """The statement is a server-side prepared statement, planned once per connection: Django
    turns preparing off unless the database options allow it (settings: prepare_threshold)."""
    def runs() -> list[int]:  # executions of the prepared sign-in statement on this connection
        with connection.cursor() as cur:
            cur.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                        "WHERE statement LIKE %s", ["%INSERT INTO attendance_signin%"])
            return [r[0] for r in cur.fetchall()]

    _warm(client, world)
    before = runs()
    assert len(before) == 1, before  # prepared once, whatever ran on this connection earlier
    for user in (world.users.township_cadre, world.users.office):
        assert _post(client, user).status_code == 201
    assert runs() == [before[0] + 2]


def test_att_01_policy_changed_elsewhere_binds_at_once(world, policies, clock, client):
    """ATT-01: the process assumes its cached policy; the statement sees the stamp moved and the refusal comes."""
    _warm(client, world)
    assert _post(client, world.users.township_cadre).status_code == 201
    _cutoff(world, dtime(7, 30))  # the stale-stamp case across processes: tests/benchmarks/test_two_processes.py
    late = _post(client, world.users.office)
    assert late.status_code == 400 and late.json()["detail"] == rules.SIGNIN_CLOSED.format(cutoff="07:30")
    assert not SignIn.objects.filter(person=world.people.office).exists()


def test_att_03_stamped_sheet_refuses(world, policies, clock, client):
    """ATT-03: once the sheet is stamped the statement writes nothing and the general path refuses."""
    from ganbu.attendance.services import daysheet_stamp

    _warm(client, world)
    daysheet_stamp(actor=world.users.office, org=world.t1, on=at(2024, 3, 4).date())
    resp = _post(client, world.users.township_cadre)
    assert resp.status_code == 400 and resp.json()["detail"] == rules.SIGNIN_STAMPED
    assert not SignIn.objects.exclude(person=world.people.township_secretary).exists()


def test_revoked_or_inactive_token_user_is_refused(world, policies, clock, client):
    _warm(client, world)
    user = world.users.township_cadre
    token = token_issue(user)
    token_revoke(actor=user, user=user)
    resp = client.post(URL, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 401
    other = world.users.office
    token = token_issue(other)
    other.is_active = False
    other.save()
    resp = client.post(URL, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 401
    assert not SignIn.objects.exclude(person=world.people.township_secretary).exists()


def test_transferred_cadre_signs_in_where_he_is_now(world, policies, clock, client):
    """A token issued before a transfer names the old org; the statement refuses it and the general path
    signs the cadre in on his current path."""
    _warm(client, world)
    user = world.users.township_cadre
    token = token_issue(user)
    Person.objects.filter(pk=user.person_id).update(org=world.village_a, org_path=world.village_a.path)
    resp = client.post(URL, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 201
    assert SignIn.objects.get(person_id=user.person_id).org_path == world.village_a.path


def test_att_09_coordinates_through_the_statement(world, policies, clock, client):
    """ATT-09: coordinates sent with a token: the office point is read by path, the distance recorded."""
    world.t1.latitude, world.t1.longitude = 30.0, 120.0
    world.t1.save()
    _warm(client, world)
    resp = _post(client, world.users.township_cadre, {"lat": 30.001, "lng": 120.0})
    assert resp.status_code == 201
    sign = SignIn.objects.get(person=world.people.township_cadre)
    assert sign.distance_m == pytest.approx(111, abs=2) and resp.json()["distance_m"] == sign.distance_m


@pytest.mark.parametrize(("body", "status"), [
    ({"lat": "north"}, 400),           # not a number: the API schema's own validation answers (Chinese 400)
    ({"lat": [30.1], "lng": 120.0}, 400),
    ({"coord_system": "bd09"}, 400),   # the API's Chinese message
    ({"extra": 1}, 201),               # unknown keys are ignored by the API schema, as before
])
def test_att_01_token_hot_path_leaves_odd_bodies_to_the_api(world, policies, clock, client, body, status):
    """The hot path answers only plainly valid bodies; anything else gets the API's validation and messages."""
    _warm(client, world)
    resp = _post(client, world.users.township_cadre, body)
    assert resp.status_code == status, resp.content
    assert SignIn.objects.filter(person=world.people.township_cadre).exists() == (status == 201)
    if status == 400:  # a Chinese message naming the field
        assert "坐标系" in resp.json()["detail"] or "纬度" in resp.json()["detail"]
