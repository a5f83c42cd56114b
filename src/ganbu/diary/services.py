"""Every write of the diary app: ``<entity>_<action>(*, actor, …)``, one transaction, one audit row.

Who may act: a stationed cadre records his own visits, meetings and diary; the township office
(``diary.manage``) stations cadres and registers households; the township's leaders
(``diary.answer``) give handling opinions; ``diary.harm`` holders record harm, which opens the
accountability cases (DRY-02).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ganbu.core.access import NotFound, has_perm
from ganbu.core.audit import audit_record, snapshot
from ganbu.core.notify import notify, users_with_role
from ganbu.core.policy import PolicyMissing, ResolvedPolicy, policy_resolve
from ganbu.core.recusal import ensure_not_subject
from ganbu.diary import rules
from ganbu.diary.models import ContactHousehold, HeadsMeeting, Household, Matter, Station, Visit
from ganbu.org.models import Org, Person, Post, PostTitle

E_NO_POLICY = "本乡镇尚无施行中的民情日记与驻村细则"
E_NO_HARM_TEXT = "不良后果：请写明造成了什么后果"
E_HARM_NOT_LATE = "该民情的报告和处理意见都在期限内，不能据此追究责任"
E_EMPTY = "{field}：必填"
E_NOT_YOURS = "只能办理本人记录的民情"
E_NOT_ANSWERED = "该民情须等党委、政府拿出处理意见后再办结"
E_CLOSED = "该民情已办结"
E_NOT_VILLAGE = "驻村：请选择本乡镇的村"
E_NEED_VILLAGE = "驻村：请选择村，或选择不驻村的特殊岗位"
E_HOUSEHOLD_ELSEWHERE = "联系户：该农户不在此干部驻村的村"


class DiaryError(ValueError):
    """A refusal in Chinese, naming the field it is about."""

    def __init__(self, message: str, field: str = "__all__") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _policy(path: str, on: date) -> ResolvedPolicy[Any]:
    try:
        return policy_resolve("diary", path, on)
    except PolicyMissing:
        raise DiaryError(E_NO_POLICY) from None


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def station_current(person_id: int | None, on: date | None = None) -> Station | None:
    """The person's open station on ``on`` (today by default)."""
    if not person_id:
        return None
    day = _today(on)
    return (Station.objects.select_related("village", "township")
            .filter(person_id=person_id, start__lte=day).exclude(end__lt=day).order_by("-start").first())


def township_title(person: Person, township: Org, on: date) -> str | None:
    post = (Post.objects.filter(person=person, org=township, start__lte=on).exclude(end__lt=on)
            .order_by("-principal", "start").first())
    return post.title if post else None


def superiors_of(person_id: int | None, township_path: str) -> list[Any]:
    """Who hears of a person's lateness: the township party secretary; for the secretary himself, the county."""
    if person_id and Post.objects.filter(person_id=person_id, title=PostTitle.TOWNSHIP_SECRETARY,
                                         org__path=township_path, end__isnull=True).exists():
        return users_with_role("county_org", township_path[:6])
    return users_with_role("township_secretary", township_path)


def answerer_for(township: Org, on: date) -> Person | None:
    """Who must give the government's handling opinion: the township head, else the party secretary."""
    for title in (PostTitle.TOWNSHIP_HEAD, PostTitle.TOWNSHIP_SECRETARY):
        post = (Post.objects.select_related("person").filter(org=township, title=title, start__lte=on)
                .exclude(end__lt=on).first())
        if post:
            return post.person
    return None


def _users_of(person: Person | None) -> list[Any]:
    from ganbu.org.models import User

    return list(User.objects.filter(person=person, is_active=True)) if person else []


# --- STN-01 stations --------------------------------------------------------------------------------


@transaction.atomic
def station_set(*, actor: Any, person: Person, township: Org, village: Org | None, special_post: str = "",
                start: date) -> Station:
    """STN-01: station a township cadre in a village (or keep him on a special post); ends his previous station."""
    if not has_perm(actor, "diary.manage", township.path):
        raise NotFound()
    ensure_not_subject(actor, person)
    resolved = _policy(township.path, start)
    if village is not None and village.parent_id != township.pk:
        raise DiaryError(E_NOT_VILLAGE, "village")
    if village is None and not special_post:
        raise DiaryError(E_NEED_VILLAGE, "village")
    title = township_title(person, township, start) or ""
    error = rules.stn_01_assignment_error(resolved.params, title, "" if village else special_post)
    if error:
        raise DiaryError(error, "special_post" if special_post and not village else "person")
    Person.objects.select_for_update().get(pk=person.pk)  # two offices stationing the same cadre queue here
    for old in Station.objects.filter(person=person, end__isnull=True):
        before = snapshot(old)
        old.end = max(old.start, start - timedelta(days=1))
        old.save(update_fields=["end"])
        audit_record(actor=actor, action="station.end", object_type="station", object_id=old.pk,
                     org_path=old.org_path, before=before, after=snapshot(old))
    station = Station(person=person, township=township, village=village, special_post="" if village else special_post,
                      start=start, org_path=township.path, policy_version_id=resolved.version_id)
    station.full_clean()
    station.save()
    audit_record(actor=actor, action="station.set", object_type="station", object_id=station.pk,
                 org_path=station.org_path, after=snapshot(station))
    return station


# --- households, contacts, visits, meetings (STN-02) ------------------------------------------------


@transaction.atomic
def household_create(*, actor: Any, village: Org, head_name: str, group_name: str = "", demonstration: bool = False,
                     poor: bool = False) -> Household:
    if not has_perm(actor, "diary.manage", village.path):
        raise NotFound()
    if not head_name.strip():
        raise DiaryError(E_EMPTY.format(field="户主"), "head_name")
    h = Household(village=village, org_path=village.path, head_name=head_name.strip()[:50],
                  group_name=group_name.strip()[:50], demonstration=demonstration, poor=poor)
    h.full_clean()
    h.save()
    audit_record(actor=actor, action="household.create", object_type="household", object_id=h.pk,
                 org_path=h.org_path, after=snapshot(h))
    return h


def _own_station(actor: Any, on: date) -> Station:
    station = station_current(getattr(actor, "person_id", None), on)
    if station is None or station.village_id is None:
        raise DiaryError(rules.E_NOT_STATIONED)
    return station


def _in_village(station: Station, household: Household, field: str = "household") -> None:
    error = rules.stn_02_visit_error(station.village_id, household.village_id, str(household),
                                     station.village.name if station.village else "")
    if error:
        raise DiaryError(error, field)


@transaction.atomic
def contact_add(*, actor: Any, household: Household, on: date | None = None) -> ContactHousehold:
    """STN-02: the stationed cadre takes a demonstration or poor household of his village as a contact."""
    day = _today(on)
    station = _own_station(actor, day)
    _in_village(station, household)
    Station.objects.select_for_update().get(pk=station.pk)
    resolved = _policy(station.org_path, day)
    current = ContactHousehold.objects.filter(station=station, end__isnull=True)
    if current.filter(household=household).exists():
        raise DiaryError(f"联系户：已联系{household}", "household")
    error = rules.stn_02_contact_error(resolved.params, current.count(), household.demonstration, household.poor)
    if error:
        raise DiaryError(error, "household")
    c = ContactHousehold.objects.create(station=station, household=household, start=day)
    audit_record(actor=actor, action="contact.add", object_type="contact_household", object_id=c.pk,
                 org_path=household.org_path, after=snapshot(c))
    return c


@transaction.atomic
def visit_record(*, actor: Any, household: Household, visited_on: date, note: str = "",
                 today: date | None = None) -> Visit:
    """STN-02: a household visit counts only in the cadre's own village; never for a future date."""
    day = _today(today)
    if visited_on > day:
        raise DiaryError(f"走访日期：不能晚于今天（{day}）", "visited_on")
    station = _own_station(actor, visited_on)
    _in_village(station, household)
    v = Visit.objects.create(person_id=actor.person_id, household=household, visited_on=visited_on,
                             note=note.strip()[:300], org_path=household.org_path)
    audit_record(actor=actor, action="visit.record", object_type="visit", object_id=v.pk, org_path=v.org_path,
                 after=snapshot(v))
    return v


@transaction.atomic
def meeting_record(*, actor: Any, held_on: date, topic: str, attendees: int, today: date | None = None
                   ) -> HeadsMeeting:
    """STN-02: a household-heads' meeting in the cadre's village."""
    day = _today(today)
    if held_on > day:
        raise DiaryError(f"召开日期：不能晚于今天（{day}）", "held_on")
    if not topic.strip():
        raise DiaryError(E_EMPTY.format(field="议题"), "topic")
    station = _own_station(actor, held_on)
    village = station.village
    assert village is not None
    m = HeadsMeeting.objects.create(person_id=actor.person_id, village=village, held_on=held_on,
                                    topic=topic.strip()[:200], attendees=attendees, org_path=village.path)
    audit_record(actor=actor, action="heads_meeting.record", object_type="heads_meeting", object_id=m.pk,
                 org_path=m.org_path, after=snapshot(m))
    return m


# --- the diary (DRY-01, DRY-02) ---------------------------------------------------------------------


def matter_facts(m: Matter) -> rules.MatterFacts:
    return rules.MatterFacts(id=m.pk, author_id=m.author_id, answerer_id=m.answerer_id, org_path=m.org_path,
                             met_on=m.met_on, needs_report=m.needs_report, reported_on=m.reported_on,
                             answered_on=m.answered_on, harm=bool(m.harm))


@transaction.atomic
def matter_record(*, actor: Any, household: Household, met_on: date, category: str, content: str, action: str = "",
                  major: bool = False, beyond: bool = False, photos: Iterable[Any] = (),
                  today: date | None = None) -> Matter:
    """DRY-01: 遇民情就记 — the stationed cadre records a matter met in a household of his village."""
    day = _today(today)
    error = rules.dry_01_date_error(met_on, day)
    if error:
        raise DiaryError(error, "met_on")
    if not content.strip():
        raise DiaryError(E_EMPTY.format(field="民情内容"), "content")
    station = _own_station(actor, met_on)
    _in_village(station, household)
    resolved = _policy(household.org_path, met_on)
    if category not in resolved.params.categories:
        raise DiaryError("类别：请从列表中选择", "category")
    needs = rules.dry_02_needs_report(major, beyond)
    m = Matter(author_id=actor.person_id, household=household, org_path=household.org_path, met_on=met_on,
               category=category, content=content.strip(), action=action.strip(), major=major, beyond=beyond,
               needs_report=needs, report_due=rules.due_day(met_on, resolved.params.report_days) if needs else None,
               closed_on=None, policy_version_id=resolved.version_id, policy_ref=resolved.ref)
    m.full_clean(exclude=["photos"])
    m.save()
    from ganbu.core.attachments import attachment_store

    for upload in photos:
        m.photos.add(attachment_store(actor=actor, upload=upload, org_path=m.org_path))
    audit_record(actor=actor, action="matter.record", object_type="matter", object_id=m.pk, org_path=m.org_path,
                 after=snapshot(m))
    if needs:
        users = _users_of(m.author)
        due = m.report_due
        transaction.on_commit(lambda: notify(
            users=users, title=f"待报告党委、政府：{m.household}的民情，期限 {due:%m月%d日}（含当日）",
            url=f"/diary/matters/{m.pk}/", kind="diary.report", key=f"diary:report:{m.pk}"))
    return m


def _late_notice(m: Matter, clock: rules.Clock, township_path: str) -> None:
    """Lateness goes to the late person's superior, once per clock."""
    late = Person.objects.filter(pk=clock.person_id).first()
    who = late.name if late else "责任人"
    users = superiors_of(clock.person_id, township_path)
    title = f"超期提醒：{who}{clock.short_label}超期 {clock.days} 天（{m.household}，期限 {clock.due:%m月%d日}）"
    transaction.on_commit(lambda: notify(users=users, title=title, url=f"/diary/matters/{m.pk}/", kind="diary.late",
                                         key=f"diary:late:{clock.kind}:{m.pk}"))


@transaction.atomic
def matter_report(*, actor: Any, matter: Matter, reported_on: date, text: str, today: date | None = None) -> Matter:
    """DRY-02: the author reports the matter to the party committee and government; the opinion clock starts."""
    day = _today(today)
    m = Matter.objects.select_for_update().select_related("household").get(pk=matter.pk)
    if m.author_id != getattr(actor, "person_id", None):
        raise DiaryError(E_NOT_YOURS)
    error = rules.dry_02_report_error(needs_report=m.needs_report, met_on=m.met_on, reported_on=m.reported_on,
                                      report_on=reported_on, today=day)
    if error:
        raise DiaryError(error, "reported_on")
    if not text.strip():
        raise DiaryError(E_EMPTY.format(field="报告内容"), "text")
    resolved = _policy(m.org_path, m.met_on)
    township = Org.objects.get(path=m.org_path[:9])
    before = snapshot(m)
    m.reported_on = reported_on
    m.report_text = text.strip()
    m.answerer = answerer_for(township, reported_on)
    m.opinion_due = rules.due_day(reported_on, resolved.params.opinion_days)
    m.save(update_fields=["reported_on", "report_text", "answerer", "opinion_due"])
    audit_record(actor=actor, action="matter.report", object_type="matter", object_id=m.pk, org_path=m.org_path,
                 before=before, after=snapshot(m))
    answerers = _users_of(m.answerer) + users_with_role("township_secretary", township.path)
    due = m.opinion_due
    transaction.on_commit(lambda: notify(
        users=answerers, title=f"待拿出处理意见：{m.household}的民情，期限 {due:%m月%d日}（含当日）",
        url=f"/diary/matters/{m.pk}/", kind="diary.opinion", key=f"diary:opinion:{m.pk}"))
    clock = rules.dry_02_clocks(resolved.params, matter_facts(m), day)[0]
    if clock.is_late:
        _late_notice(m, clock, township.path)
    return m


@transaction.atomic
def matter_answer(*, actor: Any, matter: Matter, text: str, today: date | None = None) -> Matter:
    """DRY-02: the party committee and government give the handling opinion, dated today; never before the report."""
    day = _today(today)
    m = Matter.objects.select_for_update().select_related("household").get(pk=matter.pk)
    if not has_perm(actor, "diary.answer", m.org_path):
        raise NotFound()
    ensure_not_subject(actor, m.author_id)
    error = rules.dry_02_answer_error(reported_on=m.reported_on, answered_on=m.answered_on)
    if error:
        raise DiaryError(error, "text")
    if not text.strip():
        raise DiaryError(E_EMPTY.format(field="处理意见"), "text")
    resolved = _policy(m.org_path, m.met_on)
    before = snapshot(m)
    m.answered_on = day
    m.answer_text = text.strip()
    m.answered_by = actor
    m.closed_on = day
    m.save(update_fields=["answered_on", "answer_text", "answered_by", "closed_on"])
    audit_record(actor=actor, action="matter.answer", object_type="matter", object_id=m.pk, org_path=m.org_path,
                 before=before, after=snapshot(m))
    author_users = _users_of(m.author)
    transaction.on_commit(lambda: notify(users=author_users, title=f"党委、政府已拿出处理意见：{m.household}的民情",
                                         url=f"/diary/matters/{m.pk}/", kind="diary.answered",
                                         key=f"diary:answered:{m.pk}"))
    clock = rules.dry_02_clocks(resolved.params, matter_facts(m), day)[-1]
    if clock.is_late:
        _late_notice(m, clock, m.org_path[:9])
    return m


@transaction.atomic
def matter_close(*, actor: Any, matter: Matter, action: str, today: date | None = None) -> Matter:
    """The author marks a matter he could handle himself as done (有民事就办)."""
    day = _today(today)
    m = Matter.objects.select_for_update().get(pk=matter.pk)
    if m.author_id != getattr(actor, "person_id", None):
        raise DiaryError(E_NOT_YOURS)
    if m.closed_on:
        raise DiaryError(E_CLOSED)
    if m.needs_report and not m.answered_on:
        raise DiaryError(E_NOT_ANSWERED)
    before = snapshot(m)
    m.closed_on = day
    if action.strip():
        m.action = action.strip()[:2000]
    m.save(update_fields=["closed_on", "action"])
    audit_record(actor=actor, action="matter.close", object_type="matter", object_id=m.pk, org_path=m.org_path,
                 before=before, after=snapshot(m))
    return m


@transaction.atomic
def matter_harm_record(*, actor: Any, matter: Matter, harm: str, today: date | None = None) -> list[Any]:
    """DRY-02: an authorised person records the harm lateness caused; a case opens against each late person."""
    from ganbu.cases.services import case_open_from_finding

    day = _today(today)
    m = Matter.objects.select_for_update().get(pk=matter.pk)
    if not has_perm(actor, "diary.harm", m.org_path):
        raise NotFound()
    if not harm.strip():
        raise DiaryError(E_NO_HARM_TEXT, "harm")
    resolved = _policy(m.org_path, m.met_on)
    late = [c for c in rules.dry_02_clocks(resolved.params, matter_facts(m), day) if c.is_late and c.person_id]
    if not late:
        raise DiaryError(E_HARM_NOT_LATE, "harm")
    ensure_not_subject(actor, [c.person_id for c in late])
    before = snapshot(m)
    m.harm = harm.strip()
    m.harm_by = actor
    m.save(update_fields=["harm", "harm_by"])
    audit_record(actor=actor, action="matter.harm", object_type="matter", object_id=m.pk, org_path=m.org_path,
                 before=before, after=snapshot(m), reason=m.harm)
    cases = []
    for f in rules.dry_02_findings(resolved.params, matter_facts(m), day):
        f = replace(f, policy_version_id=resolved.version_id, policy_ref=resolved.ref, facts={**f.facts, "harm": m.harm})
        case, _ = case_open_from_finding(finding=f, actor=actor)
        cases.append(case)
    return cases


# --- the nightly sweep ------------------------------------------------------------------------------


def diary_lateness_sweep(on: date | None = None) -> int:
    """Every open clock past its due day notifies the late person's superior, once per clock."""
    day = _today(on)
    sent = 0
    open_matters = (Matter.objects.select_related("household")
                    .filter(needs_report=True, answered_on__isnull=True)
                    .filter(models_q_due(day)))
    for m in open_matters:
        try:
            resolved = policy_resolve("diary", m.org_path, m.met_on)
        except PolicyMissing:
            continue
        for clock in rules.dry_02_clocks(resolved.params, matter_facts(m), day):
            if clock.state == "overdue":
                with transaction.atomic():
                    _late_notice(m, clock, m.org_path[:9])
                sent += 1
    return sent


def models_q_due(day: date) -> Any:
    from django.db.models import Q

    return Q(reported_on__isnull=True, report_due__lt=day) | Q(reported_on__isnull=False, opinion_due__lt=day)


def quarter_shortfall_sweep(on: date | None = None) -> int:
    """STN-02: when a visiting period has ended, each stationed cadre short of it is reported to the township."""
    from ganbu.diary.queries import station_coverage

    day = _today(on)
    sent = 0
    stations = Station.objects.select_related("person", "village", "township").filter(village__isnull=False)
    for st in stations:
        try:
            resolved = policy_resolve("diary", st.org_path, day)
        except PolicyMissing:
            continue
        start, end = rules.period_of(resolved.params, day)
        prev_start, prev_end = rules.period_of(resolved.params, start - timedelta(days=1))
        if st.start > prev_end or (st.end and st.end < prev_end):
            continue
        cov = station_coverage(st, resolved.params, prev_start, prev_end)
        if not cov.short:
            continue
        label = rules.period_label(resolved.params, prev_start)
        users = users_with_role("township_office", st.org_path) + users_with_role("township_secretary", st.org_path)
        assert st.village is not None
        notify(users=users, title=f"{label}驻村走访未达标：{st.person.name}（{st.village.name}）",
               body="；".join(cov.shortfalls), url="/diary/stations/", kind="diary.quarter",
               key=f"diary:quarter:{st.pk}:{prev_start:%Y-%m}")
        sent += 1
    return sent
