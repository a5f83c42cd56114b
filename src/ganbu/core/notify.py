"""In-app inbox. Outbound channels (SMS, 政务微信) plug in behind ``notify`` later."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from ganbu.core.models import Notification


def notify(*, users: Iterable[Any], title: str, body: str = "", url: str = "", kind: str = "", key: str = "") -> int:
    """Tell each user once (``key`` de-duplicates repeats of the same reminder)."""
    sent = 0
    for user in {u.pk: u for u in users if u is not None}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, title=title, body=body, url=url, kind=kind, key=key)
                sent += 1
        except IntegrityError:
            continue
    return sent


def users_with_role(role: str, org_path: str) -> list[Any]:
    """Users holding ``role`` on exactly the org at ``org_path``."""
    from ganbu.org.models import User

    return list(User.objects.filter(grants__role=role, grants__org__path=org_path, is_active=True).distinct())
