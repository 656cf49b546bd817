"""The session record: one atomic, JSON-safe, versioned value per signed-in session.

Two clocks meet here. :attr:`Tokens.expires_at` is on the *local* clock of the process that
received the tokens (receipt + ExpiresIn). Everything else a record says about time is in *server*
time, the clock the tokens were issued by: ``access_expires`` (the access token's ``exp``),
``issued_at`` (its ``iat``), ``created_at`` (the sign-in) and ``refresh_expires``. The writer's
estimate of server minus local time (``clock_skew``, from ``iat`` at ``received_at``) travels with
the record, so a reader on another host compares ``access_expires`` with *its own* estimate of
server time (or the writer's, until it has one): two hosts whose clocks disagree by minutes agree
on when a token expires.

Everything read from a token or a store is checked: a time claim that is not a finite number of
epoch seconds (NaN, 10^400, a string, a bool) is a
:class:`~authflow.protocol.errors.ProtocolViolationError` naming the claim, never an
OverflowError.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from authflow.protocol.errors import ProtocolViolationError
from authflow.protocol.jwt import jwt_claims
from authflow.protocol.shapes import AuthenticationResult

__all__ = [
    "MAX_EXPIRES_IN",
    "SESSION_SCHEMA_VERSION",
    "DeviceRecord",
    "RefreshRoute",
    "SessionRecord",
    "Tokens",
    "claim_time",
    "expires_in_seconds",
    "tokens_from_result",
]

#: How a session's refresh token is redeemed: ``"api"`` (InitiateAuth REFRESH_TOKEN_AUTH or
#: GetTokensFromRefreshToken) or ``"oauth"`` (the pool domain's ``/oauth2/token``, for sessions
#: the managed login opened).
RefreshRoute = Literal["api", "oauth"]
_REFRESH_ROUTES: tuple[RefreshRoute, ...] = ("api", "oauth")

#: The version :meth:`SessionRecord.to_json` writes (version 1 records are still read).
SESSION_SCHEMA_VERSION = 2
#: The longest access-token lifetime Cognito issues (one day): a longer ExpiresIn is clamped.
MAX_EXPIRES_IN = 86_400
#: Cognito's ExpiresIn when an answer has none.
_DEFAULT_EXPIRES_IN = 3600
#: Epoch seconds beyond this (the year 5138) are not a time any server sends.
_MAX_EPOCH = 1e11


def _finite(value: object, field: str, *, low: float, high: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolViolationError(f"{what} must be a number", field=field)
    if isinstance(value, int) and not low <= value <= high:  # before float(): 10**400
        raise ProtocolViolationError(f"{what} is out of range", field=field)
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ProtocolViolationError(f"{what} is out of range", field=field)
    return number


def claim_time(claims: Mapping[str, Any], name: str) -> float | None:
    """The epoch-seconds claim ``name`` (``iat``, ``exp``, ``auth_time``) as a float, ``None``
    when absent; anything but a finite number from 0 to year 5138 is a ProtocolViolationError."""
    value = claims.get(name)
    if value is None:
        return None
    return _finite(value, name, low=0, high=_MAX_EPOCH, what=f"token claim {name}")


def expires_in_seconds(value: int | None) -> float:
    """An AuthenticationResult's ExpiresIn as seconds: 3600 when absent, clamped to
    :data:`MAX_EXPIRES_IN` (a longer lifetime is not one Cognito issues; the token's own ``exp``
    decides anyway); zero or negative is a ProtocolViolationError."""
    if value is None:
        return float(_DEFAULT_EXPIRES_IN)
    seconds = _finite(value, "ExpiresIn", low=-math.inf, high=math.inf, what="ExpiresIn")
    if seconds <= 0:
        raise ProtocolViolationError("ExpiresIn must be positive", field="ExpiresIn")
    return min(seconds, float(MAX_EXPIRES_IN))


@attrs.frozen
class Tokens:
    """The tokens of a signed-in session; none of them is ever shown in a repr.

    ``expires_at`` is the access token's expiry on the *local* clock of the process that received
    it (receipt time + ExpiresIn, never later than the token's own ``exp``).
    """

    access_token: str = attrs.field(repr=False)
    id_token: str | None = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    expires_at: float
    token_type: str = "Bearer"

    def expires_within(self, seconds: float, now: float) -> bool:
        """Whether the access token expires less than ``seconds`` from ``now`` (local clock)."""
        return self.expires_at - now < seconds


def tokens_from_result(result: AuthenticationResult, received_at: float) -> Tokens:
    """The :class:`Tokens` of an AuthenticationResult received at ``received_at`` (local clock):
    ``expires_at`` is receipt + ExpiresIn (:func:`expires_in_seconds`), never later than the
    access token's own ``exp``. Hostile values are ProtocolViolationErrors naming the member."""
    if not result.access_token:
        raise ProtocolViolationError("AuthenticationResult has no AccessToken", field="AccessToken")
    claims = jwt_claims(result.access_token)
    iat = claim_time(claims, "iat")
    exp = claim_time(claims, "exp")
    expires_at = received_at + expires_in_seconds(result.expires_in)
    if exp is not None:
        skew = 0.0 if iat is None else iat - received_at
        expires_at = min(expires_at, exp - skew)
    return Tokens(
        access_token=result.access_token,
        id_token=result.id_token,
        refresh_token=result.refresh_token,
        expires_at=expires_at,
        token_type=result.token_type or "Bearer",
    )


@attrs.frozen
class DeviceRecord:
    """A remembered device: its key, group key and the secret (random password) proving it."""

    device_key: str
    device_group_key: str
    device_password: str = attrs.field(repr=False)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form for a store."""
        return {
            "device_key": self.device_key,
            "device_group_key": self.device_group_key,
            "device_password": self.device_password,
        }

    @classmethod
    def from_json(cls, data: object) -> DeviceRecord:
        """Rebuild from :meth:`to_json` output; raises ProtocolViolationError when malformed."""
        if not isinstance(data, dict):
            raise ProtocolViolationError("device record is not an object")
        try:
            return cls(
                device_key=_str(data, "device_key"),
                device_group_key=_str(data, "device_group_key"),
                device_password=_str(data, "device_password"),
            )
        except KeyError as exc:
            raise ProtocolViolationError(f"device record lacks {exc}") from None


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise ProtocolViolationError(f"{key} must be a string", field=key)
    return value


def _operations(value: object) -> str:
    # absent in records written before admin sign-ins existed: those were all public
    if value is None:
        return "public"
    if not isinstance(value, str) or not value.isidentifier() or len(value) > 32:
        raise ProtocolViolationError(
            "operations must be an operation set's name", field="operations"
        )
    return value


def _refresh_route(value: object) -> RefreshRoute:
    for route in _REFRESH_ROUTES:
        if value == route:
            return route
    raise ProtocolViolationError("refresh_with must be 'api' or 'oauth'", field="refresh_with")


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ProtocolViolationError(f"{key} must be a string", field=key)
    return value


def _time(data: Mapping[str, Any], key: str, default: float | None = None) -> float:
    value = data.get(key, default)
    return _finite(value, key, low=-_MAX_EPOCH, high=_MAX_EPOCH, what=key)


def _opt_time(data: Mapping[str, Any], key: str) -> float | None:
    return None if data.get(key) is None else _time(data, key)


@attrs.frozen
class _TokenTimes:
    """What an access token says about time, read once at receipt."""

    clock_skew: float  # server minus local, from iat at receipt (0 without iat)
    issued_at: float  # server time (iat, else receipt on the server clock)
    access_expires: float  # server time (exp, else receipt + ExpiresIn on the server clock)

    @classmethod
    def read(cls, tokens: Tokens, received_at: float) -> _TokenTimes:
        claims = jwt_claims(tokens.access_token)
        iat = claim_time(claims, "iat")
        exp = claim_time(claims, "exp")
        skew = 0.0 if iat is None else iat - received_at
        issued = received_at + skew if iat is None else iat
        expires = tokens.expires_at + skew if exp is None else exp
        return cls(clock_skew=skew, issued_at=issued, access_expires=expires)


@attrs.frozen
class SessionRecord:
    """Everything needed to keep one signed-in session, stored as one record.

    ``username`` is the internal username (``username`` claim, = USER_ID_FOR_SRP), which
    SECRET_HASH for refreshes must use; ``login`` is what the user typed. ``session_id`` is the
    sign-in's random id (also in its store key; ``None`` for version-1 records). ``received_at``
    is the writer's local time at receipt and ``clock_skew`` its estimate of server minus local
    time then; ``issued_at``, ``access_expires``, ``refresh_expires`` and ``created_at`` are in
    server time (see the module docstring). ``operations`` is the role of the operation set
    the session was signed in with (``"public"``, or ``"admin"`` for a server-side sign-in), so
    its refreshes are sent with the same set. ``refresh_with`` says how the refresh token is
    redeemed (:data:`RefreshRoute`; written to JSON only when not ``"api"``).
    """

    user_pool_id: str
    client_id: str
    username: str
    login: str
    sub: str | None
    tokens: Tokens
    clock_skew: float = 0.0
    device_key: str | None = None
    session_id: str | None = None
    received_at: float = 0.0
    issued_at: float = 0.0
    access_expires: float = 0.0
    refresh_expires: float | None = None
    created_at: float = 0.0
    version: int = SESSION_SCHEMA_VERSION
    operations: str = "public"
    refresh_with: RefreshRoute = "api"

    @classmethod
    def from_tokens(
        cls,
        *,
        user_pool_id: str,
        client_id: str,
        login: str,
        tokens: Tokens,
        received_at: float,
        device_key: str | None = None,
        session_id: str | None = None,
        refresh_validity: float | None = None,
        operations: str = "public",
        refresh_with: RefreshRoute = "api",
    ) -> SessionRecord:
        """Build a record from freshly received tokens, reading identity and times from the
        access token (hostile claims are ProtocolViolationErrors)."""
        claims = jwt_claims(tokens.access_token)
        username = claims.get("username") or claims.get("cognito:username") or login
        sub = claims.get("sub")
        times = _TokenTimes.read(tokens, received_at)
        return cls(
            user_pool_id=user_pool_id,
            client_id=client_id,
            username=str(username),
            login=login,
            sub=sub if isinstance(sub, str) else None,
            tokens=tokens,
            clock_skew=times.clock_skew,
            device_key=device_key,
            session_id=session_id,
            received_at=received_at,
            issued_at=times.issued_at,
            access_expires=times.access_expires,
            refresh_expires=(
                None if refresh_validity is None else times.issued_at + refresh_validity
            ),
            created_at=times.issued_at,
            operations=operations,
            refresh_with=refresh_with,
        )

    def with_tokens(
        self, tokens: Tokens, *, received_at: float, refresh_validity: float | None = None
    ) -> SessionRecord:
        """A copy holding refreshed ``tokens``: a refresh that returned no refresh token keeps
        the old one (and its expiry); a rotated one starts its own ``refresh_validity``."""
        if tokens.refresh_token is None:
            tokens = attrs.evolve(tokens, refresh_token=self.tokens.refresh_token)
        if tokens.id_token is None:
            tokens = attrs.evolve(tokens, id_token=self.tokens.id_token)
        times = _TokenTimes.read(tokens, received_at)
        refresh_expires = self.refresh_expires
        if tokens.refresh_token != self.tokens.refresh_token and refresh_validity is not None:
            refresh_expires = times.issued_at + refresh_validity
        return attrs.evolve(
            self,
            tokens=tokens,
            clock_skew=times.clock_skew,
            received_at=received_at,
            issued_at=times.issued_at,
            access_expires=times.access_expires,
            refresh_expires=refresh_expires,
            version=SESSION_SCHEMA_VERSION,
        )

    def access_expires_within(self, seconds: float, server_now: float) -> bool:
        """Whether the access token expires less than ``seconds`` after ``server_now`` (an
        estimate of the server's clock)."""
        return self.access_expires - server_now < seconds

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form; contains tokens, so store it only in a store you trust."""
        data: dict[str, Any] = {
            "version": SESSION_SCHEMA_VERSION,
            "session_id": self.session_id,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "username": self.username,
            "login": self.login,
            "sub": self.sub,
            "clock_skew": self.clock_skew,
            "received_at": self.received_at,
            "issued_at": self.issued_at,
            "access_expires": self.access_expires,
            "refresh_expires": self.refresh_expires,
            "created_at": self.created_at,
            "device_key": self.device_key,
            "operations": self.operations,
            "tokens": {
                "access_token": self.tokens.access_token,
                "id_token": self.tokens.id_token,
                "refresh_token": self.tokens.refresh_token,
                "expires_at": self.tokens.expires_at,
                "token_type": self.tokens.token_type,
            },
        }
        if self.refresh_with != "api":
            data["refresh_with"] = self.refresh_with
        return data

    @classmethod
    def from_json(cls, data: object) -> SessionRecord:
        """Rebuild from :meth:`to_json` output (version 2, or version 1 written before session
        ids and server-time expiry); raises ProtocolViolationError when malformed."""
        if not isinstance(data, dict):
            raise ProtocolViolationError("session record is not an object")
        version = data.get("version")
        if type(version) is not int or version not in (1, SESSION_SCHEMA_VERSION):
            raise ProtocolViolationError("unsupported session record version", field="version")
        try:
            tok = data["tokens"]
            if not isinstance(tok, dict):
                raise ProtocolViolationError("tokens must be an object", field="tokens")
            tokens = Tokens(
                access_token=_str(tok, "access_token"),
                id_token=_opt_str(tok, "id_token"),
                refresh_token=_opt_str(tok, "refresh_token"),
                expires_at=_time(tok, "expires_at"),
                token_type=_opt_str(tok, "token_type") or "Bearer",
            )
            base = cls(
                user_pool_id=_str(data, "user_pool_id"),
                client_id=_str(data, "client_id"),
                username=_str(data, "username"),
                login=_str(data, "login"),
                sub=_opt_str(data, "sub"),
                tokens=tokens,
                clock_skew=_time(data, "clock_skew", 0.0),
                device_key=_opt_str(data, "device_key"),
                operations=_operations(data.get("operations")),
                refresh_with=_refresh_route(data.get("refresh_with", "api")),
            )
            if version == 1:  # expiry on the writer's clock: convert with its skew
                expires = tokens.expires_at + base.clock_skew
                return attrs.evolve(base, access_expires=expires, issued_at=expires - 3600,
                                    created_at=expires - 3600, version=1)
            return attrs.evolve(
                base,
                session_id=_opt_str(data, "session_id"),
                received_at=_time(data, "received_at"),
                issued_at=_time(data, "issued_at"),
                access_expires=_time(data, "access_expires"),
                refresh_expires=_opt_time(data, "refresh_expires"),
                created_at=_time(data, "created_at"),
            )
        except KeyError as exc:
            raise ProtocolViolationError(f"session record lacks {exc}") from None
