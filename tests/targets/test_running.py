"""Monthly ledger (TGT-03), on-site inspection, supervision notices (TGT-05), surveys (TGT-04), KPI-06 sharing."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.assessment.models import InspectionEntry
from ganbu.core.models import Notification
from ganbu.core.recusal import RecusalError
from ganbu.targets import services
from ganbu.targets.models import Inspection, LedgerTask, SupervisionNotice
from ganbu.targets.services import ItemResult, TargetsError
from tests.targets.conftest import signed, upload


@pytest.fixture
def running(world, tgt):
    signed(world, tgt.c)
    services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1))
    task = LedgerTask.objects.get(month=date(2024, 6, 1), category="党的建设")
    return task


def _fail(world, task, on=date(2024, 7, 2)):
    services.tasks_due_scan(on=on)
    task.refresh_from_db()
    insp = services.inspection_assign(actor=world.users.office, task=task, inspector=world.users.office,
                                      scheduled_on=on)
    services.inspection_record(actor=world.users.office, inspection=insp,
                               results=[ItemResult(False, "未开展")], missing="6月主题党日未开展",
                               evidence=[upload("site.png")], on=on)
    return SupervisionNotice.objects.get(task=task)


def test_tgt_03_monthly_ledger_from_quarterly_breakdown(world, running):
    """TGT-03: the June ledger holds the stage due in June, with category, deadline and responsible person."""
    assert running.category == "党的建设" and running.deadline == date(2024, 6, 30)
    assert running.responsible == world.people.village_secretary_a
    assert services.ledger_build(actor=world.users.office, org=world.t1, month=date(2024, 6, 1)) == 0  # idempotent
    assert LedgerTask.objects.filter(month=date(2024, 9, 1)).count() == 0


def test_tgt_03_task_due_becomes_inspection_on_the_day_after_deadline(world, running,
                                                                     django_capture_on_commit_callbacks):
    assert services.tasks_due_scan(on=date(2024, 6, 30)) == 0  # the deadline day itself is still open
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tasks_due_scan(on=date(2024, 7, 1)) == 2  # both June stages
    running.refresh_from_db()
    assert running.status == LedgerTask.Status.AWAITING
    assert Notification.objects.filter(user=world.users.office, key=f"targets:await:{running.pk}").exists()


def test_tgt_03_inspection_item_by_item_needs_evidence_and_named_inspector(world, running):
    services.tasks_due_scan(on=date(2024, 7, 1))
    running.refresh_from_db()
    insp = services.inspection_assign(actor=world.users.office, task=running, inspector=world.users.office,
                                      scheduled_on=date(2024, 7, 2))
    with pytest.raises(TargetsError, match="只有指派的检查人"):
        services.inspection_record(actor=world.users.county_org, inspection=insp, results=[ItemResult(True)],
                                   missing="", evidence=[upload()])
    with pytest.raises(TargetsError, match="现场照片"):
        services.inspection_record(actor=world.users.office, inspection=insp, results=[ItemResult(True)],
                                   missing="", evidence=[])
    services.inspection_record(actor=world.users.office, inspection=insp, results=[ItemResult(True)], missing="",
                               evidence=[upload()])
    running.refresh_from_db()
    assert running.status == LedgerTask.Status.PASSED


def test_recusal_inspector_never_the_responsible_person(world, running):
    """Nobody decides about himself: office staff responsible for a task cannot be its inspector."""
    services.tasks_due_scan(on=date(2024, 7, 1))
    running.refresh_from_db()
    insp = services.inspection_assign(actor=world.users.office, task=running, inspector=world.users.office,
                                      scheduled_on=date(2024, 7, 2))
    LedgerTask.objects.filter(pk=running.pk).update(responsible=world.people.office)
    running.refresh_from_db()
    with pytest.raises(TargetsError, match="检查人不能是该事项的责任人"):
        services.inspection_assign(actor=world.users.county_org, task=running, inspector=world.users.office,
                                   scheduled_on=date(2024, 7, 2))
    with pytest.raises(RecusalError):
        services.inspection_record(actor=world.users.office, inspection=insp, results=[ItemResult(True)],
                                   missing="", evidence=[upload()])
    insp.refresh_from_db()
    assert insp.result == Inspection.Result.PENDING


def test_tgt_05_failed_inspection_issues_notice_one_week_and_follow_up(world, running,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _fail(world, running)
    assert notice.due == date(2024, 7, 9)  # one week from issue (policy)
    assert notice.number.startswith("督〔2024〕")
    follow = Inspection.objects.get(notice=notice, kind=Inspection.Kind.FOLLOW_UP)
    assert follow.scheduled_on == notice.due and follow.inspector == world.users.office
    assert Notification.objects.filter(user=world.users.village_secretary_a, key=f"targets:notice:{notice.pk}").exists()


def test_tgt_05_notice_closes_only_with_passing_evidence(world, running):
    notice = _fail(world, running)
    with pytest.raises(TargetsError, match="复查合格"):
        services.notice_close(actor=world.users.office, notice=notice)
    notice.refresh_from_db()
    assert notice.status == SupervisionNotice.Status.OPEN
    follow = Inspection.objects.get(notice=notice)
    services.inspection_record(actor=world.users.office, inspection=follow, results=[ItemResult(True)],
                               missing="", evidence=[upload("fixed.png")], on=date(2024, 7, 8))
    services.notice_close(actor=world.users.office, notice=notice)
    notice.refresh_from_db()
    running.refresh_from_db()
    assert notice.status == SupervisionNotice.Status.CLOSED and running.status == LedgerTask.Status.PASSED


def test_tgt_05_failed_follow_up_keeps_notice_open_and_schedules_another(world, running):
    notice = _fail(world, running)
    follow = Inspection.objects.get(notice=notice)
    services.inspection_record(actor=world.users.office, inspection=follow, results=[ItemResult(False)],
                               missing="仍未整改", evidence=[upload()], on=date(2024, 7, 9))
    assert Inspection.objects.filter(notice=notice, result=Inspection.Result.PENDING).count() == 1
    with pytest.raises(TargetsError):
        services.notice_close(actor=world.users.office, notice=notice)


def test_tgt_05_overdue_notice_escalates_to_township_secretary_once(world, running,
                                                                   django_capture_on_commit_callbacks):
    notice = _fail(world, running)
    assert services.notices_escalate(on=date(2024, 7, 9)) == 0  # deadline day
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notices_escalate(on=date(2024, 7, 10)) == 1
    assert services.notices_escalate(on=date(2024, 7, 11)) == 0
    assert Notification.objects.filter(user=world.users.township_secretary,
                                       key=f"targets:escalate:{notice.pk}").exists()


def test_kpi_06_failed_target_inspection_enters_monthly_circular(world, running):
    notice = _fail(world, running)
    entry = InspectionEntry.objects.get(village=world.village_a, month=date(2024, 7, 1))
    assert not entry.good and notice.number in entry.rectification


def test_tgt_04_major_task_passes_only_after_collective_survey(world, running):
    LedgerTask.objects.filter(pk=running.pk).update(major=True)
    running.refresh_from_db()
    services.tasks_due_scan(on=date(2024, 7, 1))
    insp = services.inspection_assign(actor=world.users.office, task=running, inspector=world.users.office,
                                      scheduled_on=date(2024, 7, 2))
    with pytest.raises(TargetsError, match="满意度测评"):
        services.inspection_record(actor=world.users.office, inspection=insp, results=[ItemResult(True)],
                                   missing="", evidence=[upload()])
    survey = services.survey_record(actor=world.users.office, task=running, households="走访5户，均表示满意",
                                    answers=[("党员", "张三", "satisfied"), ("村民代表", "李四", "basic")])
    with pytest.raises(TargetsError, match="至少有两名"):
        services.survey_confirm(actor=world.users.office, survey=survey, present=["赵办事"], conclusion="满意")
    services.survey_confirm(actor=world.users.office, survey=survey, present=["赵办事", "王书记"], conclusion="满意")
    services.inspection_record(actor=world.users.office, inspection=insp, results=[ItemResult(True)], missing="",
                               evidence=[upload()])
    running.refresh_from_db()
    assert running.status == LedgerTask.Status.PASSED


def test_tgt_03_office_edits_ledger_line_with_required_fields(world, running):
    with pytest.raises(TargetsError, match="责任人"):
        services.task_edit(actor=world.users.office, task=running, title="x", standard="y", deadline=date(2024, 6, 30),
                           responsible=None)
    services.task_edit(actor=world.users.office, task=running, title="主题党日", standard="每月一次",
                       deadline=date(2024, 6, 28), responsible=world.people.cadre_a)
    running.refresh_from_db()
    assert running.deadline == date(2024, 6, 28)


def _pdf_text_and_fonts(data: bytes) -> tuple[str, list[str]]:
    """The text, and the embedded fonts' names (text extracts even when glyphs are boxes)."""
    import io

    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    fonts = [str(p["/Resources"]["/Font"][k].get_object().get("/BaseFont")) for p in reader.pages
             for k in p["/Resources"]["/Font"]]
    return text, fonts


def test_tgt_05_notice_pdf_number_deadline_stamp_box_cjk(world, running):
    from ganbu.reports.pdf import PdfUnavailable

    notice = _fail(world, running)
    try:
        data = services.notice_pdf(notice)
    except PdfUnavailable:
        pytest.skip("WeasyPrint 系统库缺失")
    text, fonts = _pdf_text_and_fonts(data)
    assert notice.number in text and "2024年7月9日" in text and "盖章" in text and "督" in text
    assert any("Noto-Sans-CJK-SC" in f for f in fonts)


def test_tgt_01_commitment_letter_pdf(world, running):
    from ganbu.reports.pdf import PdfUnavailable

    c = running.commitment
    try:
        data = services.commitment_letter_pdf(c)
    except PdfUnavailable:
        pytest.skip("WeasyPrint 系统库缺失")
    text, _ = _pdf_text_and_fonts(data)
    assert "任期目标承诺责任书" in text and c.content_hash[:20] in text.replace("\n", "")


def test_tgt_06_quarterly_round_lists_the_quarters_tasks_of_every_village(world, running, login):
    rnd = services.round_create(actor=world.users.office, org=world.t1, kind="quarterly", scope="full",
                                start=date(2024, 6, 25))
    from ganbu.targets.queries import round_tasks

    assert running in list(round_tasks(world.users.office, rnd))
    body = login("office").get(f"/targets/round/{rnd.pk}/").content.decode()
    assert "本季度各村任务" in body and running.title in body


def test_pub_01_board_shows_progress_after_an_inspection(world, running):
    from ganbu.notices.models import NoticeVersion

    _fail(world, running)
    latest = NoticeVersion.objects.filter(notice_id=running.commitment.notice_id).order_by("-version").first()
    assert latest.version >= 2
    assert any(row[-1] == "验收不合格，督办中" for row in latest.content["rows"])


def test_tgt_05_nightly_task_escalates_and_monthly_task_builds(world, running):
    """The huey jobs run the same services: overdue notices escalate, the new month's ledger is built."""
    from ganbu.targets.tasks import targets_monthly_ledger, targets_nightly

    notice = _fail(world, running)
    SupervisionNotice.objects.filter(pk=notice.pk).update(due=date(2024, 7, 3))
    due_moved, escalated = targets_nightly.call_local()
    assert escalated == 1
    notice.refresh_from_db()
    assert notice.escalated_at is not None
    assert targets_monthly_ledger.call_local() >= 0
