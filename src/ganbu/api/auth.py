"""How API callers prove who they are: the session (pages, phone browser) or a bearer token (phone app)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import SimpleLazyObject
from ninja.security import HttpBearer

from ganbu.org.tokens import TokenClaims, token_claims, token_user


class TokenAuth(HttpBearer):
    """A bearer token whose user is loaded and checked (active, not revoked) before the view runs."""

    def authenticate(self, request: Any, token: str) -> Any:
        claims = token_claims(token)
        if claims is None:
            return None
        user = token_user(claims)
        if not user.is_authenticated:
            return None
        request.user = user
        return user


class SignInTokenAuth(HttpBearer):
    """A bearer token for the sign-in route: the signature now, the user row inside the sign-in statement.

    ``request.user`` is loaded only if the general path needs it; an inactive or revoked user
    fails the statement's check, and then fails here on that load.
    """

    def authenticate(self, request: Any, token: str) -> TokenClaims | None:
        claims = token_claims(token)
        if claims is None:
            return None
        request.user = SimpleLazyObject(lambda: token_user(claims))
        return claims
