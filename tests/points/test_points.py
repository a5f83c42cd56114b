"""积分: recording and approval, catalogue, cycles and summaries, rankings, thresholds, preview, access."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ganbu.cases.models import Case
from ganbu.points import queries, rules, services
from ganbu.points.models import CycleSummary, PointEntry, ThresholdHit

from .conftest import evidence

pytestmark = pytest.mark.django_db


def test_pts_01_every_village_cadre_has_an_account_in_the_ranking(world, pts):
    """PTS-01: every village two-committee cadre of the township is ranked, even with no entries."""
    rows = queries.ranking(world.t1.path, "village", pts.year)
    ids = {r.person_id for r in rows}
    assert ids == {world.people.village_secretary_a.pk, world.people.cadre_a.pk}
    assert all(r.total == 0 for r in rows)
    # Township leaders and the stationed first secretary are not in the village ranking.
    assert world.people.first_secretary.pk not in ids and world.people.township_head.pk not in ids


def test_pts_02_entry_counts_only_after_a_second_person_approves(world, pts):
    """PTS-02: an entry names item, evidence, recorder and approver, and counts only once approved."""
    p, u = world.people, world.users
    entry = services.point_entry_record(actor=u.office, person=p.cadre_a, item_id=pts.upper.pk, points="5",
                                        on=pts.today, note="完成防汛任务", evidence=evidence())
    assert {r.person_id: r.total for r in queries.ranking(world.t1.path, "village", pts.year)}[p.cadre_a.pk] == 0
    services.point_entry_approve(actor=u.township_head, entry=entry)
    entry.refresh_from_db()
    assert entry.recorded_by == u.office and entry.approved_by == u.township_head and entry.evidence
    assert {r.person_id: r.total for r in queries.ranking(world.t1.path, "village", pts.year)}[p.cadre_a.pk] == 5


def test_pts_02_recorder_cannot_approve_own_entry(world, pts):
    """PTS-02: approval must be by a SECOND person, even if the recorder holds both permissions."""
    u = world.users
    entry = services.point_entry_record(actor=u.county_org, person=world.people.cadre_a, item_id=pts.upper.pk,
                                        points="5", on=pts.today, note="x")
    with pytest.raises(ValidationError) as exc:
        services.point_entry_approve(actor=u.county_org, entry=entry)
    assert services.SELF_APPROVAL in str(exc.value)
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.PENDING


@pytest.mark.parametrize("case", ["not_in_catalogue", "above_cap", "no_evidence"])
def test_pts_02_bad_entries_get_chinese_errors_and_nothing_is_written(world, pts, login, case):
    """PTS-02: item not in the catalogue, points above the cap, deduction without evidence → Chinese error."""
    from ganbu.points.services import point_item_create

    other = point_item_create(actor=world.users.county_org, township=world.t2, scope="village",
                              category="镇级工作任务", name="绿水镇任务", kind="add", default_points="2")
    form = {"person": world.people.cadre_a.pk, "item": pts.upper.pk, "points": "5",
            "date": pts.today.isoformat(), "note": "事由"}
    expected = {"not_in_catalogue": rules.ITEM_NOT_IN_CATALOGUE, "above_cap": "上限 30",
                "no_evidence": rules.EVIDENCE_REQUIRED}[case]
    if case == "not_in_catalogue":
        form["item"] = other.pk
    elif case == "above_cap":
        form["points"] = "31"
    else:
        form["item"] = pts.law.pk
    client = login("office")
    resp = client.post(reverse("points:record"), form)
    assert resp.status_code == 400
    assert expected in resp.content.decode()
    assert PointEntry.objects.count() == 0


def test_pts_02_double_submission_gives_one_entry(world, pts):
    """PTS-02: the same form submitted twice (same submit key) records one entry."""
    kw = {"actor": world.users.office, "person": world.people.cadre_a, "item_id": pts.upper.pk, "points": "5",
          "on": pts.today, "note": "x", "submit_key": "k1"}
    a = services.point_entry_record(**kw)
    b = services.point_entry_record(**kw)
    assert a.pk == b.pk and PointEntry.objects.count() == 1


def test_pts_02_village_tailored_item_only_for_that_village(world, pts):
    """PTS-02: a village's tailored item (量体裁衣) applies to its cadres only; policy may forbid tailoring."""
    item = services.point_item_create(actor=world.users.office, township=world.t1, scope="village",
                                      category="镇级工作任务", name="东村产业项目", kind="add", default_points="4",
                                      village=world.village_a)
    services.point_entry_record(actor=world.users.office, person=world.people.cadre_a, item_id=item.pk,
                                points="4", on=pts.today, note="x")
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.services import person_create

    c_cadre = person_create(actor=None, org=world.village_c, name="南村委员", gender="M",
                            birth_date=pts.today.replace(year=1985),
                            id_number=make_id_number("330521", pts.today.replace(year=1985), 901, True))
    with pytest.raises(ValidationError) as exc:
        services.point_entry_record(actor=world.users.office, person=c_cadre, item_id=item.pk, points="4",
                                    on=pts.today, note="x")
    assert rules.ITEM_NOT_IN_CATALOGUE in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.point_item_create(actor=world.users.office, township=world.t1, scope="village",
                                   category="不存在的类别", name="x", kind="add", default_points="1")
    assert rules.CATEGORY_NOT_IN_POLICY in str(exc.value)


def test_pts_03_half_cycle_summary_circular_pdf_and_low_scorer_list(world, pts, give, login,
                                                                   django_capture_on_commit_callbacks):
    """PTS-03: the half-cycle summary lists low scorers for a talk, tells the leaders, prints as a circular."""
    give(world.people.cadre_a, pts.upper, 10)
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.cycle_summarise(actor=world.users.office, cycle=pts.cycle, kind="half")
    low = [r["name"] for r in summary.low_scorers]
    assert low and low[0] == world.people.village_secretary_a.name  # 0 points, last
    assert summary.policy_version_id == pts.cycle.policy_version_id or summary.policy_ref
    resp = login("office").get(reverse("points:circular", args=[summary.pk]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    from ganbu.core.models import Notification

    note = Notification.objects.get(user=world.users.township_secretary, kind="points_reminder")
    assert world.people.village_secretary_a.name in note.body


def test_pts_04_ranking_page_individuals_with_village_summary_and_tie_method(world, pts, give, login):
    """PTS-04: one township's ranking with the village summary beside it, tie method stated."""
    give(world.people.cadre_a, pts.upper, 10)
    give(world.people.village_secretary_a, pts.upper, 10)
    resp = login("township_secretary").get(reverse("points:ranking"), {"org": world.t1.pk})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert rules.TIE_METHOD in html and 'id="villages"' in html and "东村" in html
    assert "扣分达 40" in html and "任一条件" in html  # PTS-06 reading shown where applied
    rows = queries.ranking(world.t1.path, "village", pts.year)
    assert [r.rank for r in rows] == [1, 1]  # tie shares the place
    villages = {v["name"]: v for v in queries.village_summary(world.t1.path, pts.year)}
    assert villages["东村"]["total"] == Decimal("20.0") and villages["东村"]["average"] == 10.0
    assert world.people.outsider.name not in html  # 西村 is another township's ranking


def test_pts_04_county_sees_townships_side_by_side_not_mixed(world, pts, give, login):
    """PTS-04: a county sees each township's own ranking; each starts at rank 1."""
    give(world.people.cadre_a, pts.upper, 10)
    rows = queries.ranking(world.county.path, "village", pts.year)
    by_t = {}
    for r in rows:
        by_t.setdefault(r.org_path[:9], []).append(r.rank)
    assert by_t[world.t1.path][0] == 1 and by_t[world.t2.path] == [1]
    html = login("county_org").get(reverse("points:ranking"), {"org": world.county.pk}).content.decode()
    assert html.count('class="card township-col"') == 2 and "青山镇" in html and "绿水镇" in html


def test_pts_05_final_ranking_pays_top_group_by_proportion(world, pts, give):
    """PTS-05: the year-end summary pays the top group (proportion of ranked) the policy's amount."""
    give(world.people.cadre_a, pts.upper, 10)
    summary = services.cycle_summarise(actor=world.users.office, cycle=pts.cycle, kind="final")
    # 2 ranked × 0.2 = 0.4 → at least one place
    assert [(w["name"], w["amount"]) for w in summary.rewards] == [(world.people.cadre_a.name, "1000.00")]


def test_pts_06_threshold_case_first_warning_then_removal_across_cycles(world, policies, give, pts):
    """PTS-06: deductions reaching 40 open a warning-talk case; the next cycle in the term, removal."""
    from ganbu.points.services import cycle_open

    prev = cycle_open(actor=world.users.office, township=world.t1, year=pts.year - 1)
    sec = world.people.village_secretary_a
    # last year: 40 deducted (approved) in the previous cycle
    e = PointEntry.objects.create(cycle=prev, person=sec, item=pts.law, org_path=sec.org_path, points=-40,
                                  date=prev.start, note="x", recorded_by=world.users.office,
                                  status="approved", approved_by=world.users.township_head,
                                  policy_version_id=prev.policy_version_id, policy_ref=prev.policy_ref)
    assert e.pk
    services.tally_refresh(cycle_ids=[prev.pk])
    services.cycle_summarise(actor=world.users.office, cycle=prev, kind="final")
    first = Case.objects.get(rule_id="PTS-06", subject=sec)
    assert first.measure == "warning_talk" and first.policy_version_id == prev.policy_version_id
    from datetime import timedelta

    from django.utils import timezone

    assert first.due == timezone.localdate() + timedelta(days=15)  # cases policy's due period
    assert first.acting_role == "township_secretary" and "任一条件" in str(first.facts)
    give(sec, pts.law, 40, with_evidence=True)
    give(world.people.cadre_a, pts.upper, 5)
    services.cycle_summarise(actor=world.users.office, cycle=pts.cycle, kind="final")
    services.cycle_summarise(actor=world.users.office, cycle=pts.cycle, kind="final")  # idempotent
    cases = Case.objects.filter(rule_id="PTS-06", subject=sec).order_by("opened_at")
    assert [c.measure for c in cases] == ["warning_talk", "removal"]
    assert list(ThresholdHit.objects.filter(person=sec).order_by("cycle__year").values_list("level", flat=True)) \
        == [1, 2]


def test_pts_07_township_cadres_ranked_with_their_own_catalogue(world, pts):
    """PTS-07: township cadres are scored by stage with the S0 catalogue and ranked separately."""
    from ganbu.points.services import cycle_open, point_entry_approve, point_entry_record, point_item_create

    u = world.users
    cycle = cycle_open(actor=u.office, township=world.t1, year=pts.year, scope="township")
    assert "points_township" in cycle.policy_ref or cycle.policy_version.module == "points_township"
    item = point_item_create(actor=u.office, township=world.t1, scope="township", category="驻村工作",
                             name="驻村包干", kind="add", default_points="5")
    with pytest.raises(ValidationError):  # a village-catalogue item is not in the township cadres' catalogue
        point_entry_record(actor=u.office, person=world.people.township_cadre, item_id=pts.upper.pk,
                           points="5", on=pts.today, note="x")
    e = point_entry_record(actor=u.office, person=world.people.township_cadre, item_id=item.pk, points="5",
                           on=pts.today, note="x")
    point_entry_approve(actor=u.township_head, entry=e)
    rows = queries.ranking(world.t1.path, "township", pts.year)
    assert rows[0].person_id == world.people.township_cadre.pk and rows[0].total == 5
    assert world.people.cadre_a.pk not in {r.person_id for r in rows}
    half = services.cycle_summarise(actor=u.office, cycle=cycle, kind="half")
    assert half.rows[0]["name"] == world.people.township_cadre.name


def test_dsc_02_ledger_shows_each_entry_evidence_and_how_rank_was_computed(world, pts, give, login):
    """DSC-02: the cadre sees every entry with its evidence and how total and rank came out."""
    give(world.people.cadre_a, pts.upper, 10)
    give(world.people.cadre_a, pts.law, 3, with_evidence=True)
    client = login("cadre_a")
    html = client.get(reverse("points:ledger", args=[world.people.cadre_a.pk])).content.decode()
    assert 'id="why"' in html and "10.0" in html and "3.0" in html and "证明.pdf" in html
    assert 'id="total">7.0<' in html and 'id="rank">1<' in html
    entry = PointEntry.objects.filter(person=world.people.cadre_a, evidence__isnull=False).first()
    assert client.get(reverse("points:evidence", args=[entry.pk])).status_code == 200
    # not another cadre's ledger
    assert client.get(reverse("points:ledger", args=[world.people.village_secretary_a.pk])).status_code == 404


def test_pol_04_preview_shows_effect_of_draft_without_writing(world, pts, give, login):
    """POL-04: a draft points policy is previewed on the current cycle: rank and threshold changes, no writes."""
    from ganbu.core.models import AuditEntry, PolicyVersion
    from ganbu.core.policy import policy_save_draft
    from ganbu.points.preview import preview_policy

    sec, cadre = world.people.village_secretary_a, world.people.cadre_a
    give(cadre, pts.town, 10)  # 镇级工作任务: dropped by the draft
    give(sec, pts.upper, 30)
    give(sec, pts.law, 25, with_evidence=True)
    adopted = PolicyVersion.objects.get(org=world.t1, module="points", status="adopted").params
    draft = policy_save_draft(actor=world.users.township_secretary, org=world.t1, module="points",
                              title="修订草稿", period_start=pts.today,
                              params={**adopted, "deduction_threshold": "30", "bottom_group_size": 1,
                                      "reward_proportion": "0.2", "reward_per_person": "1000",
                                      "term_start": "2021-01-01", "categories": ["上级工作任务", "违反法律法规"]})
    counts = (PointEntry.objects.count(), Case.objects.count(), AuditEntry.objects.count(),
              PolicyVersion.objects.filter(status="adopted").count())
    result = preview_policy(version=draft)
    assert {c.name for c in result["rank_changes"]} == {sec.name, cadre.name}
    by = {c.name: c for c in result["changes"]}
    assert (by[cadre.name].rank_now, by[cadre.name].rank_new) == (1, 2)
    assert by[cadre.name].total_new == 0
    # adopted: bottom group of 3 would cover both, but the first is in the reward group and never also
    # in the bottom one (EDGE_TIE_RULE); draft: bottom 1 and line 30 → the secretary (25 deducted) drops
    # out, and the cadre (now last of two, 0 points) comes in
    assert {c.name for c in result["threshold_changes"]} == {sec.name, cadre.name}
    resp = login("township_secretary").get(reverse("points:preview"), {"version": draft.pk})
    assert resp.status_code == 200 and 'id="rank-changes">2<' in resp.content.decode()
    assert (PointEntry.objects.count(), Case.objects.count(), AuditEntry.objects.count(),
            PolicyVersion.objects.filter(status="adopted").count()) == counts


def test_pts_04_publish_ranking_as_frozen_public_notice(world, pts, give, client):
    """PTS-04/PUB-01: the ranking is published as a notice; the public sees names, ranks and no ID."""
    give(world.people.cadre_a, pts.upper, 10)
    summary = services.cycle_summarise(actor=world.users.office, cycle=pts.cycle, kind="final")
    version = services.ranking_publish(actor=world.users.office, summary=summary)
    html = client.get(reverse("notices:detail", args=[version.pk])).content.decode()
    assert world.people.cadre_a.name in html
    assert world.people.cadre_a.id_number not in html and world.people.cadre_a.phone not in html


def test_pts_04_sql_rank_matches_the_stated_tie_method(world, pts):
    """PTS-04: SQL RANK() and the stated tie method (used by previews) agree on random totals with ties."""
    import random

    from ganbu.org.models import Person

    rnd = random.Random(4)
    people = Person.objects.bulk_create([
        Person(name=f"随机{i:02d}", gender="M", id_number=f"330521{900000000000 + i}", org=world.village_c,
               org_path=world.village_c.path, category="village_elected") for i in range(40)])
    PointEntry.objects.bulk_create([
        PointEntry(cycle=pts.cycle, person=p, item=pts.town, org_path=p.org_path, points=rnd.choice([0, 1, 2, 3, 5]),
                   date=pts.today, note="x", recorded_by=world.users.office, status="approved",
                   policy_version_id=pts.cycle.policy_version_id, policy_ref="x") for p in people])
    services.tally_refresh(cycle_ids=[pts.cycle.pk])
    rows = queries.ranking(world.t1.path, "village", pts.year)
    expected = rules.competition_ranks([(r.person_id, r.total) for r in rows])
    assert {r.person_id: r.rank for r in rows} == expected
    assert len({r.rank for r in rows}) < len(rows)  # there were ties


def test_pts_02_blank_points_take_the_catalogue_default(world, pts):
    """PTS-02: an entry without points takes the item's default points (a deduction is stored negative)."""
    from .conftest import evidence as ev

    e = services.point_entry_record(actor=world.users.office, person=world.people.cadre_a, item_id=pts.law.pk,
                                    points="", on=pts.today, note="x", evidence=ev())
    assert e.points == -pts.law.default_points


def test_dsc_02_appeal_against_own_score_within_period_then_late(world, pts, give, login):
    """DSC-02: a cadre appeals his cycle score from the ledger; after the period it is refused in Chinese."""
    from datetime import timedelta

    from django.utils import timezone

    from ganbu.cases.models import Appeal

    give(world.people.cadre_a, pts.upper, 5)
    summary = services.cycle_summarise(actor=world.users.office, cycle=pts.cycle, kind="half")
    me = login("cadre_a")
    data = {"object_type": "point_cycle", "object_id": pts.cycle.pk, "reason": "漏记一项任务"}
    me.post(reverse("cases:appeal"), data)
    appeal = Appeal.objects.get()
    assert appeal.object_type == "point_cycle" and appeal.deadline == timezone.localdate() + timedelta(days=7)
    Appeal.objects.all().delete()
    CycleSummary.objects.filter(pk=summary.pk).update(created_at=timezone.now() - timedelta(days=8))
    resp = me.post(reverse("cases:appeal"), data, follow=True)
    assert "已超过申诉期限" in resp.content.decode() and Appeal.objects.count() == 0


def test_pts_03_second_cycle_for_the_same_year_refused(world, pts, login):
    """PTS-03: one cycle per year: opening it again gives a Chinese error."""
    resp = login("office").post(reverse("points:cycles"), {"action": "open", "township": world.t1.pk,
                                                           "year": pts.year, "scope": "village"})
    assert resp.status_code == 400 and services.CYCLE_EXISTS in resp.content.decode()


def test_pts_05_pts_06_unscored_cycle_ranks_nobody_and_states_the_edge_rule(world, pts, login):
    """Issue 10: a cycle nobody has been scored in shows no ranks, no 奖励 and no 达到警示线 tags, and
    the page states how edge ties are resolved."""
    from ganbu.points.rules import EDGE_TIE_RULE, NOBODY_SCORED

    html = login("office").get(reverse("points:ranking"), {"org": world.t1.pk}).content.decode()
    assert NOBODY_SCORED in html and EDGE_TIE_RULE in html
    assert "奖励 " not in html.split('id="ranking"')[1] and "达到警示线" not in html


def test_pts_03_half_cycle_summary_previews_then_confirms(world, pts, login):
    """Issue 10 (one click never does irreversible work): the first POST only shows what the summary
    will do; with nobody scored it proposes no warning talks; the confirm POST writes it."""
    from ganbu.points.models import CycleSummary

    client = login("office")
    resp = client.post(reverse("points:cycles"), {"action": "half", "cycle": pts.cycle.pk})
    html = resp.content.decode()
    assert resp.status_code == 200 and 'id="confirm-summary"' in html and "暂不排名" in html
    assert not CycleSummary.objects.exists()
    client.post(reverse("points:cycles"), {"action": "half", "cycle": pts.cycle.pk, "confirm": "1"})
    summary = CycleSummary.objects.get()
    assert summary.low_scorers == [] and all(r["rank"] is None for r in summary.rows)
    resp = client.post(reverse("points:cycles"), {"action": "publish", "summary": summary.pk})
    assert "不排名" in resp.content.decode() and summary.notice is None


def test_pts_03_opening_a_cycle_previews_then_confirms(world, pts, login):
    from ganbu.points.models import Cycle

    client = login("office")
    data = {"action": "open", "township": world.t1.pk, "year": pts.year + 1, "scope": "village"}
    resp = client.post(reverse("points:cycles"), data)
    assert "将建立" in resp.content.decode() and not Cycle.objects.filter(year=pts.year + 1).exists()
    client.post(reverse("points:cycles"), {**data, "confirm": "1"})
    assert Cycle.objects.filter(year=pts.year + 1).exists()


def test_pts_02_overlong_note_is_refused_naming_the_field_and_the_form_keeps_what_was_typed(world, pts, login):
    """Issue 10 (forms): a 20,000-character 事由 is refused in Chinese, nothing is written, and the
    cadre, item and points typed are still selected."""
    client = login("office")
    resp = client.post(reverse("points:record"), {"person": world.people.cadre_a.pk, "item": pts.town.pk,
                                                  "points": "2", "date": f"{pts.today:%Y-%m-%d}",
                                                  "note": "事" * 20000})
    html = resp.content.decode()
    assert resp.status_code == 400 and "事由：事由最多 300 字（现有 20000 字）" in html
    assert f'value="{pts.town.pk}" selected' in html and 'name="points" value="2"' in html
    assert not PointEntry.objects.exists()
    resp = client.post(reverse("points:catalogue"), {"scope": "village", "category": "镇级工作任务", "kind": "deduct",
                                                     "name": "项" * 101, "default_points": "3"})
    html = resp.content.decode()
    assert resp.status_code == 400 and "项目最多 100 字" in html and 'value="deduct" selected' in html
