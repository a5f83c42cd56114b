"""Pure 积分 rules: entry checks, thresholds, bottom group, rewards, ties, preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ganbu.points import rules
from ganbu.points.policy import PointsParams

D = Decimal
START, END = date(2026, 1, 1), date(2026, 12, 31)


def params(**kw):
    base = {"bottom_group_size": 2, "reward_proportion": "0.2", "reward_per_person": "1000",
            "term_start": "2021-01-01"}
    return PointsParams.model_validate({**base, **kw})


def row(pid, total, deductions=0, rank=1):
    return rules.RankRow(pid, f"干部{pid}", "330521100201", "东村", D(total), D(deductions), rank)


def item(**kw):
    return rules.ItemFacts(**{"kind": "add", "cap_per_cycle": D(30), "evidence_required": False, **kw})


def test_pts_02_item_not_in_catalogue_is_refused_in_chinese():
    """PTS-02: an item outside the cadre's catalogue (other township / other village) is refused."""
    errs = rules.entry_errors(item(in_scope=False), points=D(5), used=D(0), has_evidence=False, on=START,
                              cycle_start=START, cycle_end=END)
    assert errs == {"积分项目": rules.ITEM_NOT_IN_CATALOGUE}
    assert rules.entry_errors(None, points=D(5), used=D(0), has_evidence=False, on=START, cycle_start=START,
                              cycle_end=END) == {"积分项目": rules.ITEM_NOT_IN_CATALOGUE}


def test_pts_02_points_above_cap_counting_what_is_already_used():
    """PTS-02: the per-cycle cap counts what the item already gave this cadre; exactly the cap is allowed."""
    ok = rules.entry_errors(item(), points=D(10), used=D(20), has_evidence=False, on=START, cycle_start=START,
                            cycle_end=END)
    assert ok == {}
    errs = rules.entry_errors(item(), points=D("10.5"), used=D(20), has_evidence=False, on=START,
                              cycle_start=START, cycle_end=END)
    assert "上限 30" in errs["分值"]


def test_pts_02_deduction_without_required_evidence():
    """PTS-02: a deduction whose item requires evidence is refused without it."""
    law = item(kind="deduct", evidence_required=True, cap_per_cycle=None)
    errs = rules.entry_errors(law, points=D(20), used=D(0), has_evidence=False, on=START, cycle_start=START,
                              cycle_end=END)
    assert errs == {"证明材料": rules.EVIDENCE_REQUIRED}
    assert rules.entry_errors(law, points=D(20), used=D(0), has_evidence=True, on=START, cycle_start=START,
                              cycle_end=END) == {}


def test_pts_06_deductions_reaching_40_fire_39_9_does_not():
    """PTS-06: 扣除积分达40分 includes 40 itself."""
    p = params(bottom_group_size=1)
    rows = [row(1, 50, 0, 1), row(2, -40, 40, 2), row(3, -39.9, 39.9, 3)]
    bottom = rules.bottom_group(rows, 1)
    assert rules.threshold_reasons(p, rows[1], bottom)
    assert rules.threshold_reasons(p, rows[0], bottom) == []
    # row 3 is last: fires only for the bottom group, not for deductions
    assert len(rules.threshold_reasons(p, rows[2], bottom)) == 1


def test_pts_06_or_reading_by_default_and_switch_requires_both():
    """PTS-06: 扣分达40分及排名靠后 = either condition by default; the AND switch requires both."""
    rows = [row(1, -45, 45, 1), row(2, -50, 50, 2), row(3, -60, 0, 3)]
    either = params(bottom_group_size=1)
    both = params(bottom_group_size=1, threshold_mode="and")
    bottom = rules.bottom_group(rows, 1)
    assert bottom == {3}
    fired_or = {r.person_id for r in rows if rules.threshold_reasons(either, r, bottom)}
    fired_and = {r.person_id for r in rows if rules.threshold_reasons(both, r, bottom)}
    assert fired_or == {1, 2, 3}
    assert fired_and == set()


def test_pts_06_second_time_in_term_proposes_removal_or_recall():
    """PTS-06: first time → warning talk; second time in the same term → removal/recall."""
    p = params(bottom_group_size=1)
    rows = [row(1, 10, 0, 1), row(2, -41, 41, 2)]
    first = rules.threshold_findings(p, rows, prior_hits={}, cycle_key="c1", cycle_label="2025年度",
                                     township_path="330521100", due=None, policy_version_id=1, policy_ref="x")
    second = rules.threshold_findings(p, rows, prior_hits={2: 1}, cycle_key="c2", cycle_label="2026年度",
                                      township_path="330521100", due=None, policy_version_id=1, policy_ref="x")
    assert [(d.person_id, d.level, d.finding.measure) for d in first] == [(2, 1, "warning_talk")]
    assert [(d.person_id, d.level, d.finding.measure) for d in second] == [(2, 2, "removal")]
    assert first[0].finding.key != second[0].finding.key
    assert first[0].finding.rule_id == "PTS-06"


def test_pts_06_bottom_group_leaves_out_a_tie_crossing_the_edge():
    """PTS-06 (EDGE_TIE_RULE): the bottom group is by rank; a tie straddling the edge stays out,
    a tie wholly inside is in."""
    rows = [row(1, 10, rank=1), row(2, 5, rank=2), row(3, 5, rank=2), row(4, 1, rank=4)]
    assert rules.bottom_group(rows, 2) == {4}
    assert rules.bottom_group(rows, 3) == {2, 3, 4}
    assert rules.bottom_group(rows, 1) == {4}


def test_pts_04_competition_ranks_share_and_skip():
    """PTS-04: the tie method (1, 2, 2, 4) is the same as SQL RANK()."""
    ranks = rules.competition_ranks([(1, D(9)), (2, D(7)), (3, D(7)), (4, D(1))])
    assert ranks == {1: 1, 2: 2, 3: 2, 4: 4}


@given(n=st.integers(min_value=1, max_value=3000),
       proportion=st.decimals(min_value=D("0.01"), max_value=D(1), places=2))
def test_pts_05_reward_group_is_proportion_rounded_half_up(n, proportion):
    """PTS-05: top group = proportion × ranked, rounded half up, at least one, never more than all."""
    size = rules.reward_group_size(n, proportion)
    assert 1 <= size <= n
    assert abs(D(size) - D(n) * proportion) <= D("0.5") or size == 1


def test_pts_05_reward_amounts_to_the_fen_and_edge_ties_stay_out():
    """PTS-05: each cadre in the top group gets the policy's amount, quantised to the fen; a tie
    crossing the edge of the group stays out (EDGE_TIE_RULE), a tie inside it shares."""
    rows = [row(i, 100 - i, rank=i) for i in range(1, 11)]
    rows[2] = row(3, 98, rank=2)  # tie with rank 2: places 2–3 of a 2-place group
    paid = rules.rewards(rows, D("0.2"), D("666.666"))
    assert [w.person_id for w in paid] == [1]
    assert all(w.amount == D("666.67") for w in paid)
    rows[1] = row(2, 99, rank=1)
    rows[0] = row(1, 99, rank=1)  # 1 and 2 tied first: inside the 2 places, both paid
    rows[2] = row(3, 98, rank=3)
    assert [w.person_id for w in rules.rewards(rows, D("0.2"), D("1000"))] == [1, 2]


def test_pts_03_low_scorers_are_the_bottom_group_worst_first():
    """PTS-03: the half-cycle reminder list is the bottom group, worst first."""
    rows = [row(1, 10, rank=1), row(2, 5, rank=2), row(3, 1, rank=3)]
    assert [r.person_id for r in rules.low_scorers(rows, 2)] == [3, 2]


def test_pol_04_preview_shows_rank_and_threshold_changes():
    """POL-04: a lower threshold and bigger bottom group show who crosses; new totals change ranks."""
    rows = [row(1, 10, 0, 1), row(2, 0, 30, 2), row(3, -5, 35, 3)]
    now, new = params(bottom_group_size=1), params(bottom_group_size=1, deduction_threshold="30")
    changes = rules.preview(rows, now, new, {1: D(10), 2: D(-1), 3: D(0)})
    by = {c.person_id: c for c in changes}
    assert by[2].threshold_changed and not by[2].crosses_now and by[2].crosses_new
    assert by[2].rank_now == 2 and by[2].rank_new == 3 and by[3].rank_new == 2


def test_pts_03_cycle_is_one_year_with_half_cycle():
    """PTS-03: one cycle per year (12 months) with a summary at half-cycle."""
    assert rules.cycle_dates(2026, 12) == (date(2026, 1, 1), date(2026, 6, 30), date(2026, 12, 31))


def _ranked(totals):
    """RankRows from totals, ranked as SQL RANK() does."""
    ranks = rules.competition_ranks(list(enumerate(totals)))
    return [row(i, t, rank=ranks[i]) for i, t in enumerate(totals)]


@given(totals=st.lists(st.integers(min_value=-60, max_value=60), min_size=1, max_size=60),
       proportion=st.decimals(min_value=D("0.01"), max_value=D(1), places=2),
       size=st.integers(min_value=1, max_value=80))
def test_pts_05_pts_06_reward_and_bottom_groups_never_overlap(totals, proportion, size):
    """PTS-05/PTS-06: whatever the scores, ties, proportion and bottom size, nobody is in both groups,
    neither group grows past its size through ties, and an unscored cycle puts nobody in either."""
    rows = _ranked([D(t) for t in totals])
    top = rules.reward_group(rows, proportion)
    bottom = rules.bottom_group(rows, size, proportion)
    assert not top & bottom
    assert len(top) <= rules.reward_group_size(len(rows), proportion)
    assert len(bottom) <= size
    if all(t == 0 for t in totals):
        assert top == bottom == set()


def test_pts_05_pts_06_48_tied_zeros_are_neither_rewarded_nor_warned():
    """Issue 10: 48 cadres at 0 points used to be each labelled 奖励 and 达到警示线."""
    rows = _ranked([D(0)] * 48)
    p = params(bottom_group_size=3)
    assert rules.rewards(rows, D("0.2"), D("1000")) == []
    assert rules.low_scorers(rows, 3, D("0.2")) == []
    assert rules.threshold_findings(p, rows, prior_hits={}, cycle_key="1", cycle_label="2024年度",
                                    township_path="330521100", due=None, policy_version_id=None,
                                    policy_ref="") == []
    # one approved entry later: the 47 tied at the bottom straddle every edge, so nobody is warned by rank
    rows = _ranked([D(5)] + [D(0)] * 47)
    assert rules.bottom_group(rows, 3, D("0.2")) == set()
    assert [w.person_id for w in rules.rewards(rows, D("0.2"), D("1000"))] == [0]
