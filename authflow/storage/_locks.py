"""The process-local first half of every store's ``lock()``.

Every store's ``lock(key)`` first takes an :class:`asyncio.Lock` for ``key`` in this process, then
the cross-process lock (flock, Redis). So N callers waiting in one process make one cross-process
attempt, not N: 250 waiting callers cost one polling Redis connection, not 250.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from authflow.storage.errors import StoreLockTimeoutError

__all__ = ["KeyedLocks", "lock_timeout"]


def lock_timeout(key: str, timeout: float) -> StoreLockTimeoutError:
    """The error for a lock on ``key`` not obtained within ``timeout`` seconds."""
    return StoreLockTimeoutError(f"lock {key!r} not obtained within {timeout:g} s", key=key)


class KeyedLocks:
    """One :class:`asyncio.Lock` per (event loop, key), created on demand and dropped when no
    caller holds or waits for it (the table does not grow with every key ever locked).

    Locks are per event loop so one store may serve threads that each run their own loop (the
    cross-process lock then separates them).
    """

    def __init__(self) -> None:
        self._table: dict[tuple[int, str], tuple[asyncio.Lock, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._table)

    @asynccontextmanager
    async def hold(self, key: str, timeout: float) -> AsyncIterator[None]:  # noqa: ASYNC109
        """Hold the local lock for ``key``; :class:`StoreLockTimeoutError` after ``timeout``."""
        slot = (id(asyncio.get_running_loop()), key)
        entry = self._table.get(slot)
        if entry is None:
            entry = self._table[slot] = (asyncio.Lock(), [0])
        lock, users = entry
        users[0] += 1
        try:
            try:
                async with asyncio.timeout(timeout):
                    await lock.acquire()
            except TimeoutError:
                raise lock_timeout(key, timeout) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._table[slot]
