"""Crash recovery (issue 17): a background job whose worker died is marked failed and the office
sees it; uploads have a size cap; an uploaded roster is deleted once imported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ganbu.core.jobs import WORKER_DIED, job_reap_stale
from ganbu.core.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _job(world, **kw) -> Job:
    return Job.objects.create(kind="org.roster_import", created_by=world.users.office, org_path=world.t1.path, **kw)


def test_a_job_whose_worker_died_is_marked_failed_and_the_page_says_so(world, client, settings):
    job = _job(world, status=Job.Status.RUNNING, total=1000, done=300,
               heartbeat_at=timezone.now() - timedelta(seconds=settings.GANBU_JOB_STALE_SECONDS + 5))
    client.force_login(world.users.office)
    resp = client.get(reverse("core:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert WORKER_DIED in resp.content.decode()
    assert "every 1s" not in resp.content.decode()  # the page stops polling


def test_a_live_job_is_left_running(world, settings):
    job = _job(world, status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    assert job_reap_stale() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_job_never_started_is_failed_after_the_queue_window(world, settings):
    job = _job(world, status=Job.Status.QUEUED)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=settings.GANBU_JOB_QUEUE_SECONDS + 5))
    assert job_reap_stale() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_an_uploaded_roster_is_deleted_after_the_import(world, policies):
    from ganbu.org.roster import roster_import_start, roster_template

    job = roster_import_start(actor=world.users.office, upload=SimpleUploadedFile("名册.xlsx", roster_template()))
    job.refresh_from_db()
    assert job.status in (Job.Status.DONE, Job.Status.FAILED)
    assert not job.input_file


def test_uploads_past_the_cap_are_refused_before_reading(world, client, settings):
    settings.GANBU_UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(world.users.office)
    big = SimpleUploadedFile("名册.xlsx", b"PK" + b"0" * (1024 * 1024 + 10))
    resp = client.post(reverse("org:roster"), {"file": big})
    assert resp.status_code == 400
    assert "上传的文件过大" in resp.content.decode()
    assert not Job.objects.exists()
