"""Attendance services on the database: sign-in to day close, corrections, cases, tables."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ganbu.attendance import rules, services
from ganbu.attendance.models import (
    Correction,
    DayStatus,
    DutySlot,
    Evidence,
    Meeting,
    MeetingAttendance,
    SignIn,
    SpotCheck,
    StationedTable,
)
from ganbu.attendance.queries import monthly_stats
from ganbu.cases.models import Case
from ganbu.core.attachments import WRONG_TYPE
from ganbu.core.models import Attachment, AuditEntry, Notification

from .conftest import at

MON = date(2024, 3, 4)  # a working Monday


def pdf(name="notice.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def close(world, day=MON):
    return services.day_close(actor=world.users.office, org=world.t1, on=day)


def status_of(person, day=MON):
    return DayStatus.objects.get(person=person, date=day).status


def test_att_01_township_cadre_signs_in_once_a_day(world, policies, clock):
    """ATT-01/ATT-02: a cadre signs in himself; a double tap gives one record."""
    p, u = world.people, world.users
    first, created = services.signin_record(actor=u.township_cadre, person=p.township_cadre, at=at(2024, 3, 4, 8, 5))
    again, created2 = services.signin_record(actor=u.township_cadre, person=p.township_cadre, at=at(2024, 3, 4, 8, 6))
    assert created and not created2 and first.pk == again.pk
    assert SignIn.objects.filter(person=p.township_cadre).count() == 1
    with pytest.raises(ValidationError):  # nobody signs in for someone else without 代签
        services.signin_record(actor=u.township_cadre, person=p.office, at=at(2024, 3, 4, 8, 5))


def test_att_03_sign_in_after_close_is_refused_and_changes_nothing(world, policies, clock):
    """ATT-03: after the cut-off (08:30) sign-in is refused with a Chinese message; nothing stored."""
    p, u = world.people, world.users
    with pytest.raises(ValidationError) as exc:
        services.signin_record(actor=u.township_cadre, person=p.township_cadre, at=at(2024, 3, 4, 8, 31))
    assert exc.value.text == rules.SIGNIN_CLOSED.format(cutoff="08:30")
    assert not SignIn.objects.exists()
    assert not AuditEntry.objects.filter(action="attendance.signin").exists()


def test_att_03_stamped_sheet_stops_sign_in_and_only_corrections_change_it(world, policies, clock):
    """ATT-03: stamping (停签) freezes the sheet; a later leave slip is a correction with a reason."""
    p, u = world.people, world.users
    services.daysheet_stamp(actor=u.office, org=world.t1, on=MON)
    with pytest.raises(ValidationError) as exc:
        services.signin_record(actor=u.township_cadre, person=p.township_cadre, at=at(2024, 3, 4, 8, 10))
    assert exc.value.text == rules.SIGNIN_STAMPED
    with pytest.raises(ValidationError):  # stamping is the office's act
        services.daysheet_stamp(actor=u.township_cadre, org=world.t1, on=MON)
    close(world)
    day = DayStatus.objects.get(person=p.township_cadre, date=MON)
    assert day.status == "absent"
    with pytest.raises(ValidationError) as exc:
        services.daystatus_correct(actor=u.office, day=day, status="leave", reason="  ")
    assert exc.value.text == services.REASON_REQUIRED
    with pytest.raises(ValidationError):
        services.daystatus_correct(actor=u.cadre_a, day=day, status="leave", reason="补交假条")
    assert status_of(p.township_cadre) == "absent" and not Correction.objects.exists()
    services.daystatus_correct(actor=u.office, day=day, status="leave", reason="补交病假条")
    day.refresh_from_db()
    assert day.status == "leave" and day.corrected
    audit = AuditEntry.objects.get(action="attendance.correct")
    assert audit.before["status"] == "absent" and audit.after["status"] == "leave" and audit.reason == "补交病假条"
    close(world)  # closing again keeps the correction
    assert status_of(p.township_cadre) == "leave"


def test_att_02_proxy_sign_in_records_the_authorising_leader(world, policies, clock):
    """ATT-02: the office signs for a cadre only with a principal leader's authorisation, recorded."""
    p, u = world.people, world.users
    with pytest.raises(ValidationError) as exc:
        services.signin_proxy(actor=u.office, person=p.township_cadre, authorised_by=None, at=at(2024, 3, 4, 8, 0))
    assert exc.value.text == services.PROXY_NEEDS_AUTHORISER
    with pytest.raises(ValidationError) as exc:
        services.signin_proxy(actor=u.office, person=p.township_cadre, authorised_by=u.office, at=at(2024, 3, 4, 8))
    assert exc.value.text == services.PROXY_BAD_AUTHORISER
    with pytest.raises(ValidationError):
        services.signin_proxy(actor=u.township_cadre, person=p.office, authorised_by=u.township_secretary,
                              at=at(2024, 3, 4, 8))
    sign, created = services.signin_proxy(actor=u.office, person=p.township_cadre,
                                          authorised_by=u.township_secretary, at=at(2024, 3, 4, 8, 0))
    assert created and sign.proxy_by == u.office and sign.authorised_by == u.township_secretary
    assert sign.proof == "proxy"


def _leave(person, start, end, kind="sick"):
    from ganbu.leave.models import LeaveRequest, LeaveStatus

    return LeaveRequest.objects.create(person=person, org=person.org, org_path=person.org_path, kind=kind,
                                       start=start, end=end, days=Decimal((end - start).days + 1), reason="病假",
                                       status=LeaveStatus.APPROVED)


def test_att_04_day_close_counts_leave_and_evidenced_trips_as_present(world, policies, clock):
    """ATT-04: signed → present; approved leave → leave; trip with the leader's arrangement → trip;
    a meeting without its notice, or nothing at all → absent."""
    p, u = world.people, world.users
    services.signin_record(actor=u.office, person=p.office, at=at(2024, 3, 4, 8, 0))
    _leave(p.township_head, MON, MON + timedelta(days=1))
    _leave(p.team_2, MON - timedelta(days=2), MON, kind="trip")
    services.evidence_add(actor=u.office, person=p.township_secretary, kind="trip", start=MON, end=MON,
                          upload=pdf())
    sheet = close(world)
    assert status_of(p.office) == "present"
    assert status_of(p.township_head) == "leave"
    assert status_of(p.township_secretary) == "trip"
    assert status_of(p.township_cadre) == "absent"
    assert status_of(p.team_1) == "absent"  # stationed cadres are registered daily (ATT-07)
    assert status_of(p.team_2) == "trip"  # an approved official trip is the leader's arrangement
    assert DayStatus.objects.get(person=p.team_1, date=MON).stationed
    assert not DayStatus.objects.filter(person=p.cadre_a).exists()  # village cadres: per meeting only
    row = DayStatus.objects.get(person=p.office, date=MON)
    assert row.policy_version_id and "v" in row.policy_ref and row.county == "330521"
    assert sheet.rows == DayStatus.objects.filter(date=MON).count() == 7


def test_att_04_non_working_day_writes_nothing(world, policies, clock):
    """ATT-04/CAL-01: non-working days never count: closing a Saturday or a holiday writes no rows."""
    clock.set(at(2024, 10, 2, 9))
    close(world, date(2024, 3, 9))
    close(world, date(2024, 10, 1))
    assert not DayStatus.objects.exists()
    clock.set(at(2024, 3, 9, 8, 0))
    with pytest.raises(ValidationError) as exc:
        services.signin_record(actor=world.users.office, person=world.people.office, at=at(2024, 3, 9, 8, 0))
    assert exc.value.text == rules.SIGNIN_NOT_WORKDAY


def test_att_04_evidence_of_wrong_type_is_refused_and_nothing_stored(world, policies, clock):
    """ATT-04 bad input: evidence that is not a PDF/image/Office file is refused; nothing stored."""
    fake = SimpleUploadedFile("notice.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(actor=world.users.office, person=world.people.township_cadre, kind="meeting",
                              start=MON, end=MON, upload=fake)
    assert WRONG_TYPE in exc.value.messages
    exe = SimpleUploadedFile("notice.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.evidence_add(actor=world.users.office, person=world.people.township_cadre, kind="meeting",
                              start=MON, end=MON, upload=exe)
    assert not Evidence.objects.exists() and not Attachment.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(actor=world.users.office, person=world.people.township_cadre, kind="meeting",
                              start=MON, end=MON - timedelta(days=1), upload=pdf())
    assert exc.value.text == services.EVIDENCE_DATES


def _absent_days(person, days, policy_version_id, stationed=False):
    DayStatus.objects.bulk_create([
        DayStatus(person=person, date=d, status="absent", org_path=person.org_path, county=person.org_path[:6],
                  stationed=stationed, policy_version_id=policy_version_id) for d in days])


def test_att_06_day_close_opens_one_case_after_fifteen_absent_working_days(world, policies, clock, calendar,
                                                                          django_capture_on_commit_callbacks):
    """ATT-06/DSC-01: the 15th consecutive working day of absence opens a case proposing dismissal
    for a civil servant, with the policy version; closing again opens no second case."""
    p = world.people
    clock.set(at(2024, 6, 1, 9))
    start = date(2024, 2, 19)
    days = list(calendar.workdays(start, date(2024, 3, 31)))
    before = days[:14]
    the_15th = days[14]
    pv = services.resolve(world.t1.path, start).version_id
    _absent_days(p.township_cadre, before, pv)
    assert not Case.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        close(world, the_15th)
    case = Case.objects.get(rule_id="ATT-06", subject=p.township_cadre)
    assert case.measure == "dismissal" and case.facts["days"] == 15 and case.policy_version_id
    assert case.facts["start"] == start.isoformat()
    close(world, the_15th)
    close(world, days[15])
    assert Case.objects.filter(subject=p.township_cadre).count() == 1
    assert Notification.objects.filter(user=world.users.county_org, kind="case").exists()


def test_att_06_correction_to_absent_reevaluates(world, policies, clock, calendar):
    """ATT-06: a correction that turns a day into absence re-runs the rule (idempotent keys)."""
    p = world.people
    days = list(calendar.workdays(date(2024, 4, 1), date(2024, 5, 31)))[:15]
    pv = services.resolve(world.t1.path, days[0]).version_id
    _absent_days(p.township_secretary, days[:14], pv)
    DayStatus.objects.create(person=p.township_secretary, date=days[14], status="present",
                             org_path=p.township_secretary.org_path, county="330521", policy_version_id=pv)
    day = DayStatus.objects.get(person=p.township_secretary, date=days[14])
    services.daystatus_correct(actor=world.users.office, day=day, status="absent", reason="核实未到岗")
    assert Case.objects.filter(rule_id="ATT-06", subject=p.township_secretary).count() == 1


def test_att_06_reads_absences_and_run_breaks_only_yet_finds_what_every_day_gives(world, policies):
    """ATT-06: evaluation reads a person's absences and, before each, the last day that was not one,
    not every day. On random histories (long runs, breaks of every status, days without a row, rows
    outside the window, provisional days) the rule finds exactly what it finds over every day."""
    import random

    rnd = random.Random(20260106)
    on, since = date(2024, 6, 28), date(2023, 1, 1)
    policy = services.resolve(world.t1.path, on)
    params = policy.params
    need = min(params.absence_run_days, params.absence_year_days)
    people = [world.people.township_cadre, world.people.office, world.people.township_head]
    kinds = ["present", "leave", "trip", "meeting"]
    fired: set[str] = set()
    for _ in range(8):
        DayStatus.objects.all().delete()
        for person in people:
            keep_absent = rnd.choice([0.5, 0.9, 0.97])
            rows, absent, d = [], False, date(2022, 12, 1)
            while d <= date(2024, 7, 10):
                if rnd.random() < 0.85:  # else no row: a holiday, or a day not closed
                    absent = rnd.random() < (keep_absent if absent else 0.08)
                    rows.append(DayStatus(person=person, date=d, status="absent" if absent else rnd.choice(kinds),
                                          org_path=person.org_path, county=person.org_path[:6],
                                          provisional=rnd.random() < 0.1, policy_version_id=policy.version_id))
                d += timedelta(days=1)
            DayStatus.objects.bulk_create(rows)
        read = services._absence_facts([p.pk for p in people], since, on, need)
        for person in people:
            subject = rules.Subject(person.pk, person.name, person.category, person.org_path)
            every_day = [rules.DayFact(r.date, r.status, True, r.provisional) for r in
                         DayStatus.objects.filter(person=person, date__range=(since, on)).order_by("date")]

            def findings(days, subject=subject):
                return rules.absence_findings(params, subject, days, policy_version_id=policy.version_id,
                                              policy_ref=policy.ref, today=on)

            expected = findings(every_day)
            assert findings(read.get(person.pk, [])) == expected
            assert len(read.get(person.pk, [])) < len(every_day)
            fired |= {f.facts["kind"] for f in expected}
    assert fired == {"consecutive", "year"}  # the histories did reach both thresholds


def test_att_05_monthly_statistics_with_half_year_total(world, policies, clock, calendar):
    """ATT-05: per person and per org: present/leave/absent and 20 yuan per absence; the half-year
    running total includes earlier months."""
    p = world.people
    pv = services.resolve(world.t1.path, MON).version_id
    march = list(calendar.workdays(date(2024, 3, 1), date(2024, 3, 31)))
    feb = list(calendar.workdays(date(2024, 2, 1), date(2024, 2, 29)))[:2]
    _absent_days(p.township_cadre, march[:3] + feb, pv)
    DayStatus.objects.bulk_create([DayStatus(person=p.township_cadre, date=d, status="present",
                                             org_path=p.township_cadre.org_path, county="330521",
                                             policy_version_id=pv) for d in march[3:]])
    _absent_days(p.team_1, march[:1], pv, stationed=True)
    for month in (date(2024, 2, 1), date(2024, 3, 1)):
        services.tally_refresh(org_path=world.t1.path, month=month)
    stats = monthly_stats(org=world.t1, month=date(2024, 3, 1))
    row = next(r for r in stats.rows if r.person_id == p.township_cadre.pk)
    assert (row.absent, row.present, row.days) == (3, len(march) - 3, len(march))
    assert row.deduction == Decimal("60.00") and row.half_absent == 5 and row.half_deduction == Decimal("100.00")
    village = next(r for r in stats.org_rows if r.org_path == world.village_a.path)
    assert village.absent == 1 and village.name == "东村"
    assert stats.total.absent == 4 and stats.total.deduction == Decimal("80.00")
    from ganbu.attendance.queries import absences_by_person

    assert absences_by_person(org_path=world.t1.path, first_month=date(2024, 1, 1), last_month=date(2024, 3, 1)) == {
        p.township_cadre.pk: 5, p.team_1.pk: 1}


def _monthly_reference(org, first, half_start, params):
    """ATT-05 by brute force over the tallies: what monthly_stats must return, row for row."""
    from ganbu.attendance.models import MonthTally
    from ganbu.org.models import Org, Person

    keys = ("days", "present", "leave", "trip", "meeting", "absent", "half_days", "half_absent")
    people, orgs = {}, {}
    for t in MonthTally.objects.filter(org_path__startswith=org.path, month__range=(half_start, first)):
        this = first == t.month
        c = [t.days * this, t.present * this, t.leave * this, t.trip * this, t.meeting * this, t.absent * this,
             t.days, t.absent]
        people[t.person_id] = [a + b for a, b in zip(people.get(t.person_id, [0] * 8), c, strict=True)]
        orgs[t.org_path] = [a + b for a, b in zip(orgs.get(t.org_path, [0] * 8), c, strict=True)]
    names = dict(Org.objects.values_list("path", "name"))
    who = {p.pk: p for p in Person.objects.filter(pk__in=people)}

    def row(pid, name, path, c):
        return (pid, name, path, names.get(path, path), *c, rules.deduction(params, c[5]),
                rules.deduction(params, c[7]))

    rows = sorted((row(pid, who[pid].name, who[pid].org_path, c) for pid, c in people.items()),
                  key=lambda r: (r[2], r[1], r[0]))
    org_rows = [row(None, names.get(p, p), p, c) for p, c in sorted(orgs.items())]
    total = [sum(c) for c in zip(*orgs.values(), strict=True)] if orgs else [0] * 8
    return rows, org_rows, dict(zip(keys, total, strict=True))


def test_att_05_monthly_statistics_match_the_tallies_when_people_move(world, policies, clock):
    """ATT-05: person rows sum a person's tallies wherever they were kept, in path/name order (by
    code point); org rows count each tally to the org it was kept under, named even when nobody
    belongs to that org any more. Compared with a brute-force fold of the same tallies."""
    from ganbu.attendance.models import MonthTally

    p, w = world.people, world
    t1, va, vc = w.t1.path, w.village_a.path, w.village_c.path
    feb, mar = date(2024, 2, 1), date(2024, 3, 1)

    def tally(person, month, path, days, absent, leave=0):
        MonthTally.objects.create(person=person, month=month, org_path=path, county=path[:6], days=days,
                                  present=days - absent - leave, leave=leave, absent=absent)

    tally(p.cadre_a, feb, t1, 20, 2)  # moved from the township office to the village in March
    tally(p.cadre_a, mar, va, 21, 1, leave=1)
    tally(p.team_2, mar, vc, 21, 4)  # kept under 南村, where nobody is now
    tally(p.team_1, feb, va, 20, 1)  # nothing in March: half-year only
    tally(p.office, mar, t1, 21, 0)
    tally(p.township_cadre, feb, t1, 20, 3)
    tally(p.township_cadre, mar, t1, 21, 2)
    tally(p.outsider, mar, w.village_b.path, 21, 5)  # another township: not counted
    stats = monthly_stats(org=w.t1, month=date(2024, 3, 15))
    rows, org_rows, total = _monthly_reference(w.t1, mar, date(2024, 1, 1), services.resolve(t1, mar).params)
    assert [tuple(r) for r in stats.rows] == rows
    assert [tuple(r) for r in stats.org_rows] == org_rows
    assert {k: getattr(stats.total, k) for k in total} == total
    assert stats.total.deduction == rules.deduction(services.resolve(t1, mar).params, total["absent"])
    cadre = next(r for r in stats.rows if r.person_id == p.cadre_a.pk)
    assert (cadre.days, cadre.absent, cadre.leave, cadre.half_days, cadre.half_absent) == (21, 1, 1, 41, 3)
    by_path = {r.org_path: r for r in stats.org_rows}
    assert by_path[t1].half_absent == 2 + 3 + 2 and by_path[va].half_absent == 1 + 1
    assert by_path[vc].name == "南村" and by_path[vc].absent == 4
    assert p.outsider.pk not in {r.person_id for r in stats.rows}


def test_att_05_monthly_publication_masks_ids_and_phones(world, policies, clock):
    """ATT-05/PUB-01: the month is published to the public board, with no ID numbers or phones."""
    services.signin_record(actor=world.users.office, person=world.people.office, at=at(2024, 3, 4, 8))
    close(world)
    version = services.monthly_publish(actor=world.users.office, org=world.t1, month=MON)
    text = str(version.content)
    assert "赵办事" in text and version.content["month"] == "2024-03"
    for person in (world.people.office, world.people.township_cadre):
        assert person.id_number not in text and person.phone not in text
    with pytest.raises(ValidationError):
        services.monthly_publish(actor=world.users.outsider, org=world.t1, month=MON)


def test_att_07_signature_voided_by_later_change_and_stamp_needs_valid_signature(world, policies, clock):
    """ATT-07: the secretary signs (signer, time, sha256 of content); a later change voids it; the
    stamp applies only to a validly signed version; filing after the deadline is flagged late."""
    p, u = world.people, world.users
    close(world)
    with pytest.raises(ValidationError):
        services.stationed_table_sign(actor=u.office, org=world.t1, month=MON)  # only the secretary signs
    table = services.stationed_table_sign(actor=u.township_secretary, org=world.t1, month=MON)
    assert table.signed_by == u.township_secretary and len(table.content_hash) == 64
    assert table.content_hash == rules.canonical_hash(services.stationed_content(world.t1, MON))
    assert services.stationed_table_verify(table=table)
    day = DayStatus.objects.get(person=p.team_1, date=MON)
    services.daystatus_correct(actor=u.office, day=day, status="leave", reason="补交请假单")
    table.refresh_from_db()
    assert table.voided_at is not None and not table.signature_valid
    with pytest.raises(ValidationError) as exc:
        services.stationed_table_stamp(actor=u.office, table=table)
    assert exc.value.text == services.STAMP_NEEDS_SIGNATURE
    with pytest.raises(ValidationError) as exc:
        services.stationed_table_file(actor=u.office, table=table)
    assert exc.value.text == services.FILE_NEEDS_STAMP
    table = services.stationed_table_sign(actor=u.township_secretary, org=world.t1, month=MON)
    # a change behind the hash (not through a correction) is caught by re-verification
    DayStatus.objects.filter(person=p.team_2, date=MON).update(status="present")
    assert not services.stationed_table_verify(table=table)
    table = services.stationed_table_sign(actor=u.township_secretary, org=world.t1, month=MON)
    table = services.stationed_table_stamp(actor=u.office, table=table)
    assert table.stamped_at
    clock.set(at(2024, 4, 30, 10, 0))
    table = services.stationed_table_file(actor=u.office, table=table)
    assert table.deadline == date(2024, 4, 8)  # 5th working day of April 2024 (Qingming 4–6 off, Sun 7 on)
    assert table.late


def test_att_08_spot_checks_recorded_and_coverage_flagged(world, policies, clock):
    """ATT-08: spot checks by the allowed methods are recorded with results; those unchecked this
    month are flagged."""
    from ganbu.attendance.queries import stationed_overview

    p, u = world.people, world.users
    services.spot_check_record(actor=u.office, person=p.team_1, method="video_call", result="present",
                               at=at(2024, 3, 5, 10))
    with pytest.raises(ValidationError) as exc:
        services.spot_check_record(actor=u.office, person=p.team_1, method="letter", result="present")
    assert exc.value.text == services.BAD_METHOD
    with pytest.raises(ValidationError) as exc:
        services.spot_check_record(actor=u.office, person=p.cadre_a, method="phone_call", result="present",
                                   at=at(2024, 3, 5, 10))
    assert exc.value.text == services.NOT_STATIONED
    assert SpotCheck.objects.count() == 1
    data = stationed_overview(org=world.t1, month=MON, today=MON)
    flags = {row["name"]: row["short"] for row in data["people"]}
    assert flags == {"郑队员": False, "冯队员": True, "吴第一书记": True}


def test_att_01_meeting_attendance_recorded_per_session(world, policies, clock):
    """ATT-01: attendance at each meeting/study session is recorded per person."""
    p, u = world.people, world.users
    m = services.meeting_create(actor=u.office, org=world.t1, kind="study", title="三月专题学习", on=MON)
    services.meeting_attendance_record(actor=u.office, meeting=m, statuses={
        p.township_cadre.pk: "present", p.cadre_a.pk: "absent", p.village_secretary_a.pk: "leave"})
    assert dict(MeetingAttendance.objects.filter(meeting=m).values_list("person_id", "status")) == {
        p.township_cadre.pk: "present", p.cadre_a.pk: "absent", p.village_secretary_a.pk: "leave"}
    with pytest.raises(ValidationError) as exc:
        services.meeting_attendance_record(actor=u.office, meeting=m, statuses={p.outsider.pk: "present"})
    assert exc.value.text == services.MEETING_PERSON


def test_mtg_01_weekly_report_for_the_regular_meeting(world, policies, clock):
    """MTG-01: each cadre reports last period's work, this week's plan and suggestions."""
    u = world.users
    m = services.meeting_create(actor=u.office, org=world.t1, kind="regular", title="例会", on=MON)
    with pytest.raises(ValidationError) as exc:
        services.weekly_report_submit(actor=u.township_cadre, meeting=m, last_work="走访", plan="")
    assert exc.value.text == services.REPORT_REQUIRED
    report = services.weekly_report_submit(actor=u.township_cadre, meeting=m, last_work="走访5户",
                                           plan="整理台账", suggestions="增加经费")
    assert (report.last_work, report.plan, report.suggestions) == ("走访5户", "整理台账", "增加经费")
    with pytest.raises(ValidationError):
        services.weekly_report_submit(actor=u.outsider, meeting=m, last_work="x", plan="y")


def test_mtg_02_periodic_task_schedules_study_and_notifies_once(world, policies, clock):
    """MTG-02: the daily job creates the first-Tuesday study (and the regular Mondays) ahead and
    tells the cadres once; running it again creates nothing new."""
    from ganbu.attendance.tasks import run_morning

    clock.set(at(2024, 2, 26, 7))
    created = services.meetings_schedule(org=world.t1, today=date(2024, 2, 26))
    kinds = {(m.kind, m.date) for m in created}
    assert ("study", date(2024, 3, 5)) in kinds
    assert any(k == "regular" and d.weekday() == 0 for k, d in kinds)
    assert Notification.objects.filter(user=world.users.township_cadre, kind="meeting").count() == len(created)
    assert services.meetings_schedule(org=world.t1, today=date(2024, 2, 26)) == []
    run_morning()  # the periodic task runs for every township without error
    assert Meeting.objects.filter(org=world.t1, kind="study", date=date(2024, 3, 5)).count() == 1


def test_duty_01_gap_flagged_to_the_office_before_it_happens(world, policies, clock):
    """DUTY-01: a hole in the next days' 24-hour roster is notified to the office ahead of time."""
    u, p = world.users, world.people
    now = at(2024, 3, 4, 7, 0)
    services.duty_slot_add(actor=u.office, org=world.t1, person=p.township_cadre, start=now,
                           end=now + timedelta(days=3))
    services.duty_slot_add(actor=u.office, org=world.t1, person=p.office, start=now + timedelta(days=3, hours=4),
                           end=now + timedelta(days=8))
    gaps = services.duty_gaps_for(org=world.t1, now=now)
    assert gaps == [(now + timedelta(days=3), now + timedelta(days=3, hours=4))]
    assert services.duty_gaps_notify(org=world.t1, now=now) >= 1
    assert services.duty_gaps_notify(org=world.t1, now=now) == 0  # each gap once
    assert Notification.objects.filter(user=u.office, kind="duty").count() == 1
    with pytest.raises(ValidationError) as exc:
        services.duty_slot_add(actor=u.office, org=world.t1, person=p.office, start=now, end=now)
    assert exc.value.text == services.DUTY_ORDER
    assert DutySlot.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_att_01_double_tap_on_postgres_gives_one_record(world, policies, clock):
    """ATT-01: two simultaneous sign-ins of the same cadre (two threads) give exactly one record."""
    from django.db import connection

    p, u = world.people, world.users
    barrier = threading.Barrier(2)
    results, errors = [], []

    def tap():
        try:
            barrier.wait()
            results.append(services.signin_record(actor=u.township_cadre, person=p.township_cadre,
                                                  at=at(2024, 3, 4, 8, 1)))
        except Exception as exc:  # pragma: no cover - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert SignIn.objects.filter(person=p.township_cadre).count() == 1
    assert sorted(created for _, created in results) == [False, True]
    assert len({r.pk for r, _ in results}) == 1


def test_att_09_geofence_policy_refuses_far_sign_in(world, policies, clock):
    """ATT-09: with the geofence policy, a sign-in far from the office is refused; at the office
    (reported in GCJ-02 by a Chinese map app) it succeeds and records the distance."""
    from ganbu.core.policy import policy_adopt, policy_save_draft

    draft = policy_save_draft(actor=None, org=world.t1, module="attendance", title="定位签到",
                              period_start=date(2024, 3, 1),
                              params={"proof_mode": "geofence", "geofence_radius_m": 300, "case_due_days": 15})
    policy_adopt(actor=None, version=draft)
    assert services.resolve(world.t1.path, MON).params.proof_mode == "geofence"
    p, u = world.people, world.users
    with pytest.raises(ValidationError) as exc:
        services.signin_record(actor=u.office, person=p.office, at=at(2024, 3, 4, 8), lat=30.2, lng=120.2)
    assert "不在办公地点附近" in exc.value.text
    glat, glng = rules.wgs84_to_gcj02(30.1, 120.1)  # 青山镇 office
    sign, _ = services.signin_record(actor=u.office, person=p.office, at=at(2024, 3, 4, 8), lat=glat, lng=glng,
                                     coord_system="gcj02")
    assert sign.proof == "geofence" and sign.distance_m < 1 and sign.coord_system == "gcj02"


def test_att_07_stationed_table_unique_per_month(world, policies, clock):
    """ATT-07: re-signing replaces the signature on the one table of the month."""
    close(world)
    services.stationed_table_sign(actor=world.users.township_secretary, org=world.t1, month=MON)
    services.stationed_table_sign(actor=world.users.township_secretary, org=world.t1, month=MON)
    assert StationedTable.objects.count() == 1


def test_att_07_unfiled_table_flagged_after_the_deadline(world, policies, clock):
    """ATT-07: once the 5th working day of the next month has passed with no filing, the township and
    the county organisation department are told (once); before it, nobody is."""
    close(world)
    assert services.stationed_late_notify(org=world.t1, on=date(2024, 4, 8)) == 0  # deadline day itself
    sent = services.stationed_late_notify(org=world.t1, on=date(2024, 4, 9))
    assert sent >= 2
    assert Notification.objects.filter(user=world.users.county_org, kind="attendance").count() == 1
    assert services.stationed_late_notify(org=world.t1, on=date(2024, 4, 10)) == 0


def test_att_04_closing_a_future_day_is_refused(world, policies, clock):
    """ATT-04: a day is closed only once it has come; nothing is written for a future date."""
    with pytest.raises(ValidationError) as exc:
        close(world, date(2024, 3, 5))
    assert exc.value.text == services.CLOSE_FUTURE
    assert not DayStatus.objects.exists()


def test_att_05_statistics_follow_day_close_and_corrections(world, policies, clock):
    """ATT-05: the monthly figures come from what day close and corrections wrote, without a recount."""
    p, u = world.people, world.users
    services.signin_record(actor=u.office, person=p.office, at=at(2024, 3, 4, 8))
    close(world)
    row = {r.person_id: r for r in monthly_stats(org=world.t1, month=MON).rows}
    assert row[p.office.pk].present == 1 and row[p.township_cadre.pk].absent == 1
    assert row[p.township_cadre.pk].deduction == Decimal("20.00")
    day = DayStatus.objects.get(person=p.township_cadre, date=MON)
    services.daystatus_correct(actor=u.office, day=day, status="leave", reason="补交病假条")
    row = {r.person_id: r for r in monthly_stats(org=world.t1, month=MON).rows}
    assert row[p.township_cadre.pk].absent == 0 and row[p.township_cadre.pk].leave == 1
    assert row[p.township_cadre.pk].deduction == Decimal("0.00")


def test_att_04_evening_job_closes_every_township(world, policies, clock):
    """ATT-04: the scheduled evening job closes the day for every township, as the system."""
    from ganbu.attendance.tasks import run_evening

    clock.set(at(2024, 3, 4, 21, 0))
    assert run_evening() == 2
    assert DayStatus.objects.filter(date=MON, org_path__startswith=world.t1.path).count() == 7
    assert AuditEntry.objects.filter(action="attendance.day_close", actor__isnull=True).count() == 2
