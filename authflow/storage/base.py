"""The storage contract every session store satisfies.

A store keeps JSON-safe records (``dict`` values) under string keys. Each ``set`` replaces the whole
record atomically: readers see the old record or the new one, never a mix. ``compare_and_set`` is
the conditional write that keeps concurrent writers honest. ``lock`` is the cross-caller mutual
exclusion used for single-flight refreshes (in-process for MemoryStore; across processes for the
stores that can).

Shared rules of every store:

* keys are non-empty ``str`` of valid Unicode, at most 8 KiB of UTF-8; anything else raises
  :class:`~authflow.protocol.errors.ValidationError`;
* records are dicts of JSON values (str member names, finite numbers, lists, no lone surrogate, at
  most 64 levels deep); anything else raises ``ValidationError`` and nothing is written;
* records compare by their canonical JSON (sorted members, no spaces), so ``1`` and ``1.0`` differ;
* failures are :mod:`authflow.storage.errors` types: ``StoreUnavailableError`` (backend down),
  ``CorruptRecordError`` (stored bytes are not a record), ``StoreLockTimeoutError``.
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

    async def compare_and_set(
        self, key: str, expected: Record | None, new: Record | None, *, ttl: float | None = None
    ) -> bool:
        """Atomically replace the record under ``key`` if it is still ``expected``.

        If the current record equals ``expected`` (canonical JSON equality; ``None`` means absent
        or expired), store ``new`` with ``ttl`` (or delete the key when ``new`` is ``None``) and
        return ``True``; otherwise change nothing and return ``False``.

        Why: writers that read, think, then write must not overwrite what happened meanwhile.
        A refresh writes its new tokens only over the record it refreshed, so a sign-out that
        deleted the record during the refresh wins (a signed-out session never comes back), and
        when several processes of a fleet refresh the same session only one write lands over the
        record they all read; the others see ``False`` and reload.
        """
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; removing an absent key is not an error."""
        ...

    def lock(self, key: str, *, timeout: float = 30.0) -> AbstractAsyncContextManager[None]:
        """An async context manager holding the lock named ``key`` for its block.

        Callers in one process queue on a local :class:`asyncio.Lock` first, so only one of them
        at a time tries the cross-process lock. Raises
        :class:`~authflow.storage.errors.StoreLockTimeoutError` (a ``TimeoutError``) when the lock
        is not obtained within ``timeout`` seconds. Lock names and record keys are separate
        namespaces: locking ``key`` does not touch the record under ``key``.
        """
        ...

    async def close(self) -> None:
        """Release resources (connections); the store is unusable afterwards."""
        ...
