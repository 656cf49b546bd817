"""The session manager: valid access tokens on demand, one refresh per fleet, sign-out, events.

**One session per sign-in.** Every successful sign-in gets its own key (a 128-bit random id, see
:mod:`authflow.sessions.keys`) and an entry in its user's index (:mod:`authflow.sessions.index`),
so a second sign-in of the same user never overwrites the first: each is refreshed and signed out
on its own, and :meth:`SessionManager.sessions_of` lists them.

**One refresh per fleet.** In a process, concurrent callers share one refresh task. Across
processes sharing a store, the refresh runs under the store's lock on the session key: the first
holder re-reads the record, refreshes and writes with ``compare_and_set`` over the raw record it
read; the others, once they hold the lock, re-read the record, find it fresh and use it. The lock
timeout is derived from the transport's retry budget (:func:`~authflow.sessions.refresh.
refresh_lock_timeout`), so a waiter never gives up while the holder may still be retrying; a
holder that dies delays the others by at most its lock's lease (a Redis lock) or not at all (a
file lock dies with its process).

**Sign-out wins.** A sign-out deletes the record unconditionally; a refresh that was in flight
then fails its ``compare_and_set``, raises :class:`SessionNotFoundError` and revokes the refresh
token it obtained (if rotation issued a new one): a signed-out session never comes back.

**Time.** Expiry is compared in server time: the access token's ``exp`` against this manager's
own estimate of server minus local time (:attr:`SessionManager.clock_skew`, learned from the
``iat`` of every token it receives), or the record writer's estimate until it has one.

Transient failures (throttling, 5xx, network, timeouts, the store unreachable or its lock busy)
never sign a user out: the record is kept and the error re-raised. Definitive ones (the refresh
token is revoked, expired, reused, the user is gone) delete the record, emit ``signed_out`` with
the reason and re-raise.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from authflow.config import CognitoConfig
from authflow.protocol.errors import (
    CredentialsError,
    InvalidStateError,
    ProtocolViolationError,
    SessionNotFoundError,
    ValidationError,
)
from authflow.protocol.shapes import AuthenticationResult
from authflow.sessions.events import EventKind, EventListener, SessionEvent, SessionEvents
from authflow.sessions.index import SessionIndex, SessionInfo
from authflow.sessions.keys import SessionKeys, new_id
from authflow.sessions.pending import PendingSignIns
from authflow.sessions.record import RefreshRoute, SessionRecord, Tokens, tokens_from_result
from authflow.sessions.refresh import (
    DEFINITIVE_REFRESH_ERRORS,
    RefreshAttempt,
    Refresher,
    refresh_lock_timeout,
    sign_out_reason,
)
from authflow.sessions.signin_operations import PUBLIC, SignInOperations
from authflow.sessions.user_sessions import UserSessions

if TYPE_CHECKING:
    from authflow.transport.oauth import OAuthTransport
from authflow.storage.base import Record, Store
from authflow.storage.errors import (
    CorruptRecordError,
    StoreError,
    StoreLockTimeoutError,
    StoreUnavailableError,
)
from authflow.transport.base import Transport

__all__ = [
    "DEFINITIVE_REFRESH_ERRORS",
    "SessionEvent",
    "SessionManager",
    "SessionNotFoundError",
    "tokens_from_result",
]

log = logging.getLogger("authflow.sessions")


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key:
        raise ValidationError("a session key must be a non-empty string", field="key")
    return key


class SessionManager(UserSessions):
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
        admin_operations: SignInOperations | None = None,
        oauth: OAuthTransport | None = None,
    ) -> None:
        self._config = config
        #: The operations public sign-ins on this manager, and their refreshes, are sent with.
        self.operations = operations
        #: The operations of server-side sign-ins (``ADMIN``), or ``None`` when this manager
        #: cannot send them (no AWS credentials to sign them with).
        self.admin_operations = admin_operations
        self._transport = transport
        self._store = store
        self._clock = clock
        #: The key scheme (session, index, pending and device keys) of this app client.
        self.keys = SessionKeys(config)
        #: The event hub (:meth:`on_event`, :meth:`events`).
        self.events = SessionEvents()
        #: The users' session indexes.
        self.index = SessionIndex(store, self.keys, retention=config.refresh_token_validity)
        #: Pending sign-ins saved by key.
        self.pending = PendingSignIns(store, self.keys)
        self._refresher = Refresher(config, transport, self.operation_set, clock, oauth=oauth)
        #: Seconds a caller waits for another caller's refresh (see ``refresh_lock_timeout``).
        self.refresh_lock_timeout = refresh_lock_timeout(transport, config)
        self._inflight: dict[str, asyncio.Task[SessionRecord]] = {}
        self._reading: dict[str, asyncio.Task[SessionRecord | None]] = {}
        self._lost: dict[str, str] = {}  # key -> fingerprint of a refresh token left superseded
        self._skew: float | None = None
        #: How many refreshes this manager performed (observability and tests).
        self.refresh_count = 0

    def __repr__(self) -> str:
        return f"SessionManager(pool={self._config.user_pool_id!r}, inflight={len(self._inflight)})"

    # -- keys, time and events ------------------------------------------------------------------

    def device_key_for(self, login: str) -> str:
        """The store key of the remembered device of the user who signs in as ``login``."""
        return self.keys.device(login)

    @property
    def clock_skew(self) -> float | None:
        """This manager's estimate of server minus local time (seconds), learned from the ``iat``
        of the tokens it received; ``None`` before it received any."""
        return self._skew

    def _server_now(self, record: SessionRecord | None = None) -> float:
        skew = self._skew
        if skew is None:
            skew = record.clock_skew if record is not None else 0.0
        return self._clock() + skew

    def _due(self, record: SessionRecord) -> bool:
        return record.access_expires_within(self._config.refresh_leeway, self._server_now(record))

    def _ttl(self, record: SessionRecord) -> float:
        """Seconds the record lives in the store: until its refresh token expires."""
        validity = self._config.refresh_token_validity
        if record.refresh_expires is None:
            return validity
        return min(validity, max(1.0, record.refresh_expires - self._server_now(record)))

    def on_event(self, listener: EventListener) -> Callable[[], None]:
        """Call ``listener`` (a function, or an ``async def`` run as a task) for every
        :class:`SessionEvent`; returns a function that unsubscribes it."""
        return self.events.subscribe(listener)

    def _emit(
        self,
        kind: EventKind,
        key: str,
        *,
        username: str | None = None,
        reason: str | None = None,
        error: BaseException | None = None,
    ) -> None:
        name = None if error is None else type(error).__name__
        self.events.emit(
            SessionEvent(kind, key, username=username, reason=reason, error=name, at=self._clock())
        )

    # -- records --------------------------------------------------------------------------------

    async def _read(self, key: str) -> tuple[Record | None, SessionRecord | None]:
        """The raw record under ``key`` (the ``expected`` of a later compare_and_set) and its
        parsed form; a record that is not a session record is a CorruptRecordError naming it."""
        raw = await self._store.get(key)
        if raw is None:
            return None, None
        try:
            return raw, SessionRecord.from_json(raw)
        except ProtocolViolationError as exc:
            field = f" ({exc.field})" if exc.field else ""
            raise CorruptRecordError(
                f"record under {key!r} is not a session record{field}", key=key
            ) from None

    async def load(self, key: str) -> SessionRecord | None:
        """The stored session under ``key``, or ``None``."""
        return (await self._read(key))[1]

    def operation_set(self, role: str) -> SignInOperations:
        """The operations of a sign-in (and of its session's refreshes) whose options name
        ``role``: ``"public"`` or ``"admin"``. Raises :class:`CredentialsError` for ``"admin"``
        on a manager without admin operations."""
        if role == "public":
            return self.operations
        if role == "admin":
            if self.admin_operations is None:
                raise CredentialsError(
                    "this sign-in runs with the admin operations (AdminInitiateAuth), which are "
                    "signed with AWS credentials: create the AuthClient with credentials="
                )
            return self.admin_operations
        raise ValidationError("operations must be 'public' or 'admin'", field="operations")

    async def open_session(
        self,
        *,
        login: str,
        tokens: Tokens,
        received_at: float,
        device_key: str | None,
        operations: str = "public",
        refresh_with: RefreshRoute = "api",
    ) -> str:
        """Store the session a sign-in as ``login`` just opened under a new key; return it.
        ``operations`` is the role of the sign-in's operation set, which its refreshes use too."""
        cfg = self._config
        session_id = new_id()
        key = self.keys.session(session_id)
        record = SessionRecord.from_tokens(
            user_pool_id=cfg.user_pool_id,
            client_id=cfg.client_id,
            login=login,
            tokens=tokens,
            received_at=received_at,
            device_key=device_key,
            session_id=session_id,
            refresh_validity=cfg.refresh_token_validity,
            operations=operations,
            refresh_with=refresh_with,
        )
        self._skew = record.clock_skew
        await self._store.set(key, record.to_json(), ttl=self._ttl(record))
        info = SessionInfo(key, record.username, login, record.created_at, record.refresh_expires)
        listed: list[SessionInfo] = []
        try:
            listed = await self.index.add(info, now=self._server_now(record))
            await self.index.note_login(login, record.username)
        except StoreError as exc:  # the session works; it is just not listed
            log.warning("could not index the session of a sign-in: %s", type(exc).__name__)
        self._emit("signed_in", key, username=record.username)
        limit = cfg.max_sessions_per_user
        if limit is not None:
            for old in listed[limit:]:
                await self._end_quietly(old, reason="replaced")
        return key

    # -- tokens ---------------------------------------------------------------------------------

    async def _shared_load(self, key: str) -> SessionRecord | None:
        """:meth:`load`, shared by the callers that ask while a read of ``key`` is in flight
        (1,000 concurrent callers make one store read, not 1,000 connections' worth)."""
        task = self._reading.get(_check_key(key))
        if task is None:
            task = asyncio.ensure_future(self.load(key))
            self._reading[key] = task
            task.add_done_callback(
                lambda done: self._reading.pop(key) if self._reading.get(key) is done else None
            )
        return await asyncio.shield(task)

    async def access_token(self, key: str) -> str:
        """A valid access token for the session ``key``, refreshing first when it is about to
        expire. Raises :class:`SessionNotFoundError` (an :class:`InvalidStateError`) when there is
        no such session, CorruptRecordError when the store holds something else under ``key``."""
        record = await self._shared_load(key)
        if record is None:
            raise SessionNotFoundError(key)
        if not self._due(record):
            return record.tokens.access_token
        record = await self.refresh(key)
        return record.tokens.access_token

    async def refresh(self, key: str, *, force: bool = False) -> SessionRecord:
        """Refresh the session ``key`` (single-flight in this process and, through the store's
        lock, across processes) and return the new record.

        Without ``force`` a session that is no longer close to expiry when the lock is obtained
        (another caller or process refreshed it) is returned as is.
        """
        task = self._inflight.get(_check_key(key))
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

    @asynccontextmanager
    async def _refresh_lock(self, key: str) -> AsyncIterator[None]:
        """The store's lock on ``key``; a store that times out with a plain TimeoutError gets a
        StoreLockTimeoutError (only while acquiring: a refresh's own timeouts stay as they are)."""
        timeout = self.refresh_lock_timeout
        lock = self._store.lock(key, timeout=timeout)
        try:
            await lock.__aenter__()
        except StoreLockTimeoutError:
            raise
        except TimeoutError as exc:
            message = f"lock {key!r} not obtained within {timeout:g} s"
            raise StoreLockTimeoutError(message, key=key) from exc
        try:
            yield
        except BaseException as exc:
            if not await lock.__aexit__(type(exc), exc, exc.__traceback__):
                raise
        else:
            await lock.__aexit__(None, None, None)

    async def _refresh(self, key: str, force: bool) -> SessionRecord:
        try:
            async with self._refresh_lock(key):
                return await self._refresh_locked(key, force)
        except StoreLockTimeoutError as exc:
            self._emit("refresh_failed", key, reason="lock_timeout", error=exc)
            raise
        except StoreUnavailableError as exc:
            self._emit("refresh_failed", key, reason="store_unavailable", error=exc)
            raise

    async def _refresh_locked(self, key: str, force: bool) -> SessionRecord:
        raw, record = await self._read(key)
        if raw is None or record is None:
            raise SessionNotFoundError(key)
        if not force and not self._due(record):
            return record  # another caller or process refreshed it meanwhile
        refresh_token = record.tokens.refresh_token
        if not refresh_token:
            raise InvalidStateError("the session has no refresh token", state="Authenticated")
        attempt = RefreshAttempt()
        self.refresh_count += 1
        try:
            result = await self._refresher.refresh(record, refresh_token, attempt)
        except DEFINITIVE_REFRESH_ERRORS as exc:
            lost = attempt.answer_lost or self._lost.get(key) == _fingerprint(refresh_token)
            reason = sign_out_reason(exc, answer_lost=lost)
            if reason == "revoked" and await self._globally_signed_out(record):
                reason = "global_sign_out"
            await self._store.compare_and_set(key, raw, None)  # delete only what we read
            await self._unlist(record.username, key)
            self._lost.pop(key, None)
            self._emit("signed_out", key, username=record.username, reason=reason, error=exc)
            raise
        except Exception as exc:
            if attempt.answer_lost:
                self._lost[key] = _fingerprint(refresh_token)
            self._emit("refresh_failed", key, username=record.username, reason="transient",
                       error=exc)
            raise
        return await self._store_refreshed(key, raw, record, result)

    async def _store_refreshed(
        self, key: str, raw: Record, record: SessionRecord, result: AuthenticationResult
    ) -> SessionRecord:
        received = self._clock()
        updated = record.with_tokens(
            tokens_from_result(result, received),
            received_at=received,
            refresh_validity=self._config.refresh_token_validity,
        )
        self._skew = updated.clock_skew
        rotated = updated.tokens.refresh_token != record.tokens.refresh_token
        try:
            written = await self._store.compare_and_set(
                key, raw, updated.to_json(), ttl=self._ttl(updated)
            )
        except StoreError:
            if rotated:  # the new refresh token is lost; the old one only lasts the grace period
                self._lost[key] = _fingerprint(record.tokens.refresh_token or "")
            raise
        self._lost.pop(key, None)
        if written:
            self._emit("refreshed", key, username=updated.username)
            return updated
        # the session changed while the refresh was in flight: signed out, or (a lock lease that
        # expired) refreshed by another holder, whose tokens win
        _, current = await self._read(key)
        if current is not None:
            return current
        if rotated and updated.tokens.refresh_token:
            await self._revoke_quietly(updated.tokens.refresh_token)
        raise SessionNotFoundError(key)
