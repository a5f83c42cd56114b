"""Scoped access: every view gets objects through these functions, with the acting user (SEC-02).

What does not exist and what the user may not see give the same answer (``NotFound``), so an
outsider cannot probe for IDs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

NOT_FOUND = "未找到该记录，或您无权访问"


class NotFound(Http404):
    def __init__(self) -> None:
        super().__init__(NOT_FOUND)


def _grants(user: Any) -> list[tuple[str, str]]:
    """(role, path) pairs in force today; cached on the user object for the request."""
    cached = getattr(user, "_ganbu_grants", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        grants: list[tuple[str, str]] = []
    else:
        from ganbu.org.models import RoleGrant

        today = timezone.localdate()
        grants = [
            (role, path)
            for role, path, start, end in RoleGrant.objects.filter(user_id=user.pk).values_list(
                "role", "org__path", "start", "end"
            )
            if (start is None or start <= today) and (end is None or end >= today)
        ]
    user._ganbu_grants = grants
    return grants


def _role_perms(role: str) -> frozenset[str]:
    from ganbu.org.roles import ROLE_PERMS

    return ROLE_PERMS.get(role, frozenset())


def perm_paths(user: Any, perm: str) -> list[str]:
    """The subtree roots where ``user`` holds ``perm``; [""] means everywhere."""
    if getattr(user, "is_superuser", False):
        return [""]
    return sorted({path for role, path in _grants(user) if perm in _role_perms(role)})


def has_perm(user: Any, perm: str, path: str | None = None) -> bool:
    """Whether ``user`` holds ``perm`` on ``path`` (or anywhere when path is None)."""
    paths = perm_paths(user, perm)
    if path is None:
        return bool(paths)
    return any(path.startswith(p) for p in paths)


def has_self_perm(user: Any, perm: str, person_id: int | None) -> bool:
    from ganbu.org.roles import SELF_PERMS

    return bool(person_id) and getattr(user, "person_id", None) == person_id and perm in SELF_PERMS


def scope_q(user: Any, perm: str, field: str = "org_path") -> Q:
    """A filter on ``field`` (a path) limiting rows to where ``user`` holds ``perm``."""
    paths = perm_paths(user, perm)
    if "" in paths:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def scoped(qs: QuerySet[Any], user: Any, perm: str, field: str = "org_path") -> QuerySet[Any]:
    return qs.filter(scope_q(user, perm, field))


def access_org(user: Any, org_id: Any, perm: str = "org.view") -> Any:
    from ganbu.org.models import Org

    try:
        org = Org.objects.get(pk=int(org_id))
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not has_perm(user, perm, org.path):
        raise NotFound()
    return org


def access_person(user: Any, person_id: Any, perm: str = "person.view") -> Any:
    """A person the user may act on with ``perm``: in his scope, or himself for self-service perms."""
    from ganbu.org.models import Person

    try:
        person = Person.objects.select_related("org").get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if has_self_perm(user, perm, person.pk) or has_perm(user, perm, person.org_path):
        return person
    raise NotFound()


def access_object(user: Any, model: type[Model], pk: Any, perm: str, path_field: str = "org_path",
                  person_field: str | None = None) -> Any:
    """Generic access for a row carrying a path (and optionally a subject person)."""
    try:
        obj = model._default_manager.get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    path = obj
    for part in path_field.split("__"):
        path = getattr(path, part)
    if has_perm(user, perm, str(path)):
        return obj
    if person_field and has_self_perm(user, perm, getattr(obj, person_field)):
        return obj
    raise NotFound()


# Policy modules whose versions only a special permission may edit and adopt (issue 16: the sign-in
# rules are the security administrator's, not a business role's).
POLICY_MODULE_PERMS: dict[str, str] = {"security": "security.manage"}


def policy_perm(module: str, verb: str) -> str:
    """The permission to ``verb`` ("edit" or "adopt") a version of ``module``."""
    return POLICY_MODULE_PERMS.get(module, f"policy.{verb}")
