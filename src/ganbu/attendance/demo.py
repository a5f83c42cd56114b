"""Demo attendance (考勤): three months of sign-ins with every day closed, meetings with their
attendance, and a duty roster with a gap to fill.

Sign-ins are bulk-inserted (the sign-in service checks the clock and the cut-off, which a history
cannot pass); everything after them goes through the services: the office stamps each day, the day
close writes ``DayStatus`` and ``MonthTally`` and opens the ATT-06 case of the cadre who stayed away
fifteen working days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ganbu.core.demo import DemoContext

AGENDA = ["传达学习县委全会精神，部署秋冬季防火工作", "研究村级集体经济项目推进", "部署人居环境整治月度检查",
          "通报上月考勤和积分情况，安排本周重点工作", "学习《中国共产党农村基层组织工作条例》"]


def _daily_people(ctx: DemoContext) -> list[Any]:
    from ganbu.attendance.services import resolve
    from ganbu.org.models import STATIONED_TITLES, Person, Post

    out = []
    for t in ctx.townships:
        params = resolve(t.path, ctx.today).params
        titles = list(params.daily_titles) + (list(STATIONED_TITLES) if params.stationed_daily else [])
        ids = Post.objects.filter(org__path__startswith=t.path, end__isnull=True, title__in=titles).values("person_id")
        out += list(Person.objects.filter(pk__in=ids).select_related("org").order_by("org_path", "id_number"))
    return out


def load_demo_attendance(ctx: DemoContext) -> None:
    from ganbu.attendance.models import Meeting, MeetingAttendance, Proof, SignIn
    from ganbu.attendance.services import (
        day_close,
        daysheet_stamp,
        duty_slot_add,
        meeting_attendance_record,
        meeting_create,
        meeting_participants,
        meetings_schedule,
    )
    from ganbu.leave.queries import approved_leave_spans

    rnd = ctx.rnd("attendance")
    today = ctx.today
    days = ctx.workdays(ctx.history_start, today)
    people = _daily_people(ctx)
    away: dict[int, list[tuple[Any, Any]]] = {}
    for span in approved_leave_spans(start=ctx.history_start, end=today, person_ids=[p.pk for p in people]):
        away.setdefault(span.person_id, []).append((span.start, span.end))
    # one cadre of 绿水镇 stopped coming for sixteen working days last month (ATT-06 opens a case)
    truant = next((p for p in people if p.org_path.startswith(ctx.townships[1].path)
                   and p.pk not in away), None) if len(ctx.townships) > 1 else None
    truant_days = set(days[len(days) // 3: len(days) // 3 + 16]) if truant else set()
    careless = {p.pk for p in people if rnd.random() < 0.12}  # forget now and then
    rows = []
    for day in days:
        for p in people:
            if any(s <= day <= e for s, e in away.get(p.pk, [])) or (truant and p.pk == truant.pk and day in truant_days):
                continue
            miss = 0.12 if p.pk in careless else 0.02
            if rnd.random() < miss:
                continue
            at = ctx.at(day, 7, rnd.randint(25, 88))  # 07:25–08:28
            if at.date() != day or at > timezone.now():
                continue
            lat, lng = p.org.latitude or 30.1, p.org.longitude or 120.1
            rows.append(SignIn(person=p, date=day, at=at, org_path=p.org_path,
                               latitude=float(lat) + rnd.uniform(-0.0008, 0.0008),
                               longitude=float(lng) + rnd.uniform(-0.0008, 0.0008), coord_system="wgs84",
                               distance_m=round(rnd.uniform(8, 160), 1), proof=Proof.GEOFENCE))
    SignIn.objects.bulk_create(rows, batch_size=1000)
    # every past working day stamped by the office and closed (today stays open: signing in now)
    for t_index, t in enumerate(ctx.townships, start=1):
        office = ctx.users[f"t{t_index}_office"]
        for day in days:
            if day >= today:
                continue
            daysheet_stamp(actor=office, org=t, on=day)
            day_close(actor=None, org=t, on=day)
    _meetings(ctx, rnd, meeting_create, meeting_attendance_record, meeting_participants, meetings_schedule)
    _duty(ctx, rnd, duty_slot_add)
    # ATT-09: the demo townships enforce the geofence (a sign-in 36 km away is refused); last, after
    # the history is written and closed under the version it was signed under
    from ganbu.attendance.services import attendance_policy_use_geofence

    for t in ctx.townships:
        attendance_policy_use_geofence(actor=None, org=t, on=date(ctx.year, 1, 1))
    ctx.notes.append(f"签到 {len(rows)}，会议 {Meeting.objects.count()}（考勤 {MeetingAttendance.objects.count()}）")


def _meetings(ctx: DemoContext, rnd: Any, meeting_create: Any, record: Any, participants: Any, schedule: Any) -> None:
    """A regular meeting every other Monday and a monthly study, held with per-person attendance."""
    from ganbu.leave.queries import approved_leave_spans

    for t_index, t in enumerate(ctx.townships, start=1):
        office = ctx.users[f"t{t_index}_office"]
        held = [d for d in ctx.workdays(ctx.history_start, ctx.today - timedelta(days=1))
                if (d.weekday() == 0 and d.isocalendar()[1] % 2 == 0) or (d.weekday() == 1 and d.day <= 7)]
        for n, day in enumerate(held):
            kind = "regular" if day.weekday() == 0 else "study"
            title = f"{t.name}{day.month}月{'干部例会' if kind == 'regular' else '专题学习'}"
            meeting = meeting_create(actor=office, org=t, kind=kind, title=title, on=day)
            who = participants(meeting)
            on_leave = {s.person_id for s in approved_leave_spans(start=day, end=day, person_ids=[p.pk for p in who])}
            statuses = {p.pk: ("leave" if p.pk in on_leave else "absent" if rnd.random() < 0.04 else "present")
                        for p in who}
            record(actor=office, meeting=meeting, statuses=statuses, minutes=AGENDA[n % len(AGENDA)])
        schedule(org=t, today=ctx.today, actor=office)


def _duty(ctx: DemoContext, rnd: Any, duty_slot_add: Any) -> None:
    """The office's 24-hour roster: past month filled, the coming week with a gap or two to fill."""
    from ganbu.org.models import Person

    for t_index, t in enumerate(ctx.townships, start=1):
        office = ctx.users[f"t{t_index}_office"]
        staff = list(Person.objects.filter(Q(posts__title="township_cadre") | Q(posts__title="township_leader"),
                                           org=t, posts__end__isnull=True).distinct().order_by("id_number"))
        if not staff:
            continue
        gaps = {2, 5} if t_index == 1 else {3} if t_index == 2 else set()
        for offset in range(-14, 8):
            if offset in gaps:
                continue
            day = ctx.today + timedelta(days=offset)
            start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(
                hours=8, minutes=30)
            duty_slot_add(actor=office, org=t, person=staff[(offset + 14 + t_index) % len(staff)], start=start,
                          end=start + timedelta(hours=24))
