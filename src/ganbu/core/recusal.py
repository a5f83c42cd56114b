"""Recusal (回避): nobody decides about himself (DESIGN "Decisions and who may take them").

One rule in one place. Every decision about a person (a case, an appeal, an attendance
correction, a points entry or its approval, a 千分制 score, a leave step, an inspection, a subsidy
line, …) calls ``ensure_not_subject`` before it writes; the page calls ``is_subject`` to say that
the decision passes to the next authority instead of showing a button the actor may not use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

RECUSED = "您本人是该事项的当事人，依规回避，不能自己作出决定；该事项由上一级负责人处理"


class RecusalError(PermissionError):
    """The actor is (one of) the subject(s) of the decision he tried to take."""

    def __init__(self, message: str = RECUSED) -> None:
        super().__init__(message)
        self.message = message


def _person_id(subject: Any) -> int | None:
    if subject is None:
        return None
    if isinstance(subject, int):
        return subject
    return getattr(subject, "pk", None)


def is_subject(actor: Any, subjects: Any) -> bool:
    """Whether ``actor`` (a user) is the person, or one of the persons, the decision is about.

    ``subjects`` is a Person, a person id, or an iterable of them. An actor with no person
    record (a system account) is never a subject.
    """
    mine = getattr(actor, "person_id", None)
    if mine is None:
        return False
    many: Iterable[Any] = subjects if isinstance(subjects, list | tuple | set | frozenset) else [subjects]
    return any(_person_id(s) == mine for s in many)


def ensure_not_subject(actor: Any, subjects: Any, message: str = RECUSED) -> None:
    """Refuse (``RecusalError``) when the actor decides about himself."""
    if is_subject(actor, subjects):
        raise RecusalError(message)
