"""The index of a user's sessions: which sign-ins of a user are live, and since when.

A session is one sign-in with its own key, so a user signed in twice has two sessions. The index
(one record per internal username, see :mod:`authflow.sessions.keys`) lists them so a service can
show a user's sessions and sign out one or all, and remembers the time of the user's last global
sign-out. It is updated with ``compare_and_set`` retry loops: any number of processes may add and
remove entries at once without losing one. It never holds a token.

Entries whose refresh token has expired are pruned on every write; an entry whose record is gone
(expired, evicted) is pruned by whoever notices (``SessionManager.sessions_of``). The login
pointer maps what a user typed to the internal username, so a CLI can find "the" session of a
login.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Collection, Mapping
from typing import Any

import attrs

from authflow.sessions.keys import ID_PATTERN, SessionKeys
from authflow.storage.base import Record, Store
from authflow.storage.errors import CorruptRecordError, StoreError

__all__ = ["SessionIndex", "SessionInfo"]

log = logging.getLogger("authflow.sessions")

_VERSION = 1
#: Compare-and-set attempts before an index update gives up (each loser re-reads and retries).
_MAX_ATTEMPTS = 64
_MAX_ENTRIES = 10_000


@attrs.frozen
class SessionInfo:
    """One session of a user, as the index lists it (no token): its key, the internal
    ``username``, the ``login`` it signed in with, and when it was created and its refresh token
    expires (server time, epoch seconds; ``expires_at`` is ``None`` when unknown)."""

    key: str
    username: str
    login: str
    created_at: float
    expires_at: float | None = None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > 1e11:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@attrs.frozen
class _Index:
    username: str
    entries: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)  # id -> entry
    global_sign_out_at: float | None = None

    @classmethod
    def parse(cls, username: str, raw: Record | None, key: str) -> _Index:
        if raw is None:
            return cls(username)
        sessions = raw.get("sessions")
        if raw.get("version") != _VERSION or raw.get("username") != username or not isinstance(
            sessions, dict
        ):
            log.warning("the session index %r is not one this version wrote; starting afresh", key)
            return cls(username)
        entries: dict[str, Mapping[str, Any]] = {}
        for ident, entry in sessions.items():
            if (
                ID_PATTERN.fullmatch(ident)
                and isinstance(entry, dict)
                and isinstance(entry.get("login"), str)
                and _number(entry.get("created_at")) is not None
                and (entry.get("expires_at") is None or _number(entry["expires_at"]) is not None)
            ):
                entries[ident] = entry
        return cls(username, entries, _number(raw.get("global_sign_out_at")))

    def to_json(self) -> Record:
        return {
            "version": _VERSION,
            "username": self.username,
            "sessions": {ident: dict(entry) for ident, entry in self.entries.items()},
            "global_sign_out_at": self.global_sign_out_at,
        }

    def pruned(self, now: float) -> _Index:
        live = {
            ident: entry
            for ident, entry in self.entries.items()
            if entry.get("expires_at") is None or entry["expires_at"] > now
        }
        return attrs.evolve(self, entries=live)

    def infos(self, keys: SessionKeys) -> list[SessionInfo]:
        found = [
            SessionInfo(
                key=keys.session(ident),
                username=self.username,
                login=entry["login"],
                created_at=float(entry["created_at"]),
                expires_at=None if entry.get("expires_at") is None else float(entry["expires_at"]),
            )
            for ident, entry in self.entries.items()
        ]
        return sorted(found, key=lambda info: info.created_at, reverse=True)


class SessionIndex:
    """Reads and updates users' session indexes and login pointers in ``store``; records expire
    after ``retention`` seconds without a write (the refresh-token validity)."""

    def __init__(self, store: Store, keys: SessionKeys, *, retention: float) -> None:
        self._store = store
        self._keys = keys
        self._retention = retention

    def __repr__(self) -> str:
        return f"SessionIndex(retention={self._retention:g})"

    async def _read(self, key: str) -> Record | None:
        try:
            return await self._store.get(key)
        except CorruptRecordError:
            log.warning("dropping the unreadable session index %r", key)
            await self._store.delete(key)
            return None

    async def _update(self, username: str, change: Callable[[_Index], _Index]) -> _Index:
        key = self._keys.user_index(username)
        for attempt in range(_MAX_ATTEMPTS):
            raw = await self._read(key)
            new = change(_Index.parse(username, raw, key))
            record = new.to_json() if new.entries or new.global_sign_out_at else None
            if raw is None and record is None:
                return new
            if await self._store.compare_and_set(key, raw, record, ttl=self._retention):
                return new
            await asyncio.sleep(0.001 * min(attempt, 10))  # another writer won: read again
        raise StoreError(f"the session index {key!r} stayed contended", key=key)

    async def add(self, info: SessionInfo, *, now: float) -> list[SessionInfo]:
        """Add ``info`` (pruning expired entries); return the user's sessions, newest first."""
        ident = self._keys.session_id_of(info.key)
        if ident is None:
            raise ValueError("not a session key of this app client")
        entry = {"login": info.login, "created_at": info.created_at, "expires_at": info.expires_at}

        def change(index: _Index) -> _Index:
            entries = dict(index.pruned(now).entries)
            entries[ident] = entry
            if len(entries) > _MAX_ENTRIES:  # keep the newest; the others expire on their own
                newest = sorted(entries.items(), key=lambda e: e[1]["created_at"])[-_MAX_ENTRIES:]
                entries = dict(newest)
            return attrs.evolve(index, entries=entries)

        return (await self._update(info.username, change)).infos(self._keys)

    async def remove(self, username: str, keys: Collection[str]) -> None:
        """Remove the sessions ``keys`` from ``username``'s index."""
        idents = {self._keys.session_id_of(key) for key in keys} - {None}
        if not idents:
            return

        def change(index: _Index) -> _Index:
            entries = {i: e for i, e in index.entries.items() if i not in idents}
            return attrs.evolve(index, entries=entries)

        await self._update(username, change)

    async def sessions(self, username: str, *, now: float) -> list[SessionInfo]:
        """``username``'s indexed sessions whose refresh token has not expired, newest first."""
        key = self._keys.user_index(username)
        return _Index.parse(username, await self._read(key), key).pruned(now).infos(self._keys)

    async def mark_global_sign_out(self, username: str, at: float) -> list[SessionInfo]:
        """Note that every session of ``username`` created before ``at`` (server time) was
        signed out globally; return (and drop from the index) the sessions that were listed."""
        dropped: list[SessionInfo] = []

        def change(index: _Index) -> _Index:
            dropped[:] = index.infos(self._keys)
            return attrs.evolve(index, entries={}, global_sign_out_at=at)

        await self._update(username, change)
        return dropped

    async def global_sign_out_at(self, username: str) -> float | None:
        """When ``username`` was last signed out globally (server time), if known."""
        key = self._keys.user_index(username)
        return _Index.parse(username, await self._read(key), key).global_sign_out_at

    async def note_login(self, login: str, username: str) -> None:
        """Remember that ``login`` signs in as ``username``."""
        record = {"version": _VERSION, "username": username}
        await self._store.set(self._keys.login(login), record, ttl=self._retention)

    async def username_of(self, login: str) -> str | None:
        """The internal username ``login`` last signed in as, if known."""
        raw = await self._read(self._keys.login(login))
        name = None if raw is None else raw.get("username")
        return name if isinstance(name, str) and name else None
