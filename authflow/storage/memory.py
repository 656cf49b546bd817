"""MemoryStore: the default, in-process store."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from authflow.protocol.errors import ValidationError
from authflow.storage.base import Record

__all__ = ["MemoryStore"]


class MemoryStore:
    """Keeps records in a dict, as JSON text so callers can never mutate a stored record and
    non-JSON values are refused at ``set`` time (as every other store would refuse them).

    >>> store = MemoryStore()
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._clock = clock

    def __repr__(self) -> str:
        return f"MemoryStore(keys={len(self._data)})"

    async def get(self, key: str) -> Record | None:
        """Return a fresh copy of the record under ``key`` or ``None``."""
        item = self._data.get(key)
        if item is None:
            return None
        text, expires = item
        if expires is not None and self._clock() >= expires:
            del self._data[key]
            return None
        value: Record = json.loads(text)
        return value

    async def set(self, key: str, record: Record, *, ttl: float | None = None) -> None:
        """Store a copy of ``record``; raises :class:`ValidationError` if it is not JSON-safe."""
        try:
            text = json.dumps(record, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"record is not JSON-safe: {type(exc).__name__}") from None
        expires = None if ttl is None else self._clock() + ttl
        self._data[key] = (text, expires)

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        self._data.pop(key, None)

    @asynccontextmanager
    async def lock(self, key: str, *, timeout: float = 30.0) -> AsyncIterator[None]:  # noqa: ASYNC109
        """Hold an in-process lock named ``key``; raises ``TimeoutError`` after ``timeout``."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with asyncio.timeout(timeout):
            await lock.acquire()
        try:
            yield
        finally:
            lock.release()

    async def close(self) -> None:
        """Drop every record."""
        self._data.clear()
