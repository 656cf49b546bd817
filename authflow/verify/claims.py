"""The claims of a verified Cognito token as one frozen value.

Cognito's access and ID tokens name some things differently (``username`` /
``cognito:username``, ``client_id`` / ``aud``); :class:`TokenClaims` gives both one spelling and
keeps every claim in :attr:`TokenClaims.raw` (claim sets grow: unknown claims are kept, never
refused).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Literal

import attrs

from authflow.verify.errors import (
    MalformedTokenError,
    MissingGroupError,
    MissingScopeError,
    WrongTokenUseError,
)

__all__ = ["TokenClaims", "TokenUse"]

TokenUse = Literal["access", "id"]


def _number(payload: Mapping[str, Any], name: str, *, required: bool) -> float | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    # bool is an int subclass: ``"exp": true`` is not a time.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MalformedTokenError(f"the token's {name} claim is not a number")
    return value


def _text(payload: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise MalformedTokenError(f"the token's {name} claim is not a string")
    return value


def _strings(value: object, name: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MalformedTokenError(f"the token's {name} claim is not a list of strings")
    return frozenset(value)


def _audience(payload: Mapping[str, Any]) -> tuple[str, ...]:
    value = payload.get("aud")
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise MalformedTokenError("the token's aud claim is not a string or a list of strings")


@attrs.frozen(repr=False)
class TokenClaims:
    """What a verified Cognito token says, typed.

    ``client_id`` is the app client the token was issued to (an access token's ``client_id``
    claim, an ID token's ``aud``); ``username`` is ``username`` (access) or ``cognito:username``
    (ID) and is ``None`` for client-credentials tokens; ``scopes`` come from the space-separated
    ``scope`` claim (ID tokens have none); ``groups`` from ``cognito:groups``. Times are epoch
    seconds. ``raw`` is a read-only view of every claim.

    >>> claims.username, claims.scopes  # doctest: +SKIP
    ('alice', frozenset({'aws.cognito.signin.user.admin'}))
    """

    sub: str
    username: str | None
    client_id: str
    token_use: TokenUse
    issuer: str
    scopes: frozenset[str]
    groups: frozenset[str]
    exp: float
    iat: float
    nbf: float | None
    auth_time: float | None
    jti: str | None
    origin_jti: str | None
    device_key: str | None
    raw: Mapping[str, Any] = attrs.field(eq=False)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> TokenClaims:
        """Build from a token payload, checking every claim's type.

        Raises :class:`MalformedTokenError` (naming the claim) for a missing or mistyped one,
        :class:`WrongTokenUseError` when ``token_use`` is neither ``access`` nor ``id``.
        """
        token_use = payload.get("token_use")
        if token_use not in ("access", "id"):
            raise WrongTokenUseError("the token's token_use is neither access nor id")
        use: TokenUse = "access" if token_use == "access" else "id"
        if use == "access":
            client_id = _text(payload, "client_id", required=True)
            username = _text(payload, "username")
            scope = _text(payload, "scope")
            scopes = frozenset(scope.split()) if scope else frozenset[str]()
        else:
            client_id = _audience(payload)[0]
            username = _text(payload, "cognito:username")
            scopes = frozenset()
        exp = _number(payload, "exp", required=True)
        iat = _number(payload, "iat", required=True)
        sub = _text(payload, "sub", required=True)
        issuer = _text(payload, "iss", required=True)
        assert exp is not None and iat is not None and sub is not None and issuer is not None
        assert client_id is not None
        return cls(
            sub=sub,
            username=username,
            client_id=client_id,
            token_use=use,
            issuer=issuer,
            scopes=scopes,
            groups=_strings(payload.get("cognito:groups"), "cognito:groups"),
            exp=exp,
            iat=iat,
            nbf=_number(payload, "nbf", required=False),
            auth_time=_number(payload, "auth_time", required=False),
            jti=_text(payload, "jti"),
            origin_jti=_text(payload, "origin_jti"),
            device_key=_text(payload, "device_key"),
            raw=MappingProxyType(dict(payload)),
        )

    @property
    def audience(self) -> tuple[str, ...]:
        """Every audience the token names: ``aud`` (ID tokens, and access tokens with resource
        binding) or, for an access token without ``aud``, its ``client_id``."""
        if "aud" in self.raw:
            return _audience(self.raw)
        return (self.client_id,)

    def require(self, *, scopes: Iterable[str] = (), groups: Iterable[str] = ()) -> None:
        """Raise unless the token has **every** scope in ``scopes`` and, when ``groups`` is not
        empty, its user is in **at least one** of ``groups``.

        Scopes are all-of, as an RFC 6750 ``scope`` attribute lists what a resource needs;
        groups are any-of, as a route is usually open to several roles (aws-jwt-verify does the
        same for groups). Raises :class:`MissingScopeError` / :class:`MissingGroupError`.
        """
        required = tuple(dict.fromkeys(scopes))
        missing = [s for s in required if s not in self.scopes]
        if missing:
            raise MissingScopeError(
                "the token lacks a required scope: " + " ".join(missing),
                required=required,
                missing=missing,
            )
        accepted = tuple(dict.fromkeys(groups))
        if accepted and self.groups.isdisjoint(accepted):
            raise MissingGroupError(
                "the token's user is in none of the groups " + " ".join(accepted),
                accepted=accepted,
            )

    def __repr__(self) -> str:
        # Claims are not credentials, but a repr stays short: no raw dict.
        return (
            f"TokenClaims(token_use={self.token_use!r}, sub={self.sub!r}, "
            f"username={self.username!r}, client_id={self.client_id!r}, exp={self.exp!r})"
        )
