"""A user's sessions: listing them, and ending them (sign-out, global sign-out, forget, replace).

:class:`UserSessions` is the part of :class:`~authflow.sessions.manager.SessionManager` (its base
class) that works on the per-user index (:mod:`authflow.sessions.index`) and on ending sessions;
the manager keeps the records and their refreshes. See docs/sessions.md for what each reason of
a ``signed_out`` event means.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from authflow.protocol.checks import is_unicode
from authflow.protocol.errors import SessionNotFoundError, ValidationError
from authflow.protocol.operations import GlobalSignOutRequest, RevokeTokenRequest
from authflow.sessions.index import SessionIndex, SessionInfo
from authflow.sessions.keys import SessionKeys
from authflow.sessions.record import SessionRecord
from authflow.storage.base import Store
from authflow.storage.errors import CorruptRecordError, StoreError
from authflow.transport.base import Transport, call

if TYPE_CHECKING:
    from authflow.config import CognitoConfig
    from authflow.sessions.events import EventKind

__all__ = ["UserSessions"]

log = logging.getLogger("authflow.sessions")


def _check_name(value: object, field: str) -> str:
    """A username or login as Cognito allows it: 1..128 characters of valid Unicode."""
    if not isinstance(value, str) or not 1 <= len(value) <= 128:
        raise ValidationError(f"{field} must be a string of 1 to 128 characters", field=field)
    if not is_unicode(value):
        raise ValidationError(f"{field} contains a lone surrogate", field=field)
    return value


class UserSessions:
    """Listing and ending the sessions of users (the session manager's base class)."""

    _config: CognitoConfig
    _transport: Transport
    _store: Store
    _lost: dict[str, str]
    keys: SessionKeys
    index: SessionIndex

    if TYPE_CHECKING:  # provided by SessionManager

        async def load(self, key: str) -> SessionRecord | None: ...

        async def access_token(self, key: str) -> str: ...

        def _server_now(self, record: SessionRecord | None = None) -> float: ...

        def _emit(
            self,
            kind: EventKind,
            key: str,
            *,
            username: str | None = None,
            reason: str | None = None,
            error: BaseException | None = None,
        ) -> None: ...

    # -- sign-out -------------------------------------------------------------------------------

    async def _revoke(self, refresh_token: str) -> None:
        cfg = self._config
        await call(
            self._transport,
            RevokeTokenRequest(
                token=refresh_token, client_id=cfg.client_id, client_secret=cfg.client_secret
            ),
        )

    async def _revoke_quietly(self, refresh_token: str) -> None:
        try:
            await self._revoke(refresh_token)
        except Exception as exc:  # best effort: the session is gone either way
            log.warning("could not revoke a superseded refresh token: %s", type(exc).__name__)

    async def _unlist(self, username: str, *keys: str) -> None:
        try:
            await self.index.remove(username, keys)
        except StoreError as exc:
            log.warning("could not update a session index: %s", type(exc).__name__)

    async def _globally_signed_out(self, record: SessionRecord) -> bool:
        try:
            at = await self.index.global_sign_out_at(record.username)
        except StoreError:
            return False
        return at is not None and at >= record.created_at

    async def _end_quietly(self, info: SessionInfo, *, reason: str) -> None:
        """Revoke and delete a session the manager ends on its own (``replaced``)."""
        try:
            record = await self.load(info.key)
            if record is not None and record.tokens.refresh_token:
                await self._revoke(record.tokens.refresh_token)
            await self._store.delete(info.key)
        except Exception as exc:
            log.warning("could not end a %s session: %s", reason, type(exc).__name__)
            return
        await self._unlist(info.username, info.key)
        self._emit("signed_out", info.key, username=info.username, reason=reason)

    async def forget(self, key: str, *, reason: str = "forgotten") -> None:
        """Delete the session record without telling the server. With ``reason="user_deleted"``
        (after DeleteUser) every other listed session of the user is forgotten too."""
        record = await self.load(key)
        await self._store.delete(key)
        others: list[SessionInfo] = []
        if record is not None:
            if reason == "user_deleted":
                others = [s for s in await self.index.sessions(record.username, now=0) if
                          s.key != key]
            await self._unlist(record.username, key, *(s.key for s in others))
        for info in others:
            await self._store.delete(info.key)
            self._emit("signed_out", info.key, username=info.username, reason=reason)
        self._emit("signed_out", key, username=record.username if record else None,
                   reason=reason)

    async def sign_out(self, key: str, *, global_: bool = False) -> None:
        """Sign the session out: RevokeToken on its refresh token, or GlobalSignOut with
        ``global_=True`` (every session of the user: their records here are deleted too). The
        record is deleted once the server has accepted, unconditionally, so a refresh in flight
        cannot write it back; an error leaves the session as it was."""
        if not isinstance(global_, bool):
            raise ValidationError("global_ must be True or False", field="global_")
        record = await self.load(key)
        if record is None:
            raise SessionNotFoundError(key)
        others: list[SessionInfo] = []
        if global_:
            token = await self.access_token(key)
            await call(self._transport, GlobalSignOutRequest(access_token=token))
            try:
                others = await self.index.mark_global_sign_out(
                    record.username, self._server_now(record)
                )
            except StoreError as exc:
                log.warning("could not mark a global sign-out: %s", type(exc).__name__)
        elif record.tokens.refresh_token:
            await self._revoke(record.tokens.refresh_token)
        await self._store.delete(key)
        if not global_:
            await self._unlist(record.username, key)
        self._lost.pop(key, None)
        self._emit("signed_out", key, username=record.username, reason="signed_out_here")
        for info in others:
            if info.key != key:
                await self._store.delete(info.key)
                self._emit("signed_out", info.key, username=info.username,
                           reason="global_sign_out")

    # -- listing --------------------------------------------------------------------------------

    async def sessions_of(self, name: str) -> list[SessionInfo]:
        """The live sessions of a user, newest first: ``name`` is the internal username, or a
        login the user signed in with (then only the sessions opened with that login). Entries
        whose record is gone (expired, evicted) are dropped from the index."""
        name = _check_name(name, "username")
        username, login = name, None
        infos = await self.index.sessions(name, now=self._server_now())
        if not infos:
            resolved = await self.index.username_of(name)
            if resolved is not None and resolved != name:
                username, login = resolved, name
                infos = await self.index.sessions(resolved, now=self._server_now())
        live: list[SessionInfo] = []
        gone: list[str] = []
        for info in infos:
            if login is not None and info.login != login:
                continue
            try:
                present = await self._store.get(info.key) is not None
            except CorruptRecordError:
                present = True  # listed, and reported when used
            if present:
                live.append(info)
            else:
                gone.append(info.key)
        if gone:
            await self._unlist(username, *gone)
        return live

    async def latest_session(self, login: str) -> str | None:
        """The key of the newest live session opened with ``login`` (or of the user whose
        internal username it is), or ``None``: "the" session of a CLI profile."""
        login = _check_name(login, "login")
        infos = await self.sessions_of(login)
        mine = [info for info in infos if info.login == login] or infos
        return mine[0].key if mine else None

    async def sign_out_all(self, name: str) -> int:
        """Sign out (RevokeToken) every live session of a user (see :meth:`sessions_of` for
        ``name``); return how many were signed out."""
        count = 0
        for info in await self.sessions_of(name):
            try:
                await self.sign_out(info.key)
            except SessionNotFoundError:
                continue
            count += 1
        return count
