"""Two app processes on one database agree: no state that matters lives in one process (issue 5).

Runs two gunicorn processes against the test database and checks that a sign-in made through
one is the sign-in seen by the other, that a session works on both, and that a policy change
made elsewhere is enforced by both at once (the policy and calendar caches revalidate per call).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import urllib.error
import urllib.request
from datetime import time as dtime

import pytest
from benchmarks.harness import gunicorn
from django.conf import settings
from django.utils import timezone

from ganbu.org.tokens import token_issue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Browser:
    """A tiny cookie-keeping HTTP client (one per person, shared across both servers)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, base: str, username: str, password: str) -> None:
        page = self.opener.open(f"{base}/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        self.opener.open(urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"}))

    def signin(self, base: str) -> tuple[int, dict]:
        req = urllib.request.Request(f"{base}/api/attendance/signin", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf(),
                                              "Referer": f"{base}/"})
        try:
            resp = self.opener.open(req)
            return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


def token_signin(base: str, token: str) -> tuple[int, dict]:
    """The phone app: a bearer token, no cookies (the one-statement path on PostgreSQL)."""
    req = urllib.request.Request(f"{base}/api/attendance/signin", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        resp = urllib.request.urlopen(req)
        return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _cutoff(world, when: dtime) -> None:
    from ganbu.core.models import PolicyVersion
    from ganbu.core.policy import policy_adopt, policy_save_draft

    current = (PolicyVersion.objects.filter(org=world.t1, module="attendance", status="adopted")
               .order_by("-period_start", "-version").first())
    draft = policy_save_draft(actor=world.users.admin, org=world.t1, module="attendance", title=f"截止 {when}",
                              period_start=current.period_start, params={**current.params,
                                                                         "signin_cutoff": when.isoformat()},
                              based_on=current)
    policy_adopt(actor=world.users.admin, version=draft)


def test_two_app_processes_give_consistent_results(world, policies):
    from ganbu.attendance.models import SignIn
    from ganbu.core.calendar import calendar_day_save

    today = timezone.localdate()
    # Whatever day CI runs on, make it a working day in this county (a regional calendar entry).
    calendar_day_save(actor=world.users.admin, day=today, region=world.county.path, is_workday=True,
                      name="测试：工作日")
    _cutoff(world, dtime(23, 59, 59))
    db = settings.DATABASES["default"]
    env = {"GANBU_DATABASE": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "GANBU_TESTING": "1", "GANBU_HUEY": "immediate", "GANBU_CONN_MAX_AGE": "0",
           "GANBU_SECRET_KEY": settings.SECRET_KEY}
    with gunicorn(env, workers=1) as a, gunicorn(env, workers=1) as b:
        cadre = Browser()
        cadre.login(a, world.users.township_cadre.username, world.password)
        status_a, first = cadre.signin(a)
        assert status_a == 201, first
        # The session made on A works on B, and B finds the sign-in A wrote instead of a second one.
        status_b, again = cadre.signin(b)
        assert status_b == 200 and again["id"] == first["id"] and again["created"] is False
        assert SignIn.objects.filter(person=world.people.township_cadre, date=today).count() == 1

        # The phone app's token path on A, after A has read the stamp: signed in once, seen by B.
        status, team = token_signin(a, token_issue(world.users.team_1))
        assert status == 201, team
        assert token_signin(b, token_issue(world.users.team_1))[1]["id"] == team["id"]

        # A policy adopted by a third process (this one) binds both servers on their next request,
        # on the token path too, which assumed the stamp it had read before.
        _cutoff(world, dtime(0, 0))
        for base in (a, b):
            refused = token_signin(base, token_issue(world.users.team_2))
            assert refused[0] == 400 and "00:00" in refused[1]["detail"], refused
        assert not SignIn.objects.filter(person=world.people.team_2).exists()
        office = Browser()
        office.login(b, world.users.office.username, world.password)
        refused_b = office.signin(b)
        refused_a = office.signin(a)
        assert refused_b[0] == 400 and refused_a[0] == 400
        assert refused_a[1]["detail"] == refused_b[1]["detail"]
        assert "00:00" in refused_a[1]["detail"]
        assert not SignIn.objects.filter(person=world.people.office, date=today).exists()
    assert os.environ.get("GANBU_DATABASE", "").startswith("postgres")
