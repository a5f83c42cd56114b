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
