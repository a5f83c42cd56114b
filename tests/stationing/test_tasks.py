"""STN-17: tasks the county and township assign stationed cadres, tracked to completion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ganbu.core.models import AuditEntry, Notification
from ganbu.core.recusal import RecusalError
from ganbu.stationing import services
from ganbu.stationing.models import AssignedTask
from ganbu.stationing.queries import stationed_list

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _pdf(name="完成情况.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def _task(world, due=TODAY, actor=None):
    return services.task_assign(actor=actor or world.users.township_secretary, person=world.people.first_secretary,
                                title="摸排村内低收入户", due=due, detail="逐户核实并建台账")


def test_stn_17_task_due_today_is_not_overdue_due_yesterday_is_and_notified_once(world, policies):
    """STN-17 boundary: a task due today is not overdue tonight; the next day it is, on the county list's
    column and filter, and the nightly evaluation tells the cadre and the assigner once."""
    task = _task(world)
    fs = world.people.first_secretary
    cadre_row = next(r for r in stationed_list(world.users.county_org, TODAY) if r.post.person_id == fs.pk)
    assert cadre_row.tasks_overdue == 0
    assert services.tasks_evaluate(on=TODAY) == 0
    assert not Notification.objects.filter(key=f"task:{task.pk}:overdue").exists()

    tomorrow = TODAY + timedelta(days=1)  # the task's due day is now yesterday
    rows = stationed_list(world.users.county_org, tomorrow, overdue_only=True)
    assert [r.tasks_overdue for r in rows if r.post.person_id == fs.pk] == [1]
    assert services.tasks_evaluate(on=tomorrow) == 2
    assert services.tasks_evaluate(on=tomorrow) == 0  # once
    users = set(Notification.objects.filter(key=f"task:{task.pk}:overdue").values_list("user_id", flat=True))
    assert users == {world.users.first_secretary.pk, world.users.township_secretary.pk}

    services.task_report(actor=world.users.first_secretary, task=task, report="已建台账", upload=_pdf())
    assert services.tasks_evaluate(on=tomorrow + timedelta(days=1)) == 0  # reported: waits on the assigner


def test_stn_17_assign_report_confirm_with_evidence_and_audit(world, policies):
    """STN-17: township assigns, the cadre reports with evidence, the assigner confirms; each step audited."""
    with pytest.raises(ValidationError):
        _task(world, due=TODAY - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        _task(world, actor=world.users.first_secretary)
    task = _task(world)
    assert task.assigner_org.endswith("党委")
    with pytest.raises(PermissionDenied):
        services.task_report(actor=world.users.township_secretary, task=task, report="x", upload=_pdf())
    with pytest.raises(ValidationError):
        services.task_report(actor=world.users.first_secretary, task=task, report="", upload=_pdf())
    with pytest.raises(ValidationError):
        services.task_confirm(actor=world.users.township_secretary, task=task)  # not reported yet
    services.task_report(actor=world.users.first_secretary, task=task, report="已建台账", upload=_pdf())
    task.refresh_from_db()
    assert task.status == AssignedTask.Status.REPORTED and task.evidence is not None
    services.task_confirm(actor=world.users.township_secretary, task=task)
    task.refresh_from_db()
    assert task.status == AssignedTask.Status.CONFIRMED and task.confirmed_by == world.users.township_secretary
    assert set(AuditEntry.objects.filter(object_type="assigned_task", object_id=str(task.pk))
               .values_list("action", flat=True)) == {"task.assign", "task.report", "task.confirm"}


def test_stn_17_nobody_confirms_his_own_task(world, policies):
    """STN-17 with recusal: the cadre who reported the task cannot confirm it, by service or page."""
    task = _task(world)
    services.task_report(actor=world.users.first_secretary, task=task, report="已建台账", upload=_pdf())
    with pytest.raises(RecusalError):
        services.task_confirm(actor=world.users.first_secretary, task=task)
    c = Client()
    c.force_login(world.users.first_secretary)
    page = c.get(f"/stationing/tasks/{task.pk}/").content.decode()
    assert "确认办结…" not in page and "本人不能确认自己承办的任务" in page
    c.post(f"/stationing/tasks/{task.pk}/", {"action": "confirm", "sure": "1"})
    task.refresh_from_db()
    assert task.status == AssignedTask.Status.REPORTED


def test_stn_17_pages_assign_with_confirm_step_and_scope(world, policies):
    """STN-17 pages: assigning shows what will be sent before it is sent; outsiders get 404."""
    fs = world.people.first_secretary
    c = Client()
    c.force_login(world.users.county_org)
    assert "交办新任务" in c.get(f"/stationing/cadre/{fs.pk}/").content.decode()
    data = {"title": "报送产业项目", "due": TODAY.isoformat(), "detail": ""}
    r = c.post(f"/stationing/cadre/{fs.pk}/tasks/new/", data)
    assert "请确认" in r.content.decode() and not AssignedTask.objects.exists()
    r = c.post(f"/stationing/cadre/{fs.pk}/tasks/new/", {**data, "sure": "True"})
    task = AssignedTask.objects.get()
    assert r.status_code == 302 and task.assigner_org == "县委组织部"
    r = c.post(f"/stationing/cadre/{fs.pk}/tasks/new/", {**data, "due": "2000-01-01"})
    assert r.status_code == 400 and "完成期限不能早于今天" in r.content.decode()
    assert "报送产业项目" in c.get("/stationing/tasks/").content.decode()
    assert fs.name in c.get("/stationing/tasks/?q=" + fs.name).content.decode()
    outsider = Client()
    outsider.force_login(world.users.outsider)
    assert outsider.get(f"/stationing/tasks/{task.pk}/").status_code == 404
    assert outsider.get(f"/stationing/cadre/{fs.pk}/tasks/new/").status_code == 404
