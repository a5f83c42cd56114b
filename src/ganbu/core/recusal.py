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


def next_authority(actor: Any, perm: str, org_path: str) -> str:
    """Who takes the decision instead of the recused actor, in words for the page.

    The next authority is whoever holds ``perm`` over ``org_path`` on a node strictly above the
    node from which the actor holds it (the township secretary's own case goes to the county, the
    office's own day to the county), as the leave chain already does (LV-09).
    """
    from ganbu.core.access import _grants, _role_perms
    from ganbu.org.models import Org, RoleGrant
    from ganbu.org.roles import Role

    mine = [p for role, p in _grants(actor) if perm in _role_perms(role) and org_path.startswith(p)]
    below = min((len(p) for p in mine), default=len(org_path) + 1)
    today_grants = RoleGrant.objects.filter(org__path__in=[org_path[:n] for n in range(1, below)])
    today_grants = today_grants.exclude(user_id=getattr(actor, "pk", None)).select_related("org")
    labels = dict(Role.choices)
    found = sorted({(len(g.org.path), f"{g.org.name}{labels.get(g.role, g.role)}") for g in today_grants
                    if perm in _role_perms(g.role)}, reverse=True)
    if found:
        nearest = found[0][0]
        return "、".join(name for n, name in found if n == nearest)
    county = Org.objects.filter(path=org_path[:6]).values_list("name", flat=True).first()
    return f"{county or '上级'}相关负责人"


def recusal_note(actor: Any, perm: str, org_path: str) -> str:
    """The sentence a page shows instead of the button: the decision passes on, and to whom."""
    return f"您本人是该事项的当事人，依规回避；该事项由{next_authority(actor, perm, org_path)}处理。"
