"""The claims of a verified Cognito token as one frozen value.

Cognito's access and ID tokens name some things differently (``username`` /
``cognito:username``, ``client_id`` / ``aud``); :class:`TokenClaims` gives both one spelling and
keeps every claim in :attr:`TokenClaims.raw` (claim sets grow: unknown claims are kept, never
refused).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from math import isfinite
from types import MappingProxyType
from typing import Any, Literal, NoReturn, TypeGuard

import attrs

from authflow.verify.errors import (
    MalformedTokenError,
    MissingGroupError,
    MissingScopeError,
    WrongTokenUseError,
)

__all__ = ["TokenClaims", "TokenUse"]

TokenUse = Literal["access", "id"]

_NONE: frozenset[str] = frozenset()
_STR: frozenset[type] = frozenset({str})


def _number(value: object, name: str) -> float:
    # bool is an int subclass: ``"exp": true`` is not a time; JSON's 1e400 parses to inf.
    kind = type(value)
    if kind is int or (kind is float and isfinite(value)):  # type: ignore[arg-type]
        return value  # type: ignore[return-value]
    _not_number(name)


def _not_number(name: str) -> NoReturn:
    raise MalformedTokenError(f"the token's {name} claim is not a number")


def _not_text(name: str) -> NoReturn:
    raise MalformedTokenError(f"the token's {name} claim is not a string")


def _string_list(value: object) -> TypeGuard[list[str]]:
    """Whether ``value`` is a JSON array of strings (the item types are compared in C)."""
    return type(value) is list and _STR.issuperset(map(type, value))


def _strings(value: object, name: str) -> frozenset[str]:
    if value is None:
        return _NONE
    if not _string_list(value):
        raise MalformedTokenError(f"the token's {name} claim is not a list of strings")
    return frozenset(value)


def _audience(payload: Mapping[str, Any]) -> tuple[str, ...]:
    value = payload.get("aud")
    if type(value) is str:
        return (value,)
    if value and _string_list(value):
        return tuple(value)
    raise MalformedTokenError("the token's aud claim is not a string or a list of strings")


# Not slotted: attrs fills a frozen class's __dict__ directly, where slots would cost an
# object.__setattr__ call per field (one object is built per verified token).
@attrs.frozen(repr=False, slots=False)
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
    def from_payload(cls, payload: dict[str, Any]) -> TokenClaims:
        """Build from a freshly decoded token payload (kept, not copied, as :attr:`raw`),
        checking every claim's type.

        Raises :class:`MalformedTokenError` (naming the claim) for a missing or mistyped one,
        :class:`WrongTokenUseError` when ``token_use`` is neither ``access`` nor ``id``.
        """
        # Once per verified token: the checks are written out (a call each would cost more
        # than the check), and each claim is read once.
        get = payload.get
        token_use = get("token_use")
        if token_use == "access":
            use: TokenUse = "access"
            client_id = get("client_id")
            if type(client_id) is not str:
                _not_text("client_id")
            username = get("username")
            scope = get("scope")
            if scope is None:
                scopes = _NONE
            elif type(scope) is str:
                scopes = frozenset(scope.split())
            else:
                _not_text("scope")
        elif token_use == "id":
            use = "id"
            client_id = _audience(payload)[0]
            username = get("cognito:username")
            scopes = _NONE
        else:
            raise WrongTokenUseError("the token's token_use is neither access nor id")
        if username is not None and type(username) is not str:
            _not_text("username")
        jti, origin_jti, device_key = get("jti"), get("origin_jti"), get("device_key")
        if jti is not None and type(jti) is not str:
            _not_text("jti")
        if origin_jti is not None and type(origin_jti) is not str:
            _not_text("origin_jti")
        if device_key is not None and type(device_key) is not str:
            _not_text("device_key")
        sub, issuer = get("sub"), get("iss")
        if type(sub) is not str:
            _not_text("sub")
        if type(issuer) is not str:
            _not_text("iss")
        groups = get("cognito:groups")
        exp, iat, nbf, auth_time = get("exp"), get("iat"), get("nbf"), get("auth_time")
        # bool is an int subclass (``"exp": true`` is not a time); JSON's 1e400 parses to inf.
        if type(exp) is not int and (type(exp) is not float or not isfinite(exp)):
            _not_number("exp")
        if type(iat) is not int and (type(iat) is not float or not isfinite(iat)):
            _not_number("iat")
        # Positional, in field order (a keyword call builds a dict per token); the payload is a
        # dict decoded for this token alone: it is kept as raw without a copy.
        return cls(
            sub,
            username,
            client_id,
            use,
            issuer,
            scopes,
            _NONE if groups is None else _strings(groups, "cognito:groups"),
            exp,
            iat,
            None if nbf is None else _number(nbf, "nbf"),
            None if auth_time is None else _number(auth_time, "auth_time"),
            jti,
            origin_jti,
            device_key,
            MappingProxyType(payload),
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
