"""Pure attendance rules, tested directly (ATT-03..09, DUTY-01, MTG-01, MTG-02)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ganbu.attendance import rules
from ganbu.attendance.policy import AttendanceParams

P = AttendanceParams(case_due_days=15)
TZ = ZoneInfo("Asia/Shanghai")


def test_att_03_cutoff_refuses_after_0830_and_accepts_at_it():
    """ATT-03: sign-in closes at the policy's cut-off (08:30 by default); at 08:30 still on time."""
    kw = {"cutoff": P.signin_cutoff, "is_workday": True, "stamped": False}
    assert rules.signin_refusal(local_time=time(8, 30), **kw) is None
    refusal = rules.signin_refusal(local_time=time(8, 31), **kw)
    assert refusal == rules.SIGNIN_CLOSED.format(cutoff="08:30")
    later = AttendanceParams(case_due_days=1, signin_cutoff=time(9, 0))
    assert rules.signin_refusal(local_time=time(8, 45), cutoff=later.signin_cutoff, is_workday=True,
                                stamped=False) is None
    assert rules.signin_refusal(local_time=time(8, 0), cutoff=P.signin_cutoff, is_workday=True,
                                stamped=True) == rules.SIGNIN_STAMPED
    assert rules.signin_refusal(local_time=time(8, 0), cutoff=P.signin_cutoff, is_workday=False,
                                stamped=False) == rules.SIGNIN_NOT_WORKDAY


KNOWN = [  # WGS-84 → GCJ-02 published test points (Shanghai, Shenzhen, Beijing)
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]


@pytest.mark.parametrize("wlat,wlng,glat,glng", KNOWN)
def test_att_09_gcj02_transform_matches_known_points(wlat, wlng, glat, glng):
    """ATT-09: the GCJ-02 transform reproduces published points; the inverse returns to WGS-84."""
    lat, lng = rules.wgs84_to_gcj02(wlat, wlng)
    assert lat == pytest.approx(glat, abs=1e-7) and lng == pytest.approx(glng, abs=1e-7)
    back = rules.gcj02_to_wgs84(glat, glng)
    assert rules.distance_m(back[0], back[1], wlat, wlng) < 0.01


@settings(max_examples=60, deadline=None)
@given(st.floats(18.5, 53.0), st.floats(74.0, 134.0))
def test_att_09_gcj02_roundtrip_is_within_centimetres(lat, lng):
    """ATT-09: converting a phone's GCJ-02 reading back to WGS-84 loses less than a centimetre."""
    g = rules.wgs84_to_gcj02(lat, lng)
    w = rules.gcj02_to_wgs84(*g)
    assert rules.distance_m(lat, lng, *w) < 0.01
    assert rules.distance_m(lat, lng, *g) > 1  # inside China the offset is real


def test_att_09_geofence_handles_gcj02_and_wgs84():
    """ATT-09: a phone at the office reporting GCJ-02 is inside; the same numbers read as WGS-84 are not."""
    params = AttendanceParams(case_due_days=1, proof_mode="geofence", geofence_radius_m=200)
    office = (31.1774276, 121.5272106)
    gcj = rules.wgs84_to_gcj02(*office)
    ok = rules.proof_check(params, office=office, lat=gcj[0], lng=gcj[1], coord_system="gcj02")
    assert ok.ok and ok.distance_m < 1
    wrong = rules.proof_check(params, office=office, lat=gcj[0], lng=gcj[1], coord_system="wgs84")
    assert not wrong.ok and wrong.distance_m > 200
    assert "不在办公地点附近" in wrong.error
    missing = rules.proof_check(params, office=office, lat=None, lng=None)
    assert missing.error == rules.LOCATION_REQUIRED
    none_mode = rules.proof_check(P, office=office, lat=None, lng=None)
    assert none_mode.ok and none_mode.proof == "none"


def test_att_09_qr_token_rotates_with_the_window():
    """ATT-09: the office QR token is valid for its window and the previous one, then expires."""
    ts = datetime(2024, 3, 4, 8, 0, tzinfo=TZ).timestamp()
    token = rules.qr_token("k", "330521100", rules.qr_window(ts, 60))
    assert rules.qr_verify("k", "330521100", token, ts=ts, seconds=60)
    assert rules.qr_verify("k", "330521100", token, ts=ts + 60, seconds=60)
    assert not rules.qr_verify("k", "330521100", token, ts=ts + 180, seconds=60)
    assert not rules.qr_verify("k", "330521101", token, ts=ts, seconds=60)  # another office
    params = AttendanceParams(case_due_days=1, proof_mode="qr")
    assert rules.proof_check(params, office=None, lat=None, lng=None, qr_ok=False).error == rules.QR_INVALID
    assert rules.proof_check(params, office=None, lat=None, lng=None).error == rules.QR_REQUIRED


def test_att_04_day_status_needs_evidence_for_meetings_and_trips():
    """ATT-04: meeting/trip counts only with evidence; approved leave counts as present; else absent."""
    F = rules.DayFacts
    assert rules.day_status(P, F(signed_in=True)) == "present"
    assert rules.day_status(P, F(on_leave=True)) == "leave"
    assert rules.day_status(P, F(on_leave=True, leave_kind="sick")) == "leave"
    assert rules.day_status(P, F(on_leave=True, leave_kind="trip")) == "trip"  # approved = leader's arrangement
    assert rules.day_status(P, F(on_leave=True, leave_kind="meeting")) == "meeting"
    assert rules.day_status(P, F(evidence="meeting")) == "meeting"
    assert rules.day_status(P, F(evidence="trip")) == "trip"
    assert rules.day_status(P, F(claimed_away="trip")) == "absent"
    assert rules.day_status(P, F()) == "absent"
    lax = AttendanceParams(case_due_days=1, trip_needs_evidence=False)
    assert rules.day_status(lax, F(claimed_away="trip")) == "trip"


def test_att_05_deduction_is_decimal_per_absence():
    """ATT-05: each absence deducts the policy amount (20 yuan by default) in Decimal yuan."""
    assert rules.deduction(P, 3) == Decimal("60.00")
    assert rules.deduction(AttendanceParams(case_due_days=1, deduction_per_absence=Decimal("12.5")), 3) == Decimal("37.50")


def _workdays(start: date, n: int) -> list[date]:
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


SUBJ = rules.Subject(7, "钱干部", "civil_servant", "330521100")


def _find(params, days):
    return rules.absence_findings(params, SUBJ, days, policy_version_id=1, policy_ref="ref", today=date(2024, 6, 1))


def test_att_06_fifteen_consecutive_absences_raise_dismissal_case():
    """ATT-06: 15 consecutive working days of absence raise a case; 14 do not; civil servant → dismissal."""
    days = [rules.DayFact(d, "absent") for d in _workdays(date(2024, 3, 4), 15)]
    assert _find(P, days[:14]) == []
    found = _find(P, days)
    assert len(found) == 1
    f = found[0]
    assert f.rule_id == "ATT-06" and f.measure == "dismissal" and f.facts["days"] == 15
    assert f.key == f"ATT-06:run:7:{days[0].date.isoformat()}"
    assert f.due == date(2024, 6, 16) and f.acting_role == "county_org"


def test_att_06_more_than_switch_needs_sixteen():
    """ATT-06: with "more than" the threshold itself does not fire."""
    strict = AttendanceParams(case_due_days=1, absence_threshold_inclusive=False)
    days = [rules.DayFact(d, "absent") for d in _workdays(date(2024, 3, 4), 16)]
    assert _find(strict, days[:15]) == []
    assert len(_find(strict, days)) == 1


def test_att_06_non_working_days_neither_count_nor_break_a_run():
    """ATT-06: weekends inside a run are skipped: the run continues and they are not counted."""
    work = _workdays(date(2024, 3, 4), 15)
    with_weekends = []
    d = work[0]
    while d <= work[-1]:
        with_weekends.append(rules.DayFact(d, "absent" if d.weekday() < 5 else "present", workday=d.weekday() < 5))
        d += timedelta(days=1)
    found = _find(P, with_weekends)
    assert len(found) == 1 and found[0].facts["days"] == 15
    broken = [rules.DayFact(x, "present" if i == 7 else "absent") for i, x in enumerate(work)]
    assert _find(P, broken) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=0, max_size=40), st.integers(0, 30))
def test_att_06_inserting_non_working_days_never_changes_findings(pattern, extra):
    """ATT-06 (property): adding non-working days anywhere changes nothing."""
    work = _workdays(date(2024, 1, 8), len(pattern))
    base = [rules.DayFact(d, "absent" if a else "present") for d, a in zip(work, pattern, strict=True)]
    noisy = list(base)
    for i in range(extra):
        noisy.insert(i % (len(noisy) + 1), rules.DayFact(date(2024, 1, 6), "absent", workday=False))
    assert [f.key for f in _find(P, base)] == [f.key for f in _find(P, noisy)]


def test_att_06_thirty_in_a_year_and_measure_by_category():
    """ATT-06: 30 scattered absences in a year fire once; the measure follows the person's category."""
    work = _workdays(date(2024, 1, 2), 90)
    days = [rules.DayFact(d, "absent" if i % 3 == 0 else "present") for i, d in enumerate(work)]
    found = _find(P, days)
    assert [f.facts["kind"] for f in found] == ["year"]
    assert found[0].key == "ATT-06:year:7:2024" and found[0].facts["days"] == 30
    for category, measure in [("career", "report_org_dept"), ("village_elected", "recall"),
                              ("civil_servant", "dismissal")]:
        subj = rules.Subject(8, "某", category, "330521100201")
        out = rules.absence_findings(P, subj, days, policy_version_id=1, policy_ref="r")
        assert out[0].measure == measure
    thirtieth = [i for i, d in enumerate(days) if d.status == "absent"][29]
    assert _find(P, days[:thirtieth]) == []  # 29 absences: nothing yet


def test_att_07_filing_deadline_is_fifth_working_day_of_next_month(calendar):
    """ATT-07: the September table is due by the 5th working day of October (holiday week skipped,
    the adjusted Saturday counted), inclusive; filed the day after is late."""
    deadline = rules.filing_deadline(calendar, P, date(2024, 9, 1))
    assert deadline == calendar.nth_workday_of_month(2024, 10, 5)
    assert deadline == date(2024, 10, 12)  # Oct 1–7 off, 8–11 and the adjusted Saturday 12th
    assert not rules.filing_late(P, deadline, deadline, deadline)
    assert rules.filing_late(P, deadline, deadline + timedelta(days=1), deadline)
    assert rules.filing_late(P, deadline, None, deadline + timedelta(days=2))
    strict = AttendanceParams(case_due_days=1, stationed_filing_inclusive=False)
    assert rules.filing_late(strict, deadline, deadline, deadline)


def test_att_08_spot_check_coverage_flags_unchecked():
    """ATT-08: people checked fewer times than the policy's monthly minimum are flagged."""
    assert rules.spot_check_gaps(P, [1, 2, 3], {1: 1, 3: 2}) == [2]
    twice = AttendanceParams(case_due_days=1, spot_checks_per_month=2)
    assert rules.spot_check_gaps(twice, [1, 2, 3], {1: 1, 3: 2}) == [1, 2]


def test_duty_01_gaps_found_in_the_roster():
    """DUTY-01: the 24-hour roster's uncovered stretches are found, overlaps tolerated."""
    t0 = datetime(2024, 3, 4, 0, 0, tzinfo=TZ)
    h = timedelta(hours=1)
    slots = [(t0, t0 + 8 * h), (t0 + 7 * h, t0 + 16 * h), (t0 + 18 * h, t0 + 30 * h)]
    assert rules.duty_gaps(slots, t0, t0 + 24 * h) == [(t0 + 16 * h, t0 + 18 * h)]
    assert rules.duty_gaps([], t0, t0 + h) == [(t0, t0 + h)]
    assert rules.duty_gaps([(t0 - h, t0 + 25 * h)], t0, t0 + 24 * h) == []


def test_mtg_01_and_mtg_02_meeting_plan(calendar):
    """MTG-01: a regular meeting every other Monday; MTG-02: study on the first Tuesday, and a
    democratic life meeting each half year."""
    plan = rules.meeting_plan(P, calendar, date(2024, 3, 1), date(2024, 3, 31))
    regular = [m.date for m in plan if m.kind == "regular"]
    assert all(d.weekday() == 0 for d in regular)
    assert all((b - a).days == 14 for a, b in zip(regular, regular[1:], strict=False))
    assert len(regular) == 2
    study = [m.date for m in plan if m.kind == "study"]
    assert study == [date(2024, 3, 5)]  # first Tuesday of March 2024
    year = rules.meeting_plan(P, calendar, date(2024, 1, 1), date(2024, 12, 31))
    life = [m for m in year if m.kind == "democratic_life"]
    assert [m.due for m in life] == [date(2024, 6, 30), date(2024, 12, 31)]
    assert all(calendar.is_workday(m.date) for m in year)
    oct_study = [m.date for m in year if m.kind == "study" and m.date.month == 10]
    assert oct_study == [date(2024, 10, 8)]  # first Tuesday Oct 1 is National Day: next working day


def test_att_07_canonical_hash_changes_with_content():
    """ATT-07: the signed hash is of canonical content: key order does not matter, a value does."""
    a = {"rows": [{"days": {"2024-03-04": "present"}, "name": "郑"}], "month": "2024-03"}
    b = {"month": "2024-03", "rows": [{"name": "郑", "days": {"2024-03-04": "present"}}]}
    assert rules.canonical_hash(a) == rules.canonical_hash(b)
    c = {"month": "2024-03", "rows": [{"name": "郑", "days": {"2024-03-04": "absent"}}]}
    assert rules.canonical_hash(a) != rules.canonical_hash(c)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=8))
def test_duty_01_gaps_and_slots_cover_the_window_exactly(spans):
    """DUTY-01 (property): every minute of the window is either on a slot or in a reported gap, never both."""
    t0 = datetime(2024, 3, 4, 0, 0, tzinfo=TZ)
    m = timedelta(minutes=1)
    slots = [(t0 + a * m, t0 + (a + n) * m) for a, n in spans]
    end = t0 + 240 * m
    gaps = rules.duty_gaps(slots, t0, end)
    for i in range(240):
        t = t0 + i * m
        covered = any(s <= t < e for s, e in slots)
        in_gap = any(a <= t < b for a, b in gaps)
        assert covered != in_gap
