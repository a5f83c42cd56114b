"""Core JSON API: the same access rules as the pages."""

from __future__ import annotations

from ganbu.core.models import Job, PolicyVersion


def test_cal_01_api_day_status_flags_unknown_year(login):
    """CAL-01: the API says whether a date is a working day and marks an unknown year provisional."""
    c = login("cadre_a")
    body = c.get("/api/core/calendar/day", {"date": "2024-02-04"}).json()
    assert body["is_workday"] is True and body["provisional"] is False
    body = c.get("/api/core/calendar/day", {"date": "2033-02-07"}).json()
    assert body["provisional"] is True and "2033年的国务院节假日安排尚未录入" in body["note"]


def test_pol_01_api_policy_scoped(login, policies, world):
    """POL-01/SEC-02: a version in scope shows its parameters; the outsider gets the missing-ID answer."""
    v = PolicyVersion.objects.get(org=world.t1, module="reserves")
    body = login("township_secretary").get(f"/api/core/policies/{v.pk}").json()
    assert {p["name"]: p["value"] for p in body["params"]}["young_age"] == 45
    c = login("outsider")
    theirs, missing = c.get(f"/api/core/policies/{v.pk}"), c.get("/api/core/policies/999999")
    assert theirs.status_code == missing.status_code == 404 and theirs.json() == missing.json()


def test_sec_02_api_job_only_for_creator(login, world):
    """SEC-02: job progress by API for its creator only."""
    job = Job.objects.create(kind="x", created_by=world.users.office, total=4, done=1)
    assert login("office").get(f"/api/core/jobs/{job.pk}").json()["done"] == 1
    assert login("outsider").get(f"/api/core/jobs/{job.pk}").status_code == 404
