"""The session manager: valid access tokens on demand, single-flight refresh, sign-out, events.

One refresh per session however many callers ask at once: the first caller starts the refresh as a
task and every concurrent caller awaits the same task. Across processes the store's lock is held
while refreshing and the record is re-read under it, so a refresh another process just finished is
reused instead of repeated.

Transient failures (throttling, 5xx, network, timeouts) never sign a user out: the record is kept
and the error re-raised. Definitive ones (the refresh token is revoked, expired, reused or the user
is gone) delete the record, emit ``signed_out`` and re-raise.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import attrs

from authflow.config import CognitoConfig
from authflow.protocol.errors import (
    InvalidGrantError,
    InvalidParameterError,
    InvalidStateError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    ProtocolViolationError,
    RefreshTokenReuseError,
    ServiceError,
    SessionNotFoundError,
    UserNotConfirmedError,
    UserNotFoundError,
)
from authflow.protocol.oauth import TokenResponse
from authflow.protocol.operations import (
    GetTokensFromRefreshTokenRequest,
    GlobalSignOutRequest,
    RevokeTokenRequest,
)
from authflow.protocol.secret_hash import secret_hash
from authflow.protocol.shapes import AuthenticationResult
from authflow.sessions.record import RefreshRoute, SessionRecord, Tokens
from authflow.sessions.signin_operations import PUBLIC, SignInOperations
from authflow.storage.base import Store
from authflow.transport.base import Transport, call

if TYPE_CHECKING:
    from authflow.transport.oauth import OAuthTransport

__all__ = [
    "DEFINITIVE_REFRESH_ERRORS",
    "SessionEvent",
    "SessionManager",
    "SessionNotFoundError",
    "tokens_from_result",
]

log = logging.getLogger("authflow.sessions")

#: Refresh errors after which the session cannot be recovered: the user is signed out.
DEFINITIVE_REFRESH_ERRORS: tuple[type[ServiceError], ...] = (
    NotAuthorizedError,
    RefreshTokenReuseError,
    UserNotFoundError,
    PasswordResetRequiredError,
    UserNotConfirmedError,
    InvalidGrantError,  # the domain's /oauth2/token: the refresh token is revoked or expired
)

EventKind = Literal["saved", "refreshed", "refresh_failed", "signed_out"]


@attrs.frozen
class SessionEvent:
    """Something that happened to a stored session (never carries a token)."""

    kind: EventKind
    key: str
    error: str | None = None


def tokens_from_result(result: AuthenticationResult, received_at: float) -> Tokens:
    """Turn an AuthenticationResult into :class:`Tokens`, expiry on the local clock."""
    if not result.access_token:
        raise ProtocolViolationError("AuthenticationResult has no AccessToken", field="AccessToken")
    return Tokens(
        access_token=result.access_token,
        id_token=result.id_token,
        refresh_token=result.refresh_token,
        expires_at=received_at + float(result.expires_in or 3600),
        token_type=result.token_type or "Bearer",
    )


def _result_of(result: AuthenticationResult | None) -> AuthenticationResult:
    if result is None:
        raise ProtocolViolationError("refresh returned no AuthenticationResult")
    return result


class SessionManager:
    """Hands out valid access tokens for stored sessions and keeps them fresh.

    >>> # token = await manager.access_token(key)   # refreshed first when about to expire
    """

    def __init__(
        self,
        config: CognitoConfig,
        transport: Transport,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        operations: SignInOperations = PUBLIC,
        oauth: OAuthTransport | None = None,
    ) -> None:
        self._config = config
        #: The pool domain's token endpoint, for sessions that refresh there (``refresh_with``
        #: ``"oauth"``: those the managed login opened).
        self.oauth = oauth
        #: The operations refreshes are sent with; sign-in flows on this manager use the same.
        self.operations = operations
        self._transport = transport
        self._store = store
        self._clock = clock
        self._inflight: dict[str, asyncio.Task[SessionRecord]] = {}
        self._listeners: list[Callable[[SessionEvent], None]] = []
        #: How many refreshes this manager started (observability and tests).
        self.refresh_count = 0
        self._rotation_detected = False

    def __repr__(self) -> str:
        return f"SessionManager(pool={self._config.user_pool_id!r}, inflight={len(self._inflight)})"

    # -- keys and records -------------------------------------------------------------------

    def session_key(self, username: str) -> str:
        """The store key of ``username``'s session (internal username, pool and client scoped)."""
        cfg = self._config
        return f"authflow:{cfg.user_pool_id}:{cfg.client_id}:session:{username}"

    def device_key_for(self, login: str) -> str:
        """The store key of the remembered device of the user who signs in as ``login``."""
        cfg = self._config
        return f"authflow:{cfg.user_pool_id}:device:{login}"

    def on_event(self, listener: Callable[[SessionEvent], None]) -> None:
        """Call ``listener`` for every :class:`SessionEvent`."""
        self._listeners.append(listener)

    def _emit(self, kind: EventKind, key: str, error: BaseException | None = None) -> None:
        event = SessionEvent(kind, key, None if error is None else type(error).__name__)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a faulty listener must not break sessions
                log.exception("session event listener failed")

    async def load(self, key: str) -> SessionRecord | None:
        """The stored session under ``key``, or ``None``."""
        data = await self._store.get(key)
        return None if data is None else SessionRecord.from_json(data)

    async def open_session(
        self,
        *,
        login: str,
        tokens: Tokens,
        received_at: float,
        device_key: str | None,
        refresh_with: RefreshRoute = "api",
    ) -> str:
        """Store the session a sign-in as ``login`` just opened; return its key."""
        cfg = self._config
        record = SessionRecord.from_tokens(
            user_pool_id=cfg.user_pool_id,
            client_id=cfg.client_id,
            login=login,
            tokens=tokens,
            received_at=received_at,
            device_key=device_key,
            refresh_with=refresh_with,
        )
        key = self.session_key(record.username)
        await self.save(key, record)
        return key

    async def save(self, key: str, record: SessionRecord) -> None:
        """Store ``record`` under ``key`` as one atomic write."""
        await self._store.set(key, record.to_json())
        self._emit("saved", key)

    # -- tokens --------------------------------------------------------------------------------

    async def access_token(self, key: str) -> str:
        """A valid access token for the session ``key``, refreshing first when it is about to
        expire. Raises :class:`SessionNotFoundError` (an :class:`InvalidStateError`) when there is
        no such session."""
        record = await self.load(key)
        if record is None:
            raise SessionNotFoundError(key)
        if not record.tokens.expires_within(self._config.refresh_leeway, self._clock()):
            return record.tokens.access_token
        record = await self.refresh(key)
        return record.tokens.access_token

    async def refresh(self, key: str, *, force: bool = False) -> SessionRecord:
        """Refresh the session ``key`` (single-flight) and return the new record.

        Without ``force`` a session that is no longer close to expiry when the lock is obtained
        (another caller or process refreshed it) is returned as is.
        """
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._refresh(key, force))
            self._inflight[key] = task
            task.add_done_callback(self._finished(key))
        return await asyncio.shield(task)

    def _finished(self, key: str) -> Callable[[asyncio.Task[SessionRecord]], None]:
        def forget(task: asyncio.Task[SessionRecord]) -> None:
            if self._inflight.get(key) is task:
                del self._inflight[key]

        return forget

    async def _refresh(self, key: str, force: bool) -> SessionRecord:
        async with self._store.lock(key + ":refresh"):
            record = await self.load(key)
            if record is None:
                raise SessionNotFoundError(key)
            now = self._clock()
            if not force and not record.tokens.expires_within(self._config.refresh_leeway, now):
                return record
            refresh_token = record.tokens.refresh_token
            if not refresh_token:
                raise InvalidStateError("the session has no refresh token", state="Authenticated")
            try:
                result = await self._send_refresh(record, refresh_token)
            except DEFINITIVE_REFRESH_ERRORS as exc:
                await self._store.delete(key)
                self._emit("signed_out", key, exc)
                raise
            except Exception as exc:
                self._emit("refresh_failed", key, exc)
                raise
            updated = record.with_tokens(tokens_from_result(result, self._clock()))
            await self._store.set(key, updated.to_json())
            self._emit("refreshed", key)
            return updated

    async def _send_refresh(
        self, record: SessionRecord, refresh_token: str
    ) -> AuthenticationResult:
        self.refresh_count += 1
        if record.refresh_with == "oauth":
            return await self._oauth_refresh(refresh_token)
        if self._config.use_token_rotation or self._rotation_detected:
            return await self._get_tokens(record, refresh_token)
        try:
            return await self._refresh_token_auth(record, refresh_token)
        except InvalidParameterError:
            # An app client with refresh-token rotation refuses REFRESH_TOKEN_AUTH; try the
            # rotation call once and, if it works, use it from now on.
            result = await self._get_tokens(record, refresh_token)
            self._rotation_detected = True
            log.info("the app client rotates refresh tokens; using GetTokensFromRefreshToken")
            return result

    async def _oauth_refresh(self, refresh_token: str) -> AuthenticationResult:
        if self.oauth is None:
            raise InvalidStateError(
                "this session refreshes through the pool domain: configure domain or "
                "domain_prefix",
                state="Authenticated",
            )
        cfg = self._config
        body = await self.oauth.token(
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            client_id=cfg.client_id,
            client_secret=cfg.client_secret,
        )
        return TokenResponse.from_wire(body).authentication_result()

    async def _get_tokens(self, record: SessionRecord, refresh_token: str) -> AuthenticationResult:
        cfg = self._config
        rotated = await call(
            self._transport,
            GetTokensFromRefreshTokenRequest(
                refresh_token=refresh_token,
                client_id=cfg.client_id,
                client_secret=cfg.client_secret,
                device_key=record.device_key,
            ),
        )
        return _result_of(rotated.authentication_result)

    async def _refresh_token_auth(
        self, record: SessionRecord, refresh_token: str
    ) -> AuthenticationResult:
        cfg = self._config
        params = {"REFRESH_TOKEN": refresh_token}
        if cfg.client_secret:
            # over the internal username: the e-mail alias gives "SecretHash does not match"
            params["SECRET_HASH"] = secret_hash(record.username, cfg.client_id, cfg.client_secret)
        if record.device_key:
            params["DEVICE_KEY"] = record.device_key
        response = await call(self._transport, self.operations.refresh(cfg, params))
        return _result_of(response.authentication_result)

    async def forget(self, key: str) -> None:
        """Delete the session record without telling the server (e.g. after DeleteUser)."""
        await self._store.delete(key)
        self._emit("signed_out", key)

    # -- sign-out ------------------------------------------------------------------------------

    async def sign_out(self, key: str, *, global_: bool = False) -> None:
        """Sign the session out: RevokeToken on its refresh token, or GlobalSignOut with
        ``global_=True`` (every session of the user). The record is deleted only once the server
        has accepted; an error leaves the session as it was."""
        record = await self.load(key)
        if record is None:
            raise SessionNotFoundError(key)
        cfg = self._config
        if global_:
            token = await self.access_token(key)
            await call(self._transport, GlobalSignOutRequest(access_token=token))
        elif record.tokens.refresh_token:
            await call(
                self._transport,
                RevokeTokenRequest(
                    token=record.tokens.refresh_token,
                    client_id=cfg.client_id,
                    client_secret=cfg.client_secret,
                ),
            )
        await self._store.delete(key)
        self._emit("signed_out", key)
