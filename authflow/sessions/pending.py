"""Pending sign-ins saved by key, so the next step may run in any process sharing the store.

``key = await flow.save()`` stores the flow's snapshot (never the password) under a fresh random
key (:mod:`authflow.sessions.keys`: 128 bits, so the key itself is the secret that resumes it)
with a TTL that ends with the challenge Session; ``await auth.resume(key)`` reads it back. The
record is replaced as the sign-in moves on and deleted when it finishes (authenticated,
cancelled, its challenge dead) or when a new ``save()`` supersedes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authflow.protocol.errors import SessionNotFoundError, ValidationError
from authflow.sessions.keys import SessionKeys, new_id
from authflow.storage.base import Store
from authflow.storage.errors import CorruptRecordError

__all__ = ["PendingSignIns"]

_KIND = "pending_sign_in"
_VERSION = 1


class PendingSignIns:
    """The pending sign-ins of one app client in ``store``."""

    def __init__(self, store: Store, keys: SessionKeys) -> None:
        self._store = store
        self._keys = keys

    def __repr__(self) -> str:
        return "PendingSignIns()"

    def check_key(self, key: object) -> str:
        """``key`` if it is a pending sign-in key of this app client, else a ValidationError."""
        if not self._keys.is_pending(key):
            raise ValidationError("not a pending sign-in key of this app client", field="key")
        assert isinstance(key, str)
        return key

    def new_key(self) -> str:
        """A fresh, unguessable pending sign-in key."""
        return self._keys.pending(new_id())

    async def write(self, key: str, snapshot: Mapping[str, Any], *, ttl: float) -> None:
        """Store ``snapshot`` under ``key`` for ``ttl`` seconds (replacing what was there)."""
        record = {"version": _VERSION, "kind": _KIND, "snapshot": dict(snapshot)}
        await self._store.set(self.check_key(key), record, ttl=ttl)

    async def read(self, key: object) -> dict[str, Any]:
        """The snapshot saved under ``key``: ValidationError for a key that is not a pending
        sign-in key, SessionNotFoundError when nothing is saved (finished, cancelled, expired),
        CorruptRecordError when the record is not one :meth:`write` wrote."""
        checked = self.check_key(key)
        raw = await self._store.get(checked)
        if raw is None:
            raise SessionNotFoundError(checked)
        snapshot = raw.get("snapshot")
        if raw.get("kind") != _KIND or raw.get("version") != _VERSION or not isinstance(
            snapshot, dict
        ):
            raise CorruptRecordError(f"record under {checked!r} is not a pending sign-in",
                                     key=checked)
        return snapshot

    async def delete(self, key: str) -> None:
        """Forget the pending sign-in under ``key``."""
        await self._store.delete(self.check_key(key))
