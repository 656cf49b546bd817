"""OAuth 2.0 scopes: Cognito's reserved ones, resource servers' custom ones, and what a request
is granted.

Reserved scopes are ``openid email phone profile aws.cognito.signin.user.admin``; custom scopes
are ``{identifier}/{scopeName}`` of one of the pool's resource servers. ``email``, ``phone`` and
``profile`` need ``openid``; a request that names no scope gets every scope the app client
allows (docs/oauth-notes.md §A1, §A2).
"""

from __future__ import annotations

from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.token_service import ADMIN_SCOPE

__all__ = [
    "ATTRIBUTE_SCOPES",
    "RESERVED_SCOPES",
    "ScopeError",
    "custom_scopes",
    "grant_client_scopes",
    "grant_user_scopes",
    "parse_scope",
]

#: Scopes that name user attributes; each needs ``openid``.
ATTRIBUTE_SCOPES = ("email", "phone", "profile")
#: Cognito's reserved scopes.
RESERVED_SCOPES = ("openid", *ATTRIBUTE_SCOPES, ADMIN_SCOPE)
# A request naming more scopes than this is refused outright (a client may allow 50).
_MAX_REQUESTED = 100


class ScopeError(ValueError):
    """A scope request the app client may not make (the endpoints answer ``invalid_scope``)."""


def custom_scopes(pool: Pool) -> set[str]:
    """Every ``identifier/scope`` of the pool's resource servers."""
    return {name for server in pool.resource_servers.values() for name in server.scope_names()}


def parse_scope(text: str | None) -> tuple[str, ...] | None:
    """The scopes of a space-separated ``scope`` parameter, duplicates dropped (``None`` when
    the parameter is absent or blank)."""
    if text is None:
        return None
    names = tuple(dict.fromkeys(part for part in text.split(" ") if part))
    if len(names) > _MAX_REQUESTED:
        raise ScopeError("too many scopes requested")
    return names or None


def grant_user_scopes(client: AppClient, requested: tuple[str, ...] | None) -> tuple[str, ...]:
    """The scopes a user sign-in at the domain is granted: ``requested`` (all the client's when
    ``None``), each allowed for the client, attribute scopes only with ``openid``.

    Cognito's docs say both that a disallowed scope is ignored and that it is ``invalid_scope``
    (UNCONFIRMED): the emulator refuses it, so a client learns of the mistake."""
    allowed = client.oauth_scopes
    granted = allowed if requested is None else requested
    for scope in granted:
        if scope not in allowed:
            raise ScopeError(f"scope {scope} is not allowed for this client")
    if "openid" not in granted and any(s in ATTRIBUTE_SCOPES for s in granted):
        raise ScopeError("the email, phone and profile scopes need the openid scope")
    if not granted:
        raise ScopeError("no scope is allowed for this client")
    return tuple(granted)


def grant_client_scopes(
    pool: Pool, client: AppClient, requested: tuple[str, ...] | None
) -> tuple[str, ...]:
    """The scopes a client-credentials token is granted: custom scopes only, each allowed for
    the client and still defined by a resource server."""
    existing = custom_scopes(pool)
    allowed = tuple(s for s in client.oauth_scopes if s in existing)
    granted = allowed if requested is None else requested
    for scope in granted:
        if scope not in allowed:
            raise ScopeError(f"scope {scope} is not allowed for this client")
    if not granted:
        raise ScopeError("no custom scope is allowed for this client")
    return tuple(granted)
