"""The generic job progress page: rows done of total, then errors or the result."""

from __future__ import annotations

from django.urls import reverse

from ganbu.core.models import Job


def _job(user, **kw) -> Job:
    return Job.objects.create(kind="roster_import", created_by=user, **kw)


def test_job_page_shows_progress_and_polls_while_running(login, world):
    """The page shows done/total and polls (htmx) while the job runs; the partial answers HX requests."""
    job = _job(world.users.office, status=Job.Status.RUNNING, total=200, done=50, stage="逐行校验")
    c = login("office")
    r = c.get(reverse("core:job", args=[job.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="job-done">50<' in html and 'id="job-total">200<' in html and "（25%）" in html
    assert 'hx-trigger="every 1s"' in html
    r = c.get(reverse("core:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in r.content.decode()
    Job.objects.filter(pk=job.pk).update(done=120)
    assert 'id="job-done">120<' in c.get(reverse("core:job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()


def test_job_page_lists_errors_and_stops_polling(login, world):
    """A failed job lists every row error and stops polling."""
    errors = [{"sheet": "人员", "row": 3, "field": "公民身份号码", "message": "校验码错误"}, "文件无法读取"]
    job = _job(world.users.office, status=Job.Status.FAILED, total=10, done=10, errors=errors)
    html = login("office").get(reverse("core:job", args=[job.pk])).content.decode()
    assert "校验码错误" in html and "文件无法读取" in html and "错误 2 条" in html
    assert "hx-trigger" not in html
    done = _job(world.users.office, status=Job.Status.DONE, total=5, done=5, result={"新增人员": 5})
    html = login("office").get(reverse("core:job", args=[done.pk])).content.decode()
    assert "新增人员：5" in html and "hx-trigger" not in html


def test_sec_02_job_page_only_for_its_creator(login, world):
    """SEC-02: another user's job answers exactly like a missing one."""
    job = _job(world.users.office, status=Job.Status.RUNNING, total=1)
    for name in ("outsider", "township_secretary"):
        c = login(name)
        theirs, missing = c.get(reverse("core:job", args=[job.pk])), c.get(reverse("core:job", args=[999999]))
        assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content
