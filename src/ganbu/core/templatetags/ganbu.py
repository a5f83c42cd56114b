"""Template helpers: show a link only to a role that can use it (issue 10, bug 6)."""

from __future__ import annotations

from typing import Any

from django import template

from ganbu.core.access import has_perm

register = template.Library()


@register.filter
def can(user: Any, perm: str) -> bool:
    """``{% if user|can:"points.approve" %}``: the user holds ``perm`` somewhere in his scope."""
    return bool(user and getattr(user, "is_authenticated", False) and has_perm(user, perm))


@register.simple_tag
def can_at(user: Any, perm: str, path: str) -> bool:
    """``{% can_at user "org.view" org.path as ok %}``: the user holds ``perm`` on that node."""
    return bool(user and getattr(user, "is_authenticated", False) and has_perm(user, perm, path))
