"""Demo data for stationed cadres: deterministic, on top of ``load_demo``'s county (called after it).

What a first look shows: a candidate who fails the eligibility check with his reasons, a replacement
waiting for the county's written approval, obligations done and overdue, a week of diaries, work phones
on the village boards, a negative-list item and one refused borrowing request.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from ganbu.core.idnumber import make_id_number


def _person(unit: Any, name: str, seq: int, male: bool = True, **extra: Any) -> Any:
    from ganbu.org.services import person_create

    born = date(1986, 4, 12) if male else date(1990, 9, 3)
    return person_create(actor=None, org=unit, name=name, gender="M" if male else "F", birth_date=born,
                         id_number=make_id_number(unit.path[:6], born, 9000 + seq, male),
                         phone=f"1370575{seq:04d}", category="civil_servant", **extra)


def load_demo_stationing(county: Any, *, today: date | None = None) -> dict[str, Any]:
    """Selections, a replacement, obligations, diaries, board phones and the negative list for ``county``."""
    from ganbu.org.models import STATIONED_TITLES, Org, OrgKind, Post, User
    from ganbu.stationing import services
    from ganbu.stationing.models import DiaryEntry, ObligationRecord

    today = today or timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=["county_org", "county_rural", "unit_leader",
                                                                      "t1_secretary", "a_first"])}
    county_org, unit_leader = users.get("county_org"), users.get("unit_leader")
    units = list(Org.objects.filter(parent=county, kind=OrgKind.DISPATCH_UNIT).order_by("path"))
    if county_org is None or unit_leader is None or not units:
        return {}
    agri = units[0]  # the unit the demo's unit leader speaks for
    posts = list(Post.objects.filter(org__path__startswith=county.path, title__in=list(STATIONED_TITLES),
                                     end__isnull=True).select_related("person", "org", "dispatch_unit")
                 .order_by("org__path", "title", "id"))
    out: dict[str, Any] = {}

    # STN-04: one candidate who fails (temporary worker, no party standing, no work date), proposed for an
    # eligible village that has no team yet; and one who passes, waiting for approval.
    stationed_villages = {p.org_id for p in posts}
    target = (Org.objects.filter(parent__parent=county, kind__in=["village", "community"], valid_to__isnull=True)
              .exclude(categories=[]).exclude(pk__in=stationed_villages).order_by("path").first())
    bad = _person(agri, "马临聘", 1, staff_status="temporary")
    good = _person(agri, "欧阳帆", 2, staff_status="established", party_member=True,
                   party_join_date=date(2012, 6, 1), party_full_date=date(2013, 6, 1),
                   work_start_date=date(2009, 7, 1))
    spare = _person(agri, "程晓雯", 3, male=False, staff_status="established", party_member=True,
                    party_join_date=date(2015, 6, 1), party_full_date=date(2016, 6, 1),
                    work_start_date=date(2012, 8, 1))
    if target is not None:
        out["failing"] = services.selection_propose(actor=unit_leader, kind="new", village=target, unit=agri,
                                                    candidate=bad, role="first_secretary", term_start=today,
                                                    note="本人报名")
        out["passing"] = services.selection_propose(actor=unit_leader, kind="new", village=target, unit=agri,
                                                    candidate=spare, role="team_member", term_start=today,
                                                    note="单位推荐，有农村工作经验")

    # STN-05: a replacement for a team member of the unit, reviewed, waiting for the county's written approval.
    member = next((p for p in posts if p.title == "team_member" and p.dispatch_unit_id == agri.pk
                   and p.org.name != "东村"), None)
    if member is not None:
        sel = services.selection_propose(actor=unit_leader, kind="replace", village=member.org, unit=agri,
                                         candidate=good, role=member.title, term_start=today, outgoing=member,
                                         reason="身体原因", note="原队员因病需调整")
        reviewer = users.get("county_rural") or county_org
        out["replacement"] = services.selection_review(actor=reviewer, selection=sel, agree=True,
                                                       note="一事一议审查，同意报县委")

    # The calendar: every obligation due so far is recorded a few days before its due date, except last
    # quarter's talk by the township secretary for the first three cadres (overdue on the county page).
    from ganbu.stationing.queries import cadre_rows

    q_start = date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    evidence = {"secretary_talk": "谈心谈话记录", "report_to_unit": "思想工作汇报", "unit_hearing": "听取汇报会议纪要",
                "unit_visit": "到村调研报告", "unit_talk": "谈话记录", "county_training": "县委党校培训班结业证",
                "annual_plan": "年度帮扶计划（含教育、医疗、产业发展）及责任清单", "research_report": "村情调研报告",
                "grade_proposal": "工作队员考核等次建议", "safety_education": "安全教育签到表",
                "insurance": "团体意外险保单", "work_meeting": "工作例会记录", "symposium": "季度座谈会汇报材料"}
    records = []
    rows = cadre_rows(Post.objects.filter(pk__in=[p.pk for p in posts]), today)
    for i, row in enumerate(rows):
        p = row.post
        for d in row.dues:
            if d.due >= today or d.done_on:
                continue
            if i < 3 and d.kind == "secretary_talk" and d.due == q_start - timedelta(days=1):
                continue
            on = max(d.start, d.due - timedelta(days=5))
            records.append(ObligationRecord(kind=d.kind, person=p.person, org_path=p.org.path, date=on,
                                            people=p.person.name if d.responsible == "self" else "相关负责同志、"
                                            + p.person.name, evidence=f"{d.period}{evidence.get(d.kind, '')}",
                                            detail=d.period if d.kind == "unit_talk" else "",
                                            days=3 if d.kind == "county_training" else None))
    ObligationRecord.objects.bulk_create(records)

    # STN-11: a week of diaries for the demo team member (a_team1) and the first secretary, today left open.
    team1 = User.objects.filter(username="a_team1").select_related("person").first()
    for u in (team1, users.get("a_first")):
        if u is None or u.person_id is None:
            continue
        post = services.stationed_post_on(u.person_id, today)
        if post is None:
            continue
        DiaryEntry.objects.bulk_create([
            DiaryEntry(person_id=u.person_id, org_path=post.org.path, date=today - timedelta(days=d),
                       work=f"走访农户{3 + d % 4}户，了解产业发展和就医就学情况；整理民情台账。",
                       households="、".join(["张大伯", "李阿姨", "王师傅"][: 1 + d % 3]))
            for d in range(1, 8)])

    # STN-13: work phones on the boards (never the private number).
    for i, p in enumerate(posts):
        if not p.person.work_phone:
            services.board_phone_set(actor=county_org, person=p.person, work_phone=f"0575-8860{i:04d}")

    # STN-10 / STN-17: a negative-list item found by the township, and a refused borrowing request.
    if posts:
        first = posts[0]
        from ganbu.core.access import has_perm

        reporter = users.get("t1_secretary")
        if reporter is None or not has_perm(reporter, "cases.act", first.org.path):
            reporter = county_org
        services.negative_report(actor=reporter,
                                 problem=f"{first.org.name}工作队员连续两周工作日记与考勤不一致",
                                 org_path=first.org.path, person=first.person)
        member_a = next((p for p in posts if p.title == "team_member" and p.dispatch_unit_id), None)
        if member_a is not None:
            services.assignment_request(actor=unit_leader, person=member_a.person, unit=member_a.dispatch_unit,
                                        what="借调", detail="单位迎接检查需抽人")
    return out
