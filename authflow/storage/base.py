"""The storage contract every session store satisfies.

A store keeps JSON-safe records (``dict`` values) under string keys. Each ``set`` replaces the whole
record atomically: readers see the old record or the new one, never a mix. ``lock`` is the
cross-caller mutual exclusion used for single-flight refreshes (in-process for MemoryStore; across
processes for stores that can).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, runtime_checkable

__all__ = ["Record", "Store"]

#: A JSON-safe mapping (str keys; str/int/float/bool/None/list/dict values).
Record = dict[str, Any]


@runtime_checkable
class Store(Protocol):
    """Async key → record storage with optional expiry and a named lock."""

    async def get(self, key: str) -> Record | None:
        """Return the record stored under ``key``, or ``None`` (absent or expired)."""
        ...

    async def set(self, key: str, record: Record, *, ttl: float | None = None) -> None:
        """Atomically store ``record`` under ``key``, expiring after ``ttl`` seconds if given."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; removing an absent key is not an error."""
        ...

    def lock(self, key: str, *, timeout: float = 30.0) -> AbstractAsyncContextManager[None]:
        """An async context manager holding the lock named ``key`` for its block."""
        ...

    async def close(self) -> None:
        """Release resources (connections); the store is unusable afterwards."""
        ...
