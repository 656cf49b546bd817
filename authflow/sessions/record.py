"""The session record: one atomic, JSON-safe, versioned value per signed-in session."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from authflow.protocol.errors import ProtocolViolationError
from authflow.protocol.jwt import jwt_claims

__all__ = ["SESSION_SCHEMA_VERSION", "DeviceRecord", "RefreshRoute", "SessionRecord", "Tokens"]

SESSION_SCHEMA_VERSION = 1

#: How a session's refresh token is redeemed: ``"api"`` (InitiateAuth REFRESH_TOKEN_AUTH or
#: GetTokensFromRefreshToken) or ``"oauth"`` (the pool domain's ``/oauth2/token``, for sessions
#: the managed login opened).
RefreshRoute = Literal["api", "oauth"]
_REFRESH_ROUTES: tuple[RefreshRoute, ...] = ("api", "oauth")


@attrs.frozen
class Tokens:
    """The tokens of a signed-in session; none of them is ever shown in a repr.

    ``expires_at`` is the access token's expiry on the *local* clock (receipt time + ExpiresIn),
    so a skewed local clock does not make tokens look expired or fresh.
    """

    access_token: str = attrs.field(repr=False)
    id_token: str | None = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    expires_at: float
    token_type: str = "Bearer"

    def expires_within(self, seconds: float, now: float) -> bool:
        """Whether the access token expires less than ``seconds`` from ``now``."""
        return self.expires_at - now < seconds


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


def _str(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise ProtocolViolationError(f"{key} must be a string", field=key)
    return value


@attrs.frozen
class SessionRecord:
    """Everything needed to keep a user signed in, stored as one record.

    ``username`` is the internal username (``username`` claim, = USER_ID_FOR_SRP), which SECRET_HASH
    for refreshes must use; ``login`` is what the user typed. ``clock_skew`` is server minus local
    time, estimated from the access token's ``iat`` at receipt. ``refresh_with`` says how the
    refresh token is redeemed (:data:`RefreshRoute`; written to JSON only when not ``"api"``, so
    older records and readers are unchanged).
    """

    user_pool_id: str
    client_id: str
    username: str
    login: str
    sub: str | None
    tokens: Tokens
    clock_skew: float = 0.0
    device_key: str | None = None
    version: int = SESSION_SCHEMA_VERSION
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
        refresh_with: RefreshRoute = "api",
    ) -> SessionRecord:
        """Build a record from freshly received tokens, reading identity from the access token."""
        claims = jwt_claims(tokens.access_token)
        username = claims.get("username") or claims.get("cognito:username") or login
        iat = claims.get("iat")
        skew = float(iat) - received_at if isinstance(iat, int | float) else 0.0
        sub = claims.get("sub")
        return cls(
            user_pool_id=user_pool_id,
            client_id=client_id,
            username=str(username),
            login=login,
            sub=sub if isinstance(sub, str) else None,
            tokens=tokens,
            clock_skew=skew,
            device_key=device_key,
            refresh_with=refresh_with,
        )

    def with_tokens(self, tokens: Tokens) -> SessionRecord:
        """A copy holding ``tokens``; a refresh that returned no refresh token keeps the old one."""
        if tokens.refresh_token is None:
            tokens = attrs.evolve(tokens, refresh_token=self.tokens.refresh_token)
        if tokens.id_token is None:
            tokens = attrs.evolve(tokens, id_token=self.tokens.id_token)
        return attrs.evolve(self, tokens=tokens)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form; contains tokens, so store it only in a store you trust."""
        data: dict[str, Any] = {
            "version": self.version,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "username": self.username,
            "login": self.login,
            "sub": self.sub,
            "clock_skew": self.clock_skew,
            "device_key": self.device_key,
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
        """Rebuild from :meth:`to_json` output; raises ProtocolViolationError when malformed."""
        if not isinstance(data, dict):
            raise ProtocolViolationError("session record is not an object")
        if data.get("version") != SESSION_SCHEMA_VERSION:
            raise ProtocolViolationError(
                f"unsupported session record version {data.get('version')!r}", field="version"
            )
        try:
            tok = data["tokens"]
            if not isinstance(tok, dict):
                raise ProtocolViolationError("tokens must be an object", field="tokens")
            tokens = Tokens(
                access_token=_str(tok, "access_token"),
                id_token=tok.get("id_token"),
                refresh_token=tok.get("refresh_token"),
                expires_at=float(tok["expires_at"]),
                token_type=str(tok.get("token_type") or "Bearer"),
            )
            refresh_with = data.get("refresh_with", "api")
            if refresh_with not in _REFRESH_ROUTES:
                raise ProtocolViolationError(
                    "refresh_with must be 'api' or 'oauth'", field="refresh_with"
                )
            return cls(
                user_pool_id=_str(data, "user_pool_id"),
                client_id=_str(data, "client_id"),
                username=_str(data, "username"),
                login=_str(data, "login"),
                sub=data.get("sub"),
                tokens=tokens,
                clock_skew=float(data.get("clock_skew") or 0.0),
                device_key=data.get("device_key"),
                refresh_with=refresh_with,
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ProtocolViolationError):
                raise
            raise ProtocolViolationError(
                f"malformed session record ({type(exc).__name__})"
            ) from None
