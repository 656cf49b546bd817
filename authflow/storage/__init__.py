"""Pluggable session storage: the :class:`Store` protocol and its implementations.

:class:`MemoryStore` (in-process, the default), :class:`FileStore` (one file per key, shared by
the processes of one host), :class:`RedisStore` (a fleet; needs the ``redis`` extra) and
:class:`EncryptedStore` (AES-256-GCM around any store; needs the ``encryption`` extra). The
optional ones are imported on first use, so ``import authflow.storage`` needs neither extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from authflow.storage.base import Record, Store
from authflow.storage.errors import (
    CorruptRecordError,
    RecordDecryptionError,
    StoreError,
    StoreLockTimeoutError,
    StoreUnavailableError,
)
from authflow.storage.memory import MemoryStore

if TYPE_CHECKING:
    from authflow.storage.encrypted import EncryptedStore
    from authflow.storage.file import FileStore
    from authflow.storage.redis import RedisStore

_LAZY = {
    "EncryptedStore": "authflow.storage.encrypted",
    "FileStore": "authflow.storage.file",
    "RedisStore": "authflow.storage.redis",
}

__all__ = [
    "CorruptRecordError",
    "EncryptedStore",
    "FileStore",
    "MemoryStore",
    "Record",
    "RecordDecryptionError",
    "RedisStore",
    "Store",
    "StoreError",
    "StoreLockTimeoutError",
    "StoreUnavailableError",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'authflow.storage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
