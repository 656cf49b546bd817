"""MemoryStore: the default, in-process store."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from authflow.storage._codec import (
    check_key,
    check_timeout,
    check_ttl,
    decode_record,
    encode_record,
)
from authflow.storage._locks import KeyedLocks
from authflow.storage.base import Record

__all__ = ["MemoryStore"]


class MemoryStore:
    """Keeps records in a dict, as canonical JSON so callers can never mutate a stored record and
    non-JSON values are refused at ``set`` time (as every other store refuses them).

    Everything happens within one event-loop step, so ``set`` and ``compare_and_set`` are atomic;
    ``lock`` is in-process only.

    >>> store = MemoryStore()
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._locks = KeyedLocks()
        self._clock = clock

    def __repr__(self) -> str:
        return f"MemoryStore(keys={len(self._data)})"

    def _current(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        data, expires = item
        if expires is not None and self._clock() >= expires:
            del self._data[key]
            return None
        return data

    def _put(self, key: str, data: bytes, ttl: float | None) -> None:
        self._data[key] = (data, None if ttl is None else self._clock() + ttl)

    async def get(self, key: str) -> Record | None:
        """Return a fresh copy of the record under ``key`` or ``None``."""
        data = self._current(check_key(key))
        return None if data is None else decode_record(key, data)

    async def set(self, key: str, record: Record, *, ttl: float | None = None) -> None:
        """Store a copy of ``record``; raises :class:`ValidationError` if it is not JSON-safe."""
        check_key(key)
        data, ttl = encode_record(record), check_ttl(ttl)
        self._put(key, data, ttl)

    async def compare_and_set(
        self, key: str, expected: Record | None, new: Record | None, *, ttl: float | None = None
    ) -> bool:
        """Replace the record under ``key`` by ``new`` (delete if ``None``) only if it is still
        ``expected`` (``None``: absent); see :meth:`Store.compare_and_set
        <authflow.storage.base.Store.compare_and_set>`."""
        check_key(key)
        want = None if expected is None else encode_record(expected)
        data = None if new is None else encode_record(new)
        ttl = check_ttl(ttl)
        if self._current(key) != want:
            return False
        if data is None:
            self._data.pop(key, None)
        else:
            self._put(key, data, ttl)
        return True

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        self._data.pop(check_key(key), None)

    @asynccontextmanager
    async def lock(self, key: str, *, timeout: float = 30.0) -> AsyncIterator[None]:  # noqa: ASYNC109
        """Hold an in-process lock named ``key``; raises
        :class:`~authflow.storage.errors.StoreLockTimeoutError` after ``timeout`` seconds."""
        timeout = check_timeout(timeout)
        async with self._locks.hold(check_key(key), timeout):
            yield

    async def close(self) -> None:
        """Drop every record."""
        self._data.clear()
