"""The job page updates itself in a real browser while a background job runs."""

from __future__ import annotations

import pytest

from ganbu.core.models import Job


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_job_progress_updates_without_reload(browser_login, live_server, world):
    """Real progress (rows done of total) appears by htmx polling, and polling stops when the job ends."""
    job = Job.objects.create(kind="roster_import", created_by=world.users.office, status=Job.Status.RUNNING,
                             total=100, done=10)
    page = browser_login("office", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/core/jobs/{job.pk}/")
    assert page.inner_text("#job-done") == "10"
    Job.objects.filter(pk=job.pk).update(done=100, status=Job.Status.FAILED,
                                         errors=[{"sheet": "人员", "row": 4, "field": "性别", "message": "性别应为男或女"}])
    page.wait_for_selector("#job-errors", timeout=10000)
    assert page.inner_text("#job-done") == "100"
    assert "性别应为男或女" in page.inner_text("#job-errors")
    assert page.get_attribute("#job-progress", "hx-trigger") is None
