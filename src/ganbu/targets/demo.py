"""Demo data for tenure-target commitments: commitments in several states, this month's ledger, a
failed inspection with an open supervision notice, a spot check and half-year scores.

Deterministic (no randomness beyond the county's own order); the integrator calls
``load_demo_targets(county)`` from ``load_demo`` after the presets are loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _user_with_role(role: str, org: Any) -> Any:
    from ganbu.org.models import User

    return User.objects.filter(grants__role=role, grants__org=org).order_by("pk").first()


def load_demo_targets(county: Any, *, today: date | None = None) -> dict[str, int]:
    """Walk the first township's villages through drafting and running; returns counts for the log."""
    from ganbu.org.models import VILLAGE_KINDS, Org, OrgKind, Person
    from ganbu.targets import services
    from ganbu.targets.models import InspectionRound, LedgerTask

    today = today or timezone.localdate()
    year = today.year
    township, office = None, None
    for t in Org.objects.filter(parent=county, kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]).order_by("path"):
        office = _user_with_role("township_office", t)
        if office is not None:  # the township whose assessment office has a demo login
            township = t
            break
    if township is None:
        return {}
    secretary = _user_with_role("township_secretary", township) or office
    from ganbu.org.models import User

    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if office is None or admin is None:
        return {}
    villages = list(Org.objects.filter(parent=township, kind__in=list(VILLAGE_KINDS), valid_to__isnull=True)
                    .order_by("path"))
    framework = [("党的建设", "支部标准化规范化建设"), ("经济发展", "村集体经济增收"),
                 ("精神文明", "移风易俗、文明户评选"), ("社会治安综合治理", "矛盾纠纷排查化解")]
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    plans = [  # category, measure, standard, deadline
        ("党的建设", "三会一课", "每月开展一次主题党日；会议记录完整", min(today + timedelta(days=9), month_end)),
        ("经济发展", "村集体经济增收", "集体经营性收入达到20万元；收支按月公开", date(year + 1, 12, 20)),
        ("精神文明", "文明户评选", "评选文明户不少于20户；张榜公布", min(today + timedelta(days=19), month_end)),
        ("社会治安综合治理", "矛盾纠纷排查", "每月排查一次；台账完整", date(year + 1, 6, 30)),
    ]
    states = ["signed", "submitted", "approved", "framework", "returned"]
    made = {"commitments": 0, "tasks": 0, "notices": 0}
    for n, village in enumerate(villages[:len(states)]):
        village_sec = _user_with_role("village_secretary", village) or _user_with_role("village_committee", village)
        people = list(Person.objects.filter(org=village, posts__end__isnull=True).distinct().order_by("pk")[:4])
        if not people or (village_sec is None and admin is None):
            continue
        c = services.commitment_propose(actor=office, village=village, term_start=year, term_end=year + 2,
                                        framework=framework)
        made["commitments"] += 1
        state = states[n]
        if state == "framework":
            continue
        drafter = village_sec or admin  # a village without a login: the administrator enters its paper submission
        measures = [services.measure_save(actor=drafter, commitment=c, data=services.MeasureInput(
            category=cat, text=text, standard=std, deadline=dl, responsible=people[i % len(people)],
            major=(cat == "经济发展"))) for i, (cat, text, std, dl) in enumerate(plans)]
        services.vote_record(actor=drafter, commitment=c, held_on=today - timedelta(days=20), attendance=45,
                             votes_for=41, votes_against=2, minutes=_upload("党员和村民代表会议记录.png"))
        services.commitment_submit(actor=drafter, commitment=c)
        if state == "submitted":
            continue
        services.commitment_return(actor=secretary, commitment=c,
                                   reasons={measures[1].pk: "目标偏低，集体经营性收入应不少于30万元"})
        if state == "returned":
            continue
        services.measure_save(actor=drafter, commitment=c, measure=measures[1], data=services.MeasureInput(
            category="经济发展", text="村集体经济增收", standard="集体经营性收入达到30万元；收支按月公开",
            deadline=date(year + 1, 12, 20), responsible=people[1 % len(people)], major=True))
        services.commitment_submit(actor=drafter, commitment=c)
        services.commitment_approve(actor=secretary, commitment=c, note="履行了民主决策程序，目标具体可行")
        if state == "approved":
            continue
        services.commitment_sign(actor=secretary, commitment=c)
    made["tasks"] = services.ledger_build(actor=office, org=township, month=today.replace(day=1))
    # a failed inspection with an open notice: the village reports a task done, the office fails it on site
    task = (LedgerTask.objects.filter(org_path__startswith=township.path, month=today.replace(day=1),
                                      category="党的建设").order_by("pk").first())
    if task is not None:
        services.task_report_done(actor=office, task=task, done_on=today)
        task.refresh_from_db()
        if task.responsible_id != getattr(office, "person_id", None):
            insp = services.inspection_assign(actor=office, task=task, inspector=office, scheduled_on=today)
            services.inspection_record(actor=office, inspection=insp,
                                       results=[services.ItemResult(False, "本月主题党日未开展"),
                                                services.ItemResult(True)],
                                       missing="本月主题党日未开展", evidence=[_upload("现场检查.png")], on=today)
            made["notices"] = 1
    if villages:
        rnd = services.round_create(actor=office, org=township, kind=InspectionRound.Kind.QUARTERLY,
                                    scope=InspectionRound.Scope.FULL, start=today, days=2)
        services.issue_add(actor=office, rnd=rnd, village=villages[0], text="公开栏任期目标未更新进展", found_on=today)
        services.half_scores_post(actor=office, township=township, year=year, half=1,
                                  scores={v.pk: str(95 - 3 * i) for i, v in enumerate(villages[:6])})
    return made
