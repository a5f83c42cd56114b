"""API tokens for the phone sign-in app: signed, expiring and revocable.

A token carries the user's id, token version, person, org path and label, signed with
SECRET_KEY (``TimestampSigner``). Reading it needs no database, so the sign-in burst before
08:30 does not pay a session lookup per request; but no request trusts it alone: every use
checks the user row (active, same token version, same person and label), either by loading
the user (:class:`TokenAuth`) or inside the sign-in statement itself. Revoking bumps the
version, which ends every token issued before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import F

from ganbu.core.audit import audit_record

SALT = "ganbu.api-token"


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    version: int
    person_id: int | None
    org_path: str
    label: str


def _label(user: Any) -> str:
    """The actor label the audit log records for this user (as ``audit_record`` writes it)."""
    return ((user.display_name or user.username) or "")[:100]


def token_issue(user: Any) -> str:
    """A token for ``user`` as he is now (person, org path, name); reissue after a transfer."""
    org_path = user.person.org_path if user.person_id else ""
    return signing.dumps([user.pk, user.token_version, user.person_id, org_path, _label(user)], salt=SALT)


def claims_for(user: Any, person: Any) -> TokenClaims:
    """The claims a token for ``user`` would carry now (the session's user, already loaded)."""
    return TokenClaims(user.pk, user.token_version, person.pk, person.org_path, _label(user))


def token_claims(token: str) -> TokenClaims | None:
    """The claims of a well-signed, unexpired token, or None. Does not read the database."""
    try:
        uid, version, pid, path, label = signing.loads(token, salt=SALT, max_age=settings.GANBU_TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return TokenClaims(int(uid), int(version), pid, path, label)


def token_user(claims: TokenClaims) -> Any:
    """The user the claims name if he is active and the token not revoked; else anonymous."""
    from ganbu.org.models import User

    user = User.objects.filter(pk=claims.user_id, is_active=True, token_version=claims.version).first()
    return user or AnonymousUser()


def token_revoke(*, actor: Any, user: Any) -> None:
    """End every token issued to ``user`` so far (lost phone, transfer, departure)."""
    from ganbu.org.models import User

    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
    audit_record(actor=actor, action="org.token_revoke", object_type="user", object_id=user.pk,
                 org_path=user.person.org_path if user.person_id else "", after={"token_version": user.token_version})
