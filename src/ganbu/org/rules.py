"""Pure rules about posts and people (ORG-02, ORG-03). No ORM."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

SINGLE_HOLDER_TITLES = frozenset({
    "village_secretary", "village_director", "village_clerk", "township_secretary", "township_head",
    "first_secretary",
})


@dataclass(frozen=True)
class PostSpan:
    person_key: str
    org_key: str
    title: str
    start: date
    end: date | None
    row: int | None = None


def spans_overlap(a: PostSpan, b: PostSpan) -> bool:
    a_end = a.end or date.max
    b_end = b.end or date.max
    return a.start <= b_end and b.start <= a_end


def post_conflicts(new: PostSpan, existing: Iterable[PostSpan]) -> list[tuple[PostSpan, str]]:
    """Posts that ``new`` may not overlap: the same person in the same post (ORG-02 keeps
    history, so a post is ended, not duplicated), or a second holder of a single-holder post."""
    out = []
    for old in existing:
        if old.org_key != new.org_key or old.title != new.title or not spans_overlap(old, new):
            continue
        if old.person_key == new.person_key:
            out.append((old, "同一人同一职务任期重叠"))
        elif new.title in SINGLE_HOLDER_TITLES:
            out.append((old, "该职务同一时间只能有一人担任"))
    return out


def funded_post_count(titles_funded: Iterable[bool]) -> int:
    return sum(1 for f in titles_funded if f)


FUNDED_NOT_IN_QUOTA = "「{title}」不在职数内（非职数工资自酬），不能享受补贴"
FUNDED_QUOTA_FULL = "{org} 职数内职务已满 {quota} 个，不能再设享受补贴的职务"


def funded_post_error(*, title: str, title_label: str, org_label: str, funded_titles: Iterable[str], quota: int,
                      other_funded_overlapping: int) -> str | None:
    """ORG-03: only the quota titles are funded, and at most ``quota`` funded posts at once."""
    if title not in set(funded_titles):
        return FUNDED_NOT_IN_QUOTA.format(title=title_label)
    if other_funded_overlapping + 1 > quota:
        return FUNDED_QUOTA_FULL.format(org=org_label, quota=quota)
    return None


def assessor_for(category: str, rules: dict[str, tuple[str, str]], defaults: dict[str, dict[str, str]],
                 fallback: str = "party_committee") -> tuple[str, str]:
    """ORG-05: (daily assessor, meetings/study/ad-hoc assessor) for a category of person.

    A township's configured rule wins; otherwise the policy default for the category; otherwise
    the party committee assesses everything."""
    if category in rules:
        return rules[category]
    d = defaults.get(category)
    if d:
        return d.get("daily", fallback), d.get("meetings", fallback)
    return fallback, fallback
