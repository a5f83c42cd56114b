"""Phone-app bearer tokens: issued for a password, checked against the user row, revocable, expiring."""

from __future__ import annotations

import pytest

from ganbu.core.models import AuditEntry
from ganbu.org.tokens import token_claims, token_issue, token_revoke, token_user


def test_token_round_trip_and_tampering(world):
    user = world.users.township_cadre
    token = token_issue(user)
    claims = token_claims(token)
    assert claims is not None
    assert (claims.user_id, claims.person_id, claims.org_path, claims.label) == (
        user.pk, user.person_id, world.t1.path, "钱干部")
    assert token_user(claims) == user
    assert token_claims(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert token_claims("not-a-token") is None


def test_token_expires(world, settings):
    token = token_issue(world.users.township_cadre)
    settings.GANBU_TOKEN_MAX_AGE = -1
    assert token_claims(token) is None


def test_token_revoked_or_user_deactivated(world):
    user = world.users.township_cadre
    claims = token_claims(token_issue(user))
    token_revoke(actor=world.users.admin, user=user)
    assert not token_user(claims).is_authenticated
    assert AuditEntry.objects.filter(action="org.token_revoke", object_id=str(user.pk)).exists()
    fresh = token_claims(token_issue(user))
    assert token_user(fresh) == user
    user.is_active = False
    user.save()
    assert not token_user(fresh).is_authenticated


def test_token_api_password_and_use(world, client):
    """POST /api/org/token gives a token for the right password; the token authorises API calls until revoked."""
    bad = client.post("/api/org/token", {"username": "t1_office", "password": "wrong"}, content_type="application/json")
    assert bad.status_code == 401 and "密码" in bad.json()["detail"]
    ok = client.post("/api/org/token", {"username": "t1_office", "password": world.password},
                     content_type="application/json")
    assert ok.status_code == 200
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ok.json()['token']}"}
    assert client.get("/api/org/people", **auth).status_code == 200
    assert client.get("/api/org/people").status_code == 401
    assert client.post("/api/org/token/revoke", **auth).status_code == 204
    assert client.get("/api/org/people", **auth).status_code == 401


@pytest.mark.parametrize("header", ["Bearer ", "Bearer garbage", "Basic abc"])
def test_token_api_refuses_bad_headers(world, client, header):
    assert client.get("/api/org/people", HTTP_AUTHORIZATION=header).status_code == 401
