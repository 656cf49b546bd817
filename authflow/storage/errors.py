"""Errors raised by the session stores.

All derive from :class:`StoreError` (an :class:`~authflow.protocol.errors.AuthflowError`), so a
caller can tell "the store failed" from "Cognito said no". Messages name the store key (an
identifier such as ``authflow:<pool>:<client>:session:<id>``; the random id of a session key is
a capability, so keep store errors away from end users) but never a record's content: records
hold tokens.
"""

from __future__ import annotations

from authflow.protocol.errors import AuthflowError

__all__ = [
    "CorruptRecordError",
    "RecordDecryptionError",
    "StoreError",
    "StoreLockTimeoutError",
    "StoreUnavailableError",
]


class StoreError(AuthflowError):
    """A store could not do what was asked (I/O error, disk full, read-only directory, closed
    store, a backend error)."""

    def __init__(self, message: str, *, key: str | None = None):
        super().__init__(message)
        #: The store key concerned, when there is one.
        self.key = key


class StoreUnavailableError(StoreError, ConnectionError):
    """The store's backend cannot be reached (Redis down, restarting or unreachable). Nothing was
    lost; the same call may succeed once the backend is back."""

    retryable = True


class CorruptRecordError(StoreError):
    """The bytes stored under ``key`` are not a record this store wrote: invalid JSON, a truncated
    file, an unknown schema version, a file that belongs to another key. Other keys are
    unaffected."""


class RecordDecryptionError(CorruptRecordError):
    """An encrypted record does not decrypt: tampered with, copied from another key, or encrypted
    with a key that is not in the store's key set."""


class StoreLockTimeoutError(StoreError, TimeoutError):
    """A store lock was not obtained within the caller's ``timeout``."""

    retryable = True
